import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeOfAddress } from '../../domain/entitlement';
import type { SubmissionStatus } from '../../domain/notification-status';
import type { PersonalDataRecord, SubmissionRecord } from '../records';
import type { SubmissionRepository } from '../submission-repository';
import { documentClient, getRecord, isConditionFailure, putIfAbsent } from './document-client';

const LISTING_INDEX = 'listing';
const ERASURE_DUE = 'ERASURE_DUE';
const key = (id: string) => ({ pk: `SUBMISSION#${id}`, sk: 'SUBMISSION' });
const personalDataKey = (id: string) => ({ pk: `SUBMISSION#${id}`, sk: 'PERSONAL_DATA' });

export class DynamoDbSubmissionRepository implements SubmissionRepository {
  constructor(private readonly tableName: string) {}

  get(id: string): Promise<SubmissionRecord | undefined> {
    return getRecord<SubmissionRecord>(this.tableName, key(id));
  }

  create(record: SubmissionRecord): Promise<'created' | 'exists'> {
    return putIfAbsent(this.tableName, { ...key(record.id), ...record });
  }

  async setStatus(id: string, status: SubmissionStatus, now: Date): Promise<void> {
    const final = status !== 'IN_PROGRESS';
    await documentClient().send(new UpdateCommand({
      TableName: this.tableName,
      Key: key(id),
      UpdateExpression: final
        ? 'SET #status = :status, updatedAt = :now, finalisedAt = if_not_exists(finalisedAt, :now)'
        : 'SET #status = :status, updatedAt = :now REMOVE finalisedAt',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':now': now.toISOString() },
    }));
  }

  async putPersonalData(submissionId: string, change: ChangeOfAddress): Promise<void> {
    const record: PersonalDataRecord = { submissionId, change };
    await documentClient().send(new PutCommand({ TableName: this.tableName, Item: { ...personalDataKey(submissionId), ...record } }));
  }

  getPersonalData(submissionId: string): Promise<PersonalDataRecord | undefined> {
    return getRecord<PersonalDataRecord>(this.tableName, personalDataKey(submissionId));
  }

  async scheduleErasure(submissionId: string, eraseAfter: Date): Promise<void> {
    try {
      await documentClient().send(new UpdateCommand({
        TableName: this.tableName,
        Key: personalDataKey(submissionId),
        // expiresAt is the table's TTL attribute (epoch seconds): DynamoDB erases the item on AWS.
        UpdateExpression: 'SET eraseAfter = :at, expiresAt = :epoch, gsi1pk = :due, gsi1sk = :sort',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':at': eraseAfter.toISOString(),
          ':epoch': Math.ceil(eraseAfter.getTime() / 1000),
          ':due': ERASURE_DUE,
          ':sort': `${eraseAfter.toISOString()}#${submissionId}`,
        },
      }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // Already erased: nothing to schedule.
    }
  }

  async listErasureDue(now: Date, limit: number): Promise<string[]> {
    const { Items } = await documentClient().send(new QueryCommand({
      TableName: this.tableName,
      IndexName: LISTING_INDEX,
      KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
      ExpressionAttributeValues: { ':due': ERASURE_DUE, ':now': `${now.toISOString()}#~` },
      Limit: limit,
    }));
    return (Items ?? []).map((item) => item.submissionId as string);
  }

  async erasePersonalData(submissionId: string, now: Date): Promise<boolean> {
    try {
      await documentClient().send(new UpdateCommand({
        TableName: this.tableName,
        Key: key(submissionId),
        UpdateExpression: 'SET erasedAt = if_not_exists(erasedAt, :now), updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Attributes } = await documentClient().send(new DeleteCommand({
      TableName: this.tableName,
      Key: personalDataKey(submissionId),
      ReturnValues: 'ALL_OLD',
    }));
    return Attributes !== undefined;
  }
}
