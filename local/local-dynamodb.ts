import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { serveInProcess, type InProcessRequest, type InProcessResponse } from './in-process-transport';
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
// The SDK clients of the main thread hand their requests (serialised, signed) over this port
// instead of a loopback socket (local/in-process-transport.ts): each is made a request and a
// response as the socket's would be, and goes through the very same guard and handler.
const { EventEmitter } = require('node:events');
workerData.requests.on('message', ({ id, method, url, headers, body }) => {
  const req = Object.assign(new EventEmitter(), { method, url, headers, resume() {} });
  const res = {
    statusCode: 200,
    headers: {},
    setHeader(name, value) { this.headers[name.toLowerCase()] = String(value); },
    getHeader(name) { return this.headers[name.toLowerCase()]; },
    writeHead(status, fields) {
      this.statusCode = status;
      for (const [name, value] of Object.entries(fields || {})) this.setHeader(name, value);
      return this;
    },
    end(data) {
      workerData.requests.postMessage({ id, statusCode: this.statusCode, headers: this.headers, body: data === undefined ? '' : String(data) });
    },
  };
  if (refuseUnlessLocalClient(req, res, workerData.accessKeyId)) return;
  handle(req, res);
  if (body) req.emit('data', Buffer.from(body));
  req.emit('end');
});
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
  private requests?: MessagePort;
  private readonly pending = new Map<number, { resolve: (response: InProcessResponse) => void; reject: (error: Error) => void }>();
  private lastRequestId = 0;
  private stopServingInProcess?: () => void;

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
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(DYNALITE_WORKER, {
      eval: true,
      transferList: [port2],
      workerData: {
        requests: port2,
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
    this.requests = port1;
    port1.on('message', (answer: InProcessResponse & { id: number }) => {
      const { id, ...response } = answer;
      this.pending.get(id)?.resolve(response);
      this.pending.delete(id);
    });
    port1.unref(); // As a socket to the worker would not, it keeps the process alive no longer than the worker does.
    this.worker.once('exit', () => this.failPending());
    this.stopServingInProcess = serveInProcess(this.endpoint, (request) => this.handOver(request));
    return this.endpoint;
  }

  /** A request of this process's SDK clients, to the worker without a socket. */
  private handOver(request: InProcessRequest): Promise<InProcessResponse> {
    const requests = this.requests;
    if (!requests) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED: DynamoDB stopped'), { code: 'ECONNREFUSED' }));
    return new Promise((resolve, reject) => {
      const id = ++this.lastRequestId;
      this.pending.set(id, { resolve, reject });
      requests.postMessage({ id, ...request });
    });
  }

  private failPending(): void {
    for (const { reject } of this.pending.values())
      reject(Object.assign(new Error('socket hang up: DynamoDB stopped'), { code: 'ECONNRESET' }));
    this.pending.clear();
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
    this.stopServingInProcess?.();
    // Close the server (LevelDB flushes and closes with it), then end the thread.
    await new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    });
    await worker.terminate();
    this.failPending();
    this.requests?.close();
    this.requests = undefined;
  }
}
