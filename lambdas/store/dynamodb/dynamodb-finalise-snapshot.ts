import type { FinaliseSnapshot, FinaliseSnapshotReader } from '../finalise-snapshot';
import type { DepartmentRecord } from '../../domain/department';
import type { NotificationRecord } from '../../domain/notification';
import type { PersonalDataRecord } from '../../domain/submission';
import { batchGetAll, withoutKeys } from './document-client';
import { departmentKey } from './dynamodb-department-repository';
import { notificationFromItem, notificationKey } from './dynamodb-notification-repository';
import { personalDataKey, submissionFromItem, submissionKey } from './dynamodb-submission-repository';
import { PARTITIONS } from './table-layout';

export class DynamoDbFinaliseSnapshotReader implements FinaliseSnapshotReader {
  constructor(private readonly tableName: string) {}

  async read(ids: {
    submissionId: string;
    carried: readonly { notificationId: string; departmentId: string }[];
  }): Promise<FinaliseSnapshot> {
    const items = await batchGetAll(this.tableName, [
      submissionKey(ids.submissionId),
      personalDataKey(ids.submissionId),
      ...unique(ids.carried.map((n) => n.notificationId)).map(notificationKey),
      ...unique(ids.carried.map((n) => n.departmentId)).map(departmentKey),
    ]);
    const submissionItem = items.find((item) => item.pk === submissionKey(ids.submissionId).pk && item.sk === 'SUBMISSION');
    const personalData = items.find((item) => item.pk === personalDataKey(ids.submissionId).pk && item.sk === 'PERSONAL_DATA');
    const submission = submissionItem ? submissionFromItem(submissionItem) : undefined;
    const notifications = new Map<string, NotificationRecord>();
    for (const item of items.filter((i) => String(i.pk).startsWith(PARTITIONS.notification))) {
      const notification = notificationFromItem(item);
      notifications.set(notification.id, notification);
    }
    // Added by a correction or withdrawal since the run started (or a run that carried none): read too.
    const others = (submission?.notificationIds ?? []).filter((id) => !notifications.has(id));
    if (others.length > 0) {
      for (const item of await batchGetAll(this.tableName, others.map(notificationKey))) {
        const notification = notificationFromItem(item);
        notifications.set(notification.id, notification);
      }
    }
    return {
      submission,
      personalData: personalData ? withoutKeys<PersonalDataRecord>(personalData) : undefined,
      notifications: (submission?.notificationIds ?? []).flatMap((id) => (notifications.has(id) ? [notifications.get(id)!] : [])),
      departments: items.filter((item) => item.sk === 'DEPARTMENT').map((item) => withoutKeys<DepartmentRecord>(item)),
    };
  }
}

const unique = (values: readonly string[]) => [...new Set(values)];
