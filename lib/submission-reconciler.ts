import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../lambdas/function-declarations';
import { grantDeclaredAccess } from './function-access';
import { ServiceFunction, type ServiceSettingValues } from './service-function';
import type { ServiceTable } from './service-table';

export interface SubmissionReconcilerProps {
  readonly table: ServiceTable;
  readonly encryptionKey: kms.IKey;
  readonly stateMachine: sfn.IStateMachine;
  readonly settings: ServiceSettingValues;
}

/**
 * Gives every submission not yet final a running workflow again: an execution that failed, timed
 * out or was aborted is followed by a fresh one under a deterministic name (`<submissionId>-resume-<n>`);
 * the steps are idempotent, so only what is missing runs. Two triggers on AWS: the execution's
 * status-change event (EventBridge, at once, for that one submission), and a slow sweep of the
 * stale submissions only, for what no event announces (an execution never started, an event lost).
 * The one-machine runtime plays both rules, and runs the function once at start-up too.
 */
export class SubmissionReconciler extends Construct {
  constructor(scope: Construct, id: string, props: SubmissionReconcilerProps) {
    super(scope, id);
    const fn = new ServiceFunction(this, 'ReconcileSubmissionsFunction', {
      declaration: FUNCTIONS.reconcileSubmissions,
      settings: { ...props.settings, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      // A sweep at 100,000 open submissions takes minutes (docs/performance.md).
      timeout: Duration.minutes(15),
      encryptionKey: props.encryptionKey,
    });
    grantDeclaredAccess(fn, { table: props.table, encryptionKey: props.encryptionKey, stateMachine: props.stateMachine });
    new events.Rule(this, 'StaleSubmissionSweep', {
      schedule: events.Schedule.rate(Duration.hours(6)),
      targets: [new targets.LambdaFunction(fn)],
    });
    new events.Rule(this, 'ExecutionEndedEarly', {
      description: 'An execution of the notification workflow failed, timed out or was aborted: resume its submission',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
      // EventBridge retries handing it over; Lambda then retries a function error twice; the sweep catches the rest.
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(2) })],
    });
  }
}
