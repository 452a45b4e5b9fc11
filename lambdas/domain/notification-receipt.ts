// The proof of notification (CONTRACT section 11): what a signed receipt says, built only from
// ids, statuses, times, the departments' own references and field NAMES, so it holds no personal
// data value and stays valid after the citizen's data is erased.
import type { AuditEvent } from './audit-event';
import { ENTITLEABLE_FIELDS, type EntitleableField } from './entitlement';
import type { NotificationKind } from './notification-status';

/** The JWS header's `typ`: a receipt cannot be mistaken for an access token signed by the same party (RFC 8725, section 3.11). */
export const RECEIPT_TYPE = 'tuo-receipt+jwt';

export interface ReceiptNotification {
  readonly department: string;
  readonly kind: NotificationKind;
  readonly status: string;
  readonly deliveredAt: string | null;
  readonly respondedAt: string | null;
  readonly departmentReference: string | null;
  /** The names of the citizen's data fields that were sent to this department. */
  readonly fields: EntitleableField[];
}

export interface ReceiptClaims {
  /** The service's public address: its JWKS is at `<iss>/.well-known/jwks.json`. */
  readonly iss: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly reference: string;
  readonly submissionId: string;
  readonly type: string;
  readonly notifications: ReceiptNotification[];
}

export interface ReceiptSubject {
  readonly id: string;
  readonly reference: string;
  readonly type: string;
}

export interface ReceiptNotificationState {
  readonly id: string;
  readonly departmentId: string;
  readonly kind?: NotificationKind;
  readonly status: string;
  readonly deliveredAt?: string;
  readonly respondedAt?: string;
  readonly departmentReference?: string;
}

/**
 * The field names that left for each notification, from the audit trail (every event that
 * carries `fields` records data sent), in the contract's field order. A notification whose data
 * never left has none.
 */
export function fieldsSentByNotification(events: readonly AuditEvent[]): Map<string, EntitleableField[]> {
  const sent = new Map<string, Set<EntitleableField>>();
  for (const event of events) {
    if (!event.notificationId || !event.fields?.length) continue;
    const fields = sent.get(event.notificationId) ?? new Set<EntitleableField>();
    for (const field of event.fields) fields.add(field);
    sent.set(event.notificationId, fields);
  }
  return new Map([...sent].map(([id, fields]) => [id, ENTITLEABLE_FIELDS.filter((f) => fields.has(f))]));
}

/** The receipt's payload: the submission as its GET shows it, department by department, with the field names each was sent. */
export function receiptClaims(input: {
  issuer: string;
  issuedAt: Date;
  submission: ReceiptSubject;
  notifications: readonly ReceiptNotificationState[];
  auditTrail: readonly AuditEvent[];
}): ReceiptClaims {
  const fieldsSent = fieldsSentByNotification(input.auditTrail);
  return {
    iss: input.issuer,
    iat: Math.floor(input.issuedAt.getTime() / 1000),
    reference: input.submission.reference,
    submissionId: input.submission.id,
    type: input.submission.type,
    notifications: input.notifications.map((n) => ({
      department: n.departmentId,
      kind: n.kind ?? 'change',
      status: n.status,
      deliveredAt: n.deliveredAt ?? null,
      respondedAt: n.respondedAt ?? null,
      departmentReference: n.departmentReference ?? null,
      fields: fieldsSent.get(n.id) ?? [],
    })),
  };
}
