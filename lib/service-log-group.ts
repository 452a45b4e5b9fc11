import { Aws, Fn, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * Where every log group of the service lives: `/tell-us-once/<stack name>/<stack UUID>/`. The key
 * policy lets CloudWatch Logs use the service key for log groups under it alone
 * (lib/encryption-key.ts). The stack's UUID (new with each creation) keeps the names free after a
 * teardown, which retains the old log groups under theirs.
 */
export function serviceLogGroupPrefix(stack: Stack): string {
  return `/tell-us-once/${stack.stackName}/${Fn.select(2, Fn.split('/', Aws.STACK_ID))}/`;
}

/** A log group of the service: under the service's prefix, encrypted with its key, kept three months. */
export function serviceLogGroup(scope: Construct, id: string, encryptionKey: kms.IKey): logs.LogGroup {
  const stack = Stack.of(scope);
  // Named after its construct path within the stack, e.g. `Api/SubmissionsFunctionLogs`: unique.
  const path = [...scope.node.scopes.slice(stack.node.scopes.length).map((s) => s.node.id), id].join('/');
  return new logs.LogGroup(scope, id, {
    logGroupName: `${serviceLogGroupPrefix(stack)}${path}`,
    retention: logs.RetentionDays.THREE_MONTHS,
    encryptionKey,
  });
}
