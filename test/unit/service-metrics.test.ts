import { Metrics } from '@aws-lambda-powertools/metrics';
import { recordConfirmationTimes, ServiceMetrics } from '../../lambdas/observability/service-metrics';
import type { NotificationRecord } from '../../lambdas/domain/notification';

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
    if (text.includes('"_aws"'))
      lines.push(
        ...text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      );
    else return write(chunk, ...rest);
    return true;
  });
  const published = () =>
    lines.map((line) => {
      const directive = line._aws.CloudWatchMetrics[0];
      const [metric] = directive.Metrics;
      return {
        namespace: directive.Namespace,
        name: metric.Name,
        unit: metric.Unit,
        value: line[metric.Name],
        dimensions: directive.Dimensions,
        department: line.department,
      };
    });
  return { service: new ServiceMetrics(metrics), published };
}

afterEach(() => jest.restoreAllMocks());

const notification = (overrides: Partial<NotificationRecord>): NotificationRecord => ({
  id: 'ntf_1',
  submissionId: 'sub_1',
  departmentId: 'hmrc',
  status: 'PENDING',
  confirmationRequired: true,
  confirmationTimeoutSeconds: 60,
  entitledFields: ['newAddress'],
  attempts: 1,
  createdAt: '2026-11-29T10:00:00Z',
  updatedAt: '2026-11-29T10:00:00Z',
  ...overrides,
});

describe('the service metrics', () => {
  it('publishes each outcome at once in the TellUsOnce namespace, for the service and per department', () => {
    const { service, published } = capturedMetrics();
    service.delivered('hmrc');
    service.failed('hmrc');
    service.expired('hmrc');
    service.endpointHealthChanged('hmrc', 'failing');
    service.endpointHealthChanged('hmrc', 'healthy');
    service.endpointHealthChanged('hmrc', 'disabled');
    const point = (name: string) => [
      { namespace: 'TellUsOnce', name, unit: 'Count', value: 1, dimensions: [['service']], department: undefined },
      { namespace: 'TellUsOnce', name, unit: 'Count', value: 1, dimensions: [['service', 'department']], department: 'hmrc' },
    ];
    expect(published()).toEqual([
      ...point('NotificationDelivered'),
      ...point('NotificationFailed'),
      ...point('NotificationExpired'),
      ...point('EndpointFailing'),
      ...point('EndpointHealthy'),
      ...point('EndpointDisabled'),
    ]);
  });

  it("records each department's time to answer, in seconds, from its first successful delivery", () => {
    const { service, published } = capturedMetrics();
    recordConfirmationTimes(
      [
        notification({
          departmentId: 'hmrc',
          status: 'CONFIRMED',
          deliveredAt: '2026-11-29T10:00:00Z',
          respondedAt: '2026-11-29T10:01:30Z',
        }),
        notification({
          departmentId: 'dvla',
          status: 'REJECTED',
          deliveredAt: '2026-11-29T10:00:00Z',
          respondedAt: '2026-11-29T10:00:02Z',
        }),
        notification({ departmentId: 'dwp', status: 'EXPIRED', deliveredAt: '2026-11-29T10:00:00Z' }),
        notification({
          departmentId: 'council-york',
          status: 'DELIVERED',
          confirmationRequired: false,
          deliveredAt: '2026-11-29T10:00:00Z',
        }),
      ],
      service,
    );
    expect(
      published()
        .filter((p) => p.department)
        .map(({ name, unit, value, department }) => ({ name, unit, value, department })),
    ).toEqual([
      { name: 'TimeToConfirmation', unit: 'Seconds', value: 90, department: 'hmrc' },
      { name: 'TimeToConfirmation', unit: 'Seconds', value: 2, department: 'dvla' },
    ]);
  });
});
