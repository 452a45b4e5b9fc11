import { recordDelivered } from '../../lambdas/application/record-delivery';
import type { AuditEvent } from '../../lambdas/domain/audit-event';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('recording a delivery with its trail entries (in memory)', () => {
  it('writes the attempt\'s SENT entry and the DELIVERED entry with the delivery, once however often it runs', async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const { submission, notifications: [notification] } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    const sent: AuditEvent = { submissionId: submission.id, key: `${notification.id}#SENT#1`, at: s.now().toISOString(), type: 'SENT', actor: 'service', notificationId: notification.id, attempt: 1, outcome: 'delivered' };

    s.advance(200); // The department's 2xx comes after the send.
    expect((await recordDelivered(s.deps, notification, 'push', s.now(), undefined, [sent])).first).toBe(true);
    expect((await recordDelivered(s.deps, notification, 'push', s.now(), undefined, [sent])).first).toBe(false);

    expect((await s.audit.list(submission.id)).filter((e) => e.notificationId === notification.id).map((e) => [e.type, e.channel ?? e.outcome]))
      .toEqual([['SENT', 'delivered'], ['DELIVERED', 'push']]);
  });

  it('keeps a push attempt\'s SENT entry when the feed delivered the notification first', async () => {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const { submission, notifications: [notification] } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    await recordDelivered(s.deps, notification, 'pull', s.now(), ['newAddress']);
    const sent: AuditEvent = { submissionId: submission.id, key: `${notification.id}#SENT#1`, at: s.now().toISOString(), type: 'SENT', actor: 'service', notificationId: notification.id, attempt: 1, outcome: 'delivered' };

    expect((await recordDelivered(s.deps, notification, 'push', s.now(), undefined, [sent])).first).toBe(false);

    const trail = (await s.audit.list(submission.id)).filter((e) => e.notificationId === notification.id);
    expect(trail.map((e) => e.type).sort()).toEqual(['DELIVERED', 'SENT']);
    expect(trail.find((e) => e.type === 'DELIVERED')).toMatchObject({ channel: 'pull' });
  });
});
