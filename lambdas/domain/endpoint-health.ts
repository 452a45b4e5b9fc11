// The health of a push department's endpoint and the flow control that follows from it
// (CONTRACT section 9). Pure rules: the store keeps the state, the delivery step applies them.

const MINUTE_MS = 60_000;

/** An endpoint is failing after at least this many consecutive failed attempts... */
export const FAILING_AFTER_FAILURES = 5;
/** ...spread over at least this long (scaled by TUO_TIME_SCALE). */
export const FAILING_AFTER_MS = 15 * MINUTE_MS;
/** While failing, at most one attempt (a probe) this often (scaled). */
export const PROBE_INTERVAL_MS = 5 * MINUTE_MS;
/**
 * Held notifications wake spread over this long after a probe is due, so that the first to wake
 * probes and the rest follow it within a minute of a recovery (scaled).
 */
export const HOLD_SPREAD_MS = 30_000;
/** A held notification that finds a probe under way looks again this much later (scaled). */
export const PROBE_RESULT_WAIT_MS = 20_000;

export type EndpointStatus = 'healthy' | 'failing' | 'disabled';

export interface EndpointHealth {
  readonly status: 'healthy' | 'failing';
  /** When the endpoint entered this status. */
  readonly since?: string;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
  /** The first of the current run of failures. */
  readonly failingFrom?: string;
  /** While failing: when the next probe may be made. */
  readonly nextProbeAt?: string;
  /** While failing: when the last probe was claimed. */
  readonly lastProbeAt?: string;
}

export const HEALTHY: EndpointHealth = { status: 'healthy', consecutiveFailures: 0 };

/** Whether a run of failures is long enough, in number and in time, to call the endpoint failing. */
export function crossesFailingThreshold(health: EndpointHealth, now: Date, timeScale: number): boolean {
  if (health.status === 'failing' || health.consecutiveFailures < FAILING_AFTER_FAILURES || !health.failingFrom) return false;
  return now.getTime() - Date.parse(health.failingFrom) >= FAILING_AFTER_MS * timeScale;
}

/**
 * What a notification to a failing endpoint does when it cannot claim the probe: it waits,
 * without an attempt, until the next probe is due (spread a little), or briefly while a probe is
 * under way, so that it follows a successful probe within a minute.
 */
export function holdUntil(health: EndpointHealth, now: Date, timeScale: number, random: () => number): Date {
  const lastProbe = health.lastProbeAt ? Date.parse(health.lastProbeAt) : 0;
  const probeUnderWay = now.getTime() - lastProbe < PROBE_RESULT_WAIT_MS * timeScale;
  if (probeUnderWay) return new Date(lastProbe + Math.max(1, Math.ceil(PROBE_RESULT_WAIT_MS * timeScale)));
  const due = health.nextProbeAt ? Date.parse(health.nextProbeAt) : now.getTime();
  const spread = Math.ceil(Math.min(1, Math.max(0, random())) * HOLD_SPREAD_MS * timeScale);
  return new Date(Math.max(due, now.getTime()) + Math.max(1, spread));
}

/**
 * The latest a notification's next attempt may be while its endpoint is failing, or has failed
 * often enough that it soon will: the next probe (spread as a hold is). A notification whose own
 * backoff has grown to hours would otherwise sleep through a recovery; capped, it follows the
 * first 2xx within a minute like the held ones. Undefined when the endpoint is not in trouble.
 */
export function latestRetryWhileFailing(health: EndpointHealth, now: Date, timeScale: number, random: () => number): Date | undefined {
  if (health.status !== 'failing' && health.consecutiveFailures < FAILING_AFTER_FAILURES) return undefined;
  const due = health.nextProbeAt ? Date.parse(health.nextProbeAt) : now.getTime() + PROBE_INTERVAL_MS * timeScale;
  const spread = Math.ceil(Math.min(1, Math.max(0, random())) * HOLD_SPREAD_MS * timeScale);
  return new Date(Math.max(due, now.getTime()) + Math.max(1, spread));
}
