import { base64url, compactVerify, importJWK, type JWK } from 'jose';
import { receiptClaims, RECEIPT_TYPE, type ReceiptSubject } from '../domain/notification-receipt';
import type { ReceiptSigner } from '../signing/receipt-signer';
import type { AuditTrail } from '../store/audit-trail';
import type { NotificationRepository } from '../store/notification-repository';

export interface ReceiptDependencies {
  readonly notifications: Pick<NotificationRepository, 'getMany'>;
  readonly audit: Pick<AuditTrail, 'list'>;
  readonly signer: ReceiptSigner;
  /** The service's public address, the receipt's `iss`. */
  readonly issuer: string;
  readonly now: () => Date;
}

const encodeJson = (value: unknown) => base64url.encode(JSON.stringify(value));

/**
 * The citizen's proof of notification (CONTRACT section 11): a compact JWS (ES256) of the
 * submission's state department by department, signed through the signer port (the private key
 * stays in KMS). jose checks the JWS against the published key before it is handed out, so a
 * receipt that would not verify is never issued.
 */
export async function issueReceipt(deps: ReceiptDependencies, submission: ReceiptSubject & { readonly notificationIds: readonly string[] }): Promise<string> {
  const [notifications, auditTrail, key] = await Promise.all([
    deps.notifications.getMany(submission.notificationIds),
    deps.audit.list(submission.id),
    deps.signer.publicKey(),
  ]);
  const claims = receiptClaims({ issuer: deps.issuer, issuedAt: deps.now(), submission, notifications, auditTrail });
  const signingInput = `${encodeJson({ alg: key.alg, kid: key.kid, typ: RECEIPT_TYPE })}.${encodeJson(claims)}`;
  const signature = await deps.signer.sign(new TextEncoder().encode(signingInput));
  const receipt = `${signingInput}.${base64url.encode(signature)}`;
  await compactVerify(receipt, await importJWK(key, key.alg));
  return receipt;
}

/** The JWKS that verifies receipts (`GET /.well-known/jwks.json`). */
export async function receiptKeySet(signer: ReceiptSigner): Promise<{ keys: JWK[] }> {
  return { keys: [await signer.publicKey()] };
}
