import { inMemoryRepositories } from '../../lambdas/store/in-memory/in-memory-repositories';
import { InvalidCursorError } from '../../lambdas/store/notification-repository';
import type { NotificationRecord } from '../../lambdas/domain/notification';

// What use cases rely on from the repositories beyond their own tests: listings that page by
// cursor, and writes that happen once however many callers race (as the DynamoDB conditions make them).
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));

function notification(id: string, createdAt: Date, departmentId = 'dvla'): NotificationRecord {
  return {
    id,
    submissionId: 'sub_1',
    departmentId,
    status: 'PENDING',
    confirmationRequired: true,
    confirmationTimeoutSeconds: 60,
    entitledFields: ['newAddress'],
    attempts: 0,
    createdAt: createdAt.toISOString(),
    updatedAt: createdAt.toISOString(),
  };
}

describe('the in-memory repositories', () => {
  it("list a department's notifications in one status oldest first, page by page, refusing a cursor of another listing", async () => {
    const { notifications } = inMemoryRepositories();
    for (const [i, id] of ['ntf_c', 'ntf_a', 'ntf_b'].entries()) await notifications.createIfAbsent(notification(id, at(i)));
    await notifications.createIfAbsent(notification('ntf_other', at(0), 'hmrc'));
    await notifications.markFailed(notification('ntf_b', at(2)), 'HTTP 500', at(5));

    const first = await notifications.listForDepartment('dvla', 'PENDING', { limit: 1 });
    const second = await notifications.listForDepartment('dvla', 'PENDING', { limit: 1, cursor: first.nextCursor });
    const third = await notifications.listForDepartment('dvla', 'PENDING', { limit: 1, cursor: second.nextCursor });
    expect([first, second, third].flatMap((page) => page.items.map((n) => n.id))).toEqual(['ntf_c', 'ntf_a']);
    expect(third.nextCursor).toBeUndefined();
    expect((await notifications.listForDepartment('dvla', 'FAILED', { limit: 10 })).items.map((n) => n.id)).toEqual(['ntf_b']);
    await expect(notifications.listForDepartment('hmrc', 'PENDING', { limit: 1, cursor: first.nextCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('give back copies: changing a record read changes nothing stored', async () => {
    const { notifications } = inMemoryRepositories();
    await notifications.createIfAbsent(notification('ntf_a', at(0)));
    const read = (await notifications.get('ntf_a')) as { status: string };
    read.status = 'CONFIRMED';
    expect((await notifications.get('ntf_a'))?.status).toBe('PENDING');
  });

  it('mark an endpoint failing once, and give a due probe to one caller only', async () => {
    const { endpoints } = inMemoryRepositories();
    expect(await endpoints.recordSuccess('dvla', at(0))).toBe(false);
    for (let i = 0; i < 3; i++) await endpoints.recordFailure('dvla', 'HTTP 500', at(i));
    expect(await endpoints.get('dvla')).toMatchObject({ status: 'healthy', consecutiveFailures: 3, failingFrom: at(0).toISOString() });

    expect(await Promise.all([endpoints.markFailing('dvla', at(3), at(8)), endpoints.markFailing('dvla', at(3), at(8))])).toEqual([
      true,
      false,
    ]);
    expect(await endpoints.claimProbe('dvla', at(4), at(9))).toBe(false); // Not due yet.
    expect(await Promise.all([endpoints.claimProbe('dvla', at(8), at(13)), endpoints.claimProbe('dvla', at(8), at(13))])).toEqual([
      true,
      false,
    ]);
    expect(await endpoints.recordSuccess('dvla', at(9))).toBe(true);
    expect(await endpoints.recordSuccess('dvla', at(9))).toBe(false);
    expect(await endpoints.get('dvla')).toEqual({
      status: 'healthy',
      since: at(9).toISOString(),
      consecutiveFailures: 0,
      lastError: 'HTTP 500',
    });
  });

  it('record an operator event once per happening, and page the log in the order events occurred', async () => {
    const { operatorEvents } = inMemoryRepositories();
    const event = (key: string, minute: number) => ({
      key,
      at: at(minute).toISOString(),
      type: 'endpoint.failing' as const,
      department: 'dvla',
      detail: key,
    });
    await operatorEvents.record(event('b', 2));
    await operatorEvents.record(event('a', 1));
    await operatorEvents.record(event('a', 1));
    const first = await operatorEvents.list({ limit: 1 });
    const rest = await operatorEvents.list({ after: first.next, limit: 10 });
    expect([...first.items, ...rest.items].map((e) => e.detail)).toEqual(['a', 'b']);
    expect(await operatorEvents.list({ after: rest.next, limit: 10 })).toEqual({ items: [], next: rest.next });
    await expect(operatorEvents.list({ after: 'bad', limit: 1 })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('hand a web session to one taker only, and none of another kind', async () => {
    const { webSessions } = inMemoryRepositories();
    const id = await webSessions.create({ kind: 'department', departmentId: 'dvla' }, 60);
    expect(await webSessions.get(id, 'citizen')).toBeUndefined();
    expect(await webSessions.get(id, 'department')).toMatchObject({ data: { departmentId: 'dvla' } });
    const taken = await Promise.all([webSessions.take(id, 'department'), webSessions.take(id, 'department')]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await webSessions.get(id, 'department')).toBeUndefined();
  });
});
