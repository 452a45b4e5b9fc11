import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DepartmentAnswer, NotificationRepository } from '../notification-repository';
import type { NotificationRecord } from '../records';
import { documentClient, isConditionFailure, withoutKeys } from './document-client';

const key = (id: string) => ({ pk: `NOTIFICATION#${id}`, sk: 'NOTIFICATION' });
const BATCH_GET_LIMIT = 100;

export class DynamoDbNotificationRepository implements NotificationRepository {
  constructor(private readonly tableName: string) {}

  async get(id: string): Promise<NotificationRecord | undefined> {
    const { Item } = await documentClient().send(new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }));
    return Item ? withoutKeys<NotificationRecord>(Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<NotificationRecord[]> {
    const found = new Map<string, NotificationRecord>();
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(start, start + BATCH_GET_LIMIT).map(key);
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
        const result = await documentClient().send(new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
        }));
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const record = withoutKeys<NotificationRecord>(item);
          found.set(record.id, record);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  async createIfAbsent(record: NotificationRecord): Promise<void> {
    try {
      await documentClient().send(new PutCommand({
        TableName: this.tableName,
        Item: { ...key(record.id), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async recordAttemptStarted(id: string, now: Date): Promise<NotificationRecord> {
    const { Attributes } = await documentClient().send(new UpdateCommand({
      TableName: this.tableName,
      Key: key(id),
      UpdateExpression: 'SET attempts = if_not_exists(attempts, :zero) + :one, firstAttemptAt = if_not_exists(firstAttemptAt, :now), '
        + 'sentAt = if_not_exists(sentAt, :now), updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':now': now.toISOString() },
      ReturnValues: 'ALL_NEW',
    }));
    return withoutKeys<NotificationRecord>(Attributes!);
  }

  async recordAttemptError(id: string, error: string, now: Date): Promise<void> {
    await documentClient().send(new UpdateCommand({
      TableName: this.tableName,
      Key: key(id),
      UpdateExpression: 'SET lastError = :error, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':error': error, ':now': now.toISOString() },
    }));
  }

  async markDelivered(id: string, now: Date): Promise<NotificationRecord> {
    const values = { ':now': now.toISOString(), ':delivered': 'DELIVERED', ':pending': 'PENDING' };
    try {
      const { Attributes } = await documentClient().send(new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: 'SET #status = :delivered, deliveredAt = if_not_exists(deliveredAt, :now), updatedAt = :now REMOVE lastError',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }));
      return withoutKeys<NotificationRecord>(Attributes!);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Already answered (or delivered before a restart): keep the status, record the delivery time.
      const { Attributes } = await documentClient().send(new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: 'SET deliveredAt = if_not_exists(deliveredAt, :now), updatedAt = :now REMOVE lastError',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': values[':now'] },
        ReturnValues: 'ALL_NEW',
      }));
      return withoutKeys<NotificationRecord>(Attributes!);
    }
  }

  async markFailed(id: string, error: string, now: Date): Promise<boolean> {
    return this.transition(id, 'PENDING', 'FAILED', now, { lastError: error });
  }

  async markExpired(id: string, now: Date): Promise<boolean> {
    return this.transition(id, 'DELIVERED', 'EXPIRED', now);
  }

  async recordAnswer(id: string, answer: DepartmentAnswer, now: Date) {
    try {
      const { Attributes } = await documentClient().send(new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: 'SET #status = :outcome, respondedAt = :now, updatedAt = :now'
          + (answer.departmentReference !== undefined ? ', departmentReference = :departmentReference' : '')
          + (answer.reason !== undefined ? ', reason = :reason' : ''),
        ConditionExpression: '(#status = :pending OR #status = :delivered) AND confirmationRequired = :true AND attribute_exists(sentAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':outcome': answer.outcome,
          ':now': now.toISOString(),
          ':pending': 'PENDING',
          ':delivered': 'DELIVERED',
          ':true': true,
          ...(answer.departmentReference !== undefined ? { ':departmentReference': answer.departmentReference } : {}),
          ...(answer.reason !== undefined ? { ':reason': answer.reason } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }));
      return { recorded: true, notification: withoutKeys<NotificationRecord>(Attributes!) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { recorded: false, notification: await this.get(id) };
    }
  }

  async storeTaskToken(id: string, taskToken: string, now: Date): Promise<NotificationRecord> {
    const { Attributes } = await documentClient().send(new UpdateCommand({
      TableName: this.tableName,
      Key: key(id),
      UpdateExpression: 'SET taskToken = :token, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':token': taskToken, ':now': now.toISOString() },
      ReturnValues: 'ALL_NEW',
    }));
    return withoutKeys<NotificationRecord>(Attributes!);
  }

  private async transition(id: string, from: string, to: string, now: Date, extra: Record<string, string> = {}): Promise<boolean> {
    const extraNames = Object.keys(extra);
    try {
      await documentClient().send(new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: ['SET #status = :to, updatedAt = :now', ...extraNames.map((name) => `${name} = :${name}`)].join(', '),
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':to': to,
          ':from': from,
          ':now': now.toISOString(),
          ...Object.fromEntries(extraNames.map((name) => [`:${name}`, extra[name]])),
        },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
