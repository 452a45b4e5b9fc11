import { judgeAttempt, type AttemptResult } from '../domain/delivery-outcome';
import { planNextAttempt } from '../domain/delivery-retry-schedule';
import { buildNotificationEvent, type NotificationEvent } from '../domain/notification-event';
import { checkWebhookTarget } from '../domain/webhook-target-policy';
import type { DepartmentRepository } from '../store/department-repository';
import type { NotificationRepository } from '../store/notification-repository';
import type { SubmissionRepository } from '../store/submission-repository';
import { activeSigningSecrets } from './register-department';

/** What the workflow does next with this notification. */
export type DeliveryStep = { next: 'AWAIT' | 'DONE' } | { next: 'RETRY'; retryAt: string };

export interface DeliveryDependencies {
  readonly departments: DepartmentRepository;
  readonly submissions: SubmissionRepository;
  readonly notifications: NotificationRepository;
  readonly send: (url: string, event: NotificationEvent, webhookId: string, secrets: readonly string[], now: Date) => Promise<AttemptResult>;
  readonly now: () => Date;
  readonly random: () => number;
  readonly settings: { publicBaseUrl: string; timeScale: number; allowLoopbackWebhooks: boolean; allowPrivateWebhooks: boolean };
}

/**
 * One delivery attempt of one notification. Safe to run again at any point (after a crash, a
 * retry of the step): a notification already delivered or answered is not sent again.
 */
export async function deliverToDepartment(deps: DeliveryDependencies, submissionId: string, notificationId: string): Promise<DeliveryStep> {
  const notification = await deps.notifications.get(notificationId);
  if (!notification) throw new Error(`Notification ${notificationId} does not exist`);
  switch (notification.status) {
    case 'DELIVERED': return { next: notification.confirmationRequired ? 'AWAIT' : 'DONE' };
    case 'PENDING': break;
    default: return { next: 'DONE' }; // Answered, failed or expired: nothing more to send.
  }

  const [submission, department] = await Promise.all([
    deps.submissions.get(submissionId),
    deps.departments.get(notification.departmentId),
  ]);
  if (!submission) throw new Error(`Submission ${submissionId} does not exist`);
  if (!department || !department.active) {
    await deps.notifications.markFailed(notificationId, 'The department is not accepting notifications', deps.now());
    return { next: 'DONE' };
  }
  const target = checkWebhookTarget(department.webhookUrl, {
    allowLoopbackHttp: deps.settings.allowLoopbackWebhooks,
    allowPrivateTargets: deps.settings.allowPrivateWebhooks,
  });
  if (!target.ok) {
    await deps.notifications.markFailed(notificationId, `Refused to send: ${target.reason}`, deps.now());
    return { next: 'DONE' };
  }

  const started = await deps.notifications.recordAttemptStarted(notificationId, deps.now());
  const now = deps.now();
  const event = buildNotificationEvent({
    type: submission.type,
    notificationId,
    reference: submission.reference,
    confirmationUrl: `${deps.settings.publicBaseUrl}/v1/notifications/${notificationId}/confirmation`,
    change: submission.change,
    entitledFields: department.fields,
    now,
  });
  const secrets = activeSigningSecrets(department.signingSecrets, now).map((s) => s.secret);
  const verdict = judgeAttempt(await deps.send(department.webhookUrl, event, notificationId, secrets, now), deps.now());

  switch (verdict.kind) {
    case 'delivered': {
      const delivered = await deps.notifications.markDelivered(notificationId, deps.now());
      // An answer given inside the department's webhook handler has already settled it.
      return { next: delivered.status === 'DELIVERED' && delivered.confirmationRequired ? 'AWAIT' : 'DONE' };
    }
    case 'gone':
      await deps.departments.disable(department.id, verdict.error, deps.now());
      await deps.notifications.markFailed(notificationId, verdict.error, deps.now());
      return { next: 'DONE' };
    case 'failed':
      await deps.notifications.markFailed(notificationId, verdict.error, deps.now());
      return { next: 'DONE' };
    case 'retry': {
      const plan = planNextAttempt({
        failedAttempts: started.attempts,
        firstAttemptAt: new Date(started.firstAttemptAt ?? now.toISOString()),
        now: deps.now(),
        timeScale: deps.settings.timeScale,
        random: deps.random,
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
      if (!plan.retry) {
        await deps.notifications.markFailed(notificationId, `${verdict.error}; gave up after ${started.attempts} attempts`, deps.now());
        return { next: 'DONE' };
      }
      await deps.notifications.recordAttemptError(notificationId, verdict.error, deps.now());
      return { next: 'RETRY', retryAt: plan.retryAt.toISOString() };
    }
  }
}
