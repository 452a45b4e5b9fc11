import type { SubmissionStatus } from '../domain/notification-status';
import type { SubmissionRecord } from './records';

export interface SubmissionRepository {
  get(id: string): Promise<SubmissionRecord | undefined>;
  /** Stores the submission unless it exists; this write is what makes a submission acknowledged. */
  create(record: SubmissionRecord): Promise<'created' | 'exists'>;
  setStatus(id: string, status: SubmissionStatus, now: Date): Promise<void>;
}
