import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_SERVICE_NAME } from './metric-names';

/**
 * X-Ray tracing (the functions run with active tracing). Powertools captures outgoing HTTP
 * (fetch included: the webhook deliveries) and, through `traced`, the AWS SDK clients. Outside
 * Lambda (tests, one machine) it is off by itself. Annotations hold ids only.
 */
export const tracer = new Tracer({ serviceName: METRICS_SERVICE_NAME });

/** An AWS SDK v3 client whose calls appear as subsegments of the function's trace. */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
