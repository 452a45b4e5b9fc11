import {
  departmentConfigurationSchema,
  departmentIdSchema,
  parseDepartmentConfiguration,
} from '../../lambdas/domain/department-configuration';

const hmrc = () => ({
  name: 'HM Revenue & Customs',
  description: 'Tax, tax credits and Child Benefit',
  webhookUrl: 'https://hmrc.example/tell-us-once',
  events: ['address.changed'],
  fields: [
    'person.givenName',
    'person.familyName',
    'person.dateOfBirth',
    'person.nationalInsuranceNumber',
    'previousAddress',
    'newAddress',
    'movedOn',
  ],
  confirmation: { required: true, timeoutSeconds: 604800 },
});

function errorsOf(body: unknown) {
  const result = parseDepartmentConfiguration(body);
  if (result.ok) throw new Error('expected the body to be rejected');
  return result.errors;
}
const pointersOf = (body: unknown) => errorsOf(body).map((e) => e.pointer);

describe('departmentIdSchema', () => {
  it.each(['hmrc', 'council-york', 'a1', 'x'.repeat(40)])('accepts %j', (id) => {
    expect(departmentIdSchema.safeParse(id).success).toBe(true);
  });
  it.each(['h', 'HMRC', 'council_york', 'hm rc', 'x'.repeat(41), '', 'é-dept'])('rejects %j', (id) => {
    expect(departmentIdSchema.safeParse(id).success).toBe(false);
  });
});

describe('department configuration', () => {
  it('accepts the contract example unchanged', () => {
    // The contract example plus the defaults: push delivery, not suspended, the Standard Webhooks JSON adapter.
    expect(parseDepartmentConfiguration(hmrc())).toEqual({
      ok: true,
      value: { ...hmrc(), delivery: 'push', suspended: false, adapter: { type: 'standard-webhooks' } },
    });
  });

  it('fills in defaults: empty description, confirmation required within 7 days', () => {
    const { description: _d, confirmation: _c, ...minimal } = hmrc();
    const result = parseDepartmentConfiguration(minimal);
    expect(result.ok && result.value).toMatchObject({ description: '', confirmation: { required: true, timeoutSeconds: 604800 } });
  });

  it('fills in defaults inside a partial confirmation object', () => {
    expect(departmentConfigurationSchema.parse({ ...hmrc(), confirmation: { required: false } }).confirmation).toEqual({
      required: false,
      timeoutSeconds: 604800,
    });
    expect(departmentConfigurationSchema.parse({ ...hmrc(), confirmation: { timeoutSeconds: 60 } }).confirmation).toEqual({
      required: true,
      timeoutSeconds: 60,
    });
  });

  it.each([
    [0, false],
    [1, true],
    [15552000, true],
    [15552001, false],
    [31536000, false],
    [1.5, false],
    ['60', false],
  ])('timeoutSeconds %j accepted: %s', (timeoutSeconds, accepted) => {
    const result = parseDepartmentConfiguration({ ...hmrc(), confirmation: { required: true, timeoutSeconds } });
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.errors.map((e) => e.pointer)).toEqual(['/confirmation/timeoutSeconds']);
  });

  it('requires a name of 1 to 200 characters and a description of at most 1000', () => {
    expect(pointersOf({ ...hmrc(), name: '' })).toEqual(['/name']);
    expect(pointersOf({ ...hmrc(), name: 'x'.repeat(201) })).toEqual(['/name']);
    expect(pointersOf({ ...hmrc(), description: 'x'.repeat(1001) })).toEqual(['/description']);
    expect(parseDepartmentConfiguration({ ...hmrc(), name: 'x'.repeat(200), description: 'x'.repeat(1000) }).ok).toBe(true);
  });

  it('accepts http and https webhook URLs here (target policy is checked separately), nothing else', () => {
    expect(parseDepartmentConfiguration({ ...hmrc(), webhookUrl: 'http://127.0.0.1:3000/demo/hmrc' }).ok).toBe(true);
    for (const webhookUrl of ['ftp://hmrc.example/x', 'hmrc.example/x', 'not a url', '', 'javascript:alert(1)']) {
      expect(pointersOf({ ...hmrc(), webhookUrl })).toEqual(['/webhookUrl']);
    }
  });

  it('requires at least one supported event, listed once', () => {
    expect(pointersOf({ ...hmrc(), events: [] })).toEqual(['/events']);
    expect(pointersOf({ ...hmrc(), events: ['name.changed'] })).toEqual(['/events/0']);
    expect(errorsOf({ ...hmrc(), events: ['address.changed', 'address.changed'] })).toEqual([
      { pointer: '/events/1', detail: 'This event type is listed more than once.' },
    ]);
  });

  it('requires at least one entitleable field, each listed once', () => {
    expect(pointersOf({ ...hmrc(), fields: [] })).toEqual(['/fields']);
    expect(pointersOf({ ...hmrc(), fields: ['person'] })).toEqual(['/fields/0']);
    expect(pointersOf({ ...hmrc(), fields: ['newAddress', 'person.email', 'newAddress'] })).toEqual(['/fields/2']);
  });

  it('rejects unknown keys, including inside confirmation', () => {
    expect(pointersOf({ ...hmrc(), id: 'hmrc', confirmation: { required: true, retries: 3 } })).toEqual(['/confirmation/retries', '/id']);
  });

  it('reports each missing required field (the webhook URL once the rest is valid)', () => {
    expect(pointersOf({})).toEqual(['/name', '/events', '/fields']);
    const { webhookUrl: _omitted, ...withoutWebhook } = hmrc();
    expect(pointersOf(withoutWebhook)).toEqual(['/webhookUrl']);
  });

  it('lets a pull department go without a webhook URL, and bounds the rate limit to 1..1000 a second', () => {
    const { webhookUrl: _omitted, ...withoutWebhook } = hmrc();
    const pull = parseDepartmentConfiguration({ ...withoutWebhook, delivery: 'pull', rateLimitPerSecond: 5 });
    expect(pull).toMatchObject({ ok: true, value: { delivery: 'pull', rateLimitPerSecond: 5 } });
    expect(pointersOf({ ...hmrc(), delivery: 'email' })).toEqual(['/delivery']);
    for (const rateLimitPerSecond of [0, 1001, 2.5, '5'])
      expect(pointersOf({ ...hmrc(), rateLimitPerSecond })).toEqual(['/rateLimitPerSecond']);
  });
});
