import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DepartmentChange } from '../../domain/department-change';
import type { DepartmentChangeTrail } from '../department-change-trail';
import { documentClient, putIfAbsent, withoutKeys } from './document-client';

/** Changes live in the department's partition (`DEPARTMENT#<id>`, sort key `CHANGE#<at>#<unique>`). */
export class DynamoDbDepartmentChangeTrail implements DepartmentChangeTrail {
  constructor(private readonly tableName: string) {}

  async record(change: DepartmentChange): Promise<void> {
    await putIfAbsent(this.tableName, { pk: `DEPARTMENT#${change.departmentId}`, sk: `CHANGE#${change.at}#${randomUUID()}`, ...change });
  }

  async list(departmentId: string): Promise<DepartmentChange[]> {
    const changes: DepartmentChange[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `DEPARTMENT#${departmentId}`, ':prefix': 'CHANGE#' },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }));
      for (const item of page.Items ?? []) changes.push(withoutKeys<DepartmentChange>(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return changes;
  }
}
