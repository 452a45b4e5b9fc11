import { erasePersonalData } from '../../lambdas/application/erase-personal-data';
import { readFeed } from '../../lambdas/application/read-feed';
import { collectionExecutionName } from '../../lambdas/domain/workflow-runs';
import { withdrawSubmission } from '../../lambdas/application/withdraw-submission';
import { InvalidCursorError } from '../../lambdas/store/notification-repository';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('a department reading its feed (in memory)', () => {
  async function service() {
    const s = inMemoryService();
    const pull = await s.addDepartment('council', { delivery: 'pull', webhookUrl: undefined, fields: ['person.givenName', 'newAddress'] });
    await s.addDepartment('dvla');
    const deps = { ...s.deps, publicBaseUrl: 'https://tuo.example', sleep: async () => undefined };
    const read = async (query: { after?: string; limit?: number; waitSeconds?: number } = {}) =>
      readFeed(deps, (await s.departments.get('council'))!, { limit: 10, ...query });
    return { s, pull, deps, read };
  }

  it('serves only its own notifications, oldest first, with only the fields consented and still held', async () => {
    const { s, read } = await service();
    const first = await s.submit('citizen-1', 'key-1', changeOfAddress(['council', 'dvla']));
    s.advance(1000);
    const second = await s.submit('citizen-2', 'key-1', changeOfAddress(['council']));
    // The council has since lost newAddress: it is no longer served, even for the earlier consent.
    await s.departments.replaceConfiguration(
      'council',
      { ...(await s.departments.get('council'))!, fields: ['person.givenName', 'movedOn'] },
      s.now(),
    );

    const page = await read();
    expect(page.items.map((i) => [i.id, i.status])).toEqual([
      [first.notifications[0].id, 'DELIVERED'],
      [second.notifications[0].id, 'DELIVERED'],
    ]);
    expect(page.items[0].data).toEqual({
      notificationId: first.notifications[0].id,
      reference: first.submission.reference,
      confirmationUrl: `https://tuo.example/v1/notifications/${first.notifications[0].id}/confirmation`,
      person: { givenName: 'Ada' },
    });
  });

  it('records the first serving as the delivery (pull), once, and serves the same again from the same cursor', async () => {
    const { s, read } = await service();
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['council']));
    const first = await read();
    s.advance(60_000);
    const again = await read();

    expect(again.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
    expect(await s.notifications.get(notifications[0].id)).toMatchObject({
      status: 'DELIVERED',
      deliveredVia: 'pull',
      deliveredAt: '2026-12-01T10:00:00.000Z',
    });
    // Counted as a push's 2xx is (NotificationDelivered), once.
    expect(s.metrics.emitted).toEqual([{ metric: 'delivered', departmentId: 'council' }]);
    const delivered = (await s.audit.list(submission.id)).filter((e) => e.type === 'DELIVERED');
    expect(delivered).toEqual([
      expect.objectContaining({ channel: 'pull', fields: ['person.givenName', 'newAddress'], notificationId: notifications[0].id }),
    ]);
  });

  it('pages by cursor: after the last item, nothing until something new is created', async () => {
    const { s, read } = await service();
    const ids: string[] = [];
    for (const key of ['a', 'b', 'c']) {
      ids.push((await s.submit('citizen-1', key, changeOfAddress(['council']))).notifications[0].id);
      s.advance(1000);
    }
    const one = await read({ limit: 2 });
    const two = await read({ after: one.next, limit: 2 });
    const three = await read({ after: two.next, limit: 2 });
    expect([...one.items, ...two.items].map((i) => i.id)).toEqual(ids);
    expect(three).toEqual({ items: [], next: two.next });

    const later = await s.submit('citizen-1', 'd', changeOfAddress(['council']));
    expect((await read({ after: two.next })).items.map((i) => i.id)).toEqual([later.notifications[0].id]);
    await expect(read({ after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('leaves out what was erased or withdrawn before delivery, but serves the withdrawal notice', async () => {
    const { s, read } = await service();
    const erased = await s.submit('citizen-1', 'erased', changeOfAddress(['council']));
    await erasePersonalData(s.deps, erased.submission.id, 'citizen', 'Asked');
    const withdrawnEarly = await s.submit('citizen-1', 'early', changeOfAddress(['council']));
    await withdrawSubmission(s.deps, 'citizen-1', withdrawnEarly.submission.id, undefined);
    const collected = await s.submit('citizen-1', 'collected', changeOfAddress(['council']));
    expect((await read()).items.map((i) => i.id)).toEqual([collected.notifications[0].id]);

    s.advance(1000);
    const withdrawal = await withdrawSubmission(s.deps, 'citizen-1', collected.submission.id, undefined);
    if (withdrawal.kind !== 'accepted') throw new Error(withdrawal.kind);
    const notice = withdrawal.notifications.find((n) => n.kind === 'withdrawal')!;
    const page = await read();
    expect(page.items.map((i) => [i.id, i.type])).toEqual([
      [collected.notifications[0].id, 'address.changed'],
      [notice.id, 'address.withdrawn'],
    ]);
    expect(page.items[1].data).toEqual(expect.not.objectContaining({ person: expect.anything() }));
  });

  it('delivers a FAILED notification when collected, reopening its submission and starting the run that awaits the answer', async () => {
    const { s, read } = await service();
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['council']));
    await s.notifications.markFailed(notifications[0], 'No collection in time', s.now());
    await s.submissions.setStatus(submission.id, 'COMPLETED_WITH_ISSUES', s.now());

    expect((await read()).items.map((i) => i.status)).toEqual(['DELIVERED']);
    expect(await s.notifications.get(notifications[0].id)).toMatchObject({ collectedAfterFailure: true, collectionRun: true });
    expect(await s.submission(submission.id)).toMatchObject({ status: 'IN_PROGRESS' });
    expect(s.started.get(collectionExecutionName(notifications[0]))).toEqual({
      submissionId: submission.id,
      notifications: [
        {
          notificationId: notifications[0].id,
          departmentId: notifications[0].departmentId,
          timeoutSeconds: notifications[0].confirmationTimeoutSeconds,
        },
      ],
    });
  });

  it('with waitSeconds, an empty read waits for the first item to arrive', async () => {
    const { s, deps } = await service();
    let polls = 0;
    const waiting = readFeed(
      {
        ...deps,
        sleep: async () => {
          if (++polls === 3) await s.submit('citizen-1', 'key-1', changeOfAddress(['council']));
        },
      },
      (await s.departments.get('council'))!,
      { limit: 10, waitSeconds: 20 },
    );
    expect((await waiting).items).toHaveLength(1);
    expect(polls).toBe(3);
  });
});
