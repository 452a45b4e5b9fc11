import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OperatorEvent, OperatorEventInput } from '../../domain/operator-event';
import { InvalidCursorError } from '../notification-repository';
import type { OperatorEventLog, OperatorEventPage } from '../operator-event-log';
import { putIfAbsent, withoutKeys, documentClient } from './document-client';
import { PARTITIONS } from './table-layout';

/**
 * One partition, sorted by time then id: operator events are rare (changes of health, failed
 * notifications), far below a partition's write limit.
 */
const PARTITION = PARTITIONS.operatorEvents;

export class DynamoDbOperatorEventLog implements OperatorEventLog {
  constructor(private readonly tableName: string) {}

  async record(input: OperatorEventInput): Promise<void> {
    const { key, ...event } = input;
    const id = `evt_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    await putIfAbsent(this.tableName, { pk: PARTITION, sk: `${event.at}#${id}`, id, ...event });
  }

  async list(page: { after?: string; limit: number }): Promise<OperatorEventPage> {
    const after = page.after ? decodeCursor(page.after) : undefined;
    const result = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PARTITION, ...(after ? { ':after': after } : {}) },
        Limit: page.limit,
        ConsistentRead: true,
      }),
    );
    const items = result.Items ?? [];
    const last = items.at(-1);
    return {
      items: items.map((item) => withoutKeys<OperatorEvent>(item)),
      next: last ? Buffer.from(String(last.sk)).toString('base64url') : (page.after ?? START),
    };
  }
}

/** Before every event: `next` is always a cursor, even from an empty log. */
const START = Buffer.from('0000-00-00T00:00:00.000Z#evt_0').toString('base64url');

function decodeCursor(cursor: string): string {
  const position = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#evt_[0-9a-f]+$/.test(position)) throw new InvalidCursorError();
  return position;
}
