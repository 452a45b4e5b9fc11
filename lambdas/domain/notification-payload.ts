import { renderForDepartment } from './department-adapter';
import { buildNotificationEvent, subjectOf } from './notification-event';
import type { DepartmentRecord } from './department';
import type { NotificationRecord } from './notification';
import type { PersonalDataRecord, SubmissionRecord } from './submission';

/**
 * The body that carries one notification to its department: what a push POSTs, and what its feed
 * item holds (CONTRACT section 8: the feed item is exactly this plus `id` and `status`). One
 * place, so both channels always serve the same data: only the entitled fields, shaped by the
 * department's adapter. Corrections and withdrawal notices too, by their kind.
 */
export function notificationBody(input: {
  notification: NotificationRecord;
  submission: SubmissionRecord;
  /** Undefined once erased: only a withdrawal notice, which carries none, can still be built. */
  personalData: PersonalDataRecord | undefined;
  department: DepartmentRecord;
  publicBaseUrl: string;
  now: Date;
}): string {
  const event = buildNotificationEvent({
    type: input.submission.type,
    notificationId: input.notification.id,
    reference: input.submission.reference,
    confirmationUrl: `${input.publicBaseUrl}/v1/notifications/${input.notification.id}/confirmation`,
    change: input.personalData?.change,
    // The citizen's consent at submission, narrowed by any later narrowing of the department's fields.
    consentedFields: input.notification.entitledFields,
    currentFields: input.department.fields,
    subject: subjectOf(input.notification),
    now: input.now,
  });
  return renderForDepartment(event, input.department.adapter);
}
