import { LocalStepFunctions, type ExecutionStatusChange } from '../../local/local-step-functions';

const MACHINE_ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:Records';
const definition = {
  StartAt: 'Step',
  States: {
    Step: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      End: true,
      Parameters: { FunctionName: 'arn:aws:lambda:eu-west-2:000000000000:function:Step', 'Payload.$': '$' },
    },
  },
};

async function closed(engine: LocalStepFunctions, arn: string) {
  while (engine.describeExecution(arn).status === 'RUNNING') await new Promise((resolve) => setImmediate(resolve));
  return engine.describeExecution(arn);
}

describe('the local engine keeps what Step Functions answers about closed executions, and nothing of their runs', () => {
  let engine: LocalStepFunctions;
  const changes: ExecutionStatusChange[] = [];

  beforeAll(() => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    engine = new LocalStepFunctions(
      MACHINE_ARN,
      definition,
      async (_arn, payload: any) => {
        if (payload.fail) throw Object.assign(new Error('it broke'), { name: 'Broken' });
        return { ok: true };
      },
      0.001,
    );
    engine.onExecutionStatusChange((change) => changes.push(change));
  });
  afterAll(() => engine.close());

  it('forgets a run once it closes, yet describes it, and its name stays taken', async () => {
    const { executionArn } = engine.startExecution('sub_a', '{"submissionId":"sub_a"}');
    expect(engine.runningExecutions()).toBe(1);
    expect(await closed(engine, executionArn)).toMatchObject({
      name: 'sub_a',
      status: 'SUCCEEDED',
      input: '{"submissionId":"sub_a"}',
      stopDate: expect.any(Number),
    });
    expect(engine.runningExecutions()).toBe(0);
    expect(() => engine.startExecution('sub_a', '{"submissionId":"sub_a"}')).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
    expect(() => engine.describeExecution(`${executionArn}-other`)).toThrow(expect.objectContaining({ name: 'ExecutionDoesNotExist' }));
  });

  it('announces each status change in the shape of EventBridge\'s "Step Functions Execution Status Change" detail', async () => {
    changes.length = 0;
    const { executionArn } = engine.startExecution('sub_b', '{"fail":true}');
    expect(await closed(engine, executionArn)).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^Broken/) });
    expect(changes).toEqual([
      expect.objectContaining({ executionArn, stateMachineArn: MACHINE_ARN, name: 'sub_b', status: 'RUNNING', stopDate: null }),
      expect.objectContaining({
        executionArn,
        stateMachineArn: MACHINE_ARN,
        name: 'sub_b',
        status: 'FAILED',
        input: '{"fail":true}',
        error: 'Broken',
        stopDate: expect.any(Number),
      }),
    ]);
  });
});
