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
 * Every five minutes, gives every submission not yet final a running workflow again: an execution
 * that failed, timed out or was aborted is followed by a fresh one under a deterministic name
 * (`<submissionId>-resume-<n>`); the steps are idempotent, so only what is missing runs. The
 * one-machine runtime runs the same function at start-up and on the same schedule.
 */
export class SubmissionReconciler extends Construct {
  constructor(scope: Construct, id: string, props: SubmissionReconcilerProps) {
    super(scope, id);
    const fn = new ServiceFunction(this, 'ReconcileSubmissionsFunction', {
      declaration: FUNCTIONS.reconcileSubmissions,
      settings: { ...props.settings, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      timeout: Duration.minutes(5),
      encryptionKey: props.encryptionKey,
    });
    grantDeclaredAccess(fn, { table: props.table, encryptionKey: props.encryptionKey, stateMachine: props.stateMachine });
    new events.Rule(this, 'EveryFiveMinutes', {
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(fn)],
    });
  }
}
