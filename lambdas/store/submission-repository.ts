import type { AuditEvent } from '../domain/audit-event';
import type { SubmissionStatus } from '../domain/notification-status';
import type { ChangeOfAddress } from '../domain/submission';
import type { CorrectionRecord, PersonalDataRecord, SubmissionRecord } from '../domain/submission';

export interface SubmissionWithPersonalData {
  readonly submission: SubmissionRecord;
  readonly personalData?: PersonalDataRecord;
}

export interface SubmissionRepository {
  get(id: string): Promise<SubmissionRecord | undefined>;
  /**
   * Stores the submission unless it exists; this write is what makes a submission acknowledged.
   * `trail`: audit entries stored with it, in the same write (AuditTrail.list shows them).
   */
  create(record: SubmissionRecord, trail?: readonly AuditEvent[]): Promise<'created' | 'exists'>;
  /**
   * Sets the status; a submission IN_PROGRESS is listed by `listInProgress`, a final one is not.
   * With `notificationCount`, only while the submission still has that many notifications (a final
   * status worked out before a correction or withdrawal added some must not overwrite IN_PROGRESS).
   * `trail`: audit entries recorded with it (each once by its key), even where that condition keeps
   * the status from being written.
   */
  setStatus(id: string, status: SubmissionStatus, now: Date, notificationCount?: number, trail?: readonly AuditEvent[]): Promise<void>;
  /**
   * Records a round's final entry (`FINAL#<round>`) in the submission's trail unless it holds one
   * with that key: true for the one caller that records it, which alone schedules the erasure and
   * tells the citizen (one conditional write on the submission on DynamoDB).
   */
  claimFinalRound(id: string, entry: AuditEvent): Promise<boolean>;
  /**
   * Adds notifications to the submission (those it has already are skipped) and puts it back
   * IN_PROGRESS; returns the submission as it now is.
   */
  addNotifications(id: string, notificationIds: readonly string[], now: Date): Promise<SubmissionRecord>;
  /** Records that the citizen withdrew it (the first time only); returns the submission as it now is. */
  recordWithdrawal(id: string, reason: string | undefined, now: Date): Promise<SubmissionRecord>;
  /** Stores a correction unless one with its id exists (a retry with the same Idempotency-Key). */
  createCorrection(record: CorrectionRecord): Promise<'created' | 'exists'>;
  getCorrection(submissionId: string, correctionId: string): Promise<CorrectionRecord | undefined>;
  markCorrectionApplied(submissionId: string, correctionId: string, now: Date): Promise<void>;
  /**
   * Replaces the citizen's data with the corrected one and cancels any scheduled erasure (the
   * submission is in progress again); false when it has already been erased.
   */
  replacePersonalData(submissionId: string, change: ChangeOfAddress): Promise<boolean>;
  /**
   * Every submission not yet final (what the reconciler makes sure has a workflow running), or only
   * those created before `createdBefore` (the stale ones a sweep looks at).
   */
  listInProgress(scope?: { readonly createdBefore?: Date }): Promise<SubmissionRecord[]>;
  /**
   * Counts a new recovery round (a fresh workflow execution the reconciler starts), unless another
   * reconciler already did (`expectedRounds` is then stale): true when this caller owns the round.
   */
  beginRecoveryRound(id: string, expectedRounds: number, now: Date): Promise<boolean>;

  /** Stores the citizen's personal data for a submission (written before the submission itself). */
  putPersonalData(submissionId: string, change: ChangeOfAddress): Promise<void>;
  getPersonalData(submissionId: string): Promise<PersonalDataRecord | undefined>;
  /**
   * These submissions with their personal data (absent once erased), read together: a listing's
   * one read for its page (BatchGetItem on DynamoDB). Those that do not exist are left out.
   */
  getManyWithPersonalData(ids: readonly string[]): Promise<Map<string, SubmissionWithPersonalData>>;
  /** Marks the personal data for erasure at `eraseAfter` by the sweeper (DynamoDB's TTL a day later is the backstop). */
  scheduleErasure(submissionId: string, eraseAfter: Date): Promise<void>;
  /** Submissions whose personal data is due for erasure at `now`, oldest first. */
  listErasureDue(now: Date, limit: number): Promise<string[]>;
  /** Deletes the personal data and records when; returns false if there was none left. */
  erasePersonalData(submissionId: string, now: Date): Promise<boolean>;
}
