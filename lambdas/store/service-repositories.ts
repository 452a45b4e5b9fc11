import { serviceSettings } from '../service-settings';
import type { AnswerSnapshotReader } from './answer-snapshot';
import type { AuditTrail } from './audit-trail';
import type { DeliverySnapshotReader } from './delivery-snapshot';
import type { DepartmentChangeTrail } from './department-change-trail';
import type { DepartmentRepository } from './department-repository';
import { DynamoDbAnswerSnapshotReader } from './dynamodb/dynamodb-answer-snapshot';
import { DynamoDbAuditTrail } from './dynamodb/dynamodb-audit-trail';
import { DynamoDbDepartmentChangeTrail } from './dynamodb/dynamodb-department-change-trail';
import { DynamoDbDeliverySnapshotReader } from './dynamodb/dynamodb-delivery-snapshot';
import { DynamoDbFinaliseSnapshotReader } from './dynamodb/dynamodb-finalise-snapshot';
import { DynamoDbDepartmentRepository } from './dynamodb/dynamodb-department-repository';
import { DynamoDbEndpointRepository } from './dynamodb/dynamodb-endpoint-repository';
import { DynamoDbJourneyRepository } from './dynamodb/dynamodb-journey-repository';
import { DynamoDbNotificationRepository } from './dynamodb/dynamodb-notification-repository';
import { DynamoDbOperatorEventLog } from './dynamodb/dynamodb-operator-event-log';
import { DynamoDbSubmissionRepository } from './dynamodb/dynamodb-submission-repository';
import { DynamoDbWebSessionRepository } from './dynamodb/dynamodb-web-session-repository';
import type { EndpointRepository } from './endpoint-repository';
import type { FinaliseSnapshotReader } from './finalise-snapshot';
import type { JourneyRepository } from './journey-repository';
import type { NotificationRepository } from './notification-repository';
import type { OperatorEventLog } from './operator-event-log';
import type { SubmissionRepository } from './submission-repository';
import type { WebSessionRepository } from './web-session-repository';

/** The repositories use cases are given: interfaces, so tests can give them the in-memory ones. */
export interface ServiceRepositories {
  readonly departments: DepartmentRepository;
  readonly submissions: SubmissionRepository;
  readonly notifications: NotificationRepository;
  readonly audit: AuditTrail;
  readonly journeys: JourneyRepository;
  readonly endpoints: EndpointRepository;
  readonly operatorEvents: OperatorEventLog;
  readonly departmentChanges: DepartmentChangeTrail;
  readonly webSessions: WebSessionRepository;
  /** A delivery's reads in one request (DynamoDB); without it, the delivery reads item by item. */
  readonly deliverySnapshots?: DeliverySnapshotReader;
  /** An answer's reads (the department, the notification) in one request (DynamoDB); without it, one by one. */
  readonly answerSnapshots?: AnswerSnapshotReader;
  /** Finalising's reads (the submission, its personal data, notifications, departments) in one request (DynamoDB); without it, one by one. */
  readonly finaliseSnapshots?: FinaliseSnapshotReader;
}

/** The repositories handlers use, on the service's table. */
export function serviceRepositories(): ServiceRepositories {
  const tableName = serviceSettings.tableName;
  return {
    departments: new DynamoDbDepartmentRepository(tableName),
    submissions: new DynamoDbSubmissionRepository(tableName),
    notifications: new DynamoDbNotificationRepository(tableName),
    audit: new DynamoDbAuditTrail(tableName),
    journeys: new DynamoDbJourneyRepository(tableName),
    endpoints: new DynamoDbEndpointRepository(tableName),
    operatorEvents: new DynamoDbOperatorEventLog(tableName),
    departmentChanges: new DynamoDbDepartmentChangeTrail(tableName),
    webSessions: new DynamoDbWebSessionRepository(tableName),
    deliverySnapshots: new DynamoDbDeliverySnapshotReader(tableName),
    answerSnapshots: new DynamoDbAnswerSnapshotReader(tableName),
    finaliseSnapshots: new DynamoDbFinaliseSnapshotReader(tableName),
  };
}
