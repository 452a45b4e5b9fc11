import type { DepartmentRecord } from '../domain/department';
import type { NotificationRecord } from '../domain/notification';

/** What answering a notification reads: the department whose API key was presented, and the notification. */
export interface AnswerSnapshot {
  readonly department?: DepartmentRecord;
  readonly notification?: NotificationRecord;
}

/**
 * Reads an answer's two items together (one BatchGetItem on DynamoDB, not two GetItems): the API
 * key names its department, the path names the notification.
 */
export interface AnswerSnapshotReader {
  read(ids: { departmentId: string; notificationId: string }): Promise<AnswerSnapshot>;
}
