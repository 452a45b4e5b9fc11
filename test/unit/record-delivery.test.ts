import { recordDelivered } from '../../lambdas/application/record-delivery';
import type { AuditEvent } from '../../lambdas/domain/audit-event';
import { withdrawSubmission } from '../../lambdas/application/withdraw-submission';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

/** The SENT entry of a first attempt that was delivered, as the delivery step writes it. */
function firstAttemptSent(submissionId: string, notificationId: string, at: Date): AuditEvent {
  return {
    submissionId,
    key: `${notificationId}#SENT#1`,
    at: at.toISOString(),
    type: 'SENT',
    actor: 'service',
    notificationId,
    attempt: 1,
    outcome: 'delivered',
  };
}

describe('recording a delivery, by push or by feed (in memory)', () => {
  async function sent() {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const {
      submission,
      notifications: [notification],
    } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    const deliveries = async () => (await s.audit.list(submission.id)).filter((e) => e.type === 'DELIVERED');
    return { s, submission, notification, deliveries };
  }

  it('the first channel to deliver wins: DELIVERED once, one trail entry naming it, counted once', async () => {
    const { s, notification, deliveries } = await sent();
    const push = await recordDelivered(s.deps, notification, 'push', s.now());
    s.advance(1000);
    const pull = await recordDelivered(s.deps, notification, 'pull', s.now(), ['newAddress']);

    expect([push.first, pull.first]).toEqual([true, false]);
    expect(pull.notification).toMatchObject({ status: 'DELIVERED', deliveredVia: 'push', deliveredAt: '2026-12-01T10:00:00.000Z' });
    expect(await deliveries()).toEqual([
      expect.objectContaining({ channel: 'push', notificationId: notification.id, departmentId: 'dvla' }),
    ]);
    expect(s.metrics.emitted).toEqual([{ metric: 'delivered', departmentId: 'dvla' }]);
  });

  it('a feed delivery names the fields that left with it', async () => {
    const { s, notification, deliveries } = await sent();
    await recordDelivered(s.deps, notification, 'pull', s.now(), ['person.givenName', 'newAddress']);
    expect(await deliveries()).toEqual([expect.objectContaining({ channel: 'pull', fields: ['person.givenName', 'newAddress'] })]);
  });

  it('never marks delivered a notification withdrawn before it was sent, and counts nothing', async () => {
    const { s, submission, notification, deliveries } = await sent();
    await withdrawSubmission(s.deps, 'citizen-1', submission.id, undefined);
    const result = await recordDelivered(s.deps, notification, 'push', s.now());
    expect(result.first).toBe(false);
    expect((await s.notifications.get(notification.id))!.status).toBe('WITHDRAWN');
    expect(await deliveries()).toEqual([]);
    expect(s.metrics.emitted).toEqual([]);
  });

  it("an answer recorded before the push's 2xx keeps its status; the delivery is still recorded, once", async () => {
    const { s, notification, deliveries } = await sent();
    const started = (await s.notifications.recordAttemptStarted(notification.id, s.now()))!;
    await s.notifications.recordAnswer(started, { outcome: 'CONFIRMED', departmentReference: 'D-1' }, s.now());
    const result = await recordDelivered(s.deps, started, 'push', s.now());
    expect(result.first).toBe(true);
    expect(result.notification).toMatchObject({ status: 'CONFIRMED', deliveredVia: 'push' });
    expect(await deliveries()).toHaveLength(1);
  });

  it("writes the attempt's SENT entry and the DELIVERED entry with the delivery, once however often it runs", async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const {
      submission,
      notifications: [notification],
    } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    const sent = firstAttemptSent(submission.id, notification.id, s.now());

    s.advance(200); // The department's 2xx comes after the send.
    expect((await recordDelivered(s.deps, notification, 'push', s.now(), undefined, [sent])).first).toBe(true);
    expect((await recordDelivered(s.deps, notification, 'push', s.now(), undefined, [sent])).first).toBe(false);

    expect(
      (await s.audit.list(submission.id)).filter((e) => e.notificationId === notification.id).map((e) => [e.type, e.channel ?? e.outcome]),
    ).toEqual([
      ['SENT', 'delivered'],
      ['DELIVERED', 'push'],
    ]);
  });

  it("keeps a push attempt's SENT entry when the feed delivered the notification first", async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const {
      submission,
      notifications: [notification],
    } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    await recordDelivered(s.deps, notification, 'pull', s.now(), ['newAddress']);
    const sent = firstAttemptSent(submission.id, notification.id, s.now());

    expect((await recordDelivered(s.deps, notification, 'push', s.now(), undefined, [sent])).first).toBe(false);

    const trail = (await s.audit.list(submission.id)).filter((e) => e.notificationId === notification.id);
    expect(trail.map((e) => e.type).sort()).toEqual(['DELIVERED', 'SENT']);
    expect(trail.find((e) => e.type === 'DELIVERED')).toMatchObject({ channel: 'pull' });
  });
});
