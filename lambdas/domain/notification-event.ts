import { fieldsToServe, notificationData, type EntitleableField } from './entitlement';
import type { ChangeOfAddress } from './submission';

/** The canonical event one department is told about: only what it is entitled to, and how to answer. */
export interface NotificationEvent {
  readonly type: string;
  readonly timestamp: string;
  readonly data: Record<string, unknown> & {
    readonly notificationId: string;
    readonly reference: string;
    readonly confirmationUrl: string;
  };
}

/**
 * What a notification is about (CONTRACT section 10): the change itself; a correction of what the
 * department was sent (`corrects` names that notification, `changed` the entitled fields it
 * changes); or the notice that the citizen withdrew it (`withdraws`), which carries no personal data.
 */
export type NotificationSubject =
  | { readonly kind: 'change' }
  | { readonly kind: 'correction'; readonly corrects: string; readonly changed: readonly EntitleableField[] }
  | { readonly kind: 'withdrawal'; readonly withdraws: string };

export const CORRECTED_EVENT_TYPE = 'address.corrected';
export const WITHDRAWN_EVENT_TYPE = 'address.withdrawn';

export function buildNotificationEvent(input: {
  type: string;
  notificationId: string;
  reference: string;
  confirmationUrl: string;
  change: ChangeOfAddress | undefined;
  /** The department's fields when the citizen consented (stored on the notification). */
  consentedFields: readonly EntitleableField[] | undefined;
  /** The department's fields now. */
  currentFields: readonly EntitleableField[];
  subject?: NotificationSubject;
  now: Date;
}): NotificationEvent {
  const subject = input.subject ?? { kind: 'change' };
  const base = { notificationId: input.notificationId, reference: input.reference, confirmationUrl: input.confirmationUrl };
  const timestamp = input.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (subject.kind === 'withdrawal') {
    return { type: WITHDRAWN_EVENT_TYPE, timestamp, data: { ...base, withdraws: subject.withdraws } };
  }
  if (!input.change) throw new Error("A change or correction needs the citizen's data");
  const fields = notificationData(input.change, input);
  if (subject.kind === 'correction') {
    const entitled = new Set(fieldsToServe(input.consentedFields, input.currentFields));
    return {
      type: CORRECTED_EVENT_TYPE,
      timestamp,
      data: { ...base, corrects: subject.corrects, changed: subject.changed.filter((f) => entitled.has(f)), ...fields },
    };
  }
  return { type: input.type, timestamp, data: { ...base, ...fields } };
}

/** The subject of a stored notification (those stored before corrections existed are changes). */
export function subjectOf(n: {
  kind?: string;
  corrects?: string;
  changed?: readonly EntitleableField[];
  withdraws?: string;
}): NotificationSubject {
  if (n.kind === 'correction') return { kind: 'correction', corrects: n.corrects ?? '', changed: n.changed ?? [] };
  if (n.kind === 'withdrawal') return { kind: 'withdrawal', withdraws: n.withdraws ?? '' };
  return { kind: 'change' };
}
