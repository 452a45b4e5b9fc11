import { DELIVERY_ERRORS } from '../domain/delivery-retry-schedule';
import type { NotificationRepository } from '../store/notification-repository';
import { deliverToDepartment, type DeliveryDependencies } from './deliver-to-department';

export interface DeliverAndAwaitDependencies extends DeliveryDependencies {
  readonly notifications: NotificationRepository;
  /** Ends the waiting task with this output (SendTaskSuccess). */
  readonly resumeWorkflow: (taskToken: string, output: unknown) => Promise<void>;
  /** Ends the waiting task with a named error (SendTaskFailure). */
  readonly failTask: (taskToken: string, error: string, cause: string) => Promise<void>;
}

/**
 * The workflow's one step per department (a `.waitForTaskToken` task): delivers the notification,
 * keeping the task token with it (in the attempt's own write, or afterwards when a run finds it
 * already delivered) so that the department's answer resumes the workflow. When
 * there is nothing to wait for (no answer required, already answered, failed for good, left for a
 * pull department's feed) it resumes the task itself; a delivery to try again ends the task with
 * a named error that the task's Retry (backoff) or Catch (a Wait until a given time) handles.
 * Safe to run again at any point: a notification delivered is not sent again, and waits under
 * the fresh token.
 */
export async function deliverAndAwait(
  deps: DeliverAndAwaitDependencies,
  input: { submissionId: string; notificationId: string; departmentId?: string; taskToken: string },
): Promise<void> {
  const step = await deliverToDepartment(deps, input.submissionId, input.notificationId, input.departmentId, input.taskToken);
  if (step.next === 'RETRY') {
    await deps.failTask(input.taskToken, step.backoff ? DELIVERY_ERRORS.retry : DELIVERY_ERRORS.deferred, step.retryAt);
    return;
  }
  if (step.next === 'AWAIT') {
    // Kept with this run's attempt: an answer since then found it (and resumed the workflow).
    if (step.tokenKept) return;
    const waiting = await deps.notifications.storeTaskToken(input.notificationId, input.taskToken, deps.now());
    // An answer that arrived before the token was kept (even inside the department's webhook
    // handler) found no token to resume: resume now.
    if (waiting.status === 'DELIVERED' || waiting.status === 'PENDING') return;
    await deps.resumeWorkflow(input.taskToken, { outcome: waiting.status });
    return;
  }
  await deps.resumeWorkflow(input.taskToken, { outcome: 'SETTLED' });
}
