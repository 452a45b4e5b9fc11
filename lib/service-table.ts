import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { FEED_INDEX_NAME, LISTING_INDEX_ATTRIBUTES, LISTING_INDEX_NAME } from '../lambdas/store/dynamodb/table-layout';

/**
 * The single DynamoDB table holding departments, submissions and notifications. Every write the
 * service makes is a single-item conditional write, so it works the same on DynamoDB and dynalite.
 * It holds personal data and the departments' signing secrets, so it is encrypted with the
 * service's customer-managed key; retention is by the `expiresAt` TTL attribute.
 */
export class ServiceTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { encryptionKey: kms.IKey }) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: LISTING_INDEX_NAME,
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      // Only what the listings read (INCLUDE): an update that changes none of it writes nothing to
      // the index, and an entry stays far smaller than a notification carrying its audit entries.
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...LISTING_INDEX_ATTRIBUTES],
    });
    // A notification's place in its department's feed never changes (CONTRACT section 8), unlike
    // its place in the listing by status.
    this.table.addGlobalSecondaryIndex({
      indexName: FEED_INDEX_NAME,
      partitionKey: { name: 'gsi2pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: dynamodb.AttributeType.STRING },
      // Keys only: a feed entry is written once, when the notification is made, and never again
      // (its key never changes); the feed reads the notifications themselves.
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }
}
