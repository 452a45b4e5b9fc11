import type { ServiceRepositories } from '../service-repositories';
import { InMemoryAuditTrail } from './in-memory-audit-trail';
import { InMemoryDepartmentChangeTrail } from './in-memory-department-change-trail';
import { InMemoryDepartmentRepository } from './in-memory-department-repository';
import { InMemoryEndpointRepository } from './in-memory-endpoint-repository';
import { InMemoryJourneyRepository } from './in-memory-journey-repository';
import { InMemoryNotificationRepository } from './in-memory-notification-repository';
import { InMemoryOperatorEventLog } from './in-memory-operator-event-log';
import { InMemorySubmissionRepository } from './in-memory-submission-repository';
import { InMemoryWebSessionRepository } from './in-memory-web-session-repository';

/** Every repository the service uses, in memory and empty: what use-case unit tests run on. */
export function inMemoryRepositories() {
  const notifications = new InMemoryNotificationRepository();
  const submissions = new InMemorySubmissionRepository();
  return {
    departments: new InMemoryDepartmentRepository(),
    submissions,
    notifications,
    audit: new InMemoryAuditTrail(notifications, submissions),
    journeys: new InMemoryJourneyRepository(),
    endpoints: new InMemoryEndpointRepository(),
    operatorEvents: new InMemoryOperatorEventLog(),
    departmentChanges: new InMemoryDepartmentChangeTrail(),
    webSessions: new InMemoryWebSessionRepository(),
  } satisfies ServiceRepositories;
}
