import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * CONTRACT section 2, through the real HTTP API of the one-machine runtime: whatever a client
 * sends, the answer is never a 5xx; every refusal is problem+json, and a 422 names the field at
 * fault with a JSON Pointer into the body. Inputs are generated (fast-check) by breaking one
 * field of a valid body at a time, so each refusal can be checked against the field broken.
 */
const RUNS = Number(process.env.TUO_PROPERTY_RUNS ?? '150');

type Answer = Awaited<ReturnType<ServiceClient['request']>>;

interface Tally { requests: number; accepted: number; refused: Record<number, number>; fiveHundreds: number }
const tally = (): Tally => ({ requests: 0, accepted: 0, refused: {}, fiveHundreds: 0 });

/** A JSON Pointer names the broken field if it is the field, inside it, or the object holding it. */
const related = (pointer: string, broken: string) => pointer === broken || pointer.startsWith(`${broken}/`) || broken.startsWith(`${pointer}/`) || pointer === '';

function expectProblem(answer: Answer, counts: Tally, broken?: string): void {
  counts.requests++;
  if (answer.status >= 500) counts.fiveHundreds++;
  expect(answer.status).toBeLessThan(500);
  if (answer.status < 400) {
    counts.accepted++;
    return;
  }
  counts.refused[answer.status] = (counts.refused[answer.status] ?? 0) + 1;
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.json).toMatchObject({ status: answer.status, title: expect.any(String), type: expect.any(String) });
  if (answer.status === 422) {
    expect(answer.json.errors.length).toBeGreaterThan(0);
    for (const error of answer.json.errors) {
      expect(error.pointer).toMatch(/^(\/.*)?$/);
      expect(typeof error.detail).toBe('string');
    }
    if (broken !== undefined) {
      const pointers = answer.json.errors.map((e: any) => e.pointer as string);
      if (!pointers.some((p: string) => related(p, broken))) throw new Error(`Broke ${broken}, got errors at ${pointers.join(', ')}`);
    }
  }
}

/** Sets (or, for `undefined`, deletes) the value at a JSON Pointer, creating nothing on the way. */
function breakAt(body: any, pointer: string, value: unknown): any {
  const copy = JSON.parse(JSON.stringify(body));
  const parts = pointer.split('/').slice(1);
  let target = copy;
  for (const part of parts.slice(0, -1)) {
    if (target === null || typeof target !== 'object') return copy;
    target = target[part];
  }
  if (target === null || typeof target !== 'object') return copy;
  const last = parts[parts.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

const brokenValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 300, maxLength: 600 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constantFrom('1985-02-30', '2999-01-01', 'AB123456E', 'QQ123456C', 'not a postcode', 'nobody@', 'address.moved', '../etc', 'UPPER-CASE'),
);

const SUBMISSION_FIELDS = [
  '/type', '/person', '/person/givenName', '/person/familyName', '/person/dateOfBirth', '/person/nationalInsuranceNumber',
  '/person/email', '/person/extra', '/previousAddress', '/previousAddress/line1', '/previousAddress/line2',
  '/previousAddress/town', '/previousAddress/postcode', '/newAddress', '/newAddress/line1', '/newAddress/town',
  '/newAddress/postcode', '/newAddress/extra', '/movedOn', '/departments', '/departments/0', '/departments/1', '/extra',
];

const DEPARTMENT_FIELDS = [
  '/name', '/description', '/webhookUrl', '/events', '/events/0', '/fields', '/fields/0', '/fields/1',
  '/confirmation', '/confirmation/required', '/confirmation/timeoutSeconds', '/confirmation/extra', '/extra',
];

describe('bad input never yields a 5xx, and every refusal names what is wrong', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let token: string;
  const receiver = new WebhookReceiver();
  const submissions = tally();
  const departments = tally();
  const raw = tally();
  let validDepartment: Record<string, unknown>;

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    await receiver.start();
    validDepartment = {
      name: 'Property department',
      description: 'Takes generated input',
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields: ['person.givenName', 'newAddress'],
      confirmation: { required: false, timeoutSeconds: 60 },
    };
    for (const id of ['prop-a', 'prop-b']) expect((await client.registerDepartment(id, validDepartment)).status).toBe(201);
    token = await client.citizenToken('citizen-property');
  });

  afterAll(async () => {
    console.log(`[bad-input suite] submissions: ${JSON.stringify(submissions)}; departments: ${JSON.stringify(departments)}; raw bodies and headers: ${JSON.stringify(raw)}; 5xx: ${submissions.fiveHundreds + departments.fiveHundreds + raw.fiveHundreds}`);
    await fixture?.stop();
    await receiver.stop();
  });

  it('a submission with any one field broken', async () => {
    const valid = changeOfAddress(['prop-a', 'prop-b']);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...SUBMISSION_FIELDS), brokenValue, async (field, value) => {
      const answer = await client.submit(token, randomUUID(), breakAt(valid, field, value));
      expectProblem(answer, submissions, field);
    }), { numRuns: RUNS });
    expect(submissions.fiveHundreds).toBe(0);
  }, 300_000);

  it('a submission body of any JSON at all', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
      expectProblem(await client.submit(token, randomUUID(), body), submissions);
    }), { numRuns: RUNS });
  }, 300_000);

  it('a department configuration with any one field broken', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...DEPARTMENT_FIELDS), brokenValue, async (field, value) => {
      const answer = await client.registerDepartment('prop-generated', breakAt(validDepartment, field, value));
      expectProblem(answer, departments, field);
    }), { numRuns: RUNS });
    expect(departments.fiveHundreds).toBe(0);
  }, 300_000);

  it('any department id in the path', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (id) => {
      const answer = await client.registerDepartment(encodeURIComponent(id).replace(/^\.+$/, 'dots'), validDepartment);
      expectProblem(answer, departments);
      if (!/^[a-z0-9-]{2,40}$/.test(id)) expect([400, 404, 405]).toContain(answer.status);
    }), { numRuns: RUNS });
  }, 300_000);

  it('bodies that are not JSON answer 400, other content types 415, bodies over 64 KiB 413', async () => {
    const headers = { 'idempotency-key': 'raw', 'content-type': 'application/json' };
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }), async (text) => {
      const answer = await client.request('POST', '/v1/submissions', { token, rawBody: text, headers: { ...headers, 'idempotency-key': randomUUID() } });
      expectProblem(answer, raw);
      expect(answer.status).toBe(400);
    }), { numRuns: RUNS });

    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
      const answer = await client.request('POST', '/v1/submissions', { token, rawBody: JSON.stringify(changeOfAddress(['prop-a'])), headers: { 'idempotency-key': randomUUID(), 'content-type': contentType } });
      expectProblem(answer, raw);
      expect(answer.status).toBe(415);
      const department = await client.request('PUT', '/v1/departments/prop-a', { token: fixture.service.adminToken, rawBody: JSON.stringify(validDepartment), headers: { 'content-type': contentType } });
      expectProblem(department, raw);
      expect(department.status).toBe(415);
    }
    const noContentType = await client.request('POST', '/v1/submissions', { token, rawBody: '{}', headers: { 'idempotency-key': randomUUID() } });
    expectProblem(noContentType, raw);
    expect([400, 415]).toContain(noContentType.status);

    const big = { ...changeOfAddress(['prop-a']), padding: 'x'.repeat(64 * 1024) };
    for (const [method, path, auth] of [['POST', '/v1/submissions', token], ['PUT', '/v1/departments/prop-a', fixture.service.adminToken]] as const) {
      const answer = await client.request(method, path, { token: auth, body: big, headers: { 'idempotency-key': randomUUID() } });
      expectProblem(answer, raw);
      expect(answer.status).toBe(413);
    }
    // Far past what API Gateway takes (10 MB): still a problem, not a dropped connection.
    const huge = await client.request('POST', '/v1/submissions', { token, rawBody: `"${'x'.repeat(11 * 1024 * 1024)}"`, headers });
    expectProblem(huge, raw);
    expect(huge.status).toBe(413);
  }, 300_000);

  it('any Idempotency-Key header', async () => {
    const body = changeOfAddress(['prop-a']);
    await fc.assert(fc.asyncProperty(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }), async (key) => {
      const answer = await client.submit(token, key, body);
      expectProblem(answer, raw);
      if (key.trim().length === 0 || key.length > 255) expect(answer.status).toBe(400);
    }), { numRuns: RUNS });
  }, 300_000);
});
