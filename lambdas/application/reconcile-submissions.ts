import { isFinalNotificationStatus } from '../domain/notification-status';
import type { NotificationRecord } from '../domain/notification';
import type { SubmissionRecord } from '../domain/submission';
import type { AuditTrail } from '../store/audit-trail';
import type { NotificationRepository } from '../store/notification-repository';
import type { SubmissionRepository } from '../store/submission-repository';
import type { ExecutionState } from '../workflow-engine/workflow-engine';
import {
  collectionExecutionName,
  followUpExecutionName,
  redeliveryExecutionName,
  roundExecutionName,
  workflowInput,
  type WorkflowInput,
} from '../domain/workflow-runs';

export type { ExecutionState } from '../workflow-engine/workflow-engine';

export interface ReconcileDependencies {
  readonly submissions: Pick<SubmissionRepository, 'get' | 'listInProgress' | 'beginRecoveryRound'>;
  readonly notifications: Pick<NotificationRepository, 'getMany'>;
  readonly audit: Pick<AuditTrail, 'record'>;
  readonly executionState: (name: string) => Promise<ExecutionState>;
  /** Idempotent: a name already running is not started twice. */
  readonly startWorkflow: (name: string, input: WorkflowInput) => Promise<void>;
  readonly now: () => Date;
  /** How many submissions are looked at in parallel (default 8). */
  readonly concurrency?: number;
}

export interface ReconcileReport {
  readonly inProgress: number;
  /** Submissions whose workflow was (re)started by this pass. */
  readonly resumed: number;
  /** Submissions that could not be looked at this time (the next pass tries again). */
  readonly errors: number;
  /** Which submissions those were, and why (the error's name and message: AWS's messages name actions and ARNs, never item values). */
  readonly failures?: readonly ReconcileFailure[];
}

export interface ReconcileFailure {
  readonly submissionId: string;
  readonly errorName: string;
  /** The first line of the error's message, at most 300 characters. */
  readonly errorMessage: string;
}

/**
 * A sweep looks only at submissions in progress for longer than this: an execution that ends early
 * is followed at once through its status-change event, so the sweep is the safety net for what no
 * event announces (an execution never started, an event not delivered).
 */
export const STALE_AFTER_SECONDS = 3600;

/**
 * Makes sure every submission that is not final has a workflow execution working on it. Run at
 * start-up on one machine (where executions live in memory and a crash loses them) and on a
 * schedule on AWS (for executions that failed, timed out or were aborted).
 *
 * Nothing is sent twice because of it: every workflow step is idempotent (a notification already
 * delivered or answered is not sent again, one delivered but unanswered waits again under a fresh
 * task token), and every start is by a deterministic name, so two reconcilers, or a reconciler and
 * the submission's own start, converge on one execution.
 */
export async function reconcileSubmissions(
  deps: ReconcileDependencies,
  scope: { readonly createdBefore?: Date } = {},
): Promise<ReconcileReport> {
  const submissions = await deps.submissions.listInProgress(scope);
  let resumed = 0;
  const failures: ReconcileFailure[] = [];
  let next = 0;
  const worker = async () => {
    while (next < submissions.length) {
      const submission = submissions[next++];
      try {
        if (await reconcileSubmission(deps, submission)) resumed++;
      } catch (error) {
        // Storage or the workflow service briefly unavailable: the next pass tries again.
        const { name, message } = (error ?? {}) as Partial<Error>;
        failures.push({
          submissionId: submission.id,
          errorName: name ?? 'Error',
          errorMessage: String(message ?? error)
            .split('\n')[0]
            .slice(0, 300),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: deps.concurrency ?? 8 }, worker));
  return { inProgress: submissions.length, resumed, errors: failures.length, ...(failures.length ? { failures } : {}) };
}

/** The part of EventBridge's "Step Functions Execution Status Change" event the reconciler reads. */
export interface ExecutionEnded {
  readonly name: string;
  /** The execution's input, as JSON (absent from the event when it would be too large). */
  readonly input?: string | null;
}

// A round (`-resume-<n>`) or a withdrawal's finalising run; a redelivery, a feed collection's wait
// for the answer (`-collected`), or a correction or withdrawal notice's own run (named after the notification).
const SUBMISSION_EXECUTION_NAME = /^(sub_[0-9a-z]+)(?:-resume-\d+|-withdrawal)?$/;
const REDELIVERY_EXECUTION_NAME = /^(ntf_[0-9a-z]+)(?:-redelivery-\d+|-collected)?$/;

/** The submission an execution worked on: its input says, else its name does. */
async function submissionOfExecution(deps: ReconcileDependencies, execution: ExecutionEnded): Promise<string | undefined> {
  try {
    const input = JSON.parse(execution.input ?? 'null') as Partial<WorkflowInput> | null;
    if (typeof input?.submissionId === 'string') return input.submissionId;
  } catch {
    // Not JSON: fall back to the name.
  }
  const submission = SUBMISSION_EXECUTION_NAME.exec(execution.name);
  if (submission) return submission[1];
  const redelivery = REDELIVERY_EXECUTION_NAME.exec(execution.name);
  if (redelivery) return (await deps.notifications.getMany([redelivery[1]]))[0]?.submissionId;
  return undefined;
}

/**
 * An execution failed, timed out or was aborted (EventBridge tells the reconciler on AWS; the
 * local engine plays the same rule): gives that one submission a running workflow again, as the
 * sweep would, at once and without asking the workflow service about any other submission.
 */
export async function reconcileEndedExecution(deps: ReconcileDependencies, execution: ExecutionEnded): Promise<ReconcileReport> {
  const submissionId = await submissionOfExecution(deps, execution);
  const submission = submissionId ? await deps.submissions.get(submissionId) : undefined;
  if (!submission || submission.status !== 'IN_PROGRESS') return { inProgress: 0, resumed: 0, errors: 0 };
  return { inProgress: 1, resumed: (await reconcileSubmission(deps, submission)) ? 1 : 0, errors: 0 };
}

/** True when it started an execution. */
async function reconcileSubmission(deps: ReconcileDependencies, listed: SubmissionRecord): Promise<boolean> {
  const submission = await deps.submissions.get(listed.id);
  if (!submission || submission.status !== 'IN_PROGRESS') return false;

  const round = roundExecutionName(submission);
  const roundState = await deps.executionState(round);
  if (roundState === 'RUNNING') return false;
  if (roundState === 'MISSING') {
    // Never started (a crash before the start) or lost with the engine (one machine): start it under
    // its own name, which a concurrent start of the same round also uses. (Its first audit entry
    // was stored with it.)
    const notifications = await deps.notifications.getMany(submission.notificationIds);
    await deps.startWorkflow(round, workflowInput(submission.id, notifications, deps.now()));
    await recordResumed(deps, submission, round);
    return true;
  }

  // The round has ended yet the submission is not final: a redelivery, correction or withdrawal may
  // be under way, or an execution failed, timed out or was aborted. (Or it has just finalised it: look again.)
  const current = await deps.submissions.get(submission.id);
  if (!current || current.status !== 'IN_PROGRESS') return false;
  const notifications = await deps.notifications.getMany(submission.notificationIds);
  const open = notifications.filter((n) => !isFinalNotificationStatus(n.status, n.confirmationRequired));
  const uncovered: NotificationRecord[] = [];
  for (const notification of open) {
    // Left for a pull department's feed: no workflow is needed until it is collected.
    if (notification.status === 'PENDING' && notification.awaitingCollection) continue;
    // A feed read that delivered it starts its own run; so do a redelivery, a correction and a withdrawal.
    const followUp = (notification.kind ?? 'change') !== 'change';
    const name = notification.collectionRun
      ? collectionExecutionName(notification)
      : notification.redeliveries
        ? redeliveryExecutionName(notification)
        : followUp
          ? followUpExecutionName(notification)
          : undefined;
    if (!name) {
      uncovered.push(notification);
      continue;
    }
    const state = await deps.executionState(name);
    if (state === 'RUNNING') continue;
    if (state === 'MISSING') {
      await deps.startWorkflow(name, workflowInput(submission.id, [notification], deps.now()));
      await recordResumed(deps, submission, name);
      return true;
    }
    uncovered.push(notification);
  }
  if (open.length > 0 && uncovered.length === 0) return false; // Redeliveries, follow-ups or collections are under way, or awaited.

  // A fresh round for what is left (nothing left: it only finalises the submission).
  const rounds = submission.recoveryRounds ?? 0;
  if (!(await deps.submissions.beginRecoveryRound(submission.id, rounds, deps.now()))) return false; // Another reconciler did.
  const fresh = roundExecutionName({ id: submission.id, recoveryRounds: rounds + 1 });
  await deps.startWorkflow(fresh, workflowInput(submission.id, uncovered, deps.now()));
  await recordResumed(deps, submission, fresh);
  return true;
}

async function recordResumed(deps: ReconcileDependencies, submission: SubmissionRecord, executionName: string): Promise<void> {
  await deps.audit.record({
    submissionId: submission.id,
    key: `RESUMED#${executionName}`,
    at: deps.now().toISOString(),
    type: 'WORKFLOW_RESUMED',
    actor: 'service',
    detail: 'The workflow was resumed after an interruption',
  });
}
