// The service's own CloudWatch metrics: emitted by the use cases (through service-metrics.ts),
// alarmed on and charted by the CDK app (lib/service-monitoring.ts). One list, so both agree.

/** CloudWatch namespace of every metric the service emits. */
export const METRICS_NAMESPACE = 'TellUsOnce';
/** Powertools' `service` dimension, present on every metric. */
export const METRICS_SERVICE_NAME = 'tell-us-once';
/** The second dimension set: which department a notification was for. */
export const DEPARTMENT_DIMENSION = 'department';

export const METRIC = {
  /** A notification reached its department's endpoint (2xx). */
  delivered: 'NotificationDelivered',
  /** A notification could not be delivered: refused, gone, or retries exhausted. */
  failed: 'NotificationFailed',
  /** A department did not answer within its confirmation timeout. */
  expired: 'NotificationExpired',
  /** Seconds from the first successful delivery to the department's answer. */
  timeToConfirmation: 'TimeToConfirmation',
  /** A department's endpoint turned failing (CONTRACT section 9); alarmed. */
  endpointFailing: 'EndpointFailing',
  /** A failing endpoint answered again. */
  endpointHealthy: 'EndpointHealthy',
  /** A department's endpoint answered 410 and was disabled; alarmed. */
  endpointDisabled: 'EndpointDisabled',
  /** A request answered 500: a fault of ours, counted from the logs by a metric filter. */
  unexpectedErrors: 'UnexpectedErrors',
} as const;

/** The log message of every 500 an API handler answers; the UnexpectedErrors metric filter matches it. */
export const UNEXPECTED_ERROR_MESSAGE = 'Unexpected error answered 500';
