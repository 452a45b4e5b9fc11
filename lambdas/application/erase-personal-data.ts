import type { CitizenNotifier } from '../notifier/citizen-notifier';
import type { ServiceRepositories } from '../store/service-repositories';

type Dependencies = Pick<ServiceRepositories, 'submissions' | 'audit'> & {
  readonly now: () => Date;
  /** The citizen notifier, to erase the copies of messages it kept (the outbox on one machine). */
  readonly notifier?: CitizenNotifier;
};

/** Erases one submission's personal data, keeping the anonymised trail (field names, never values). */
export async function erasePersonalData(deps: Dependencies, submissionId: string, actor: 'citizen' | 'service', why: string): Promise<void> {
  const now = deps.now();
  // Before the table: if this fails, the sweeper or the citizen tries again while the data is still there.
  await deps.notifier?.forget(submissionId);
  if (await deps.submissions.erasePersonalData(submissionId, now)) {
    await deps.audit.record({ submissionId, key: 'ERASED', at: now.toISOString(), type: 'PERSONAL_DATA_ERASED', actor, detail: why });
  }
}

/**
 * Erases every submission whose retention period has ended. On AWS it runs on a schedule (and
 * DynamoDB's TTL is the backstop); on one machine, where dynalite has no TTL, a timer runs it.
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
