import type { DepartmentRecord } from '../domain/department';
import type { NotificationRecord } from '../domain/notification';
import type { PersonalDataRecord, SubmissionRecord } from '../domain/submission';

/** What finalising a submission reads, as it was at one moment. */
export interface FinaliseSnapshot {
  readonly submission?: SubmissionRecord;
  readonly personalData?: PersonalDataRecord;
  /** Every notification the submission lists, in its order (those missing are left out). */
  readonly notifications: NotificationRecord[];
  /** The departments of the notifications the run carried (any other is read when the citizen is told). */
  readonly departments: DepartmentRecord[];
}

/**
 * Reads a finalisation's items together: the submission, its personal data, the notifications the
 * run carried and their departments in one BatchGetItem on DynamoDB; the notifications the
 * submission lists beyond those (a correction or withdrawal added them) in a second one.
 */
export interface FinaliseSnapshotReader {
  read(ids: { submissionId: string; carried: readonly { notificationId: string; departmentId: string }[] }): Promise<FinaliseSnapshot>;
}
