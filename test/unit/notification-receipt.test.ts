import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, exportJWK, importJWK } from 'jose';
import { issueReceipt } from '../../lambdas/application/issue-receipt';
import type { AuditEvent } from '../../lambdas/domain/audit-event';
import { fieldsSentByNotification, receiptClaims } from '../../lambdas/domain/notification-receipt';
import type { PublishedKey, ReceiptSigner } from '../../lambdas/signing/receipt-signer';
import type { NotificationRecord } from '../../lambdas/domain/notification';

const sent = (notificationId: string, attempt: number, fields: AuditEvent['fields'], outcome = 'delivered'): AuditEvent => ({
  submissionId: 'sub_1',
  key: `${notificationId}#SENT#${attempt}`,
  at: `2026-12-01T10:00:0${attempt}Z`,
  type: 'SENT',
  actor: 'service',
  departmentId: 'dept',
  notificationId,
  attempt,
  fields,
  outcome,
});

const notification = (id: string, departmentId: string, extra: Partial<NotificationRecord> = {}): NotificationRecord => ({
  id,
  submissionId: 'sub_1',
  departmentId,
  status: 'PENDING',
  confirmationRequired: true,
  confirmationTimeoutSeconds: 600,
  attempts: 0,
  entitledFields: ['person.givenName', 'newAddress'],
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
  ...extra,
});

/** A signer like KMS's, over a key held in memory: `encoding` is what its sign() hands back. */
function memorySigner(encoding: 'ieee-p1363' | 'der' = 'ieee-p1363'): ReceiptSigner & { privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    async publicKey(): Promise<PublishedKey> {
      const jwk = await exportJWK(publicKey);
      return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES256' };
    },
    async sign(input) {
      return sign('sha256', input, { key: privateKey, dsaEncoding: encoding });
    },
  };
}

describe('the fields a receipt says were sent', () => {
  it("are every field name that left for the notification, over all attempts, in the contract's order", () => {
    const fields = fieldsSentByNotification([
      sent('n1', 1, ['newAddress', 'person.givenName'], 'HTTP 503'),
      sent('n1', 2, ['movedOn', 'newAddress']),
      sent('n2', 1, ['person.nationalInsuranceNumber']),
      {
        submissionId: 'sub_1',
        key: 'n3#CONFIRMED',
        at: '2026-12-01T10:00:09Z',
        type: 'CONFIRMED',
        actor: 'department:x',
        notificationId: 'n3',
      },
    ]);
    expect(Object.fromEntries(fields)).toEqual({
      n1: ['person.givenName', 'newAddress', 'movedOn'],
      n2: ['person.nationalInsuranceNumber'],
    });
  });
});

describe("a receipt's claims", () => {
  it('follow the submission department by department, with nulls where nothing happened yet, and the kind of each notification', () => {
    const claims = receiptClaims({
      issuer: 'https://tell-us-once.example',
      issuedAt: new Date('2026-12-02T12:00:00.900Z'),
      submission: { id: 'sub_1', reference: 'TUO-AAAA-BBBB', type: 'address.changed' },
      notifications: [
        notification('n1', 'hmrc', {
          status: 'CONFIRMED',
          deliveredAt: '2026-12-01T10:00:02Z',
          respondedAt: '2026-12-01T11:00:00Z',
          departmentReference: 'HMRC-1',
        }),
        notification('n2', 'dvla'),
        notification('n3', 'hmrc', { kind: 'correction', status: 'DELIVERED', deliveredAt: '2026-12-02T09:00:00Z' }),
      ],
      auditTrail: [sent('n1', 1, ['newAddress']), sent('n3', 1, ['newAddress', 'movedOn'])],
    });
    expect(claims).toEqual({
      iss: 'https://tell-us-once.example',
      iat: 1_796_212_800,
      reference: 'TUO-AAAA-BBBB',
      submissionId: 'sub_1',
      type: 'address.changed',
      notifications: [
        {
          department: 'hmrc',
          kind: 'change',
          status: 'CONFIRMED',
          deliveredAt: '2026-12-01T10:00:02Z',
          respondedAt: '2026-12-01T11:00:00Z',
          departmentReference: 'HMRC-1',
          fields: ['newAddress'],
        },
        {
          department: 'dvla',
          kind: 'change',
          status: 'PENDING',
          deliveredAt: null,
          respondedAt: null,
          departmentReference: null,
          fields: [],
        },
        {
          department: 'hmrc',
          kind: 'correction',
          status: 'DELIVERED',
          deliveredAt: '2026-12-02T09:00:00Z',
          respondedAt: null,
          departmentReference: null,
          fields: ['newAddress', 'movedOn'],
        },
      ],
    });
  });
});

describe('issuing a receipt', () => {
  const submission = { id: 'sub_1', reference: 'TUO-AAAA-BBBB', type: 'address.changed', notificationIds: ['n1'] };
  const deps = (signer: ReceiptSigner) => ({
    notifications: { getMany: async () => [notification('n1', 'hmrc', { status: 'DELIVERED', deliveredAt: '2026-12-01T10:00:02Z' })] },
    audit: { list: async () => [sent('n1', 1, ['newAddress'])] },
    signer,
    issuer: 'https://tell-us-once.example',
    now: () => new Date('2026-12-02T12:00:00Z'),
  });

  it('is a compact ES256 JWS naming its key, which jose verifies with the published key', async () => {
    const signer = memorySigner();
    const { receipt, claims, keyId } = await issueReceipt(deps(signer), submission);
    const key = await signer.publicKey();
    expect(keyId).toBe(key.kid);
    expect(decodeProtectedHeader(receipt)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'tuo-receipt+jwt' });
    const { payload } = await compactVerify(receipt, await importJWK(key, 'ES256'));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
    expect(claims).toMatchObject({ submissionId: 'sub_1', notifications: [{ department: 'hmrc', fields: ['newAddress'] }] });
  });

  it('is never handed out if its signature would not verify (a DER signature where JWS needs r || s)', async () => {
    await expect(issueReceipt(deps(memorySigner('der')), submission)).rejects.toThrow();
  });
});
