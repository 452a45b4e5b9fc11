import * as z from 'zod/mini';
import {
  reconcileEndedExecution,
  reconcileSubmissions,
  STALE_AFTER_SECONDS,
  type ReconcileReport,
} from '../application/reconcile-submissions';
import { logger, withLambdaContext, type LogIds } from '../observability/logger';
import { serviceSettings } from '../service-settings';
import { serviceRepositories } from '../store/service-repositories';
import { startWorkflowExecution, workflowExecutionState } from '../workflow-engine/step-functions-workflow-engine';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.reconcileSubmissions);

const repositories = serviceRepositories();

/** EventBridge's "Step Functions Execution Status Change" event, as the rule passes it (FAILED, TIMED_OUT, ABORTED). */
const executionStatusChange = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({ name: z.string(), status: z.string(), input: z.nullish(z.string()) }),
});

/** What the one-machine runtime sends at start-up, when every execution was lost with the engine. */
const startUp = z.object({ source: z.literal('tell-us-once.start-up') });

/**
 * Three triggers, one use case: an execution that ended early (resume its submission), the slow
 * schedule (sweep the stale submissions only), start-up on one machine (every submission not final).
 * Each submission that could not be looked at is logged, with its id and the error's name and
 * message; the others are reconciled all the same, and the next pass tries it again.
 */
export const handler = withLambdaContext(async (event: unknown): Promise<ReconcileReport> => {
  const deps = { ...repositories, executionState: workflowExecutionState, startWorkflow: startWorkflowExecution, now: () => new Date() };
  const ended = executionStatusChange.safeParse(event);
  let report: ReconcileReport;
  if (ended.success) report = await reconcileEndedExecution(deps, ended.data.detail);
  else if (startUp.safeParse(event).success) report = await reconcileSubmissions(deps);
  else
    report = await reconcileSubmissions(deps, {
      createdBefore: new Date(Date.now() - STALE_AFTER_SECONDS * 1000 * serviceSettings.timeScale),
    });
  const trigger = ended.success ? `execution ${ended.data.detail.status}` : 'sweep';
  for (const failure of report.failures ?? []) logger.warn('Submission not reconciled this time', { ...failure, trigger });
  const { failures: _failures, ...counts } = report;
  if (report.errors > 0) logger.warn('Reconciled submissions, some not this time', { ...counts, trigger });
  else if (report.resumed > 0) logger.info('Reconciled submissions', { ...counts, trigger });
  return report;
}, submissionOfEvent);

/** The submission an ended execution's input names, for the log lines of its reconciliation. */
function submissionOfEvent(event: unknown): LogIds {
  const ended = executionStatusChange.safeParse(event);
  if (!ended.success) return {};
  try {
    return {
      submissionId: (JSON.parse(ended.data.detail.input ?? 'null') as { submissionId?: unknown } | null)?.submissionId as
        string | undefined,
    };
  } catch {
    return {};
  }
}
