import { OPERATOR_POLICY_METADATA_KEY } from '../lib/operator-access';
import { HANDLER_METADATA_KEY } from '../lib/service-function';
import type { PolicyStatement } from './iam-policy-evaluator';
import type { CloudFormationTemplate } from './synthesized-template';

/** The pseudo parameters and naming the one-machine runtime resolves the template with. */
export const LOCAL_PARTITION = 'aws';
export const LOCAL_REGION = 'eu-west-2';
export const LOCAL_ACCOUNT = '000000000000';
/** The stack's id as CloudFormation would give it (a UUID per stack); names log groups (lib/service-log-group.ts). */
export const LOCAL_STACK_ID = `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/local/00000000-0000-0000-0000-000000000000`;

export const localFunctionArn = (logicalId: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
/** A state machine's ARN: its name as set in the template (StateMachineName), else its logical id. */
export const localStateMachineArn = (name: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
export const localTableArn = (name: string) => `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
export const localKeyArn = (logicalId: string) => `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${logicalId}`;
export const localRoleArn = (logicalId: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`;

function stateMachineName(template: CloudFormationTemplate, logicalId: string): string {
  const name = template.Resources[logicalId]?.Properties?.StateMachineName;
  return typeof name === 'string' ? name : logicalId;
}
/** A KMS key's id on one machine is its logical id (a UUID on AWS). */
export const localKmsKeyArn = localKeyArn;

export interface LocalFunction {
  readonly logicalId: string;
  /** The function's execution role. */
  readonly roleLogicalId: string;
  readonly entry: string;
  readonly handler: string;
  readonly environment: Record<string, string>;
}

export interface LocalRoute {
  /** API Gateway route key, e.g. `POST /v1/submissions` or `$default`. */
  readonly routeKey: string;
  readonly functionLogicalId: string;
  readonly authorizationType: string;
}

export interface LocalTable {
  readonly logicalId: string;
  readonly properties: Record<string, any>;
}

/**
 * Resolves the intrinsic functions the synthesized template uses (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Select, Fn::Split) to the names resources have on one machine: tables are named after
 * their logical id, functions and state machines get local ARNs.
 */
export function resolveIntrinsics(template: CloudFormationTemplate, value: unknown): any {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(template, v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0];
    switch (fn) {
      case 'Ref':
        return resolveRef(template, arg as string);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return resolveGetAtt(template, logicalId, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolveIntrinsics(template, parts) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        return (resolveIntrinsics(template, list) as unknown[])[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return String(resolveIntrinsics(template, source)).split(separator);
      }
      default:
        break;
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(template, v)]));
}

function resolveRef(template: CloudFormationTemplate, name: string): string {
  switch (name) {
    case 'AWS::Partition':
      return LOCAL_PARTITION;
    case 'AWS::Region':
      return LOCAL_REGION;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackId':
      return LOCAL_STACK_ID;
    default:
      break;
  }
  const resource = template.Resources[name];
  if (!resource) throw new Error(`Unknown reference ${name}`);
  switch (resource.Type) {
    case 'AWS::StepFunctions::StateMachine':
      return localStateMachineArn(stateMachineName(template, name));
    case 'AWS::Lambda::Function':
      return name;
    case 'AWS::KMS::Key':
      return name;
    default:
      return name; // Tables and everything else: named after the logical id.
  }
}

function resolveGetAtt(template: CloudFormationTemplate, logicalId: string, attribute: string): string {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`Unknown resource ${logicalId}`);
  if (attribute === 'Arn') {
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        return localFunctionArn(logicalId);
      case 'AWS::StepFunctions::StateMachine':
        return localStateMachineArn(stateMachineName(template, logicalId));
      case 'AWS::DynamoDB::Table':
        return localTableArn(logicalId);
      case 'AWS::KMS::Key':
        return localKeyArn(logicalId);
      case 'AWS::IAM::Role':
        return localRoleArn(logicalId);
      default:
        break;
    }
  }
  if (resource.Type === 'AWS::StepFunctions::StateMachine' && attribute === 'Name') return stateMachineName(template, logicalId);
  if (resource.Type === 'AWS::KMS::Key' && attribute === 'KeyId') return logicalId;
  return `${logicalId}.${attribute}`;
}

function resourcesOfType(template: CloudFormationTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The one state machine's definition, parsed, with every reference resolved to its local name. */
export function stateMachineDefinition(template: CloudFormationTemplate): {
  logicalId: string;
  arn: string;
  roleLogicalId: string;
  kmsKeyArn?: string;
  definition: any;
} {
  const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
  const [logicalId, resource] = machines[0];
  const definitionString = resolveIntrinsics(template, resource.Properties!.DefinitionString);
  return {
    logicalId,
    arn: localStateMachineArn(stateMachineName(template, logicalId)),
    roleLogicalId: roleOf(resource.Properties!.RoleArn),
    kmsKeyArn: resource.Properties!.EncryptionConfiguration?.KmsKeyId
      ? resolveIntrinsics(template, resource.Properties!.EncryptionConfiguration.KmsKeyId)
      : undefined,
    definition: JSON.parse(definitionString),
  };
}

/** The role logical id behind a `Fn::GetAtt [Role, Arn]`. */
function roleOf(roleArn: unknown): string {
  const logicalId = (roleArn as { 'Fn::GetAtt'?: string[] })?.['Fn::GetAtt']?.[0];
  if (!logicalId) throw new Error(`Expected a role of this stack, found ${JSON.stringify(roleArn)}`);
  return logicalId;
}

const refersTo = (logicalId: string) => (ref: unknown) => (ref as { Ref?: string })?.Ref === logicalId;

/**
 * Every identity-based statement of a role, as IAM evaluates them: its inline policies and the
 * AWS::IAM::Policy and customer-managed policies attached to it, resolved to local ARNs. AWS-managed
 * policies (the Lambda basic execution role: CloudWatch Logs only) are not read.
 */
export function rolePolicyStatements(template: CloudFormationTemplate, roleLogicalId: string): PolicyStatement[] {
  const role = template.Resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role`);
  const documents: unknown[] = (role.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument);
  for (const [, resource] of [...resourcesOfType(template, 'AWS::IAM::Policy'), ...resourcesOfType(template, 'AWS::IAM::ManagedPolicy')]) {
    if ((resource.Properties?.Roles ?? []).some(refersTo(roleLogicalId))) documents.push(resource.Properties!.PolicyDocument);
  }
  return documents.flatMap((document) => resolveIntrinsics(template, (document as any).Statement) as PolicyStatement[]);
}

/** The key policy of a KMS key of the template, resolved to local ARNs. */
export function keyPolicyStatements(template: CloudFormationTemplate, keyLogicalId: string): Array<PolicyStatement & { Principal?: any }> {
  return resolveIntrinsics(template, template.Resources[keyLogicalId]?.Properties?.KeyPolicy?.Statement ?? []);
}

export interface LocalTableKeys {
  readonly name: string;
  readonly partitionKey: string;
  /** Each index's name and partition key. */
  readonly indexes: Record<string, string>;
  /** The ARN of the customer-managed key the table is encrypted with, if any. */
  readonly keyArn?: string;
}

/** Tables by local name: their partition keys (for dynamodb:LeadingKeys) and encryption key. */
export function tableKeys(template: CloudFormationTemplate): Map<string, LocalTableKeys> {
  const tables = new Map<string, LocalTableKeys>();
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const hashOf = (schema: any[]) => schema.find((k) => k.KeyType === 'HASH')?.AttributeName as string;
    const sse = resource.Properties?.SSESpecification;
    tables.set(logicalId, {
      name: logicalId,
      partitionKey: hashOf(resource.Properties?.KeySchema ?? []),
      indexes: Object.fromEntries((resource.Properties?.GlobalSecondaryIndexes ?? []).map((i: any) => [i.IndexName, hashOf(i.KeySchema)])),
      keyArn: sse?.SSEEnabled && sse.KMSMasterKeyId ? resolveIntrinsics(template, sse.KMSMasterKeyId) : undefined,
    });
  }
  return tables;
}

/** KMS keys by local ARN, with their logical ids. */
export function kmsKeyArns(template: CloudFormationTemplate): Map<string, string> {
  return new Map(resourcesOfType(template, 'AWS::KMS::Key').map(([logicalId]) => [localKeyArn(logicalId), logicalId]));
}

export function lambdaFunctions(template: CloudFormationTemplate): Map<string, LocalFunction> {
  const functions = new Map<string, LocalFunction>();
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const reference = resource.Metadata?.[HANDLER_METADATA_KEY] as { entry: string; handler: string } | undefined;
    if (!reference) continue; // CDK's own helper functions (e.g. log retention) have no handler of ours.
    const variables = resource.Properties?.Environment?.Variables ?? {};
    functions.set(logicalId, {
      logicalId,
      roleLogicalId: roleOf(resource.Properties?.Role),
      entry: reference.entry,
      handler: reference.handler,
      environment: resolveIntrinsics(template, variables),
    });
  }
  return functions;
}

export function dynamoDbTables(template: CloudFormationTemplate): LocalTable[] {
  return resourcesOfType(template, 'AWS::DynamoDB::Table').map(([logicalId, r]) => ({ logicalId, properties: r.Properties ?? {} }));
}

export interface LocalTimeToLiveTable {
  readonly tableName: string;
  /** The attribute holding each item's expiry, in epoch seconds. */
  readonly attributeName: string;
  /** The table's key attributes (partition, then sort key). */
  readonly keyAttributes: readonly string[];
}

/** The tables whose `TimeToLiveSpecification` is enabled, as CloudFormation would configure them. */
export function timeToLiveTables(template: CloudFormationTemplate): LocalTimeToLiveTable[] {
  return resourcesOfType(template, 'AWS::DynamoDB::Table').flatMap(([logicalId, r]) => {
    const ttl = r.Properties?.TimeToLiveSpecification;
    if (!ttl?.Enabled || typeof ttl.AttributeName !== 'string') return [];
    return [
      {
        tableName: logicalId,
        attributeName: ttl.AttributeName,
        keyAttributes: (r.Properties?.KeySchema ?? []).map((k: any) => k.AttributeName as string),
      },
    ];
  });
}

export interface LocalKmsKey {
  readonly logicalId: string;
  /** `SYMMETRIC_DEFAULT` (CloudFormation's default), `ECC_NIST_P256`, `RSA_2048`, ... */
  readonly keySpec: string;
  /** `ENCRYPT_DECRYPT` (the default) or `SIGN_VERIFY`. */
  readonly keyUsage: string;
  /** Its aliases, e.g. `alias/receipts`. */
  readonly aliases: string[];
}

/** Every KMS key of the template, with its spec, usage and aliases. */
export function kmsKeys(template: CloudFormationTemplate): LocalKmsKey[] {
  const aliases = resourcesOfType(template, 'AWS::KMS::Alias').map(([, r]) => ({
    name: String(resolveIntrinsics(template, r.Properties?.AliasName)),
    target: String(resolveIntrinsics(template, r.Properties?.TargetKeyId)),
  }));
  return resourcesOfType(template, 'AWS::KMS::Key').map(([logicalId, r]) => ({
    logicalId,
    keySpec: r.Properties?.KeySpec ?? 'SYMMETRIC_DEFAULT',
    keyUsage: r.Properties?.KeyUsage ?? 'ENCRYPT_DECRYPT',
    aliases: aliases.filter((a) => a.target === logicalId || a.target === localKmsKeyArn(logicalId)).map((a) => a.name),
  }));
}

/** API routes with the function each one integrates (through its AWS_PROXY integration). */
export function apiRoutes(template: CloudFormationTemplate): LocalRoute[] {
  const integrations = new Map<string, string>();
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')) {
    const uri = resource.Properties?.IntegrationUri;
    const functionLogicalId = uri?.['Fn::GetAtt']?.[0] as string | undefined;
    if (functionLogicalId) integrations.set(logicalId, functionLogicalId);
  }
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, resource]) => {
    const target = resource.Properties!.Target as { 'Fn::Join': [string, unknown[]] };
    const integrationRef = target['Fn::Join'][1].find((p) => typeof p === 'object' && p !== null && 'Ref' in p) as { Ref: string };
    const functionLogicalId = integrations.get(integrationRef.Ref);
    if (!functionLogicalId) throw new Error(`Route ${resource.Properties!.RouteKey} has no Lambda integration`);
    return {
      routeKey: resource.Properties!.RouteKey as string,
      functionLogicalId,
      authorizationType: (resource.Properties!.AuthorizationType as string | undefined) ?? 'NONE',
    };
  });
}

/** What the operator principal may call: the HTTP API's id (its logical id here) and the operator policy. */
export interface LocalOperatorAccess {
  readonly apiId: string;
  readonly statements: PolicyStatement[];
}

/** The operator policy of the template (lib/operator-access.ts), resolved to local ARNs. */
export function operatorAccess(template: CloudFormationTemplate): LocalOperatorAccess {
  const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api');
  const policies = resourcesOfType(template, 'AWS::IAM::ManagedPolicy').filter(
    ([, r]) => r.Metadata?.[OPERATOR_POLICY_METADATA_KEY] === true,
  );
  if (apis.length !== 1 || policies.length !== 1)
    throw new Error(`Expected one HTTP API and one operator policy, found ${apis.length} and ${policies.length}`);
  return {
    apiId: apis[0][0],
    statements: resolveIntrinsics(template, policies[0][1].Properties!.PolicyDocument.Statement) as PolicyStatement[],
  };
}

export interface LocalSchedule {
  readonly ruleLogicalId: string;
  readonly functionLogicalId: string;
  /** How often it runs on AWS, in milliseconds. */
  readonly everyMs: number;
}

const RATE_UNITS_MS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** EventBridge rules with a `rate(...)` schedule and the functions they invoke. */
export function scheduledFunctions(template: CloudFormationTemplate): LocalSchedule[] {
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([ruleLogicalId, rule]) => {
    const match = /^rate\((\d+) (\w+)\)$/.exec(String(rule.Properties?.ScheduleExpression ?? ''));
    if (!match || !RATE_UNITS_MS[match[2]]) return [];
    return (rule.Properties?.Targets ?? []).flatMap((target: any) => {
      const functionLogicalId = target.Arn?.['Fn::GetAtt']?.[0] as string | undefined;
      return functionLogicalId ? [{ ruleLogicalId, functionLogicalId, everyMs: Number(match[1]) * RATE_UNITS_MS[match[2]] }] : [];
    });
  });
}

export interface LocalEventRule {
  readonly ruleLogicalId: string;
  readonly functionLogicalId: string;
  /** The rule's EventBridge event pattern, intrinsics resolved to local names. */
  readonly pattern: Record<string, unknown>;
}

/** EventBridge rules with an event pattern and the functions they invoke. */
export function eventRules(template: CloudFormationTemplate): LocalEventRule[] {
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([ruleLogicalId, rule]) => {
    if (!rule.Properties?.EventPattern) return [];
    const pattern = resolveIntrinsics(template, rule.Properties.EventPattern) as Record<string, unknown>;
    return (rule.Properties.Targets ?? []).flatMap((target: any) => {
      const functionLogicalId = target.Arn?.['Fn::GetAtt']?.[0] as string | undefined;
      return functionLogicalId ? [{ ruleLogicalId, functionLogicalId, pattern }] : [];
    });
  });
}

/**
 * Whether an event matches an EventBridge pattern: every field the pattern names must be present,
 * an array lists the values allowed (an array in the event matches if any element is allowed), an
 * object matches the event's object field by field. Content filters (prefix, numeric, …) are not
 * used by the template and are refused rather than misread.
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (event as Record<string, unknown>)[field];
    if (Array.isArray(expected)) {
      if (expected.some((value) => value !== null && typeof value === 'object'))
        throw new Error(`Event pattern content filters are not supported on one machine (${field})`);
      return (Array.isArray(actual) ? actual : [actual]).some((value) => expected.includes(value));
    }
    return expected !== null && typeof expected === 'object' && matchesEventPattern(expected as Record<string, unknown>, actual);
  });
}
