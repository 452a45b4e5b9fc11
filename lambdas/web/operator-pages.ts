// The operator's page: departments and the health of their endpoints, failed notifications and
// redelivery (through redeliverNotification, as POST /v1/notifications/{id}/redeliver does).
// Operator routes are IAM-authorised. On one machine the operator signs in here with the admin
// token and gets a server-side session, which the local gateway accepts for the /operator pages
// only; on AWS see docs/web.md.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
import { authenticateOperator } from '../http/authentication';
import { HttpProblem } from '../http/http-responses';
import { redeliverNotification } from '../application/redeliver-notification';
import { InvalidCursorError } from '../store/notification-repository';
import { serviceRepositories } from '../store/service-repositories';
import { startWorkflowExecution } from '../workflow-engine/step-functions-workflow-engine';
import { htmlHandler, page, trustedForm } from './html-handler';
import { formatDateTime } from './notification-progress';
import { serviceSettings } from '../service-settings';
import { field, redirect } from './web-request';
import { endSession, startSession } from './web-sessions';

checkEnvironment(FUNCTIONS.operatorPages);

const repositories = serviceRepositories();
/** How many failed (and retrying) notifications per department the page reads. */
const PER_DEPARTMENT = 100;
/** How many operator events the page shows at once (oldest first, as GET /v1/operator/events lists them). */
const EVENTS_PER_PAGE = 20;
const OPERATOR_SERVICE = { serviceName: 'Tell Us Once operations', serviceUrl: '/operator' };

function isOperator(event: APIGatewayProxyEventV2): boolean {
  try {
    authenticateOperator(event);
    return true;
  } catch (error) {
    if (error instanceof HttpProblem) return false;
    throw error;
  }
}

function signInPage(event: APIGatewayProxyEventV2, error?: string) {
  if (!serviceSettings.localOperatorTokenSha256) {
    return page(
      event,
      'sign-in.njk',
      {
        title: 'Sign in as an operator',
        unavailable: 'Operators reach these pages with their AWS IAM identity (requests signed with SigV4), not with a password.',
        ...OPERATOR_SERVICE,
      },
      { status: 403 },
    );
  }
  return page(event, 'sign-in.njk', {
    title: 'Sign in as an operator',
    secret: true,
    label: 'Admin token',
    hint: 'On one machine it is printed at start and kept in the data directory, in the file admin-token.',
    fieldName: 'adminToken',
    action: '/operator/sign-in',
    errors: error ? [{ inputId: 'adminToken', text: error }] : [],
    ...OPERATOR_SERVICE,
  });
}

/** Whether the token is this machine's admin token (compared by hash, in constant time). */
function isAdminToken(token: string): boolean {
  const expected = Buffer.from(serviceSettings.localOperatorTokenSha256 ?? '', 'hex');
  const presented = createHash('sha256').update(token).digest();
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

/** One machine: the admin token opens an operator session; the browser holds only its random id. */
async function signIn(event: APIGatewayProxyEventV2) {
  const form = trustedForm(event);
  if (!serviceSettings.localOperatorTokenSha256) return signInPage(event);
  const token = field(form, 'adminToken').trim();
  if (!token) return signInPage(event, 'Enter the admin token.');
  if (!isAdminToken(token)) return signInPage(event, 'That admin token is not right. Check it and try again.');
  return redirect('/operator', [await startSession(event, { kind: 'operator' })]);
}

async function signOut(event: APIGatewayProxyEventV2) {
  trustedForm(event);
  return redirect('/operator/sign-in', [await endSession(event, 'operator')]);
}

async function dashboard(event: APIGatewayProxyEventV2) {
  if (!isOperator(event)) return redirect('/operator/sign-in');
  const departments = await repositories.departments.list();
  const names = new Map(departments.map((d) => [d.id, d.name]));
  const health = await Promise.all(
    departments.map(async (d) => {
      const [failed, pending] = await Promise.all([
        repositories.notifications.listForDepartment(d.id, 'FAILED', { limit: PER_DEPARTMENT }),
        repositories.notifications.listForDepartment(d.id, 'PENDING', { limit: PER_DEPARTMENT }),
      ]);
      const retrying = pending.items.filter((n) => n.lastError);
      const recent = [...failed.items, ...retrying].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
      const more = (page: { nextCursor?: string }) => (page.nextCursor ? '+' : '');
      const [healthLabel, healthClass, healthDetail] = d.suspended
        ? ['Suspended', 'govuk-tag--grey', 'Suspended by an operator: not choosable, API keys refused']
        : !d.active
          ? ['Disabled', 'govuk-tag--red', `${d.disabledReason ?? 'Disabled'} (${formatDateTime(d.disabledAt)})`]
          : recent
            ? ['Failing', 'govuk-tag--yellow', `Last error: ${recent.lastError ?? 'unknown'} (${formatDateTime(recent.updatedAt)})`]
            : ['Healthy', 'govuk-tag--green', ''];
      return {
        row: {
          id: d.id,
          name: d.name,
          webhookUrl: d.webhookUrl,
          healthLabel,
          healthClass,
          healthDetail,
          retrying: `${retrying.length}${more(pending)}`,
          failed: `${failed.items.length}${more(failed)}`,
        },
        failed: failed.items,
      };
    }),
  );
  const failed = await Promise.all(
    health
      .flatMap((h) => h.failed)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
      .map(async (n) => ({
        id: n.id,
        reference: (await repositories.submissions.get(n.submissionId))?.reference ?? n.submissionId,
        departmentName: names.get(n.departmentId) ?? n.departmentId,
        lastError: n.lastError ?? 'Unknown error',
        attempts: n.attempts,
        updatedAt: formatDateTime(n.updatedAt),
      })),
  );
  const query = event.queryStringParameters ?? {};
  let events;
  try {
    events = await repositories.operatorEvents.list({ after: query.eventsAfter, limit: EVENTS_PER_PAGE });
  } catch (error) {
    if (error instanceof InvalidCursorError) return redirect('/operator');
    throw error;
  }
  const redelivered = /^(TUO-[0-9A-Z]{4}-[0-9A-Z]{4}|ntf_[0-9a-z]+)$/.exec(query.redelivered ?? '')?.[0];
  const banner = redelivered
    ? { type: 'success', text: `Redelivery of ${redelivered} has started.` }
    : query.refused
      ? { type: undefined, text: 'That notification could not be redelivered: it is no longer failed, or its department is disabled.' }
      : undefined;
  return page(event, 'operator.njk', {
    title: 'Operations',
    departments: health.map((h) => h.row),
    failed,
    events: events.items.map((e) => ({ ...e, at: formatDateTime(e.at), departmentName: names.get(e.department) ?? e.department })),
    // The cursor moves on only when this page had events, so "next" is shown only then.
    nextEvents: events.items.length === EVENTS_PER_PAGE ? `/operator?eventsAfter=${encodeURIComponent(events.next)}` : undefined,
    banner,
    signOut: '/operator/sign-out',
    ...OPERATOR_SERVICE,
  });
}

async function redeliver(event: APIGatewayProxyEventV2) {
  if (!isOperator(event)) return redirect('/operator/sign-in');
  trustedForm(event);
  const outcome = await redeliverNotification(
    { ...repositories, startWorkflow: startWorkflowExecution, now: () => new Date() },
    event.pathParameters?.notificationId ?? '',
  );
  if (outcome.kind !== 'started') return redirect('/operator?refused=1');
  const submission = await repositories.submissions.get(outcome.notification.submissionId);
  return redirect(`/operator?redelivered=${encodeURIComponent(submission?.reference ?? outcome.notification.id)}`);
}

export const handler = htmlHandler({
  'GET /operator': dashboard,
  'GET /operator/sign-in': async (event: APIGatewayProxyEventV2) => signInPage(event),
  'POST /operator/sign-in': signIn,
  'POST /operator/sign-out': signOut,
  'POST /operator/notifications/{notificationId}/redeliver': redeliver,
});
