// A department's page: sign in with its API key, see the changes of address awaiting its answer
// (with exactly what it received), and confirm or reject each through answerNotification, as the
// confirmation API does.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
import { authenticateDepartment } from '../http/authentication';
import { HttpProblem } from '../http/http-responses';
import { answerNotification } from '../application/answer-notification';
import { serveFeedItem } from '../application/read-feed';
import { departmentAnswerSchema } from '../domain/department-answer';
import { notificationData } from '../domain/entitlement';
import { fieldErrorsFromZod } from '../domain/problem-details';
import type { DepartmentRecord } from '../domain/department';
import { InvalidCursorError } from '../store/notification-repository';
import { serviceRepositories } from '../store/service-repositories';
import { serviceSettings } from '../service-settings';
import { resumeWaitingWorkflow, startWorkflowExecution } from '../workflow-engine/step-functions-workflow-engine';
import { entitledDataRows } from './entitled-data-view';
import { htmlHandler, page, trustedForm } from './html-handler';
import { formatDateTime } from './notification-progress';
import { field, redirect, withBearer, type FormFields } from './web-request';
import { endSession, sessionOf, startSession } from './web-sessions';

checkEnvironment(FUNCTIONS.departmentPages);

const repositories = serviceRepositories();

const PAGE_SIZE = 20;

/** The department of this browser's session, while the session lasts and the department exists. */
async function signedInDepartment(event: APIGatewayProxyEventV2): Promise<DepartmentRecord | undefined> {
  const session = await sessionOf(event, 'department');
  return session ? repositories.departments.get(session.data.departmentId) : undefined;
}

function signInPage(event: APIGatewayProxyEventV2, error?: string) {
  return page(event, 'sign-in.njk', {
    title: 'Sign in as a department',
    secret: true,
    label: 'Your department’s API key',
    hint: 'The key you were given when your department was registered. It starts with tuo.',
    fieldName: 'apiKey',
    action: '/department/sign-in',
    errors: error ? [{ inputId: 'apiKey', text: error }] : [],
    serviceName: 'Tell Us Once for departments',
    serviceUrl: '/department',
  });
}

async function signIn(event: APIGatewayProxyEventV2) {
  const form = trustedForm(event);
  const apiKey = field(form, 'apiKey').trim();
  if (!apiKey) return signInPage(event, 'Enter your department’s API key.');
  let department: DepartmentRecord;
  try {
    department = await authenticateDepartment(withBearer(event, apiKey), repositories.departments);
  } catch (error) {
    if (error instanceof HttpProblem) return signInPage(event, 'That API key is not right. Check it and try again.');
    throw error;
  }
  // The browser gets a random session id; the key itself is never stored, in the cookie or the session.
  return redirect('/department', [await startSession(event, { kind: 'department', departmentId: department.id })]);
}

async function signOut(event: APIGatewayProxyEventV2) {
  trustedForm(event);
  return redirect('/department/sign-in', [await endSession(event, 'department')]);
}

/**
 * A pull department's notifications not yet collected: showing them on the page serves them, so
 * each goes through the feed's first-serve rule and is DELIVERED (channel `pull`) before it is listed.
 */
async function collectWaiting(department: DepartmentRecord): Promise<void> {
  if (department.delivery !== 'pull') return;
  const waiting = await repositories.notifications.listForDepartment(department.id, 'PENDING', { limit: PAGE_SIZE });
  const deps = {
    ...repositories,
    startWorkflow: startWorkflowExecution,
    publicBaseUrl: serviceSettings.publicBaseUrl,
    now: () => new Date(),
  };
  for (const notification of waiting.items) await serveFeedItem(deps, department, notification);
}

type ItemErrors = Partial<Record<'outcome' | 'departmentReference' | 'reason', string>>;

async function awaitingPage(
  event: APIGatewayProxyEventV2,
  department: DepartmentRecord,
  problem?: { notificationId: string; errors: ItemErrors; values: FormFields },
) {
  const cursor = event.queryStringParameters?.cursor;
  let listing;
  try {
    await collectWaiting(department);
    listing = await repositories.notifications.listForDepartment(department.id, 'DELIVERED', { limit: PAGE_SIZE, cursor });
  } catch (error) {
    if (error instanceof InvalidCursorError) return redirect('/department');
    throw error;
  }
  // The page's submissions and their data in one request.
  const submissions = await repositories.submissions.getManyWithPersonalData(listing.items.map((n) => n.submissionId));
  const items = listing.items.map((n) => {
    const { submission, personalData } = submissions.get(n.submissionId) ?? {};
    const mine = problem?.notificationId === n.id;
    return {
      id: n.id,
      reference: submission?.reference ?? n.id,
      receivedAt: formatDateTime(n.deliveredAt),
      rows: personalData
        ? entitledDataRows(notificationData(personalData.change, { consentedFields: n.entitledFields, currentFields: department.fields }))
        : [],
      errors: mine ? problem.errors : {},
      values: mine ? problem.values : {},
    };
  });
  const errors = problem
    ? Object.entries(problem.errors).map(([name, text]) => ({
        inputId: name === 'outcome' ? `${problem.notificationId}-outcome` : `${problem.notificationId}-${name}`,
        text: text,
      }))
    : [];
  const answered = /^(TUO-[0-9A-Z]{4}-[0-9A-Z]{4}|ntf_[0-9a-z]+)$/.exec(event.queryStringParameters?.answered ?? '')?.[0];
  return page(event, 'department.njk', {
    title: 'Changes of address awaiting your answer',
    departmentName: department.name,
    items,
    errors,
    answered: answered ? `Your answer for ${answered} has been recorded.` : undefined,
    nextPage: listing.nextCursor ? `/department?cursor=${encodeURIComponent(listing.nextCursor)}` : undefined,
    signOut: '/department/sign-out',
    signedInAs: department.name,
    serviceName: 'Tell Us Once for departments',
    serviceUrl: '/department',
  });
}

async function listPage(event: APIGatewayProxyEventV2) {
  const department = await signedInDepartment(event);
  return department ? awaitingPage(event, department) : signInPage(event);
}

async function answer(event: APIGatewayProxyEventV2) {
  const department = await signedInDepartment(event);
  if (!department) return redirect('/department/sign-in');
  const form = trustedForm(event);
  const notificationId = event.pathParameters?.notificationId ?? '';
  const outcome = field(form, 'outcome');
  // Only the box that goes with the chosen answer is sent, as a department's system would.
  const body = {
    outcome: outcome || undefined,
    ...(outcome === 'CONFIRMED' && field(form, 'departmentReference').trim()
      ? { departmentReference: field(form, 'departmentReference').trim() }
      : {}),
    ...(outcome === 'REJECTED' && field(form, 'reason').trim() ? { reason: field(form, 'reason').trim() } : {}),
  };
  const parsed = departmentAnswerSchema.safeParse(body);
  if (!parsed.success) {
    const errors: ItemErrors = {};
    for (const e of fieldErrorsFromZod(parsed.error)) {
      const name = e.pointer.slice(1) as keyof ItemErrors;
      errors[name] ??= name === 'outcome' ? 'Select whether you have updated your records.' : e.detail;
    }
    return awaitingPage(event, department, { notificationId, errors, values: form });
  }
  const result = await answerNotification(
    { ...repositories, resumeWorkflow: resumeWaitingWorkflow, now: () => new Date() },
    department.id,
    notificationId,
    parsed.data,
  );
  if (result.kind === 'not-found' || result.kind === 'conflict') {
    return awaitingPage(event, department, {
      notificationId,
      values: form,
      errors: {
        outcome:
          result.kind === 'conflict'
            ? `This change of address is ${result.notification.status.toLowerCase()} and no longer awaits an answer.`
            : 'This change of address is not one of yours.',
      },
    });
  }
  const submission = await repositories.submissions.get(result.notification.submissionId);
  return redirect(`/department?answered=${encodeURIComponent(submission?.reference ?? notificationId)}`);
}

export const handler = htmlHandler({
  'GET /department': listPage,
  'GET /department/sign-in': async (event: APIGatewayProxyEventV2) => signInPage(event),
  'POST /department/sign-in': signIn,
  'POST /department/sign-out': signOut,
  'POST /department/notifications/{notificationId}': answer,
});
