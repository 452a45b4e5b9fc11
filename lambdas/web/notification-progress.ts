// How a notification's status reads to a citizen: plain words and a GOV.UK tag colour.
import type { NotificationRecord, SubmissionRecord } from '../store/records';

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

export function formatDateTime(iso: string | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '';
}

export interface NotificationProgress {
  readonly departmentId: string;
  readonly departmentName: string;
  readonly status: string;
  readonly statusLabel: string;
  readonly tagClass: string;
  readonly detail: string;
}

export function notificationProgress(n: NotificationRecord, departmentName: string): NotificationProgress {
  const base = { departmentId: n.departmentId, departmentName, status: n.status };
  switch (n.status) {
    case 'PENDING':
      return n.lastError
        ? { ...base, statusLabel: 'Trying again', tagClass: 'govuk-tag--yellow', detail: `We could not reach them yet (${n.attempts} ${n.attempts === 1 ? 'attempt' : 'attempts'}). We will keep trying.` }
        : { ...base, statusLabel: 'Sending', tagClass: 'govuk-tag--grey', detail: 'We are sending your details.' };
    case 'DELIVERED':
      return n.confirmationRequired
        ? { ...base, statusLabel: 'Waiting for them', tagClass: 'govuk-tag--blue', detail: `They received your details on ${formatDateTime(n.deliveredAt)}. We are waiting for them to update their records.` }
        : { ...base, statusLabel: 'Told', tagClass: 'govuk-tag--green', detail: `They received your details on ${formatDateTime(n.deliveredAt)}.` };
    case 'CONFIRMED':
      return { ...base, statusLabel: 'Updated', tagClass: 'govuk-tag--green', detail: `They updated their records${n.departmentReference ? ` (their reference ${n.departmentReference})` : ''}.` };
    case 'REJECTED':
      return { ...base, statusLabel: 'Not updated', tagClass: 'govuk-tag--red', detail: `They could not update their records${n.reason ? `: ${n.reason}` : ''}. Contact them directly.` };
    case 'FAILED':
      return { ...base, statusLabel: 'Not told', tagClass: 'govuk-tag--red', detail: 'We could not send them your details. Contact them directly.' };
    case 'EXPIRED':
      return { ...base, statusLabel: 'No answer', tagClass: 'govuk-tag--orange', detail: 'They received your details but did not answer in time. Contact them directly.' };
  }
}

export function submissionStatusText(submission: SubmissionRecord, notifications: readonly NotificationRecord[]): string {
  switch (submission.status) {
    case 'COMPLETED': return 'Finished: every department has your new address.';
    case 'COMPLETED_WITH_ISSUES': return 'Finished, but not every department could update its records. See what to do below.';
    default: {
      const waiting = notifications.filter((n) => n.status === 'PENDING' || (n.status === 'DELIVERED' && n.confirmationRequired)).length;
      return `In progress: ${notifications.length - waiting} of ${notifications.length} departments have finished.`;
    }
  }
}
