import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { serviceLogGroupPrefix } from './service-log-group';

/**
 * The one customer-managed KMS key of the service. It encrypts the table (personal data and the
 * departments' signing secrets), every log group, the state machine and the alarm topic, so one
 * key policy says who can read any of it, and disabling the key locks all of it at once.
 */
export class ServiceEncryptionKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: 'Tell Us Once: encrypts the table, logs, workflow state and alarm topic',
      enableKeyRotation: true,
      // The table outlives the stack (it is retained); so must the key that can decrypt it.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    this.key.addAlias(`alias/${stack.stackName}`);

    // CloudWatch Logs encrypts this stack's log groups (Lambda, API access logs, workflow) itself,
    // so its regional service principal needs the key: for the service's own log groups alone,
    // named by the encryption context CloudWatch Logs sends (the log group's ARN).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${serviceLogGroupPrefix(stack)}*`,
          },
        },
      }),
    );
    // CloudWatch alarms publish to the encrypted alarm topic.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }
}
