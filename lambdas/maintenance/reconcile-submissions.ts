import { reconcileSubmissions, type ReconcileReport } from '../application/reconcile-submissions';
import { logger } from '../observability/logger';
import { serviceRepositories } from '../store/service-repositories';
import { startWorkflowExecution, workflowExecutionState } from '../workflow/workflow-control';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.reconcileSubmissions);

const repositories = serviceRepositories();

/**
 * Scheduled on AWS, and run once at start-up on one machine: every submission not yet final gets
 * a workflow execution working on it again.
 */
export async function handler(): Promise<ReconcileReport> {
  const report = await reconcileSubmissions({
    ...repositories,
    executionState: workflowExecutionState,
    startWorkflow: startWorkflowExecution,
    now: () => new Date(),
  });
  if (report.resumed > 0 || report.errors > 0) logger.info('Reconciled submissions', { ...report });
  return report;
}
