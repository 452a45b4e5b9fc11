import type { EndpointHealth } from '../domain/endpoint-health';

export type SendSlot = { kind: 'reserved'; at: number } | { kind: 'later'; at: number };

/** The health of a department's endpoint and its send log (rate limit), one item per department. */
export interface EndpointRepository {
  get(departmentId: string): Promise<EndpointHealth>;
  /** A failed attempt (one that would be retried): counts it and returns the health as it now is. */
  recordFailure(departmentId: string, error: string, now: Date): Promise<EndpointHealth>;
  /** healthy -> failing, once: true for the one call that made the change. */
  markFailing(departmentId: string, now: Date, nextProbeAt: Date): Promise<boolean>;
  /** An answered attempt: clears the failures; true when it ended a `failing` spell (once). */
  recordSuccess(departmentId: string, now: Date): Promise<boolean>;
  /** While failing: takes the probe that is due, if nobody has; true for the one that did. */
  claimProbe(departmentId: string, now: Date, nextProbeAt: Date): Promise<boolean>;
  /**
   * Reserves the next send within `limitPerSecond`, if it is at most `maxWaitMs` away; otherwise
   * says when to come back (nothing reserved).
   */
  reserveSendSlot(departmentId: string, limitPerSecond: number, now: Date, maxWaitMs: number): Promise<SendSlot>;
}
