import './promise-with-resolvers';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import { refuseUnlessLocalClient } from './local-endpoint-guard';
import { withScaledRetrySchedules } from './retry-schedule';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template-resources';

type TaskInvoker = (functionArn: string, payload: unknown) => Promise<unknown>;

/** An execution event of the engine (the library does not export its type). */
export type WorkflowEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** Sees every event of every execution (StateEntered, ExecutionSucceeded, ...), e.g. to count state transitions. */
export type WorkflowEventObserver = (executionName: string, event: WorkflowEvent) => void;

interface Execution {
  readonly arn: string;
  readonly input: string;
  readonly startDate: Date;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  stopDate?: Date;
  output?: string;
  error?: string;
  abort: () => void;
}

interface WaitingTask {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const FINISHED_EXECUTIONS_KEPT = 10_000;

class StepFunctionsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Every Task state in the definition, Map and Parallel branches included. */
function taskStates(definition: any): Array<[string, any]> {
  const found: Array<[string, any]> = [];
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    if (state.Type === 'Task') found.push([name, state]);
    for (const nested of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) {
      if (nested) found.push(...taskStates(nested));
    }
  }
  return found;
}

/**
 * Runs the synthesized state machine with aws-local-stepfunctions and offers the subset of the
 * Step Functions API the handlers use (StartExecution, SendTaskSuccess/Failure, DescribeExecution)
 * over the same JSON protocol, so `@aws-sdk/client-sfn` works unchanged against it.
 *
 * The library has no task tokens: each `.waitForTaskToken` task gets a fresh token through the
 * context object, and its local override waits until the token is answered.
 */
export class LocalStepFunctions {
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, Execution>();
  private readonly waiting = new Map<string, WaitingTask>();
  private readonly overrides: Record<string, (input: any) => Promise<any>> = {};
  private server?: http.Server;

  constructor(
    private readonly stateMachineArn: string,
    definition: any,
    invoke: TaskInvoker,
    timeScale: number,
    private readonly onEvent?: WorkflowEventObserver,
  ) {
    // Validated as synthesized, run with each Retry's schedule scaled by TUO_TIME_SCALE.
    new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
    this.machine = new StateMachine(withScaledRetrySchedules(definition, timeScale), { validationOptions: { noValidate: true } });
    for (const [name, state] of taskStates(definition)) {
      this.overrides[name] = (input) => this.runTask(state, input, invoke);
    }
  }

  private async runTask(state: any, input: any, invoke: TaskInvoker): Promise<unknown> {
    const resource = state.Resource as string;
    if (resource === LAMBDA_INVOKE) {
      const payload = await invoke(input.FunctionName, input.Payload);
      return { StatusCode: 200, Payload: payload ?? null };
    }
    if (resource === LAMBDA_INVOKE_WAIT) {
      const token = input.Payload?.taskToken as string | undefined;
      if (!token) throw new StepFunctionsError('States.Runtime', 'The waitForTaskToken payload carries no task token');
      const answered = this.waitForToken(token, Number(input.Payload?.timeoutSeconds ?? 31_536_000));
      try {
        await invoke(input.FunctionName, input.Payload);
      } catch (error) {
        this.abandon(token);
        throw error;
      }
      return answered;
    }
    return invoke(resource, input); // A function ARN as Resource: the payload is the state input.
  }

  private waitForToken(token: string, timeoutSeconds: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // The engine times the task out itself; this only forgets the token afterwards.
      const timer = setTimeout(() => this.abandon(token), Math.min(timeoutSeconds * 1000 + 5_000, 2 ** 31 - 1));
      timer.unref();
      this.waiting.set(token, { resolve, reject, timer });
    });
  }

  private abandon(token: string): void {
    const task = this.waiting.get(token);
    if (task) clearTimeout(task.timer);
    this.waiting.delete(token);
  }

  startExecution(name: string, input: string): { executionArn: string; startDate: Date } {
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: existing.arn, startDate: existing.startDate };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution already exists: '${existing.arn}'`);
    }
    const arn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.stateMachineArn.split(':').pop()}:${name}`;
    const run = this.machine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: this.overrides },
      context: {
        Execution: { Id: arn, Name: name, StartTime: new Date().toISOString() },
        StateMachine: { Id: this.stateMachineArn },
        // Read once per evaluation of `$$.Task.Token`: every waiting task gets its own token.
        Task: { get Token() { return randomBytes(24).toString('base64url'); } },
      },
    });
    const execution: Execution = { arn, input, startDate: new Date(), status: 'RUNNING', abort: run.abort };
    this.executions.set(name, execution);
    if (this.onEvent) void this.forwardEvents(name, run.eventLogs, this.onEvent);
    run.result.then(
      (output) => this.finish(execution, 'SUCCEEDED', { output: JSON.stringify(output) }),
      (error: Error & { cause?: Error }) => {
        const cause = error?.cause ?? error;
        this.finish(execution, 'FAILED', { error: `${cause?.name ?? 'Error'}: ${String(cause?.message ?? '').split('\n')[0]}` });
      },
    );
    return { executionArn: arn, startDate: execution.startDate };
  }

  private async forwardEvents(name: string, events: AsyncGenerator<WorkflowEvent>, observer: WorkflowEventObserver): Promise<void> {
    for await (const event of events) observer(name, event);
  }

  private finish(execution: Execution, status: Execution['status'], result: { output?: string; error?: string }): void {
    Object.assign(execution, { status, stopDate: new Date(), ...result });
    if (status === 'FAILED') console.error(`[workflow] execution ${execution.arn.split(':').pop()} failed: ${result.error}`);
    // Keep memory bounded on a long-running machine: forget the oldest finished executions.
    if (this.executions.size > FINISHED_EXECUTIONS_KEPT) {
      for (const [name, e] of this.executions) {
        if (this.executions.size <= FINISHED_EXECUTIONS_KEPT) break;
        if (e.status !== 'RUNNING') this.executions.delete(name);
      }
    }
  }

  sendTaskSuccess(token: string, output: string): void {
    const task = this.takeWaitingTask(token);
    task.resolve(JSON.parse(output));
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    const task = this.takeWaitingTask(token);
    task.reject(new StepFunctionsError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  private takeWaitingTask(token: string): WaitingTask {
    const task = this.waiting.get(token);
    if (!task) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
    this.abandon(token);
    return task;
  }

  describeExecution(arn: string) {
    const execution = [...this.executions.values()].find((e) => e.arn === arn);
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution does not exist: '${arn}'`);
    return {
      executionArn: execution.arn,
      stateMachineArn: this.stateMachineArn,
      name: arn.split(':').pop(),
      status: execution.status,
      startDate: execution.startDate.getTime() / 1000,
      stopDate: execution.stopDate ? execution.stopDate.getTime() / 1000 : undefined,
      input: execution.input,
      output: execution.output,
      error: execution.error,
    };
  }

  runningExecutions(): number {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING').length;
  }

  /**
   * The JSON 1.0 protocol endpoint `AWS_ENDPOINT_URL_SFN` points the SDK at. It answers only
   * requests signed with this access key id, and none from a web page.
   */
  async listen(accessKeyId: string): Promise<string> {
    this.server = http.createServer((req, res) => {
      if (refuseUnlessLocalClient(req, res, accessKeyId)) return;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(body));
        };
        try {
          const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
          reply(200, this.dispatch(operation, body));
        } catch (error) {
          const name = error instanceof StepFunctionsError ? error.name : 'InvalidParameterValueException';
          reply(400, { __type: name, message: (error as Error).message });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private dispatch(operation: string, body: any): unknown {
    switch (operation) {
      case 'StartExecution': {
        if (body.stateMachineArn !== this.stateMachineArn) throw new StepFunctionsError('StateMachineDoesNotExist', `State machine does not exist: '${body.stateMachineArn}'`);
        const { executionArn, startDate } = this.startExecution(body.name, body.input ?? '{}');
        return { executionArn, startDate: startDate.getTime() / 1000 };
      }
      case 'SendTaskSuccess': this.sendTaskSuccess(body.taskToken, body.output); return {};
      case 'SendTaskFailure': this.sendTaskFailure(body.taskToken, body.error, body.cause); return {};
      case 'SendTaskHeartbeat': this.takeWaitingTaskPeek(body.taskToken); return {};
      case 'DescribeExecution': return this.describeExecution(body.executionArn);
      default: throw new StepFunctionsError('UnknownOperationException', `${operation} is not available on one machine`);
    }
  }

  private takeWaitingTaskPeek(token: string): void {
    if (!this.waiting.has(token)) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
  }

  async close(): Promise<void> {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.abort();
    // Settle every waiting task: the engine clears a task's timeout timer only once its task settles,
    // and a department's timeout can be days long. The executions are aborted already.
    for (const [token, task] of [...this.waiting]) {
      this.abandon(token);
      task.reject(new StepFunctionsError('States.Runtime', 'The workflow engine stopped'));
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
