// The service proves who it is at the OpenID provider's token endpoint with private_key_jwt: a
// short-lived JWT signed with the client's private key. The key is a KMS asymmetric key, so it
// never leaves KMS (on one machine, the local KMS endpoint plays the same API).
import { createHash, randomUUID } from 'node:crypto';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { traced } from '../observability/tracer';

/** Signs JWS signing inputs (RS256: RSASSA-PKCS1-v1_5 with SHA-256) with a key it never reveals. */
export interface ClientAssertionSigner {
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

let kms: KMSClient | undefined;

/** A KMS RSA key (RSA_2048, SIGN_VERIFY); the caller needs `kms:Sign` on it and nothing else. */
export class KmsClientAssertionSigner implements ClientAssertionSigner {
  constructor(private readonly keyId: string) {}

  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    kms ??= traced(new KMSClient({}));
    const { Signature } = await kms.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: createHash('sha256').update(signingInput).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      }),
    );
    if (!Signature) throw new Error('KMS returned no signature');
    return Signature;
  }
}

const base64url = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');

/** How long an assertion is good for: one token request (One Login allows up to 5 minutes). */
const ASSERTION_SECONDS = 60;

/**
 * The client assertion of RFC 7523 as GOV.UK One Login wants it: issued by and about the client,
 * for the token endpoint, with a unique `jti` and a short expiry.
 */
export async function clientAssertion(
  signer: ClientAssertionSigner,
  clientId: string,
  tokenEndpoint: string,
  now = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      iss: clientId,
      sub: clientId,
      aud: tokenEndpoint,
      jti: randomUUID(),
      iat: issuedAt,
      exp: issuedAt + ASSERTION_SECONDS,
    }),
  );
  const signingInput = `${header}.${payload}`;
  return `${signingInput}.${base64url(await signer.sign(Buffer.from(signingInput)))}`;
}
