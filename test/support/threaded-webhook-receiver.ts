import { Worker } from 'node:worker_threads';

/** One delivery as the threaded receiver saw it. */
export interface TimedDelivery {
  readonly webhookId: string;
  readonly verified: boolean;
  /** When the request arrived (ms since the epoch), read on the receiver's own thread. */
  readonly receivedAt: number;
}

// The receiver's own event loop: a department's clock is not delayed by the service's work. In the
// test process the service, the engine and the receivers share one event loop, so on a busy machine
// requests that arrived apart would be read (and timed) together.
const RECEIVER_THREAD = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { Webhook } = require(workerData.standardWebhooks);
let secrets = [];
const server = http.createServer((req, res) => {
  const receivedAt = Date.now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const verified = secrets.some((secret) => { try { new Webhook(secret).verify(body, headers); return true; } catch { return false; } });
    parentPort.postMessage({ delivery: { webhookId: headers['webhook-id'], verified, receivedAt } });
    res.writeHead(verified ? 200 : 401).end();
  });
});
parentPort.on('message', (message) => {
  if (message.secrets) secrets = message.secrets;
  if (message.stop) { server.closeAllConnections(); server.close(() => parentPort.postMessage({ stopped: true })); }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

/**
 * A department's endpoint on its own thread, for tests that time arrivals (a rate limit measured
 * at the receiver): it verifies each delivery with `standardwebhooks` and answers 200.
 */
export class ThreadedWebhookReceiver {
  readonly received: TimedDelivery[] = [];
  url = '';
  private worker?: Worker;

  async start(): Promise<this> {
    const worker = new Worker(RECEIVER_THREAD, { eval: true, workerData: { standardWebhooks: require.resolve('standardwebhooks') } });
    this.worker = worker;
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (message: { port?: number; delivery?: TimedDelivery }) => {
        if (message.port) resolve(message.port);
        if (message.delivery) this.received.push(message.delivery);
      });
    });
    this.url = `http://127.0.0.1:${port}/webhook`;
    return this;
  }

  set secrets(secrets: string[]) {
    this.worker?.postMessage({ secrets });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.on('message', (message: { stopped?: boolean }) => message.stopped && resolve());
      worker.postMessage({ stop: true });
    });
    await worker.terminate();
  }
}
