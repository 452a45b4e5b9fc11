import type { AuditEvent } from '../domain/audit-event';
import { judgeAttempt, type AttemptResult } from '../domain/delivery-outcome';
import { planNextAttempt, RETRY_WINDOW_MS } from '../domain/delivery-retry-schedule';
import { isActiveDepartment } from '../domain/department-configuration';
import {
  crossesFailingThreshold,
  holdUntil,
  latestRetryWhileFailing,
  PROBE_INTERVAL_MS,
  type EndpointHealth,
} from '../domain/endpoint-health';
import { fieldsToServe } from '../domain/entitlement';
import { subjectOf } from '../domain/notification-event';
import { checkWebhookTarget, type WebhookTargetPolicy } from '../domain/webhook-target-policy';
import type { DeliverySnapshot, DeliverySnapshotReader } from '../store/delivery-snapshot';
import type { DepartmentRepository } from '../store/department-repository';
import type { EndpointRepository } from '../store/endpoint-repository';
import type { NotificationRepository } from '../store/notification-repository';
import type { OperatorEventLog } from '../store/operator-event-log';
import { activeSigningSecrets, type DepartmentRecord } from '../domain/department';
import type { NotificationRecord } from '../domain/notification';
import type { SubmissionRepository } from '../store/submission-repository';
import { recordDelivered } from './record-delivery';
import { notificationBody } from '../domain/notification-payload';
import type { OutcomeMetrics } from '../observability/outcome-metrics';
import { LOST_RACE, notSettled, retryAfterLostRace, type LostRace } from '../domain/lost-race';

/**
 * What the workflow does next with this notification. A retry either backs off on the workflow's
 * own schedule (`backoff`: the attempt failed and the department named no time) or waits until
 * `retryAt` (a Retry-After, a hold for the endpoint's next probe, a later send slot); `retryAt` is
 * also the schedule's own choice, used if the workflow's retries run out before the window ends.
 */
export type DeliveryStep =
  { next: 'AWAIT'; tokenKept?: boolean } | { next: 'DONE' } | { next: 'RETRY'; retryAt: string; backoff?: boolean };

/** A rate-limited send waits inside the step up to this long; longer, the workflow's Wait does it. */
const MAX_WAIT_IN_STEP_MS = 3_000;
/** A send this much past its reserved time takes a new one (see SEND_WINDOW_MS for the margin it fits in). */
const SLOT_LATENESS_MS = 50;

export interface DeliveryDependencies {
  readonly departments: DepartmentRepository;
  readonly submissions: SubmissionRepository;
  readonly notifications: NotificationRepository;
  readonly endpoints: EndpointRepository;
  readonly operatorEvents: OperatorEventLog;
  readonly metrics?: OutcomeMetrics;
  /** Reads a delivery's items in one request when the department is known beforehand. */
  readonly deliverySnapshots?: DeliverySnapshotReader;
  readonly send: (
    url: string,
    body: string,
    webhookId: string,
    secrets: readonly string[],
    now: Date,
    policy: WebhookTargetPolicy,
  ) => Promise<AttemptResult>;
  readonly now: () => Date;
  readonly random: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly settings: { publicBaseUrl: string; timeScale: number; allowLoopbackWebhooks: boolean; allowPrivateWebhooks: boolean };
}

/**
 * One delivery attempt of one notification: the first half of the deliver-and-await use case
 * (deliver-and-await.ts, its only caller, keeps the task token or ends the task). Safe to run again at any point (after a crash, a
 * retry of the step): a notification already delivered or answered is not sent again.
 * A pull department's notification is left for its feed; a push to a failing endpoint is held
 * without an attempt unless it is the probe; sends keep to the department's rate limit.
 */
export async function deliverToDepartment(
  deps: DeliveryDependencies,
  submissionId: string,
  notificationId: string,
  departmentId?: string,
  /** The waiting workflow's token: kept with the attempt (one write), so an answer from then on resumes it. */
  taskToken?: string,
): Promise<DeliveryStep> {
  // Lost only when the notification left PENDING meanwhile (a feed read delivered it, or it was
  // withdrawn): the second round settles it. Exhausted, the step fails and the workflow retries it.
  return retryAfterLostRace(() => deliverOnce(deps, submissionId, notificationId, departmentId, taskToken), {
    rounds: 3,
    exhausted: notSettled(`Delivery of notification ${notificationId}`),
  });
}

async function deliverOnce(
  deps: DeliveryDependencies,
  submissionId: string,
  notificationId: string,
  departmentId: string | undefined,
  taskToken: string | undefined,
): Promise<DeliveryStep | LostRace> {
  // The workflow names the department: everything is read at once (DynamoDB: one BatchGetItem).
  let snapshot: DeliverySnapshot | undefined =
    departmentId && deps.deliverySnapshots ? await deps.deliverySnapshots.read({ submissionId, notificationId, departmentId }) : undefined;
  const notification = snapshot ? snapshot.notification : await deps.notifications.get(notificationId);
  if (!notification) throw new Error(`Notification ${notificationId} does not exist`);
  if (snapshot && notification.departmentId !== departmentId) snapshot = undefined; // Not the department it was read with.
  switch (notification.status) {
    case 'DELIVERED':
      return { next: notification.confirmationRequired ? 'AWAIT' : 'DONE' };
    case 'PENDING':
      break;
    default:
      return { next: 'DONE' }; // Answered, failed, expired or withdrawn: nothing more to send.
  }

  const [personalData, department, submission] = snapshot
    ? [snapshot.personalData, snapshot.department, snapshot.submission]
    : await Promise.all([
        deps.submissions.getPersonalData(submissionId),
        deps.departments.get(notification.departmentId),
        deps.submissions.get(submissionId),
      ]);
  if (!submission) throw new Error(`Submission ${submissionId} does not exist`);
  const subject = subjectOf(notification);
  // A withdrawal notice carries no personal data, so it can go even once that is erased.
  if (!personalData && subject.kind !== 'withdrawal') return fail(deps, notification, "The citizen's data has been erased");
  if (!department || !isActiveDepartment(department)) return fail(deps, notification, 'The department is not accepting notifications');
  if (department.delivery === 'pull' || !department.webhookUrl) {
    // Nothing to push: the department collects it from its feed, which starts the wait for its answer.
    if (await deps.notifications.markAwaitingCollection(notificationId, deps.now())) return { next: 'DONE' };
    // A feed read delivered it since it was read here (so started no run of its own), or it was
    // withdrawn: judge it again, as it now is (delivered: this run waits for the answer).
    return LOST_RACE;
  }
  const policy: WebhookTargetPolicy = {
    allowLoopbackHttp: deps.settings.allowLoopbackWebhooks,
    allowPrivateTargets: deps.settings.allowPrivateWebhooks,
  };
  const target = checkWebhookTarget(department.webhookUrl, policy);
  if (!target.ok) return fail(deps, notification, `Refused to send: ${target.reason}`);

  const health = snapshot ? snapshot.endpoint : await deps.endpoints.get(department.id);
  if (health.status === 'failing') {
    const probeAt = deps.now();
    const isProbe = await deps.endpoints.claimProbe(
      department.id,
      probeAt,
      new Date(probeAt.getTime() + PROBE_INTERVAL_MS * deps.settings.timeScale),
    );
    if (!isProbe) return hold(deps, notification, health);
  }
  const slot = department.rateLimitPerSecond
    ? await deps.endpoints.reserveSendSlot(department.id, department.rateLimitPerSecond, deps.now(), MAX_WAIT_IN_STEP_MS)
    : undefined;
  if (slot?.kind === 'later') return { next: 'RETRY', retryAt: new Date(slot.at).toISOString() };

  const started = await deps.notifications.recordAttemptStarted(notificationId, deps.now(), taskToken);
  if (!started) return { next: 'DONE' }; // Withdrawn since it was read: never sent.
  if (slot && department.rateLimitPerSecond) await keepSendSlot(deps, department.id, department.rateLimitPerSecond, slot.at);
  const now = deps.now();
  const body = notificationBody({
    notification: started,
    submission,
    personalData,
    department,
    publicBaseUrl: deps.settings.publicBaseUrl,
    now,
  });
  const secrets = activeSigningSecrets(department.signingSecrets, now).map((s) => s.secret);
  const result = await deps.send(department.webhookUrl, body, notificationId, secrets, now, policy);
  const verdict = judgeAttempt(result, deps.now());
  // The attempt's entry goes with the write that records its outcome (no write of its own).
  const sent: AuditEvent = {
    submissionId,
    key: `${notificationId}#SENT#${started.attempts}`,
    at: now.toISOString(),
    type: 'SENT',
    actor: 'service',
    departmentId: department.id,
    notificationId,
    kind: subject.kind,
    attempt: started.attempts,
    fields: subject.kind === 'withdrawal' ? [] : fieldsToServe(notification.entitledFields, department.fields),
    outcome: verdict.kind === 'delivered' ? 'delivered' : verdict.error,
  };
  // Any answer but a retryable one shows the endpoint is up; a 410 disables it below.
  const healthAfter = verdict.kind === 'retry' ? await recordEndpointFailure(deps, department, verdict.error) : undefined;
  if (
    verdict.kind !== 'retry' &&
    result.kind === 'response' &&
    verdict.kind !== 'gone' &&
    (health.status === 'failing' || health.consecutiveFailures > 0)
  ) {
    await recordEndpointSuccess(deps, department);
  }

  switch (verdict.kind) {
    case 'delivered': {
      const { notification: delivered } = await recordDelivered(deps, started, 'push', deps.now(), undefined, [sent]);
      // An answer given inside the department's webhook handler has already settled it.
      return delivered.status === 'DELIVERED' && delivered.confirmationRequired
        ? taskToken === undefined
          ? { next: 'AWAIT' }
          : { next: 'AWAIT', tokenKept: true }
        : { next: 'DONE' };
    }
    case 'gone': {
      const at = deps.now();
      await deps.departments.disable(department.id, verdict.error, at);
      deps.metrics?.endpointHealthChanged(department.id, 'disabled');
      await deps.operatorEvents.record({
        key: `endpoint.disabled#${department.id}#${notificationId}#${started.attempts}`,
        at: at.toISOString(),
        type: 'endpoint.disabled',
        department: department.id,
        notificationId,
        detail: verdict.error,
      });
      return fail(deps, started, verdict.error, sent);
    }
    case 'failed':
      return fail(deps, started, verdict.error, sent);
    case 'retry': {
      const plan = planNextAttempt({
        failedAttempts: started.attempts,
        firstAttemptAt: new Date(started.firstAttemptAt ?? now.toISOString()),
        now: deps.now(),
        timeScale: deps.settings.timeScale,
        random: deps.random,
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
      if (!plan.retry) return fail(deps, started, `${verdict.error}; gave up after ${started.attempts} attempts`, sent);
      await deps.notifications.recordAttemptError(notificationId, verdict.error, deps.now(), [sent]);
      // The endpoint is in trouble: wait no longer than its next probe, at a time this step names.
      const cap = healthAfter && latestRetryWhileFailing(healthAfter, deps.now(), deps.settings.timeScale, deps.random);
      if (cap) return { next: 'RETRY', retryAt: (cap < plan.retryAt ? cap : plan.retryAt).toISOString() };
      return { next: 'RETRY', retryAt: plan.retryAt.toISOString(), backoff: verdict.retryAfterSeconds === undefined };
    }
  }
}

/**
 * Waits for the reserved send time, just before sending. Woken too late (a busy machine), the
 * slot may no longer keep the spacing, so it takes a fresh one: a slot given up only leaves the
 * department fewer sends, never more.
 */
async function keepSendSlot(deps: DeliveryDependencies, departmentId: string, limit: number, at: number): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const wait = at - Date.now();
    if (wait > 0) await (deps.sleep ?? sleep)(wait);
    if (Date.now() - at <= SLOT_LATENESS_MS) return;
    const fresh = await deps.endpoints.reserveSendSlot(departmentId, limit, deps.now(), MAX_WAIT_IN_STEP_MS * 3);
    at = fresh.at;
    if (fresh.kind === 'later') await (deps.sleep ?? sleep)(Math.max(0, at - Date.now()));
  }
}

/**
 * The endpoint is failing and this is not the probe: no attempt. The notification waits for the
 * next probe (or briefly, for the result of one under way) while its retry window runs; once the
 * window has ended it FAILS, and stays in the feed.
 */
async function hold(deps: DeliveryDependencies, notification: NotificationRecord, health: EndpointHealth): Promise<DeliveryStep> {
  const now = deps.now();
  const held = await deps.notifications.recordHeld(
    notification.id,
    `Waiting: the department's endpoint is failing (${health.lastError ?? 'no answer'})`,
    now,
  );
  const windowEnds = Date.parse(held.firstAttemptAt ?? now.toISOString()) + RETRY_WINDOW_MS * deps.settings.timeScale;
  if (now.getTime() >= windowEnds) {
    return fail(deps, held, `The department's endpoint was failing for the whole retry window (${health.lastError ?? 'no answer'})`);
  }
  const until = Math.min(holdUntil(health, now, deps.settings.timeScale, deps.random).getTime(), windowEnds);
  return { next: 'RETRY', retryAt: new Date(until).toISOString() };
}

/** Counts a retryable failure; returns the endpoint's health after it. */
async function recordEndpointFailure(deps: DeliveryDependencies, department: DepartmentRecord, error: string): Promise<EndpointHealth> {
  const now = deps.now();
  const health = await deps.endpoints.recordFailure(department.id, error, now);
  if (!crossesFailingThreshold(health, now, deps.settings.timeScale)) return health;
  const nextProbeAt = new Date(now.getTime() + PROBE_INTERVAL_MS * deps.settings.timeScale);
  if (await deps.endpoints.markFailing(department.id, now, nextProbeAt)) {
    deps.metrics?.endpointHealthChanged(department.id, 'failing');
    await deps.operatorEvents.record({
      key: `endpoint.failing#${department.id}#${now.toISOString()}`,
      at: now.toISOString(),
      type: 'endpoint.failing',
      department: department.id,
      detail: `${health.consecutiveFailures} consecutive failed attempts since ${health.failingFrom}; last: ${error}`,
    });
  }
  return { ...health, status: 'failing', nextProbeAt: nextProbeAt.toISOString() };
}

async function recordEndpointSuccess(deps: DeliveryDependencies, department: DepartmentRecord): Promise<void> {
  const now = deps.now();
  if (await deps.endpoints.recordSuccess(department.id, now)) {
    deps.metrics?.endpointHealthChanged(department.id, 'healthy');
    await deps.operatorEvents.record({
      key: `endpoint.healthy#${department.id}#${now.toISOString()}`,
      at: now.toISOString(),
      type: 'endpoint.healthy',
      department: department.id,
      detail: 'The endpoint answered again; notifications held for it are being sent',
    });
  }
}

/** PENDING -> FAILED with its trail entry (and the attempt's, `sent`) in the same write; `sent` alone if it had moved on. */
async function fail(deps: DeliveryDependencies, notification: NotificationRecord, error: string, sent?: AuditEvent): Promise<DeliveryStep> {
  const at = deps.now();
  const failed: AuditEvent = {
    submissionId: notification.submissionId,
    key: `${notification.id}#FAILED#${notification.redeliveries ?? 0}`,
    at: at.toISOString(),
    type: 'FAILED',
    actor: 'service',
    departmentId: notification.departmentId,
    notificationId: notification.id,
    detail: error,
  };
  if (!(await deps.notifications.markFailed(notification, error, at, sent ? [sent, failed] : [failed]))) {
    if (sent) await deps.notifications.recordTrail(notification.id, [sent]);
  } else {
    deps.metrics?.failed(notification.departmentId);
    await deps.operatorEvents.record({
      key: `notification.failed#${notification.id}#${notification.redeliveries ?? 0}`,
      at: at.toISOString(),
      type: 'notification.failed',
      department: notification.departmentId,
      notificationId: notification.id,
      detail: error,
    });
  }
  return { next: 'DONE' };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
