import type { AuditEvent } from '../domain/audit-event';
import { completionMessage } from '../domain/completion-message';
import { aggregateSubmissionStatus, type SubmissionStatus } from '../domain/notification-status';
import type { CitizenNotifier } from '../notifier/citizen-notifier';
import type { NotificationRecord } from '../domain/notification';
import type { FinaliseSnapshot } from '../store/finalise-snapshot';
import type { ServiceRepositories } from '../store/service-repositories';

export interface FinaliseDependencies extends Pick<
  ServiceRepositories,
  'submissions' | 'notifications' | 'departments' | 'finaliseSnapshots'
> {
  readonly notifier?: CitizenNotifier;
  readonly retentionSeconds: number;
  readonly now: () => Date;
  /** Called once per round when the submission becomes final (e.g. to record confirmation times). */
  readonly onFinal?: (notifications: NotificationRecord[]) => void;
}

/** The notifications the workflow run carried (its input): read with the submission, not after it. */
export type CarriedNotifications = readonly { readonly notificationId: string; readonly departmentId: string }[];

/**
 * The submission takes the status its notifications add up to. When that is final (for the first
 * time in this round), the trail records it, the citizen is told, and the erasure of their
 * personal data is scheduled. A redelivery, correction or withdrawal later opens a new round.
 */
export async function finaliseSubmission(
  deps: FinaliseDependencies,
  submissionId: string,
  carried: CarriedNotifications = [],
): Promise<SubmissionStatus> {
  const read = await readSubmission(deps, submissionId, carried);
  const { submission, notifications } = read;
  if (!submission) throw new Error(`Submission ${submissionId} does not exist`);
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
  // The round is claimed once, by the conditional write of its entry: only the claimer goes on.
  const claimed = await deps.submissions.claimFinalRound(submissionId, {
    submissionId,
    key: `FINAL#${round}`,
    at: now.toISOString(),
    type: status,
    actor: 'service',
  });
  const trail: AuditEvent[] = [];
  if (claimed) {
    deps.onFinal?.(notifications);
    await deps.submissions.scheduleErasure(submissionId, new Date(now.getTime() + deps.retentionSeconds * 1000));
    if (await notifyCitizen(deps, read, status)) {
      trail.push({
        submissionId,
        key: `NOTIFIED#${round}`,
        at: deps.now().toISOString(),
        type: 'CITIZEN_NOTIFIED',
        actor: 'service',
        detail: 'Sent the outcome to the email address given',
      });
    }
  }
  // Last: once the citizen sees the final status, everything that goes with it has been done. The
  // same write records that the citizen was told. Not over notifications a correction or withdrawal
  // added since they were read: their run finalises.
  await deps.submissions.setStatus(submission.id, status, now, submission.notificationIds.length, trail);
  return status;
}

/** Everything at once where the store can (DynamoDB: one BatchGetItem); otherwise item by item. */
async function readSubmission(deps: FinaliseDependencies, submissionId: string, carried: CarriedNotifications): Promise<FinaliseSnapshot> {
  if (deps.finaliseSnapshots) return deps.finaliseSnapshots.read({ submissionId, carried });
  const submission = await deps.submissions.get(submissionId);
  if (!submission) return { notifications: [], departments: [] };
  return {
    submission,
    personalData: await deps.submissions.getPersonalData(submissionId),
    notifications: await deps.notifications.getMany(submission.notificationIds),
    departments: [],
  };
}

/** True when the citizen was sent the outcome (they gave an email address, and there is a notifier). */
async function notifyCitizen(deps: FinaliseDependencies, read: FinaliseSnapshot, status: SubmissionStatus): Promise<boolean> {
  const email = read.personalData?.change.person.email;
  if (!deps.notifier || !email || !read.submission) return false;
  const names = new Map(read.departments.map((d) => [d.id, d.name]));
  const unread = [...new Set(read.notifications.map((n) => n.departmentId))].filter((id) => !names.has(id));
  if (unread.length > 0) for (const d of await deps.departments.getMany(unread)) names.set(d.id, d.name);
  const departments = read.notifications.map((n) => ({
    name: names.get(n.departmentId) ?? n.departmentId,
    status: n.status,
    departmentReference: n.departmentReference,
    reason: n.reason,
  }));
  await deps.notifier.send(email, completionMessage({ reference: read.submission.reference, status, departments }), read.submission.id);
  return true;
}
