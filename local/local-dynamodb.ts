import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { LocalTable } from './template-resources';

/**
 * dynalite (the DynamoDB wire protocol on LevelDB) on disk under the data directory, with the
 * tables of the synthesized template created as CloudFormation would.
 */
export class LocalDynamoDb {
  private server?: Server;
  endpoint = '';

  constructor(private readonly directory: string) {}

  async start(): Promise<string> {
    mkdirSync(this.directory, { recursive: true });
    this.server = dynalite({ path: this.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async createTables(tables: LocalTable[]): Promise<void> {
    const client = new DynamoDBClient({ endpoint: this.endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      for (const { logicalId, properties } of tables) {
        try {
          await client.send(new DescribeTableCommand({ TableName: logicalId }));
          continue; // Kept from an earlier run.
        } catch (error) {
          if ((error as Error).name !== 'ResourceNotFoundException') throw error;
        }
        await client.send(new CreateTableCommand({
          TableName: logicalId,
          KeySchema: properties.KeySchema,
          AttributeDefinitions: properties.AttributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes?.map((index: any) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
          })),
        }));
      }
    } finally {
      client.destroy();
    }
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
