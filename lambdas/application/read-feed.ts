import { fieldsToServe } from '../domain/entitlement';
import { subjectOf } from '../domain/notification-event';
import type { NotificationStatus } from '../domain/notification-status';
import type { DepartmentRecord } from '../domain/department';
import type { NotificationRecord } from '../domain/notification';
import type { ServiceRepositories } from '../store/service-repositories';
import type { OutcomeMetrics } from '../observability/outcome-metrics';
import { recordDelivered } from './record-delivery';
import { notificationBody } from '../domain/notification-payload';
import { collectionExecutionName, workflowInput, type WorkflowInput } from '../domain/workflow-runs';

export interface FeedItem extends Record<string, unknown> {
  readonly id: string;
  readonly status: NotificationStatus;
}

export interface FeedDependencies extends Pick<ServiceRepositories, 'notifications' | 'submissions'> {
  /** Starts the run that awaits the answer to a notification no workflow was working on. */
  readonly startWorkflow: (name: string, input: WorkflowInput) => Promise<void>;
  /**
   * Counts a notification the feed delivered first (NotificationDelivered, as a push's 2xx). The
   * department's web page goes without: its bundle is at its size ceiling (bench/lambda-bundles.ts).
   */
  readonly metrics?: Pick<OutcomeMetrics, 'delivered'>;
  readonly publicBaseUrl: string;
  readonly now: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How often a long poll looks again. */
  readonly pollIntervalMs?: number;
}

/**
 * A department reads its feed (CONTRACT section 8): its notifications in the order they were
 * created, after the cursor. Every item served for the first time becomes DELIVERED (recorded,
 * with the channel, before the items are returned), including one that had FAILED; items of an
 * erased submission are left out. With `waitSeconds`, an empty read waits for an item to arrive.
 */
export async function readFeed(
  deps: FeedDependencies,
  department: DepartmentRecord,
  query: { after?: string; limit: number; waitSeconds?: number },
): Promise<{ items: FeedItem[]; next: string }> {
  const deadline = Date.now() + (query.waitSeconds ?? 0) * 1000;
  let after = query.after;
  for (;;) {
    const page = await deps.notifications.listFeed(department.id, { after, limit: query.limit });
    const items: FeedItem[] = [];
    for (const notification of page.items) {
      const item = await serveFeedItem(deps, department, notification);
      if (item) items.push(item);
    }
    after = page.next;
    if (items.length > 0 || Date.now() >= deadline) return { items, next: page.next };
    await (deps.sleep ?? sleep)(Math.min(deps.pollIntervalMs ?? 250, Math.max(0, deadline - Date.now())));
  }
}

/**
 * Serves one notification by the first-serve rule: a PENDING or FAILED one becomes DELIVERED (with
 * the `pull` channel) before its data is returned. The department page serves a pull department's
 * waiting notifications through this too, since showing them is serving them.
 */
export async function serveFeedItem(
  deps: FeedDependencies,
  department: DepartmentRecord,
  notification: NotificationRecord,
): Promise<FeedItem | undefined> {
  // Withdrawn before delivery (CONTRACT section 10): never sent, so never served either.
  if (notification.status === 'WITHDRAWN') return undefined;
  const subject = subjectOf(notification);
  const [submission, personalData] = await Promise.all([
    deps.submissions.get(notification.submissionId),
    deps.submissions.getPersonalData(notification.submissionId),
  ]);
  if (!submission) return undefined;
  // Erased: left out; a withdrawal notice carries no personal data, so it is served even then.
  if (!personalData && subject.kind !== 'withdrawal') return undefined;
  // The citizen withdrew the report: what was never delivered (a FAILED one) is not served now.
  if (submission.withdrawnAt && !notification.deliveredAt && subject.kind !== 'withdrawal') return undefined;
  const now = deps.now();
  let current = notification;
  if (notification.status === 'PENDING' || notification.status === 'FAILED') {
    // A FAILED one reopens its submission first: were this read to stop half-way, the reconciler
    // finds the submission in progress and finishes the work (or finalises it again).
    if (notification.status === 'FAILED') await deps.submissions.setStatus(notification.submissionId, 'IN_PROGRESS', now);
    const fields = subject.kind === 'withdrawal' ? [] : fieldsToServe(notification.entitledFields, department.fields);
    const delivered = await recordDelivered(deps, notification, 'pull', now, fields);
    current = delivered.notification;
    // Withdrawn while this read was under way: the conditional write refused it, so nothing is served.
    if (!current.deliveredAt) return undefined;
    if (delivered.first && current.collectionRun) {
      // No workflow was working on it: one now awaits the answer, its timeout from this delivery.
      await deps.startWorkflow(collectionExecutionName(current), workflowInput(current.submissionId, [current], now));
    }
  }
  const body = notificationBody({ notification, submission, personalData, department, publicBaseUrl: deps.publicBaseUrl, now });
  return { ...(JSON.parse(body) as Record<string, unknown>), id: notification.id, status: current.status };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
