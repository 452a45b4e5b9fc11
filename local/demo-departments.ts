import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Webhook } from 'standardwebhooks';

/** The demo departments seeded on one machine, each with a receiver on the same server. */
export const DEMO_DEPARTMENTS = [
  {
    id: 'hmrc',
    name: 'HM Revenue & Customs',
    description: 'Tax, tax credits and Child Benefit',
    fields: [
      'person.givenName',
      'person.familyName',
      'person.dateOfBirth',
      'person.nationalInsuranceNumber',
      'previousAddress',
      'newAddress',
      'movedOn',
    ],
  },
  {
    id: 'dvla',
    name: 'Driver and Vehicle Licensing Agency',
    description: 'Driving licences and vehicle registration',
    fields: ['person.givenName', 'person.familyName', 'person.dateOfBirth', 'previousAddress', 'newAddress', 'movedOn'],
  },
  {
    id: 'dwp',
    name: 'Department for Work and Pensions',
    description: 'State Pension, Universal Credit and other benefits',
    fields: ['person.givenName', 'person.familyName', 'person.dateOfBirth', 'person.nationalInsuranceNumber', 'newAddress', 'movedOn'],
  },
  {
    id: 'council-york',
    name: 'City of York Council',
    description: 'Council Tax and the electoral register in York',
    fields: ['person.givenName', 'person.familyName', 'person.email', 'previousAddress', 'newAddress', 'movedOn'],
  },
] as const;

/**
 * The demo pull department: behind a firewall, it takes no inbound HTTP and collects from its
 * feed instead (CONTRACT section 8), with a collector that long-polls and confirms.
 */
export const DEMO_PULL_DEPARTMENT = {
  id: 'ero-leeds',
  name: 'Leeds Electoral Registration Office',
  description: 'The electoral register in Leeds (collects from its feed)',
  fields: ['person.givenName', 'person.familyName', 'person.dateOfBirth', 'previousAddress', 'newAddress', 'movedOn'],
} as const;

interface Credentials {
  signingSecrets: string[];
  apiKey?: string;
  feedCursor?: string;
}

interface ReceivedDelivery {
  readonly webhookId: string;
  readonly receivedAt: string;
  readonly payload: unknown;
}

const RECEIVED_KEPT = 1000;

/**
 * Demo departments on one machine: registered through the real API at start, their receivers
 * verify every signature with the `standardwebhooks` library and confirm through the real
 * confirmation endpoint after a short delay, as a department's system would.
 */
export class DemoDepartments {
  private readonly credentials: Record<string, Credentials>;
  private readonly received = new Map<string, ReceivedDelivery[]>();
  private readonly answered = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private collecting?: AbortController;

  constructor(
    private readonly dataDir: string,
    private readonly confirmDelayMs: number,
  ) {
    const file = this.credentialsFile();
    this.credentials = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  }

  private credentialsFile(): string {
    return path.join(this.dataDir, 'demo-departments.json');
  }

  private save(): void {
    writeFileSync(this.credentialsFile(), JSON.stringify(this.credentials, null, 2), { mode: 0o600 });
  }

  /** Registers (or re-points) every demo department at this server's receivers. */
  async seed(baseUrl: string, adminToken: string): Promise<void> {
    const operator = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    for (const department of DEMO_DEPARTMENTS) {
      const { id, ...rest } = department;
      const response = await fetch(`${baseUrl}/v1/departments/${id}`, {
        method: 'PUT',
        headers: operator,
        body: JSON.stringify({
          ...rest,
          webhookUrl: `${baseUrl}/demo/departments/${id}/webhook`,
          events: ['address.changed'],
          confirmation: { required: true, timeoutSeconds: 604800 },
        }),
      });
      const body = (await response.json()) as { signingSecret?: string; apiKey?: string };
      if (response.status === 201) {
        this.credentials[id] = { signingSecrets: [body.signingSecret!], apiKey: body.apiKey };
      } else if (response.status === 200 && !this.credentials[id]) {
        // Registered before without our record of its secret: take a new one (the API key is not recoverable).
        const rotated = await fetch(`${baseUrl}/v1/departments/${id}/signing-secrets`, { method: 'POST', headers: operator });
        const { signingSecret } = (await rotated.json()) as { signingSecret: string };
        this.credentials[id] = { signingSecrets: [signingSecret] };
      } else if (response.status !== 200) {
        throw new Error(`Could not register demo department ${id}: HTTP ${response.status}`);
      }
    }
    const { id, ...pull } = DEMO_PULL_DEPARTMENT;
    const response = await fetch(`${baseUrl}/v1/departments/${id}`, {
      method: 'PUT',
      headers: operator,
      body: JSON.stringify({
        ...pull,
        delivery: 'pull',
        events: ['address.changed'],
        confirmation: { required: true, timeoutSeconds: 604800 },
      }),
    });
    const body = (await response.json()) as { signingSecret?: string; apiKey?: string };
    if (response.status === 201) this.credentials[id] = { signingSecrets: [body.signingSecret!], apiKey: body.apiKey };
    else if (response.status !== 200) throw new Error(`Could not register demo department ${id}: HTTP ${response.status}`);
    this.save();
    if (this.credentials[id]?.apiKey) this.collect(baseUrl, id, this.credentials[id].apiKey);
  }

  /**
   * The pull department's collector, as a department would run it behind its firewall: long-polls
   * its feed from where it left off, and confirms each new item after a short delay.
   */
  private collect(baseUrl: string, id: string, apiKey: string): void {
    this.collecting = new AbortController();
    const { signal } = this.collecting;
    const loop = async () => {
      while (!signal.aborted) {
        const credentials = this.credentials[id];
        const after = credentials.feedCursor ? `&after=${encodeURIComponent(credentials.feedCursor)}` : '';
        try {
          const response = await fetch(`${baseUrl}/v1/departments/${id}/feed?wait=20&limit=50${after}`, {
            headers: { authorization: `Bearer ${apiKey}` },
            signal,
          });
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
          const page = (await response.json()) as {
            items: Array<{ id: string; status: string; data?: { confirmationUrl?: string; reference?: string } }>;
            next: string;
          };
          for (const item of page.items) {
            const list = this.received.get(id) ?? [];
            list.push({ webhookId: item.id, receivedAt: new Date().toISOString(), payload: item });
            if (list.length > RECEIVED_KEPT) list.shift();
            this.received.set(id, list);
            if (item.status === 'DELIVERED' && item.data?.confirmationUrl && !this.answered.has(item.id)) {
              this.answered.add(item.id);
              const { confirmationUrl, reference = '' } = item.data;
              this.later(() => this.confirm(id, apiKey, confirmationUrl, reference));
            }
          }
          credentials.feedCursor = page.next;
          this.save();
        } catch {
          if (signal.aborted) return;
          await new Promise((resolve) => setTimeout(resolve, 1_000).unref()); // The service is busy or stopping: try again.
        }
      }
    };
    void loop();
  }

  isDemoDepartment(id: string): boolean {
    return DEMO_DEPARTMENTS.some((d) => d.id === id) || id === DEMO_PULL_DEPARTMENT.id;
  }

  deliveries(id: string): ReceivedDelivery[] {
    return this.received.get(id) ?? [];
  }

  /** A delivery to a demo receiver: 204 when the signature verifies (then it confirms), 401 otherwise. */
  receive(id: string, headers: Record<string, string>, body: string): number {
    const credentials = this.credentials[id];
    if (!credentials) return 404;
    let payload: { data?: { confirmationUrl?: string; notificationId?: string; reference?: string } } | undefined;
    for (const secret of credentials.signingSecrets) {
      try {
        payload = new Webhook(secret).verify(body, headers) as typeof payload;
        break;
      } catch {
        // Try the next secret: during a rotation either may sign.
      }
    }
    if (!payload) return 401;
    const list = this.received.get(id) ?? [];
    list.push({ webhookId: headers['webhook-id'], receivedAt: new Date().toISOString(), payload });
    if (list.length > RECEIVED_KEPT) list.shift();
    this.received.set(id, list);

    const webhookId = headers['webhook-id'];
    if (credentials.apiKey && payload.data?.confirmationUrl && !this.answered.has(webhookId)) {
      this.answered.add(webhookId);
      this.later(() => this.confirm(id, credentials.apiKey!, payload.data!.confirmationUrl!, payload.data!.reference ?? ''));
    }
    return 204;
  }

  private later(action: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action().catch(() => undefined);
    }, this.confirmDelayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async confirm(id: string, apiKey: string, confirmationUrl: string, reference: string, attempt = 1): Promise<void> {
    const response = await fetch(confirmationUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'CONFIRMED', departmentReference: `${id.toUpperCase()}-${reference.replace(/^TUO-/, '')}` }),
    }).catch(() => undefined);
    if ((!response || response.status >= 500) && attempt < 5) {
      this.later(() => this.confirm(id, apiKey, confirmationUrl, reference, attempt + 1));
    }
  }

  stop(): void {
    this.collecting?.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
