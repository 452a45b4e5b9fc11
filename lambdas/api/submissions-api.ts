import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseChangeOfAddressRequest } from '../domain/change-of-address-request';
import { isSubmissionId, requestFingerprint } from '../domain/identifiers';
import { correctSubmission } from '../application/correct-submission';
import { erasePersonalData } from '../application/erase-personal-data';
import { withdrawSubmission } from '../application/withdraw-submission';
import { parseCorrectionRequest } from '../domain/correction-request';
import { parseWithdrawalRequest } from '../domain/withdrawal-request';
import { issueReceipt } from '../application/issue-receipt';
import { submitChangeOfAddress } from '../application/submit-change-of-address';
import type { NotificationRecord } from '../domain/notification';
import type { SubmissionRecord } from '../domain/submission';
import { serviceSettings } from '../service-settings';
import { serviceReceiptSigner } from '../signing/service-receipt-signer';
import { serviceRepositories } from '../store/service-repositories';
import { serviceCitizenNotifier } from '../notifier/service-citizen-notifier';
import { startWorkflowExecution } from '../workflow-engine/step-functions-workflow-engine';
import { authenticateCitizen } from '../http/authentication';
import { httpHandler } from './http-handler';
import { HttpProblem, json, problemResponse } from '../http/http-responses';
import { header, readJsonBody } from '../http/request-body';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.submissionsApi);

const repositories = serviceRepositories();
const citizenNotifier = serviceCitizenNotifier();

/** CONTRACT section 5: 1 to 255 printable ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

function submissionView(submission: SubmissionRecord, notifications: NotificationRecord[]) {
  return {
    id: submission.id,
    reference: submission.reference,
    type: submission.type,
    status: submission.status,
    createdAt: submission.createdAt,
    finalisedAt: submission.finalisedAt ?? null,
    erasedAt: submission.erasedAt ?? null,
    notifications: notifications.map((n) => ({
      id: n.id,
      department: n.departmentId,
      kind: n.kind ?? 'change',
      ...(n.corrects ? { corrects: n.corrects } : {}),
      ...(n.withdraws ? { withdraws: n.withdraws } : {}),
      status: n.status,
      attempts: n.attempts,
      lastError: n.lastError ?? null,
      deliveredAt: n.deliveredAt ?? null,
      respondedAt: n.respondedAt ?? null,
      departmentReference: n.departmentReference ?? null,
      reason: n.reason ?? null,
    })),
  };
}

function requireIdempotencyKey(event: APIGatewayProxyEventV2, what: string): string {
  const idempotencyKey = header(event, 'idempotency-key');
  if (idempotencyKey === undefined || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw HttpProblem.of(400, `Send an Idempotency-Key header of 1 to 255 printable characters, new for each ${what}.`);
  }
  return idempotencyKey;
}

/** A notification as the 202 of a submission, correction or withdrawal lists it. */
const notificationSummary = (n: NotificationRecord) => ({
  id: n.id,
  department: n.departmentId,
  kind: n.kind ?? 'change',
  status: n.status,
});

async function createSubmission(event: APIGatewayProxyEventV2) {
  const citizenId = await authenticateCitizen(event);
  const idempotencyKey = requireIdempotencyKey(event, 'submission');
  const body = readJsonBody(event);
  const parsed = parseChangeOfAddressRequest(body);
  if (!parsed.ok) return problemResponse(422, 'Some answers need correcting.', parsed.errors);

  const outcome = await submitChangeOfAddress(
    { ...repositories, startWorkflow: startWorkflowExecution, now: () => new Date() },
    citizenId,
    idempotencyKey,
    parsed.value,
    requestFingerprint(body),
  );
  switch (outcome.kind) {
    case 'invalid':
      return problemResponse(422, 'Some answers need correcting.', outcome.errors);
    case 'key-reused':
      return problemResponse(422, outcome.detail, [{ pointer: '', detail: outcome.detail }]);
    case 'accepted': {
      const { id, reference, status, notifications } = submissionView(outcome.submission, outcome.notifications);
      return json(
        202,
        {
          id,
          reference,
          status,
          notifications: notifications.map((n) => ({ id: n.id, department: n.department, kind: n.kind, status: n.status })),
        },
        { location: `/v1/submissions/${id}` },
      );
    }
  }
}

/** The submission in the path, if the signed-in citizen made it; anyone else's is answered like a missing one. */
async function ownSubmission(event: APIGatewayProxyEventV2) {
  const citizenId = await authenticateCitizen(event);
  const submissionId = event.pathParameters?.submissionId ?? '';
  const submission = isSubmissionId(submissionId) ? await repositories.submissions.get(submissionId) : undefined;
  if (!submission || submission.citizenId !== citizenId) throw HttpProblem.of(404, 'There is no submission with this id.');
  return submission;
}

async function getSubmission(event: APIGatewayProxyEventV2) {
  const submission = await ownSubmission(event);
  const notifications = await repositories.notifications.getMany(submission.notificationIds);
  return json(200, submissionView(submission, notifications));
}

/** The audit trail: who received which of the citizen's data, when, and what they answered. */
async function getEvents(event: APIGatewayProxyEventV2) {
  const submission = await ownSubmission(event);
  const events = await repositories.audit.list(submission.id);
  return json(200, {
    submissionId: submission.id,
    events: events.map(({ submissionId: _s, key: _k, departmentId, ...rest }) => ({ ...rest, department: departmentId ?? null })),
  });
}

/** The proof of notification (CONTRACT section 11): a signed receipt, kept available after erasure since it holds no personal data. */
async function getReceipt(event: APIGatewayProxyEventV2) {
  const submission = await ownSubmission(event);
  const { receipt } = await issueReceipt(
    {
      ...repositories,
      signer: serviceReceiptSigner(),
      issuer: serviceSettings.publicBaseUrl,
      now: () => new Date(),
    },
    submission,
  );
  return json(200, { receipt });
}

/** The citizen asks for their personal data to be erased now; only once the submission is final. */
async function deleteSubmission(event: APIGatewayProxyEventV2) {
  const submission = await ownSubmission(event);
  if (submission.status === 'IN_PROGRESS') {
    return problemResponse(409, 'Your personal data can be erased once every department has acted on this submission.');
  }
  await erasePersonalData(
    { ...repositories, notifier: citizenNotifier, now: () => new Date() },
    submission.id,
    'citizen',
    'The citizen asked for their data to be erased',
  );
  return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
}

const followUpDependencies = () => ({ ...repositories, startWorkflow: startWorkflowExecution, now: () => new Date() });

/** CONTRACT section 10: the citizen corrects parts of what they sent; departments already told are told again. */
async function correct(event: APIGatewayProxyEventV2) {
  const citizenId = await authenticateCitizen(event);
  const idempotencyKey = requireIdempotencyKey(event, 'correction');
  const body = readJsonBody(event);
  const parsed = parseCorrectionRequest(body);
  if (!parsed.ok) return problemResponse(422, 'Some corrections need correcting.', parsed.errors);
  const outcome = await correctSubmission(
    followUpDependencies(),
    citizenId,
    event.pathParameters?.submissionId ?? '',
    idempotencyKey,
    parsed.value,
    requestFingerprint(body),
  );
  switch (outcome.kind) {
    case 'not-found':
      return problemResponse(404, 'There is no submission with this id.');
    case 'conflict':
      return problemResponse(409, outcome.detail);
    case 'invalid':
      return problemResponse(422, 'Some corrections need correcting.', outcome.errors);
    case 'key-reused':
      return problemResponse(422, outcome.detail, [{ pointer: '', detail: outcome.detail }]);
    case 'accepted':
      return json(202, {
        id: outcome.correction.id,
        changed: outcome.correction.changed,
        notifications: outcome.notifications.map(notificationSummary),
      });
  }
}

/** CONTRACT section 10: the citizen reported by mistake; what is not yet delivered is never sent. */
async function withdraw(event: APIGatewayProxyEventV2) {
  const citizenId = await authenticateCitizen(event);
  // The body is optional: none at all withdraws without a reason.
  const body = event.body ? readJsonBody(event) : {};
  const parsed = parseWithdrawalRequest(body);
  if (!parsed.ok) return problemResponse(422, 'Check your reason.', parsed.errors);
  const outcome = await withdrawSubmission(
    followUpDependencies(),
    citizenId,
    event.pathParameters?.submissionId ?? '',
    parsed.value.reason || undefined,
  );
  switch (outcome.kind) {
    case 'not-found':
      return problemResponse(404, 'There is no submission with this id.');
    case 'conflict':
      return problemResponse(409, outcome.detail);
    case 'accepted':
      return json(202, {
        id: outcome.submission.id,
        status: outcome.submission.status,
        withdrawnAt: outcome.submission.withdrawnAt,
        notifications: outcome.notifications.map(notificationSummary),
      });
  }
}

export const handler = httpHandler({
  'POST /v1/submissions': createSubmission,
  'GET /v1/submissions/{submissionId}': getSubmission,
  'GET /v1/submissions/{submissionId}/events': getEvents,
  'GET /v1/submissions/{submissionId}/receipt': getReceipt,
  'DELETE /v1/submissions/{submissionId}': deleteSubmission,
  'POST /v1/submissions/{submissionId}/corrections': correct,
  'POST /v1/submissions/{submissionId}/withdrawal': withdraw,
});
