import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SubmissionStatus } from '../../domain/notification-status';
import type { SubmissionRecord } from '../records';
import type { SubmissionRepository } from '../submission-repository';
import { documentClient, isConditionFailure, withoutKeys } from './document-client';

const key = (id: string) => ({ pk: `SUBMISSION#${id}`, sk: 'SUBMISSION' });

export class DynamoDbSubmissionRepository implements SubmissionRepository {
  constructor(private readonly tableName: string) {}

  async get(id: string): Promise<SubmissionRecord | undefined> {
    const { Item } = await documentClient().send(new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }));
    return Item ? withoutKeys<SubmissionRecord>(Item) : undefined;
  }

  async create(record: SubmissionRecord): Promise<'created' | 'exists'> {
    try {
      await documentClient().send(new PutCommand({
        TableName: this.tableName,
        Item: { ...key(record.id), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'exists';
      throw error;
    }
  }

  async setStatus(id: string, status: SubmissionStatus, now: Date): Promise<void> {
    const final = status !== 'IN_PROGRESS';
    await documentClient().send(new UpdateCommand({
      TableName: this.tableName,
      Key: key(id),
      UpdateExpression: final
        ? 'SET #status = :status, updatedAt = :now, finalisedAt = if_not_exists(finalisedAt, :now)'
        : 'SET #status = :status, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':now': now.toISOString() },
    }));
  }
}
