// The citizen's pages: sign in, one question per page, choose departments with a preview of what
// each receives, check answers, send (through submitChangeOfAddress, as the API does), then follow
// each department's progress.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../http/http-responses';
import { json } from '../http/http-responses';
import { issueReceipt } from '../application/issue-receipt';
import { submitChangeOfAddress } from '../application/submit-change-of-address';
import { isActiveDepartment } from '../domain/department-configuration';
import { selectEntitledFields } from '../domain/entitlement';
import { isSubmissionId, requestFingerprint } from '../domain/identifiers';
import { isFinalNotificationStatus } from '../domain/notification-status';
import type { JourneyAnswers, JourneyRecord } from '../store/journey-repository';
import type { ListedDepartment } from '../store/department-repository';
import { serviceSettings } from '../service-settings';
import { serviceReceiptSigner } from '../signing/service-receipt-signer';
import { serviceRepositories } from '../store/service-repositories';
import { startWorkflowExecution } from '../workflow-engine/step-functions-workflow-engine';
import {
  firstStepWithErrors,
  FIELD_LABELS,
  formFieldsOf,
  JOURNEY_STEPS,
  nextStep,
  pageErrors,
  previousStep,
  stepBySlug,
  validateJourney,
  validateStep,
  type JourneyStep,
} from './citizen-journey';
import { journeyIdFor, signedInCitizen } from './citizen-session';
import { beginSignIn, completeSignIn, endSessionUrl, openIdConfiguration, SignInRefused } from './citizen-sign-in';
import { addressLines, entitledDataRows, formatDate, summaryRow } from './entitled-data-view';
import { errorPage, page, trustedForm } from './html-handler';
import { auditEventText, chronological, formatDateTime, notificationProgress, submissionStatusText } from './notification-progress';
import { renderFragment } from './page-renderer';
import { logger } from '../observability/logger';
import { proofRows, receiptFileName } from './proof-of-notification';
import { clearedCookie, field, redirect, safeLocalPath } from './web-request';
import { endSession, SESSION_COOKIES, sessionOf, startSession, takeSession } from './web-sessions';

const repositories = serviceRepositories();

/** A journey left alone this long is forgotten (the table's TTL deletes it). */
const JOURNEY_TTL_SECONDS = 24 * 60 * 60;
const CHECK_ANSWERS = '/journey/check-answers';

const stepPath = (step: JourneyStep) => `/journey/${step.slug}`;

async function requireCitizen(event: APIGatewayProxyEventV2): Promise<string | HttpResponse> {
  const citizenId = await signedInCitizen(event);
  return citizenId ?? redirect(`/sign-in?next=${encodeURIComponent(event.rawPath)}`);
}

async function journeyOf(citizenId: string): Promise<JourneyRecord> {
  const id = journeyIdFor(citizenId);
  return (
    (await repositories.journeys.get(id)) ?? {
      id,
      citizenId,
      answers: {},
      idempotencyKey: `web-${randomUUID()}`,
      updatedAt: new Date().toISOString(),
    }
  );
}

async function activeDepartments(): Promise<ListedDepartment[]> {
  return (await repositories.departments.list()).filter((d) => isActiveDepartment(d) && d.events.includes('address.changed'));
}

function signOutContext(citizenId: string) {
  return { signOut: '/sign-out', signedInAs: citizenId };
}

// --- start and sign-in ------------------------------------------------------------------------

async function startPage(event: APIGatewayProxyEventV2) {
  const citizenId = await signedInCitizen(event);
  const journey = citizenId ? await repositories.journeys.get(journeyIdFor(citizenId)) : undefined;
  return page(event, 'start.njk', {
    title: 'Tell government you have moved',
    startHref: stepPath(JOURNEY_STEPS[0]),
    latestSubmission: journey?.submissionId ?? journey?.lastSubmissionId,
    ...(citizenId ? signOutContext(citizenId) : {}),
  });
}

function signInUnavailable(event: APIGatewayProxyEventV2) {
  return page(
    event,
    'sign-in.njk',
    {
      title: 'Sign in with GOV.UK One Login',
      unavailable: 'Signing in is not available at the moment. Try again later.',
    },
    { status: 503 },
  );
}

function signInFailed(event: APIGatewayProxyEventV2) {
  return errorPage(event, 400, 'You could not be signed in', 'Your sign-in expired or was already used. Start again to sign in.');
}

/**
 * Sends the browser to the OpenID provider (GOV.UK One Login on AWS, the development provider on
 * one machine). What its answer must match (state, nonce, PKCE verifier) stays server-side, in a
 * sign-in session used once.
 */
async function signIn(event: APIGatewayProxyEventV2) {
  const settings = serviceSettings.citizenSignIn;
  if (!settings) return signInUnavailable(event);
  const { url, pending } = await beginSignIn(await openIdConfiguration(settings), settings);
  const next = safeLocalPath(event.queryStringParameters?.next, stepPath(JOURNEY_STEPS[0]));
  return redirect(url.href, [await startSession(event, { kind: 'sign-in', ...pending, next })]);
}

/** The provider sends the browser back here with a code; the citizen's session starts once it is checked. */
async function signInCallback(event: APIGatewayProxyEventV2) {
  const settings = serviceSettings.citizenSignIn;
  if (!settings) return signInUnavailable(event);
  // Taken, not read: a replayed answer (the same state again) finds no sign-in to complete.
  const pending = await takeSession(event, 'sign-in');
  const clearPending = clearedCookie(event, SESSION_COOKIES['sign-in']);
  if (!pending) return withCookies(signInFailed(event), [clearPending]);
  const callbackUrl = new URL(settings.redirectUri);
  callbackUrl.search = event.rawQueryString ?? '';
  try {
    const { citizenId, idToken } = await completeSignIn(await openIdConfiguration(settings), callbackUrl, pending.data);
    return redirect(pending.data.next, [clearPending, await startSession(event, { kind: 'citizen', citizenId, idToken })]);
  } catch (error) {
    if (!(error instanceof SignInRefused)) throw error;
    logger.warn('Citizen sign-in refused', { reason: error.reason });
    return withCookies(signInFailed(event), [clearPending]);
  }
}

function withCookies(response: HttpResponse, cookies: string[]): HttpResponse {
  return { ...response, cookies: [...(response.cookies ?? []), ...cookies] };
}

/** Ends the session here, then at the provider where it supports RP-initiated logout. */
async function signOut(event: APIGatewayProxyEventV2) {
  trustedForm(event);
  const session = await sessionOf(event, 'citizen');
  const cleared = await endSession(event, 'citizen');
  const settings = serviceSettings.citizenSignIn;
  const atProvider = settings && session ? endSessionUrl(await openIdConfiguration(settings), settings, session.data.idToken) : undefined;
  return redirect(atProvider?.href ?? '/signed-out', [cleared]);
}

async function signedOutPage(event: APIGatewayProxyEventV2) {
  return page(event, 'error.njk', {
    title: 'You have signed out',
    message: 'You are no longer signed in to Tell government you have moved.',
  });
}

// --- one question per page --------------------------------------------------------------------

function departmentItems(departments: ListedDepartment[], chosen: string[]) {
  return departments.map((d) => ({
    value: d.id,
    text: d.name,
    checked: chosen.includes(d.id),
    hint: { text: `${d.description ? `${d.description}. ` : ''}Receives: ${d.fields.map((f) => FIELD_LABELS[f]).join(', ')}.` },
  }));
}

async function renderStep(
  event: APIGatewayProxyEventV2,
  citizenId: string,
  step: JourneyStep,
  answers: JourneyAnswers,
  errors: ReturnType<typeof validateStep> = [],
) {
  const returning = event.queryStringParameters?.return === 'check';
  const previous = previousStep(step);
  const chosen = answers.departments === undefined ? [] : ([] as string[]).concat(answers.departments);
  return page(event, 'question.njk', {
    title: step.question,
    step,
    values: answers,
    errors,
    action: `${stepPath(step)}${returning ? '?return=check' : ''}`,
    backLink: returning ? CHECK_ANSWERS : previous ? stepPath(previous) : '/',
    departmentItems: step.kind === 'departments' ? departmentItems(await activeDepartments(), chosen) : [],
    ...signOutContext(citizenId),
  });
}

async function journeyPage(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const slug = event.pathParameters?.step ?? '';
  if (slug === 'check-answers') return checkAnswersPage(event, citizen);
  if (slug === 'new') return newJourney(citizen);
  const step = stepBySlug(slug);
  if (!step) return errorPage(event, 404, 'Page not found', 'If you typed the web address, check it is correct.');
  const journey = await journeyOf(citizen);
  if (journey.submissionId) return redirect(`/submissions/${journey.submissionId}`);
  return renderStep(event, citizen, step, journey.answers);
}

/** Starts again once the last report was sent; an unsent journey is kept as it is. */
async function newJourney(citizenId: string) {
  const journey = await journeyOf(citizenId);
  if (journey.submissionId) {
    await repositories.journeys.put(
      {
        id: journey.id,
        citizenId,
        answers: {},
        idempotencyKey: `web-${randomUUID()}`,
        lastSubmissionId: journey.submissionId,
        updatedAt: new Date().toISOString(),
      },
      JOURNEY_TTL_SECONDS,
    );
  }
  return redirect(stepPath(JOURNEY_STEPS[0]));
}

async function answerStep(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const form = trustedForm(event);
  const slug = event.pathParameters?.step ?? '';
  if (slug === 'check-answers') return send(event, citizen);
  const step = stepBySlug(slug);
  if (!step) return errorPage(event, 404, 'Page not found', 'If you typed the web address, check it is correct.');
  const journey = await journeyOf(citizen);
  if (journey.submissionId) return redirect(`/submissions/${journey.submissionId}`);

  const answers: JourneyAnswers = { ...journey.answers };
  for (const name of formFieldsOf(step)) {
    const value = form[name];
    if (value === undefined) delete answers[name];
    else answers[name] = name === 'departments' ? ([] as string[]).concat(value) : field(form, name);
  }
  await repositories.journeys.put({ ...journey, answers, updatedAt: new Date().toISOString() }, JOURNEY_TTL_SECONDS);

  const errors = validateStep(step, answers);
  if (errors.length > 0) return renderStep(event, citizen, step, answers, errors);
  const next = nextStep(step);
  return redirect(event.queryStringParameters?.return === 'check' || !next ? CHECK_ANSWERS : stepPath(next));
}

// --- check answers and send -------------------------------------------------------------------

async function checkAnswersPage(event: APIGatewayProxyEventV2, citizenId: string, errors: ReturnType<typeof pageErrors> = []) {
  const journey = await journeyOf(citizenId);
  if (journey.submissionId) return redirect(`/submissions/${journey.submissionId}/confirmation`);
  const validated = validateJourney(journey.answers);
  if (!validated.ok) {
    const step = firstStepWithErrors(validated.errors) ?? JOURNEY_STEPS[0];
    return redirect(stepPath(step));
  }
  const { value } = validated;
  const { departments: chosen, type: _type, ...change } = value;
  const departments = await activeDepartments();
  const change_ = change;
  const change$ = (slug: string) => `/journey/${slug}?return=check`;
  const rows = [
    summaryRow('Name', `${value.person.givenName} ${value.person.familyName}`, change$('name'), 'name'),
    summaryRow('Date of birth', formatDate(value.person.dateOfBirth), change$('date-of-birth')),
    summaryRow('National Insurance number', value.person.nationalInsuranceNumber ?? 'Not given', change$('national-insurance-number')),
    summaryRow('Email address', value.person.email ?? 'Not given', change$('email')),
    summaryRow('Previous address', addressLines(value.previousAddress), change$('previous-address')),
    summaryRow('New address', addressLines(value.newAddress), change$('new-address')),
    summaryRow('Date you moved', formatDate(value.movedOn), change$('moved-on')),
  ];
  const previews = chosen.map((id) => {
    const department = departments.find((d) => d.id === id);
    if (!department)
      return { name: id, rows: [summaryRow('Not available', 'This department no longer takes reports. Change the departments to tell.')] };
    return { name: department.name, rows: entitledDataRows(selectEntitledFields(change_, department.fields)) };
  });
  return page(event, 'check-answers.njk', {
    title: 'Check your answers before telling the departments',
    rows,
    previews,
    errors,
    backLink: stepPath(JOURNEY_STEPS[JOURNEY_STEPS.length - 1]),
    ...signOutContext(citizenId),
  });
}

/**
 * Sends the report through the same use case as POST /v1/submissions, with this journey's
 * Idempotency-Key: a second click, or a retried request, finds the same submission.
 */
async function send(event: APIGatewayProxyEventV2, citizenId: string) {
  const journey = await journeyOf(citizenId);
  if (journey.submissionId) return redirect(`/submissions/${journey.submissionId}/confirmation`);
  const validated = validateJourney(journey.answers);
  if (!validated.ok) return redirect(stepPath(firstStepWithErrors(validated.errors) ?? JOURNEY_STEPS[0]));
  const outcome = await submitChangeOfAddress(
    { ...repositories, startWorkflow: startWorkflowExecution, now: () => new Date() },
    citizenId,
    journey.idempotencyKey,
    validated.value,
    requestFingerprint(validated.body),
  );
  switch (outcome.kind) {
    case 'accepted':
      // The answers now live in the submission; the journey keeps only where to find it.
      await repositories.journeys.put(
        {
          id: journey.id,
          citizenId,
          answers: {},
          idempotencyKey: journey.idempotencyKey,
          submissionId: outcome.submission.id,
          updatedAt: new Date().toISOString(),
        },
        JOURNEY_TTL_SECONDS,
      );
      return redirect(`/submissions/${outcome.submission.id}/confirmation`);
    case 'invalid':
      return checkAnswersPage(
        event,
        citizenId,
        pageErrors(outcome.errors).map((e) => ({ ...e, inputId: e.inputId === 'departments' ? 'main-content' : e.inputId })),
      );
    case 'key-reused':
      // Only when the answers changed after an interrupted send: start over with a new key.
      await repositories.journeys.put(
        { ...journey, idempotencyKey: `web-${randomUUID()}`, updatedAt: new Date().toISOString() },
        JOURNEY_TTL_SECONDS,
      );
      return checkAnswersPage(event, citizenId, [
        { inputId: 'main-content', text: 'Your answers changed while they were being sent. Check them and send again.' },
      ]);
  }
}

// --- after sending ----------------------------------------------------------------------------

async function ownSubmission(event: APIGatewayProxyEventV2, citizenId: string) {
  const submissionId = event.pathParameters?.submissionId ?? '';
  const submission = isSubmissionId(submissionId) ? await repositories.submissions.get(submissionId) : undefined;
  // Someone else's submission is answered exactly like a missing one, as the API does.
  return submission && submission.citizenId === citizenId ? submission : undefined;
}

async function confirmationPage(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const submission = await ownSubmission(event, citizen);
  if (!submission) return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  return page(event, 'confirmation.njk', {
    title: 'Report sent',
    reference: submission.reference,
    submissionId: submission.id,
    departmentCount: submission.notificationIds.length,
    ...signOutContext(citizen),
  });
}

async function progressContext(event: APIGatewayProxyEventV2, citizenId: string) {
  const submission = await ownSubmission(event, citizenId);
  if (!submission) return undefined;
  const [notifications, departments, events] = await Promise.all([
    repositories.notifications.getMany(submission.notificationIds),
    repositories.departments.list(),
    repositories.audit.list(submission.id),
  ]);
  const names = new Map(departments.map((d) => [d.id, d.name]));
  const final =
    submission.status !== 'IN_PROGRESS' && notifications.every((n) => isFinalNotificationStatus(n.status, n.confirmationRequired));
  return {
    submissionId: submission.id,
    reference: submission.reference,
    status: submission.status,
    statusText: submissionStatusText(submission, notifications),
    final,
    withdrawnAt: submission.withdrawnAt ? formatDateTime(submission.withdrawnAt) : undefined,
    canChange: !submission.withdrawnAt && !submission.erasedAt,
    notifications: notifications.map((n) => notificationProgress(n, names.get(n.departmentId) ?? n.departmentId)),
    events: chronological(events).map((e) => ({
      at: e.at,
      when: formatDateTime(e.at),
      text: auditEventText(e, (id) => names.get(id) ?? id),
    })),
  };
}

async function statusPage(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const context = await progressContext(event, citizen);
  if (!context) return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  const done = event.queryStringParameters?.done;
  return page(event, 'status.njk', {
    title: 'Progress of your change of address',
    ...context,
    ...signOutContext(citizen),
    done: done === 'corrected' || done === 'withdrawn' ? done : undefined,
  });
}

/** The status table alone, for the page's script to swap in while the citizen watches. */
async function progressFragment(event: APIGatewayProxyEventV2) {
  const citizen = await signedInCitizen(event);
  const context = citizen ? await progressContext(event, citizen) : undefined;
  if (!context) return json(404, { detail: 'There is no report at this address.' });
  return json(200, {
    status: context.status,
    final: context.final,
    statusText: context.statusText,
    html: renderFragment('status-table.njk', context),
  });
}

// --- proof of notification ---------------------------------------------------------------------

async function ownReceipt(event: APIGatewayProxyEventV2, citizenId: string) {
  const submission = await ownSubmission(event, citizenId);
  if (!submission) return undefined;
  const issued = await issueReceipt(
    {
      ...repositories,
      signer: serviceReceiptSigner(),
      issuer: serviceSettings.publicBaseUrl,
      now: () => new Date(),
    },
    submission,
  );
  return { submission, ...issued };
}

/** A printable page saying what the signed receipt says, with the receipt to download. */
async function proofPage(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const proof = await ownReceipt(event, citizen);
  if (!proof) return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  const names = new Map((await repositories.departments.list()).map((d) => [d.id, d.name]));
  const issuedAt = new Date(proof.claims.iat * 1000).toISOString();
  return page(event, 'proof.njk', {
    title: 'Proof of notification',
    reference: proof.claims.reference,
    submissionId: proof.submission.id,
    issuedAtIso: issuedAt,
    issuedAt: formatDateTime(issuedAt),
    rows: proofRows(proof.claims, (id) => names.get(id) ?? id),
    keyId: proof.keyId,
    jwksUrl: `${proof.claims.iss}/.well-known/jwks.json`,
    receiptHref: `/submissions/${proof.submission.id}/proof/receipt`,
    receiptFileName: receiptFileName(proof.claims.reference),
    ...signOutContext(citizen),
  });
}

/** The signed receipt as a file, in the same shape the API answers: `{"receipt": "<compact JWS>"}`. */
async function receiptDownload(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const proof = await ownReceipt(event, citizen);
  if (!proof) return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  return json(
    200,
    { receipt: proof.receipt },
    {
      'content-disposition': `attachment; filename="${receiptFileName(proof.claims.reference)}"`,
      'x-content-type-options': 'nosniff',
    },
  );
}

export const citizenRoutes = {
  'GET /': startPage,
  'GET /sign-in': signIn,
  'GET /sign-in/callback': signInCallback,
  'POST /sign-out': signOut,
  'GET /signed-out': signedOutPage,
  'GET /journey/{step}': journeyPage,
  'POST /journey/{step}': answerStep,
  'GET /submissions/{submissionId}': statusPage,
  'GET /submissions/{submissionId}/confirmation': confirmationPage,
  'GET /submissions/{submissionId}/progress': progressFragment,
  'GET /submissions/{submissionId}/proof': proofPage,
  'GET /submissions/{submissionId}/proof/receipt': receiptDownload,
};
