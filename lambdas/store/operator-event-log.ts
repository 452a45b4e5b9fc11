import type { OperatorEvent, OperatorEventInput } from '../domain/operator-event';

export interface OperatorEventPage {
  readonly items: OperatorEvent[];
  /** The cursor after the last item (`after` again, or the start, when there were none). */
  readonly next: string;
}

/** The operators' event log, in the order events occurred. */
export interface OperatorEventLog {
  /** Appends the event unless the same happening (its `key`) was recorded already. */
  record(event: OperatorEventInput): Promise<void>;
  list(page: { after?: string; limit: number }): Promise<OperatorEventPage>;
}
