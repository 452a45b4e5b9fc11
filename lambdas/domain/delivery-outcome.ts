/** What one delivery attempt's result means for the notification (CONTRACT section 6). */
export type AttemptVerdict =
  | { kind: 'delivered' }
  /** 408, 429, 5xx, timeouts and network errors: try again later. */
  | { kind: 'retry'; error: string; retryAfterSeconds?: number }
  /** Any other answer: the department refused this notification; retrying will not help. */
  | { kind: 'failed'; error: string }
  /** 410: the department's endpoint is gone; stop notifying it until an operator re-enables it. */
  | { kind: 'gone'; error: string };

export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter?: string | null }
  | { kind: 'network-error'; description: string }
  /** The host resolved to an address the target policy refuses (SSRF guard, checked at every delivery). */
  | { kind: 'refused-target'; reason: string }
  | { kind: 'timeout'; seconds: number };

/** Retry-After as seconds from `now`: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export function judgeAttempt(result: AttemptResult, now: Date): AttemptVerdict {
  switch (result.kind) {
    case 'timeout':
      return { kind: 'retry', error: `No answer within ${result.seconds} seconds` };
    case 'network-error':
      return { kind: 'retry', error: `Could not connect: ${result.description}` };
    case 'refused-target':
      return { kind: 'failed', error: `Refused to send: ${result.reason}` };
    case 'response': {
      const { status } = result;
      if (status >= 200 && status < 300) return { kind: 'delivered' };
      if (status === 410) return { kind: 'gone', error: 'HTTP 410: the endpoint is gone and has been disabled' };
      if (status === 408 || status === 429 || status >= 500) {
        return { kind: 'retry', error: `HTTP ${status}`, retryAfterSeconds: parseRetryAfter(result.retryAfter, now) };
      }
      if (status >= 300 && status < 400) return { kind: 'failed', error: `HTTP ${status}: redirects are not followed` };
      return { kind: 'failed', error: `HTTP ${status}` };
    }
  }
}
