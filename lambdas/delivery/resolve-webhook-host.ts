import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkTargetAddress, type TargetCheck, type WebhookTargetPolicy } from '../domain/webhook-target-policy';

/**
 * At registration: refuses a webhook host that resolves to an address the policy refuses. A name
 * that does not resolve yet is accepted; every delivery checks again (the sender resolves and
 * pins the address it connects to).
 */
export async function checkResolvedWebhookHost(url: string, policy: WebhookTargetPolicy): Promise<TargetCheck> {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return { ok: true }; // A literal address was already checked as written.
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return { ok: true };
  }
  for (const { address } of addresses) {
    const check = checkTargetAddress(address, policy);
    if (!check.ok) return check;
  }
  return { ok: true };
}
