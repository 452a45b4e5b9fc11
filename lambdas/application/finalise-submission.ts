import { completionMessage } from '../domain/completion-message';
import { aggregateSubmissionStatus, type SubmissionStatus } from '../domain/notification-status';
import type { CitizenNotifier } from '../notifier/citizen-notifier';
import type { NotificationRecord } from '../domain/notification';
import type { ServiceRepositories } from '../store/service-repositories';

export interface FinaliseDependencies extends Pick<ServiceRepositories, 'submissions' | 'notifications' | 'departments' | 'audit'> {
  readonly notifier?: CitizenNotifier;
  readonly retentionSeconds: number;
  readonly now: () => Date;
  /** Called once per round when the submission becomes final (e.g. to record confirmation times). */
  readonly onFinal?: (notifications: NotificationRecord[]) => void;
}

/**
 * The submission takes the status its notifications add up to. When that is final (for the first
 * time in this round), the trail records it, the citizen is told, and the erasure of their
 * personal data is scheduled. A redelivery, correction or withdrawal later opens a new round.
 */
export async function finaliseSubmission(deps: FinaliseDependencies, submissionId: string): Promise<SubmissionStatus> {
  const submission = await deps.submissions.get(submissionId);
  if (!submission) throw new Error(`Submission ${submissionId} does not exist`);
  const notifications = await deps.notifications.getMany(submission.notificationIds);
  const status = aggregateSubmissionStatus(notifications);
  const now = deps.now();
  // Another round is still under way. Whatever reopened the submission (a redelivery, a feed read of
  // a FAILED one, a correction or withdrawal) set IN_PROGRESS itself; writing it again here could
  // undo the final status a later run wrote meanwhile (a pull department's collected run).
  if (status === 'IN_PROGRESS') return status;

  // Each redelivery, each FAILED notification later collected from the feed, and each notification a
  // correction or withdrawal adds, makes a new round.
  const round =
    notifications.reduce((sum, n) => sum + (n.redeliveries ?? 0) + (n.collectedAfterFailure ? 1 : 0), 0) +
    notifications.filter((n) => (n.kind ?? 'change') !== 'change').length;
  const recorded = await deps.audit.record({
    submissionId,
    key: `FINAL#${round}`,
    at: now.toISOString(),
    type: status,
    actor: 'service',
  });
  if (recorded === 'recorded') {
    deps.onFinal?.(notifications);
    await deps.submissions.scheduleErasure(submissionId, new Date(now.getTime() + deps.retentionSeconds * 1000));
    await notifyCitizen(deps, submission.reference, submissionId, status, notifications, round);
  }
  // Last: once the citizen sees the final status, everything that goes with it has been done.
  // Not over notifications a correction or withdrawal added since they were read: their run finalises.
  await deps.submissions.setStatus(submission.id, status, now, submission.notificationIds.length);
  return status;
}

async function notifyCitizen(
  deps: FinaliseDependencies,
  reference: string,
  submissionId: string,
  status: SubmissionStatus,
  notifications: NotificationRecord[],
  round: number,
): Promise<void> {
  const personalData = await deps.submissions.getPersonalData(submissionId);
  const email = personalData?.change.person.email;
  if (!deps.notifier || !email) return;
  const names = new Map((await deps.departments.getMany(notifications.map((n) => n.departmentId))).map((d) => [d.id, d.name]));
  const departments = notifications.map((n) => ({
    name: names.get(n.departmentId) ?? n.departmentId,
    status: n.status,
    departmentReference: n.departmentReference,
    reason: n.reason,
  }));
  await deps.notifier.send(email, completionMessage({ reference, status, departments }), submissionId);
  await deps.audit.record({
    submissionId,
    key: `NOTIFIED#${round}`,
    at: deps.now().toISOString(),
    type: 'CITIZEN_NOTIFIED',
    actor: 'service',
    detail: 'Sent the outcome to the email address given',
  });
}
