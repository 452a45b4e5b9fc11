import { type ChangeOfAddressRequest } from '../domain/change-of-address-request';
import { isActiveDepartment } from '../domain/department-configuration';
import type { FieldError } from '../domain/problem-details';
import { notificationIdFor, referenceFor, submissionIdFor } from '../domain/identifiers';
import type { DepartmentRepository } from '../store/department-repository';
import type { NotificationRepository } from '../store/notification-repository';
import type { NotificationRecord } from '../domain/notification';
import type { SubmissionRecord } from '../domain/submission';
import type { SubmissionRepository } from '../store/submission-repository';
import { submittedEvent } from '../domain/audit-event';
import { workflowInput, type WorkflowInput } from '../domain/workflow-runs';

export interface SubmitDependencies {
  readonly departments: DepartmentRepository;
  readonly submissions: SubmissionRepository;
  readonly notifications: NotificationRepository;
  /** Starts the execution by this name; a name already used is not started twice. */
  readonly startWorkflow: (name: string, input: WorkflowInput) => Promise<void>;
  readonly now: () => Date;
}

export type SubmitOutcome =
  | { kind: 'accepted'; submission: SubmissionRecord; notifications: NotificationRecord[] }
  | { kind: 'key-reused'; detail: string }
  | { kind: 'invalid'; errors: FieldError[] };

/**
 * Stores a change of address and starts telling the chosen departments. Every id is derived from
 * the citizen and the Idempotency-Key, so a retry after any failure converges on the same
 * submission and notifications; the submission write, last, is what acknowledges it.
 */
export async function submitChangeOfAddress(
  deps: SubmitDependencies,
  citizenId: string,
  idempotencyKey: string,
  request: ChangeOfAddressRequest,
  fingerprint: string,
): Promise<SubmitOutcome> {
  const submissionId = submissionIdFor(citizenId, idempotencyKey);
  const existing = await deps.submissions.get(submissionId);
  if (existing) return resume(deps, existing, fingerprint);

  const errors: FieldError[] = [];
  const found = new Map((await deps.departments.getMany(request.departments)).map((d) => [d.id, d]));
  const chosen = request.departments.map((id) => found.get(id));
  chosen.forEach((department, index) => {
    const pointer = `/departments/${index}`;
    if (!department || !isActiveDepartment(department)) {
      errors.push({ pointer, detail: `There is no active department "${request.departments[index]}".` });
    } else if (!department.events.includes(request.type)) {
      errors.push({ pointer, detail: `${department.name} does not take ${request.type} notifications.` });
    }
  });
  if (errors.length > 0) return { kind: 'invalid', errors };

  const now = deps.now().toISOString();
  const notifications: NotificationRecord[] = chosen.map((department) => ({
    id: notificationIdFor(submissionId, department!.id),
    submissionId,
    departmentId: department!.id,
    kind: 'change',
    status: 'PENDING',
    confirmationRequired: department!.confirmation.required,
    confirmationTimeoutSeconds: department!.confirmation.timeoutSeconds,
    entitledFields: [...department!.fields],
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  }));
  const { departments: _chosen, type, ...change } = request;
  const submission: SubmissionRecord = {
    id: submissionId,
    reference: referenceFor(submissionId),
    type,
    citizenId,
    fingerprint,
    notificationIds: notifications.map((n) => n.id),
    status: 'IN_PROGRESS',
    createdAt: now,
    updatedAt: now,
  };
  // Personal data and notifications first, the submission last: a submission that exists is complete.
  await deps.submissions.putPersonalData(submissionId, change);
  await Promise.all(notifications.map((n) => deps.notifications.createIfAbsent(n)));
  // The trail's first entry is stored with it: a submission that exists has it.
  const submitted = submittedEvent(
    submission,
    notifications.map((n) => n.departmentId),
  );
  if ((await deps.submissions.create(submission, [submitted])) === 'exists') {
    const winner = await deps.submissions.get(submissionId);
    if (winner) return resume(deps, winner, fingerprint);
  }
  await deps.startWorkflow(submissionId, workflowInput(submissionId, notifications, deps.now()));
  // As written: nothing could have moved them on before this request started their workflow.
  return { kind: 'accepted', submission, notifications };
}

async function resume(deps: SubmitDependencies, existing: SubmissionRecord, fingerprint: string): Promise<SubmitOutcome> {
  // Once erased, the fingerprint is gone and a body can no longer be compared: a replay of the key
  // answers the same (final) submission rather than starting a second one (docs/privacy.md).
  if (!existing.erasedAt && existing.fingerprint !== fingerprint) {
    return {
      kind: 'key-reused',
      detail: 'This Idempotency-Key was already used for a different submission. Use a new key for a new submission.',
    };
  }
  const notifications = await deps.notifications.getMany(existing.notificationIds);
  // The earlier request may have stopped before starting its workflow; starting it again is harmless.
  if (existing.status === 'IN_PROGRESS') {
    await deps.startWorkflow(existing.id, workflowInput(existing.id, notifications, deps.now()));
  }
  return { kind: 'accepted', submission: existing, notifications };
}
