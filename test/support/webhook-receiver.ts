import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  readonly webhookId: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly payload: any;
  /** Whether the signature verified with one of the receiver's secrets (standardwebhooks itself). */
  readonly verified: boolean;
  /** When the request arrived (ms since the epoch), as the department would measure it. */
  readonly receivedAt: number;
}

/**
 * A department's endpoint for tests: a real HTTP server that verifies every delivery with the
 * `standardwebhooks` library and answers with scripted statuses (then 200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secrets: string[] = [];
  /** Statuses to answer, one per delivery, in order; afterwards `defaultStatus`. */
  script: number[] = [];
  defaultStatus = 200;
  /** Called for each verified delivery before answering (e.g. to confirm from inside the handler). */
  onDelivery?: (delivery: ReceivedWebhook) => Promise<void> | void;
  private server?: http.Server;
  url = '';

  /** On `port` if given (to bring a department's endpoint back where it was), else on a free one. */
  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      const receivedAt = Date.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        let payload: any;
        let verified = false;
        for (const secret of this.secrets) {
          try {
            payload = new Webhook(secret).verify(body, headers);
            verified = true;
            break;
          } catch {
            // try the next secret
          }
        }
        const delivery = { webhookId: headers['webhook-id'], headers, body, payload: payload ?? safeParse(body), verified, receivedAt };
        this.received.push(delivery);
        if (verified && this.onDelivery) await this.onDelivery(delivery);
        res.writeHead(verified ? (this.script.shift() ?? this.defaultStatus) : 401).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function safeParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
