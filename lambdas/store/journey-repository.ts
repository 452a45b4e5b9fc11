/** The form answers of one citizen's journey through the web pages, kept between pages. */
export type JourneyAnswers = Record<string, string | string[]>;

export interface JourneyRecord {
  /** Derived from the citizen, so each citizen has one journey at a time. */
  readonly id: string;
  readonly citizenId: string;
  readonly answers: JourneyAnswers;
  /** The Idempotency-Key this journey submits with: a double click submits once. */
  readonly idempotencyKey: string;
  /** Set once submitted; the answers are then dropped (the submission keeps them). */
  readonly submissionId?: string;
  /** The citizen's latest submission, kept when a new journey starts so they can still follow it. */
  readonly lastSubmissionId?: string;
  readonly updatedAt: string;
}

export interface JourneyRepository {
  get(id: string): Promise<JourneyRecord | undefined>;
  /** Stores the journey; it is deleted by the table's TTL when left alone for `ttlSeconds`. */
  put(record: JourneyRecord, ttlSeconds: number): Promise<void>;
}
