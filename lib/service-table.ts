import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Name of the secondary index that lists items by `gsi1pk`, sorted by `gsi1sk`. */
export const LISTING_INDEX_NAME = 'listing';
/** Name of the secondary index of departments' feeds: `gsi2pk` (the department), sorted by `gsi2sk` (creation). */
export const FEED_INDEX_NAME = 'feed';

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
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // A notification's place in its department's feed never changes (CONTRACT section 8), unlike
    // its place in the listing by status.
    this.table.addGlobalSecondaryIndex({
      indexName: FEED_INDEX_NAME,
      partitionKey: { name: 'gsi2pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /**
   * Lets a function of the service read and write items (and use the key that encrypts them).
   * The grant covers the table's indexes as `<table>/index/*`, which cdk-nag flags as a wildcard.
   */
  grantItemAccess(grantee: iam.IGrantable & Construct): void {
    this.table.grantReadWriteData(grantee);
    const tableLogicalId = Stack.of(this).getLogicalId(this.table.node.defaultChild as dynamodb.CfnTable);
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      reason: 'The wildcard covers only the indexes of the service table (the listing index and the feed index); functions query them to list departments, notifications and feeds.',
    }, ...['kms:ReEncrypt*', 'kms:GenerateDataKey*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'CDK\'s standard grant for a table encrypted with a customer-managed key; the actions are limited to that one key (Resource is the key ARN), which DynamoDB needs to read and write items.',
    })));
  }
}
