import type { AnswerSnapshot, AnswerSnapshotReader } from '../answer-snapshot';
import type { DepartmentRecord } from '../../domain/department';
import { batchGetAll, withoutKeys } from './document-client';
import { departmentKey } from './dynamodb-department-repository';
import { notificationFromItem, notificationKey } from './dynamodb-notification-repository';

export class DynamoDbAnswerSnapshotReader implements AnswerSnapshotReader {
  constructor(private readonly tableName: string) {}

  async read(ids: { departmentId: string; notificationId: string }): Promise<AnswerSnapshot> {
    const items = await batchGetAll(this.tableName, [departmentKey(ids.departmentId), notificationKey(ids.notificationId)]);
    const department = items.find((item) => item.sk === 'DEPARTMENT');
    const notification = items.find((item) => item.sk === 'NOTIFICATION');
    return {
      department: department ? withoutKeys<DepartmentRecord>(department) : undefined,
      notification: notification ? notificationFromItem(notification) : undefined,
    };
  }
}
