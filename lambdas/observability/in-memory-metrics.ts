import type { EndpointHealthChange, OutcomeMetrics } from './outcome-metrics';

export type EmittedMetric =
  | { readonly metric: 'delivered' | 'failed' | 'expired'; readonly departmentId: string }
  | { readonly metric: 'endpointHealthChanged'; readonly departmentId: string; readonly change: EndpointHealthChange };

/** The metrics port in memory: what use-case unit tests read to see what was counted. */
export class InMemoryMetrics implements OutcomeMetrics {
  readonly emitted: EmittedMetric[] = [];

  delivered(departmentId: string): void {
    this.emitted.push({ metric: 'delivered', departmentId });
  }

  failed(departmentId: string): void {
    this.emitted.push({ metric: 'failed', departmentId });
  }

  expired(departmentId: string): void {
    this.emitted.push({ metric: 'expired', departmentId });
  }

  endpointHealthChanged(departmentId: string, change: EndpointHealthChange): void {
    this.emitted.push({ metric: 'endpointHealthChanged', departmentId, change });
  }
}
