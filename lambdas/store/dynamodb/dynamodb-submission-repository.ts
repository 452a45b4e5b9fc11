import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeOfAddress } from '../../domain/entitlement';
import type { SubmissionStatus } from '../../domain/notification-status';
import type { PersonalDataRecord, SubmissionRecord } from '../records';
import type { SubmissionRepository } from '../submission-repository';
import { createHash } from 'node:crypto';
import { documentClient, getRecord, isConditionFailure, putIfAbsent, withoutKeys } from './document-client';

const LISTING_INDEX = 'listing';
const ERASURE_DUE = 'ERASURE_DUE';
/**
 * Submissions not yet final are listed (sparsely) under a few partitions of the listing index, so
 * the reconciler can find them; spreading them over shards keeps one partition from running hot
 * under many concurrent submissions on DynamoDB.
 */
const IN_PROGRESS_SHARDS = 8;
const inProgressShard = (id: string) => `SUBMISSIONS_IN_PROGRESS#${createHash('sha256').update(id).digest()[0] % IN_PROGRESS_SHARDS}`;
const inProgressListing = (id: string, createdAt: string) => ({ gsi1pk: inProgressShard(id), gsi1sk: `${createdAt}#${id}` });
const key = (id: string) => ({ pk: `SUBMISSION#${id}`, sk: 'SUBMISSION' });
const personalDataKey = (id: string) => ({ pk: `SUBMISSION#${id}`, sk: 'PERSONAL_DATA' });

export class DynamoDbSubmissionRepository implements SubmissionRepository {
  constructor(private readonly tableName: string) {}

  get(id: string): Promise<SubmissionRecord | undefined> {
    return getRecord<SubmissionRecord>(this.tableName, key(id));
  }

  create(record: SubmissionRecord): Promise<'created' | 'exists'> {
    return putIfAbsent(this.tableName, { ...key(record.id), ...record, ...(record.status === 'IN_PROGRESS' ? inProgressListing(record.id, record.createdAt) : {}) });
  }

  async setStatus(id: string, status: SubmissionStatus, now: Date): Promise<void> {
    const final = status !== 'IN_PROGRESS';
    // Final: off the in-progress listing. Back in progress (a redelivery): on it again.
    await documentClient().send(new UpdateCommand({
      TableName: this.tableName,
      Key: key(id),
      UpdateExpression: final
        ? 'SET #status = :status, updatedAt = :now, finalisedAt = if_not_exists(finalisedAt, :now) REMOVE gsi1pk, gsi1sk'
        : 'SET #status = :status, updatedAt = :now, gsi1pk = :shard, gsi1sk = :sort REMOVE finalisedAt',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':now': now.toISOString(),
        ...(final ? {} : { ':shard': inProgressShard(id), ':sort': `${now.toISOString()}#${id}` }),
      },
    }));
  }

  async listInProgress(scope: { readonly createdBefore?: Date } = {}): Promise<SubmissionRecord[]> {
    // The listing sorts by `<createdAt>#<id>`: the stale ones are a key range, not a filter.
    const before = scope.createdBefore ? { condition: ' AND gsi1sk < :before', values: { ':before': scope.createdBefore.toISOString() } } : { condition: '', values: {} };
    const found: SubmissionRecord[] = [];
    for (let shard = 0; shard < IN_PROGRESS_SHARDS; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documentClient().send(new QueryCommand({
          TableName: this.tableName,
          IndexName: LISTING_INDEX,
          KeyConditionExpression: `gsi1pk = :shard${before.condition}`,
          ExpressionAttributeValues: { ':shard': `SUBMISSIONS_IN_PROGRESS#${shard}`, ...before.values },
          ExclusiveStartKey: startKey,
        }));
        for (const item of page.Items ?? []) {
          const record = withoutKeys<SubmissionRecord>(item);
          if (record.status === 'IN_PROGRESS') found.push(record); // The index is eventually consistent.
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return found;
  }

  async beginRecoveryRound(id: string, expectedRounds: number, now: Date): Promise<boolean> {
    try {
      await documentClient().send(new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: 'SET recoveryRounds = :next, updatedAt = :now',
        ConditionExpression: expectedRounds === 0
          ? 'attribute_exists(pk) AND attribute_not_exists(recoveryRounds)'
          : 'recoveryRounds = :expected',
        ExpressionAttributeValues: {
          ':next': expectedRounds + 1,
          ':now': now.toISOString(),
          ...(expectedRounds === 0 ? {} : { ':expected': expectedRounds }),
        },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
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
