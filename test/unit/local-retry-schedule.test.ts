import { LocalStepFunctions } from '../../local/local-step-functions';
import { withScaledRetrySchedules } from '../../local/retry-schedule';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-2:000000000000:function:Flaky';
const MACHINE_ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:RetrySchedule';
// Distinguishes the task's own timeout timer from the engine's pauses between attempts.
const TASK_TIMEOUT_SECONDS = 999;

function definitionWith(retrier: Record<string, unknown>) {
  return {
    StartAt: 'Flaky',
    States: {
      Flaky: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        End: true,
        Parameters: { FunctionName: FUNCTION_ARN, 'Payload.$': '$' },
        Retry: [{ ErrorEquals: ['States.ALL'], ...retrier }],
      },
    },
  };
}

/**
 * Runs the definition on the local engine with a task that always fails, and returns the pauses
 * (in ms) the engine took between attempts, read from the timers it set.
 */
async function pausesPlayed(retrier: Record<string, unknown>, timeScale: number): Promise<{ pauses: number[]; attempts: number }> {
  jest.spyOn(console, 'error').mockImplementation(() => undefined); // The engine reports the failed execution.
  let attempts = 0;
  const engine = new LocalStepFunctions(
    MACHINE_ARN,
    definitionWith(retrier),
    async () => {
      attempts++;
      throw Object.assign(new Error('storage unavailable'), { name: 'StorageUnavailable' });
    },
    timeScale,
  );
  const pauses: number[] = [];
  const realSetTimeout = global.setTimeout;
  const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number, ...args: unknown[]) => {
    if (ms !== TASK_TIMEOUT_SECONDS * 1000) pauses.push(ms ?? 0);
    return realSetTimeout(callback, ms, ...args);
  }) as typeof setTimeout);
  try {
    const { executionArn } = engine.startExecution('schedule', '{}');
    while (engine.describeExecution(executionArn).status === 'RUNNING') await new Promise((resolve) => setImmediate(resolve));
    expect(engine.describeExecution(executionArn).status).toBe('FAILED');
  } finally {
    spy.mockRestore();
    await engine.close();
  }
  return { pauses, attempts };
}

describe('the local engine plays each Retry schedule as Step Functions does, scaled by TUO_TIME_SCALE', () => {
  afterEach(() => jest.restoreAllMocks());

  it('backs off by BackoffRate from IntervalSeconds, up to MaxDelaySeconds, for MaxAttempts retries', async () => {
    const { pauses, attempts } = await pausesPlayed(
      { IntervalSeconds: 2, BackoffRate: 3, MaxDelaySeconds: 10, MaxAttempts: 4, JitterStrategy: 'NONE' },
      0.01,
    );
    expect(attempts).toBe(5);
    // 2 s, 6 s, then capped at 10 s, at a hundredth of the time.
    expect(pauses).toHaveLength(4);
    [20, 60, 100, 100].forEach((expected, i) => expect(pauses[i]).toBeCloseTo(expected, 6));
  });

  it('draws each pause below the backoff with JitterStrategy FULL', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const { pauses } = await pausesPlayed({ IntervalSeconds: 4, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: 'FULL' }, 0.01);
    // Halfway below 40, 80 and 160 ms.
    expect(pauses).toHaveLength(3);
    [40, 80, 160].forEach((cap, i) => {
      expect(pauses[i]).toBeGreaterThanOrEqual(cap / 2 - 1);
      expect(pauses[i]).toBeLessThanOrEqual(cap / 2 + 1);
    });
  });

  it('scales every retrier, Map iterations included, and leaves the synthesized definition as it was', () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          End: true,
          ItemProcessor: {
            StartAt: 'Step',
            States: { Step: { ...definitionWith({ IntervalSeconds: 2, MaxDelaySeconds: 30 }).States.Flaky } },
          },
        },
      },
    };
    const scaled = withScaledRetrySchedules(definition, 0.001);
    expect(scaled.States.Each.ItemProcessor.States.Step.Retry[0]).toMatchObject({ IntervalSeconds: 0.002, MaxDelaySeconds: 0.03 });
    expect(definition.States.Each.ItemProcessor.States.Step.Retry[0]).toMatchObject({ IntervalSeconds: 2, MaxDelaySeconds: 30 });
  });
});
