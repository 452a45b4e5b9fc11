import { erasePersonalData } from '../../lambdas/application/erase-personal-data';
import { listDepartmentNotifications } from '../../lambdas/application/list-department-notifications';
import type { NotificationStatus } from '../../lambdas/domain/notification-status';
import { InvalidCursorError } from '../../lambdas/store/notification-repository';
import type { SubmissionRepository } from '../../lambdas/store/submission-repository';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('a department listing its notifications (in memory)', () => {
  async function service() {
    const s = inMemoryService();
    await s.addDepartment('dvla', { fields: ['person.givenName', 'newAddress'] });
    await s.addDepartment('hmrc');
    // Counts the reads of submissions: one request per page, however many items it holds.
    const reads: string[] = [];
    const submissions: Pick<SubmissionRepository, 'getManyWithPersonalData'> = {
      getManyWithPersonalData: async (ids) => {
        reads.push(`batch of ${ids.length}`);
        return s.submissions.getManyWithPersonalData(ids);
      },
    };
    const list = async (query: { status?: NotificationStatus; limit?: number; cursor?: string } = {}) =>
      listDepartmentNotifications(
        { notifications: s.notifications, submissions, publicBaseUrl: 'https://tuo.example' },
        (await s.departments.get('dvla'))!,
        { status: 'DELIVERED', limit: 25, ...query },
      );
    return { s, reads, list };
  }

  it("reads a page's submissions and their data together, once per page, and shows only what the department may see", async () => {
    const { s, reads, list } = await service();
    const submitted = [];
    for (const key of ['k1', 'k2', 'k3']) {
      const { submission, notifications } = await s.submit(`citizen-${key}`, key, changeOfAddress(['dvla', 'hmrc']));
      await s.deliverByPush(notifications[0].id);
      submitted.push({ submission, notification: notifications[0] });
      s.advance(1000);
    }

    const page = await list();

    expect(reads).toEqual(['batch of 3']);
    expect(page.items.map((i) => [i.id, i.reference, i.status])).toEqual(
      submitted.map(({ submission, notification }) => [notification.id, submission.reference, 'DELIVERED']),
    );
    expect(page.items[0]).toMatchObject({
      type: 'address.changed',
      kind: 'change',
      confirmationUrl: `https://tuo.example/v1/notifications/${submitted[0].notification.id}/confirmation`,
      data: { person: { givenName: 'Ada' }, newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' } },
    });
    expect(page.nextCursor).toBeUndefined();
  });

  it('pages by cursor, one read per page, and refuses a cursor it did not issue', async () => {
    const { s, reads, list } = await service();
    for (const key of ['k1', 'k2', 'k3']) {
      const { notifications } = await s.submit(`citizen-${key}`, key, changeOfAddress(['dvla']));
      await s.deliverByPush(notifications[0].id);
      s.advance(1000);
    }
    const first = await list({ limit: 2 });
    const second = await list({ limit: 2, cursor: first.nextCursor });
    expect([first.items.length, second.items.length]).toEqual([2, 1]);
    expect(second.nextCursor).toBeUndefined();
    expect(reads).toEqual(['batch of 2', 'batch of 1']);
    await expect(list({ cursor: 'not-ours' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("shows no data once the citizen's data is erased, but still the reference and status", async () => {
    const { s, list } = await service();
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    await s.deliverByPush(notifications[0].id);
    await s.notifications.recordAnswer(
      (await s.notifications.get(notifications[0].id))!,
      { outcome: 'CONFIRMED', departmentReference: 'DVLA-1' },
      s.now(),
    );
    await s.submissions.setStatus(submission.id, 'COMPLETED', s.now());
    await erasePersonalData(s.deps, submission.id, 'citizen', 'Asked');

    const page = await list({ status: 'CONFIRMED' });
    expect(page.items).toEqual([
      expect.objectContaining({ id: notifications[0].id, reference: submission.reference, status: 'CONFIRMED', data: null, type: null }),
    ]);
  });
});
