/** The state lists of a definition that hold states: its own, and those of Map and Parallel states within. */
function nestedDefinitions(definition: any): any[] {
  return Object.values<any>(definition.States ?? {}).flatMap((state) =>
    [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].filter(Boolean),
  );
}

/**
 * The definition the local engine runs: a copy in which every Retry's `IntervalSeconds` and
 * `MaxDelaySeconds` are multiplied by TUO_TIME_SCALE. The engine then plays the schedule Step
 * Functions plays (IntervalSeconds × BackoffRate^n before retry n, at most MaxDelaySeconds, and with
 * JitterStrategy FULL a uniform draw below that), only faster; a fixed pause per retrier would not.
 * Fractional seconds are not valid ASL, so the engine validates the definition as synthesized and
 * runs this copy unvalidated.
 */
export function withScaledRetrySchedules(definition: any, timeScale: number): any {
  const copy = JSON.parse(JSON.stringify(definition));
  const scale = (states: any) => {
    for (const state of Object.values<any>(states.States ?? {})) {
      for (const retrier of state.Retry ?? []) {
        retrier.IntervalSeconds = (retrier.IntervalSeconds ?? 1) * timeScale; // ASL's default interval is 1 s.
        if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds *= timeScale;
      }
    }
    nestedDefinitions(states).forEach(scale);
  };
  scale(copy);
  return copy;
}
