import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { traced } from '../observability/tracer';
import { serviceSettings } from '../service-settings';

let client: SFNClient | undefined;
const sfn = () => (client ??= traced(new SFNClient({})));

/**
 * Starts the notification workflow of a submission. The execution is named after the submission,
 * so starting it twice never notifies anyone twice.
 */
export async function startNotificationWorkflow(submissionId: string): Promise<void> {
  await startWorkflowExecution(submissionId, { submissionId });
}

/**
 * Starts a named execution; a name already used means the work is (or was) under way, which is
 * what an idempotent start wants.
 */
export async function startWorkflowExecution(name: string, input: { submissionId: string; notificationIds?: string[] }): Promise<void> {
  try {
    await sfn().send(new StartExecutionCommand({
      stateMachineArn: serviceSettings.stateMachineArn,
      name,
      input: JSON.stringify(input),
    }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
  }
}

/**
 * Lets the workflow waiting on a department's answer go on. A token the workflow no longer waits
 * on (it timed out, or this answer was already passed on) is not an error.
 */
export async function resumeWaitingWorkflow(taskToken: string, output: unknown): Promise<void> {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'TaskTimedOut' && name !== 'InvalidToken' && name !== 'TaskDoesNotExist') throw error;
  }
}
