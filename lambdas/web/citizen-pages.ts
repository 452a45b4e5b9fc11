// The citizen's journey: the start page, one question per page, choose departments with a preview
// of what each receives, check answers, then send (through submitChangeOfAddress, as the API does).
// Signing in (citizen-sign-in-pages.ts) and the pages after sending (after-sending-pages.ts) are
// functions of their own.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
import { submitChangeOfAddress } from '../application/submit-change-of-address';
import { isActiveDepartment } from '../domain/department-configuration';
import { selectEntitledFields } from '../domain/entitlement';
import { requestFingerprint } from '../domain/identifiers';
import type { JourneyAnswers, JourneyRecord } from '../store/journey-repository';
import type { DepartmentRecord } from '../domain/department';
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
import { journeyIdFor, requireCitizen, signedInCitizen, signOutContext } from './citizen-session';
import { addressLines, entitledDataRows, formatDate, summaryRow } from './entitled-data-view';
import { errorPage, htmlHandler, page, trustedForm } from './html-handler';
import { field, redirect } from './web-request';

checkEnvironment(FUNCTIONS.citizenJourneyPages);

const repositories = serviceRepositories();

/** A journey left alone this long is forgotten (the table's TTL deletes it). */
const JOURNEY_TTL_SECONDS = 24 * 60 * 60;
const CHECK_ANSWERS = '/journey/check-answers';

const stepPath = (step: JourneyStep) => `/journey/${step.slug}`;

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

async function activeDepartments(): Promise<DepartmentRecord[]> {
  return (await repositories.departments.list()).filter((d) => isActiveDepartment(d) && d.events.includes('address.changed'));
}

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

// --- one question per page --------------------------------------------------------------------

function departmentItems(departments: DepartmentRecord[], chosen: string[]) {
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

export const handler = htmlHandler({
  'GET /': startPage,
  'GET /journey/{step}': journeyPage,
  'POST /journey/{step}': answerStep,
});
