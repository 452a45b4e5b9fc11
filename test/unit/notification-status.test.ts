import fc from 'fast-check';
import {
  aggregateSubmissionStatus,
  canTransition,
  evaluateDepartmentAnswer,
  isFinalNotificationStatus,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
} from '../../lambdas/domain/notification-status';

const n = (status: NotificationStatus, confirmationRequired = true) => ({ status, confirmationRequired });

describe('isFinalNotificationStatus', () => {
  it('treats DELIVERED as final only when no confirmation is required', () => {
    expect(isFinalNotificationStatus('DELIVERED', true)).toBe(false);
    expect(isFinalNotificationStatus('DELIVERED', false)).toBe(true);
  });

  it.each([true, false])('PENDING is never final; the others always are (confirmation required: %s)', (required) => {
    expect(isFinalNotificationStatus('PENDING', required)).toBe(false);
    for (const status of ['CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'WITHDRAWN'] as const) {
      expect(isFinalNotificationStatus(status, required)).toBe(true);
    }
  });
});

describe('canTransition', () => {
  const allowed: Record<NotificationStatus, NotificationStatus[]> = {
    PENDING: ['DELIVERED', 'CONFIRMED', 'REJECTED', 'FAILED', 'WITHDRAWN'],
    DELIVERED: ['CONFIRMED', 'REJECTED', 'EXPIRED'],
    FAILED: ['PENDING'],
    CONFIRMED: [],
    REJECTED: [],
    EXPIRED: [],
    WITHDRAWN: [],
  };

  it.each(NOTIFICATION_STATUSES.flatMap((from) => NOTIFICATION_STATUSES.map((to) => [from, to] as const)))('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(allowed[from].includes(to));
  });
});

describe('aggregateSubmissionStatus', () => {
  it('is IN_PROGRESS while any notification is still open', () => {
    expect(aggregateSubmissionStatus([n('CONFIRMED'), n('PENDING')])).toBe('IN_PROGRESS');
    expect(aggregateSubmissionStatus([n('CONFIRMED'), n('DELIVERED')])).toBe('IN_PROGRESS');
    expect(aggregateSubmissionStatus([n('FAILED'), n('DELIVERED')])).toBe('IN_PROGRESS');
  });

  it('is COMPLETED when every department confirmed or needed no confirmation', () => {
    expect(aggregateSubmissionStatus([n('CONFIRMED'), n('DELIVERED', false), n('CONFIRMED', false)])).toBe('COMPLETED');
  });

  it('is COMPLETED_WITH_ISSUES when all are final but one was rejected, failed or expired', () => {
    for (const bad of ['REJECTED', 'FAILED', 'EXPIRED'] as const) {
      expect(aggregateSubmissionStatus([n('CONFIRMED'), n(bad)])).toBe('COMPLETED_WITH_ISSUES');
      expect(aggregateSubmissionStatus([n('DELIVERED', false), n(bad, false)])).toBe('COMPLETED_WITH_ISSUES');
    }
  });

  it('property: IN_PROGRESS exactly when some notification is not final', () => {
    const notification = fc.record({ status: fc.constantFrom(...NOTIFICATION_STATUSES), confirmationRequired: fc.boolean() });
    fc.assert(
      fc.property(fc.array(notification, { minLength: 1, maxLength: 10 }), (notifications) => {
        const open = notifications.some((x) => !isFinalNotificationStatus(x.status, x.confirmationRequired));
        const status = aggregateSubmissionStatus(notifications);
        expect(status === 'IN_PROGRESS').toBe(open);
        if (status === 'COMPLETED') {
          expect(notifications.every((x) => x.status === 'CONFIRMED' || (x.status === 'DELIVERED' && !x.confirmationRequired))).toBe(true);
        }
      }),
    );
  });
});

describe('evaluateDepartmentAnswer', () => {
  const current = (status: NotificationStatus, sent = true, confirmationRequired = true) => ({ status, sent, confirmationRequired });

  it('accepts an answer to a delivered notification', () => {
    expect(evaluateDepartmentAnswer(current('DELIVERED'), 'CONFIRMED')).toBe('ACCEPT');
    expect(evaluateDepartmentAnswer(current('DELIVERED'), 'REJECTED')).toBe('ACCEPT');
  });

  it('accepts an answer sent from inside the webhook handler, while the status still reads PENDING', () => {
    expect(evaluateDepartmentAnswer(current('PENDING', true), 'CONFIRMED')).toBe('ACCEPT');
  });

  it('refuses an answer to a notification that has not been sent yet', () => {
    expect(evaluateDepartmentAnswer(current('PENDING', false), 'CONFIRMED')).toBe('CONFLICT');
  });

  it('treats the same answer again as a harmless repeat, and a different one as a conflict', () => {
    expect(evaluateDepartmentAnswer(current('CONFIRMED'), 'CONFIRMED')).toBe('REPEAT');
    expect(evaluateDepartmentAnswer(current('REJECTED'), 'REJECTED')).toBe('REPEAT');
    expect(evaluateDepartmentAnswer(current('CONFIRMED'), 'REJECTED')).toBe('CONFLICT');
    expect(evaluateDepartmentAnswer(current('REJECTED'), 'CONFIRMED')).toBe('CONFLICT');
  });

  it('refuses answers to notifications no longer awaiting one', () => {
    for (const status of ['FAILED', 'EXPIRED'] as const) {
      expect(evaluateDepartmentAnswer(current(status), 'CONFIRMED')).toBe('CONFLICT');
      expect(evaluateDepartmentAnswer(current(status), 'REJECTED')).toBe('CONFLICT');
    }
  });

  it('refuses any answer where the department needs no confirmation', () => {
    for (const status of NOTIFICATION_STATUSES) {
      expect(evaluateDepartmentAnswer(current(status, true, false), 'CONFIRMED')).toBe('CONFLICT');
    }
  });

  it('property: an accepted answer is always a permitted transition', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NOTIFICATION_STATUSES),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('CONFIRMED', 'REJECTED' as const),
        (status, sent, required, outcome) => {
          if (evaluateDepartmentAnswer({ status, sent, confirmationRequired: required }, outcome) === 'ACCEPT') {
            expect(canTransition(status, outcome)).toBe(true);
          }
        },
      ),
    );
  });
});
