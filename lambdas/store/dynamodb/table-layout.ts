import type { PersonalDataRecord } from '../../domain/submission';
import type { ListedDepartment } from '../department-repository';
import type { ListedNotification } from '../notification-repository';
import type { ListedSubmission } from '../submission-repository';

/**
 * The layout of the service's one table, shared by the repositories that write it, the stack that
 * creates it (lib/service-table.ts) and the grants that limit each function to its partitions
 * (`dynamodb:LeadingKeys`, lambdas/function-declarations.ts).
 */

/** Name of the secondary index that lists items by `gsi1pk`, sorted by `gsi1sk`. */
export const LISTING_INDEX_NAME = 'listing';

/** Name of the secondary index that holds each department's feed by `gsi2pk`, sorted by `gsi2sk`. */
export const FEED_INDEX_NAME = 'feed';

// What the listings read of each kind of item (the store's Listed* types), written out so that the
// compiler asks for a decision whenever a record gains an attribute: listed or not.
const LISTED_NOTIFICATION: Record<keyof ListedNotification, true> = {
  id: true,
  submissionId: true,
  departmentId: true,
  kind: true,
  corrects: true,
  changed: true,
  withdraws: true,
  status: true,
  confirmationRequired: true,
  confirmationTimeoutSeconds: true,
  entitledFields: true,
  attempts: true,
  lastError: true,
  firstAttemptAt: true,
  sentAt: true,
  deliveredAt: true,
  deliveredVia: true,
  awaitingCollection: true,
  collectedAfterFailure: true,
  collectionRun: true,
  respondedAt: true,
  departmentReference: true,
  reason: true,
  redeliveries: true,
  createdAt: true,
  updatedAt: true,
};
const LISTED_DEPARTMENT: Record<keyof ListedDepartment, true> = {
  id: true,
  name: true,
  description: true,
  events: true,
  fields: true,
  active: true,
  suspended: true,
  disabledAt: true,
  disabledReason: true,
  webhookUrl: true,
};
const LISTED_SUBMISSION: Record<keyof ListedSubmission, true> = { id: true, status: true };
/** The erasures due: the personal data items' submission ids. */
const LISTED_PERSONAL_DATA: Record<keyof Pick<PersonalDataRecord, 'submissionId'>, true> = { submissionId: true };

const namesOf = (...listed: object[]) => [...new Set(listed.flatMap((l) => Object.keys(l)))].sort();

/**
 * The non-key attributes the listing index holds (projection INCLUDE): what its readers read, and
 * no more. Left out, notably: a notification's task token and audit entries (`EVENT#...`), which
 * made each of its writes copy more than 1 KB into the index, and a department's credentials.
 * An attribute name is projected for every kind of item that has it.
 */
export const LISTING_INDEX_ATTRIBUTES: readonly string[] = namesOf(
  LISTED_NOTIFICATION,
  LISTED_DEPARTMENT,
  LISTED_SUBMISSION,
  LISTED_PERSONAL_DATA,
);

/** The partition key prefix of each kind of item: `<prefix><id>`. */
export const PARTITIONS = {
  department: 'DEPARTMENT#',
  submission: 'SUBMISSION#',
  notification: 'NOTIFICATION#',
  journey: 'JOURNEY#',
  webSession: 'SESSION#',
  /** A department's feed, in the feed index (`gsi2pk`). */
  feed: 'FEED#',
  /** The operator events (one partition: they are rare; lambdas/store/dynamodb/dynamodb-operator-event-log.ts). */
  operatorEvents: 'OPERATOR_EVENTS',
} as const;

/**
 * A notification's own audit entries (SENT, DELIVERED, FAILED, its answer) are attributes of the
 * notification item, named `<prefix><event key>`, written by the same conditional write that
 * changes the notification (dynalite has no transactions): no write of their own. Top-level
 * attributes, so that a notification stored before them needs no map to be created first.
 */
export const TRAIL_ATTRIBUTE_PREFIX = 'EVENT#';
