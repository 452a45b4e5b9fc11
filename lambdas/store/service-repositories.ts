import { serviceSettings } from '../service-settings';
import { DynamoDbAuditTrail } from './dynamodb/dynamodb-audit-trail';
import { DynamoDbDepartmentChangeTrail } from './dynamodb/dynamodb-department-change-trail';
import { DynamoDbDeliverySnapshotReader } from './dynamodb/dynamodb-delivery-snapshot';
import { DynamoDbDepartmentRepository } from './dynamodb/dynamodb-department-repository';
import { DynamoDbEndpointRepository } from './dynamodb/dynamodb-endpoint-repository';
import { DynamoDbJourneyRepository } from './dynamodb/dynamodb-journey-repository';
import { DynamoDbNotificationRepository } from './dynamodb/dynamodb-notification-repository';
import { DynamoDbOperatorEventLog } from './dynamodb/dynamodb-operator-event-log';
import { DynamoDbSubmissionRepository } from './dynamodb/dynamodb-submission-repository';
import { DynamoDbWebSessionRepository } from './dynamodb/dynamodb-web-session-repository';

/** The repositories handlers use, on the service's table. */
export function serviceRepositories() {
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
  };
}

export type ServiceRepositories = ReturnType<typeof serviceRepositories>;
