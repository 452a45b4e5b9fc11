// What operators are told (CONTRACT section 9): every change of an endpoint's health and every
// notification that FAILED, in the order they occurred.

export const OPERATOR_EVENT_TYPES = ['endpoint.failing', 'endpoint.healthy', 'endpoint.disabled', 'notification.failed'] as const;
export type OperatorEventType = (typeof OPERATOR_EVENT_TYPES)[number];

export interface OperatorEvent {
  readonly id: string;
  readonly at: string;
  readonly type: OperatorEventType;
  readonly department: string;
  readonly notificationId?: string;
  readonly detail: string;
}

/** What happened, before it is given its id: `key` names the happening, so recording it twice records it once. */
export interface OperatorEventInput extends Omit<OperatorEvent, 'id'> {
  readonly key: string;
}
