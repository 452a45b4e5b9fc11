// The printable proof of notification: the signed receipt's own claims, in plain words, so the
// page says exactly what the receipt the citizen downloads says.
import type { ReceiptClaims, ReceiptNotification } from '../domain/notification-receipt';
import { FIELD_LABELS } from './citizen-journey';
import { formatDateTime } from './notification-progress';

const KIND_LABELS: Readonly<Record<ReceiptNotification['kind'], string>> = {
  change: 'Your change of address',
  correction: 'A correction',
  withdrawal: 'A withdrawal of your report',
};

function answerText(n: ReceiptNotification): string {
  const reference = n.departmentReference ? ` Their reference: ${n.departmentReference}.` : '';
  switch (n.status) {
    case 'CONFIRMED':
      return `Updated their records on ${formatDateTime(n.respondedAt ?? undefined)}.${reference}`;
    case 'REJECTED':
      return `Could not update their records (answered on ${formatDateTime(n.respondedAt ?? undefined)}).${reference}`;
    case 'DELIVERED':
      return 'Received it. No answer is recorded.';
    case 'EXPIRED':
      return 'Received it, but did not answer in time.';
    case 'FAILED':
      return 'Could not be told.';
    case 'WITHDRAWN':
      return 'Withdrawn before it was sent: they were not told.';
    case 'PENDING':
      return 'Not told yet.';
    default:
      return n.status;
  }
}

export interface ProofRow {
  readonly departmentId: string;
  readonly departmentName: string;
  readonly kind: string;
  readonly toldOn: string;
  readonly sent: string;
  readonly answer: string;
}

export function proofRows(claims: ReceiptClaims, departmentName: (id: string) => string): ProofRow[] {
  return claims.notifications.map((n) => ({
    departmentId: n.department,
    departmentName: departmentName(n.department),
    kind: KIND_LABELS[n.kind] ?? n.kind,
    toldOn: n.deliveredAt ? formatDateTime(n.deliveredAt) : 'Not yet',
    sent: n.fields.length ? n.fields.map((f) => FIELD_LABELS[f]).join(', ') : 'Nothing yet',
    answer: answerText(n),
  }));
}

/** The download's file name: the reference the citizen quotes, and nothing personal. */
export function receiptFileName(reference: string): string {
  return `proof-of-notification-${reference.replace(/[^A-Za-z0-9-]/g, '')}.json`;
}
