import type { Context } from 'aws-lambda';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

// The handlers as Lambda runs them, on in-memory repositories (their one seam to DynamoDB) and a
// workflow service that the tests script: what their log lines carry, and what they never do.
const mockService = inMemoryService();
const mockWorkflow = {
  state: async (_name: string): Promise<'RUNNING' | 'FINISHED' | 'MISSING'> => 'MISSING',
  started: [] as string[],
  resume: async (_token: string, _output: unknown): Promise<void> => undefined,
};
jest.mock('../../lambdas/store/service-repositories', () => ({
  serviceRepositories: () => {
    const { departments, submissions, notifications, audit, journeys, endpoints, operatorEvents, departmentChanges, webSessions } =
      mockService;
    return { departments, submissions, notifications, audit, journeys, endpoints, operatorEvents, departmentChanges, webSessions };
  },
}));
jest.mock('../../lambdas/workflow-engine/step-functions-workflow-engine', () => ({
  workflowExecutionState: (name: string) => mockWorkflow.state(name),
  startWorkflowExecution: async (name: string) => {
    mockWorkflow.started.push(name);
  },
  resumeWaitingWorkflow: (token: string, output: unknown) => mockWorkflow.resume(token, output),
  failWaitingTask: async () => undefined,
}));

// As Lambda sets it for an on-demand function: Powertools reports a cold start only then.
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
process.env.TABLE_NAME = 'tell-us-once-test';
process.env.STATE_MACHINE_ARN = 'arn:aws:states:eu-west-2:123456789012:stateMachine:tell-us-once';
process.env.PUBLIC_BASE_URL = 'https://tuo.example';

const context = (awsRequestId: string, functionName = 'ExpireNotificationFunction') =>
  ({
    awsRequestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** Every log line written while the test runs (Powertools writes JSON, one line each), and all that was written. */
let lines: Record<string, unknown>[] = [];
let written = '';
let metrics: Record<string, unknown>[] = [];
beforeEach(() => {
  lines = [];
  metrics = [];
  written = '';
  const write = process.stdout.write.bind(process.stdout);
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (!text.startsWith('{')) return write(chunk, ...(rest as []));
    written += text;
    // Log lines; the metrics' embedded-format lines (`_aws`) are what the metrics test reads.
    const parsed = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    lines.push(...parsed.filter((line) => !('_aws' in line)));
    metrics.push(...parsed.filter((line) => '_aws' in line));
    return true;
  });
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    written += text;
    if (text.startsWith('{'))
      lines.push(
        ...text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

/** The citizen's values: none of them may reach a log line. */
const PERSONAL = ['Ada', 'Lovelace', 'AB123456C', 'ada@example.org', '1 Old Street', '2 New Road', 'LS1 1AA', 'YO1 7HH', '1985-12-10'];

async function delivered(departmentId: string, idempotencyKey: string) {
  if (!(await mockService.departments.get(departmentId))) await mockService.addDepartment(departmentId);
  const { submission, notifications } = await mockService.submit(
    `citizen-${idempotencyKey}`,
    idempotencyKey,
    changeOfAddress([departmentId]),
  );
  await mockService.deliverByPush(notifications[0].id);
  return { submission, notification: notifications[0] };
}

/** Loaded once the environment above is set (imports run first). */
const observability = () => import('../../lambdas/observability/logger');

describe('what a handler invocation logs', () => {
  it('each line carries the Lambda context (function_request_id, cold start once) and the submission and notification ids', async () => {
    const { handler } = await import('../../lambdas/workflow/expire-notification');
    const first = await delivered('dvla', 'log-1');
    const second = await delivered('dvla', 'log-2');

    expect(await handler({ submissionId: first.submission.id, notificationId: first.notification.id }, context('request-1'))).toEqual({
      deliverAgain: false,
    });
    expect(await handler({ submissionId: second.submission.id, notificationId: second.notification.id }, context('request-2'))).toEqual({
      deliverAgain: false,
    });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'Confirmation timeout passed',
        outcome: 'expired',
        service: 'tell-us-once',
        function_request_id: 'request-1',
        function_name: 'ExpireNotificationFunction',
        cold_start: true,
        submissionId: first.submission.id,
        notificationId: first.notification.id,
      }),
      // The next invocation of the warm container: its own request and ids, nothing of the first's.
      expect.objectContaining({
        message: 'Confirmation timeout passed',
        function_request_id: 'request-2',
        cold_start: false,
        submissionId: second.submission.id,
        notificationId: second.notification.id,
      }),
    ]);
    // Each expiry counted (the service total and the department's, twice).
    expect(metrics.map((m) => [m.NotificationExpired, m.department])).toEqual([
      [1, undefined],
      [1, 'dvla'],
      [1, undefined],
      [1, 'dvla'],
    ]);
  });

  it("an invocation that names no ids carries none of the previous invocation's", async () => {
    const { withLambdaContext, logger } = await observability();
    const { handler } = await import('../../lambdas/workflow/expire-notification');
    const { submission, notification } = await delivered('hmrc', 'log-3');
    await handler({ submissionId: submission.id, notificationId: notification.id }, context('request-3'));
    const plain = withLambdaContext(async () => {
      logger.info('Nothing in particular');
    });
    await plain({}, context('request-4', 'Other'));
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ message: 'Nothing in particular', function_request_id: 'request-4' });
    expect(last).not.toHaveProperty('submissionId');
    expect(last).not.toHaveProperty('notificationId');
    expect(last).not.toHaveProperty('outcome');
  });

  it('invocations running at once in one process (the one-machine runtime) keep their own context and ids', async () => {
    const { withLambdaContext, logger } = await observability();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const step = withLambdaContext(
      async (input: { notificationId: string; wait: boolean }) => {
        if (input.wait) await gate;
        logger.info('Step done');
      },
      (input) => ({ notificationId: input.notificationId }),
    );
    const slow = step({ notificationId: 'ntf_0000000000000000000000000a', wait: true }, context('slow'));
    await step({ notificationId: 'ntf_0000000000000000000000000b', wait: false }, context('fast'));
    release();
    await slow;
    expect(lines.map((l) => [l.function_request_id, l.notificationId])).toEqual([
      ['fast', 'ntf_0000000000000000000000000b'],
      ['slow', 'ntf_0000000000000000000000000a'],
    ]);
  });

  it('an id a caller typed that is not shaped like one is left off the line', async () => {
    const { withLambdaContext, logger } = await observability();
    const step = withLambdaContext(
      async () => {
        logger.info('Looked up');
      },
      () => ({ submissionId: 'Ada Lovelace, 1 Old Street', notificationId: 'ntf_0000000000000000000000000c' }),
    );
    await step({}, context('request-5'));
    expect(lines[0]).not.toHaveProperty('submissionId');
    expect(lines[0]).toMatchObject({ notificationId: 'ntf_0000000000000000000000000c' });
  });

  it('a failing step logs its ids and the error, never the task token it was given', async () => {
    const { handler } = await import('../../lambdas/workflow/deliver-notification');
    const { submission, notification } = await delivered('dwp', 'log-4');
    await mockService.notifications.recordAnswer(
      (await mockService.notifications.get(notification.id))!,
      { outcome: 'CONFIRMED' },
      mockService.now(),
    );
    const taskToken = 'AQCEAAAAKgAAAAMAAAAAAAAAAf-secret-task-token';
    // An AWS error message may quote the token it refused.
    mockWorkflow.resume = async (token) => {
      throw Object.assign(new Error(`Provided task token '${token}' is not valid`), { name: 'ValidationException' });
    };

    await expect(
      handler(
        { submissionId: submission.id, notificationId: notification.id, departmentId: 'dwp', taskToken },
        context('request-6', 'DeliverNotificationFunction'),
      ),
    ).rejects.toThrow('is not valid');

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Invocation failed',
        function_request_id: 'request-6',
        submissionId: submission.id,
        notificationId: notification.id,
        departmentId: 'dwp',
        errorName: 'ValidationException',
        errorMessage: "Provided task token '[redacted]' is not valid",
      }),
    ]);
    expect(written).not.toContain(taskToken);
    for (const value of PERSONAL) expect(written).not.toContain(value);
  });
});

describe('the reconciler', () => {
  it('logs which submission it could not look at and why, with no personal data, and goes on with the others', async () => {
    const { handler } = await import('../../lambdas/maintenance/reconcile-submissions');
    for (const s of await mockService.submissions.listInProgress())
      await mockService.submissions.setStatus(s.id, 'COMPLETED', mockService.now());
    await mockService.addDepartment('council');
    const failing = await mockService.submit('citizen-r1', 'r-1', changeOfAddress(['council']));
    const fine = await mockService.submit('citizen-r2', 'r-2', changeOfAddress(['council']));
    mockWorkflow.started = [];
    mockWorkflow.state = async (name) => {
      if (name === failing.submission.id) throw Object.assign(new Error('Rate exceeded\nsecond line'), { name: 'ThrottlingException' });
      return 'MISSING';
    };

    const report = await handler({ source: 'tell-us-once.start-up' }, context('request-7', 'ReconcileSubmissionsFunction'));

    expect(report).toMatchObject({ inProgress: 2, resumed: 1, errors: 1 });
    expect(mockWorkflow.started).toEqual([fine.submission.id]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'Submission not reconciled this time',
        function_request_id: 'request-7',
        submissionId: failing.submission.id,
        errorName: 'ThrottlingException',
        errorMessage: 'Rate exceeded',
        trigger: 'sweep',
      }),
      expect.objectContaining({
        level: 'WARN',
        message: 'Reconciled submissions, some not this time',
        inProgress: 2,
        resumed: 1,
        errors: 1,
      }),
    ]);
    for (const value of PERSONAL) expect(written).not.toContain(value);
  });
});
