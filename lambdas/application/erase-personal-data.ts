import type { CitizenNotifier } from '../notifier/citizen-notifier';
import type { ServiceRepositories } from '../store/service-repositories';

type Dependencies = Pick<ServiceRepositories, 'submissions' | 'notifications' | 'audit'> & {
  readonly now: () => Date;
  /** The citizen notifier, to erase the copies of messages it kept (the outbox on one machine). */
  readonly notifier?: CitizenNotifier;
};

/**
 * Erases one submission's personal data, keeping the anonymised trail (field names, never values):
 * the report, the fingerprints of its body and corrections, the citizen's withdrawal reason, and
 * what departments wrote back about the citizen (`departmentReference`, `reason`) on each
 * notification and in the trail. Statuses and dates stay. Every step is safe to repeat.
 */
export async function erasePersonalData(
  deps: Dependencies,
  submissionId: string,
  actor: 'citizen' | 'service',
  why: string,
): Promise<void> {
  const now = deps.now();
  // Before the personal data item goes: if any of this fails, the sweeper or the citizen tries
  // again while the item (and its place in the erasure listing) is still there.
  await deps.notifier?.forget(submissionId);
  const submission = await deps.submissions.get(submissionId);
  for (const notificationId of submission?.notificationIds ?? []) await deps.notifications.eraseAnswerText(notificationId, now);
  await deps.audit.eraseFreeText(submissionId);
  if (await deps.submissions.erasePersonalData(submissionId, now)) {
    await deps.audit.record({ submissionId, key: 'ERASED', at: now.toISOString(), type: 'PERSONAL_DATA_ERASED', actor, detail: why });
  }
}

/**
 * Erases every submission whose retention period has ended, hourly (on one machine the template's
 * schedule runs as a timer). DynamoDB's TTL deletes the personal data item a day later should this
 * fail, on AWS and, played by the local runtime, on one machine.
 */
export async function eraseDuePersonalData(deps: Dependencies, batchSize = 100): Promise<number> {
  let erased = 0;
  for (;;) {
    const due = await deps.submissions.listErasureDue(deps.now(), batchSize);
    for (const submissionId of due) {
      await erasePersonalData(deps, submissionId, 'service', 'The retention period ended');
      erased++;
    }
    if (due.length < batchSize) return erased;
  }
}
