import type { AuthorisationRequest } from './iam-policy-evaluator';
import { LOCAL_ACCOUNT, LOCAL_REGION, localTableArn, type LocalTableKeys } from './template-resources';

/** What the one machine knows about its resources, to form ARNs and condition keys as AWS does. */
export interface LocalResourceDirectory {
  readonly tables: Map<string, LocalTableKeys>;
  /** The state machine a task token belongs to (one machine runs one). */
  readonly stateMachineArn: string;
  /** A KMS KeyId as the SDK is given it (ARN, key id or alias) to the key's ARN. */
  keyArn(keyId: string): string;
}

/** lib-dynamodb's document commands and the DynamoDB operations (IAM actions) they perform. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
  ExecuteStatement: 'PartiQLSelect',
};

/** An attribute value as the document client (plain) or the low-level client ({S: ...}) gives it. */
function plain(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value && typeof value === 'object') {
    const typed = value as { S?: string; N?: string; B?: unknown };
    if (typed.S !== undefined) return typed.S;
    if (typed.N !== undefined) return typed.N;
  }
  return undefined;
}

/** The partition key value a Query's key condition names, e.g. `gsi1pk = :pk`. */
function queriedPartition(input: any, partitionKey: string): string | undefined {
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  const values: Record<string, unknown> = input.ExpressionAttributeValues ?? {};
  for (const clause of String(input.KeyConditionExpression ?? '').split(/\s+AND\s+/i)) {
    const match = /^\s*\(?\s*([#\w]+)\s*=\s*(:\w+)\s*\)?\s*$/.exec(clause);
    if (match && (names[match[1]] ?? match[1]) === partitionKey) return plain(values[match[2]]);
  }
  return undefined;
}

function dynamoDbRequests(operation: string, input: any, directory: LocalResourceDirectory): AuthorisationRequest[] {
  const requestsOn = (tableName: string, indexName: string | undefined, leadingKeys: string[] | undefined): AuthorisationRequest[] => {
    const table = directory.tables.get(tableName);
    const resource = `${localTableArn(tableName)}${indexName ? `/index/${indexName}` : ''}`;
    const context: Record<string, string | string[]> = {};
    if (leadingKeys) context['dynamodb:LeadingKeys'] = leadingKeys;
    const requests: AuthorisationRequest[] = [{ action: `dynamodb:${operation}`, resource, context }];
    // A table encrypted with a customer-managed key: DynamoDB decrypts the table key with the
    // caller's own permissions, through DynamoDB (kms:ViaService).
    if (table?.keyArn) {
      requests.push({
        action: 'kms:Decrypt',
        resource: table.keyArn,
        context: { 'kms:ViaService': `dynamodb.${LOCAL_REGION}.amazonaws.com`, 'kms:CallerAccount': LOCAL_ACCOUNT },
      });
    }
    return requests;
  };
  const partitionOf = (tableName: string, item: Record<string, unknown> | undefined) => {
    const key = directory.tables.get(tableName)?.partitionKey;
    const value = key && item ? plain(item[key]) : undefined;
    return value === undefined ? [] : [value];
  };
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return requestsOn(input.TableName, undefined, partitionOf(input.TableName, input.Key));
    case 'PutItem':
      return requestsOn(input.TableName, undefined, partitionOf(input.TableName, input.Item));
    case 'Query': {
      const table = directory.tables.get(input.TableName);
      const partitionKey = input.IndexName ? table?.indexes[input.IndexName] : table?.partitionKey;
      const value = partitionKey ? queriedPartition(input, partitionKey) : undefined;
      return requestsOn(input.TableName, input.IndexName, input.IndexName ? undefined : value === undefined ? [] : [value]);
    }
    case 'Scan':
      return requestsOn(input.TableName, input.IndexName, undefined);
    case 'BatchGetItem':
      return Object.entries<any>(input.RequestItems ?? {}).flatMap(([tableName, { Keys }]) =>
        requestsOn(
          tableName,
          undefined,
          (Keys ?? []).flatMap((k: any) => partitionOf(tableName, k)),
        ),
      );
    case 'BatchWriteItem':
      return Object.entries<any[]>(input.RequestItems ?? {}).flatMap(([tableName, writes]) =>
        requestsOn(
          tableName,
          undefined,
          writes.flatMap((w) => partitionOf(tableName, w.PutRequest?.Item ?? w.DeleteRequest?.Key)),
        ),
      );
    case 'TransactWriteItems':
    case 'TransactGetItems':
      // Each item is authorised as its own operation, as DynamoDB does.
      return (input.TransactItems ?? []).flatMap((t: any) => {
        const [kind, item] = Object.entries<any>(t)[0];
        const itemOperation =
          { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' }[kind] ??
          kind;
        return requestsOn(item.TableName, undefined, partitionOf(item.TableName, item.Key ?? item.Item)).map((r, i) =>
          i === 0 ? { ...r, action: `dynamodb:${itemOperation}` } : r,
        );
      });
    default:
      return requestsOn(input.TableName ?? '*', undefined, undefined);
  }
}

function stepFunctionsRequests(operation: string, input: any, directory: LocalResourceDirectory): AuthorisationRequest[] {
  const action = `states:${operation}`;
  switch (operation) {
    case 'StartExecution':
    case 'StartSyncExecution':
      return [{ action, resource: input.stateMachineArn }];
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat':
      return [{ action, resource: directory.stateMachineArn }];
    case 'DescribeExecution':
    case 'StopExecution':
    case 'GetExecutionHistory':
    case 'RedriveExecution':
      return [{ action, resource: input.executionArn }];
    default:
      return [{ action, resource: input.stateMachineArn ?? '*' }];
  }
}

function kmsRequests(operation: string, input: any, directory: LocalResourceDirectory): AuthorisationRequest[] {
  const context: Record<string, string | string[]> = {};
  const encryptionContext: Record<string, string> = input.EncryptionContext ?? {};
  for (const [key, value] of Object.entries(encryptionContext)) context[`kms:EncryptionContext:${key}`] = value;
  if (Object.keys(encryptionContext).length) context['kms:EncryptionContextKeys'] = Object.keys(encryptionContext);
  if (input.SigningAlgorithm) context['kms:SigningAlgorithm'] = input.SigningAlgorithm;
  if (input.MessageType) context['kms:MessageType'] = input.MessageType;
  if (input.EncryptionAlgorithm) context['kms:EncryptionAlgorithm'] = input.EncryptionAlgorithm;
  context['kms:CallerAccount'] = LOCAL_ACCOUNT;
  return [{ action: `kms:${operation}`, resource: input.KeyId ? directory.keyArn(input.KeyId) : '*', context }];
}

function sesRequests(operation: string, input: any): AuthorisationRequest[] {
  const from = String(input.FromEmailAddress ?? input.Source ?? '');
  const domain = from.split('@')[1] ?? from;
  return [{ action: `ses:${operation}`, resource: `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${domain}` }];
}

/**
 * The IAM requests one AWS SDK call makes, as AWS authorises it: the action, the resource's ARN
 * and the condition keys. A service this does not know is authorised on Resource "*", so a
 * policy naming specific ARNs for it is refused until its resources are described here.
 */
export function authorisationRequests(
  signingName: string,
  commandName: string,
  input: unknown,
  directory: LocalResourceDirectory,
): AuthorisationRequest[] {
  const operation = commandName.replace(/Command$/, '');
  switch (signingName) {
    case 'dynamodb':
      return dynamoDbRequests(DOCUMENT_COMMANDS[operation] ?? operation, input ?? {}, directory);
    case 'states':
      return stepFunctionsRequests(operation, input ?? {}, directory);
    case 'kms':
      return kmsRequests(operation, input ?? {}, directory);
    case 'ses':
      return sesRequests(operation, input ?? {});
    case 'lambda':
      return [
        {
          action: `lambda:${operation === 'Invoke' ? 'InvokeFunction' : operation}`,
          resource: String((input as any)?.FunctionName ?? '*'),
        },
      ];
    default:
      return [{ action: `${signingName}:${operation}`, resource: '*' }];
  }
}
