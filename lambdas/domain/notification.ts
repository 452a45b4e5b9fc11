// One department's notification of a submission (the change, a correction or a withdrawal
// notice), with its delivery and the department's answer.
import type { DeliveryChannel } from './department-configuration';
import type { EntitleableField } from './entitlement';
import type { NotificationKind, NotificationStatus } from './notification-status';

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
