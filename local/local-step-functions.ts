import './promise-with-resolvers';
import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { serveAwsJsonProtocol, type AwsJsonEndpoint } from './aws-json-endpoint';
import { withScaledRetrySchedules } from './retry-schedule';
import type { AuthorisationRequest } from './iam-policy-evaluator';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template-resources';

type TaskInvoker = (functionArn: string, payload: unknown) => Promise<unknown>;

/**
 * Checks a request against the state machine's own role (IAM and the key policy); returns the
 * refusal, or undefined when allowed.
 */
export type RoleAuthoriser = (request: AuthorisationRequest) => Error | undefined;

export interface StateMachineAccess {
  readonly authorise: RoleAuthoriser;
  /** The customer-managed key the state machine's data is encrypted with, if any. */
  readonly kmsKeyArn?: string;
}

/** An execution event of the engine (the library does not export its type). */
export type WorkflowEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** Sees every event of every execution (StateEntered, ExecutionSucceeded, ...), e.g. to count state transitions. */
export type WorkflowEventObserver = (executionName: string, event: WorkflowEvent) => void;

/** An execution in progress: the engine's run, until it closes. */
interface RunningExecution {
  readonly arn: string;
  readonly input: string;
  readonly startDate: Date;
  abort: () => void;
}

type ClosedStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * What remains of a closed execution: what DescribeExecution answers and what makes its name
 * taken. Its output is not kept (nothing reads it, and everything the run did is in DynamoDB).
 */
interface ClosedExecution {
  readonly status: ClosedStatus;
  readonly startMs: number;
  readonly stopMs: number;
  readonly input: string;
  readonly error?: string;
}

/** The `detail` of EventBridge's "Step Functions Execution Status Change" event. */
export interface ExecutionStatusChange {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: 'RUNNING' | ClosedStatus;
  readonly startDate: number;
  readonly stopDate: number | null;
  readonly input: string;
  readonly output: null;
  readonly error?: string;
}

interface WaitingTask {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** Step Functions keeps a closed Standard execution (and its name) for 90 days. */
const CLOSED_EXECUTION_RETENTION_MS = 90 * 86_400_000;

/** AWS Step Functions quotas that a run on one machine must meet as it would on AWS. */
export const STEP_FUNCTIONS_LIMITS = {
  /** Execution input, state input and output, task results: 256 KiB of UTF-8. */
  payloadBytes: 256 * 1024,
  historyEvents: 25_000,
  executionNameLength: 80,
} as const;

/** Execution names: no whitespace, brackets, wildcards, these punctuation marks or control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what AWS refuses
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

class StepFunctionsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * A payload over the limit: a terminal error, which no Retry and no Catch (`States.ALL` included)
 * handles, so the execution fails. (The engine reads `isRetryable`/`isCatchable` off the error.)
 */
class DataLimitExceeded extends StepFunctionsError {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(what: string, size: number) {
    super(
      'States.DataLimitExceeded',
      `The state/task ${what}returned a result with a size exceeding the maximum number of bytes service limit (${size} bytes).`,
    );
  }
}

/** Marks the runs of this engine (its run options reach Map iterations and Parallel branches too). */
const WITHIN_LIMITS = Symbol('tell-us-once:payload-limits');

/**
 * Step Functions fails an execution whose state produces an output over 256 KiB
 * (`States.DataLimitExceeded`, which `States.ALL` does not catch), whatever the state: a Pass, a
 * Map's gathered results, a Task's result after ResultPath. The library has no hook for a state's
 * output, so each run of this engine checks it where the library announces it (StateExited), in
 * the top-level run and in every nested one (Map iterations, Parallel branches), before the next
 * state starts.
 */
function enforceStateOutputLimit(): void {
  const prototype = StateMachine.prototype as any;
  if (prototype[WITHIN_LIMITS]) return;
  prototype[WITHIN_LIMITS] = true;
  const execute = prototype.execute as (input: unknown, options: any, cleanup: () => void) => Promise<unknown>;
  prototype.execute = function executeWithinLimits(this: StateMachine, input: unknown, options: any, cleanup: () => void) {
    const logger = options?.eventLogger;
    if (options?.runOptions?.[WITHIN_LIMITS] && logger) {
      const exited = logger.dispatchStateExitedEvent.bind(logger);
      logger.dispatchStateExitedEvent = (stateName: string, stateType: string, stateInput: unknown, output: unknown) => {
        const size = utf8Bytes(JSON.stringify(output ?? null));
        if (size > STEP_FUNCTIONS_LIMITS.payloadBytes) {
          throw new DataLimitExceeded(`'${stateName}' `, size);
        }
        exited(stateName, stateType, stateInput, output);
      };
    }
    return execute.call(this, input, options, cleanup);
  };
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
  /** By name. A run is dropped as soon as it closes: memory follows the executions in progress. */
  private readonly running = new Map<string, RunningExecution>();
  /** By name, oldest first. */
  private readonly closed = new Map<string, ClosedExecution>();
  private statusListener?: (change: ExecutionStatusChange) => void;
  private closing = false;
  private readonly waiting = new Map<string, WaitingTask>();
  private readonly overrides: Record<string, (input: any) => Promise<any>> = {};
  /**
   * Rejected when the engine closes: every task still running settles with it, so that no task's
   * timeout timer (the department's, for DeliverAndAwait: days) outlives the engine.
   */
  private rejectStopped!: (error: Error) => void;
  private readonly stopped = new Promise<never>((_, reject) => {
    this.rejectStopped = reject;
  });

  constructor(
    private readonly stateMachineArn: string,
    definition: any,
    invoke: TaskInvoker,
    timeScale: number,
    private readonly onEvent?: WorkflowEventObserver,
    private readonly access?: StateMachineAccess,
  ) {
    // Validated as synthesized, run with each Retry's schedule scaled by TUO_TIME_SCALE.
    new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
    this.machine = new StateMachine(withScaledRetrySchedules(definition, timeScale), { validationOptions: { noValidate: true } });
    enforceStateOutputLimit();
    for (const [name, state] of taskStates(definition)) {
      this.overrides[name] = (input) => this.runTask(state, input, invoke);
    }
  }

  /**
   * Step Functions calls each Task's function with the state machine's role: without
   * lambda:InvokeFunction on that function the task fails as it fails on AWS.
   */
  private authoriseInvoke(functionArn: string): void {
    const denied = this.access?.authorise({ action: 'lambda:InvokeFunction', resource: functionArn });
    if (denied)
      throw new StepFunctionsError(
        'Lambda.AWSLambdaException',
        `${denied.message} (Service: Lambda, Status Code: 403, Error Code: AccessDeniedException)`,
      );
  }

  /**
   * An encrypted state machine encrypts and decrypts its executions' data with its role's
   * permissions on the key, in the encryption context of the state machine's ARN.
   */
  private authoriseKeyUse(actions: readonly string[]): void {
    if (!this.access?.kmsKeyArn) return;
    for (const action of actions) {
      const denied = this.access.authorise({
        action,
        resource: this.access.kmsKeyArn,
        context: {
          'kms:EncryptionContext:aws:states:stateMachineArn': this.stateMachineArn,
          'kms:EncryptionContextKeys': ['aws:states:stateMachineArn'],
          'kms:CallerAccount': LOCAL_ACCOUNT,
          'kms:ViaService': `states.${LOCAL_REGION}.amazonaws.com`,
        },
      });
      if (denied) throw new StepFunctionsError('KmsAccessDeniedException', denied.message);
    }
  }

  /** A task's result over 256 KiB fails the execution, as on AWS (before ResultPath; the state's output is checked after). */
  private async runTask(state: any, input: any, invoke: TaskInvoker): Promise<unknown> {
    const result = await Promise.race([this.runTaskWithinLimits(state, input, invoke), this.stopped]);
    const size = utf8Bytes(JSON.stringify(result ?? null));
    if (size > STEP_FUNCTIONS_LIMITS.payloadBytes) {
      throw new DataLimitExceeded('', size);
    }
    return result;
  }

  private async runTaskWithinLimits(state: any, input: any, invoke: TaskInvoker): Promise<unknown> {
    const resource = state.Resource as string;
    this.authoriseInvoke(resource === LAMBDA_INVOKE || resource === LAMBDA_INVOKE_WAIT ? input.FunctionName : resource);
    if (resource === LAMBDA_INVOKE) {
      const payload = await invoke(input.FunctionName, input.Payload);
      return { StatusCode: 200, Payload: payload ?? null };
    }
    if (resource === LAMBDA_INVOKE_WAIT) {
      const token = input.Payload?.taskToken as string | undefined;
      if (!token) throw new StepFunctionsError('States.Runtime', 'The waitForTaskToken payload carries no task token');
      const answered = this.waitForToken(token, Number(input.Payload?.timeoutSeconds ?? 31_536_000));
      // The handler may end its own task (SendTaskFailure) before it returns: not an unhandled rejection.
      answered.catch(() => undefined);
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
    if (
      typeof name !== 'string' ||
      name.length < 1 ||
      name.length > STEP_FUNCTIONS_LIMITS.executionNameLength ||
      INVALID_NAME_CHARACTERS.test(name)
    ) {
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    }
    if (utf8Bytes(input) > STEP_FUNCTIONS_LIMITS.payloadBytes) {
      throw new StepFunctionsError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${STEP_FUNCTIONS_LIMITS.payloadBytes}`,
      );
    }
    const arn = this.executionArn(name);
    const running = this.running.get(name);
    if (running?.input === input) return { executionArn: arn, startDate: running.startDate };
    if (running || this.closed.has(name)) throw new StepFunctionsError('ExecutionAlreadyExists', `Execution already exists: '${arn}'`);
    this.authoriseKeyUse(['kms:GenerateDataKey', 'kms:Decrypt']);
    const run = this.machine.run(JSON.parse(input), {
      ...{ [WITHIN_LIMITS]: true },
      overrides: { taskResourceLocalHandlers: this.overrides },
      context: {
        Execution: { Id: arn, Name: name, StartTime: new Date().toISOString() },
        StateMachine: { Id: this.stateMachineArn },
        // Read once per evaluation of `$$.Task.Token`: every waiting task gets its own token.
        Task: {
          get Token() {
            return randomBytes(24).toString('base64url');
          },
        },
      },
    });
    const execution: RunningExecution = { arn, input, startDate: new Date(), abort: run.abort };
    this.running.set(name, execution);
    this.announce(name, execution, 'RUNNING');
    void this.forwardEvents(name, run.eventLogs, execution);
    run.result.then(
      () => this.finish(name, execution, 'SUCCEEDED'),
      (error: Error & { cause?: Error }) => {
        if (this.running.get(name) !== execution) return; // Ended already (its history reached the limit).
        const cause = error?.cause ?? error;
        const status =
          error?.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : error?.name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
        this.finish(name, execution, status, `${cause?.name ?? 'Error'}: ${String(cause?.message ?? '').split('\n')[0]}`);
      },
    );
    return { executionArn: arn, startDate: execution.startDate };
  }

  /** Plays EventBridge's "Step Functions Execution Status Change" events (e.g. for the template's rules). */
  onExecutionStatusChange(listener: (change: ExecutionStatusChange) => void): void {
    this.statusListener = listener;
  }

  private executionArn(name: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.stateMachineArn.split(':').pop()}:${name}`;
  }

  /** Counts each execution's history (25,000 events at most on AWS) and passes events to the observer. */
  private async forwardEvents(name: string, events: AsyncGenerator<WorkflowEvent>, execution: RunningExecution): Promise<void> {
    let count = 0;
    for await (const event of events) {
      this.onEvent?.(name, event);
      if (++count > STEP_FUNCTIONS_LIMITS.historyEvents && this.running.get(name) === execution) {
        execution.abort();
        this.finish(
          name,
          execution,
          'FAILED',
          `States.Runtime: the execution history reached the limit of ${STEP_FUNCTIONS_LIMITS.historyEvents} events`,
        );
        return;
      }
    }
  }

  private finish(name: string, execution: RunningExecution, status: ClosedStatus, error?: string): void {
    this.running.delete(name);
    const closed: ClosedExecution = { status, startMs: execution.startDate.getTime(), stopMs: Date.now(), input: execution.input, error };
    this.closed.set(name, closed);
    // Forget what Step Functions forgets: the oldest closed executions past their retention.
    for (const [oldName, old] of this.closed) {
      if (old.stopMs > closed.stopMs - CLOSED_EXECUTION_RETENTION_MS) break;
      this.closed.delete(oldName);
    }
    if (this.closing) return; // Stopping the machine is not StopExecution: nothing to announce.
    if (status === 'FAILED') console.error(`[workflow] execution ${name} failed: ${error}`);
    this.announce(name, closed, status);
  }

  private announce(name: string, execution: RunningExecution | ClosedExecution, status: ExecutionStatusChange['status']): void {
    if (!this.statusListener) return;
    const closed = 'stopMs' in execution ? execution : undefined;
    this.statusListener({
      executionArn: this.executionArn(name),
      stateMachineArn: this.stateMachineArn,
      name,
      status,
      startDate: closed ? closed.startMs : (execution as RunningExecution).startDate.getTime(),
      stopDate: closed ? closed.stopMs : null,
      input: execution.input,
      output: null,
      ...(closed?.error ? { error: closed.error.split(':')[0] } : {}),
    });
  }

  sendTaskSuccess(token: string, output: string): void {
    if (!this.waiting.has(token)) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
    this.authoriseKeyUse(['kms:GenerateDataKey']); // The task's output is encrypted.
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
    const name = arn.startsWith(this.executionArn('')) ? arn.slice(this.executionArn('').length) : '';
    const running = this.running.get(name);
    const closed = this.closed.get(name);
    if (!running && !closed) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution does not exist: '${arn}'`);
    return {
      executionArn: arn,
      stateMachineArn: this.stateMachineArn,
      name,
      status: closed?.status ?? 'RUNNING',
      startDate: (closed?.startMs ?? running!.startDate.getTime()) / 1000,
      stopDate: closed ? closed.stopMs / 1000 : undefined,
      input: closed?.input ?? running!.input,
      error: closed?.error,
    };
  }

  runningExecutions(): number {
    return this.running.size;
  }

  /**
   * The JSON 1.0 protocol endpoint `AWS_ENDPOINT_URL_SFN` points the SDK at. It answers only
   * requests signed with this access key id, and none from a web page.
   */
  async listen(accessKeyId: string): Promise<string> {
    this.endpoint = await serveAwsJsonProtocol(
      {
        targetPrefix: 'AWSStepFunctions.',
        contentType: 'application/x-amz-json-1.0',
        errorName: (error) => (error instanceof StepFunctionsError ? error.name : 'InvalidParameterValueException'),
        dispatch: (operation, body) => this.dispatch(operation, body),
      },
      accessKeyId,
    );
    return this.endpoint.url;
  }

  private endpoint?: AwsJsonEndpoint;

  private dispatch(operation: string, body: any): unknown {
    switch (operation) {
      case 'StartExecution': {
        if (body.stateMachineArn !== this.stateMachineArn)
          throw new StepFunctionsError('StateMachineDoesNotExist', `State machine does not exist: '${body.stateMachineArn}'`);
        const { executionArn, startDate } = this.startExecution(body.name, body.input ?? '{}');
        return { executionArn, startDate: startDate.getTime() / 1000 };
      }
      case 'SendTaskSuccess':
        this.sendTaskSuccess(body.taskToken, body.output);
        return {};
      case 'SendTaskFailure':
        this.sendTaskFailure(body.taskToken, body.error, body.cause);
        return {};
      case 'SendTaskHeartbeat':
        this.takeWaitingTaskPeek(body.taskToken);
        return {};
      case 'DescribeExecution':
        return this.describeExecution(body.executionArn);
      default:
        throw new StepFunctionsError('UnknownOperationException', `${operation} is not available on one machine`);
    }
  }

  private takeWaitingTaskPeek(token: string): void {
    if (!this.waiting.has(token)) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopped.catch(() => undefined);
    this.rejectStopped(new StepFunctionsError('States.Runtime', 'The workflow engine stopped'));
    for (const execution of [...this.running.values()]) execution.abort();
    // Settle every waiting task: the engine clears a task's timeout timer only once its task settles,
    // and a department's timeout can be days long. The executions are aborted already.
    for (const [token, task] of [...this.waiting]) {
      this.abandon(token);
      task.reject(new StepFunctionsError('States.Runtime', 'The workflow engine stopped'));
    }
    await this.endpoint?.close();
  }
}
