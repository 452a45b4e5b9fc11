import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { serviceLogGroup } from './service-log-group';
import { FUNCTIONS, type FunctionDeclaration } from '../lambdas/function-declarations';
import { grantDeclaredAccess } from './function-access';
import { buildNotificationWorkflowDefinition } from './notification-workflow-definition';
import { ServiceFunction, type ServiceSettingValues } from './service-function';
import type { ServiceTable } from './service-table';

export interface NotificationWorkflowProps {
  readonly table: ServiceTable;
  readonly settings: ServiceSettingValues;
  readonly encryptionKey: kms.IKey;
  /**
   * How many deliveries may run at once, across all submissions: it bounds the load the service
   * can put on departments' endpoints, whatever the number of submissions in flight.
   */
  readonly deliveryConcurrency: number;
  /** A verified SES sender for the completion email; none means no email is sent. */
  readonly notifyFromAddress?: string;
}

/** The state machine's name: the stack's name, so two stacks in one account never collide. */
export const notificationWorkflowName = (stack: Stack) => `${stack.stackName}-notifications`;

/** The Standard state machine that tells each chosen department and tracks its answer, with its Lambdas. */
export class NotificationWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Every Lambda of the workflow, for monitoring. */
  readonly functions: ServiceFunction[] = [];
  /** The step that calls departments: its concurrency is reserved and its throttles watched. */
  readonly deliveryFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: NotificationWorkflowProps) {
    super(scope, id);
    const citizenEmailSenderArn = props.notifyFromAddress
      ? Stack.of(this).formatArn({
          service: 'ses',
          resource: 'identity',
          resourceName: props.notifyFromAddress.split('@')[1] ?? props.notifyFromAddress,
        })
      : undefined;
    const settings: ServiceSettingValues = {
      ...props.settings,
      ...(props.notifyFromAddress ? { CITIZEN_NOTIFIER: 'ses', NOTIFY_FROM_ADDRESS: props.notifyFromAddress } : {}),
    };
    // The state machine by its name, not by reference: its definition refers to the steps, so a
    // step's grant on it (DeliverAndAwait resumes it) must not refer back to it.
    const byName = sfn.StateMachine.fromStateMachineName(this, 'ByName', notificationWorkflowName(Stack.of(this)));
    const step = (
      name: string,
      declaration: FunctionDeclaration,
      timeout = Duration.seconds(10),
      reservedConcurrentExecutions?: number,
    ) => {
      const fn = new ServiceFunction(this, name, {
        declaration,
        settings,
        timeout,
        encryptionKey: props.encryptionKey,
        reservedConcurrentExecutions,
      });
      grantDeclaredAccess(fn, { table: props.table, encryptionKey: props.encryptionKey, citizenEmailSenderArn, stateMachine: byName });
      this.functions.push(fn);
      return fn;
    };
    const functions = {
      // 15 s response timeout for the department plus room for storage writes.
      deliverNotification: step(
        'DeliverNotificationFunction',
        FUNCTIONS.deliverNotification,
        Duration.seconds(30),
        props.deliveryConcurrency,
      ),
      expireNotification: step('ExpireNotificationFunction', FUNCTIONS.expireNotification),
      finaliseSubmission: step('FinaliseSubmissionFunction', FUNCTIONS.finaliseSubmission),
    };

    this.deliveryFunction = functions.deliverNotification;

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      // Named: CDK conditions the role's use of the key on the encryption context
      // `aws:states:stateMachineArn`, built from this name; unnamed, the condition names no state
      // machine and no execution could start (test/workflow/aws-permissions.test.ts).
      stateMachineName: notificationWorkflowName(Stack.of(this)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(buildNotificationWorkflowDefinition(this, functions)),
      tracingEnabled: true,
      // Execution history and state (ids only, never personal data) encrypted with the service key.
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.encryptionKey),
      logs: {
        destination: serviceLogGroup(this, 'ExecutionLogs', props.encryptionKey),
        // Every state transition is logged for operators; the states' data is not.
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    const stack = Stack.of(this);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery and related) support no resource-level permissions, so AWS requires Resource "*".',
      },
      ...Object.values(functions).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'Lets the workflow invoke the versions and aliases of its own step function; the wildcard is the qualifier only.',
      })),
    );
  }

  /** Where departments answer: the confirmation URL in every notification starts with it. */
  usePublicBaseUrl(url: string): void {
    for (const fn of this.functions) fn.useSettings({ PUBLIC_BASE_URL: url });
  }
}
