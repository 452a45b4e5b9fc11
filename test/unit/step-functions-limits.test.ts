import { LocalStepFunctions, STEP_FUNCTIONS_LIMITS } from '../../local/local-step-functions';

/**
 * The one-machine engine holds executions to the Step Functions quotas a run could reach, and
 * fails as AWS fails: InvalidName, a ValidationException on oversized input,
 * States.DataLimitExceeded for an oversized task result or state output (Pass, Map, whatever the
 * state; no Catch handles it), and a failed execution past 25,000 history events.
 */
const MACHINE = 'arn:aws:states:eu-west-2:000000000000:stateMachine:limits';
const FUNCTION = 'arn:aws:lambda:eu-west-2:000000000000:function:Step';

function engine(definition: unknown, result: () => unknown = () => ({})) {
  return new LocalStepFunctions(MACHINE, definition, async () => result(), 1);
}

async function finished(machine: LocalStepFunctions, executionArn: string) {
  for (;;) {
    const execution = machine.describeExecution(executionArn);
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const oneTask = { StartAt: 'Step', States: { Step: { Type: 'Task', Resource: FUNCTION, End: true } } };

describe('Step Functions limits on one machine', () => {
  it('refuses execution names AWS refuses: over 80 characters, or with whitespace, brackets, wildcards or reserved punctuation', () => {
    const machine = engine(oneTask);
    for (const name of ['x'.repeat(81), 'has space', 'a:b', 'a/b', 'a*', 'a{b}', 'tab\there', '']) {
      expect(() => machine.startExecution(name, '{}')).toThrow(expect.objectContaining({ name: 'InvalidName' }));
    }
    expect(machine.startExecution('x'.repeat(80), '{}').executionArn).toMatch(/:x{80}$/);
    expect(machine.startExecution('sub_123-resume-2', '{}').executionArn).toMatch(/:sub_123-resume-2$/);
  });

  it('refuses an execution input over 256 KiB', () => {
    const machine = engine(oneTask);
    const input = JSON.stringify({ padding: 'x'.repeat(STEP_FUNCTIONS_LIMITS.payloadBytes) });
    expect(() => machine.startExecution('too-big', input)).toThrow(expect.objectContaining({ name: 'ValidationException' }));
  });

  it('fails the execution with States.DataLimitExceeded when a task returns over 256 KiB', async () => {
    const machine = engine(oneTask, () => ({ padding: 'x'.repeat(STEP_FUNCTIONS_LIMITS.payloadBytes) }));
    const { executionArn } = machine.startExecution('big-result', '{}');
    const execution = await finished(machine, executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/^States\.DataLimitExceeded/);
    await machine.close();
  });

  // Just over the limit once a state doubles its input: 2 × 140,000 characters > 262,144 bytes.
  const half = 'x'.repeat(140_000);
  const catchAll = [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }];

  it('fails the execution with States.DataLimitExceeded when a Pass state outputs over 256 KiB', async () => {
    const machine = engine({
      StartAt: 'Double',
      States: {
        Double: { Type: 'Pass', Parameters: { 'a.$': '$.half', 'b.$': '$.half' }, Next: 'After' },
        After: { Type: 'Task', Resource: FUNCTION, End: true },
      },
    });
    const { executionArn } = machine.startExecution('big-pass', JSON.stringify({ half }));
    const execution = await finished(machine, executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/^States\.DataLimitExceeded: The state\/task 'Double'/);
    await machine.close();
  });

  it('lets a Pass state output just under 256 KiB through', async () => {
    const machine = engine({ StartAt: 'Copy', States: { Copy: { Type: 'Pass', Parameters: { 'a.$': '$.half' }, End: true } } });
    const { executionArn } = machine.startExecution('pass-under', JSON.stringify({ half }));
    expect((await finished(machine, executionArn)).status).toBe('SUCCEEDED');
    await machine.close();
  });

  it('fails the execution with States.DataLimitExceeded when a Map gathers results over 256 KiB, which no Catch handles', async () => {
    const machine = engine({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'half.$': '$.half' },
          Catch: catchAll,
          End: true,
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
        },
        Caught: { Type: 'Succeed' },
      },
    });
    const { executionArn } = machine.startExecution('big-map', JSON.stringify({ half, items: [1, 2] }));
    const execution = await finished(machine, executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/^States\.DataLimitExceeded: The state\/task 'Each'/);
    await machine.close();
  });

  it("fails the execution when a state inside a Map iteration outputs over 256 KiB, which the Map's Catch does not handle", async () => {
    const machine = engine({
      StartAt: 'Each',
      States: {
        Caught: { Type: 'Succeed' },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'half.$': '$.half' },
          ResultPath: null,
          Catch: catchAll,
          End: true,
          ItemProcessor: {
            StartAt: 'Double',
            States: { Double: { Type: 'Pass', Parameters: { 'a.$': '$.half', 'b.$': '$.half' }, End: true } },
          },
        },
      },
    });
    const { executionArn } = machine.startExecution('big-iteration', JSON.stringify({ half, items: [1] }));
    const execution = await finished(machine, executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/^States\.DataLimitExceeded: The state\/task 'Double'/);
    await machine.close();
  });

  it('fails an execution whose history passes 25,000 events', async () => {
    const machine = engine({
      StartAt: 'Again',
      States: {
        Again: { Type: 'Pass', Next: 'Forever' },
        Forever: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Again' },
        Done: { Type: 'Succeed' },
      },
    });
    const { executionArn } = machine.startExecution('endless', '{}');
    const execution = await finished(machine, executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/^States\.Runtime: the execution history reached the limit of 25000 events/);
    await machine.close();
  }, 120_000);
});
