import { buildNotificationEvent, subjectOf } from '../domain/notification-event';
import type { NotificationStatus } from '../domain/notification-status';
import type { NotificationRepository } from '../store/notification-repository';
import type { DepartmentRecord } from '../domain/department';
import type { SubmissionRepository } from '../store/submission-repository';

export interface ListingDependencies {
  readonly notifications: Pick<NotificationRepository, 'listForDepartment'>;
  readonly submissions: Pick<SubmissionRepository, 'getManyWithPersonalData'>;
  readonly publicBaseUrl: string;
}

/**
 * A department's own notifications in one status, oldest first, a page at a time: each with what
 * was sent to it (only the fields consented and still entitled; null once the citizen's data is
 * erased). The page's submissions and their data are read together, in one request per page.
 * An invalid cursor throws `InvalidCursorError`.
 */
export async function listDepartmentNotifications(
  deps: ListingDependencies,
  department: DepartmentRecord,
  query: { status: NotificationStatus; limit: number; cursor?: string },
) {
  const page = await deps.notifications.listForDepartment(department.id, query.status, { limit: query.limit, cursor: query.cursor });
  const submissions = await deps.submissions.getManyWithPersonalData(page.items.map((n) => n.submissionId));
  const items = page.items.map((n) => {
    const { submission, personalData } = submissions.get(n.submissionId) ?? {};
    const subject = subjectOf(n);
    // The event as sent, without the three ids this item already has; none once the citizen's data is erased.
    const sent =
      personalData || subject.kind === 'withdrawal'
        ? buildNotificationEvent({
            type: submission?.type ?? 'address.changed',
            notificationId: n.id,
            reference: '',
            confirmationUrl: '',
            change: personalData?.change,
            consentedFields: n.entitledFields,
            currentFields: department.fields,
            subject,
            now: new Date(n.createdAt),
          })
        : undefined;
    const {
      notificationId: _id,
      reference: _reference,
      confirmationUrl: _url,
      ...data
    } = sent?.data ?? { notificationId: '', reference: '', confirmationUrl: '' };
    return {
      id: n.id,
      type: sent?.type ?? null,
      kind: subject.kind,
      reference: submission?.reference ?? null,
      status: n.status,
      createdAt: n.createdAt,
      deliveredAt: n.deliveredAt ?? null,
      respondedAt: n.respondedAt ?? null,
      departmentReference: n.departmentReference ?? null,
      reason: n.reason ?? null,
      confirmationUrl: `${deps.publicBaseUrl}/v1/notifications/${n.id}/confirmation`,
      // What this department may see (consented and still entitled); null once the citizen's data is erased.
      data: sent ? data : null,
    };
  });
  return { items, nextCursor: page.nextCursor };
}
