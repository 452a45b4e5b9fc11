import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DepartmentConfiguration } from '../../domain/department-configuration';
import type { DepartmentRepository } from '../department-repository';
import type { ApiKey, DepartmentRecord, SigningSecret } from '../../domain/department';
import { batchGetAll, documentClient, getRecord, isConditionFailure, putIfAbsent, queryAll, withoutKeys } from './document-client';
import { LISTING_INDEX_NAME, PARTITIONS } from './table-layout';

export const departmentKey = (id: string) => ({ pk: `${PARTITIONS.department}${id}`, sk: 'DEPARTMENT' });
const key = departmentKey;

export class DynamoDbDepartmentRepository implements DepartmentRepository {
  constructor(private readonly tableName: string) {}

  get(id: string): Promise<DepartmentRecord | undefined> {
    return getRecord<DepartmentRecord>(this.tableName, key(id));
  }

  async getMany(ids: readonly string[]): Promise<DepartmentRecord[]> {
    const unique = [...new Set(ids)];
    const found = new Map<string, DepartmentRecord>();
    for (const item of await batchGetAll(this.tableName, unique.map(key))) {
      const record = withoutKeys<DepartmentRecord>(item);
      found.set(record.id, record);
    }
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  create(record: DepartmentRecord): Promise<'created' | 'exists'> {
    return putIfAbsent(this.tableName, { ...key(record.id), gsi1pk: 'DEPARTMENTS', gsi1sk: record.id, ...record });
  }

  async replaceConfiguration(id: string, configuration: DepartmentConfiguration, now: Date): Promise<DepartmentRecord | undefined> {
    // Every attribute of the configuration is set, or removed when the new one leaves it out.
    const settable: Record<string, unknown> = {
      name: configuration.name,
      description: configuration.description,
      webhookUrl: configuration.webhookUrl,
      delivery: configuration.delivery,
      rateLimitPerSecond: configuration.rateLimitPerSecond,
      events: configuration.events,
      fields: configuration.fields,
      confirmation: configuration.confirmation,
      adapter: configuration.adapter,
      suspended: configuration.suspended,
      active: true,
      updatedAt: now.toISOString(),
    };
    const sets = Object.keys(settable).filter((name) => settable[name] !== undefined);
    const removes = [...Object.keys(settable).filter((name) => settable[name] === undefined), 'disabledAt', 'disabledReason'];
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: `SET ${sets.map((name) => `#${name} = :${name}`).join(', ')} REMOVE ${removes.map((name) => `#${name}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          // Several of these are DynamoDB reserved words; naming them all through placeholders keeps it uniform.
          ExpressionAttributeNames: Object.fromEntries([...sets, ...removes].map((attribute) => [`#${attribute}`, attribute])),
          ExpressionAttributeValues: Object.fromEntries(sets.map((name) => [`:${name}`, settable[name]])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<DepartmentRecord>(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  replaceSigningSecrets(id: string, secrets: SigningSecret[], expectedUpdatedAt: string, now: Date): Promise<DepartmentRecord | undefined> {
    return this.replaceCredentials(id, 'signingSecrets', secrets, expectedUpdatedAt, now);
  }

  replaceApiKeys(id: string, keys: ApiKey[], expectedUpdatedAt: string, now: Date): Promise<DepartmentRecord | undefined> {
    return this.replaceCredentials(id, 'apiKeys', keys, expectedUpdatedAt, now);
  }

  /** Optimistic: only if the department was not changed since it was read, so no rotation is lost. */
  private async replaceCredentials(
    id: string,
    attribute: 'signingSecrets' | 'apiKeys',
    credentials: unknown[],
    expectedUpdatedAt: string,
    now: Date,
  ): Promise<DepartmentRecord | undefined> {
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: 'SET #credentials = :credentials, updatedAt = :now',
          ConditionExpression: 'updatedAt = :expected',
          ExpressionAttributeNames: { '#credentials': attribute },
          ExpressionAttributeValues: { ':credentials': credentials, ':now': now.toISOString(), ':expected': expectedUpdatedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<DepartmentRecord>(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async disable(id: string, reason: string, now: Date): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(id),
        UpdateExpression: 'SET #active = :false, disabledAt = :now, disabledReason = :reason, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#active': 'active' },
        ExpressionAttributeValues: { ':false': false, ':now': now.toISOString(), ':reason': reason },
      }),
    );
  }

  async list(): Promise<DepartmentRecord[]> {
    const items = await queryAll({
      TableName: this.tableName,
      IndexName: LISTING_INDEX_NAME,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'DEPARTMENTS' },
    });
    return items.map((item) => withoutKeys<DepartmentRecord>(item));
  }
}
