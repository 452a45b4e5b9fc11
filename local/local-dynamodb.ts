import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalCredentials } from './local-credentials';
import type { LocalTable } from './template-resources';

// Runs in a worker thread: dynalite's request handling and LevelDB then use a core of their own
// instead of sharing the event loop with the handlers and the workflow engine.
// dynalite itself checks no signature and allows every origin, so the guard answers first.
const DYNALITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { ClassicLevel } = require(workerData.classicLevel);
// LevelDB memory-maps each table file its table cache holds open (up to 990 by default), and each
// mapped file's pages count as the process's resident memory, which so grew with the database.
// LevelDB's smallest table cache (64 tables) of 1 MB tables maps at most 64 MB.
const open = ClassicLevel.prototype._open;
ClassicLevel.prototype._open = function (options) {
  return open.call(this, { ...options, maxOpenFiles: 74, maxFileSize: 1024 * 1024 });
};
// dynalite's Query stops reading its iterator at Limit (or at 1 MB) and never closes it; an open
// iterator stays attached to the database for good and pins LevelDB's memtable and files of the
// moment it was made: memory grew with every query. An iterator nobody has advanced for a while
// has been abandoned (dynalite reads its iterators without pause): it is closed.
const iterators = new Map();
for (const method of ['iterator', 'keys', 'values']) {
  const create = ClassicLevel.prototype[method];
  ClassicLevel.prototype[method] = function (...args) {
    const iterator = create.apply(this, args);
    const next = iterator.next;
    const close = iterator.close;
    iterators.set(iterator, Date.now());
    iterator.next = function (...nextArgs) {
      if (iterators.has(iterator)) iterators.set(iterator, Date.now());
      return next.apply(this, nextArgs);
    };
    iterator.close = function (...closeArgs) {
      iterators.delete(iterator);
      return close.apply(this, closeArgs);
    };
    return iterator;
  };
}
setInterval(() => {
  const abandonedBefore = Date.now() - workerData.iteratorIdleMs;
  for (const [iterator, usedAt] of iterators) {
    if (usedAt < abandonedBefore) iterator.close().catch(() => undefined);
  }
}, Math.max(10, workerData.iteratorIdleMs / 2)).unref();
const dynalite = require(workerData.dynalite);
const { refuseUnlessLocalClient } = require(workerData.guard);
const server = dynalite({ path: workerData.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const [handle] = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (req, res) => { if (!refuseUnlessLocalClient(req, res, workerData.accessKeyId)) handle(req, res); });
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'stop') server.close(() => parentPort.postMessage({ stopped: true }));
  if (message === 'openIterators') parentPort.postMessage({ openIterators: iterators.size });
});
`;

/** An iterator not advanced for this long has been abandoned by its query, and is closed. */
export const ABANDONED_ITERATOR_MS = 10_000;

/**
 * dynalite (the DynamoDB wire protocol on LevelDB) on disk under the data directory, in a worker
 * thread of this process, with the tables of the synthesized template created as CloudFormation would.
 * It answers only requests signed with the given credentials' access key id, and none from a web page.
 */
export class LocalDynamoDb {
  private worker?: Worker;
  endpoint = '';

  constructor(
    private readonly directory: string,
    private readonly credentials: LocalCredentials,
    private readonly options: { iteratorIdleMs?: number } = {},
  ) {}

  /** LevelDB iterators open in the worker (those of queries still reading, and abandoned ones not yet closed). */
  async openIterators(): Promise<number> {
    const worker = this.worker!;
    return new Promise((resolve) => {
      const answer = (message: { openIterators?: number }) => {
        if (message.openIterators === undefined) return;
        worker.off('message', answer);
        resolve(message.openIterators);
      };
      worker.on('message', answer);
      worker.postMessage('openIterators');
    });
  }

  async start(): Promise<string> {
    mkdirSync(this.directory, { recursive: true });
    this.worker = new Worker(DYNALITE_WORKER, {
      eval: true,
      workerData: {
        dynalite: require.resolve('dynalite'),
        classicLevel: require.resolve('classic-level', { paths: [path.dirname(require.resolve('level'))] }),
        iteratorIdleMs: this.options.iteratorIdleMs ?? ABANDONED_ITERATOR_MS,
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
        await client.send(
          new CreateTableCommand({
            TableName: logicalId,
            KeySchema: properties.KeySchema,
            AttributeDefinitions: properties.AttributeDefinitions,
            BillingMode: 'PAY_PER_REQUEST',
            GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes?.map((index: any) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            })),
          }),
        );
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
