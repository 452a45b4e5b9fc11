import { randomUUID, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from '../lambdas/delivery/webhook-sender';
import type { EntitleableField } from '../lambdas/domain/entitlement';
import type { ChangeOfAddress } from '../lambdas/domain/submission';
import { renderForDepartment } from '../lambdas/domain/department-adapter';
import { buildNotificationEvent } from '../lambdas/domain/notification-event';

export interface BaselineDepartment {
  readonly id: string;
  readonly webhookUrl: string;
  readonly signingSecret: string;
  readonly apiKey: string;
  readonly fields: readonly EntitleableField[];
}

interface Pending {
  readonly submissionId: string;
  waiting: number;
}

/**
 * The bare baseline: the same HTTP work as the service with no orchestration and no storage.
 * A submission is answered 202 at once, then each chosen department gets the same signed POST
 * (the service's own event builder and webhook sender), and its confirmation is checked against
 * the department's key and counted in memory. When every department has confirmed, the
 * submission is complete.
 */
export class BareBaseline {
  url = '';
  private server?: http.Server;
  private readonly departments = new Map<string, BaselineDepartment>();
  private readonly pendingByNotification = new Map<string, Pending>();

  constructor(
    departments: readonly BaselineDepartment[],
    private readonly onCompleted: (submissionId: string) => void,
  ) {
    for (const d of departments) this.departments.set(d.id, d);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const confirmation = /^\/v1\/notifications\/([^/]+)\/confirmation$/.exec(req.url ?? '');
    if (req.method === 'POST' && req.url === '/v1/submissions') return this.submit(res, body);
    if (req.method === 'POST' && confirmation) return this.confirm(req, res, confirmation[1], body);
    res.writeHead(404).end();
  }

  private submit(res: http.ServerResponse, body: string): void {
    const change = JSON.parse(body) as ChangeOfAddress & { type: string; departments: string[] };
    const submissionId = randomUUID();
    const reference = `BASE-${submissionId.slice(0, 8).toUpperCase()}`;
    const pending: Pending = { submissionId, waiting: change.departments.length };
    const notifications = change.departments.map((department) => ({ id: randomUUID(), department, status: 'PENDING' }));
    for (const n of notifications) this.pendingByNotification.set(n.id, pending);
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: submissionId, reference, status: 'IN_PROGRESS', notifications }));
    for (const n of notifications) {
      const department = this.departments.get(n.department)!;
      const event = buildNotificationEvent({
        type: change.type,
        notificationId: n.id,
        reference,
        confirmationUrl: `${this.url}/v1/notifications/${n.id}/confirmation`,
        change,
        consentedFields: department.fields,
        currentFields: department.fields,
        now: new Date(),
      });
      // The same request the service sends: rendered by the default adapter, signed, DNS-guarded.
      void sendWebhook(department.webhookUrl, renderForDepartment(event, undefined), n.id, [department.signingSecret], new Date(), {
        allowLoopbackHttp: true,
        allowPrivateTargets: false,
      });
    }
  }

  private confirm(req: http.IncomingMessage, res: http.ServerResponse, notificationId: string, body: string): void {
    const pending = this.pendingByNotification.get(notificationId);
    const departmentId = /^Bearer tuo\.([a-z0-9-]+)\./.exec(String(req.headers.authorization ?? ''))?.[1];
    const department = departmentId ? this.departments.get(departmentId) : undefined;
    const presented = Buffer.from(String(req.headers.authorization ?? ''));
    const expected = Buffer.from(`Bearer ${department?.apiKey ?? ''}`);
    if (!department || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      res.writeHead(401).end();
      return;
    }
    if (!pending) {
      res.writeHead(404).end();
      return;
    }
    const { outcome } = JSON.parse(body) as { outcome: string };
    this.pendingByNotification.delete(notificationId);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: notificationId, status: outcome }));
    pending.waiting -= 1;
    if (pending.waiting === 0) this.onCompleted(pending.submissionId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
