import {
  crossesFailingThreshold,
  holdUntil,
  HEALTHY,
  latestRetryWhileFailing,
  type EndpointHealth,
} from '../../lambdas/domain/endpoint-health';
import { nextSendSlot, SEND_WINDOW_MS, withSend } from '../../lambdas/domain/send-rate-window';

describe('the send log behind rateLimitPerSecond', () => {
  it('never lets more than the limit fall in any one-second window, however many ask at once', () => {
    for (const limit of [1, 3, 5, 20]) {
      let sends: number[] = [];
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const at = nextSendSlot(sends, limit, 1_000 + Math.floor(i / 7) * 13); // many asking, time creeping on
        sends = withSend(sends, limit, at);
        times.push(at);
      }
      for (let i = 0; i + limit < times.length; i++) expect(times[i + limit] - times[i]).toBeGreaterThanOrEqual(1_000);
      // ...and keeps to the rate: 200 sends take about 200 / limit windows, not longer.
      expect(times[times.length - 1] - times[0]).toBeLessThanOrEqual((200 / limit) * SEND_WINDOW_MS);
    }
  });

  it('sends at once when nothing was sent lately, and keeps only the latest sends', () => {
    expect(nextSendSlot([], 5, 42)).toBe(42);
    expect(nextSendSlot([0], 5, 10_000)).toBe(10_000);
    expect(withSend([1, 2, 3], 3, 4)).toEqual([2, 3, 4]);
  });
});

describe('endpoint health', () => {
  const at = (iso: string) => new Date(iso);
  const failing = (overrides: Partial<EndpointHealth>): EndpointHealth => ({
    ...HEALTHY,
    consecutiveFailures: 5,
    failingFrom: '2026-12-01T10:00:00.000Z',
    ...overrides,
  });

  it('is failing only after 5 consecutive failures over at least 15 minutes (scaled)', () => {
    expect(crossesFailingThreshold(failing({}), at('2026-12-01T10:15:00.000Z'), 1)).toBe(true);
    expect(crossesFailingThreshold(failing({}), at('2026-12-01T10:14:59.000Z'), 1)).toBe(false);
    expect(crossesFailingThreshold(failing({ consecutiveFailures: 4 }), at('2026-12-01T11:00:00.000Z'), 1)).toBe(false);
    expect(crossesFailingThreshold(failing({}), at('2026-12-01T10:00:00.900Z'), 0.001)).toBe(true);
    expect(crossesFailingThreshold(failing({ status: 'failing' }), at('2026-12-01T11:00:00.000Z'), 1)).toBe(false); // Once.
  });

  it('holds a notification until the next probe is due (spread over 30 s), or briefly while a probe is under way', () => {
    const now = at('2026-12-01T10:20:00.000Z');
    const due = failing({ status: 'failing', nextProbeAt: '2026-12-01T10:24:00.000Z', lastProbeAt: '2026-12-01T10:19:00.000Z' });
    expect(holdUntil(due, now, 1, () => 0).getTime()).toBe(Date.parse('2026-12-01T10:24:00.000Z') + 1);
    expect(holdUntil(due, now, 1, () => 0.999999).getTime()).toBeLessThanOrEqual(Date.parse('2026-12-01T10:24:30.000Z'));
    const probing = failing({ status: 'failing', nextProbeAt: '2026-12-01T10:24:59.000Z', lastProbeAt: '2026-12-01T10:19:59.000Z' });
    expect(holdUntil(probing, now, 1, () => 0).toISOString()).toBe('2026-12-01T10:20:19.000Z');
  });
});

describe('retries while an endpoint is in trouble', () => {
  const now = new Date('2026-12-01T10:20:00.000Z');

  it('never lets a notification sleep past the next probe (spread over 30 s), however long its own backoff has grown', () => {
    const failing: EndpointHealth = {
      status: 'failing',
      consecutiveFailures: 9,
      failingFrom: '2026-12-01T10:00:00.000Z',
      nextProbeAt: '2026-12-01T10:25:00.000Z',
    };
    expect(latestRetryWhileFailing(failing, now, 1, () => 0)?.toISOString()).toBe('2026-12-01T10:25:00.001Z');
    expect(latestRetryWhileFailing(failing, now, 1, () => 0.999999)!.getTime()).toBeLessThanOrEqual(Date.parse('2026-12-01T10:25:30.000Z'));
    // About to be failing (5 in a row, not yet 15 minutes): no later than a probe interval from now.
    const soon: EndpointHealth = { status: 'healthy', consecutiveFailures: 5, failingFrom: '2026-12-01T10:10:00.000Z' };
    expect(latestRetryWhileFailing(soon, now, 1, () => 0)?.toISOString()).toBe('2026-12-01T10:25:00.001Z');
  });

  it('leaves the backoff alone while the endpoint has failed only a few times', () => {
    expect(latestRetryWhileFailing(HEALTHY, now, 1, () => 0)).toBeUndefined();
    expect(
      latestRetryWhileFailing({ ...HEALTHY, consecutiveFailures: 4, failingFrom: '2026-12-01T10:00:00.000Z' }, now, 1, () => 0),
    ).toBeUndefined();
  });
});
