import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function';
import type { ServiceTable } from './service-table';

export interface SubmissionReconcilerProps {
  readonly table: ServiceTable;
  readonly encryptionKey: kms.IKey;
  readonly stateMachine: sfn.IStateMachine;
  readonly environment: Record<string, string>;
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
      entry: 'lambdas/maintenance/reconcile-submissions.ts',
      description: 'Resumes the workflow of submissions whose execution ended before they were final',
      environment: { ...props.environment, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      // A sweep at 100,000 open submissions takes minutes (docs/performance.md).
      timeout: Duration.minutes(15),
      encryptionKey: props.encryptionKey,
    });
    props.table.grantItemAccess(fn);
    props.stateMachine.grantStartExecution(fn);
    props.stateMachine.grantExecution(fn, 'states:DescribeExecution');
    const stack = Stack.of(this);
    const machineLogicalId = stack.getLogicalId(props.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    // The finding names the region and account as synthesized: concrete when the environment is.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineLogicalId}"}]}]}:*]`,
      reason: 'DescribeExecution on the executions of the service\'s own state machine: execution names are made at run time, so only the name is a wildcard.',
    });
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
