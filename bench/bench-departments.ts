import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What a department needs to receive and answer: its signing secret and its API key. */
export interface DepartmentCredentials {
  readonly id: string;
  readonly signingSecret: string;
  readonly apiKey: string;
}

/**
 * A department's system for the benchmark: a real HTTP server that verifies each delivery with
 * the `standardwebhooks` library, answers 200, then confirms through the delivery's
 * `confirmationUrl` with its API key. It records when each notification first arrived and how
 * each confirmation was answered; it knows nothing of who sent the delivery (service or baseline).
 */
export class BenchDepartment {
  /** First arrival time (performance.now()) of each notification, by `webhook-id`. */
  readonly arrivals = new Map<string, number>();
  readonly failures: string[] = [];
  confirmationsAnswered = 0;
  url = '';
  private server?: http.Server;
  private webhook?: Webhook;
  private apiKey = '';

  constructor(readonly id: string) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.receive(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
    return this;
  }

  /** The secret to verify with and the key to confirm with (from the department's registration). */
  useCredentials(credentials: DepartmentCredentials): void {
    this.webhook = new Webhook(credentials.signingSecret);
    this.apiKey = credentials.apiKey;
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const arrivedAt = performance.now();
    let payload: any;
    try {
      payload = this.webhook!.verify(body, req.headers as Record<string, string>);
    } catch {
      this.failures.push(`unverified delivery ${String(req.headers['webhook-id'])}`);
      res.writeHead(401).end();
      return;
    }
    const id = String(req.headers['webhook-id']);
    if (!this.arrivals.has(id)) this.arrivals.set(id, arrivedAt);
    res.writeHead(200).end();
    // Confirm once the 2xx is on its way, as a department's system would after recording the change.
    res.once('finish', () => void this.confirm(payload.data.confirmationUrl));
  }

  private async confirm(confirmationUrl: string): Promise<void> {
    try {
      const response = await fetch(confirmationUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'CONFIRMED', departmentReference: `${this.id}-ref` }),
      });
      await response.arrayBuffer();
      if (response.status === 200) this.confirmationsAnswered += 1;
      else this.failures.push(`confirmation answered ${response.status}`);
    } catch (error) {
      this.failures.push(`confirmation failed: ${(error as Error).message}`);
    }
  }

  /** Forgets what was received (between phases). */
  reset(): void {
    this.arrivals.clear();
    this.failures.length = 0;
    this.confirmationsAnswered = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
