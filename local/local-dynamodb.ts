import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalCredentials } from './local-credentials';
import type { LocalTable } from './template-resources';

// Runs in a worker thread: dynalite's request handling and LevelDB then use a core of their own
// instead of sharing the event loop with the handlers and the workflow engine.
// dynalite itself checks no signature and allows every origin, so the guard answers first.
const DYNALITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalite);
const { refuseUnlessLocalClient } = require(workerData.guard);
const server = dynalite({ path: workerData.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const [handle] = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (req, res) => { if (!refuseUnlessLocalClient(req, res, workerData.accessKeyId)) handle(req, res); });
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'stop') server.close(() => parentPort.postMessage({ stopped: true }));
});
`;

/**
 * dynalite (the DynamoDB wire protocol on LevelDB) on disk under the data directory, in a worker
 * thread of this process, with the tables of the synthesized template created as CloudFormation would.
 * It answers only requests signed with the given credentials' access key id, and none from a web page.
 */
export class LocalDynamoDb {
  private worker?: Worker;
  endpoint = '';

  constructor(private readonly directory: string, private readonly credentials: LocalCredentials) {}

  async start(): Promise<string> {
    mkdirSync(this.directory, { recursive: true });
    this.worker = new Worker(DYNALITE_WORKER, {
      eval: true,
      workerData: {
        dynalite: require.resolve('dynalite'),
        guard: require.resolve('./local-endpoint-guard.js'),
        accessKeyId: this.credentials.accessKeyId,
        directory: this.directory,
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      this.worker!.once('message', (message: { port: number }) => resolve(message.port));
      this.worker!.once('error', reject);
    });
    this.endpoint = `http://127.0.0.1:${port}`;
    return this.endpoint;
  }

  async createTables(tables: LocalTable[]): Promise<void> {
    const client = new DynamoDBClient({ endpoint: this.endpoint, region: 'eu-west-2', credentials: this.credentials });
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
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    // Close the server (LevelDB flushes and closes with it), then end the thread.
    await new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    });
    await worker.terminate();
  }
}
