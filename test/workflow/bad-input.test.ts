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
/** Generated requests with odd paths, ids, query strings and headers: 1,000 in CI, 10,000 by `npm run test:bad-requests`. */
const REQUEST_RUNS = Number(process.env.TUO_BAD_REQUEST_RUNS ?? '1000');

/** Every API route, its parameters written `{name}`. */
const API_ROUTES: Array<[string, string]> = [
  ['POST', '/v1/submissions'],
  ['GET', '/v1/submissions/{submissionId}'],
  ['DELETE', '/v1/submissions/{submissionId}'],
  ['GET', '/v1/submissions/{submissionId}/events'],
  ['GET', '/v1/departments'],
  ['PUT', '/v1/departments/{departmentId}'],
  ['POST', '/v1/departments/{departmentId}/signing-secrets'],
  ['POST', '/v1/departments/{departmentId}/api-keys'],
  ['GET', '/v1/departments/{departmentId}/notifications'],
  ['POST', '/v1/notifications/{notificationId}/confirmation'],
  ['POST', '/v1/notifications/{notificationId}/redeliver'],
  ['GET', '/openapi.json'],
];

/** A path segment as a client might send it: plausible, hostile, oversized or not valid percent-encoding. */
const oddSegment = fc.oneof(
  fc.string({ maxLength: 60 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
  fc.integer({ min: 1, max: 6000 }).map((n) => 'z'.repeat(n)),
  fc.constantFrom(
    '%',
    '%zz',
    '%E9',
    '%C3%28',
    '%00',
    '%2F',
    '..',
    '.',
    'sub_',
    'ntf_',
    'sub_00000000000000000000000000',
    'ntf_zzzzzzzzzzzzzzzzzzzzzzzzzz',
    'SUB_00000000000000000000000000',
    'prop-a',
    'PROP-A',
    'a',
    '%F0%9F%98%80',
    '%ED%A0%80',
    '%EF%BF%BF',
    'x%20y',
    '%u0041',
  ),
  fc.stringMatching(/^(sub|ntf)_[0-9a-z]{20,30}$/),
);
const oddQuery = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('status', 'limit', 'cursor', 'answered', 'x', ''),
      fc
        .oneof(fc.string({ maxLength: 40 }), fc.constantFrom('DELIVERED', '-1', '0', '101', '1e3', 'NaN', 'eyJnc2kxcGsiOiJ4In0', ''))
        .map(encodeURIComponent),
      { maxKeys: 4 },
    )
    .map(
      (q) =>
        `?${Object.entries(q)
          .map(([k, v]) => `${k}=${v}`)
          .join('&')}`,
    ),
  fc.constantFrom(
    '?status=%zz',
    '?limit=%',
    '?cursor=%E9',
    '?status=DELIVERED&status=FAILED',
    '?&&&',
    `?cursor=${'A'.repeat(3000)}`,
    '?limit=1&limit=2',
  ),
);
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });

type Answer = Awaited<ReturnType<ServiceClient['request']>>;

interface Tally {
  requests: number;
  accepted: number;
  refused: Record<number, number>;
  fiveHundreds: number;
}
const tally = (): Tally => ({ requests: 0, accepted: 0, refused: {}, fiveHundreds: 0 });

/** A JSON Pointer names the broken field if it is the field, inside it, or the object holding it. */
const related = (pointer: string, broken: string) =>
  pointer === broken || pointer.startsWith(`${broken}/`) || broken.startsWith(`${pointer}/`) || pointer === '';

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
  fc.constantFrom(
    '1985-02-30',
    '2999-01-01',
    'AB123456E',
    'QQ123456C',
    'not a postcode',
    'nobody@',
    'address.moved',
    '../etc',
    'UPPER-CASE',
  ),
);

const SUBMISSION_FIELDS = [
  '/type',
  '/person',
  '/person/givenName',
  '/person/familyName',
  '/person/dateOfBirth',
  '/person/nationalInsuranceNumber',
  '/person/email',
  '/person/extra',
  '/previousAddress',
  '/previousAddress/line1',
  '/previousAddress/line2',
  '/previousAddress/town',
  '/previousAddress/postcode',
  '/newAddress',
  '/newAddress/line1',
  '/newAddress/town',
  '/newAddress/postcode',
  '/newAddress/extra',
  '/movedOn',
  '/departments',
  '/departments/0',
  '/departments/1',
  '/extra',
];

const DEPARTMENT_FIELDS = [
  '/name',
  '/description',
  '/webhookUrl',
  '/events',
  '/events/0',
  '/fields',
  '/fields/0',
  '/fields/1',
  '/confirmation',
  '/confirmation/required',
  '/confirmation/timeoutSeconds',
  '/confirmation/extra',
  '/extra',
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
  }, 240_000); // Starting the whole service takes long on a busy machine.

  afterAll(async () => {
    console.log(
      `[bad-input suite] submissions: ${JSON.stringify(submissions)}; departments: ${JSON.stringify(departments)}; raw bodies and headers: ${JSON.stringify(raw)}; 5xx: ${submissions.fiveHundreds + departments.fiveHundreds + raw.fiveHundreds}`,
    );
    await fixture?.stop();
    await receiver.stop();
  });

  it('a submission with any one field broken', async () => {
    const valid = changeOfAddress(['prop-a', 'prop-b']);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SUBMISSION_FIELDS), brokenValue, async (field, value) => {
        const answer = await client.submit(token, randomUUID(), breakAt(valid, field, value));
        expectProblem(answer, submissions, field);
      }),
      { numRuns: RUNS },
    );
    expect(submissions.fiveHundreds).toBe(0);
  }, 300_000);

  it('a submission body of any JSON at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        expectProblem(await client.submit(token, randomUUID(), body), submissions);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('a department configuration with any one field broken', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...DEPARTMENT_FIELDS), brokenValue, async (field, value) => {
        const answer = await client.registerDepartment('prop-generated', breakAt(validDepartment, field, value));
        expectProblem(answer, departments, field);
      }),
      { numRuns: RUNS },
    );
    expect(departments.fiveHundreds).toBe(0);
  }, 300_000);

  it('any department id in the path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (id) => {
        // A path of dots alone is resolved away by the URL parser, so those ids are sent as `dots`.
        const sent = /^\.+$/.test(id) ? 'dots' : id;
        const answer = await client.registerDepartment(encodeURIComponent(sent), validDepartment);
        expectProblem(answer, departments);
        if (!/^[a-z0-9-]{2,40}$/.test(sent)) expect([400, 404, 405]).toContain(answer.status);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('bodies that are not JSON answer 400, other content types 415, bodies over 64 KiB 413', async () => {
    const headers = { 'idempotency-key': 'raw', 'content-type': 'application/json' };
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
        async (text) => {
          const answer = await client.request('POST', '/v1/submissions', {
            token,
            rawBody: text,
            headers: { ...headers, 'idempotency-key': randomUUID() },
          });
          expectProblem(answer, raw);
          expect(answer.status).toBe(400);
        },
      ),
      { numRuns: RUNS },
    );

    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
      const answer = await client.request('POST', '/v1/submissions', {
        token,
        rawBody: JSON.stringify(changeOfAddress(['prop-a'])),
        headers: { 'idempotency-key': randomUUID(), 'content-type': contentType },
      });
      expectProblem(answer, raw);
      expect(answer.status).toBe(415);
      const department = await client.request('PUT', '/v1/departments/prop-a', {
        token: fixture.service.adminToken,
        rawBody: JSON.stringify(validDepartment),
        headers: { 'content-type': contentType },
      });
      expectProblem(department, raw);
      expect(department.status).toBe(415);
    }
    const noContentType = await client.request('POST', '/v1/submissions', {
      token,
      rawBody: '{}',
      headers: { 'idempotency-key': randomUUID() },
    });
    expectProblem(noContentType, raw);
    expect([400, 415]).toContain(noContentType.status);

    const big = { ...changeOfAddress(['prop-a']), padding: 'x'.repeat(64 * 1024) };
    for (const [method, path, auth] of [
      ['POST', '/v1/submissions', token],
      ['PUT', '/v1/departments/prop-a', fixture.service.adminToken],
    ] as const) {
      const answer = await client.request(method, path, { token: auth, body: big, headers: { 'idempotency-key': randomUUID() } });
      expectProblem(answer, raw);
      expect(answer.status).toBe(413);
    }
    // Far past what API Gateway takes (10 MB): still a problem, not a dropped connection.
    const huge = await client.request('POST', '/v1/submissions', { token, rawBody: `"${'x'.repeat(11 * 1024 * 1024)}"`, headers });
    expectProblem(huge, raw);
    expect(huge.status).toBe(413);
  }, 300_000);

  it('any request: odd paths, ids, query strings and headers on every route', async () => {
    const apiKey = (await client.registerDepartment('prop-keyed', validDepartment)).json.apiKey as string;
    const answers = tally();
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constant(`Bearer ${token}`),
      fc.constant(`Bearer ${fixture.service.adminToken}`),
      fc.constant(`Bearer ${apiKey}`),
      printable,
      printable.map((t) => `Bearer ${t}`),
      fc.constantFrom(
        'Bearer',
        'Bearer tuo.prop-a.',
        `Bearer tuo.${'a'.repeat(41)}.${'x'.repeat(43)}`,
        'Basic Zm9vOmJhcg==',
        `Bearer ${'x'.repeat(8000)}`,
      ),
    );
    const headers = fc.record(
      {
        authorization,
        'content-type': fc.oneof(
          fc.constant(undefined),
          fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/problem+json', ''),
          printable,
        ),
        'idempotency-key': fc.oneof(fc.constant(undefined), printable),
        accept: fc.oneof(fc.constant(undefined), printable),
        cookie: fc.oneof(fc.constant(undefined), printable),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.constant(JSON.stringify(changeOfAddress(['prop-a']))),
      fc.constant(JSON.stringify(validDepartment)),
      fc.constant('{"outcome":"CONFIRMED"}'),
      fc.constant('{"revokePrevious":true}'),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 50 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...API_ROUTES),
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 4 },
          { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), weight: 1 },
        ),
        oddSegment,
        oddQuery,
        headers,
        body,
        async ([routeMethod, template], otherMethod, segment, query, sentHeaders, sentBody) => {
          const method = otherMethod ?? routeMethod;
          const path = template.replace(/\{[^}]+\}/, segment);
          const cleanHeaders = Object.fromEntries(Object.entries(sentHeaders).filter(([, v]) => v !== undefined)) as Record<string, string>;
          const answer = await client.request(method, `${path}${query}`, {
            headers: cleanHeaders,
            ...(method === 'GET' ? {} : { rawBody: sentBody }),
          });
          expectProblem(answer, answers);
        },
      ),
      { numRuns: REQUEST_RUNS },
    );
    console.log(`[bad-input suite] generated requests: ${JSON.stringify(answers)}`);
    expect(answers.fiveHundreds).toBe(0);
  }, 1_800_000);

  it('a path parameter that is not valid percent-encoding answers 400', async () => {
    for (const path of [
      '/v1/submissions/%zz',
      '/v1/submissions/%E9',
      '/v1/departments/%/notifications',
      '/v1/notifications/%C3%28/confirmation',
    ]) {
      const answer = await client.request(path.startsWith('/v1/notifications') ? 'POST' : 'GET', path, { token });
      expectProblem(answer, raw);
      expect(answer.status).toBe(400);
    }
  });

  it('an id that cannot exist answers 404, however long', async () => {
    for (const id of ['z'.repeat(5000), 'sub_', `sub_${'z'.repeat(300)}`, 'anything']) {
      const answer = await client.request('GET', `/v1/submissions/${id}`, { token });
      expectProblem(answer, raw);
      expect(answer.status).toBe(404);
    }
    const operator = fixture.service.adminToken;
    expect((await client.request('POST', `/v1/notifications/${'z'.repeat(5000)}/redeliver`, { token: operator })).status).toBe(404);
    expect((await client.request('POST', `/v1/departments/${'z'.repeat(5000)}/signing-secrets`, { token: operator })).status).toBe(404);
  });

  it('any Idempotency-Key header', async () => {
    const body = changeOfAddress(['prop-a']);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
        async (key) => {
          const answer = await client.submit(token, key, body);
          expectProblem(answer, raw);
          if (key.trim().length === 0 || key.length > 255) expect(answer.status).toBe(400);
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});
