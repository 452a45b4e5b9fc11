import { correctSubmission } from '../../lambdas/application/correct-submission';
import { erasePersonalData } from '../../lambdas/application/erase-personal-data';
import { withdrawSubmission } from '../../lambdas/application/withdraw-submission';
import type { CorrectionRequest } from '../../lambdas/domain/correction-request';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

const newAddress = { line1: '3 Right Road', town: 'York', postcode: 'YO1 7HH' };

describe('correcting a submission (in memory)', () => {
  async function submitted() {
    const s = inMemoryService();
    await s.addDepartment('dvla', { fields: ['person.givenName', 'newAddress'] });
    await s.addDepartment('hmrc', { fields: ['person.givenName', 'movedOn'] });
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));
    const correct = (request: CorrectionRequest, key = 'fix-1', fingerprint = `fp-${key}`, citizen = 'citizen-1') =>
      correctSubmission(s.deps, citizen, submission.id, key, request, fingerprint);
    return { s, submission, notifications, correct };
  }

  it("before any delivery: replaces the citizen's data (sent with the first delivery) and tells nobody separately", async () => {
    const { s, submission, correct } = await submitted();
    s.advance(1000);
    const outcome = await correct({ newAddress });

    expect(outcome).toMatchObject({ kind: 'accepted', correction: { changed: ['newAddress'], notificationIds: [] }, notifications: [] });
    expect((await s.submissions.getPersonalData(submission.id))?.change.newAddress).toEqual(newAddress);
    expect((await s.audit.list(submission.id)).at(-1)).toMatchObject({
      type: 'CORRECTED',
      fields: ['newAddress'],
      detail: 'No department already told was entitled to what changed',
    });
    expect((await s.submission(submission.id)).notificationIds).toHaveLength(2);
  });

  it('after delivery: tells each department already delivered to, only about the changed fields it may see', async () => {
    const { s, submission, notifications, correct } = await submitted();
    const [dvla, hmrc] = notifications;
    await s.deliverByPush(dvla.id);
    await s.deliverByPush(hmrc.id);
    await s.submissions.setStatus(submission.id, 'COMPLETED', s.now());

    const outcome = await correct({ newAddress, movedOn: '2026-11-21' });
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
    expect(outcome.correction.changed).toEqual(['newAddress', 'movedOn']);
    expect(outcome.notifications.map((n) => [n.departmentId, n.kind, n.corrects, n.changed, n.status])).toEqual([
      ['dvla', 'correction', dvla.id, ['newAddress'], 'PENDING'],
      ['hmrc', 'correction', hmrc.id, ['movedOn'], 'PENDING'],
    ]);
    // The consent is that of the change it corrects.
    expect(outcome.notifications[0].entitledFields).toEqual(dvla.entitledFields);
    // The submission carries them and is in progress again; each has a run of its own.
    const after = await s.submission(submission.id);
    expect(after).toMatchObject({ status: 'IN_PROGRESS', notificationIds: [dvla.id, hmrc.id, ...outcome.notifications.map((n) => n.id)] });
    expect(after.finalisedAt).toBeUndefined();
    expect([...s.started.keys()]).toEqual([submission.id, ...outcome.notifications.map((n) => n.id)]);
  });

  it('tells nobody whose fields were narrowed since, so they no longer see what changed', async () => {
    const { s, notifications, correct } = await submitted();
    await s.deliverByPush(notifications[0].id);
    const dvla = (await s.departments.get('dvla'))!;
    await s.departments.replaceConfiguration('dvla', { ...dvla, fields: ['person.givenName'] }, s.now());

    expect(await correct({ newAddress })).toMatchObject({ kind: 'accepted', notifications: [] });
  });

  it('answers a retry with the same key and body the same, without new notifications, and a different body under it key-reused', async () => {
    const { s, submission, notifications, correct } = await submitted();
    await s.deliverByPush(notifications[0].id);
    const first = await correct({ newAddress });
    const again = await correct({ newAddress });
    if (first.kind !== 'accepted' || again.kind !== 'accepted') throw new Error('not accepted');
    expect(again.correction).toEqual({ ...first.correction, appliedAt: expect.any(String) });
    expect(again.notifications).toEqual(first.notifications);
    expect((await s.submission(submission.id)).notificationIds).toHaveLength(3);

    expect(await correct({ movedOn: '2026-11-01' }, 'fix-1', 'another body')).toMatchObject({ kind: 'key-reused' });
    expect((await s.submissions.getPersonalData(submission.id))?.change.movedOn).toBe('2026-11-20');
  });

  it('does not apply a retried correction again over a later one', async () => {
    const { s, submission, correct } = await submitted();
    await correct({ newAddress }, 'fix-1');
    const later = { line1: '4 Later Lane', town: 'York', postcode: 'YO1 7HH' };
    await correct({ newAddress: later }, 'fix-2');
    await correct({ newAddress }, 'fix-1'); // The first one's response was lost; the client retries.

    expect((await s.submissions.getPersonalData(submission.id))?.change.newAddress).toEqual(later);
  });

  it('checks the rule across parts on the data as corrected (422 naming movedOn)', async () => {
    const { s, submission, correct } = await submitted();
    expect(await correct({ movedOn: '1980-01-01' })).toEqual({
      kind: 'invalid',
      errors: [{ pointer: '/movedOn', detail: 'The date you moved must be on or after your date of birth.' }],
    });
    expect((await s.submissions.getPersonalData(submission.id))?.change.movedOn).toBe('2026-11-20');
  });

  it('is 404 for another citizen, and 409 once withdrawn or erased', async () => {
    const { s, submission, correct } = await submitted();
    expect(await correct({ newAddress }, 'fix-1', 'fp', 'citizen-2')).toEqual({ kind: 'not-found' });

    await withdrawSubmission(s.deps, 'citizen-1', submission.id, undefined);
    expect(await correct({ newAddress })).toMatchObject({ kind: 'conflict', detail: expect.stringContaining('withdrew') });

    await erasePersonalData(s.deps, submission.id, 'citizen', 'Asked');
    expect(await correct({ newAddress })).toMatchObject({ kind: 'conflict', detail: expect.stringContaining('erased') });
  });
});
