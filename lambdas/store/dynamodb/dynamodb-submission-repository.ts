import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit-event';
import type { ChangeOfAddress } from '../../domain/submission';
import type { SubmissionStatus } from '../../domain/notification-status';
import type { CorrectionRecord, PersonalDataRecord, SubmissionRecord } from '../../domain/submission';
import type { SubmissionRepository, SubmissionWithPersonalData } from '../submission-repository';
import { createHash } from 'node:crypto';
import {
  batchGetAll,
  documentClient,
  getRecord,
  isConditionFailure,
  putIfAbsent,
  queryAll,
  recordFromItem,
  trailAttributes,
  trailClause,
  withoutKeys,
} from './document-client';
import { LISTING_INDEX_NAME, PARTITIONS, TRAIL_ATTRIBUTE_PREFIX } from './table-layout';
import { LOST_RACE, notSettled, retryAfterLostRace } from '../../domain/lost-race';

const ERASURE_DUE = 'ERASURE_DUE';
/** How long after its erasure is due DynamoDB's TTL deletes a personal data item the sweeper has not erased. */
export const TIME_TO_LIVE_BACKSTOP_SECONDS = 24 * 3600;
/**
 * Submissions not yet final are listed (sparsely) under a few partitions of the listing index, so
 * the reconciler can find them; spreading them over shards keeps one partition from running hot
 * under many concurrent submissions on DynamoDB.
 */
const IN_PROGRESS_SHARDS = 8;
const inProgressShard = (id: string) => `SUBMISSIONS_IN_PROGRESS#${createHash('sha256').update(id).digest()[0] % IN_PROGRESS_SHARDS}`;
const inProgressListing = (id: string, createdAt: string) => ({ gsi1pk: inProgressShard(id), gsi1sk: `${createdAt}#${id}` });
export const submissionKey = (id: string) => ({ pk: `${PARTITIONS.submission}${id}`, sk: 'SUBMISSION' });
const key = submissionKey;
export const personalDataKey = (id: string) => ({ pk: `${PARTITIONS.submission}${id}`, sk: 'PERSONAL_DATA' });
const correctionKey = (submissionId: string, correctionId: string) => ({
  pk: `${PARTITIONS.submission}${submissionId}`,
  sk: `CORRECTION#${correctionId}`,
});

/** The submission an item holds, without the audit entries it carries (DynamoDbAuditTrail reads those). */
export const submissionFromItem = (item: Record<string, unknown>): SubmissionRecord => recordFromItem<SubmissionRecord>(item);

export class DynamoDbSubmissionRepository implements SubmissionRepository {
  constructor(private readonly tableName: string) {}

  async get(id: string): Promise<SubmissionRecord | undefined> {
    const item = await getRecord<Record<string, unknown>>(this.tableName, key(id));
    return item ? submissionFromItem(item) : undefined;
  }

  create(record: SubmissionRecord, trail: readonly AuditEvent[] = []): Promise<'created' | 'exists'> {
    return putIfAbsent(this.tableName, {
      ...key(record.id),
      ...record,
      ...trailAttributes(trail),
      ...(record.status === 'IN_PROGRESS' ? inProgressListing(record.id, record.createdAt) : {}),
    });
  }

  async setStatus(
    id: string,
    status: SubmissionStatus,
    now: Date,
    notificationCount?: number,
    trail: readonly AuditEvent[] = [],
  ): Promise<void> {
    const final = status !== 'IN_PROGRESS';
    const entries = trailClause(trail);
    // Final: off the in-progress listing. Back in progress (a redelivery): on it again.
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression:
            (final
              ? 'SET #status = :status, updatedAt = :now, finalisedAt = if_not_exists(finalisedAt, :now)'
              : 'SET #status = :status, updatedAt = :now, gsi1pk = :shard, gsi1sk = :sort') +
            (entries.sets ? `, ${entries.sets}` : '') +
            (final ? ' REMOVE gsi1pk, gsi1sk' : ' REMOVE finalisedAt'),
          ConditionExpression:
            notificationCount === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND size(notificationIds) = :count',
          ExpressionAttributeNames: { '#status': 'status', ...entries.names },
          ExpressionAttributeValues: {
            ':status': status,
            ':now': now.toISOString(),
            ...(final ? {} : { ':shard': inProgressShard(id), ':sort': `${now.toISOString()}#${id}` }),
            ...(notificationCount === undefined ? {} : { ':count': notificationCount }),
            ...entries.values,
          },
        }),
      );
    } catch (error) {
      // Notifications were added meanwhile: the workflow that carries them sets the status. What
      // happened still goes in the trail.
      if (notificationCount === undefined || !isConditionFailure(error)) throw error;
      if (trail.length > 0) await this.recordTrail(id, trail);
    }
  }

  async claimFinalRound(id: string, entry: AuditEvent): Promise<boolean> {
    let stored: Record<string, unknown>;
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: 'SET #entry = :entry',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#entry)',
          ExpressionAttributeNames: { '#entry': `${TRAIL_ATTRIBUTE_PREFIX}${entry.key}` },
          ExpressionAttributeValues: { ':entry': entry },
          ReturnValues: 'ALL_NEW',
        }),
      );
      stored = Attributes!;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    // Stored before the entries moved onto the item (it has no `EVENT#SUBMITTED`): that version
    // claimed rounds with an item of their own, so such an item must not exist either.
    // (An UpdateItem that creates it, as the PutItem of DynamoDbAuditTrail.record would: finalising writes no other way.)
    if (`${TRAIL_ATTRIBUTE_PREFIX}SUBMITTED` in stored) return true;
    const fields = Object.entries(entry).filter(([, value]) => value !== undefined);
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key(id).pk, sk: `${TRAIL_ATTRIBUTE_PREFIX}${entry.key}` },
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], i) => [`:f${i}`, value])),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Adds audit entries to the submission without changing it (each once by its key). */
  private async recordTrail(id: string, trail: readonly AuditEvent[]): Promise<void> {
    const entries = trailClause(trail);
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: `SET ${entries.sets}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: entries.names,
        ExpressionAttributeValues: entries.values,
      }),
    );
  }

  async addNotifications(id: string, notificationIds: readonly string[], now: Date): Promise<SubmissionRecord> {
    // Each lost round means another addition landed (a correction or withdrawal of the same report, a
    // handful at most): read again and add what is still missing. The bound only stops a spin.
    return retryAfterLostRace(
      async () => {
        const current = await this.get(id);
        if (!current) throw new Error(`Submission ${id} does not exist`);
        const added = notificationIds.filter((n) => !current.notificationIds.includes(n));
        if (added.length === 0 && current.status === 'IN_PROGRESS') return current;
        try {
          // Conditional on the list as read (it only grows), so concurrent additions are both kept.
          const { Attributes } = await documentClient().send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: key(id),
              UpdateExpression:
                'SET notificationIds = :ids, #status = :inProgress, updatedAt = :now, gsi1pk = :shard, gsi1sk = :sort REMOVE finalisedAt',
              ConditionExpression: 'size(notificationIds) = :count',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':ids': [...current.notificationIds, ...added],
                ':inProgress': 'IN_PROGRESS',
                ':now': now.toISOString(),
                ':shard': inProgressShard(id),
                ':sort': `${now.toISOString()}#${id}`,
                ':count': current.notificationIds.length,
              },
              ReturnValues: 'ALL_NEW',
            }),
          );
          return submissionFromItem(Attributes!);
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          return LOST_RACE;
        }
      },
      { rounds: 10, exhausted: notSettled(`Adding notifications to submission ${id}`) },
    );
  }

  async recordWithdrawal(id: string, reason: string | undefined, now: Date): Promise<SubmissionRecord> {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: `SET withdrawnAt = if_not_exists(withdrawnAt, :now), updatedAt = :now${reason ? ', withdrawalReason = if_not_exists(withdrawalReason, :reason)' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString(), ...(reason ? { ':reason': reason } : {}) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return submissionFromItem(Attributes!);
  }

  createCorrection(record: CorrectionRecord): Promise<'created' | 'exists'> {
    return putIfAbsent(this.tableName, { ...correctionKey(record.submissionId, record.id), ...record });
  }

  getCorrection(submissionId: string, correctionId: string): Promise<CorrectionRecord | undefined> {
    return getRecord<CorrectionRecord>(this.tableName, correctionKey(submissionId, correctionId));
  }

  async markCorrectionApplied(submissionId: string, correctionId: string, now: Date): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: correctionKey(submissionId, correctionId),
        UpdateExpression: 'SET appliedAt = if_not_exists(appliedAt, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }

  async replacePersonalData(submissionId: string, change: ChangeOfAddress): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: personalDataKey(submissionId),
          // Off the erasure listing: erasure is scheduled again when the submission is final again.
          UpdateExpression: 'SET #change = :change REMOVE eraseAfter, expiresAt, gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#change': 'change' },
          ExpressionAttributeValues: { ':change': change },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listInProgress(scope: { readonly createdBefore?: Date } = {}): Promise<SubmissionRecord[]> {
    // The listing sorts by `<createdAt>#<id>`: the stale ones are a key range, not a filter.
    const before = scope.createdBefore
      ? { condition: ' AND gsi1sk < :before', values: { ':before': scope.createdBefore.toISOString() } }
      : { condition: '', values: {} };
    const found: SubmissionRecord[] = [];
    for (let shard = 0; shard < IN_PROGRESS_SHARDS; shard++) {
      const items = await queryAll({
        TableName: this.tableName,
        IndexName: LISTING_INDEX_NAME,
        KeyConditionExpression: `gsi1pk = :shard${before.condition}`,
        ExpressionAttributeValues: { ':shard': `SUBMISSIONS_IN_PROGRESS#${shard}`, ...before.values },
      });
      for (const item of items) {
        const record = submissionFromItem(item);
        if (record.status === 'IN_PROGRESS') found.push(record); // The index is eventually consistent.
      }
    }
    return found;
  }

  async beginRecoveryRound(id: string, expectedRounds: number, now: Date): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: 'SET recoveryRounds = :next, updatedAt = :now',
          ConditionExpression:
            expectedRounds === 0 ? 'attribute_exists(pk) AND attribute_not_exists(recoveryRounds)' : 'recoveryRounds = :expected',
          ExpressionAttributeValues: {
            ':next': expectedRounds + 1,
            ':now': now.toISOString(),
            ...(expectedRounds === 0 ? {} : { ':expected': expectedRounds }),
          },
        }),
      );
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

  async getManyWithPersonalData(ids: readonly string[]): Promise<Map<string, SubmissionWithPersonalData>> {
    const unique = [...new Set(ids)];
    const items = await batchGetAll(
      this.tableName,
      unique.flatMap((id) => [key(id), personalDataKey(id)]),
    );
    const submissions = new Map<string, SubmissionRecord>();
    const personalData = new Map<string, PersonalDataRecord>();
    for (const item of items) {
      const id = String(item.pk).slice(PARTITIONS.submission.length);
      if (item.sk === 'SUBMISSION') submissions.set(id, submissionFromItem(item));
      else personalData.set(id, withoutKeys<PersonalDataRecord>(item));
    }
    return new Map([...submissions].map(([id, submission]) => [id, { submission, personalData: personalData.get(id) }]));
  }

  async scheduleErasure(submissionId: string, eraseAfter: Date): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: personalDataKey(submissionId),
          // expiresAt is the table's TTL attribute (epoch seconds), a day after the sweeper's turn: the
          // sweeper erases everything (fingerprints, the departments' text, the outbox) and records it;
          // TTL deleting the item first would leave those. It is the backstop should the sweeper fail.
          UpdateExpression: 'SET eraseAfter = :at, expiresAt = :epoch, gsi1pk = :due, gsi1sk = :sort',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':at': eraseAfter.toISOString(),
            ':epoch': Math.ceil(eraseAfter.getTime() / 1000) + TIME_TO_LIVE_BACKSTOP_SECONDS,
            ':due': ERASURE_DUE,
            ':sort': `${eraseAfter.toISOString()}#${submissionId}`,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // Already erased: nothing to schedule.
    }
  }

  async listErasureDue(now: Date, limit: number): Promise<string[]> {
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LISTING_INDEX_NAME,
        KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':due': ERASURE_DUE, ':now': `${now.toISOString()}#~` },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => item.submissionId as string);
  }

  async erasePersonalData(submissionId: string, now: Date): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(submissionId),
          // The fingerprint is a hash of the whole report: it goes with the report (see docs/privacy.md).
          UpdateExpression: 'SET erasedAt = if_not_exists(erasedAt, :now), updatedAt = :now REMOVE withdrawalReason, fingerprint',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // After erasedAt (from then on a correction answers 409 before any fingerprint is compared):
    // the corrections' fingerprints are hashes of what the citizen corrected, so they go too.
    for (const correctionSortKey of await this.correctionSortKeys(submissionId)) {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${PARTITIONS.submission}${submissionId}`, sk: correctionSortKey },
          UpdateExpression: 'REMOVE fingerprint',
        }),
      );
    }
    // Last: while the personal data item is there, the erasure is listed as due and is tried again.
    const { Attributes } = await documentClient().send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: personalDataKey(submissionId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }

  private async correctionSortKeys(submissionId: string): Promise<string[]> {
    const items = await queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `${PARTITIONS.submission}${submissionId}`, ':prefix': 'CORRECTION#' },
      FilterExpression: 'attribute_exists(#fingerprint)',
      ExpressionAttributeNames: { '#fingerprint': 'fingerprint' },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    });
    return items.map((item) => item.sk as string);
  }
}
