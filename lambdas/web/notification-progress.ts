// How a notification's status reads to a citizen: plain words and a GOV.UK tag colour.
import { chronological, type AuditEvent } from '../domain/audit-event';
import type { NotificationKind } from '../domain/notification-status';
import type { NotificationRecord } from '../domain/notification';
import type { SubmissionRecord } from '../domain/submission';
import { FIELD_LABELS } from './citizen-journey';

export { chronological };

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

export function formatDateTime(iso: string | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '';
}

export interface NotificationProgress {
  readonly departmentId: string;
  readonly departmentName: string;
  /** What was (or is being) sent: the report, a correction of it, or the notice that it was withdrawn. */
  readonly kind: string;
  readonly kindLabel: string;
  readonly status: string;
  readonly statusLabel: string;
  readonly tagClass: string;
  readonly detail: string;
}

const KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  change: 'Your report',
  correction: 'Your correction',
  withdrawal: 'That you withdrew your report',
};

export function notificationProgress(n: NotificationRecord, departmentName: string): NotificationProgress {
  const kind = n.kind ?? 'change';
  const base = { departmentId: n.departmentId, departmentName, status: n.status, kind, kindLabel: KIND_LABELS[kind] };
  switch (n.status) {
    case 'PENDING':
      return n.lastError
        ? {
            ...base,
            statusLabel: 'Trying again',
            tagClass: 'govuk-tag--yellow',
            detail: `We could not reach them yet (${n.attempts} ${n.attempts === 1 ? 'attempt' : 'attempts'}). We will keep trying.`,
          }
        : { ...base, statusLabel: 'Sending', tagClass: 'govuk-tag--grey', detail: 'We are sending your details.' };
    case 'DELIVERED':
      return n.confirmationRequired
        ? {
            ...base,
            statusLabel: 'Waiting for them',
            tagClass: 'govuk-tag--blue',
            detail: `They received your details on ${formatDateTime(n.deliveredAt)}. We are waiting for them to update their records.`,
          }
        : {
            ...base,
            statusLabel: 'Told',
            tagClass: 'govuk-tag--green',
            detail: `They received your details on ${formatDateTime(n.deliveredAt)}.`,
          };
    case 'CONFIRMED':
      return {
        ...base,
        statusLabel: 'Updated',
        tagClass: 'govuk-tag--green',
        detail: `They updated their records${n.departmentReference ? ` (their reference ${n.departmentReference})` : ''}.`,
      };
    case 'REJECTED':
      return {
        ...base,
        statusLabel: 'Not updated',
        tagClass: 'govuk-tag--red',
        detail: `They could not update their records${n.reason ? `: ${n.reason}` : ''}. Contact them directly.`,
      };
    case 'FAILED':
      return {
        ...base,
        statusLabel: 'Not told',
        tagClass: 'govuk-tag--red',
        detail: 'We could not send them your details. Contact them directly.',
      };
    case 'EXPIRED':
      return {
        ...base,
        statusLabel: 'No answer',
        tagClass: 'govuk-tag--orange',
        detail: 'They received your details but did not answer in time. Contact them directly.',
      };
    case 'WITHDRAWN':
      return {
        ...base,
        statusLabel: 'Withdrawn',
        tagClass: 'govuk-tag--grey',
        detail: 'You withdrew your report before it reached them, so they were not sent anything.',
      };
  }
}

export function submissionStatusText(submission: SubmissionRecord, notifications: readonly NotificationRecord[]): string {
  switch (submission.status) {
    case 'COMPLETED':
      return 'Finished: every department has your new address.';
    case 'COMPLETED_WITH_ISSUES':
      return submission.withdrawnAt
        ? 'Finished: you withdrew this report.'
        : 'Finished, but not every department could update its records. See what to do below.';
    default: {
      const waiting = notifications.filter((n) => n.status === 'PENDING' || (n.status === 'DELIVERED' && n.confirmationRequired)).length;
      return `In progress: ${notifications.length - waiting} of ${notifications.length} departments have finished.`;
    }
  }
}

/** One line of the audit trail, in plain words: what happened, and which of the citizen's details went where. */
export function auditEventText(event: AuditEvent, departmentName: (id: string) => string): string {
  const department = event.departmentId ? departmentName(event.departmentId) : 'A department';
  switch (event.type) {
    case 'SUBMITTED':
      return 'You sent your report.';
    case 'SENT':
      if (event.kind === 'withdrawal') return `${department} was told you withdrew your report.`;
      return `${department} was sent${event.kind === 'correction' ? ' your correction' : ''}: ${(event.fields ?? []).map((f) => FIELD_LABELS[f].toLowerCase()).join(', ')}.`;
    case 'DELIVERED':
      if (event.channel !== 'pull') return `${department} received your details.`;
      if (event.kind === 'withdrawal') return `${department} collected the notice that you withdrew your report.`;
      return `${department} collected${event.kind === 'correction' ? ' your correction' : ''}: ${(event.fields ?? []).map((f) => FIELD_LABELS[f].toLowerCase()).join(', ')}.`;
    case 'CONFIRMED':
      return `${department} updated its records${event.departmentReference ? ` (their reference ${event.departmentReference})` : ''}.`;
    case 'REJECTED':
      return `${department} could not update its records${event.reason ? `: ${event.reason}` : ''}.`;
    case 'FAILED':
      return `We could not send your details to ${department}.`;
    case 'EXPIRED':
      return `${department} did not answer in time.`;
    case 'REDELIVERY_REQUESTED':
      return `We are sending your details to ${department} again.`;
    case 'COMPLETED':
      return 'Every department has acted on your report.';
    case 'COMPLETED_WITH_ISSUES':
      return 'Your report is finished, but not every department could act on it.';
    case 'CITIZEN_NOTIFIED':
      return 'We sent you a message that your report is finished.';
    case 'PERSONAL_DATA_ERASED':
      return 'Your personal details were deleted from this service, with what departments wrote back about you (their references and reasons).';
    case 'WORKFLOW_RESUMED':
      return 'We picked your report up again after an interruption on our side.';
    case 'CORRECTED':
      return `You corrected: ${(event.fields ?? []).map((f) => FIELD_LABELS[f].toLowerCase()).join(', ') || 'nothing that had changed'}.`;
    case 'WITHDRAWN':
      return event.departmentId
        ? `Your report was not sent to ${department}, as you withdrew it.`
        : 'You told us you reported this by mistake, and withdrew it.';
  }
}
