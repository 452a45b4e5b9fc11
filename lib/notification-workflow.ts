import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildNotificationWorkflowDefinition } from './notification-workflow-definition';
import { ServiceFunction } from './service-function';

export interface NotificationWorkflowProps {
  readonly table: dynamodb.ITable;
  readonly environment: Record<string, string>;
  /** A verified SES sender for the completion email; none means no email is sent. */
  readonly notifyFromAddress?: string;
}

/** The Standard state machine that tells each chosen department and tracks its answer, with its Lambdas. */
export class NotificationWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  private readonly functions: ServiceFunction[] = [];

  constructor(scope: Construct, id: string, props: NotificationWorkflowProps) {
    super(scope, id);
    const step = (name: string, entry: string, description: string, timeout = Duration.seconds(10)) => {
      const fn = new ServiceFunction(this, name, { entry, description, environment: props.environment, timeout });
      props.table.grantReadWriteData(fn);
      this.functions.push(fn);
      return fn;
    };
    const functions = {
      prepareNotifications: step('PrepareNotificationsFunction', 'lambdas/workflow/prepare-notifications.ts', 'Lists the notifications of a submission for the workflow'),
      // 15 s response timeout for the department plus room for storage writes.
      deliverNotification: step('DeliverNotificationFunction', 'lambdas/workflow/deliver-notification.ts', 'Sends one signed notification to a department', Duration.seconds(30)),
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

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(buildNotificationWorkflowDefinition(this, functions)),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'ExecutionLogs', { retention: logs.RetentionDays.THREE_MONTHS }),
        level: sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
  }

  /** Where departments answer: the confirmation URL in every notification starts with it. */
  usePublicBaseUrl(url: string): void {
    for (const fn of this.functions) fn.addEnvironment('PUBLIC_BASE_URL', url);
  }
}
