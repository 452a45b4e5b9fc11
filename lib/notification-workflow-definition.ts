import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DELIVERY_ERRORS } from '../lambdas/domain/delivery-retry-schedule';

/** The Lambdas the workflow calls. */
export interface NotificationWorkflowFunctions {
  /** DeliverAndAwait: delivers, then waits for the department's answer under a task token. */
  readonly deliverNotification: lambda.IFunction;
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

const { retry: DELIVERY_RETRY_ERROR, deferred: DELIVERY_DEFERRED_ERROR } = DELIVERY_ERRORS;

/**
 * The delivery schedule (CONTRACT section 6), as Step Functions plays it: before retry n (from 0),
 * a uniform draw (full jitter) below min(5 s × 4^n, 24 h). The delivery step decides when to give
 * up (at least 8 attempts and at least 72 hours after the first), so MaxAttempts only has to be
 * large enough that the draws almost always span 72 hours: 20 retries add up to 159 hours on
 * average (standard deviation 25 hours), under 72 hours about 2 times in 10,000. Should they
 * all be spent first, the task's Catch waits until the time the step's own schedule chose and
 * enters the task again, with fresh retries: the window is always honoured, and the last wait is
 * at most 24 hours. The schedule then ends at most 96 hours after the first attempt.
 */
export const DELIVERY_RETRY = {
  interval: Duration.seconds(5),
  backoffRate: 4,
  maxDelay: Duration.hours(24),
  maxAttempts: 20,
} as const;

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

function invoke(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  payload: sfn.TaskInput | undefined,
  props: Partial<tasks.LambdaInvokeProps> = {},
) {
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
 * The notification workflow, one execution per submission (or per redelivery, collection,
 * correction or withdrawal notice, restricted to its notifications):
 *
 *   NotifyDepartments (Map over the execution input's notifications, one iteration per department:
 *     DeliverAndAwait (.waitForTaskToken: deliver, then wait for the answer; department timeout)
 *       Retry  TellUsOnce.DeliveryRetry: backoff with full jitter, capped at 24 h
 *       Catch  TellUsOnce.DeliveryDeferred (or retries spent) -> WaitBeforeRetry (until the cause's time) -> DeliverAndAwait
 *       Catch  States.Timeout -> ExpireNotification -> AfterExpiry -> [DeliverAndAwait | NotificationSettled])
 *   -> FinaliseSubmission
 *
 * On the happy path that is D + 2 state transitions for D departments. The execution input
 * carries the notifications (ids and timeouts) written by whoever starts it, so no step lists
 * them; personal data never enters the execution's state.
 */
export function buildNotificationWorkflowDefinition(scope: Construct, fns: NotificationWorkflowFunctions): sfn.IChainable {
  // Each iteration's state is `{Payload: {submissionId, notificationId, departmentId, timeoutSeconds}}`: the same
  // path then names the timeout in the state input (where AWS reads TimeoutSecondsPath) and in the
  // task's parameters (where aws-local-stepfunctions reads it), so one definition runs in both.
  const deliverAndAwait = new tasks.LambdaInvoke(scope, 'DeliverAndAwait', {
    lambdaFunction: fns.deliverNotification,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    // The token stays inside the service: the handler stores it; departments only ever see the notification id.
    payload: sfn.TaskInput.fromObject({
      submissionId: sfn.JsonPath.stringAt('$.Payload.submissionId'),
      notificationId: sfn.JsonPath.stringAt('$.Payload.notificationId'),
      departmentId: sfn.JsonPath.stringAt('$.Payload.departmentId'),
      taskToken: sfn.JsonPath.taskToken,
      timeoutSeconds: sfn.JsonPath.numberAt('$.Payload.timeoutSeconds'),
    }),
    // The department's timeout (less what was already waited, in a resumed run): each attempt
    // delivers within seconds of its start, so the wait runs from the delivery.
    taskTimeout: sfn.Timeout.at('$.Payload.timeoutSeconds'),
    resultPath: sfn.JsonPath.DISCARD,
    retryOnServiceExceptions: false,
  });
  // Retriers are matched in order, the first match only: a deferral is never retried here (the
  // Catch below waits for its time), a failed attempt backs off, anything else is transient.
  deliverAndAwait.addRetry({ errors: [DELIVERY_DEFERRED_ERROR], maxAttempts: 0 });
  deliverAndAwait.addRetry({ errors: [DELIVERY_RETRY_ERROR], ...DELIVERY_RETRY, jitterStrategy: sfn.JitterType.FULL });
  retryTransientFailures(deliverAndAwait);

  const waitBeforeRetry = new sfn.Wait(scope, 'WaitBeforeRetry', {
    time: sfn.WaitTime.timestampPath('$.retry.Cause'),
  });
  deliverAndAwait.addCatch(waitBeforeRetry.next(deliverAndAwait), {
    errors: [DELIVERY_DEFERRED_ERROR, DELIVERY_RETRY_ERROR],
    resultPath: '$.retry',
  });

  const expire = invoke(
    scope,
    'ExpireNotification',
    fns.expireNotification,
    sfn.TaskInput.fromObject({
      submissionId: sfn.JsonPath.stringAt('$.Payload.submissionId'),
      notificationId: sfn.JsonPath.stringAt('$.Payload.notificationId'),
    }),
    { resultPath: '$.expiry' },
  );
  deliverAndAwait.addCatch(expire, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
  expire.next(
    new sfn.Choice(scope, 'AfterExpiry')
      .when(sfn.Condition.booleanEquals('$.expiry.deliverAgain', true), deliverAndAwait)
      .otherwise(new sfn.Succeed(scope, 'NotificationSettled')),
  );

  const notifyDepartments = new sfn.Map(scope, 'NotifyDepartments', {
    itemsPath: '$.notifications',
    itemSelector: {
      Payload: {
        submissionId: sfn.JsonPath.stringAt('$.submissionId'),
        notificationId: sfn.JsonPath.stringAt('$$.Map.Item.Value.notificationId'),
        departmentId: sfn.JsonPath.stringAt('$$.Map.Item.Value.departmentId'),
        timeoutSeconds: sfn.JsonPath.numberAt('$$.Map.Item.Value.timeoutSeconds'),
      },
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  notifyDepartments.itemProcessor(deliverAndAwait);

  const finalise = invoke(
    scope,
    'FinaliseSubmission',
    fns.finaliseSubmission,
    // The run's notifications too: their items (and departments) are read with the submission's.
    sfn.TaskInput.fromObject({
      submissionId: sfn.JsonPath.stringAt('$.submissionId'),
      notifications: sfn.JsonPath.listAt('$.notifications'),
    }),
  );

  return notifyDepartments.next(finalise);
}
