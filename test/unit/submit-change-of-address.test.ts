import { submitChangeOfAddress } from '../../lambdas/application/submit-change-of-address';
import { erasePersonalData } from '../../lambdas/application/erase-personal-data';
import { notificationIdFor, submissionIdFor } from '../../lambdas/domain/identifiers';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('submitting a change of address (in memory)', () => {
  async function service() {
    const s = inMemoryService();
    await s.addDepartment('dvla', { fields: ['person.givenName', 'newAddress'], confirmation: { required: true, timeoutSeconds: 7200 } });
    await s.addDepartment('hmrc', {
      fields: ['person.nationalInsuranceNumber', 'newAddress', 'movedOn'],
      confirmation: { required: false, timeoutSeconds: 60 },
    });
    return s;
  }

  it('stores the report, one PENDING notification per chosen department, the first trail entry, and starts its workflow', async () => {
    const s = await service();
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));

    expect(submission).toMatchObject({
      id: submissionIdFor('citizen-1', 'key-1'),
      status: 'IN_PROGRESS',
      citizenId: 'citizen-1',
      type: 'address.changed',
    });
    expect(submission.reference).toMatch(/^TUO-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(notifications.map((n) => [n.departmentId, n.status, n.attempts])).toEqual([
      ['dvla', 'PENDING', 0],
      ['hmrc', 'PENDING', 0],
    ]);
    expect(await s.notifications.getMany(submission.notificationIds)).toEqual(notifications);
    // The personal data is kept apart, without the routing (type, departments).
    const stored = await s.submissions.getPersonalData(submission.id);
    const { type: _type, departments: _departments, ...change } = changeOfAddress(['dvla', 'hmrc']);
    expect(stored?.change).toEqual(change);
    expect((await s.audit.list(submission.id)).map((e) => [e.type, e.detail])).toEqual([['SUBMITTED', 'Asked to tell: dvla, hmrc']]);
    expect([...s.started.keys()]).toEqual([submission.id]);
    expect((await s.submissions.listInProgress()).map((x) => x.id)).toEqual([submission.id]);
  });

  it("snapshots each department's fields and confirmation settings as the citizen's consent", async () => {
    const s = await service();
    const { notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));
    // The department widens its fields afterwards: the stored consent does not change.
    await s.departments.replaceConfiguration(
      'dvla',
      { ...(await s.departments.get('dvla'))!, fields: ['person.givenName', 'newAddress', 'person.email'] },
      s.now(),
    );

    const [dvla, hmrc] = await s.notifications.getMany(notifications.map((n) => n.id));
    expect(dvla).toMatchObject({
      entitledFields: ['person.givenName', 'newAddress'],
      confirmationRequired: true,
      confirmationTimeoutSeconds: 7200,
    });
    expect(hmrc).toMatchObject({
      entitledFields: ['person.nationalInsuranceNumber', 'newAddress', 'movedOn'],
      confirmationRequired: false,
      confirmationTimeoutSeconds: 60,
    });
  });

  it('answers a retry with the same key and body with the same submission, creating nothing new', async () => {
    const s = await service();
    const first = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));
    s.advance(60_000);
    const again = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));

    expect(again.submission).toEqual(first.submission);
    expect(again.notifications).toEqual(first.notifications);
    expect(await s.audit.list(first.submission.id)).toHaveLength(1);
    expect(s.started.size).toBe(1);
  });

  it('refuses the same key with a different body (key-reused) and leaves the first submission as it was', async () => {
    const s = await service();
    const first = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']), 'fingerprint-a');
    const outcome = await submitChangeOfAddress(
      { ...s.deps, startWorkflow: async () => undefined },
      'citizen-1',
      'key-1',
      changeOfAddress(['dvla', 'hmrc']),
      'fingerprint-b',
    );

    expect(outcome).toMatchObject({ kind: 'key-reused' });
    expect(await s.submission(first.submission.id)).toEqual(first.submission);
    expect(await s.notifications.get(notificationIdFor(first.submission.id, 'hmrc'))).toBeUndefined();
  });

  it('gives another citizen using the same key a submission of their own', async () => {
    const s = await service();
    const mine = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    const theirs = await s.submit('citizen-2', 'key-1', changeOfAddress(['dvla']));
    expect(theirs.submission.id).not.toBe(mine.submission.id);
    expect(theirs.submission.citizenId).toBe('citizen-2');
  });

  it('names every department that cannot be told (unknown, disabled, suspended, not taking the event) and stores nothing', async () => {
    const s = await service();
    await s.addDepartment('gone', { active: false, disabledAt: s.now().toISOString(), disabledReason: '410' });
    await s.addDepartment('paused', { suspended: true });
    await s.addDepartment('other', { events: [] as unknown as ['address.changed'] });
    const outcome = await submitChangeOfAddress(
      { ...s.deps, startWorkflow: async () => undefined },
      'citizen-1',
      'key-1',
      changeOfAddress(['dvla', 'nobody', 'gone', 'paused', 'other']),
      'fp',
    );

    expect(outcome).toEqual({
      kind: 'invalid',
      errors: [
        { pointer: '/departments/1', detail: 'There is no active department "nobody".' },
        { pointer: '/departments/2', detail: 'There is no active department "gone".' },
        { pointer: '/departments/3', detail: 'There is no active department "paused".' },
        { pointer: '/departments/4', detail: 'Department other does not take address.changed notifications.' },
      ],
    });
    const id = submissionIdFor('citizen-1', 'key-1');
    expect(await s.submissions.get(id)).toBeUndefined();
    expect(await s.submissions.getPersonalData(id)).toBeUndefined();
    expect(await s.notifications.get(notificationIdFor(id, 'dvla'))).toBeUndefined();
  });

  it('finishes, on a retry, a request that stopped before the submission was written (nothing acknowledged was lost)', async () => {
    const s = await service();
    jest.spyOn(s.submissions, 'create').mockRejectedValueOnce(new Error('storage unavailable'));
    await expect(
      submitChangeOfAddress({ ...s.deps, startWorkflow: async () => undefined }, 'citizen-1', 'key-1', changeOfAddress(['dvla']), 'fp'),
    ).rejects.toThrow('storage unavailable');
    const id = submissionIdFor('citizen-1', 'key-1');
    expect(await s.submissions.get(id)).toBeUndefined(); // Not acknowledged: the citizen was told nothing was accepted.

    const retried = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']), 'fp');
    expect(retried.submission.id).toBe(id);
    expect(retried.notifications).toHaveLength(1);
    expect([...s.started.keys()]).toEqual([id]);
  });

  it('keeps the first trail entry of a submission acknowledged just before a crash, and a retry writes none again', async () => {
    const s = await service();
    // The process dies just after the submission's write: nothing after it runs.
    const create = s.submissions.create.bind(s.submissions);
    jest.spyOn(s.submissions, 'create').mockImplementationOnce(async (...args) => {
      await create(...args);
      throw new Error('crashed');
    });
    await expect(s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']), 'fp')).rejects.toThrow('crashed');
    const id = submissionIdFor('citizen-1', 'key-1');
    expect((await s.audit.list(id)).map((e) => [e.type, e.actor, e.detail])).toEqual([
      ['SUBMITTED', 'citizen', 'Asked to tell: dvla, hmrc'],
    ]);

    const record = jest.spyOn(s.audit, 'record');
    await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']), 'fp');
    expect(record).not.toHaveBeenCalled();
    expect((await s.audit.list(id)).map((e) => e.type)).toEqual(['SUBMITTED']);
    expect([...s.started.keys()]).toEqual([id]);
  });

  it('answers a replay of the key after erasure with the same final submission, without starting anything', async () => {
    const s = await service();
    const { submission } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']), 'fingerprint-a');
    await s.submissions.setStatus(submission.id, 'COMPLETED', s.now());
    await erasePersonalData(s.deps, submission.id, 'citizen', 'Asked by the citizen');
    s.started.clear();

    // The fingerprint went with the data: any body under that key now answers the erased submission.
    const outcome = await submitChangeOfAddress(s.deps, 'citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']), 'fingerprint-b');
    expect(outcome).toMatchObject({ kind: 'accepted', submission: { id: submission.id, status: 'COMPLETED' } });
    expect(s.started.size).toBe(0);
  });
});
