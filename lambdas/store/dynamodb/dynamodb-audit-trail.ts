import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chronological, type AuditEvent } from '../../domain/audit-event';
import type { AuditTrail } from '../audit-trail';
import { documentClient, isConditionFailure, putIfAbsent, queryAll, withoutKeys } from './document-client';
import { PARTITIONS } from './table-layout';

/** Events live in the submission's partition (`SUBMISSION#<id>`, sort key `EVENT#<key>`). */
export class DynamoDbAuditTrail implements AuditTrail {
  constructor(private readonly tableName: string) {}

  async record(event: AuditEvent): Promise<'recorded' | 'already-recorded'> {
    const written = await putIfAbsent(this.tableName, { pk: `${PARTITIONS.submission}${event.submissionId}`, sk: `EVENT#${event.key}`, ...event });
    return written === 'created' ? 'recorded' : 'already-recorded';
  }

  async list(submissionId: string): Promise<AuditEvent[]> {
    const items = await queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `${PARTITIONS.submission}${submissionId}`, ':prefix': 'EVENT#' },
      ConsistentRead: true,
    });
    return chronological(items.map((item) => withoutKeys<AuditEvent>(item)));
  }

  async eraseFreeText(submissionId: string): Promise<void> {
    for (const event of await this.list(submissionId)) {
      if (event.departmentReference === undefined && event.reason === undefined) continue;
      try {
        await documentClient().send(new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${PARTITIONS.submission}${submissionId}`, sk: `EVENT#${event.key}` },
          UpdateExpression: 'REMOVE departmentReference, reason',
          ConditionExpression: 'attribute_exists(pk)',
        }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }
}
