// The one way to try again after a lost race: a conditional write lost to another writer, so the
// caller reads (or takes) the winner's state, judges again against it and writes again. Each lost
// round means someone else's write landed, so a few rounds settle any real contention; the bound
// keeps a pathological one from spinning a Lambda until its timeout.

/** What an attempt returns when its conditional write lost: the helper runs it again. */
export const LOST_RACE: unique symbol = Symbol('lost race');
export type LostRace = typeof LOST_RACE;

/** Every round lost to another writer: nothing settled. Thrown by callers with nothing to settle for. */
export class RaceNotSettledError extends Error {
  constructor(what: string) {
    super(`${what} did not settle`);
    this.name = 'RaceNotSettledError';
  }
}

/** `exhausted` for callers with nothing to settle for: throws `RaceNotSettledError` naming `what`. */
export function notSettled(what: string): () => never {
  return () => {
    throw new RaceNotSettledError(what);
  };
}

export interface LostRaceOptions<T> {
  /** Attempts at most, the first included. */
  readonly rounds: number;
  /** After `rounds` lost races: what the caller settles for, or a throw (`notSettled`). */
  readonly exhausted: () => T;
}

/**
 * Runs `attempt(round)` (round 0 first) until it returns anything but `LOST_RACE`, at most
 * `rounds` times. The attempt does its own re-reading (and any pause) before it reports a loss.
 */
export async function retryAfterLostRace<T>(
  attempt: (round: number) => Promise<T | LostRace> | T | LostRace,
  { rounds, exhausted }: LostRaceOptions<T>,
): Promise<T> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a whole number of at least 1, not ${rounds}`);
  for (let round = 0; round < rounds; round++) {
    const result = await attempt(round);
    if (result !== LOST_RACE) return result;
  }
  return exhausted();
}
