import fc from 'fast-check';
import { MIN_ATTEMPTS, planNextAttempt, RETRY_WINDOW_MS } from '../../lambdas/domain/delivery-retry-schedule';

const HOUR = 3_600_000;
const start = new Date('2026-11-29T10:00:00Z');

// Plays a delivery that always fails (instantly) until the schedule gives up.
function simulate(random: () => number, timeScale = 1, retryAfterSeconds?: number) {
  const attemptTimes = [start.getTime()];
  const delays: number[] = [];
  for (;;) {
    const now = new Date(attemptTimes[attemptTimes.length - 1]);
    const plan = planNextAttempt({ failedAttempts: attemptTimes.length, firstAttemptAt: start, now, timeScale, random, retryAfterSeconds });
    if (!plan.retry) break;
    if (plan.retryAt.getTime() !== now.getTime() + plan.delayMs) throw new Error('retryAt and delayMs disagree');
    delays.push(plan.delayMs);
    attemptTimes.push(plan.retryAt.getTime());
  }
  return { attempts: attemptTimes.length, span: attemptTimes[attemptTimes.length - 1] - start.getTime(), delays };
}

describe('planNextAttempt', () => {
  it.each([
    ['never random (shortest waits)', () => 0],
    ['always at the cap (longest waits)', () => 1],
    ['half way', () => 0.5],
  ])('keeps trying for at least 72 hours and 8 attempts, and stops within 96 hours: %s', (_name, random) => {
    const { attempts, span } = simulate(random);
    expect(attempts).toBeGreaterThanOrEqual(MIN_ATTEMPTS);
    expect(span).toBeGreaterThanOrEqual(72 * HOUR);
    expect(span).toBeLessThanOrEqual(96 * HOUR);
  });

  it('grows the cap 5s, 20s, 80s, ... up to 24h (random = 1)', () => {
    const { delays } = simulate(() => 1);
    expect(delays.slice(0, 9)).toEqual([5e3, 20e3, 80e3, 320e3, 1280e3, 5120e3, 20480e3, 81920e3, 24 * HOUR]);
  });

  it('waits at least one second', () => {
    const plan = planNextAttempt({ failedAttempts: 3, firstAttemptAt: start, now: start, timeScale: 1, random: () => 0 });
    expect(plan).toEqual({ retry: true, delayMs: 1000, retryAt: new Date(start.getTime() + 1000) });
  });

  it('scales every wait by the time scale, keeping sub-second precision', () => {
    const normal = simulate(() => 1);
    const fast = simulate(() => 1, 0.001);
    expect(fast.delays.slice(0, 4)).toEqual([5, 20, 80, 320]);
    expect(fast.span).toBeGreaterThanOrEqual(72 * HOUR * 0.001);
    expect(fast.span).toBeLessThanOrEqual(96 * HOUR * 0.001);
    expect(fast.attempts).toBe(normal.attempts);
    const shortest = planNextAttempt({ failedAttempts: 1, firstAttemptAt: start, now: start, timeScale: 0.001, random: () => 0 });
    expect(shortest).toMatchObject({ retry: true, delayMs: 1 });
  });

  it('honours Retry-After as a minimum, capped at 24 hours', () => {
    const plan = (retryAfterSeconds: number, timeScale = 1) =>
      planNextAttempt({ failedAttempts: 1, firstAttemptAt: start, now: start, timeScale, random: () => 0, retryAfterSeconds });
    expect(plan(120)).toMatchObject({ delayMs: 120_000 });
    expect(plan(7 * 24 * 3600)).toMatchObject({ delayMs: 24 * HOUR });
    expect(plan(120, 0.001)).toMatchObject({ delayMs: 120 });
    // A shorter Retry-After does not shorten the backoff.
    expect(
      planNextAttempt({ failedAttempts: 3, firstAttemptAt: start, now: start, timeScale: 1, random: () => 1, retryAfterSeconds: 1 }),
    ).toMatchObject({ delayMs: 80_000 });
  });

  it('gives up only when both 8 attempts have failed and 72 hours have passed', () => {
    const at = (hours: number) => new Date(start.getTime() + hours * HOUR);
    const base = { firstAttemptAt: start, timeScale: 1, random: () => 0.5 };
    expect(planNextAttempt({ ...base, failedAttempts: 8, now: at(71.9) }).retry).toBe(true);
    expect(planNextAttempt({ ...base, failedAttempts: 7, now: at(80) }).retry).toBe(true);
    expect(planNextAttempt({ ...base, failedAttempts: 8, now: at(72) })).toEqual({ retry: false });
    expect(RETRY_WINDOW_MS).toBe(72 * HOUR);
  });

  it('never schedules a retry later than 96 hours after the first attempt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 200 * HOUR }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 10 * 24 * 3600 }), { nil: undefined }),
        fc.constantFrom(1, 0.001, 0.5),
        (failedAttempts, elapsed, r, retryAfterSeconds, timeScale) => {
          const now = new Date(start.getTime() + elapsed * timeScale);
          const plan = planNextAttempt({ failedAttempts, firstAttemptAt: start, now, timeScale, random: () => r, retryAfterSeconds });
          if (!plan.retry) return;
          expect(plan.delayMs).toBeGreaterThanOrEqual(0);
          expect(plan.retryAt.getTime()).toBeLessThanOrEqual(Math.max(now.getTime(), start.getTime() + 96 * HOUR * timeScale));
        },
      ),
    );
  });
});
