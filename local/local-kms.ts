import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateEncrypt,
  publicDecrypt,
  sign,
  verify,
  constants,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { p256 } from '@noble/curves/p256';
import { serveAwsJsonProtocol, type AwsJsonEndpoint } from './aws-json-endpoint';
import { LOCAL_ACCOUNT, LOCAL_REGION, localKmsKeyArn, type LocalKmsKey } from './template-resources';

/** What KMS answers in `SigningAlgorithms` for each asymmetric signing key spec served here. */
const SIGNING_ALGORITHMS: Record<string, string[]> = {
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  RSA_2048: [
    'RSASSA_PSS_SHA_256',
    'RSASSA_PSS_SHA_384',
    'RSASSA_PSS_SHA_512',
    'RSASSA_PKCS1_V1_5_SHA_256',
    'RSASSA_PKCS1_V1_5_SHA_384',
    'RSASSA_PKCS1_V1_5_SHA_512',
  ],
};
/** The algorithms this machine can compute (every one the service uses); the others are refused, never faked. */
const IMPLEMENTED_ALGORITHMS = new Set(['ECDSA_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256']);
/** KMS's limit on a RAW message; larger ones must be signed as a DIGEST. */
const MAX_RAW_MESSAGE_BYTES = 4096;
const SHA_256_BYTES = 32;
/** DER prefix of a PKCS #1 v1.5 DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1). */
const SHA_256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

class KmsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface ServedKey {
  readonly logicalId: string;
  readonly arn: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  /** Only for the asymmetric signing keys (the only keys whose operations are served). */
  readonly privateKey?: KeyObject;
}

/**
 * The KMS keys of the synthesized template on one machine: the asymmetric signing keys
 * (`ECC_NIST_P256`, `RSA_2048`, usage `SIGN_VERIFY`) answer Sign, Verify and GetPublicKey over
 * KMS's JSON 1.1 protocol on loopback, so the handlers' unchanged `@aws-sdk/client-kms` works
 * against it through `AWS_ENDPOINT_URL_KMS`. Each key's private material is generated once into
 * the data directory and reused across restarts (it never leaves this process, as on AWS it never
 * leaves KMS). Requests are checked as KMS checks them: unknown keys, the wrong key usage, a
 * signing algorithm the key does not support, a RAW message over 4096 bytes or a digest of the
 * wrong length are refused with KMS's own error names.
 */
export class LocalKms {
  private readonly keys = new Map<string, ServedKey>();

  constructor(
    private readonly directory: string,
    keys: LocalKmsKey[],
  ) {
    for (const key of keys) {
      const served: ServedKey = {
        logicalId: key.logicalId,
        arn: localKmsKeyArn(key.logicalId),
        keySpec: key.keySpec,
        keyUsage: key.keyUsage,
        privateKey: key.keyUsage === 'SIGN_VERIFY' && SIGNING_ALGORITHMS[key.keySpec] ? this.keyMaterial(key) : undefined,
      };
      for (const name of [
        key.logicalId,
        served.arn,
        ...key.aliases,
        ...key.aliases.map((a) => `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${a}`),
      ]) {
        this.keys.set(name, served);
      }
    }
  }

  /** Loads the key's private material, generating it on first use. The spec is in the file name: a key replaced with another spec is a new key. */
  private keyMaterial(key: LocalKmsKey): KeyObject {
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const file = path.join(this.directory, `${key.logicalId}.${key.keySpec}.pem`);
    if (existsSync(file)) return createPrivateKey(readFileSync(file, 'utf8'));
    const { privateKey } =
      key.keySpec === 'ECC_NIST_P256'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    return privateKey;
  }

  private signingKey(keyId: unknown, algorithm: unknown): ServedKey & { privateKey: KeyObject } {
    const key = this.find(keyId);
    if (key.keyUsage !== 'SIGN_VERIFY' || !key.privateKey) {
      throw new KmsError('InvalidKeyUsageException', `${key.arn} key usage is ${key.keyUsage} which is not valid for this operation.`);
    }
    if (typeof algorithm !== 'string' || !SIGNING_ALGORITHMS[key.keySpec].includes(algorithm)) {
      throw new KmsError('InvalidKeyUsageException', `Signing algorithm ${String(algorithm)} is not supported for key ${key.arn}.`);
    }
    if (!IMPLEMENTED_ALGORITHMS.has(algorithm)) {
      throw new KmsError(
        'UnsupportedOperationException',
        `${algorithm} is not available on one machine: use one of ${[...IMPLEMENTED_ALGORITHMS].join(', ')}.`,
      );
    }
    return key as ServedKey & { privateKey: KeyObject };
  }

  private find(keyId: unknown): ServedKey {
    if (typeof keyId !== 'string' || keyId.length < 1 || keyId.length > 2048) {
      throw new KmsError(
        'ValidationException',
        "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must have length between 1 and 2048",
      );
    }
    const key = this.keys.get(keyId);
    if (!key) {
      if (keyId.includes('alias/')) throw new KmsError('NotFoundException', `Alias ${keyId} is not found.`);
      throw new KmsError(
        'NotFoundException',
        `Key '${keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${keyId}`}' does not exist`,
      );
    }
    return key;
  }

  /** The SHA-256 digest to sign: the message's, or the message itself when it is already a digest. */
  private static digestOf(message: Buffer, messageType: unknown): Buffer {
    const type = messageType ?? 'RAW';
    if (type === 'RAW') {
      if (message.length < 1 || message.length > MAX_RAW_MESSAGE_BYTES) {
        throw new KmsError(
          'ValidationException',
          `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length between 1 and ${MAX_RAW_MESSAGE_BYTES}`,
        );
      }
      return createHash('sha256').update(message).digest();
    }
    if (type === 'DIGEST') {
      if (message.length !== SHA_256_BYTES) throw new KmsError('ValidationException', 'Digest is invalid length for algorithm.');
      return message;
    }
    throw new KmsError(
      'ValidationException',
      `1 validation error detected: Value '${String(type)}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [RAW, DIGEST]`,
    );
  }

  sign(body: { KeyId?: unknown; Message?: unknown; MessageType?: unknown; SigningAlgorithm?: unknown }) {
    const key = this.signingKey(body.KeyId, body.SigningAlgorithm);
    const digest = LocalKms.digestOf(LocalKms.blob(body.Message, 'message'), body.MessageType);
    let signature: Buffer;
    switch (body.SigningAlgorithm) {
      case 'ECDSA_SHA_256': {
        // node:crypto cannot sign a precomputed digest with ECDSA; noble signs the digest as given.
        const d = Buffer.from(key.privateKey.export({ format: 'jwk' }).d!, 'base64url');
        signature = Buffer.from(p256.sign(digest, d, { lowS: false }).toDERRawBytes()); // KMS answers DER.
        break;
      }
      case 'RSASSA_PKCS1_V1_5_SHA_256':
        signature = privateEncrypt(
          { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING },
          Buffer.concat([SHA_256_DIGEST_INFO, digest]),
        );
        break;
      default: // RSASSA_PSS_SHA_256
        if ((body.MessageType ?? 'RAW') !== 'RAW')
          throw new KmsError(
            'UnsupportedOperationException',
            'RSASSA_PSS_SHA_256 of a DIGEST is not available on one machine: send the RAW message.',
          );
        signature = sign('sha256', LocalKms.blob(body.Message, 'message'), {
          key: key.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: SHA_256_BYTES,
        });
    }
    return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: body.SigningAlgorithm };
  }

  verify(body: { KeyId?: unknown; Message?: unknown; MessageType?: unknown; Signature?: unknown; SigningAlgorithm?: unknown }) {
    const key = this.signingKey(body.KeyId, body.SigningAlgorithm);
    const message = LocalKms.blob(body.Message, 'message');
    const digest = LocalKms.digestOf(message, body.MessageType);
    const signature = LocalKms.blob(body.Signature, 'signature');
    const publicKey = createPublicKey(key.privateKey);
    let valid: boolean;
    try {
      switch (body.SigningAlgorithm) {
        case 'ECDSA_SHA_256':
          valid = p256.verify(signature, digest, publicKey.export({ format: 'der', type: 'spki' }).subarray(-65), {
            lowS: false,
            format: 'der',
          });
          break;
        case 'RSASSA_PKCS1_V1_5_SHA_256':
          valid = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature).equals(
            Buffer.concat([SHA_256_DIGEST_INFO, digest]),
          );
          break;
        default:
          valid = verify(
            'sha256',
            message,
            { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SHA_256_BYTES },
            signature,
          );
      }
    } catch {
      valid = false;
    }
    if (!valid) throw new KmsError('KMSInvalidSignatureException', 'The signature is not valid for this message and key.');
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: body.SigningAlgorithm };
  }

  getPublicKey(body: { KeyId?: unknown }) {
    const key = this.find(body.KeyId);
    if (!key.privateKey)
      throw new KmsError(
        'UnsupportedOperationException',
        `${key.arn} key usage is ${key.keyUsage} and spec ${key.keySpec}: it has no public key.`,
      );
    return {
      KeyId: key.arn,
      PublicKey: createPublicKey(key.privateKey).export({ format: 'der', type: 'spki' }).toString('base64'),
      KeySpec: key.keySpec,
      CustomerMasterKeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      SigningAlgorithms: SIGNING_ALGORITHMS[key.keySpec],
    };
  }

  private static blob(value: unknown, name: string): Buffer {
    if (typeof value !== 'string' || value.length === 0) {
      throw new KmsError(
        'ValidationException',
        `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return Buffer.from(value, 'base64');
  }

  /**
   * The JSON 1.1 protocol endpoint `AWS_ENDPOINT_URL_KMS` points the SDK at. It answers only
   * requests signed with this access key id, and none from a web page (which could sign receipts).
   */
  async listen(accessKeyId: string): Promise<string> {
    this.endpoint = await serveAwsJsonProtocol(
      {
        targetPrefix: 'TrentService.',
        contentType: 'application/x-amz-json-1.1',
        errorName: (error) => (error instanceof KmsError ? error.name : 'ValidationException'),
        dispatch: (operation, body) => this.dispatch(operation, body),
      },
      accessKeyId,
    );
    return this.endpoint.url;
  }

  private endpoint?: AwsJsonEndpoint;

  private dispatch(operation: string, body: any): unknown {
    switch (operation) {
      case 'Sign':
        return this.sign(body);
      case 'Verify':
        return this.verify(body);
      case 'GetPublicKey':
        return this.getPublicKey(body);
      default:
        throw new KmsError('UnsupportedOperationException', `${operation} is not available on one machine`);
    }
  }

  async close(): Promise<void> {
    await this.endpoint?.close();
  }
}
