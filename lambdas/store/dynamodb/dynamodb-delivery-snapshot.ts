import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliverySnapshot, DeliverySnapshotReader } from '../delivery-snapshot';
import type { DepartmentRecord } from '../../domain/department';
import type { PersonalDataRecord, SubmissionRecord } from '../../domain/submission';
import { departmentKey } from './dynamodb-department-repository';
import { endpointKey, healthOf, type EndpointItem } from './dynamodb-endpoint-repository';
import { notificationFromItem, notificationKey } from './dynamodb-notification-repository';
import { personalDataKey, submissionKey } from './dynamodb-submission-repository';
import { documentClient, withoutKeys } from './document-client';

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
    let pending: Key[] | undefined = Object.values(keys);
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
      const result = await documentClient().send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) found.set(id(item as Key), item);
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys as Key[] | undefined;
    }
    const record = <T>(k: Key) => {
      const item = found.get(id(k));
      return item ? withoutKeys<T>(item) : undefined;
    };
    return {
      notification: found.has(id(keys.notification)) ? notificationFromItem(found.get(id(keys.notification))!) : undefined,
      submission: record<SubmissionRecord>(keys.submission),
      personalData: record<PersonalDataRecord>(keys.personalData),
      department: record<DepartmentRecord>(keys.department),
      endpoint: healthOf(record<EndpointItem>(keys.endpoint)),
    };
  }
}
