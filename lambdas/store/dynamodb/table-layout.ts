/**
 * The layout of the service's one table, shared by the repositories that write it, the stack that
 * creates it (lib/service-table.ts) and the grants that limit each function to its partitions
 * (`dynamodb:LeadingKeys`, lambdas/function-declarations.ts).
 */

/** Name of the secondary index that lists items by `gsi1pk`, sorted by `gsi1sk`. */
export const LISTING_INDEX_NAME = 'listing';

/** Name of the secondary index that holds each department's feed by `gsi2pk`, sorted by `gsi2sk`. */
export const FEED_INDEX_NAME = 'feed';

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
