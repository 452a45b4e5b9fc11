import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JourneyRecord, JourneyRepository } from '../journey-repository';
import { documentClient, withoutKeys } from './document-client';
import { PARTITIONS } from './table-layout';

const key = (id: string) => ({ pk: `${PARTITIONS.journey}${id}`, sk: 'JOURNEY' });

export class DynamoDbJourneyRepository implements JourneyRepository {
  constructor(private readonly tableName: string) {}

  async get(id: string): Promise<JourneyRecord | undefined> {
    const { Item } = await documentClient().send(new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }));
    if (!Item) return undefined;
    // DynamoDB deletes expired items only eventually (dynalite never): an expired one is gone.
    if (typeof Item.expiresAt === 'number' && Item.expiresAt * 1000 < Date.now()) return undefined;
    return withoutKeys<JourneyRecord>(Item);
  }

  async put(record: JourneyRecord, ttlSeconds: number): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(record.id), ...record, expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds },
      }),
    );
  }
}
