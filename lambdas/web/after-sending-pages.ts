// The citizen's pages after sending: the confirmation, each department's progress (and the live
// status table), and (CONTRACT section 10) "Correct something you sent"
// (each answer changed on its own question page, then a check-answers step before anything is
// sent) and "I reported this by mistake" (a warning before withdrawing). All go through the same
// use cases as the API.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../http/http-responses';
import { json } from '../http/http-responses';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
import { correctionRecipients, correctSubmission } from '../application/correct-submission';
import { withdrawSubmission } from '../application/withdraw-submission';
import {
  applyCorrection,
  changedFields,
  CORRECTABLE_PARTS,
  parseCorrectionRequest,
  type CorrectionRequest,
} from '../domain/correction-request';
import type { ChangeOfAddress } from '../domain/submission';
import { requestFingerprint } from '../domain/identifiers';
import { isFinalNotificationStatus, wasDelivered } from '../domain/notification-status';
import { WITHDRAWAL_REASON_MAX } from '../domain/withdrawal-request';
import type { JourneyAnswers, JourneyRecord } from '../store/journey-repository';
import type { SubmissionRecord } from '../domain/submission';
import { serviceRepositories } from '../store/service-repositories';
import { startWorkflowExecution } from '../workflow-engine/step-functions-workflow-engine';
import {
  ADDRESS_PARTS,
  FIELD_LABELS,
  JOURNEY_STEPS,
  pageErrors,
  requestBodyFrom,
  stepBySlug,
  validateStep,
  type JourneyStep,
} from './citizen-journey';
import { journeyIdFor, ownSubmission, requireCitizen, signedInCitizen, signOutContext } from './citizen-session';
import { addressLines, formatDate, summaryRow } from './entitled-data-view';
import { errorPage, htmlHandler, page, trustedForm } from './html-handler';
import { auditEventText, chronological, formatDateTime, notificationProgress, submissionStatusText } from './notification-progress';
import { renderFragment } from './page-renderer';
import { field, redirect } from './web-request';

checkEnvironment(FUNCTIONS.afterSendingPages);

const repositories = serviceRepositories();
const DRAFT_TTL_SECONDS = 24 * 60 * 60;
/** Every question of the journey but the choice of departments, which a correction does not change. */
const CORRECTABLE_STEPS = JOURNEY_STEPS.filter((step) => step.kind !== 'departments');
const followUpDependencies = () => ({ ...repositories, startWorkflow: startWorkflowExecution, now: () => new Date() });

const progressPath = (submission: SubmissionRecord) => `/submissions/${submission.id}`;
const correctPath = (submission: SubmissionRecord, step?: JourneyStep) =>
  `/submissions/${submission.id}/correct${step ? `/${step.slug}` : ''}`;

// --- confirmation and progress -------------------------------------------------------------------

async function confirmationPage(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const submission = await ownSubmission(repositories.submissions, event, citizen);
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
  const submission = await ownSubmission(repositories.submissions, event, citizenId);
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

// --- correct or withdraw ------------------------------------------------------------------------

/** The signed-in citizen and their submission, or the page to show instead (sign in, not found, no longer possible). */
async function ownOpenSubmission(
  event: APIGatewayProxyEventV2,
): Promise<{ citizenId: string; submission: SubmissionRecord; change: ChangeOfAddress } | HttpResponse> {
  const citizenId = await requireCitizen(event);
  if (typeof citizenId !== 'string') return citizenId;
  const submission = await repositories.submissions.get(event.pathParameters?.submissionId ?? '');
  if (!submission || submission.citizenId !== citizenId)
    return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  const personalData = submission.erasedAt ? undefined : await repositories.submissions.getPersonalData(submission.id);
  if (!personalData)
    return errorPage(
      event,
      409,
      'Your details have been deleted',
      'Your personal details for this report were deleted, so it can no longer be corrected or withdrawn.',
    );
  if (submission.withdrawnAt) return redirect(progressPath(submission));
  return { citizenId, submission, change: personalData.change };
}

// --- correct something you sent -----------------------------------------------------------------

const dateAnswers = (prefix: string, iso: string) => {
  const [year, month, day] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(day)), [`${prefix}-month`]: String(Number(month)), [`${prefix}-year`]: year };
};
const addressAnswers = (prefix: string, address: ChangeOfAddress['newAddress']) =>
  Object.fromEntries(ADDRESS_PARTS.map((part) => [`${prefix}-${part}`, address[part] ?? '']));

/** The journey's form answers for a change as stored, so each question page opens with what was sent. */
function answersFor(change: ChangeOfAddress): JourneyAnswers {
  return {
    givenName: change.person.givenName,
    familyName: change.person.familyName,
    ...dateAnswers('dateOfBirth', change.person.dateOfBirth),
    nationalInsuranceNumber: change.person.nationalInsuranceNumber ?? '',
    email: change.person.email ?? '',
    ...addressAnswers('previousAddress', change.previousAddress),
    ...addressAnswers('newAddress', change.newAddress),
    ...dateAnswers('movedOn', change.movedOn),
  };
}

/** The citizen's corrections so far, kept between pages like a journey (one per citizen and submission). */
async function draftOf(citizenId: string, submission: SubmissionRecord, change: ChangeOfAddress): Promise<JourneyRecord> {
  const id = `${journeyIdFor(citizenId)}-correction-${submission.id}`;
  const draft = await repositories.journeys.get(id);
  if (draft && Object.keys(draft.answers).length > 0) return draft;
  return {
    id,
    citizenId,
    answers: answersFor(change),
    idempotencyKey: draft?.idempotencyKey ?? `web-correction-${randomUUID()}`,
    updatedAt: new Date().toISOString(),
  };
}

/** The correction the draft amounts to: only the parts whose values changed, as the API would be sent them. */
function correctionFrom(answers: JourneyAnswers, change: ChangeOfAddress): { body: Record<string, unknown>; request?: CorrectionRequest } {
  const whole = requestBodyFrom(answers);
  const parsed = parseCorrectionRequest(
    Object.fromEntries(CORRECTABLE_PARTS.filter((p) => whole[p] !== undefined).map((p) => [p, whole[p]])),
  );
  if (!parsed.ok) return { body: {} };
  const changed = changedFields(change, applyCorrection(change, parsed.value));
  const partOf = (field: string) => field.split('.')[0] as (typeof CORRECTABLE_PARTS)[number];
  const parts = new Set(changed.map(partOf));
  const body = Object.fromEntries([...parts].map((p) => [p, whole[p]]));
  return parts.size === 0 ? { body } : { body, request: Object.fromEntries([...parts].map((p) => [p, parsed.value[p]])) };
}

function rowsFor(change: ChangeOfAddress, corrected: ChangeOfAddress, submission: SubmissionRecord) {
  const changed = new Set(changedFields(change, corrected));
  const mark = (text: string, ...fields: string[]) => (fields.some((f) => changed.has(f as never)) ? `${text}\n(corrected)` : text);
  const href = (slug: string) => correctPath(submission, stepBySlug(slug));
  return [
    summaryRow(
      'Name',
      mark(`${corrected.person.givenName} ${corrected.person.familyName}`, 'person.givenName', 'person.familyName'),
      href('name'),
      'name',
    ),
    summaryRow('Date of birth', mark(formatDate(corrected.person.dateOfBirth), 'person.dateOfBirth'), href('date-of-birth')),
    summaryRow(
      'National Insurance number',
      mark(corrected.person.nationalInsuranceNumber ?? 'Not given', 'person.nationalInsuranceNumber'),
      href('national-insurance-number'),
    ),
    summaryRow('Email address', mark(corrected.person.email ?? 'Not given', 'person.email'), href('email')),
    summaryRow('Previous address', mark(addressLines(corrected.previousAddress), 'previousAddress'), href('previous-address')),
    summaryRow('New address', mark(addressLines(corrected.newAddress), 'newAddress'), href('new-address')),
    summaryRow('Date you moved', mark(formatDate(corrected.movedOn), 'movedOn'), href('moved-on')),
  ];
}

/** The check-answers step: what the details will be, which are corrected, and who will be told. */
async function checkCorrectionPage(event: APIGatewayProxyEventV2, errors: Array<{ inputId: string; text: string }> = []) {
  const found = await ownOpenSubmission(event);
  if ('statusCode' in found) return found;
  const { citizenId, submission, change } = found;
  const draft = await draftOf(citizenId, submission, change);
  const { request } = correctionFrom(draft.answers, change);
  const corrected = request ? applyCorrection(change, request) : change;
  const changed = changedFields(change, corrected);
  const [recipients, notifications, departments] = await Promise.all([
    correctionRecipients(repositories, submission, changed),
    repositories.notifications.getMany(submission.notificationIds),
    repositories.departments.list(),
  ]);
  const names = new Map(departments.map((d) => [d.id, d.name]));
  const notYetSent = notifications.filter((n) => (n.kind ?? 'change') === 'change' && n.status === 'PENDING' && !wasDelivered(n));
  return page(event, 'correction-check.njk', {
    title: 'Correct something you sent',
    reference: submission.reference,
    rows: rowsFor(change, corrected, submission),
    hasChanges: changed.length > 0,
    told: recipients.map((r) => `${r.department.name}: ${r.entitled.map((f) => FIELD_LABELS[f].toLowerCase()).join(', ')}`),
    notYetSent: notYetSent.map((n) => names.get(n.departmentId) ?? n.departmentId),
    action: correctPath(submission),
    backLink: progressPath(submission),
    errors,
    signOut: '/sign-out',
    signedInAs: citizenId,
  });
}

async function correctionStepPage(event: APIGatewayProxyEventV2) {
  const found = await ownOpenSubmission(event);
  if ('statusCode' in found) return found;
  const step = CORRECTABLE_STEPS.find((s) => s.slug === event.pathParameters?.step);
  if (!step) return errorPage(event, 404, 'Page not found', 'If you typed the web address, check it is correct.');
  const draft = await draftOf(found.citizenId, found.submission, found.change);
  return renderCorrectionStep(event, found.citizenId, found.submission, step, draft.answers);
}

function renderCorrectionStep(
  event: APIGatewayProxyEventV2,
  citizenId: string,
  submission: SubmissionRecord,
  step: JourneyStep,
  answers: JourneyAnswers,
  errors: ReturnType<typeof validateStep> = [],
) {
  return page(event, 'question.njk', {
    title: step.question,
    step,
    values: answers,
    errors,
    action: correctPath(submission, step),
    backLink: correctPath(submission),
    departmentItems: [],
    signOut: '/sign-out',
    signedInAs: citizenId,
  });
}

async function answerCorrectionStep(event: APIGatewayProxyEventV2) {
  const found = await ownOpenSubmission(event);
  if ('statusCode' in found) return found;
  const form = trustedForm(event);
  const step = CORRECTABLE_STEPS.find((s) => s.slug === event.pathParameters?.step);
  if (!step) return errorPage(event, 404, 'Page not found', 'If you typed the web address, check it is correct.');
  const draft = await draftOf(found.citizenId, found.submission, found.change);
  const answers: JourneyAnswers = { ...draft.answers };
  for (const name of Object.keys(answers).filter((n) => isFieldOf(step, n))) answers[name] = field(form, name);
  await repositories.journeys.put({ ...draft, answers, updatedAt: new Date().toISOString() }, DRAFT_TTL_SECONDS);
  const errors = validateStep(step, answers);
  if (errors.length > 0) return renderCorrectionStep(event, found.citizenId, found.submission, step, answers, errors);
  return redirect(correctPath(found.submission));
}

function isFieldOf(step: JourneyStep, name: string): boolean {
  return step.kind === 'name' ? name === 'givenName' || name === 'familyName' : name === step.field || name.startsWith(`${step.field}-`);
}

/** Sends the correction through the same use case as POST /v1/submissions/{id}/corrections, with the draft's Idempotency-Key. */
async function sendCorrection(event: APIGatewayProxyEventV2) {
  const found = await ownOpenSubmission(event);
  if ('statusCode' in found) return found;
  trustedForm(event);
  const draft = await draftOf(found.citizenId, found.submission, found.change);
  const { body, request } = correctionFrom(draft.answers, found.change);
  if (!request)
    return checkCorrectionPage(event, [
      { inputId: 'corrections', text: 'You have not corrected anything yet. Choose Change next to what you need to correct.' },
    ]);
  const outcome = await correctSubmission(
    followUpDependencies(),
    found.citizenId,
    found.submission.id,
    draft.idempotencyKey,
    request,
    requestFingerprint(body),
  );
  switch (outcome.kind) {
    case 'accepted':
      // Done: the next correction starts from the details as now stored, under a new key.
      await repositories.journeys.put(
        { ...draft, answers: {}, idempotencyKey: `web-correction-${randomUUID()}`, updatedAt: new Date().toISOString() },
        DRAFT_TTL_SECONDS,
      );
      return redirect(`${progressPath(found.submission)}?done=corrected`);
    case 'invalid':
      return checkCorrectionPage(event, pageErrors(outcome.errors));
    case 'key-reused':
      await repositories.journeys.put(
        { ...draft, idempotencyKey: `web-correction-${randomUUID()}`, updatedAt: new Date().toISOString() },
        DRAFT_TTL_SECONDS,
      );
      return checkCorrectionPage(event, [
        { inputId: 'corrections', text: 'Your corrections changed while they were being sent. Check them and send again.' },
      ]);
    case 'conflict':
      return errorPage(event, 409, 'This report can no longer be corrected', outcome.detail);
    case 'not-found':
      return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  }
}

// --- I reported this by mistake -----------------------------------------------------------------

async function withdrawPage(event: APIGatewayProxyEventV2, errors: Array<{ inputId: string; text: string }> = [], reason = '') {
  const found = await ownOpenSubmission(event);
  if ('statusCode' in found) return found;
  return page(event, 'withdraw.njk', {
    title: 'Are you sure you want to withdraw your report?',
    reference: found.submission.reference,
    action: `/submissions/${found.submission.id}/withdraw`,
    cancel: progressPath(found.submission),
    backLink: progressPath(found.submission),
    reason,
    maxLength: WITHDRAWAL_REASON_MAX,
    errors,
    signOut: '/sign-out',
    signedInAs: found.citizenId,
  });
}

async function withdraw(event: APIGatewayProxyEventV2) {
  const found = await ownOpenSubmission(event);
  if ('statusCode' in found) return found;
  const form = trustedForm(event);
  const reason = field(form, 'reason').trim();
  if (reason.length > WITHDRAWAL_REASON_MAX) {
    return withdrawPage(event, [{ inputId: 'reason', text: `Your reason must be ${WITHDRAWAL_REASON_MAX} characters or fewer.` }], reason);
  }
  const outcome = await withdrawSubmission(followUpDependencies(), found.citizenId, found.submission.id, reason || undefined);
  if (outcome.kind === 'not-found') return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  if (outcome.kind === 'conflict') return errorPage(event, 409, 'This report can no longer be withdrawn', outcome.detail);
  return redirect(`${progressPath(found.submission)}?done=withdrawn`);
}

export const handler = htmlHandler({
  'GET /submissions/{submissionId}': statusPage,
  'GET /submissions/{submissionId}/confirmation': confirmationPage,
  'GET /submissions/{submissionId}/progress': progressFragment,
  'GET /submissions/{submissionId}/correct': async (event: APIGatewayProxyEventV2) => checkCorrectionPage(event),
  'POST /submissions/{submissionId}/correct': sendCorrection,
  'GET /submissions/{submissionId}/correct/{step}': correctionStepPage,
  'POST /submissions/{submissionId}/correct/{step}': answerCorrectionStep,
  'GET /submissions/{submissionId}/withdraw': async (event: APIGatewayProxyEventV2) => withdrawPage(event),
  'POST /submissions/{submissionId}/withdraw': withdraw,
});
