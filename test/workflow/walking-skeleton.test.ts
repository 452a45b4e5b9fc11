import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';

/**
 * The walking skeleton end to end on one machine: the synthesized state machine on
 * aws-local-stepfunctions, dynalite on disk, real HTTP receivers verifying signatures.
 */
describe('a change of address reaches every chosen department, and only what each is entitled to', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  const receivers: Record<string, WebhookReceiver> = {};
  const apiKeys: Record<string, string> = {};
  const answers: Record<string, { outcome: string; departmentReference?: string; reason?: string } | undefined> = {
    'tax-office': { outcome: 'CONFIRMED', departmentReference: 'TAX-1' },
    licensing: { outcome: 'CONFIRMED', departmentReference: 'LIC-9' },
  };

  const departments = {
    'tax-office': {
      fields: ['person.givenName', 'person.familyName', 'person.nationalInsuranceNumber', 'newAddress', 'movedOn'],
      required: true,
    },
    licensing: {
      fields: ['person.givenName', 'person.familyName', 'person.dateOfBirth', 'previousAddress', 'newAddress', 'movedOn'],
      required: true,
    },
    library: { fields: ['person.email', 'newAddress'], required: false },
    unchosen: {
      fields: [
        'person.givenName',
        'person.familyName',
        'person.dateOfBirth',
        'person.nationalInsuranceNumber',
        'person.email',
        'previousAddress',
        'newAddress',
        'movedOn',
      ],
      required: true,
    },
  } as const;

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    for (const [id, spec] of Object.entries(departments)) {
      const receiver = await new WebhookReceiver().start();
      receivers[id] = receiver;
      const response = await client.registerDepartment(id, {
        name: `Department ${id}`,
        webhookUrl: receiver.url,
        events: ['address.changed'],
        fields: spec.fields,
        confirmation: { required: spec.required, timeoutSeconds: 300 },
      });
      expect(response.status).toBe(201);
      receiver.secrets = [response.json.signingSecret];
      apiKeys[id] = response.json.apiKey;
      // The department's system answers shortly after each delivery, through the confirmation URL.
      receiver.onDelivery = (delivery: ReceivedWebhook) => {
        const answer = answers[id];
        if (!answer) return;
        setTimeout(() => {
          void fetch(delivery.payload.data.confirmationUrl, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKeys[id]}`, 'content-type': 'application/json' },
            body: JSON.stringify(answer),
          });
        }, 20);
      };
    }
  });

  afterAll(async () => {
    await fixture?.stop();
    await Promise.all(Object.values(receivers).map((r) => r.stop()));
  });

  it('tells the chosen departments, signed and minimal, and completes once each has answered', async () => {
    const token = await client.citizenToken('citizen-ada');
    const accepted = await client.submit(token, 'move-1', changeOfAddress(['tax-office', 'licensing', 'library']));
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/v1/submissions/${accepted.json.id}`);
    expect(accepted.json.status).toBe('IN_PROGRESS');
    expect(accepted.json.reference).toMatch(/^TUO-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(accepted.json.notifications.map((n: any) => [n.department, n.status])).toEqual([
      ['tax-office', 'PENDING'],
      ['licensing', 'PENDING'],
      ['library', 'PENDING'],
    ]);

    const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED');
    const byDepartment = Object.fromEntries(final.notifications.map((n: any) => [n.department, n]));
    expect(byDepartment['tax-office']).toMatchObject({ status: 'CONFIRMED', departmentReference: 'TAX-1', attempts: 1 });
    expect(byDepartment.licensing).toMatchObject({ status: 'CONFIRMED', departmentReference: 'LIC-9' });
    expect(byDepartment.library).toMatchObject({ status: 'DELIVERED', respondedAt: null }); // No confirmation required.
    for (const n of final.notifications) expect(n.deliveredAt).toEqual(expect.any(String));

    // Departments the citizen did not choose receive nothing.
    expect(receivers.unchosen.received).toHaveLength(0);

    // Each chosen department received one delivery, verified by standardwebhooks, carrying only its entitled fields.
    const expected: Record<string, Record<string, unknown>> = {
      'tax-office': {
        person: { givenName: 'Ada', familyName: 'Lovelace', nationalInsuranceNumber: 'AB123456C' },
        newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
        movedOn: '2026-11-20',
      },
      licensing: {
        person: { givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1985-12-10' },
        previousAddress: { line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' },
        newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
        movedOn: '2026-11-20',
      },
      library: { person: { email: 'ada@example.org' }, newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' } },
    };
    for (const [id, fields] of Object.entries(expected)) {
      const deliveries = receivers[id].received;
      expect(deliveries).toHaveLength(1);
      const [delivery] = deliveries;
      expect(delivery.verified).toBe(true);
      expect(delivery.webhookId).toBe(byDepartment[id].id);
      expect(delivery.payload.type).toBe('address.changed');
      const { notificationId, reference, confirmationUrl, ...personal } = delivery.payload.data;
      expect(notificationId).toBe(byDepartment[id].id);
      expect(reference).toBe(accepted.json.reference);
      expect(confirmationUrl).toBe(`${client.baseUrl}/v1/notifications/${notificationId}/confirmation`);
      expect(personal).toEqual(fields);
      // The workflow's task token never reaches a department.
      expect(delivery.body).not.toMatch(/token/i);
    }
  });

  it('answers a retried submission with the same one, and refuses the key for a different body', async () => {
    const token = await client.citizenToken('citizen-retry');
    const body = changeOfAddress(['library']);
    const first = await client.submit(token, 'same-key', body);
    const again = await client.submit(token, 'same-key', body);
    expect(again.status).toBe(202);
    expect(again.json.id).toBe(first.json.id);
    await client.waitForSubmission(token, first.json.id, (s) => s.status === 'COMPLETED');
    expect(receivers.library.received.filter((d) => d.webhookId === first.json.notifications[0].id)).toHaveLength(1);

    const different = await client.submit(token, 'same-key', changeOfAddress(['library'], { movedOn: '2026-11-21' }));
    expect(different.status).toBe(422);
    expect(different.headers.get('content-type')).toBe('application/problem+json');

    // The same key from another citizen is their own submission.
    const other = await client.submit(await client.citizenToken('someone-else'), 'same-key', body);
    expect(other.status).toBe(202);
    expect(other.json.id).not.toBe(first.json.id);
  });

  it('shows a submission only to the citizen who made it', async () => {
    const token = await client.citizenToken('citizen-private');
    const { json } = await client.submit(token, 'private-1', changeOfAddress(['library']));
    expect((await client.submission(await client.citizenToken('citizen-nosy'), json.id)).status).toBe(404);
    const anonymous = await client.request('GET', `/v1/submissions/${json.id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const forged = await client.request('GET', `/v1/submissions/${json.id}`, { token: `${token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });

  it('ends COMPLETED_WITH_ISSUES when a department rejects, with its reason', async () => {
    answers.licensing = { outcome: 'REJECTED', reason: 'No licence held at this address' };
    try {
      const token = await client.citizenToken('citizen-rejected');
      const { json } = await client.submit(token, 'reject-1', changeOfAddress(['licensing', 'tax-office']));
      const final = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
      expect(final.status).toBe('COMPLETED_WITH_ISSUES');
      const licensing = final.notifications.find((n: any) => n.department === 'licensing');
      expect(licensing).toMatchObject({ status: 'REJECTED', reason: 'No licence held at this address' });
      expect(licensing.respondedAt).toEqual(expect.any(String));
    } finally {
      answers.licensing = { outcome: 'CONFIRMED', departmentReference: 'LIC-9' };
    }
  });

  it('lets only the notified department answer, once', async () => {
    answers['tax-office'] = undefined; // This time the test answers by hand.
    try {
      const token = await client.citizenToken('citizen-answers');
      const { json } = await client.submit(token, 'answers-1', changeOfAddress(['tax-office']));
      const [notification] = json.notifications;
      await client.waitForSubmission(token, json.id, (s) => s.notifications[0].status === 'DELIVERED');
      const path = `/v1/notifications/${notification.id}/confirmation`;
      const answer = { outcome: 'CONFIRMED', departmentReference: 'HAND-1' };
      expect((await client.request('POST', path, { body: answer })).status).toBe(401);
      expect((await client.request('POST', path, { body: answer, token: `${apiKeys['tax-office']}x` })).status).toBe(401);
      expect((await client.request('POST', path, { body: answer, token: apiKeys.licensing })).status).toBe(404);
      expect(
        (await client.request('POST', '/v1/notifications/ntf_unknown/confirmation', { body: answer, token: apiKeys['tax-office'] })).status,
      ).toBe(404);
      const bad = await client.request('POST', path, { body: { outcome: 'MAYBE' }, token: apiKeys['tax-office'] });
      expect(bad.status).toBe(422);
      expect(bad.json.errors[0].pointer).toBe('/outcome');

      const first = await client.request('POST', path, { body: answer, token: apiKeys['tax-office'] });
      expect(first.status).toBe(200);
      expect(first.json).toEqual({ id: notification.id, status: 'CONFIRMED' });
      // GET shows it as soon as the 200 is sent.
      expect((await client.submission(token, json.id)).json.notifications[0]).toMatchObject({
        status: 'CONFIRMED',
        departmentReference: 'HAND-1',
      });
      expect((await client.request('POST', path, { body: answer, token: apiKeys['tax-office'] })).status).toBe(200);
      expect((await client.request('POST', path, { body: { outcome: 'REJECTED' }, token: apiKeys['tax-office'] })).status).toBe(409);
      const final = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
      expect(final.status).toBe('COMPLETED');
    } finally {
      answers['tax-office'] = { outcome: 'CONFIRMED', departmentReference: 'TAX-1' };
    }
  });

  it('lists active departments and what each would receive, without secrets', async () => {
    const { status, json } = await client.request('GET', '/v1/departments');
    expect(status).toBe(200);
    const library = json.find((d: any) => d.id === 'library');
    expect(library).toEqual({
      id: 'library',
      name: 'Department library',
      description: '',
      events: ['address.changed'],
      fields: ['person.email', 'newAddress'],
    });
    expect(JSON.stringify(json)).not.toMatch(/whsec_|apiKey|tuo\./);
  });

  it('keeps signing secret and API key when a department is replaced, and refuses unsafe endpoints', async () => {
    const configuration = {
      name: 'Department library',
      webhookUrl: receivers.library.url,
      events: ['address.changed'],
      fields: ['person.email', 'newAddress'],
      confirmation: { required: false },
    };
    const replaced = await client.registerDepartment('library', configuration);
    expect(replaced.status).toBe(200);
    expect(replaced.json.signingSecret).toBeUndefined();
    expect(replaced.json.apiKey).toBeUndefined();
    expect((await client.request('PUT', '/v1/departments/library', { body: configuration })).status).toBe(401);
    expect((await client.request('PUT', '/v1/departments/library', { body: configuration, token: 'not-the-admin-token' })).status).toBe(
      401,
    );
    for (const webhookUrl of ['http://169.254.169.254/latest', 'http://10.0.0.1/hook', 'http://example.org/hook']) {
      const refused = await client.registerDepartment('unsafe', { ...configuration, webhookUrl });
      expect(refused.status).toBe(422);
      expect(refused.json.errors).toEqual([expect.objectContaining({ pointer: '/webhookUrl' })]);
    }
  });

  it('refuses a confirmation timeout above 180 days, which one workflow execution could not hold, naming the field', async () => {
    const configuration = {
      name: 'Slow department',
      webhookUrl: receivers.library.url,
      events: ['address.changed'],
      fields: ['newAddress'],
    };
    const refused = await client.registerDepartment('slow', {
      ...configuration,
      confirmation: { required: true, timeoutSeconds: 15_552_001 },
    });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json.errors).toEqual([
      expect.objectContaining({ pointer: '/confirmation/timeoutSeconds', detail: expect.stringContaining('180 days') }),
    ]);
    expect(
      (await client.registerDepartment('slow', { ...configuration, confirmation: { required: true, timeoutSeconds: 15_552_000 } })).status,
    ).toBe(201);
  });

  describe('bad input gets a clear problem+json answer, never a 5xx', () => {
    let token: string;
    beforeAll(async () => {
      token = await client.citizenToken('citizen-errors');
    });
    const problemOf = (response: { status: number; headers: Headers; json: any }, status: number) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
      return response.json;
    };

    it('malformed JSON answers 400', async () => {
      problemOf(
        await client.request('POST', '/v1/submissions', {
          token,
          rawBody: '{"type":',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'e1' },
        }),
        400,
      );
    });
    it('another content type answers 415', async () => {
      problemOf(
        await client.request('POST', '/v1/submissions', {
          token,
          rawBody: 'type=address.changed',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'e2' },
        }),
        415,
      );
    });
    it('a body over 64 KiB answers 413', async () => {
      problemOf(await client.submit(token, 'e3', changeOfAddress(['library'], { padding: 'x'.repeat(70 * 1024) })), 413);
    });
    it('a missing Idempotency-Key answers 400', async () => {
      problemOf(await client.request('POST', '/v1/submissions', { token, body: changeOfAddress(['library']) }), 400);
    });
    it('broken rules answer 422 naming each field', async () => {
      const body = changeOfAddress(['library', 'no-such-department'], {
        newAddress: { line1: '2 New Road', town: 'York', postcode: 'NOT A POSTCODE' },
      });
      const problem = problemOf(await client.submit(token, 'e4', body), 422);
      expect(problem.errors.map((e: any) => e.pointer)).toContain('/newAddress/postcode');
      const departments = problemOf(await client.submit(token, 'e5', changeOfAddress(['library', 'no-such-department'])), 422);
      expect(departments.errors).toEqual([expect.objectContaining({ pointer: '/departments/1' })]);
    });
    it('unknown routes answer 404 and wrong methods 405', async () => {
      problemOf(await client.request('GET', '/v1/nothing-here'), 404);
      const wrongMethod = problemOf(await client.request('DELETE', '/v1/departments'), 405);
      expect(wrongMethod.detail).toMatch(/GET/);
    });
  });
});
