import { generateKeyPairSync, sign } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, exportJWK, importJWK } from 'jose';
import { issueReceipt, receiptKeySet } from '../../lambdas/application/issue-receipt';
import type { PublishedKey, ReceiptSigner } from '../../lambdas/signing/receipt-signer';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

/** A signer like KMS's: the private key stays inside it; it answers raw `r || s` signatures. */
function signer(): ReceiptSigner & { corrupt: boolean } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const state = {
    corrupt: false,
    publicKey: async (): Promise<PublishedKey> => ({ ...(await exportJWK(publicKey)), kid: 'receipt-key-1', alg: 'ES256', use: 'sig' }),
    sign: async (input: Uint8Array) => {
      const signature = sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      if (state.corrupt) signature[0] ^= 0xff;
      return new Uint8Array(signature);
    },
  };
  return state;
}

describe('issuing a receipt (in memory)', () => {
  async function service() {
    const s = inMemoryService();
    await s.addDepartment('dvla', { fields: ['person.givenName', 'newAddress'] });
    await s.addDepartment('hmrc');
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));
    const key = signer();
    const deps = { ...s.deps, signer: key, issuer: 'https://tuo.example' };
    return { s, submission, notifications, key, deps };
  }

  it("signs, department by department, each status, the department's reference and the field names sent: no personal value", async () => {
    const { s, submission, notifications, key, deps } = await service();
    const [dvla] = notifications;
    await s.deliverByPush(dvla.id);
    await s.audit.record({
      submissionId: submission.id,
      key: `${dvla.id}#SENT#1`,
      at: s.now().toISOString(),
      type: 'SENT',
      actor: 'service',
      notificationId: dvla.id,
      fields: ['newAddress', 'person.givenName'],
    });
    await s.notifications.recordAnswer(
      (await s.notifications.get(dvla.id))!,
      { outcome: 'CONFIRMED', departmentReference: 'DVLA-42' },
      s.now(),
    );

    const { receipt, claims, keyId } = await issueReceipt(deps, submission);
    expect(keyId).toBe('receipt-key-1');
    expect(decodeProtectedHeader(receipt)).toEqual({ alg: 'ES256', kid: 'receipt-key-1', typ: 'tuo-receipt+jwt' });
    const [published] = (await receiptKeySet(key)).keys;
    const verified = await compactVerify(receipt, await importJWK(published, 'ES256'));
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(claims);
    expect(claims).toMatchObject({
      iss: 'https://tuo.example',
      iat: s.now().getTime() / 1000,
      submissionId: submission.id,
      reference: submission.reference,
    });
    expect(claims.notifications).toEqual([
      {
        department: 'dvla',
        kind: 'change',
        status: 'CONFIRMED',
        deliveredAt: s.now().toISOString(),
        respondedAt: s.now().toISOString(),
        departmentReference: 'DVLA-42',
        fields: ['person.givenName', 'newAddress'],
      },
      {
        department: 'hmrc',
        kind: 'change',
        status: 'PENDING',
        deliveredAt: null,
        respondedAt: null,
        departmentReference: null,
        fields: [],
      },
    ]);
    expect(receipt).not.toMatch(/Ada|Lovelace|YO1/);
    expect(JSON.stringify(claims)).not.toMatch(/Ada|Lovelace|YO1/);
  });

  it('is never issued when its signature would not verify', async () => {
    const { submission, key, deps } = await service();
    key.corrupt = true;
    await expect(issueReceipt(deps, submission)).rejects.toThrow();
  });
});
