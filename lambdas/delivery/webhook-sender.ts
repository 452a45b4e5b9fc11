import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { AttemptResult } from '../domain/delivery-outcome';
import { checkTargetAddress, type WebhookTargetPolicy } from '../domain/webhook-target-policy';

/** How long a department has to answer one delivery, from the DNS lookup to the response head. */
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

class RefusedTargetError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RefusedTargetError';
  }
}

/**
 * Resolves the webhook host and refuses it if any address it resolves to is refused by the
 * policy. The connection then goes to the very addresses checked, so a DNS answer that changes
 * between check and connect (rebinding) cannot slip through.
 */
function guardedLookup(policy: WebhookTargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return (callback as (e: Error) => void)(error);
      const list = addresses;
      for (const { address } of list) {
        const check = checkTargetAddress(address, policy);
        if (!check.ok) return (callback as (e: Error) => void)(new RefusedTargetError(check.reason));
      }
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      (callback as (e: null, a: string, f: number) => void)(null, list[0].address, list[0].family);
    });
  };
}

/**
 * One signed POST to the department; redirects are not followed (a 3xx is an answer like any other).
 * The deadline is total, not idle: a receiver that trickles a byte now and then is cut off at it.
 */
export function sendWebhook(
  url: string,
  body: string,
  webhookId: string,
  secrets: readonly string[],
  now: Date,
  policy: WebhookTargetPolicy,
  deadlineSeconds = RESPONSE_TIMEOUT_SECONDS,
): Promise<AttemptResult> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (!settled) {
        settled = true;
        clearTimeout(deadline);
        resolve(result);
      }
    };
    const request = transport.request(
      target,
      {
        method: 'POST',
        headers: { ...signedHeaders(webhookId, body, secrets, now), 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(policy),
        agent: false,
      },
      (response) => {
        settle({ kind: 'response', status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] ?? null });
        // The answer is its status; the body is not read, so a slow one holds nothing open.
        response.on('error', () => undefined);
        request.destroy();
      },
    );
    const deadline = setTimeout(() => {
      settle({ kind: 'timeout', seconds: deadlineSeconds });
      request.destroy();
    }, deadlineSeconds * 1000);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedTargetError) settle({ kind: 'refused-target', reason: error.reason });
      else settle({ kind: 'network-error', description: error.code ?? error.message });
    });
    request.end(body);
  });
}
