import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryChannel } from '../../domain/department-configuration';
import type { NotificationStatus } from '../../domain/notification-status';
import type { AuditEvent } from '../../domain/audit-event';
import type { DepartmentAnswerBody } from '../../domain/department-answer';
import { InvalidCursorError, type FeedPage, type NotificationPage, type NotificationRepository } from '../notification-repository';
import type { NotificationRecord } from '../../domain/notification';
import { batchGetAll, documentClient, getRecord, isConditionFailure, putIfAbsent, recordFromItem, trailClause } from './document-client';
import { FEED_INDEX_NAME, LISTING_INDEX_NAME, PARTITIONS } from './table-layout';
import { LOST_RACE, retryAfterLostRace } from '../../domain/lost-race';

export const notificationKey = (id: string) => ({ pk: `${PARTITIONS.notification}${id}`, sk: 'NOTIFICATION' });
const key = notificationKey;

/** The department's feed: every notification of the department in creation order; never changes. */
const feedKeys = (n: Pick<NotificationRecord, 'id' | 'departmentId' | 'createdAt'>) => ({
  gsi2pk: `${PARTITIONS.feed}${n.departmentId}`,
  gsi2sk: `${n.createdAt}#${n.id}`,
});

/** The department's listing: by department and status, oldest first. */
const listingKeys = (n: Pick<NotificationRecord, 'id' | 'departmentId' | 'createdAt'>, status: NotificationStatus) => ({
  ':gsi1pk': `DEPARTMENT#${n.departmentId}#${status}`,
  ':gsi1sk': `${n.createdAt}#${n.id}`,
});

/** The notification an item holds: without its keys and without the audit entries it carries (DynamoDbAuditTrail reads those). */
export const notificationFromItem = (item: Record<string, unknown>): NotificationRecord => recordFromItem<NotificationRecord>(item);

export class DynamoDbNotificationRepository implements NotificationRepository {
  constructor(private readonly tableName: string) {}

  async get(id: string): Promise<NotificationRecord | undefined> {
    const item = await getRecord<Record<string, unknown>>(this.tableName, key(id));
    return item ? notificationFromItem(item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<NotificationRecord[]> {
    const found = new Map<string, NotificationRecord>();
    for (const item of await batchGetAll(this.tableName, ids.map(key))) {
      const record = notificationFromItem(item);
      found.set(record.id, record);
    }
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  async createIfAbsent(record: NotificationRecord): Promise<void> {
    const listing = listingKeys(record, record.status);
    await putIfAbsent(this.tableName, {
      ...key(record.id),
      gsi1pk: listing[':gsi1pk'],
      gsi1sk: listing[':gsi1sk'],
      ...feedKeys(record),
      ...record,
    });
  }

  async recordAttemptStarted(id: string, now: Date, taskToken?: string): Promise<NotificationRecord | undefined> {
    try {
      return await this.update(
        id,
        'SET attempts = if_not_exists(attempts, :zero) + :one, firstAttemptAt = if_not_exists(firstAttemptAt, :now), ' +
          `sentAt = if_not_exists(sentAt, :now), updatedAt = :now${taskToken === undefined ? '' : ', taskToken = :token'}`,
        {
          ':zero': 0,
          ':one': 1,
          ':now': now.toISOString(),
          ':pending': 'PENDING',
          ...(taskToken === undefined ? {} : { ':token': taskToken }),
        },
        'attribute_exists(pk) AND #status = :pending',
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async markWithdrawn(notification: NotificationRecord, now: Date): Promise<boolean> {
    return (
      (await this.transition(notification, ['PENDING'], 'WITHDRAWN', now, { extraCondition: 'attribute_not_exists(deliveredAt)' })) !==
      undefined
    );
  }

  async recordTrail(id: string, trail: readonly AuditEvent[]): Promise<void> {
    if (trail.length === 0) return;
    const entries = trailClause(trail);
    await this.update(id, `SET ${entries.sets}`, entries.values, undefined, entries.names);
  }

  async recordAttemptError(id: string, error: string, now: Date, trail?: readonly AuditEvent[]): Promise<void> {
    const entries = trailClause(trail);
    await this.update(
      id,
      `SET lastError = :error, updatedAt = :now${entries.sets ? `, ${entries.sets}` : ''}`,
      { ':error': error, ':now': now.toISOString(), ...entries.values },
      undefined,
      entries.names,
    );
  }

  async markDelivered(
    notification: NotificationRecord,
    now: Date,
    channel: DeliveryChannel,
    trail?: readonly AuditEvent[],
  ): Promise<{ notification: NotificationRecord; first: boolean }> {
    const entries = trailClause(trail);
    let current: NotificationRecord | undefined = notification;
    const settled = () => ({ notification: current ?? notification, first: false });
    return retryAfterLostRace(
      async () => {
        if (!current || current.deliveredAt) return settled(); // Gone, or delivered already: nothing to record.
        const served = { ':channel': channel };
        let won: NotificationRecord | undefined;
        if (current.status === 'PENDING' || (current.status === 'FAILED' && channel === 'pull')) {
          // Nothing was running for it (collected, or FAILED): a run named `<id>-collected` awaits the answer.
          const collection = current.status === 'FAILED' || current.awaitingCollection === true;
          won = await this.transition(current, [current.status], 'DELIVERED', now, {
            // sentAt too: from now on the department may answer (a feed read sends no attempt).
            extraSets: `deliveredAt = :now, deliveredVia = :channel, sentAt = if_not_exists(sentAt, :now)${collection ? ', collectionRun = :true' : ''}${current.status === 'FAILED' ? ', collectedAfterFailure = :true' : ''}`,
            extraValues: { ...served, ...(collection ? { ':true': true } : {}) },
            removes: 'REMOVE awaitingCollection',
            // Read before the workflow left it for collection, it would start no run: nobody would wait for the answer.
            extraCondition: collection
              ? 'attribute_not_exists(deliveredAt)'
              : 'attribute_not_exists(deliveredAt) AND attribute_not_exists(awaitingCollection)',
            trail,
          });
        } else if (current.status === 'CONFIRMED' || current.status === 'REJECTED') {
          // Answered from inside the webhook handler before its 2xx arrived: keep the answer, record the delivery.
          won = await this.conditionalUpdate(
            current.id,
            `SET deliveredAt = :now, deliveredVia = :channel, updatedAt = :now${entries.sets ? `, ${entries.sets}` : ''}`,
            '#status = :status AND attribute_not_exists(deliveredAt)',
            { ':now': now.toISOString(), ':status': current.status, ...served, ...entries.values },
            entries.names,
          );
        } else {
          return settled(); // Expired, or no longer to be delivered: nothing to record.
        }
        if (won) return { notification: won, first: true };
        current = await this.get(current.id); // Raced with the other channel or an answer: judge again.
        return LOST_RACE;
      },
      { rounds: 5, exhausted: settled },
    );
  }

  async markAwaitingCollection(id: string, now: Date): Promise<boolean> {
    return (
      undefined !==
      (await this.conditionalUpdate(id, 'SET awaitingCollection = :true, updatedAt = :now', '#status = :pending', {
        ':true': true,
        ':now': now.toISOString(),
        ':pending': 'PENDING',
      }))
    );
  }

  async recordHeld(id: string, reason: string, now: Date): Promise<NotificationRecord> {
    return this.update(id, 'SET firstAttemptAt = if_not_exists(firstAttemptAt, :now), lastError = :reason, updatedAt = :now', {
      ':now': now.toISOString(),
      ':reason': reason,
    });
  }

  async listFeed(departmentId: string, page: { limit: number; after?: string }): Promise<FeedPage> {
    const partition = `${PARTITIONS.feed}${departmentId}`;
    const after = page.after ? decodeFeedCursor(page.after) : undefined;
    const result = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: FEED_INDEX_NAME,
        KeyConditionExpression: after ? 'gsi2pk = :pk AND gsi2sk > :after' : 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': partition, ...(after ? { ':after': after } : {}) },
        Limit: page.limit,
      }),
    );
    const items = result.Items ?? [];
    const last = items.at(-1);
    return {
      items: items.map((item) => notificationFromItem(item)),
      // From the start with nothing yet: a cursor for the very beginning, so `next` is always one.
      next: last ? Buffer.from(String(last.gsi2sk)).toString('base64url') : (page.after ?? FEED_START),
    };
  }

  /** An update on a condition; undefined when the condition fails. */
  private async conditionalUpdate(
    id: string,
    expression: string,
    condition: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
  ): Promise<NotificationRecord | undefined> {
    const allNames = { ...(condition.includes('#status') ? { '#status': 'status' } : {}), ...names };
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: Object.keys(allNames).length > 0 ? allNames : undefined,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return notificationFromItem(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async markFailed(notification: NotificationRecord, error: string, now: Date, trail?: readonly AuditEvent[]): Promise<boolean> {
    return (
      (await this.transition(notification, ['PENDING'], 'FAILED', now, {
        extraSets: 'lastError = :error',
        extraValues: { ':error': error },
        trail,
      })) !== undefined
    );
  }

  async markExpired(notification: NotificationRecord, now: Date): Promise<boolean> {
    return (await this.transition(notification, ['DELIVERED'], 'EXPIRED', now)) !== undefined;
  }

  async recordAnswer(notification: NotificationRecord, answer: DepartmentAnswerBody, now: Date, trail?: readonly AuditEvent[]) {
    const sets = ['respondedAt = :now'];
    const values: Record<string, unknown> = { ':true': true };
    if (answer.departmentReference !== undefined) {
      sets.push('departmentReference = :departmentReference');
      values[':departmentReference'] = answer.departmentReference;
    }
    if (answer.reason !== undefined) {
      sets.push('reason = :reason');
      values[':reason'] = answer.reason;
    }
    const updated = await this.transition(notification, ['PENDING', 'DELIVERED'], answer.outcome, now, {
      extraSets: sets.join(', '),
      extraValues: values,
      extraCondition: 'confirmationRequired = :true AND attribute_exists(sentAt)',
      trail,
    });
    if (updated) return { recorded: true, notification: updated };
    return { recorded: false, notification: await this.get(notification.id) };
  }

  async storeTaskToken(id: string, taskToken: string, now: Date): Promise<NotificationRecord> {
    return this.update(id, 'SET taskToken = :token, updatedAt = :now', { ':token': taskToken, ':now': now.toISOString() });
  }

  async reopenForRedelivery(notification: NotificationRecord, now: Date): Promise<NotificationRecord | undefined> {
    return this.transition(notification, ['FAILED'], 'PENDING', now, {
      extraSets: 'redeliveries = if_not_exists(redeliveries, :zero) + :one',
      extraValues: { ':zero': 0, ':one': 1 },
      removes: 'REMOVE firstAttemptAt',
    });
  }

  async eraseAnswerText(id: string, now: Date): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: 'SET updatedAt = :now REMOVE departmentReference, reason',
          // Only where there is text: an erasure repeated (or of a notice with no answer) writes nothing.
          ConditionExpression: 'attribute_exists(departmentReference) OR attribute_exists(reason)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listForDepartment(
    departmentId: string,
    status: NotificationStatus,
    page: { limit: number; cursor?: string },
  ): Promise<NotificationPage> {
    const result = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LISTING_INDEX_NAME,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `DEPARTMENT#${departmentId}#${status}` },
        Limit: page.limit,
        ExclusiveStartKey: page.cursor ? decodeCursor(page.cursor, `DEPARTMENT#${departmentId}#${status}`) : undefined,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => notificationFromItem(item)),
      nextCursor: result.LastEvaluatedKey ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString('base64url') : undefined,
    };
  }

  private async update(
    id: string,
    expression: string,
    values: Record<string, unknown>,
    condition = 'attribute_exists(pk)',
    names: Record<string, string> = {},
  ): Promise<NotificationRecord> {
    const allNames = { ...(condition.includes('#status') ? { '#status': 'status' } : {}), ...names };
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ...(Object.keys(allNames).length > 0 ? { ExpressionAttributeNames: allNames } : {}),
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return notificationFromItem(Attributes!);
  }

  /** Moves the status (and the listing keys) on, only from one of `from`; undefined when the condition fails. */
  private async transition(
    notification: NotificationRecord,
    from: NotificationStatus[],
    to: NotificationStatus,
    now: Date,
    { extraSets = '', extraValues = {}, removes = '', extraCondition = '', trail }: TransitionExtras = {},
  ): Promise<NotificationRecord | undefined> {
    const entries = trailClause(trail);
    const sets = [extraSets, entries.sets].filter(Boolean).join(', ');
    const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    const condition = `(${from.map((_, i) => `#status = :from${i}`).join(' OR ')})${extraCondition ? ` AND ${extraCondition}` : ''}`;
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(notification.id),
          UpdateExpression: `SET #status = :to, updatedAt = :now, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk${sets ? `, ${sets}` : ''} ${removes}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status', ...entries.names },
          ExpressionAttributeValues: {
            ':to': to,
            ':now': now.toISOString(),
            ...listingKeys(notification, to),
            ...fromValues,
            ...extraValues,
            ...entries.values,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return notificationFromItem(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

/** What a status change writes besides the status: more SETs (with their values), a REMOVE clause, a further condition. */
interface TransitionExtras {
  readonly extraSets?: string;
  readonly extraValues?: Record<string, unknown>;
  /** A whole clause, `REMOVE a, b`. */
  readonly removes?: string;
  readonly extraCondition?: string;
  /** Audit entries written by this change, only if it is made. */
  readonly trail?: readonly AuditEvent[];
}

const FEED_START = Buffer.from('0000-00-00T00:00:00.000Z#start').toString('base64url');

/** A feed cursor is the position (creation time and id) of the last item read. */
function decodeFeedCursor(cursor: string): string {
  const position = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[A-Za-z0-9_-]+$/.test(position)) throw new InvalidCursorError();
  return position;
}

function decodeCursor(cursor: string, expectedPartition: string): Record<string, unknown> {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (decoded && typeof decoded === 'object' && decoded.gsi1pk === expectedPartition) return decoded;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}
