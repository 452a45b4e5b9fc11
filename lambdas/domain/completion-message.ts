import type { SubmissionStatus } from './notification-status';
import type { NotificationStatus } from './notification-status';

export interface CompletionMessage {
  readonly subject: string;
  readonly body: string;
}

const OUTCOMES: Record<NotificationStatus, string> = {
  PENDING: 'not yet told',
  DELIVERED: 'told',
  CONFIRMED: 'updated their records',
  REJECTED: 'could not update their records',
  FAILED: 'could not be reached',
  EXPIRED: 'did not answer in time',
  WITHDRAWN: 'was not told, as you withdrew the report',
};

/** What the citizen is told once every department has acted; no personal data beyond the reference. */
export function completionMessage(input: {
  reference: string;
  status: SubmissionStatus;
  departments: readonly { name: string; status: NotificationStatus; departmentReference?: string; reason?: string }[];
}): CompletionMessage {
  const lines = input.departments.map((d) => {
    const extra = [d.departmentReference && `their reference ${d.departmentReference}`, d.reason && `reason: ${d.reason}`]
      .filter(Boolean)
      .join('; ');
    return `- ${d.name}: ${OUTCOMES[d.status]}${extra ? ` (${extra})` : ''}`;
  });
  const summary =
    input.status === 'COMPLETED'
      ? 'Every department you chose has acted on your change of address.'
      : 'Not every department you chose could act on your change of address. You may need to contact those below yourself.';
  return {
    subject: `Your change of address ${input.reference}: ${input.status === 'COMPLETED' ? 'complete' : 'action needed'}`,
    body: [summary, '', ...lines, '', `Your reference: ${input.reference}`].join('\n'),
  };
}
