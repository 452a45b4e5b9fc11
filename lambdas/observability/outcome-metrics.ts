/** A change of a department endpoint's health that operators are alarmed on or shown. */
export type EndpointHealthChange = 'failing' | 'healthy' | 'disabled';

/**
 * The service's business metrics, as the use cases emit them: each where its change is decided,
 * once (a use case emits only when its conditional write won, so a step run again counts nothing
 * twice). Department ids and numbers only. Powertools on Lambda
 * (`service-metrics.ts`), in memory in unit tests (`in-memory-metrics.ts`).
 */
export interface OutcomeMetrics {
  /** A notification reached its department the first time, by either channel. */
  delivered(departmentId: string): void;
  /** A notification could not be delivered: refused, gone, or retries exhausted. */
  failed(departmentId: string): void;
  /** A department did not answer within its confirmation timeout. */
  expired(departmentId: string): void;
  /** A department's endpoint turned failing, answered again, or was disabled (410). */
  endpointHealthChanged(departmentId: string, change: EndpointHealthChange): void;
}
