import type { JWK } from 'jose';

/** A public key as the JWKS publishes it: with the `kid` that receipts it signed name in their header. */
export type PublishedKey = JWK & { readonly kid: string; readonly alg: 'ES256' };

/**
 * Signs receipts with a key the service never sees: KMS on AWS, the local KMS on one machine
 * (both through `KmsReceiptSigner`). Building and checking the JWS is the use case's job.
 */
export interface ReceiptSigner {
  publicKey(): Promise<PublishedKey>;
  /** The ES256 signature of the JWS signing input: raw `r || s`, 64 bytes (RFC 7518, section 3.4). */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}
