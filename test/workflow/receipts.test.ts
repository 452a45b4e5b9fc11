import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, compactVerify, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { PROJECT_ROOT } from '../../lib/service-function';
import { ConfirmingDepartment } from '../support/confirming-department';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/** CONTRACT section 11 through the real local runtime: real receivers, the local KMS, the JWKS route. */
describe('proof of notification (receipts)', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let confirming: ConfirmingDepartment;
  const council = new WebhookReceiver();
  let token: string;
  let submission: any;
  let receipt: string;

  const jwks = () => createRemoteJWKSet(new URL(`${fixture.service.url}/.well-known/jwks.json`));
  const receiptOf = (id: string, bearer?: string) => client.request('GET', `/v1/submissions/${id}/receipt`, { token: bearer });

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    // One department that confirms with its own reference, one that needs no answer and sees less.
    confirming = await new ConfirmingDepartment('tax-office', { confirmationRequired: true }).register(client);
    await council.start();
    const registered = await client.registerDepartment('council', {
      name: 'A council',
      webhookUrl: council.url,
      events: ['address.changed'],
      fields: ['newAddress', 'movedOn'],
      confirmation: { required: false },
    });
    council.secrets = [registered.json.signingSecret];

    token = await client.citizenToken('citizen-receipt');
    const { json } = await client.submit(token, 'receipt-1', changeOfAddress(['tax-office', 'council']));
    submission = await client.waitForSubmission(token, json.id, (s) => s.status === 'COMPLETED');
    const answer = await receiptOf(submission.id, token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    receipt = answer.json.receipt;
  }, 180_000);
  afterAll(async () => {
    await confirming?.stop();
    await council.stop();
    await fixture?.stop();
  });

  it("verifies against the published JWKS with jose, and says what the submission's GET says, department by department", async () => {
    const header = decodeProtectedHeader(receipt);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'tuo-receipt+jwt' });
    const keys = (await client.request('GET', '/.well-known/jwks.json')).json.keys;
    expect(keys).toEqual([expect.objectContaining({ kid: header.kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })]);
    expect(keys[0]).not.toHaveProperty('d');
    expect(header.kid).toBe(await calculateJwkThumbprint(keys[0], 'sha256')); // RFC 7638

    const { payload } = await jwtVerify(receipt, jwks(), { issuer: fixture.service.url, typ: 'tuo-receipt+jwt', algorithms: ['ES256'] });
    const current = (await client.submission(token, submission.id)).json;
    expect(payload).toEqual({
      iss: fixture.service.url,
      iat: expect.any(Number),
      reference: current.reference,
      submissionId: current.id,
      type: 'address.changed',
      notifications: current.notifications.map((n: any) => ({
        department: n.department,
        kind: 'change',
        status: n.status,
        deliveredAt: n.deliveredAt,
        respondedAt: n.respondedAt,
        departmentReference: n.departmentReference,
        fields: n.department === 'council' ? ['newAddress', 'movedOn'] : ['person.givenName', 'person.familyName', 'newAddress', 'movedOn'],
      })),
    });
    const taxOffice = (payload.notifications as any[]).find((n) => n.department === 'tax-office');
    expect(taxOffice).toMatchObject({
      status: 'CONFIRMED',
      departmentReference: 'tax-office-ref',
      deliveredAt: expect.any(String),
      respondedAt: expect.any(String),
    });
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('holds no personal data value, only field names', () => {
    const decoded = Buffer.from(receipt.split('.')[1], 'base64url').toString('utf8');
    for (const value of [
      'Ada',
      'Lovelace',
      '1985-12-10',
      'AB123456C',
      'ada@example.org',
      'Old Street',
      'New Road',
      'York',
      'YO1 7HH',
      'LS1 1AA',
    ]) {
      expect(decoded).not.toContain(value);
    }
  });

  it('fails to verify with one byte changed, anywhere: header, payload or signature', async () => {
    const key = jwks();
    await expect(compactVerify(receipt, key)).resolves.toBeDefined();
    const [header, payload, signature] = receipt.split('.');
    const flipOneCharacter = (segment: string) => {
      const at = Math.floor(segment.length / 2);
      return `${segment.slice(0, at)}${segment[at] === 'A' ? 'B' : 'A'}${segment.slice(at + 1)}`;
    };
    for (const tampered of [
      `${flipOneCharacter(header)}.${payload}.${signature}`,
      `${header}.${flipOneCharacter(payload)}.${signature}`,
      `${header}.${payload}.${flipOneCharacter(signature)}`,
    ]) {
      await expect(compactVerify(tampered, key)).rejects.toThrow();
    }
    // One byte of the claims changed, re-encoded cleanly: a department's answer claimed otherwise.
    const claims = Buffer.from(payload, 'base64url');
    const at = claims.indexOf('CONFIRMED');
    claims[at] = 'R'.charCodeAt(0);
    await expect(compactVerify(`${header}.${claims.toString('base64url')}.${signature}`, key)).rejects.toThrow(
      'signature verification failed',
    );
  });

  it('is checked by `npm run verify-receipt` and by the snippet in docs/receipts.md; one byte changed, both refuse it', async () => {
    // Child processes, asynchronously: the service they fetch the JWKS from runs in this process.
    const node = async (args: string[]) =>
      promisify(execFile)(process.execPath, args, { cwd: PROJECT_ROOT }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    mkdirSync(path.join(PROJECT_ROOT, 'test-results'), { recursive: true });
    const dir = mkdtempSync(path.join(PROJECT_ROOT, 'test-results', 'receipt-')); // inside the project, so the snippet finds jose
    try {
      const [header, payload, signature] = receipt.split('.');
      const claims = Buffer.from(payload, 'base64url');
      claims[claims.indexOf('tax-office-ref')] = 'T'.charCodeAt(0);
      writeFileSync(path.join(dir, 'receipt.json'), JSON.stringify({ receipt }));
      writeFileSync(path.join(dir, 'tampered.json'), JSON.stringify({ receipt: `${header}.${claims.toString('base64url')}.${signature}` }));
      const snippet = /```js\n([\s\S]*?)```/.exec(readFileSync(path.join(PROJECT_ROOT, 'docs', 'receipts.md'), 'utf8'))![1];
      writeFileSync(path.join(dir, 'verify-receipt.mjs'), snippet);

      const script = (file: string) =>
        node(['--import', 'tsx', 'scripts/verify-receipt.ts', path.join(dir, file), '--issuer', fixture.service.url]);
      const valid = await script('receipt.json');
      expect(valid).toMatchObject({ code: 0, stdout: expect.stringMatching(/^VALID: signed by /) });
      expect(valid.stdout).toContain(`Reference ${submission.reference}`);
      expect(valid.stdout).toMatch(
        /- tax-office \[change\]: CONFIRMED; .*\(their reference tax-office-ref\); sent person\.givenName, person\.familyName, newAddress, movedOn/,
      );
      expect(await script('tampered.json')).toMatchObject({
        code: 1,
        stdout: expect.stringMatching(/^NOT VALID: signature verification failed/),
      });

      const docs = (file: string) => node([path.join(dir, 'verify-receipt.mjs'), path.join(dir, file), fixture.service.url]);
      const documented = await docs('receipt.json');
      expect(documented.code).toBe(0);
      expect(documented.stdout).toContain('tax-office: CONFIRMED, told 20');
      expect(documented.stdout).toContain('council: DELIVERED, told 20');
      expect((await docs('tampered.json')).code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 404 to anyone but the citizen who made the submission, and 401 without a token', async () => {
    const other = await client.citizenToken('someone-else');
    const refused = await receiptOf(submission.id, other);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.text).not.toContain('receipt"');
    expect((await receiptOf('sub_doesnotexist', token)).status).toBe(404);
    expect((await receiptOf(submission.id)).status).toBe(401);
  });

  it("still proves the notification once the citizen's personal data is erased", async () => {
    expect((await client.request('DELETE', `/v1/submissions/${submission.id}`, { token })).status).toBe(204);
    const after = await receiptOf(submission.id, token);
    expect(after.status).toBe(200);
    const { payload } = await jwtVerify(after.json.receipt, jwks(), { issuer: fixture.service.url });
    // The receipt kept from before still verifies; one issued now proves the same notifications,
    // with the departments' free text (their references) erased too.
    const { payload: before } = await jwtVerify(receipt, jwks(), { issuer: fixture.service.url });
    const erasedText = (notifications: any) => notifications.map((n: any) => ({ ...n, departmentReference: null }));
    expect(payload.notifications).toEqual(erasedText(before.notifications));
    expect((payload.notifications as any[]).every((n) => n.departmentReference === null)).toBe(true);
  });
});
