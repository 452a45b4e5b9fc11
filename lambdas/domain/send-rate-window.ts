// A department's `rateLimitPerSecond` (CONTRACT section 4): never more sends than that in any
// one-second interval, sliding. A log of the latest sends' times (at most `limit` of them) and
// two rules: a send may go once the `limit`-th latest is a window behind it, and sends are spaced
// evenly (window / limit apart), so a send delayed on its way cannot bunch up with the next ones.
// Kept in the table, so every delivery Lambda on AWS, like every step on one machine, takes its
// turn from the same log.

/**
 * The window, with a margin: a send is timed when it leaves, and networks and timers add jitter
 * before it arrives, so the department never sees more than `limit` in any one second.
 */
export const SEND_WINDOW_MS = 1_200;

/** When the next send may leave (never before `now`, never before the latest reserved send). */
export function nextSendSlot(sends: readonly number[], limit: number, now: number): number {
  const latest = sends.length > 0 ? sends[sends.length - 1] : 0;
  const blocking = sends.length >= limit ? sends[sends.length - limit] + SEND_WINDOW_MS : 0;
  const spaced = sends.length > 0 ? latest + SEND_WINDOW_MS / limit : 0;
  return Math.max(now, latest, blocking, spaced);
}

/** The log after reserving `slot`: only the latest `limit` sends matter. */
export function withSend(sends: readonly number[], limit: number, slot: number): number[] {
  return [...sends, slot].slice(-limit);
}
