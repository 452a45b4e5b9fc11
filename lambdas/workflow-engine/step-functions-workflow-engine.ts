import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionState, WorkflowEngine, WorkflowInput } from './workflow-engine';
import { traced } from '../observability/tracer';
import { serviceSettings } from '../service-settings';

let client: SFNClient | undefined;
const sfn = () => (client ??= traced(new SFNClient({})));

/**
 * Starts a named execution (a submission's is named after it, so starting it twice never notifies
 * anyone twice); a name already used means the work is (or was) under way, which is what an
 * idempotent start wants.
 */
export const startWorkflowExecution: WorkflowEngine['start'] = async (name: string, input: WorkflowInput) => {
  try {
    await sfn().send(
      new StartExecutionCommand({
        stateMachineArn: serviceSettings.stateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
  }
};

/**
 * Lets the workflow waiting on a department's answer go on. A token the workflow no longer waits
 * on (it timed out, or this answer was already passed on) is not an error.
 */
export const resumeWaitingWorkflow: WorkflowEngine['resume'] = async (taskToken: string, output: unknown) => {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'TaskTimedOut' && name !== 'InvalidToken' && name !== 'TaskDoesNotExist') throw error;
  }
};

/**
 * Ends a waiting task with a named error its state's Retry or Catch handles (a delivery to try
 * again); the cause carries what the definition reads (the time to try again). A token no longer
 * waited on is not an error.
 */
export const failWaitingTask: WorkflowEngine['fail'] = async (taskToken: string, error: string, cause: string) => {
  try {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }));
  } catch (failure) {
    const name = (failure as { name?: string }).name;
    if (name !== 'TaskTimedOut' && name !== 'InvalidToken' && name !== 'TaskDoesNotExist') throw failure;
  }
};

/** The ARN Step Functions gives the execution of this state machine with this name. */
export const executionArnFor = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Whether the named execution is working (RUNNING, or PENDING_REDRIVE: about to), has ended
 * (SUCCEEDED, FAILED, TIMED_OUT, ABORTED), or was never started (or, on one machine, was lost
 * with the engine).
 */
export const workflowExecutionState: WorkflowEngine['executionState'] = async (name: string): Promise<ExecutionState> => {
  try {
    const { status } = await sfn().send(
      new DescribeExecutionCommand({ executionArn: executionArnFor(serviceSettings.stateMachineArn, name) }),
    );
    return status === 'RUNNING' || status === 'PENDING_REDRIVE' ? 'RUNNING' : 'FINISHED';
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return 'MISSING';
    throw error;
  }
};
