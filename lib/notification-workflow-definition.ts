import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** The Lambdas the workflow calls, one per step. */
export interface NotificationWorkflowFunctions {
  readonly prepareNotifications: lambda.IFunction;
  readonly deliverNotification: lambda.IFunction;
  readonly awaitConfirmation: lambda.IFunction;
  readonly expireNotification: lambda.IFunction;
  readonly finaliseSubmission: lambda.IFunction;
}

/** Errors of the Lambda service itself (throttling, cold-start faults) that are always worth retrying. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * A step whose handler failed (for example storage briefly unavailable) is retried with backoff;
 * the handlers are idempotent, so running one again is safe.
 */
function retryTransientFailures(task: sfn.TaskStateBase): void {
  task.addRetry({
    errors: [...LAMBDA_SERVICE_ERRORS, sfn.Errors.TASKS_FAILED],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

function invoke(scope: Construct, id: string, fn: lambda.IFunction, payload: sfn.TaskInput | undefined, props: Partial<tasks.LambdaInvokeProps> = {}) {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    ...props,
  });
  retryTransientFailures(task);
  return task;
}

/**
 * The notification workflow, one execution per submission:
 *
 *   PrepareNotifications -> NotifyDepartments (Map, one iteration per chosen department:
 *     DeliverNotification -> AfterDelivery -> [WaitBeforeRetry -> DeliverNotification]
 *                                          -> AwaitConfirmation (task token, department timeout) -> [ExpireNotification]
 *                                          -> NotificationSettled)
 *   -> FinaliseSubmission
 *
 * Delivery retries are a Wait on a timestamp the delivery step computes (backoff with jitter,
 * Retry-After, scaled by TUO_TIME_SCALE on one machine), not a Retry field, so each attempt's
 * outcome is recorded and the schedule can span days.
 * Personal data never enters the execution's state: steps pass ids and read the table.
 */
export function buildNotificationWorkflowDefinition(scope: Construct, fns: NotificationWorkflowFunctions): sfn.IChainable {
  // The execution's input as it is: `{submissionId}`, or `{submissionId, notificationIds}` for a redelivery.
  const prepare = invoke(scope, 'PrepareNotifications', fns.prepareNotifications, undefined);

  // Each iteration's state is `{Payload: {submissionId, notificationId, timeoutSeconds}}`: the same
  // path then names the timeout in the state input (where AWS reads TimeoutSecondsPath) and in the
  // task's parameters (where aws-local-stepfunctions reads it), so one definition runs in both.
  const deliver = invoke(scope, 'DeliverNotification', fns.deliverNotification, sfn.TaskInput.fromObject({
    submissionId: sfn.JsonPath.stringAt('$.Payload.submissionId'),
    notificationId: sfn.JsonPath.stringAt('$.Payload.notificationId'),
  }), { resultPath: '$.delivery' });

  const waitBeforeRetry = new sfn.Wait(scope, 'WaitBeforeRetry', {
    time: sfn.WaitTime.timestampPath('$.delivery.retryAt'),
  });

  const awaitConfirmation = new tasks.LambdaInvoke(scope, 'AwaitConfirmation', {
    lambdaFunction: fns.awaitConfirmation,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    // The token stays inside the service: the handler stores it; departments only ever see the notification id.
    payload: sfn.TaskInput.fromObject({
      notificationId: sfn.JsonPath.stringAt('$.Payload.notificationId'),
      taskToken: sfn.JsonPath.taskToken,
      timeoutSeconds: sfn.JsonPath.numberAt('$.Payload.timeoutSeconds'),
    }),
    taskTimeout: sfn.Timeout.at('$.Payload.timeoutSeconds'),
    resultPath: sfn.JsonPath.DISCARD,
    retryOnServiceExceptions: false,
  });
  awaitConfirmation.addRetry({
    errors: LAMBDA_SERVICE_ERRORS,
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: sfn.JitterType.FULL,
  });

  const expire = invoke(scope, 'ExpireNotification', fns.expireNotification, sfn.TaskInput.fromObject({
    notificationId: sfn.JsonPath.stringAt('$.Payload.notificationId'),
  }), { resultPath: sfn.JsonPath.DISCARD });
  awaitConfirmation.addCatch(expire, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });

  const settled = new sfn.Succeed(scope, 'NotificationSettled');

  const afterDelivery = new sfn.Choice(scope, 'AfterDelivery')
    .when(sfn.Condition.stringEquals('$.delivery.next', 'RETRY'), waitBeforeRetry.next(deliver))
    .when(sfn.Condition.stringEquals('$.delivery.next', 'AWAIT'), awaitConfirmation)
    .otherwise(settled);

  const notifyDepartments = new sfn.Map(scope, 'NotifyDepartments', {
    itemsPath: '$.notifications',
    itemSelector: {
      Payload: {
        submissionId: sfn.JsonPath.stringAt('$.submissionId'),
        notificationId: sfn.JsonPath.stringAt('$$.Map.Item.Value.notificationId'),
        timeoutSeconds: sfn.JsonPath.numberAt('$$.Map.Item.Value.confirmationTimeoutSeconds'),
      },
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  notifyDepartments.itemProcessor(deliver.next(afterDelivery));

  const finalise = invoke(scope, 'FinaliseSubmission', fns.finaliseSubmission, sfn.TaskInput.fromObject({
    submissionId: sfn.JsonPath.stringAt('$.submissionId'),
  }));

  return prepare.next(notifyDepartments).next(finalise);
}
