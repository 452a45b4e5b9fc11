import { notificationData, type ChangeOfAddress, type EntitleableField } from './entitlement';

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

export function buildNotificationEvent(input: {
  type: string;
  notificationId: string;
  reference: string;
  confirmationUrl: string;
  change: ChangeOfAddress;
  /** The department's fields when the citizen consented (stored on the notification). */
  consentedFields: readonly EntitleableField[] | undefined;
  /** The department's fields now. */
  currentFields: readonly EntitleableField[];
  now: Date;
}): NotificationEvent {
  return {
    type: input.type,
    timestamp: input.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    data: {
      notificationId: input.notificationId,
      reference: input.reference,
      confirmationUrl: input.confirmationUrl,
      ...notificationData(input.change, input),
    },
  };
}
