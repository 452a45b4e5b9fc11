import { judgeAttempt, type AttemptResult } from '../domain/delivery-outcome';
import { planNextAttempt } from '../domain/delivery-retry-schedule';
import { renderForDepartment } from '../domain/department-adapter';
import { isActiveDepartment } from '../domain/department-configuration';
import { fieldsToServe } from '../domain/entitlement';
import { buildNotificationEvent } from '../domain/notification-event';
import { checkWebhookTarget, type WebhookTargetPolicy } from '../domain/webhook-target-policy';
import type { AuditTrail } from '../store/audit-trail';
import type { DepartmentRepository } from '../store/department-repository';
import type { NotificationRepository } from '../store/notification-repository';
import type { NotificationRecord } from '../store/records';
import type { SubmissionRepository } from '../store/submission-repository';
import { activeSigningSecrets } from './register-department';

/** What the workflow does next with this notification. */
export type DeliveryStep = { next: 'AWAIT' | 'DONE' } | { next: 'RETRY'; retryAt: string };

export interface DeliveryDependencies {
  readonly departments: DepartmentRepository;
  readonly submissions: SubmissionRepository;
  readonly notifications: NotificationRepository;
  readonly audit: AuditTrail;
  readonly send: (url: string, body: string, webhookId: string, secrets: readonly string[], now: Date, policy: WebhookTargetPolicy) => Promise<AttemptResult>;
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

  const [personalData, department, submission] = await Promise.all([
    deps.submissions.getPersonalData(submissionId),
    deps.departments.get(notification.departmentId),
    deps.submissions.get(submissionId),
  ]);
  if (!submission) throw new Error(`Submission ${submissionId} does not exist`);
  if (!personalData) return fail(deps, notification, 'The citizen\'s data has been erased');
  if (!department || !isActiveDepartment(department)) return fail(deps, notification, 'The department is not accepting notifications');
  const policy: WebhookTargetPolicy = {
    allowLoopbackHttp: deps.settings.allowLoopbackWebhooks,
    allowPrivateTargets: deps.settings.allowPrivateWebhooks,
  };
  const target = checkWebhookTarget(department.webhookUrl, policy);
  if (!target.ok) return fail(deps, notification, `Refused to send: ${target.reason}`);

  const started = await deps.notifications.recordAttemptStarted(notificationId, deps.now());
  const now = deps.now();
  const event = buildNotificationEvent({
    type: submission.type,
    notificationId,
    reference: submission.reference,
    confirmationUrl: `${deps.settings.publicBaseUrl}/v1/notifications/${notificationId}/confirmation`,
    change: personalData.change,
    consentedFields: notification.entitledFields,
    currentFields: department.fields,
    now,
  });
  const secrets = activeSigningSecrets(department.signingSecrets, now).map((s) => s.secret);
  // The department's adapter shapes the request; the event it starts from holds only entitled fields.
  const body = renderForDepartment(event, department.adapter);
  const verdict = judgeAttempt(await deps.send(department.webhookUrl, body, notificationId, secrets, now, policy), deps.now());
  await deps.audit.record({
    submissionId,
    key: `${notificationId}#SENT#${started.attempts}`,
    at: now.toISOString(),
    type: 'SENT',
    actor: 'service',
    departmentId: department.id,
    notificationId,
    attempt: started.attempts,
    fields: fieldsToServe(notification.entitledFields, department.fields),
    outcome: verdict.kind === 'delivered' ? 'delivered' : verdict.error,
  });

  switch (verdict.kind) {
    case 'delivered': {
      const delivered = await deps.notifications.markDelivered(started, deps.now());
      // An answer given inside the department's webhook handler has already settled it.
      return { next: delivered.status === 'DELIVERED' && delivered.confirmationRequired ? 'AWAIT' : 'DONE' };
    }
    case 'gone':
      await deps.departments.disable(department.id, verdict.error, deps.now());
      return fail(deps, started, verdict.error);
    case 'failed':
      return fail(deps, started, verdict.error);
    case 'retry': {
      const plan = planNextAttempt({
        failedAttempts: started.attempts,
        firstAttemptAt: new Date(started.firstAttemptAt ?? now.toISOString()),
        now: deps.now(),
        timeScale: deps.settings.timeScale,
        random: deps.random,
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
      if (!plan.retry) return fail(deps, started, `${verdict.error}; gave up after ${started.attempts} attempts`);
      await deps.notifications.recordAttemptError(notificationId, verdict.error, deps.now());
      return { next: 'RETRY', retryAt: plan.retryAt.toISOString() };
    }
  }
}

async function fail(deps: DeliveryDependencies, notification: NotificationRecord, error: string): Promise<DeliveryStep> {
  if (await deps.notifications.markFailed(notification, error, deps.now())) {
    await deps.audit.record({
      submissionId: notification.submissionId,
      key: `${notification.id}#FAILED#${notification.redeliveries ?? 0}`,
      at: deps.now().toISOString(),
      type: 'FAILED',
      actor: 'service',
      departmentId: notification.departmentId,
      notificationId: notification.id,
      detail: error,
    });
  }
  return { next: 'DONE' };
}
