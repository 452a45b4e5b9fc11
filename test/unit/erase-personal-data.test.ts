import { answerNotification } from '../../lambdas/application/answer-notification';
import { correctSubmission } from '../../lambdas/application/correct-submission';
import { eraseDuePersonalData, erasePersonalData } from '../../lambdas/application/erase-personal-data';
import { withdrawSubmission } from '../../lambdas/application/withdraw-submission';
import type { CitizenNotifier } from '../../lambdas/notifier/citizen-notifier';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

const HOUR = 3600_000;

describe('erasing personal data (in memory)', () => {
  it("erases the report, fingerprints, withdrawal reason and the departments' text; keeps statuses, dates and field names", async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']), 'report-fingerprint');
    const [dvla] = notifications;
    await s.deliverByPush(dvla.id);
    // The answer's trail entry is held with the notification (written with the answer itself).
    await answerNotification({ ...s.deps, resumeWorkflow: async () => undefined }, 'dvla', dvla.id, {
      outcome: 'CONFIRMED',
      departmentReference: 'DVLA-123 Ada',
    });
    expect((await s.audit.list(submission.id)).find((e) => e.type === 'CONFIRMED')).toMatchObject({
      departmentReference: 'DVLA-123 Ada',
      actor: 'department:dvla',
    });
    await correctSubmission(s.deps, 'citizen-1', submission.id, 'fix', { movedOn: '2026-11-19' }, 'correction-fingerprint');
    await withdrawSubmission(s.deps, 'citizen-1', submission.id, 'I made it up');
    const forgotten: string[] = [];
    const notifier = {
      forget: async (id: string) => {
        forgotten.push(id);
      },
    } as unknown as CitizenNotifier;

    s.advance(HOUR);
    await erasePersonalData({ ...s.deps, notifier }, submission.id, 'citizen', 'Asked by the citizen');

    expect(await s.submissions.getPersonalData(submission.id)).toBeUndefined();
    const erased = await s.submission(submission.id);
    expect(erased).toMatchObject({ erasedAt: s.now().toISOString(), withdrawnAt: expect.any(String) });
    expect(erased.fingerprint).toBeUndefined();
    expect(erased.withdrawalReason).toBeUndefined();
    const corrections = await Promise.all([
      s.submissions.getCorrection(
        submission.id,
        (await s.audit.list(submission.id)).find((e) => e.type === 'CORRECTED')!.key.split('#')[1],
      ),
    ]);
    expect(corrections[0]).toMatchObject({ changed: ['movedOn'] });
    expect(corrections[0]?.fingerprint).toBeUndefined();
    const answered = await s.notifications.get(dvla.id);
    expect(answered).toMatchObject({ status: 'CONFIRMED', respondedAt: expect.any(String), deliveredAt: expect.any(String) });
    expect(answered?.departmentReference).toBeUndefined();
    const trail = await s.audit.list(submission.id);
    expect(trail.find((e) => e.type === 'CONFIRMED')).not.toHaveProperty('departmentReference');
    expect(trail.find((e) => e.type === 'CORRECTED')).toMatchObject({ fields: ['movedOn'] });
    expect(trail.at(-1)).toMatchObject({ type: 'PERSONAL_DATA_ERASED', actor: 'citizen', detail: 'Asked by the citizen' });
    expect(forgotten).toEqual([submission.id]);
  });

  it('records the erasure once however often it runs', async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const { submission } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    await erasePersonalData(s.deps, submission.id, 'citizen', 'Asked');
    s.advance(HOUR);
    await erasePersonalData(s.deps, submission.id, 'service', 'The retention period ended');

    expect((await s.audit.list(submission.id)).filter((e) => e.type === 'PERSONAL_DATA_ERASED').map((e) => e.actor)).toEqual(['citizen']);
  });

  it('the sweep erases every submission whose retention ended, in batches, and nothing not yet due', async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const ids: string[] = [];
    for (const key of ['a', 'b', 'c', 'later']) ids.push((await s.submit('citizen-1', key, changeOfAddress(['dvla']))).submission.id);
    for (const [i, id] of ids.entries())
      await s.submissions.scheduleErasure(id, new Date(s.now().getTime() + (i === 3 ? 48 : i + 1) * HOUR));
    s.advance(24 * HOUR);

    expect(await eraseDuePersonalData(s.deps, 2)).toBe(3);
    for (const id of ids.slice(0, 3)) expect(await s.submissions.getPersonalData(id)).toBeUndefined();
    expect(await s.submissions.getPersonalData(ids[3])).toBeDefined();
    expect(await eraseDuePersonalData(s.deps, 2)).toBe(0);
  });

  it('a correction cancels a scheduled erasure (the submission is in progress again)', async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const { submission } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    await s.submissions.scheduleErasure(submission.id, new Date(s.now().getTime() + HOUR));
    await correctSubmission(s.deps, 'citizen-1', submission.id, 'fix', { movedOn: '2026-11-19' }, 'fp');
    s.advance(2 * HOUR);

    expect(await eraseDuePersonalData(s.deps)).toBe(0);
    expect((await s.submissions.getPersonalData(submission.id))?.change.movedOn).toBe('2026-11-19');
  });
});
