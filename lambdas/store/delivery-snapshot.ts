import type { EndpointHealth } from '../domain/endpoint-health';
import type { DepartmentRecord } from '../domain/department';
import type { NotificationRecord } from '../domain/notification';
import type { PersonalDataRecord, SubmissionRecord } from '../domain/submission';

/** Everything one delivery attempt reads, as it was at one moment. */
export interface DeliverySnapshot {
  readonly notification?: NotificationRecord;
  readonly submission?: SubmissionRecord;
  readonly personalData?: PersonalDataRecord;
  readonly department?: DepartmentRecord;
  readonly endpoint: EndpointHealth;
}

/**
 * Reads a delivery's items together (one BatchGetItem on DynamoDB, not five GetItems): the
 * department is known before its notification is read, since the workflow carries its id.
 */
export interface DeliverySnapshotReader {
  read(ids: { submissionId: string; notificationId: string; departmentId: string }): Promise<DeliverySnapshot>;
}
