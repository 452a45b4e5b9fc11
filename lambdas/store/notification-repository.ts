import type { NotificationRecord } from './records';

export interface DepartmentAnswer {
  readonly outcome: 'CONFIRMED' | 'REJECTED';
  readonly departmentReference?: string;
  readonly reason?: string;
}

export interface NotificationRepository {
  get(id: string): Promise<NotificationRecord | undefined>;
  /** In the order of `ids`; missing ones are left out. */
  getMany(ids: readonly string[]): Promise<NotificationRecord[]>;
  /** Stores the notification unless it exists (retried submissions converge on the same ids). */
  createIfAbsent(record: NotificationRecord): Promise<void>;
  /** Counts an attempt and marks the notification sent; returns the notification as it now is. */
  recordAttemptStarted(id: string, now: Date): Promise<NotificationRecord>;
  /** Records why an attempt failed, without changing the status. */
  recordAttemptError(id: string, error: string, now: Date): Promise<void>;
  /** PENDING -> DELIVERED; an answer already recorded is kept, only `deliveredAt` is set. */
  markDelivered(id: string, now: Date): Promise<NotificationRecord>;
  /** PENDING -> FAILED; returns false when the notification had already moved on. */
  markFailed(id: string, error: string, now: Date): Promise<boolean>;
  /** PENDING | DELIVERED -> CONFIRMED | REJECTED, only once sent and only where an answer is awaited. */
  recordAnswer(id: string, answer: DepartmentAnswer, now: Date): Promise<{ recorded: boolean; notification: NotificationRecord | undefined }>;
  /** Keeps the workflow's task token; returns the notification as it now is. */
  storeTaskToken(id: string, taskToken: string, now: Date): Promise<NotificationRecord>;
  /** DELIVERED -> EXPIRED; returns false when an answer arrived first. */
  markExpired(id: string, now: Date): Promise<boolean>;
}
