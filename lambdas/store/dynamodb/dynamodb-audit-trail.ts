import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chronological, type AuditEvent } from '../../domain/audit-event';
import type { AuditTrail } from '../audit-trail';
import type { SubmissionRecord } from '../../domain/submission';
import { batchGetAll, documentClient, getRecord, isConditionFailure, putIfAbsent, queryAll, withoutKeys } from './document-client';
import { notificationKey } from './dynamodb-notification-repository';
import { submissionKey } from './dynamodb-submission-repository';
import { PARTITIONS, TRAIL_ATTRIBUTE_PREFIX } from './table-layout';

/**
 * Events of the submission live in its partition (`SUBMISSION#<id>`, sort key `EVENT#<key>`);
 * each notification's own events (SENT, DELIVERED, FAILED, its answer) live on the notification
 * item, written by the notification's own conditional writes (TRAIL_ATTRIBUTE_PREFIX). The trail
 * reads both: one Query, the submission (its notification ids) and one BatchGetItem.
 */
export class DynamoDbAuditTrail implements AuditTrail {
  constructor(private readonly tableName: string) {}

  async record(event: AuditEvent): Promise<'recorded' | 'already-recorded'> {
    const written = await putIfAbsent(this.tableName, {
      pk: `${PARTITIONS.submission}${event.submissionId}`,
      sk: `EVENT#${event.key}`,
      ...event,
    });
    return written === 'created' ? 'recorded' : 'already-recorded';
  }

  async list(submissionId: string): Promise<AuditEvent[]> {
    const [own, submission] = await Promise.all([this.submissionEvents(submissionId), this.submission(submissionId)]);
    const notifications = await batchGetAll(this.tableName, (submission?.notificationIds ?? []).map(notificationKey));
    const held = notifications.flatMap((item) =>
      Object.entries(item)
        .filter(([name]) => name.startsWith(TRAIL_ATTRIBUTE_PREFIX))
        .map(([, entry]) => entry as AuditEvent)
        .filter((entry) => entry.submissionId === submissionId),
    );
    return chronological([...own, ...held]);
  }

  async eraseFreeText(submissionId: string): Promise<void> {
    for (const event of await this.submissionEvents(submissionId)) {
      if (event.departmentReference === undefined && event.reason === undefined) continue;
      await this.removeText(
        { pk: `${PARTITIONS.submission}${submissionId}`, sk: `EVENT#${event.key}` },
        ['departmentReference', 'reason'],
        'attribute_exists(pk)',
      );
    }
    // Only a department's answer carries free text: its entry is `<notificationId>#ANSWER` on the notification.
    for (const notificationId of (await this.submission(submissionId))?.notificationIds ?? []) {
      await this.removeText(
        notificationKey(notificationId),
        ['#entry.departmentReference', '#entry.reason'],
        'attribute_exists(#entry.departmentReference) OR attribute_exists(#entry.reason)',
        { '#entry': `${TRAIL_ATTRIBUTE_PREFIX}${notificationId}#ANSWER` },
      );
    }
  }

  private async submissionEvents(submissionId: string): Promise<AuditEvent[]> {
    const items = await queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `${PARTITIONS.submission}${submissionId}`, ':prefix': 'EVENT#' },
      ConsistentRead: true,
    });
    return items.map((item) => withoutKeys<AuditEvent>(item));
  }

  private submission(submissionId: string): Promise<SubmissionRecord | undefined> {
    return getRecord<SubmissionRecord>(this.tableName, submissionKey(submissionId));
  }

  /** Removes these attributes where the condition holds; an erasure repeated writes nothing. */
  private async removeText(
    key: { pk: string; sk: string },
    paths: string[],
    condition: string,
    names?: Record<string, string>,
  ): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `REMOVE ${paths.join(', ')}`,
          ConditionExpression: condition,
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
