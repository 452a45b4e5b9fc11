import type { DepartmentConfiguration } from '../domain/department-configuration';
import type { DeliveryChannel } from '../domain/department-configuration';
import type { ChangeOfAddress, EntitleableField } from '../domain/entitlement';
import type { NotificationKind, NotificationStatus, SubmissionStatus } from '../domain/notification-status';

export interface SigningSecret {
  /** `whsec_...`, as Standard Webhooks defines it. */
  readonly secret: string;
  readonly createdAt: string;
  /** Set when a newer secret replaced this one; it keeps signing until then. */
  readonly retiresAt?: string;
}

export interface ApiKey {
  /** SHA-256 of the key, hex. */
  readonly hash: string;
  readonly createdAt: string;
  /** Set when a newer key replaced this one; it keeps working until then. */
  readonly retiresAt?: string;
}

export interface DepartmentRecord extends DepartmentConfiguration {
  readonly id: string;
  readonly active: boolean;
  readonly disabledAt?: string;
  readonly disabledReason?: string;
  readonly signingSecrets: SigningSecret[];
  /** The department's API keys, as SHA-256 hashes; a key itself is never stored. Newest first. */
  readonly apiKeys: ApiKey[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

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

/** The citizen's personal data, kept apart from the submission so it can be erased on its own. */
export interface PersonalDataRecord {
  readonly submissionId: string;
  readonly change: ChangeOfAddress;
  /** When it is to be erased, once the submission is final. */
  readonly eraseAfter?: string;
}

export interface NotificationRecord {
  readonly id: string;
  readonly submissionId: string;
  readonly departmentId: string;
  /** Absent on notifications stored before corrections existed: those are all `change`. */
  readonly kind?: NotificationKind;
  /** A correction: the notification it corrects (what the department was first sent). */
  readonly corrects?: string;
  /** A correction: the field names it changes that this department is entitled to. */
  readonly changed?: EntitleableField[];
  /** A withdrawal notice: the notification it withdraws. */
  readonly withdraws?: string;
  readonly status: NotificationStatus;
  readonly confirmationRequired: boolean;
  readonly confirmationTimeoutSeconds: number;
  /**
   * The citizen's consent: the fields the department was entitled to when the submission was
   * accepted. It is only ever served intersected with the department's current fields.
   */
  readonly entitledFields: EntitleableField[];
  readonly attempts: number;
  readonly lastError?: string;
  readonly firstAttemptAt?: string;
  /** Set when the first attempt starts: from then on the department may answer. */
  readonly sentAt?: string;
  readonly deliveredAt?: string;
  /** The channel that first served the data (CONTRACT section 8): set once, with `deliveredAt`. */
  readonly deliveredVia?: DeliveryChannel;
  /** A pull department's notification, left by the workflow for the department to collect from its feed. */
  readonly awaitingCollection?: boolean;
  /**
   * Set when a feed read delivered a notification no workflow was working on (awaiting collection,
   * or FAILED): a workflow run named `<id>-collected` then awaits the department's answer.
   */
  readonly collectedAfterFailure?: boolean;
  readonly collectionRun?: boolean;
  readonly respondedAt?: string;
  /** The department's free text about the citizen: erased with their personal data. */
  readonly departmentReference?: string;
  readonly reason?: string;
  /** The workflow's task token while it waits for the answer; never leaves the service. */
  readonly taskToken?: string;
  /** How many times an operator asked for redelivery; names each redelivery's workflow. */
  readonly redeliveries?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
