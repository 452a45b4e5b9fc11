import { correctSubmission } from '../../lambdas/application/correct-submission';
import { finaliseSubmission } from '../../lambdas/application/finalise-submission';
import type { CompletionMessage } from '../../lambdas/domain/completion-message';
import type { CitizenNotifier } from '../../lambdas/notifier/citizen-notifier';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

const RETENTION_SECONDS = 30 * 24 * 3600;

describe('finalising a submission (in memory)', () => {
  async function submitted(email: string | null = 'ada@example.org') {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    await s.addDepartment('hmrc', { confirmation: { required: false, timeoutSeconds: 60 } });
    const request = changeOfAddress(['dvla', 'hmrc']);
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', {
      ...request,
      person: { ...request.person, email: email ?? undefined },
    });
    const sent: { to: string; message: CompletionMessage }[] = [];
    const notifier: CitizenNotifier = {
      send: async (to, message) => {
        sent.push({ to, message });
      },
      forget: async () => undefined,
    };
    const finalise = () => finaliseSubmission({ ...s.deps, notifier, retentionSeconds: RETENTION_SECONDS }, submission.id);
    return { s, submission, dvla: notifications[0], hmrc: notifications[1], sent, finalise };
  }

  it('leaves a submission in progress while a notification is not final, changing nothing', async () => {
    const { s, submission, hmrc, sent, finalise } = await submitted();
    await s.deliverByPush(hmrc.id);
    expect(await finalise()).toBe('IN_PROGRESS');
    expect(await s.submission(submission.id)).toEqual(submission);
    expect(sent).toEqual([]);
  });

  it('COMPLETED when each is confirmed or delivered needing none: recorded, the citizen told once, erasure scheduled', async () => {
    const { s, submission, dvla, hmrc, sent, finalise } = await submitted();
    await s.deliverByPush(dvla.id);
    await s.deliverByPush(hmrc.id);
    await s.notifications.recordAnswer(
      (await s.notifications.get(dvla.id))!,
      { outcome: 'CONFIRMED', departmentReference: 'DVLA-42' },
      s.now(),
    );

    expect(await finalise()).toBe('COMPLETED');
    expect(await finalise()).toBe('COMPLETED'); // A retried step: nothing twice.
    expect(await s.submission(submission.id)).toMatchObject({ status: 'COMPLETED', finalisedAt: s.now().toISOString() });
    expect(await s.submissions.listInProgress()).toEqual([]);
    expect(sent.map((m) => m.to)).toEqual(['ada@example.org']);
    expect((await s.audit.list(submission.id)).map((e) => e.type).filter((t) => t !== 'SUBMITTED')).toEqual([
      'COMPLETED',
      'CITIZEN_NOTIFIED',
    ]);
    expect((await s.submissions.getPersonalData(submission.id))?.eraseAfter).toBe(
      new Date(s.now().getTime() + RETENTION_SECONDS * 1000).toISOString(),
    );
  });

  it('COMPLETED_WITH_ISSUES when one failed; no email when the citizen gave none', async () => {
    const { s, submission, dvla, hmrc, sent, finalise } = await submitted(null);
    await s.deliverByPush(hmrc.id);
    await s.notifications.markFailed(dvla, 'HTTP 500', s.now());

    expect(await finalise()).toBe('COMPLETED_WITH_ISSUES');
    expect(sent).toEqual([]);
    expect((await s.audit.list(submission.id)).map((e) => e.type)).not.toContain('CITIZEN_NOTIFIED');
  });

  it('does not overwrite IN_PROGRESS when a correction added a notification after the step read them', async () => {
    const { s, submission, dvla, hmrc, sent, finalise } = await submitted();
    await s.deliverByPush(dvla.id);
    await s.deliverByPush(hmrc.id);
    await s.notifications.recordAnswer((await s.notifications.get(dvla.id))!, { outcome: 'CONFIRMED' }, s.now());
    // The correction lands between the step's read of the notifications and its status write.
    const getMany = s.notifications.getMany.bind(s.notifications);
    jest.spyOn(s.notifications, 'getMany').mockImplementationOnce(async (ids) => {
      const read = await getMany(ids);
      await correctSubmission(
        s.deps,
        'citizen-1',
        submission.id,
        'fix',
        { newAddress: { line1: '3 Right Road', town: 'York', postcode: 'YO1 7HH' } },
        'fp',
      );
      return read;
    });

    expect(await finalise()).toBe('COMPLETED');
    expect(await s.submission(submission.id)).toMatchObject({
      status: 'IN_PROGRESS',
      notificationIds: expect.arrayContaining([dvla.id, hmrc.id]),
    });
    expect((await s.submission(submission.id)).notificationIds).toHaveLength(4);
    // The round was final when read: the citizen was told, and the trail says so though the status stays.
    expect(sent).toHaveLength(1);
    expect((await s.audit.list(submission.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['COMPLETED', 'CITIZEN_NOTIFIED']));
  });

  it('a crash after the citizen was told: the re-run tells no one again, and writes the final status', async () => {
    const { s, submission, dvla, hmrc, sent, finalise } = await submitted();
    await s.deliverByPush(dvla.id);
    await s.deliverByPush(hmrc.id);
    await s.notifications.recordAnswer((await s.notifications.get(dvla.id))!, { outcome: 'CONFIRMED' }, s.now());
    jest.spyOn(s.submissions, 'setStatus').mockRejectedValueOnce(new Error('crashed'));
    await expect(finalise()).rejects.toThrow('crashed');
    expect((await s.submission(submission.id)).status).toBe('IN_PROGRESS');

    expect(await finalise()).toBe('COMPLETED');
    expect(sent).toHaveLength(1);
    expect(await s.submission(submission.id)).toMatchObject({ status: 'COMPLETED' });
    // The entry that the citizen was told went with the write the crash stopped (as an entry written after the send always could).
    expect((await s.audit.list(submission.id)).map((e) => e.type).sort()).toEqual(['COMPLETED', 'SUBMITTED']);
  });

  it('a later round (a redelivery) is final again, recorded and told again', async () => {
    const { s, submission, dvla, hmrc, sent, finalise } = await submitted();
    await s.deliverByPush(hmrc.id);
    await s.notifications.markFailed(dvla, 'HTTP 500', s.now());
    expect(await finalise()).toBe('COMPLETED_WITH_ISSUES');

    const reopened = await s.notifications.reopenForRedelivery((await s.notifications.get(dvla.id))!, s.now());
    await s.submissions.setStatus(submission.id, 'IN_PROGRESS', s.now());
    await s.deliverByPush(reopened!.id);
    await s.notifications.recordAnswer((await s.notifications.get(dvla.id))!, { outcome: 'CONFIRMED' }, s.now());
    s.advance(1000);

    expect(await finalise()).toBe('COMPLETED');
    expect(sent).toHaveLength(2);
    expect((await s.audit.list(submission.id)).filter((e) => e.type.startsWith('COMPLETED')).map((e) => e.type)).toEqual([
      'COMPLETED_WITH_ISSUES',
      'COMPLETED',
    ]);
  });
});
