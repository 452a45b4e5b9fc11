import type { AuditEvent } from '../domain/audit-event';
import type { DepartmentAnswerBody } from '../domain/department-answer';
import type { DeliveryChannel } from '../domain/department-configuration';
import type { NotificationStatus } from '../domain/notification-status';
import type { NotificationRecord } from '../domain/notification';

/**
 * A notification as a department's listing by status reads it: what the listing index holds of it
 * (lambdas/store/dynamodb/table-layout.ts), without the workflow's task token (and the audit
 * entries the item carries), which are read with `get`.
 */
export type ListedNotification = Omit<NotificationRecord, 'taskToken'>;

export interface NotificationPage {
  readonly items: ListedNotification[];
  /** Opaque; pass it back to read the next page. Absent on the last page. */
  readonly nextCursor?: string;
}

export interface FeedPage {
  /** Read from the table (the feed index holds keys only). */
  readonly items: NotificationRecord[];
  /** The cursor just after the last item (`after` again, or the start, when there were none). */
  readonly next: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this service issued');
    this.name = 'InvalidCursorError';
  }
}

/**
 * Notifications. Writes that change a status take the notification as last read, since the
 * department's listing is keyed by department and status; each is conditional on the status it
 * changes from, so racing writers leave exactly one outcome. A write that takes `trail` records
 * those audit entries of the submission's trail in the same write, only if the write is made (each
 * once by its key): AuditTrail.list shows them with the submission's other entries.
 */
export interface NotificationRepository {
  get(id: string): Promise<NotificationRecord | undefined>;
  /** In the order of `ids`; missing ones are left out. */
  getMany(ids: readonly string[]): Promise<NotificationRecord[]>;
  /** Stores the notification unless it exists (retried submissions converge on the same ids). */
  createIfAbsent(record: NotificationRecord): Promise<void>;
  /**
   * Counts an attempt and marks the notification sent; returns the notification as it now is, or
   * undefined when it is no longer PENDING (withdrawn meanwhile: it must not be sent). With a task
   * token, keeps it in the same write: an answer from then on (even from inside the department's
   * webhook handler) resumes the workflow waiting under it.
   */
  recordAttemptStarted(id: string, now: Date, taskToken?: string): Promise<NotificationRecord | undefined>;
  /** Adds audit entries to the notification without changing it (each once by its key). */
  recordTrail(id: string, trail: readonly AuditEvent[]): Promise<void>;
  /** Records why an attempt failed, without changing the status. */
  recordAttemptError(id: string, error: string, now: Date, trail?: readonly AuditEvent[]): Promise<void>;
  /**
   * The first time the data is served, by either channel: PENDING (or, from the feed, FAILED) ->
   * DELIVERED; an answer already recorded is kept, only `deliveredAt` is set. One conditional
   * write on `deliveredAt` decides, so a push and a feed read racing make one delivery: `first`
   * says whether this call made it.
   */
  markDelivered(
    notification: NotificationRecord,
    now: Date,
    channel: DeliveryChannel,
    trail?: readonly AuditEvent[],
  ): Promise<{ notification: NotificationRecord; first: boolean }>;
  /**
   * A pull department's notification is left PENDING for its feed (no workflow waits on it). False
   * when it is no longer PENDING (a feed read delivered it first, or it was withdrawn).
   */
  markAwaitingCollection(id: string, now: Date): Promise<boolean>;
  /** A notification held while its endpoint is failing: its retry window starts, no attempt is counted. */
  recordHeld(id: string, reason: string, now: Date): Promise<NotificationRecord>;
  /** A department's feed: its notifications in the order they were created, after `after` (a cursor). */
  listFeed(departmentId: string, page: { limit: number; after?: string }): Promise<FeedPage>;
  /** PENDING -> WITHDRAWN (the citizen withdrew it before delivery); false when it had already moved on. */
  markWithdrawn(notification: NotificationRecord, now: Date): Promise<boolean>;
  /** PENDING -> FAILED; returns false when the notification had already moved on. */
  markFailed(notification: NotificationRecord, error: string, now: Date, trail?: readonly AuditEvent[]): Promise<boolean>;
  /** PENDING | DELIVERED -> CONFIRMED | REJECTED, only once sent and only where an answer is awaited. */
  recordAnswer(
    notification: NotificationRecord,
    answer: DepartmentAnswerBody,
    now: Date,
    trail?: readonly AuditEvent[],
  ): Promise<{ recorded: boolean; notification: NotificationRecord | undefined }>;
  /** Keeps the workflow's task token (a run that finds the notification already delivered); returns the notification as it now is. */
  storeTaskToken(id: string, taskToken: string, now: Date): Promise<NotificationRecord>;
  /** DELIVERED -> EXPIRED; returns false when an answer arrived first. */
  markExpired(notification: NotificationRecord, now: Date): Promise<boolean>;
  /** FAILED -> PENDING for an operator's redelivery, with a fresh retry window; undefined if not FAILED. */
  reopenForRedelivery(notification: NotificationRecord, now: Date): Promise<NotificationRecord | undefined>;
  /**
   * Erases the department's free text about the citizen (`departmentReference`, `reason`) with
   * their personal data; the status and dates stay (its answer's audit entry keeps its text until
   * AuditTrail.eraseFreeText). Nothing to erase (or no such notification): no change.
   */
  eraseAnswerText(id: string, now: Date): Promise<void>;
  /** A department's notifications in one status, oldest first. */
  listForDepartment(departmentId: string, status: NotificationStatus, page: { limit: number; cursor?: string }): Promise<NotificationPage>;
}
