import type { DeliveryChannel } from '../../domain/department-configuration';
import type { NotificationStatus } from '../../domain/notification-status';
import type { AuditEvent } from '../../domain/audit-event';
import type { DepartmentAnswerBody } from '../../domain/department-answer';
import { InvalidCursorError, type FeedPage, type NotificationPage, type NotificationRepository } from '../notification-repository';
import type { NotificationRecord } from '../../domain/notification';
import { conditionFailure, positionCursor, storedCopy } from './stored-copy';
import { LOST_RACE, retryAfterLostRace } from '../../domain/lost-race';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where a notification sorts in its department's feed and listings: creation time, then id. */
const positionOf = (n: Pick<NotificationRecord, 'id' | 'createdAt'>) => `${n.createdAt}#${n.id}`;
const FEED_START = positionCursor.encode('0000-00-00T00:00:00.000Z#start');
const FEED_POSITION = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[A-Za-z0-9_-]+$/;
const byPosition = (a: NotificationRecord, b: NotificationRecord) =>
  positionOf(a) < positionOf(b) ? -1 : positionOf(a) > positionOf(b) ? 1 : 0;

/**
 * Notifications in memory, with the conditions of lambdas/store/dynamodb/dynamodb-notification-repository.ts:
 * each status change applies only from the statuses it names, so racing writers leave one outcome.
 */
export class InMemoryNotificationRepository implements NotificationRepository {
  private readonly records = new Map<string, NotificationRecord>();
  /** Audit entries held with each notification, by notification id and entry key. */
  private readonly trails = new Map<string, Map<string, AuditEvent>>();

  async get(id: string): Promise<NotificationRecord | undefined> {
    const record = this.records.get(id);
    return record && storedCopy(record);
  }

  async getMany(ids: readonly string[]): Promise<NotificationRecord[]> {
    return ids.flatMap((id) => (this.records.has(id) ? [storedCopy(this.records.get(id)!)] : []));
  }

  async createIfAbsent(record: NotificationRecord): Promise<void> {
    if (!this.records.has(record.id)) this.records.set(record.id, storedCopy(record));
  }

  async recordAttemptStarted(id: string, now: Date, taskToken?: string): Promise<NotificationRecord | undefined> {
    return this.change(
      id,
      (n) => n.status === 'PENDING',
      (n) => {
        n.attempts = (n.attempts ?? 0) + 1;
        if (taskToken !== undefined) n.taskToken = taskToken;
        n.firstAttemptAt ??= now.toISOString();
        n.sentAt ??= now.toISOString();
        n.updatedAt = now.toISOString();
      },
    );
  }

  async recordTrail(id: string, trail: readonly AuditEvent[]): Promise<void> {
    this.update(id, () => undefined);
    this.addToTrail(id, trail);
  }

  async recordAttemptError(id: string, error: string, now: Date, trail?: readonly AuditEvent[]): Promise<void> {
    this.update(id, (n) => Object.assign(n, { lastError: error, updatedAt: now.toISOString() }));
    this.addToTrail(id, trail);
  }

  /** The audit entries the submission's notifications hold (what DynamoDB keeps on each notification item). */
  trailOf(submissionId: string): AuditEvent[] {
    return [...this.trails.values()]
      .flatMap((entries) => [...entries.values()])
      .filter((e) => e.submissionId === submissionId)
      .map(storedCopy);
  }

  /** Erases the departments' free text from the entries the submission's notifications hold. */
  eraseTrailText(submissionId: string): void {
    for (const entries of this.trails.values()) {
      for (const [key, entry] of entries) {
        if (entry.submissionId !== submissionId) continue;
        const { departmentReference: _reference, reason: _reason, ...kept } = entry;
        entries.set(key, kept);
      }
    }
  }

  /** Each entry once by its key, as the DynamoDB adapter's `if_not_exists` keeps it. */
  private addToTrail(id: string, trail: readonly AuditEvent[] = []): void {
    const entries = this.trails.get(id) ?? new Map<string, AuditEvent>();
    this.trails.set(id, entries);
    for (const entry of trail) if (!entries.has(entry.key)) entries.set(entry.key, storedCopy(entry));
  }

  async markDelivered(
    notification: NotificationRecord,
    now: Date,
    channel: DeliveryChannel,
    trail?: readonly AuditEvent[],
  ): Promise<{ notification: NotificationRecord; first: boolean }> {
    let current: NotificationRecord | undefined = notification;
    const settled = () => ({ notification: current ?? notification, first: false });
    return retryAfterLostRace(
      async () => {
        if (!current || current.deliveredAt) return settled(); // Gone, or delivered already: nothing to record.
        let won: NotificationRecord | undefined;
        if (current.status === 'PENDING' || (current.status === 'FAILED' && channel === 'pull')) {
          // Nothing was running for it (collected, or FAILED): a run named `<id>-collected` awaits the answer.
          const from = current.status;
          const collection = from === 'FAILED' || current.awaitingCollection === true;
          won = this.transition(
            current.id,
            [from],
            'DELIVERED',
            now,
            (n) => {
              n.deliveredAt = now.toISOString();
              n.deliveredVia = channel;
              n.sentAt ??= now.toISOString();
              if (collection) n.collectionRun = true;
              if (from === 'FAILED') n.collectedAfterFailure = true;
              delete n.awaitingCollection;
            },
            (n) => n.deliveredAt === undefined,
          );
        } else if (current.status === 'CONFIRMED' || current.status === 'REJECTED') {
          // Answered before the delivery was recorded: keep the answer, record the delivery.
          const answered = current.status;
          won = this.change(
            current.id,
            (n) => n.status === answered && n.deliveredAt === undefined,
            (n) => Object.assign(n, { deliveredAt: now.toISOString(), deliveredVia: channel, updatedAt: now.toISOString() }),
          );
        } else {
          return settled(); // Expired, or no longer to be delivered: nothing to record.
        }
        if (won) {
          this.addToTrail(won.id, trail);
          return { notification: won, first: true };
        }
        current = await this.get(current.id);
        return LOST_RACE;
      },
      { rounds: 5, exhausted: settled },
    );
  }

  async markAwaitingCollection(id: string, now: Date): Promise<boolean> {
    return (
      undefined !==
      this.change(
        id,
        (n) => n.status === 'PENDING',
        (n) => Object.assign(n, { awaitingCollection: true, updatedAt: now.toISOString() }),
      )
    );
  }

  async recordHeld(id: string, reason: string, now: Date): Promise<NotificationRecord> {
    return this.update(id, (n) => {
      n.firstAttemptAt ??= now.toISOString();
      n.lastError = reason;
      n.updatedAt = now.toISOString();
    });
  }

  async listFeed(departmentId: string, page: { limit: number; after?: string }): Promise<FeedPage> {
    const after = page.after === undefined ? undefined : positionCursor.decode(page.after, FEED_POSITION);
    if (page.after !== undefined && after === undefined) throw new InvalidCursorError();
    const items = [...this.records.values()]
      .filter((n) => n.departmentId === departmentId && (after === undefined || positionOf(n) > after))
      .sort(byPosition)
      .slice(0, page.limit);
    const last = items.at(-1);
    return { items: items.map(storedCopy), next: last ? positionCursor.encode(positionOf(last)) : (page.after ?? FEED_START) };
  }

  async markWithdrawn(notification: NotificationRecord, now: Date): Promise<boolean> {
    return (
      this.transition(
        notification.id,
        ['PENDING'],
        'WITHDRAWN',
        now,
        () => undefined,
        (n) => n.deliveredAt === undefined,
      ) !== undefined
    );
  }

  async markFailed(notification: NotificationRecord, error: string, now: Date, trail?: readonly AuditEvent[]): Promise<boolean> {
    const failed = this.transition(notification.id, ['PENDING'], 'FAILED', now, (n) => {
      n.lastError = error;
    });
    if (failed) this.addToTrail(failed.id, trail);
    return failed !== undefined;
  }

  async recordAnswer(notification: NotificationRecord, answer: DepartmentAnswerBody, now: Date, trail?: readonly AuditEvent[]) {
    const updated = this.transition(
      notification.id,
      ['PENDING', 'DELIVERED'],
      answer.outcome,
      now,
      (n) => {
        n.respondedAt = now.toISOString();
        if (answer.departmentReference !== undefined) n.departmentReference = answer.departmentReference;
        if (answer.reason !== undefined) n.reason = answer.reason;
      },
      (n) => n.confirmationRequired === true && n.sentAt !== undefined,
    );
    if (updated) {
      this.addToTrail(updated.id, trail);
      return { recorded: true, notification: updated };
    }
    return { recorded: false, notification: await this.get(notification.id) };
  }

  async storeTaskToken(id: string, taskToken: string, now: Date): Promise<NotificationRecord> {
    return this.update(id, (n) => Object.assign(n, { taskToken, updatedAt: now.toISOString() }));
  }

  async markExpired(notification: NotificationRecord, now: Date): Promise<boolean> {
    return this.transition(notification.id, ['DELIVERED'], 'EXPIRED', now, () => undefined) !== undefined;
  }

  async reopenForRedelivery(notification: NotificationRecord, now: Date): Promise<NotificationRecord | undefined> {
    return this.transition(notification.id, ['FAILED'], 'PENDING', now, (n) => {
      n.redeliveries = (n.redeliveries ?? 0) + 1;
      delete n.firstAttemptAt;
    });
  }

  async eraseAnswerText(id: string, now: Date): Promise<void> {
    // Only where there is text: an erasure repeated (or of a notice with no answer) writes nothing.
    this.change(
      id,
      (n) => n.departmentReference !== undefined || n.reason !== undefined,
      (n) => {
        delete n.departmentReference;
        delete n.reason;
        n.updatedAt = now.toISOString();
      },
    );
  }

  async listForDepartment(
    departmentId: string,
    status: NotificationStatus,
    page: { limit: number; cursor?: string },
  ): Promise<NotificationPage> {
    const partition = `DEPARTMENT#${departmentId}#${status}`;
    const after = page.cursor === undefined ? undefined : decodeListingCursor(page.cursor, partition);
    const listed = [...this.records.values()]
      .filter((n) => n.departmentId === departmentId && n.status === status && (after === undefined || positionOf(n) > after))
      .sort(byPosition);
    const items = listed.slice(0, page.limit);
    // DynamoDB stops at the limit with a key to go on from, even when nothing follows.
    const last = items.length === page.limit ? items.at(-1) : undefined;
    return {
      items: items.map(storedCopy),
      nextCursor: last
        ? Buffer.from(
            JSON.stringify({ gsi1pk: partition, gsi1sk: positionOf(last), pk: `NOTIFICATION#${last.id}`, sk: 'NOTIFICATION' }),
          ).toString('base64url')
        : undefined,
    };
  }

  /** Changes the stored notification when `condition` holds; its new state, else undefined. */
  private change(
    id: string,
    condition: (n: NotificationRecord) => boolean,
    apply: (n: Mutable<NotificationRecord>) => void,
  ): NotificationRecord | undefined {
    const current = this.records.get(id);
    if (!current || !condition(current)) return undefined;
    const next: Mutable<NotificationRecord> = storedCopy(current);
    apply(next);
    this.records.set(id, storedCopy(next));
    return storedCopy(next);
  }

  /** An update of a notification that must exist (DynamoDB's condition error otherwise). */
  private update(id: string, apply: (n: Mutable<NotificationRecord>) => void): NotificationRecord {
    const updated = this.change(id, () => true, apply);
    if (!updated) throw conditionFailure(`no notification ${id}`);
    return updated;
  }

  /** Moves the status on, only from one of `from` (and where `also` holds); undefined otherwise. */
  private transition(
    id: string,
    from: NotificationStatus[],
    to: NotificationStatus,
    now: Date,
    apply: (n: Mutable<NotificationRecord>) => void,
    also: (n: NotificationRecord) => boolean = () => true,
  ): NotificationRecord | undefined {
    return this.change(
      id,
      (n) => from.includes(n.status) && also(n),
      (n) => {
        n.status = to;
        n.updatedAt = now.toISOString();
        apply(n);
      },
    );
  }
}

function decodeListingCursor(cursor: string, expectedPartition: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (decoded && typeof decoded === 'object' && decoded.gsi1pk === expectedPartition && typeof decoded.gsi1sk === 'string')
      return decoded.gsi1sk;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}
