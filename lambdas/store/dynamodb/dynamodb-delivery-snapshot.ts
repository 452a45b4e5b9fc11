import type { DeliverySnapshot, DeliverySnapshotReader } from '../delivery-snapshot';
import type { DepartmentRecord } from '../../domain/department';
import type { PersonalDataRecord } from '../../domain/submission';
import { departmentKey } from './dynamodb-department-repository';
import { endpointKey, healthOf, type EndpointItem } from './dynamodb-endpoint-repository';
import { notificationFromItem, notificationKey } from './dynamodb-notification-repository';
import { personalDataKey, submissionFromItem, submissionKey } from './dynamodb-submission-repository';
import { batchGetAll, withoutKeys } from './document-client';

type Key = { pk: string; sk: string };

export class DynamoDbDeliverySnapshotReader implements DeliverySnapshotReader {
  constructor(private readonly tableName: string) {}

  async read(ids: { submissionId: string; notificationId: string; departmentId: string }): Promise<DeliverySnapshot> {
    const keys = {
      notification: notificationKey(ids.notificationId),
      submission: submissionKey(ids.submissionId),
      personalData: personalDataKey(ids.submissionId),
      department: departmentKey(ids.departmentId),
      endpoint: endpointKey(ids.departmentId),
    };
    const found = new Map<string, Record<string, unknown>>();
    const id = (k: Key) => `${k.pk}\u0000${k.sk}`;
    for (const item of await batchGetAll(this.tableName, Object.values(keys))) found.set(id(item as Key), item);
    const record = <T>(k: Key) => {
      const item = found.get(id(k));
      return item ? withoutKeys<T>(item) : undefined;
    };
    return {
      notification: found.has(id(keys.notification)) ? notificationFromItem(found.get(id(keys.notification))!) : undefined,
      submission: found.has(id(keys.submission)) ? submissionFromItem(found.get(id(keys.submission))!) : undefined,
      personalData: record<PersonalDataRecord>(keys.personalData),
      department: record<DepartmentRecord>(keys.department),
      endpoint: healthOf(record<EndpointItem>(keys.endpoint)),
    };
  }
}
