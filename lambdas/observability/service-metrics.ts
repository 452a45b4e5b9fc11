import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { NotificationRecord } from '../domain/notification';
import type { NotificationRepository } from '../store/notification-repository';
import type { OperatorEventLog } from '../store/operator-event-log';
import type { OperatorEventType } from '../domain/operator-event';
import { DEPARTMENT_DIMENSION, METRIC, METRICS_NAMESPACE, METRICS_SERVICE_NAME } from './metric-names';

/**
 * The service's business metrics, as CloudWatch embedded metric format on stdout (Powertools).
 * Each data point is published at once, twice: for the service alone (what the alarms watch) and
 * for the service and the department (what the dashboard charts per department).
 * Metrics carry department ids and counts only, never personal data. On one machine they are off
 * (POWERTOOLS_METRICS_DISABLED, set by local/process-environment.ts).
 */
export class ServiceMetrics {
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

  /** A change of an endpoint's health; `notification.failed` is counted by `failed` already. */
  operatorEvent(departmentId: string, type: OperatorEventType): void {
    const name = ({
      'endpoint.failing': METRIC.endpointFailing,
      'endpoint.healthy': METRIC.endpointHealthy,
      'endpoint.disabled': METRIC.endpointDisabled,
    } as Partial<Record<OperatorEventType, string>>)[type];
    if (name) this.publish(departmentId, name, MetricUnit.Count, 1);
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

/**
 * The notification repository, counting each notification this call moved to DELIVERED, FAILED
 * or EXPIRED. Each of those writes says whether it changed anything (markDelivered: whether it was
 * the first delivery, by either channel), so a step run again (a retry) counts nothing twice.
 */
export function countingOutcomes(notifications: NotificationRepository, metrics: ServiceMetrics = serviceMetrics): NotificationRepository {
  const counted: Partial<NotificationRepository> = {
    async markDelivered(notification, now, channel) {
      const delivered = await notifications.markDelivered(notification, now, channel);
      if (delivered.first) metrics.delivered(notification.departmentId);
      return delivered;
    },
    async markFailed(notification, error, now) {
      const changed = await notifications.markFailed(notification, error, now);
      if (changed) metrics.failed(notification.departmentId);
      return changed;
    },
    async markExpired(notification, now) {
      const changed = await notifications.markExpired(notification, now);
      if (changed) metrics.expired(notification.departmentId);
      return changed;
    },
  };
  return new Proxy(notifications, {
    get(target, property, receiver) {
      if (property in counted) return counted[property as keyof NotificationRepository];
      const member = Reflect.get(target, property, receiver);
      return typeof member === 'function' ? member.bind(target) : member;
    },
  });
}

/** The operators' event log, with a metric for each change of an endpoint's health (alarmed on AWS). */
export function countingOperatorEvents(log: OperatorEventLog, metrics: ServiceMetrics = serviceMetrics): OperatorEventLog {
  return {
    async record(event) {
      await log.record(event);
      metrics.operatorEvent(event.department, event.type);
    },
    list: (page) => log.list(page),
  };
}

/** Records the time each answered notification took, once its submission is final. */
export function recordConfirmationTimes(notifications: readonly NotificationRecord[], metrics: ServiceMetrics = serviceMetrics): void {
  for (const n of notifications) {
    if ((n.status === 'CONFIRMED' || n.status === 'REJECTED') && n.deliveredAt && n.respondedAt) {
      // An answer may arrive before the delivery's 2xx is recorded: that counts as no wait.
      metrics.confirmationTime(n.departmentId, Math.max(0, (Date.parse(n.respondedAt) - Date.parse(n.deliveredAt)) / 1000));
    }
  }
}
