// The life of one notification and how a submission's status follows from its notifications
// (CONTRACT sections 5 and 6). Kept pure so the API, the workflow and the tests agree on it.

export const NOTIFICATION_STATUSES = ['PENDING', 'DELIVERED', 'CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'WITHDRAWN'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const SUBMISSION_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'COMPLETED_WITH_ISSUES'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export type DepartmentOutcome = 'CONFIRMED' | 'REJECTED';

/** Whether nothing more is expected for this notification. DELIVERED is final only when no confirmation is required. */
export function isFinalNotificationStatus(status: NotificationStatus, confirmationRequired: boolean): boolean {
  switch (status) {
    case 'PENDING':
      return false;
    case 'DELIVERED':
      return !confirmationRequired;
    case 'CONFIRMED':
    case 'REJECTED':
    case 'FAILED':
    case 'EXPIRED':
    case 'WITHDRAWN':
      return true;
  }
}

// PENDING -> CONFIRMED/REJECTED directly: a department may answer from inside its webhook
// handler, before its 2xx reaches us. FAILED -> PENDING: an operator asks for redelivery.
// PENDING -> WITHDRAWN: the citizen withdrew the submission before this was delivered (section 10).
const TRANSITIONS: Readonly<Record<NotificationStatus, readonly NotificationStatus[]>> = {
  PENDING: ['DELIVERED', 'CONFIRMED', 'REJECTED', 'FAILED', 'WITHDRAWN'],
  DELIVERED: ['CONFIRMED', 'REJECTED', 'EXPIRED'],
  CONFIRMED: [],
  REJECTED: [],
  FAILED: ['PENDING'],
  EXPIRED: [],
  WITHDRAWN: [],
};

export function canTransition(from: NotificationStatus, to: NotificationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A notification counts as a success when confirmed, or delivered to a department that needs no confirmation. */
function succeeded(n: { status: NotificationStatus; confirmationRequired: boolean }): boolean {
  return n.status === 'CONFIRMED' || (n.status === 'DELIVERED' && !n.confirmationRequired);
}

/**
 * IN_PROGRESS until every notification is final; then COMPLETED when every one succeeded,
 * else COMPLETED_WITH_ISSUES. (An empty list is vacuously COMPLETED; a submission always has one.)
 */
export function aggregateSubmissionStatus(
  notifications: readonly { status: NotificationStatus; confirmationRequired: boolean }[],
): SubmissionStatus {
  if (!notifications.every((n) => isFinalNotificationStatus(n.status, n.confirmationRequired))) return 'IN_PROGRESS';
  return notifications.every(succeeded) ? 'COMPLETED' : 'COMPLETED_WITH_ISSUES';
}

/**
 * What to do with a department's answer (CONTRACT section 6): ACCEPT records it and ends the
 * notification; REPEAT is the same answer again (200, no change); CONFLICT is a 409.
 * `sent` is true from the moment the webhook request has been made, so an answer from inside the
 * department's handler is accepted while the status still reads PENDING.
 */
export function evaluateDepartmentAnswer(
  current: { status: NotificationStatus; confirmationRequired: boolean; sent: boolean },
  outcome: DepartmentOutcome,
): 'ACCEPT' | 'REPEAT' | 'CONFLICT' {
  if (!current.confirmationRequired) return 'CONFLICT';
  switch (current.status) {
    case 'PENDING':
      return current.sent ? 'ACCEPT' : 'CONFLICT';
    case 'DELIVERED':
      return 'ACCEPT';
    case 'CONFIRMED':
    case 'REJECTED':
      return current.status === outcome ? 'REPEAT' : 'CONFLICT';
    case 'FAILED':
    case 'EXPIRED':
    case 'WITHDRAWN':
      return 'CONFLICT';
  }
}

/**
 * What a notification tells its department (CONTRACT section 10): the original report, a
 * correction of it sent to a department already told, or the notice that the citizen withdrew it.
 */
export const NOTIFICATION_KINDS = ['change', 'correction', 'withdrawal'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Whether the department has been given this notification's data (by a push answered 2xx, or an answer that proves it). */
export function wasDelivered(n: { status: NotificationStatus; deliveredAt?: string }): boolean {
  return (
    n.deliveredAt !== undefined || n.status === 'DELIVERED' || n.status === 'CONFIRMED' || n.status === 'REJECTED' || n.status === 'EXPIRED'
  );
}
