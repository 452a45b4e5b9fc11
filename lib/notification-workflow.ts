import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildNotificationWorkflowDefinition } from './notification-workflow-definition';
import { ServiceFunction } from './service-function';
import type { ServiceTable } from './service-table';

export interface NotificationWorkflowProps {
  readonly table: ServiceTable;
  readonly environment: Record<string, string>;
  readonly encryptionKey: kms.IKey;
  /**
   * How many deliveries may run at once, across all submissions: it bounds the load the service
   * can put on departments' endpoints, whatever the number of submissions in flight.
   */
  readonly deliveryConcurrency: number;
  /** A verified SES sender for the completion email; none means no email is sent. */
  readonly notifyFromAddress?: string;
}

/** The Standard state machine that tells each chosen department and tracks its answer, with its Lambdas. */
export class NotificationWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Every Lambda of the workflow, for monitoring. */
  readonly functions: ServiceFunction[] = [];
  /** The step that calls departments: its concurrency is reserved and its throttles watched. */
  readonly deliveryFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: NotificationWorkflowProps) {
    super(scope, id);
    const step = (name: string, entry: string, description: string, timeout = Duration.seconds(10), reservedConcurrentExecutions?: number) => {
      const fn = new ServiceFunction(this, name, {
        entry, description, environment: props.environment, timeout, encryptionKey: props.encryptionKey, reservedConcurrentExecutions,
      });
      props.table.grantItemAccess(fn);
      this.functions.push(fn);
      return fn;
    };
    const functions = {
      prepareNotifications: step('PrepareNotificationsFunction', 'lambdas/workflow/prepare-notifications.ts', 'Lists the notifications of a submission for the workflow'),
      // 15 s response timeout for the department plus room for storage writes.
      deliverNotification: step('DeliverNotificationFunction', 'lambdas/workflow/deliver-notification.ts', 'Sends one signed notification to a department', Duration.seconds(30), props.deliveryConcurrency),
      awaitConfirmation: step('AwaitConfirmationFunction', 'lambdas/workflow/await-confirmation.ts', 'Parks the workflow until the department answers'),
      expireNotification: step('ExpireNotificationFunction', 'lambdas/workflow/expire-notification.ts', 'Marks a notification whose department did not answer in time'),
      finaliseSubmission: step('FinaliseSubmissionFunction', 'lambdas/workflow/finalise-submission.ts', 'Sets the final status of a submission and tells the citizen'),
    };
    if (props.notifyFromAddress) {
      functions.finaliseSubmission.addEnvironment('CITIZEN_NOTIFIER', 'ses');
      functions.finaliseSubmission.addEnvironment('NOTIFY_FROM_ADDRESS', props.notifyFromAddress);
      functions.finaliseSubmission.addToRolePolicy(new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: props.notifyFromAddress.split('@')[1] ?? props.notifyFromAddress })],
      }));
    }

    this.deliveryFunction = functions.deliverNotification;

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(buildNotificationWorkflowDefinition(this, functions)),
      tracingEnabled: true,
      // Execution history and state (ids only, never personal data) encrypted with the service key.
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.encryptionKey),
      logs: {
        destination: new logs.LogGroup(this, 'ExecutionLogs', { retention: logs.RetentionDays.THREE_MONTHS, encryptionKey: props.encryptionKey }),
        // Every state transition is logged for operators; the states' data is not.
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    const stack = Stack.of(this);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery and related) support no resource-level permissions, so AWS requires Resource "*".',
      },
      ...Object.values(functions).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'Lets the workflow invoke the versions and aliases of its own step function; the wildcard is the qualifier only.',
      })),
    );
  }

  /** Where departments answer: the confirmation URL in every notification starts with it. */
  usePublicBaseUrl(url: string): void {
    for (const fn of this.functions) fn.addEnvironment('PUBLIC_BASE_URL', url);
  }
}
