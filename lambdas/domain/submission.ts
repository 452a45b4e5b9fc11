// A citizen's report and what belongs to it: the submission, its personal data (kept apart so it
// can be erased on its own) and the corrections sent after it.
import type { EntitleableField } from './entitlement';
import type { SubmissionStatus } from './notification-status';

export interface SubmissionRecord {
  readonly id: string;
  readonly reference: string;
  readonly type: string;
  /** The citizen's `sub`; only they may read the submission. */
  readonly citizenId: string;
  /**
   * Fingerprint of the request body, to tell a retry from a different request under the same key.
   * Removed when the personal data is erased (it is a hash of the whole report).
   */
  readonly fingerprint?: string;
  readonly notificationIds: string[];
  readonly status: SubmissionStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finalisedAt?: string;
  /** When the citizen's personal data was erased (after retention, or on request). */
  readonly erasedAt?: string;
  /** How many fresh workflow executions the reconciler started for it; names the latest one. */
  readonly recoveryRounds?: number;
  /** When the citizen withdrew it (CONTRACT section 10); nothing not yet delivered is sent from then on. */
  readonly withdrawnAt?: string;
  /** The citizen's reason for withdrawing, if given; erased with their personal data. */
  readonly withdrawalReason?: string;
}

/** One correction a citizen sent (CONTRACT section 10), kept so a retry with its Idempotency-Key answers the same. */
export interface CorrectionRecord {
  readonly id: string;
  readonly submissionId: string;
  /**
   * Fingerprint of the request body, to tell a retry from a different correction under the same key.
   * Removed when the personal data is erased (it is a hash of the corrected parts).
   */
  readonly fingerprint?: string;
  /** The field names whose values it changed. */
  readonly changed: EntitleableField[];
  /** The `address.corrected` notifications it created, one per department already delivered to and entitled to a changed field. */
  readonly notificationIds: string[];
  readonly createdAt: string;
  /** Set once the citizen's data holds the correction: a retry must not apply it again over a later one. */
  readonly appliedAt?: string;
}

/** What the citizen reported: who moved, from where, to where and when (validated and normalised). */
export interface Address {
  line1: string;
  line2?: string;
  town: string;
  postcode: string;
}

export interface ChangeOfAddress {
  person: {
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    nationalInsuranceNumber?: string;
    email?: string;
  };
  previousAddress: Address;
  newAddress: Address;
  movedOn: string;
}

/** The citizen's personal data, kept apart from the submission so it can be erased on its own. */
export interface PersonalDataRecord {
  readonly submissionId: string;
  readonly change: ChangeOfAddress;
  /** When it is to be erased, once the submission is final. */
  readonly eraseAfter?: string;
}
