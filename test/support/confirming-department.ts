import { WebhookReceiver, type ReceivedWebhook } from './webhook-receiver';
import type { ServiceClient } from './service-client';

export interface DepartmentBehaviour {
  readonly confirmationRequired: boolean;
  /** Answers 503 to every delivery until this time (a department down for a while). */
  downUntil?: number;
  /** Milliseconds before the department's system confirms a delivery. */
  readonly confirmAfterMs?: number;
}

/**
 * A department for fault tests: a real receiver that verifies signatures and, like a real
 * department's system, keeps trying to confirm each delivery until the service takes the answer
 * (through a crash and restart of the service, too).
 */
export class ConfirmingDepartment {
  readonly receiver = new WebhookReceiver();
  apiKey = '';
  confirmations = 0;
  private stopped = false;

  constructor(
    readonly id: string,
    readonly behaviour: DepartmentBehaviour,
  ) {}

  async register(client: ServiceClient): Promise<this> {
    await this.receiver.start();
    const response = await client.registerDepartment(this.id, {
      name: `Department ${this.id}`,
      webhookUrl: this.receiver.url,
      events: ['address.changed'],
      fields: ['person.givenName', 'person.familyName', 'newAddress', 'movedOn'],
      confirmation: { required: this.behaviour.confirmationRequired, timeoutSeconds: 600 },
    });
    if (response.status !== 201) throw new Error(`register ${this.id}: ${response.status} ${response.text}`);
    this.receiver.secrets = [response.json.signingSecret];
    this.apiKey = response.json.apiKey;
    this.receiver.onDelivery = (delivery) => this.onDelivery(delivery);
    return this;
  }

  private onDelivery(delivery: ReceivedWebhook): void {
    if (this.behaviour.downUntil && Date.now() < this.behaviour.downUntil) {
      this.receiver.script.unshift(503);
      return;
    }
    if (!this.behaviour.confirmationRequired) return;
    setTimeout(() => void this.confirm(delivery.payload.data.confirmationUrl), this.behaviour.confirmAfterMs ?? 50).unref();
  }

  private async confirm(url: string): Promise<void> {
    while (!this.stopped) {
      const status = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'CONFIRMED', departmentReference: `${this.id}-ref` }),
      }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200 || status === 409) {
        this.confirmations++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250)); // The service is down or busy: try again.
    }
  }

  /** Deliveries received, grouped by the notification they carry (`data.notificationId`) and by webhook-id. */
  deliveriesByReference(): Map<string, Set<string>> {
    const ids = new Map<string, Set<string>>();
    for (const d of this.receiver.received) {
      if (!d.verified) continue;
      const reference = d.payload.data.reference as string;
      if (!ids.has(reference)) ids.set(reference, new Set());
      ids.get(reference)!.add(d.webhookId);
    }
    return ids;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.receiver.stop();
  }
}
