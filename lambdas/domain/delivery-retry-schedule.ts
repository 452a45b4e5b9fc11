// When to try a failed webhook delivery again (CONTRACT section 6): exponential backoff with
// full jitter, so departments recovering from an outage are not hit by every retry at once,
// over at least 72 hours and at least 8 attempts. TUO_TIME_SCALE shrinks every duration.

const SECOND_MS = 1_000;
const HOUR_MS = 3_600_000;

/** Keep retrying for at least this long after the first attempt (before time scaling). */
export const RETRY_WINDOW_MS = 72 * HOUR_MS;
/** Keep retrying until at least this many attempts have failed. */
export const MIN_ATTEMPTS = 8;
export const BASE_DELAY_MS = 5 * SECOND_MS;
export const MIN_DELAY_MS = 1 * SECOND_MS;
/** No single wait is longer than this, and no retry is scheduled later than RETRY_WINDOW_MS + MAX_DELAY_MS after the first attempt. */
export const MAX_DELAY_MS = 24 * HOUR_MS;

export interface RetryPlanInput {
  /** Attempts made so far, all failed (1 after the first failure). */
  failedAttempts: number;
  firstAttemptAt: Date;
  now: Date;
  /** Multiplies every duration (TUO_TIME_SCALE); e.g. 0.001 turns seconds into milliseconds. */
  timeScale: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  random: () => number;
  /** From the department's Retry-After header, in seconds. */
  retryAfterSeconds?: number;
}

export type RetryPlan = { retry: true; retryAt: Date; delayMs: number } | { retry: false };

export function planNextAttempt(input: RetryPlanInput): RetryPlan {
  const { failedAttempts, firstAttemptAt, now, timeScale, random, retryAfterSeconds } = input;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError('timeScale must be a positive number');
  const elapsed = now.getTime() - firstAttemptAt.getTime();
  if (failedAttempts >= MIN_ATTEMPTS && elapsed >= RETRY_WINDOW_MS * timeScale) return { retry: false };

  // Full jitter: uniform in [0, cap] where cap grows 5s, 20s, 80s, ... up to 24h.
  const exponent = Math.max(0, failedAttempts - 1);
  const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 4 ** exponent);
  let delay = Math.max(MIN_DELAY_MS, clamp01(random()) * cap);
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) {
    delay = Math.max(delay, Math.min(MAX_DELAY_MS, retryAfterSeconds * SECOND_MS));
  }
  // Whole milliseconds, but never rounded down to zero, so scaled-down delays keep their precision.
  let delayMs = Math.max(1, Math.ceil(delay * timeScale));

  // Never beyond the end of the window plus one maximal wait; if that moment has passed (the
  // service itself was down) but fewer than MIN_ATTEMPTS failed, try again straight away.
  const latest = firstAttemptAt.getTime() + Math.floor((RETRY_WINDOW_MS + MAX_DELAY_MS) * timeScale);
  delayMs = Math.max(0, Math.min(delayMs, latest - now.getTime()));
  return { retry: true, retryAt: new Date(now.getTime() + delayMs), delayMs };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/**
 * The errors the delivery step ends its workflow task with; the workflow definition names them in
 * the task's Retry and Catch (lib/notification-workflow-definition.ts).
 */
export const DELIVERY_ERRORS = {
  /** The attempt failed and may succeed later: the task's Retry backs off (full jitter, capped). */
  retry: 'TellUsOnce.DeliveryRetry',
  /** Not to be tried before a time (the error's cause): Retry-After, the endpoint's next probe, a send slot. */
  deferred: 'TellUsOnce.DeliveryDeferred',
} as const;
