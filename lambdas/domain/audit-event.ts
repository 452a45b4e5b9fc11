import type { EntitleableField } from './entitlement';
import type { NotificationKind } from './notification-status';
import type { SubmissionRecord } from './submission';

/**
 * One entry of a submission's audit trail: who did what, when, to which department, and which of
 * the citizen's data went where. Entries carry field names, never their values, so the trail stays
 * once personal data is erased.
 */
export const AUDIT_EVENT_TYPES = [
  'SUBMITTED',
  'SENT',
  // The data first reached the department, by push or from its feed (with the channel).
  'DELIVERED',
  'CONFIRMED',
  'REJECTED',
  'FAILED',
  'EXPIRED',
  'REDELIVERY_REQUESTED',
  'WORKFLOW_RESUMED',
  'COMPLETED',
  'COMPLETED_WITH_ISSUES',
  'CITIZEN_NOTIFIED',
  'PERSONAL_DATA_ERASED',
  // The citizen corrected what they sent; withdrew it (and, per notification, what was not sent).
  'CORRECTED',
  'WITHDRAWN',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditActor = 'citizen' | 'service' | 'operator' | `department:${string}`;

export interface AuditEvent {
  readonly submissionId: string;
  /**
   * Unique within the submission for what happened once (`SUBMITTED`, `<notificationId>#SENT#3`):
   * writing the same event twice, as a retried step does, records it once.
   */
  readonly key: string;
  readonly at: string;
  readonly type: AuditEventType;
  readonly actor: AuditActor;
  readonly departmentId?: string;
  readonly notificationId?: string;
  /** What the notification is (SENT): the change, a correction or a withdrawal notice. */
  readonly kind?: NotificationKind;
  readonly attempt?: number;
  /** The data that left with this event (SENT), or that a correction changed (CORRECTED): field names only. */
  readonly fields?: readonly EntitleableField[];
  readonly outcome?: string;
  /** DELIVERED: how the data first reached the department (CONTRACT section 8). */
  readonly channel?: 'push' | 'pull';
  readonly departmentReference?: string;
  readonly reason?: string;
  readonly detail?: string;
}

/** Oldest first; events at the same instant keep a stable order. */
export function chronological(events: readonly AuditEvent[]): AuditEvent[] {
  return [...events].sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

/** The trail's first entry; keyed so that it is recorded once however often a retry (or the reconciler) records it. */
export function submittedEvent(submission: Pick<SubmissionRecord, 'id' | 'createdAt'>, departmentIds: readonly string[]): AuditEvent {
  return {
    submissionId: submission.id,
    key: 'SUBMITTED',
    at: submission.createdAt,
    type: 'SUBMITTED',
    actor: 'citizen',
    detail: `Asked to tell: ${departmentIds.join(', ')}`,
  };
}
