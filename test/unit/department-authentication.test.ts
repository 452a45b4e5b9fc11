import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticateDepartment, hashApiKey } from '../../lambdas/http/authentication';
import { issueApiKey, newApiKey } from '../../lambdas/application/register-department';
import type { DepartmentRepository } from '../../lambdas/store/department-repository';
import type { DepartmentRecord } from '../../lambdas/domain/department';

/** One department in memory, with the repository's optimistic credential writes. */
function departmentStore(record: DepartmentRecord): DepartmentRepository & { current: () => DepartmentRecord } {
  let stored = record;
  const guarded = (expected: string, now: Date, change: Partial<DepartmentRecord>) => {
    if (stored.updatedAt !== expected) return undefined;
    stored = { ...stored, ...change, updatedAt: now.toISOString() };
    return stored;
  };
  return {
    current: () => stored,
    get: async (id) => (id === stored.id ? stored : undefined),
    getMany: async (ids) => ids.filter((id) => id === stored.id).map(() => stored),
    create: async () => 'exists',
    replaceConfiguration: async () => undefined,
    replaceSigningSecrets: async (_id, signingSecrets, expected, now) => guarded(expected, now, { signingSecrets }),
    replaceApiKeys: async (_id, apiKeys, expected, now) => guarded(expected, now, { apiKeys }),
    disable: async () => undefined,
    list: async () => [stored],
  };
}

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } }) as unknown as APIGatewayProxyEventV2;
const at = (iso: string) => new Date(iso);

describe('department API keys', () => {
  const firstKey = newApiKey('hmrc');
  const store = departmentStore({
    id: 'hmrc',
    name: 'HMRC',
    description: '',
    webhookUrl: 'https://hmrc.example/hook',
    events: ['address.changed'],
    fields: ['newAddress'],
    confirmation: { required: true, timeoutSeconds: 60 },
    adapter: { type: 'standard-webhooks' },
    delivery: 'push',
    suspended: false,
    active: true,
    signingSecrets: [],
    apiKeys: [{ hash: hashApiKey(firstKey), createdAt: '2026-12-01T00:00:00.000Z' }],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  });
  const accepts = async (key: string, now: Date) =>
    authenticateDepartment(bearer(key), store, now).then(
      () => true,
      () => false,
    );

  it('keeps the earlier key working for 24 hours after a new one is issued, then refuses it', async () => {
    const issued = await issueApiKey(store, 'hmrc', { revokePrevious: false }, hashApiKey, at('2026-12-02T10:00:00Z'));
    expect(issued!.previousKeysRetireAt).toBe('2026-12-03T10:00:00.000Z');
    expect(await accepts(firstKey, at('2026-12-03T09:59:59Z'))).toBe(true);
    expect(await accepts(issued!.apiKey, at('2026-12-03T09:59:59Z'))).toBe(true);
    expect(await accepts(firstKey, at('2026-12-03T10:00:01Z'))).toBe(false);
    expect(await accepts(issued!.apiKey, at('2026-12-03T10:00:01Z'))).toBe(true);
    // A later rotation does not extend a key already retiring.
    await issueApiKey(store, 'hmrc', { revokePrevious: false }, hashApiKey, at('2026-12-02T20:00:00Z'));
    expect(store.current().apiKeys.map((k) => k.retiresAt)).toEqual([undefined, '2026-12-03T20:00:00.000Z', '2026-12-03T10:00:00.000Z']);
  });

  it('refuses a key of another department, a made-up key and any key of a suspended department', async () => {
    const now = at('2026-12-02T11:00:00Z');
    const current = await issueApiKey(store, 'hmrc', { revokePrevious: true }, hashApiKey, now);
    expect(store.current().apiKeys).toHaveLength(1);
    expect(await accepts(current!.apiKey, now)).toBe(true);
    expect(await accepts(newApiKey('hmrc'), now)).toBe(false);
    expect(await accepts(current!.apiKey.replace('tuo.hmrc.', 'tuo.dvla.'), now)).toBe(false);
    const suspended = departmentStore({ ...store.current(), suspended: true });
    expect(
      await authenticateDepartment(bearer(current!.apiKey), suspended, now).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
  });
});
