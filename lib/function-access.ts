import { ArnFormat, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { AccessDeclaration } from '../lambdas/function-declarations';
import { FEED_INDEX_NAME, LISTING_INDEX_NAME } from '../lambdas/store/dynamodb/table-layout';
import type { ServiceFunction } from './service-function';
import type { ServiceTable } from './service-table';

/** The stack's resources a function's declared access may name. */
export interface ServiceResources {
  readonly table: ServiceTable;
  readonly encryptionKey: kms.IKey;
  readonly stateMachine?: sfn.IStateMachine;
  /** The verified SES identity citizens are emailed from; no grant is made without one. */
  readonly citizenEmailSenderArn?: string;
  /** The asymmetric keys that sign receipts and the web pages' sign-in assertions. */
  readonly receiptSigningKey?: kms.IKey;
  readonly citizenSignInKey?: kms.IKey;
}

/** `arn:…:execution:<state machine name>:*`: every execution of the state machine, and nothing else. */
function executionsArn(stack: Stack, stateMachine: sfn.IStateMachine): string {
  return stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${Fn.select(6, Fn.split(':', stateMachine.stateMachineArn))}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function resourcesOf(fn: ServiceFunction, access: AccessDeclaration, resources: ServiceResources): string[] {
  const stack = Stack.of(fn);
  const needs = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${fn.declaration.entry} declares access to ${what}, which was not given to it`);
    return value;
  };
  switch (access.on) {
    case 'table':
      return [resources.table.table.tableArn];
    case 'listingIndex':
      return [`${resources.table.table.tableArn}/index/${LISTING_INDEX_NAME}`];
    case 'feedIndex':
      return [`${resources.table.table.tableArn}/index/${FEED_INDEX_NAME}`];
    case 'stateMachine':
      return [needs(resources.stateMachine, 'the state machine').stateMachineArn];
    case 'workflowExecutions':
      return [executionsArn(stack, needs(resources.stateMachine, "the workflow's executions"))];
    case 'citizenEmailSender':
      return resources.citizenEmailSenderArn ? [resources.citizenEmailSenderArn] : [];
    case 'receiptSigningKey':
      return [needs(resources.receiptSigningKey, 'the receipt signing key').keyArn];
    case 'citizenSignInKey':
      return [needs(resources.citizenSignInKey, 'the citizen sign-in key').keyArn];
  }
}

/**
 * Grants a function exactly what its declaration says it calls: each action on the named
 * resource, limited to the declared partitions (`dynamodb:LeadingKeys`). Functions that use the
 * table also get kms:Decrypt on its key through DynamoDB only, which DynamoDB needs to read and
 * write a table encrypted with a customer-managed key.
 */
export function grantDeclaredAccess(fn: ServiceFunction, resources: ServiceResources): void {
  const stack = Stack.of(fn);
  let usesTable = false;
  for (const access of fn.declaration.access) {
    const arns = resourcesOf(fn, access, resources);
    if (arns.length === 0) continue;
    if (access.on === 'table' || access.on === 'listingIndex' || access.on === 'feedIndex') usesTable = true;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...access.actions],
        resources: arns,
        ...(access.partitions
          ? {
              conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.partitions.map((prefix) => `${prefix}*`) } },
            }
          : {}),
      }),
    );
    if (access.on === 'workflowExecutions') {
      const machineLogicalId = stack.getLogicalId(resources.stateMachine!.node.defaultChild as sfn.CfnStateMachine);
      // The finding names the region and account as synthesized: concrete when the environment is.
      const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
      const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineLogicalId}"}]}]}:*]`,
        reason: "The executions of the service's own state machine: execution names are made at run time, so only the name is a wildcard.",
      });
    }
  }
  if (usesTable) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [resources.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }
}
