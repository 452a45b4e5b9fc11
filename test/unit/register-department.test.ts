import { createHash } from 'node:crypto';
import { issueApiKey, registerDepartment, rotateSigningSecret } from '../../lambdas/application/register-department';
import { activeSigningSecrets, SECRET_OVERLAP_MS } from '../../lambdas/domain/department';
import type { DepartmentConfiguration } from '../../lambdas/domain/department-configuration';
import { InMemoryDepartmentChangeTrail } from '../../lambdas/store/in-memory/in-memory-department-change-trail';
import { InMemoryDepartmentRepository } from '../../lambdas/store/in-memory/in-memory-department-repository';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const configuration: DepartmentConfiguration = {
  name: 'DVLA',
  description: 'Driving licences',
  webhookUrl: 'https://dvla.example.gov.uk/hooks',
  delivery: 'push',
  events: ['address.changed'],
  fields: ['person.givenName', 'newAddress'],
  confirmation: { required: true, timeoutSeconds: 3600 },
  adapter: { type: 'standard-webhooks' },
  suspended: false,
};
const at = (iso: string) => new Date(iso);

describe('registering a department (in memory)', () => {
  function world() {
    const departments = new InMemoryDepartmentRepository();
    const trail = new InMemoryDepartmentChangeTrail();
    return { departments, trail, recorder: { trail, actor: 'operator' } };
  }

  it("creates it with a signing secret and an API key shown once (only the key's hash is stored)", async () => {
    const { departments, trail, recorder } = world();
    const outcome = await registerDepartment(departments, 'dvla', configuration, hash, at('2026-12-01T10:00:00Z'), recorder);
    if (outcome.kind !== 'created') throw new Error(outcome.kind);

    expect(outcome.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(outcome.apiKey).toMatch(/^tuo\.dvla\.[A-Za-z0-9_-]{43}$/);
    const stored = await departments.get('dvla');
    expect(stored).toMatchObject({
      ...configuration,
      active: true,
      signingSecrets: [{ secret: outcome.signingSecret }],
      apiKeys: [{ hash: hash(outcome.apiKey) }],
    });
    expect(JSON.stringify(stored)).not.toContain(outcome.apiKey);
    expect(await trail.list('dvla')).toEqual([
      {
        departmentId: 'dvla',
        at: '2026-12-01T10:00:00.000Z',
        actor: 'operator',
        action: 'CREATED',
        changedFields: Object.keys(configuration).sort(),
      },
    ]);
  });

  it('replaces the configuration of one that exists, keeping its secret and key, re-enabling it and recording what changed', async () => {
    const { departments, trail, recorder } = world();
    const created = await registerDepartment(departments, 'dvla', configuration, hash, at('2026-12-01T10:00:00Z'), recorder);
    await departments.disable('dvla', 'The endpoint answered 410', at('2026-12-01T11:00:00Z'));
    const { webhookUrl: _url, ...pull } = { ...configuration, delivery: 'pull' as const };
    const outcome = await registerDepartment(departments, 'dvla', pull, hash, at('2026-12-01T12:00:00Z'), recorder);

    expect(outcome.kind).toBe('replaced');
    const stored = await departments.get('dvla');
    expect(stored).toMatchObject({
      delivery: 'pull',
      active: true,
      signingSecrets: (created as { department: { signingSecrets: unknown } }).department.signingSecrets,
    });
    expect(stored).not.toHaveProperty('webhookUrl');
    expect(stored).not.toHaveProperty('disabledAt');
    expect((await trail.list('dvla')).map((c) => [c.action, c.changedFields])).toEqual([
      ['CREATED', Object.keys(configuration).sort()],
      ['REPLACED', ['delivery', 'webhookUrl']],
    ]);
  });

  it('rotates the signing secret: the new one signs first, the previous keeps signing for 24 hours', async () => {
    const { departments, recorder } = world();
    const created = await registerDepartment(departments, 'dvla', configuration, hash, at('2026-12-01T10:00:00Z'));
    const now = at('2026-12-02T10:00:00Z');
    const rotated = await rotateSigningSecret(departments, 'dvla', now, recorder);

    expect(rotated?.previousSecretsRetireAt).toBe(new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString());
    const secrets = (await departments.get('dvla'))!.signingSecrets;
    expect(secrets.map((s) => s.secret)).toEqual([rotated!.signingSecret, (created as { signingSecret: string }).signingSecret]);
    expect(activeSigningSecrets(secrets, now)).toHaveLength(2);
    expect(activeSigningSecrets(secrets, new Date(now.getTime() + SECRET_OVERLAP_MS)).map((s) => s.secret)).toEqual([
      rotated!.signingSecret,
    ]);
    expect(await rotateSigningSecret(departments, 'nobody', now)).toBeUndefined();
  });

  it('loses neither of two rotations racing (the write is conditional on the department as read)', async () => {
    const { departments } = world();
    await registerDepartment(departments, 'dvla', configuration, hash, at('2026-12-01T10:00:00Z'));
    const [a, b] = await Promise.all([
      rotateSigningSecret(departments, 'dvla', at('2026-12-02T10:00:00Z')),
      rotateSigningSecret(departments, 'dvla', at('2026-12-02T10:00:01Z')),
    ]);
    const secrets = (await departments.get('dvla'))!.signingSecrets.map((s) => s.secret);
    expect(secrets).toHaveLength(3);
    expect(secrets).toEqual(expect.arrayContaining([a!.signingSecret, b!.signingSecret]));
  });

  it('issues a new API key; the previous ones keep working 24 hours, or stop at once when revoked', async () => {
    const { departments, trail, recorder } = world();
    await registerDepartment(departments, 'dvla', configuration, hash, at('2026-12-01T10:00:00Z'));
    const now = at('2026-12-02T10:00:00Z');
    const overlapping = await issueApiKey(departments, 'dvla', { revokePrevious: false }, hash, now, recorder);
    expect((await departments.get('dvla'))!.apiKeys.map((k) => [k.hash === hash(overlapping!.apiKey), k.retiresAt])).toEqual([
      [true, undefined],
      [false, overlapping!.previousKeysRetireAt],
    ]);

    const revoking = await issueApiKey(departments, 'dvla', { revokePrevious: true }, hash, now, recorder);
    expect(revoking?.previousKeysRetireAt).toBeNull();
    expect((await departments.get('dvla'))!.apiKeys.map((k) => k.hash)).toEqual([hash(revoking!.apiKey)]);
    expect((await trail.list('dvla')).map((c) => c.changedFields)).toEqual([['apiKeys'], ['apiKeys', 'revokedPreviousKeys']]);
  });
});
