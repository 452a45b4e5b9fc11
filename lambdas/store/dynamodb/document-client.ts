import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit-event';
import { traced } from '../../observability/tracer';
import { TRAIL_ATTRIBUTE_PREFIX } from './table-layout';

let client: DynamoDBDocumentClient | undefined;

/** One client per process, created on first use (the endpoint comes from the environment on one machine). */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt'];

/** The stored item without its key attributes. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = { ...item };
  for (const key of KEY_ATTRIBUTES) delete record[key];
  return record as T;
}

/** The record an item holds: without its keys and without the audit entries it carries (DynamoDbAuditTrail reads those). */
export function recordFromItem<T>(item: Record<string, unknown>): T {
  const record = withoutKeys<Record<string, unknown>>(item);
  for (const name of Object.keys(record)) if (name.startsWith(TRAIL_ATTRIBUTE_PREFIX)) delete record[name];
  return record as T;
}

/** The audit entries an item carries as attributes `EVENT#<key>` (TRAIL_ATTRIBUTE_PREFIX). */
export function trailEntriesOf(item: Record<string, unknown>): AuditEvent[] {
  return Object.entries(item)
    .filter(([name]) => name.startsWith(TRAIL_ATTRIBUTE_PREFIX))
    .map(([, entry]) => entry as AuditEvent);
}

/** SET clauses that add audit entries to an item once each (a repeated write leaves the first). */
export function trailClause(entries: readonly AuditEvent[] = []) {
  return {
    sets: entries.map((_, i) => `#trail${i} = if_not_exists(#trail${i}, :trail${i})`).join(', '),
    names: Object.fromEntries(entries.map((entry, i) => [`#trail${i}`, `${TRAIL_ATTRIBUTE_PREFIX}${entry.key}`])),
    values: Object.fromEntries(entries.map((entry, i) => [`:trail${i}`, entry])),
  };
}

/** The attributes that carry these audit entries on an item (for a PutItem). */
export const trailAttributes = (entries: readonly AuditEvent[]) =>
  Object.fromEntries(entries.map((entry) => [`${TRAIL_ATTRIBUTE_PREFIX}${entry.key}`, entry]));

type Key = { pk: string; sk: string };

/** One item by key, read consistently, without its key attributes. */
export async function getRecord<T>(tableName: string, key: Key): Promise<T | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return Item ? withoutKeys<T>(Item) : undefined;
}

/** Writes the item unless one with its key exists. */
export async function putIfAbsent(tableName: string, item: Key & Record<string, unknown>): Promise<'created' | 'exists'> {
  try {
    await documentClient().send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return 'created';
  } catch (error) {
    if (isConditionFailure(error)) return 'exists';
    throw error;
  }
}

/** Every item a query matches, page after page (DynamoDB answers at most 1 MB a request). */
export async function queryAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** BatchGetItem reads at most this many items per request. */
const BATCH_GET_LIMIT = 100;

/**
 * The items with these keys that exist (consistent reads), in requests of 100 keys; the keys
 * DynamoDB leaves unprocessed are asked for again after a short backoff.
 */
export async function batchGetAll(tableName: string, keys: readonly Key[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let pending: Key[] | undefined = keys.slice(start, start + BATCH_GET_LIMIT);
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
      const result = await documentClient().send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined;
    }
  }
  return items;
}
