import { Stack } from 'aws-cdk-lib';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';

/** The share of requests X-Ray records (docs/performance.md prices it). */
export const TRACE_SAMPLING_RATE = 0.05;

/**
 * An explicit X-Ray sampling rule for the stack's traces, instead of the account default (the
 * first request each second, then 5 %): a fixed 5 % and no reservoir, so the traces recorded, and
 * their cost, follow the traffic and nothing else.
 */
export class TraceSampling extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new xray.CfnSamplingRule(this, 'Rule', {
      samplingRule: {
        ruleName: `${Stack.of(this).stackName}`.slice(0, 32),
        priority: 100,
        fixedRate: TRACE_SAMPLING_RATE,
        reservoirSize: 0,
        serviceName: '*',
        serviceType: '*',
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: '*',
        version: 1,
      },
    });
  }
}
