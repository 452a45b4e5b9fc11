import { Metrics } from '@aws-lambda-powertools/metrics';
import { countingOutcomes, recordConfirmationTimes, ServiceMetrics } from '../../lambdas/observability/service-metrics';
import type { NotificationRecord } from '../../lambdas/domain/notification';
import type { NotificationRepository } from '../../lambdas/store/notification-repository';

/** Real Powertools metrics; their embedded-metric-format lines are read off stdout, where Lambda sends them to CloudWatch. */
function capturedMetrics() {
  const lines: any[] = [];
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED; // the one-machine runtime sets it in this process
  const metrics = new Metrics({ namespace: 'TellUsOnce', serviceName: 'tell-us-once' });
  if (saved !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = saved;
  const write = process.stdout.write.bind(process.stdout);
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any, ...rest: any[]) => {
    const text = String(chunk);
    if (text.includes('"_aws"')) lines.push(...text.trim().split('\n').map((line) => JSON.parse(line)));
    else return write(chunk, ...rest);
    return true;
  });
  const published = () => lines.map((line) => {
    const directive = line._aws.CloudWatchMetrics[0];
    const [metric] = directive.Metrics;
    return { namespace: directive.Namespace, name: metric.Name, unit: metric.Unit, value: line[metric.Name], dimensions: directive.Dimensions, department: line.department };
  });
  return { service: new ServiceMetrics(metrics), published };
}

afterEach(() => jest.restoreAllMocks());

const notification = (overrides: Partial<NotificationRecord>): NotificationRecord => ({
  id: 'ntf_1', submissionId: 'sub_1', departmentId: 'hmrc', status: 'PENDING', confirmationRequired: true,
  confirmationTimeoutSeconds: 60, entitledFields: ['newAddress'], attempts: 1, createdAt: '2026-11-29T10:00:00Z', updatedAt: '2026-11-29T10:00:00Z', ...overrides,
});

/** Just enough of a repository: the status changes the delivery and expiry steps make. */
function repository(changes: { failed: boolean; expired: boolean; delivered?: boolean }): NotificationRepository {
  const stored = notification({});
  return {
    get: async () => stored,
    markDelivered: async () => ({ notification: { ...stored, status: 'DELIVERED', deliveredAt: '2026-11-29T10:00:01Z' }, first: changes.delivered ?? true }),
    markFailed: async () => changes.failed,
    markExpired: async () => changes.expired,
    recordAttemptError: async () => undefined,
  } as unknown as NotificationRepository;
}

describe('the service metrics', () => {
  it('publishes each outcome at once in the TellUsOnce namespace, for the service and per department', async () => {
    const { service, published } = capturedMetrics();
    const notifications = countingOutcomes(repository({ failed: true, expired: true }), service);
    await notifications.markDelivered(notification({}), new Date(), 'push');
    await notifications.markFailed(notification({}), 'HTTP 400', new Date());
    await notifications.markExpired(notification({ status: 'DELIVERED' }), new Date());
    const point = (name: string) => [
      { namespace: 'TellUsOnce', name, unit: 'Count', value: 1, dimensions: [['service']], department: undefined },
      { namespace: 'TellUsOnce', name, unit: 'Count', value: 1, dimensions: [['service', 'department']], department: 'hmrc' },
    ];
    expect(published()).toEqual([...point('NotificationDelivered'), ...point('NotificationFailed'), ...point('NotificationExpired')]);
  });

  it('counts nothing when a step run again changes nothing', async () => {
    const { service, published } = capturedMetrics();
    const notifications = countingOutcomes(repository({ failed: false, expired: false, delivered: false }), service);
    await notifications.markDelivered(notification({}), new Date(), 'pull'); // The other channel delivered it first.
    await notifications.markFailed(notification({}), 'HTTP 400', new Date());
    await notifications.markExpired(notification({ status: 'DELIVERED' }), new Date());
    await notifications.recordAttemptError('ntf_1', 'HTTP 503', new Date());
    expect(published()).toEqual([]);
  });

  it('records each department\'s time to answer, in seconds, from its first successful delivery', () => {
    const { service, published } = capturedMetrics();
    recordConfirmationTimes([
      notification({ departmentId: 'hmrc', status: 'CONFIRMED', deliveredAt: '2026-11-29T10:00:00Z', respondedAt: '2026-11-29T10:01:30Z' }),
      notification({ departmentId: 'dvla', status: 'REJECTED', deliveredAt: '2026-11-29T10:00:00Z', respondedAt: '2026-11-29T10:00:02Z' }),
      notification({ departmentId: 'dwp', status: 'EXPIRED', deliveredAt: '2026-11-29T10:00:00Z' }),
      notification({ departmentId: 'council-york', status: 'DELIVERED', confirmationRequired: false, deliveredAt: '2026-11-29T10:00:00Z' }),
    ], service);
    expect(published().filter((p) => p.department).map(({ name, unit, value, department }) => ({ name, unit, value, department }))).toEqual([
      { name: 'TimeToConfirmation', unit: 'Seconds', value: 90, department: 'hmrc' },
      { name: 'TimeToConfirmation', unit: 'Seconds', value: 2, department: 'dvla' },
    ]);
  });
});
