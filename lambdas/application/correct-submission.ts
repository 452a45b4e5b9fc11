import { applyCorrection, changedFields, crossPartErrors, type CorrectionRequest } from '../domain/correction-request';
import { correctionIdFor, correctionNotificationIdFor } from '../domain/identifiers';
import { wasDelivered } from '../domain/notification-status';
import type { FieldError } from '../domain/problem-details';
import { fieldsToServe, type EntitleableField } from '../domain/entitlement';
import type { CorrectionRecord, SubmissionRecord } from '../domain/submission';
import type { DepartmentRecord } from '../domain/department';
import type { NotificationRecord } from '../domain/notification';
import { followUpNotification, startFollowUps, type FollowUpDependencies } from './follow-up-notifications';

export type CorrectOutcome =
  | { kind: 'accepted'; correction: CorrectionRecord; notifications: NotificationRecord[] }
  | { kind: 'not-found' }
  | { kind: 'conflict'; detail: string }
  | { kind: 'key-reused'; detail: string }
  | { kind: 'invalid'; errors: FieldError[] };

const ERASED = 'Your personal data for this submission has been erased, so there is nothing left to correct.';

/**
 * The citizen corrects what they sent (CONTRACT section 10). Departments not yet delivered to get
 * the corrected data in their first delivery (it is read when sent); each one already delivered
 * to that is entitled to a changed field gets an `address.corrected` notification. The correction's
 * id comes from the Idempotency-Key, so a retry after any failure converges on the same one.
 */
export async function correctSubmission(
  deps: FollowUpDependencies,
  citizenId: string,
  submissionId: string,
  idempotencyKey: string,
  request: CorrectionRequest,
  fingerprint: string,
): Promise<CorrectOutcome> {
  const submission = await deps.submissions.get(submissionId);
  if (!submission || submission.citizenId !== citizenId) return { kind: 'not-found' };
  if (submission.erasedAt) return { kind: 'conflict', detail: ERASED };
  const correctionId = correctionIdFor(submissionId, idempotencyKey);
  const existing = await deps.submissions.getCorrection(submissionId, correctionId);
  if (existing) return resume(deps, submission, existing, request, fingerprint);
  if (submission.withdrawnAt) return { kind: 'conflict', detail: 'You withdrew this report, so it can no longer be corrected.' };

  const personalData = await deps.submissions.getPersonalData(submissionId);
  if (!personalData) return { kind: 'conflict', detail: ERASED };
  const corrected = applyCorrection(personalData.change, request);
  const errors = crossPartErrors(corrected);
  if (errors.length > 0) return { kind: 'invalid', errors };
  const changed = changedFields(personalData.change, corrected);

  const now = deps.now();
  const notifications = (await correctionRecipients(deps, submission, changed)).map(({ original, department, entitled }) =>
    followUpNotification(
      {
        id: correctionNotificationIdFor(correctionId, department.id),
        submissionId,
        kind: 'correction',
        corrects: original.id,
        changed: entitled,
        entitledFields: original.entitledFields,
      },
      department,
      now,
    ),
  );
  // Notifications first (invisible until the submission lists them), then the correction itself.
  await Promise.all(notifications.map((n) => deps.notifications.createIfAbsent(n)));
  const correction: CorrectionRecord = {
    id: correctionId,
    submissionId,
    fingerprint,
    changed,
    notificationIds: notifications.map((n) => n.id),
    createdAt: now.toISOString(),
  };
  if ((await deps.submissions.createCorrection(correction)) === 'exists') {
    const winner = await deps.submissions.getCorrection(submissionId, correctionId);
    if (winner) return resume(deps, submission, winner, request, fingerprint);
  }
  return apply(deps, submission, correction, request);
}

/** Who is told of a correction: each department already delivered the change, for the changed fields it may see. */
export async function correctionRecipients(
  deps: Pick<FollowUpDependencies, 'notifications' | 'departments'>,
  submission: SubmissionRecord,
  changed: readonly EntitleableField[],
): Promise<Array<{ original: NotificationRecord; department: DepartmentRecord; entitled: EntitleableField[] }>> {
  const originals = (await deps.notifications.getMany(submission.notificationIds)).filter((n) => (n.kind ?? 'change') === 'change');
  const recipients = [];
  for (const original of originals.filter(wasDelivered)) {
    const department = await deps.departments.get(original.departmentId);
    // Consent as given for the change, narrowed by the department's fields now (as every delivery is).
    const entitled = department ? changed.filter((field) => fieldsToServe(original.entitledFields, department.fields).includes(field)) : [];
    if (department && entitled.length > 0) recipients.push({ original, department, entitled });
  }
  return recipients;
}

async function resume(
  deps: FollowUpDependencies,
  submission: SubmissionRecord,
  existing: CorrectionRecord,
  request: CorrectionRequest,
  fingerprint: string,
): Promise<CorrectOutcome> {
  if (existing.fingerprint !== fingerprint) {
    return {
      kind: 'key-reused',
      detail: 'This Idempotency-Key was already used for a different correction. Use a new key for a new correction.',
    };
  }
  return apply(deps, submission, existing, request);
}

/** Every step from here is safe to repeat, so a retry of the same request finishes what a failed one began. */
async function apply(
  deps: FollowUpDependencies,
  submission: SubmissionRecord,
  correction: CorrectionRecord,
  request: CorrectionRequest,
): Promise<CorrectOutcome> {
  if (!correction.appliedAt) {
    const personalData = await deps.submissions.getPersonalData(submission.id);
    if (!personalData || !(await deps.submissions.replacePersonalData(submission.id, applyCorrection(personalData.change, request)))) {
      return { kind: 'conflict', detail: ERASED };
    }
    await deps.submissions.markCorrectionApplied(submission.id, correction.id, deps.now());
  }
  const notifications = await deps.notifications.getMany(correction.notificationIds);
  await deps.audit.record({
    submissionId: submission.id,
    key: `CORRECTED#${correction.id}`,
    at: correction.createdAt,
    type: 'CORRECTED',
    actor: 'citizen',
    fields: correction.changed,
    detail:
      notifications.length > 0
        ? `Corrections sent to: ${notifications.map((n) => n.departmentId).join(', ')}`
        : 'No department already told was entitled to what changed',
  });
  await startFollowUps(deps, submission.id, notifications);
  return { kind: 'accepted', correction, notifications };
}
