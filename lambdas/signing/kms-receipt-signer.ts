import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DER } from '@noble/curves/abstract/weierstrass';
import { traced } from '../observability/tracer';
import type { PublishedKey, ReceiptSigner } from './receipt-signer';

const P256_SCALAR_BYTES = 32;

function scalarBytes(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(P256_SCALAR_BYTES * 2, '0'), 'hex');
}

/**
 * An ECC_NIST_P256 KMS key: the private key never leaves KMS. The signing input is hashed here
 * and sent as a DIGEST (a RAW message is limited to 4096 bytes, which a receipt naming many
 * departments can exceed); KMS answers a DER signature, which JWS wants as raw `r || s`.
 * The key id is the key's RFC 7638 thumbprint, so it changes exactly when the key does.
 */
export class KmsReceiptSigner implements ReceiptSigner {
  private readonly client = traced(new KMSClient({}));
  private published?: Promise<PublishedKey>;

  constructor(private readonly keyId: string) {}

  publicKey(): Promise<PublishedKey> {
    // Fetched once per container; a failure is not remembered.
    this.published ??= this.fetchPublicKey().catch((error: unknown) => {
      this.published = undefined;
      throw error;
    });
    return this.published;
  }

  private async fetchPublicKey(): Promise<PublishedKey> {
    const answer = await this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (answer.KeySpec !== 'ECC_NIST_P256' || !answer.PublicKey) {
      throw new Error(`The receipt signing key is ${answer.KeySpec ?? 'unknown'}, not ECC_NIST_P256`);
    }
    const jwk = createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    // RFC 7638 thumbprint: SHA-256 of the required members, in lexicographic order, without spaces.
    const kid = createHash('sha256')
      .update(JSON.stringify({ crv: 'P-256', kty: 'EC', x: jwk.x, y: jwk.y }))
      .digest('base64url');
    return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
  }

  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    const answer = await this.client.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: createHash('sha256').update(signingInput).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const { r, s } = DER.toSig(answer.Signature!);
    return Buffer.concat([scalarBytes(r), scalarBytes(s)]);
  }
}
