import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EndpointHealthChange, OutcomeMetrics } from './outcome-metrics';
import type { NotificationRecord } from '../domain/notification';
import { DEPARTMENT_DIMENSION, METRIC, METRICS_NAMESPACE, METRICS_SERVICE_NAME } from './metric-names';

/**
 * The metrics port of the use cases (and the confirmation times of a finalised submission), as
 * CloudWatch embedded metric format on stdout (Powertools).
 * Each data point is published at once, twice: for the service alone (what the alarms watch) and
 * for the service and the department (what the dashboard charts per department).
 * Metrics carry department ids and counts only, never personal data. On one machine they are off
 * (POWERTOOLS_METRICS_DISABLED, set by local/process-environment.ts).
 */
export class ServiceMetrics implements OutcomeMetrics {
  constructor(private readonly metrics: Metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE_NAME })) {}

  delivered(departmentId: string): void {
    this.publish(departmentId, METRIC.delivered, MetricUnit.Count, 1);
  }

  failed(departmentId: string): void {
    this.publish(departmentId, METRIC.failed, MetricUnit.Count, 1);
  }

  expired(departmentId: string): void {
    this.publish(departmentId, METRIC.expired, MetricUnit.Count, 1);
  }

  /** Seconds from the first successful delivery to the department's answer. */
  confirmationTime(departmentId: string, seconds: number): void {
    this.publish(departmentId, METRIC.timeToConfirmation, MetricUnit.Seconds, seconds);
  }

  endpointHealthChanged(departmentId: string, change: EndpointHealthChange): void {
    const name = { failing: METRIC.endpointFailing, healthy: METRIC.endpointHealthy, disabled: METRIC.endpointDisabled }[change];
    this.publish(departmentId, name, MetricUnit.Count, 1);
  }

  private publish(departmentId: string, name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void {
    // Published at once (the workflow handlers need no end-of-invocation flush), as two data
    // points: CloudWatch alarms cannot sum over a dimension, so the service total is its own.
    this.metrics.addMetric(name, unit, value);
    this.metrics.publishStoredMetrics();
    this.metrics.addDimension(DEPARTMENT_DIMENSION, departmentId);
    this.metrics.addMetric(name, unit, value);
    this.metrics.publishStoredMetrics();
  }
}

export const serviceMetrics = new ServiceMetrics();

/** Records the time each answered notification took, once its submission is final. */
export function recordConfirmationTimes(notifications: readonly NotificationRecord[], metrics: ServiceMetrics = serviceMetrics): void {
  for (const n of notifications) {
    if ((n.status === 'CONFIRMED' || n.status === 'REJECTED') && n.deliveredAt && n.respondedAt) {
      // An answer may arrive before the delivery's 2xx is recorded: that counts as no wait.
      metrics.confirmationTime(n.departmentId, Math.max(0, (Date.parse(n.respondedAt) - Date.parse(n.deliveredAt)) / 1000));
    }
  }
}
