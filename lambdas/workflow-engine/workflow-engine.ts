import type { WorkflowInput } from '../domain/workflow-runs';

export type { WorkflowInput, WorkflowNotification } from '../domain/workflow-runs';

/** What the workflow service says of a named execution; `MISSING` when it has none by that name. */
export type ExecutionState = 'RUNNING' | 'FINISHED' | 'MISSING';

/**
 * The workflow engine as the use cases see it: Step Functions on AWS and on one machine (through
 * the local Step Functions endpoint), both by `step-functions-workflow-engine.ts`. Use cases take
 * the members they need as functions of these types.
 */
export interface WorkflowEngine {
  /** Idempotent: a name already used is not started twice (the work is, or was, under way). */
  start(name: string, input: WorkflowInput): Promise<void>;
  /** Ends a waiting task with this output; a token no longer waited on is not an error. */
  resume(taskToken: string, output: unknown): Promise<void>;
  /** Ends a waiting task with a named error its state's Retry or Catch handles. */
  fail(taskToken: string, error: string, cause: string): Promise<void>;
  executionState(name: string): Promise<ExecutionState>;
}
