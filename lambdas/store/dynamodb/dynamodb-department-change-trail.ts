import { randomUUID } from 'node:crypto';
import type { DepartmentChange } from '../../domain/department-change';
import type { DepartmentChangeTrail } from '../department-change-trail';
import { putIfAbsent, queryAll, withoutKeys } from './document-client';

/** Changes live in the department's partition (`DEPARTMENT#<id>`, sort key `CHANGE#<at>#<unique>`). */
export class DynamoDbDepartmentChangeTrail implements DepartmentChangeTrail {
  constructor(private readonly tableName: string) {}

  async record(change: DepartmentChange): Promise<void> {
    await putIfAbsent(this.tableName, { pk: `DEPARTMENT#${change.departmentId}`, sk: `CHANGE#${change.at}#${randomUUID()}`, ...change });
  }

  async list(departmentId: string): Promise<DepartmentChange[]> {
    const items = await queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `DEPARTMENT#${departmentId}`, ':prefix': 'CHANGE#' },
      ConsistentRead: true,
    });
    return items.map((item) => withoutKeys<DepartmentChange>(item));
  }
}
