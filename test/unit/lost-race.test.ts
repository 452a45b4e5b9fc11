import { LOST_RACE, notSettled, type LostRace, RaceNotSettledError, retryAfterLostRace } from '../../lambdas/domain/lost-race';

describe('retryAfterLostRace', () => {
  it('returns the first settled result without trying again', async () => {
    const rounds: number[] = [];
    const result = await retryAfterLostRace(
      async (round) => {
        rounds.push(round);
        return 'won';
      },
      { rounds: 5, exhausted: () => 'gave up' },
    );
    expect(result).toBe('won');
    expect(rounds).toEqual([0]);
  });

  it('tries again after each lost race, numbering the rounds, until one settles', async () => {
    const rounds: number[] = [];
    const result = await retryAfterLostRace(
      (round) => {
        rounds.push(round);
        return round < 2 ? LOST_RACE : `settled in round ${round}`;
      },
      { rounds: 5, exhausted: () => 'gave up' },
    );
    expect(result).toBe('settled in round 2');
    expect(rounds).toEqual([0, 1, 2]);
  });

  it('settles on falsy results too (only LOST_RACE means try again)', async () => {
    for (const settled of [undefined, null, false, 0, '']) {
      let calls = 0;
      const result = await retryAfterLostRace<unknown>(
        () => {
          calls++;
          return settled;
        },
        { rounds: 3, exhausted: () => 'gave up' },
      );
      expect(result).toBe(settled);
      expect(calls).toBe(1);
    }
  });

  it('after exactly `rounds` lost races returns what the caller settles for', async () => {
    let calls = 0;
    const result = await retryAfterLostRace<{ kind: 'later' }>(
      async (): Promise<LostRace> => {
        calls++;
        return LOST_RACE;
      },
      { rounds: 4, exhausted: () => ({ kind: 'later' as const }) },
    );
    expect(result).toEqual({ kind: 'later' });
    expect(calls).toBe(4);
  });

  it('after exactly `rounds` lost races throws what the caller throws, naming what did not settle', async () => {
    let calls = 0;
    const attempt = retryAfterLostRace(
      () => {
        calls++;
        return LOST_RACE;
      },
      { rounds: 3, exhausted: notSettled('Signing secret rotation') },
    );
    await expect(attempt).rejects.toThrow(new RaceNotSettledError('Signing secret rotation'));
    await expect(attempt).rejects.toMatchObject({ name: 'RaceNotSettledError', message: 'Signing secret rotation did not settle' });
    expect(calls).toBe(3);
  });

  it("passes an attempt's own error straight on, without trying again", async () => {
    let calls = 0;
    const attempt = retryAfterLostRace(
      async () => {
        calls++;
        throw new Error('storage unavailable');
      },
      { rounds: 3, exhausted: () => 'gave up' },
    );
    await expect(attempt).rejects.toThrow('storage unavailable');
    expect(calls).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses an unbounded or empty number of rounds (%p)', async (rounds) => {
    let calls = 0;
    const attempt = retryAfterLostRace(
      () => {
        calls++;
        return 'won';
      },
      { rounds, exhausted: () => 'gave up' },
    );
    await expect(attempt).rejects.toThrow(RangeError);
    expect(calls).toBe(0);
  });
});
