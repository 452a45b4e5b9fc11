import '../../local/process-environment';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { LOCAL_CREDENTIALS } from '../../local/local-credentials';
import { LocalKms } from '../../local/local-kms';
import { localKmsKeyArn, type LocalKmsKey } from '../../local/template-resources';

const KEYS: LocalKmsKey[] = [
  { logicalId: 'ReceiptKey', keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY', aliases: ['alias/receipts'] },
  { logicalId: 'ClientAssertionKey', keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', aliases: [] },
  { logicalId: 'EncryptionKey', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', aliases: [] },
];

/** The local KMS on loopback, used through the unchanged AWS SDK client as the handlers use it. */
async function serve(directory: string) {
  const kms = new LocalKms(directory, KEYS);
  const endpoint = await kms.listen(LOCAL_CREDENTIALS.accessKeyId);
  const client = new KMSClient({ endpoint, region: 'eu-west-2', credentials: LOCAL_CREDENTIALS });
  return {
    client,
    close: async () => {
      client.destroy();
      await kms.close();
    },
  };
}

async function publicKeyOf(client: KMSClient, keyId: string) {
  const answer = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return { answer, key: createPublicKey({ key: Buffer.from(answer.PublicKey!), format: 'der', type: 'spki' }) };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected KMS to refuse the request');
}

describe('the local KMS', () => {
  let directory: string;
  let kms: Awaited<ReturnType<typeof serve>>;
  const message = Buffer.from('eyJhbGciOiJFUzI1NiJ9.eyJyZWZlcmVuY2UiOiJUVU8tMSJ9');

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'tuo-kms-'));
    kms = await serve(directory);
  });
  afterAll(async () => {
    await kms.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('signs with ECDSA_SHA_256 (DER, as KMS answers) a signature the published public key verifies, RAW and DIGEST alike', async () => {
    const { answer, key } = await publicKeyOf(kms.client, localKmsKeyArn('ReceiptKey'));
    expect(answer).toMatchObject({
      KeyId: localKmsKeyArn('ReceiptKey'),
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    expect(key.asymmetricKeyType).toBe('ec');

    const raw = await kms.client.send(
      new SignCommand({ KeyId: localKmsKeyArn('ReceiptKey'), Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(raw.KeyId).toBe(localKmsKeyArn('ReceiptKey'));
    expect(verify('sha256', message, { key, dsaEncoding: 'der' }, Buffer.from(raw.Signature!))).toBe(true);

    const digest = createHash('sha256').update(message).digest();
    const signed = await kms.client.send(
      new SignCommand({ KeyId: 'alias/receipts', Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(verify('sha256', message, { key, dsaEncoding: 'der' }, Buffer.from(signed.Signature!))).toBe(true);
    expect(verify('sha256', Buffer.from(`${message}x`), { key, dsaEncoding: 'der' }, Buffer.from(signed.Signature!))).toBe(false);
  });

  it('signs with RSASSA_PKCS1_V1_5_SHA_256 from an RSA_2048 key, RAW and DIGEST', async () => {
    const { answer, key } = await publicKeyOf(kms.client, 'ClientAssertionKey');
    expect(answer.KeySpec).toBe('RSA_2048');
    expect(answer.SigningAlgorithms).toContain('RSASSA_PKCS1_V1_5_SHA_256');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    for (const [messageType, sent] of [
      ['RAW', message],
      ['DIGEST', createHash('sha256').update(message).digest()],
    ] as const) {
      const signed = await kms.client.send(
        new SignCommand({
          KeyId: 'ClientAssertionKey',
          Message: sent,
          MessageType: messageType,
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      );
      expect(verify('sha256', message, key, Buffer.from(signed.Signature!))).toBe(true);
    }
  });

  it('answers Verify as KMS does: valid, or KMSInvalidSignatureException when one byte changed', async () => {
    const signed = await kms.client.send(new SignCommand({ KeyId: 'ReceiptKey', Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));
    const valid = await kms.client.send(
      new VerifyCommand({ KeyId: 'ReceiptKey', Message: message, Signature: signed.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(valid.SignatureValid).toBe(true);
    const tampered = Buffer.from(message);
    tampered[3] ^= 1;
    expect(
      await refusal(
        kms.client.send(
          new VerifyCommand({ KeyId: 'ReceiptKey', Message: tampered, Signature: signed.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
        ),
      ),
    ).toBe('KMSInvalidSignatureException');
  });

  it('refuses what KMS refuses: an unknown key, a symmetric key, a wrong algorithm, a RAW message over 4096 bytes, a digest of the wrong length', async () => {
    const sign = (input: Partial<ConstructorParameters<typeof SignCommand>[0]>) =>
      kms.client.send(
        new SignCommand({
          KeyId: 'ReceiptKey',
          Message: message,
          SigningAlgorithm: 'ECDSA_SHA_256',
          ...input,
        }),
      );
    expect(await refusal(sign({ KeyId: localKmsKeyArn('NoSuchKey') }))).toBe('NotFoundException');
    expect(await refusal(sign({ KeyId: 'alias/no-such-alias' }))).toBe('NotFoundException');
    expect(await refusal(sign({ KeyId: 'EncryptionKey' }))).toBe('InvalidKeyUsageException');
    expect(await refusal(sign({ SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }))).toBe('InvalidKeyUsageException');
    expect(await refusal(sign({ KeyId: 'ClientAssertionKey' }))).toBe('InvalidKeyUsageException');
    expect(await refusal(sign({ Message: Buffer.alloc(4097, 1) }))).toBe('ValidationException');
    expect(await sign({ Message: Buffer.alloc(4096, 1) })).toHaveProperty('Signature');
    expect(await refusal(sign({ Message: Buffer.alloc(31), MessageType: 'DIGEST' }))).toBe('ValidationException');
    expect(await refusal(kms.client.send(new GetPublicKeyCommand({ KeyId: 'EncryptionKey' })))).toBe('UnsupportedOperationException');
  });

  it('generates each key once into the data directory, private to its owner, and keeps it across restarts', async () => {
    const before = (await publicKeyOf(kms.client, 'ReceiptKey')).answer.PublicKey;
    const files = readdirSync(directory).sort();
    expect(files).toEqual(['ClientAssertionKey.RSA_2048.pem', 'ReceiptKey.ECC_NIST_P256.pem']);
    expect(statSync(path.join(directory, files[1])).mode & 0o077).toBe(0);

    const restarted = await serve(directory);
    const fresh = mkdtempSync(path.join(tmpdir(), 'tuo-kms-'));
    const elsewhere = await serve(fresh);
    try {
      expect(Buffer.from((await publicKeyOf(restarted.client, 'ReceiptKey')).answer.PublicKey!)).toEqual(Buffer.from(before!));
      expect(Buffer.from((await publicKeyOf(elsewhere.client, 'ReceiptKey')).answer.PublicKey!)).not.toEqual(Buffer.from(before!));
    } finally {
      await restarted.close();
      await elsewhere.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
