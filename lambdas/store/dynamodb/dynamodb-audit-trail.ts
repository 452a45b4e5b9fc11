import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chronological, type AuditEvent } from '../../domain/audit-event';
import type { AuditTrail } from '../audit-trail';
import {
  batchGetAll,
  documentClient,
  getRecord,
  isConditionFailure,
  putIfAbsent,
  queryAll,
  trailEntriesOf,
  withoutKeys,
} from './document-client';
import { notificationKey } from './dynamodb-notification-repository';
import { submissionFromItem, submissionKey } from './dynamodb-submission-repository';
import { PARTITIONS, TRAIL_ATTRIBUTE_PREFIX } from './table-layout';

/**
 * Entries written by a change of the submission or of a notification are attributes of that item
 * (TRAIL_ATTRIBUTE_PREFIX), written by the same write: `SUBMITTED` by the submission's creation,
 * the round's final status and `CITIZEN_NOTIFIED` by finalising, each notification's own events
 * (SENT, DELIVERED, FAILED, its answer) by the notification's conditional writes. Every other
 * entry (and those stored before entries moved onto the items) is an item of its own in the
 * submission's partition (sort key `EVENT#<key>`). The trail reads them all: one Query, the
 * submission (its entries and notification ids) and one BatchGetItem of its notifications.
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
    const [own, item] = await Promise.all([this.submissionEvents(submissionId), this.submissionItem(submissionId)]);
    const notificationIds = item ? submissionFromItem(item).notificationIds : [];
    const notifications = await batchGetAll(this.tableName, notificationIds.map(notificationKey));
    const held = [...(item ? [item] : []), ...notifications].flatMap(trailEntriesOf).filter((entry) => entry.submissionId === submissionId);
    // Once by key: an entry on the item wins over an item of its own with the same key (a round
    // claimed on both, for a submission stored before the entries moved onto it).
    const byKey = new Map<string, AuditEvent>();
    for (const entry of [...held, ...own]) if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
    return chronological([...byKey.values()]);
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
    // The submission's own entries (SUBMITTED, a round's final status, CITIZEN_NOTIFIED) carry none.
    const item = await this.submissionItem(submissionId);
    for (const notificationId of item ? submissionFromItem(item).notificationIds : []) {
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

  /** The submission's item as stored, with the entries it carries. */
  private submissionItem(submissionId: string): Promise<Record<string, unknown> | undefined> {
    return getRecord<Record<string, unknown>>(this.tableName, submissionKey(submissionId));
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
