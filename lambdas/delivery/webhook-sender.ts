import { Webhook } from 'standardwebhooks';
import type { AttemptResult } from '../domain/delivery-outcome';
import type { NotificationEvent } from '../domain/notification-event';

/** How long a department has to answer one delivery. */
export const RESPONSE_TIMEOUT_SECONDS = 15;

/**
 * Signs per Standard Webhooks v1 with every secret that still signs (one signature each, space
 * separated, during a rotation). `webhook-id` is the notification id on every attempt.
 */
export function signedHeaders(webhookId: string, body: string, secrets: readonly string[], at: Date): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(webhookId, at, body));
  return {
    'content-type': 'application/json',
    'user-agent': 'TellUsOnce-Webhooks/1',
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** One signed POST to the department; redirects are not followed. */
export async function sendWebhook(url: string, event: NotificationEvent, webhookId: string, secrets: readonly string[], now: Date): Promise<AttemptResult> {
  const body = JSON.stringify(event);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: signedHeaders(webhookId, body, secrets, now),
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(RESPONSE_TIMEOUT_SECONDS * 1000),
    });
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout', seconds: RESPONSE_TIMEOUT_SECONDS };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'network-error', description: cause?.code ?? cause?.message ?? 'network error' };
  }
}
