import { randomBytes } from 'node:crypto';
import { changedConfigurationFields, type DepartmentChange } from '../domain/department-change';
import type { DepartmentConfiguration } from '../domain/department-configuration';
import type { DepartmentChangeTrail } from '../store/department-change-trail';
import type { DepartmentRepository } from '../store/department-repository';
import { SECRET_OVERLAP_MS, unretired, type ApiKey, type DepartmentRecord } from '../domain/department';
import { LOST_RACE, notSettled, retryAfterLostRace } from '../domain/lost-race';

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function newApiKey(departmentId: string): string {
  return `tuo.${departmentId}.${randomBytes(32).toString('base64url')}`;
}

/** The credentials before a rotation, each kept until `retiresAt` (or its own earlier retirement). */
function retiring<T extends { readonly retiresAt?: string }>(credentials: readonly T[], now: Date, retiresAt: string): T[] {
  return unretired(credentials, now).map((c) => ({ ...c, retiresAt: c.retiresAt ?? retiresAt }));
}

export type RegisterOutcome =
  | { kind: 'created'; department: DepartmentRecord; signingSecret: string; apiKey: string }
  | { kind: 'replaced'; department: DepartmentRecord };

/** Who changes a department, and where the change is recorded for operators. */
export interface ChangeRecorder {
  readonly trail: DepartmentChangeTrail;
  readonly actor: string;
}

function recordChange(
  recorder: ChangeRecorder | undefined,
  departmentId: string,
  now: Date,
  action: DepartmentChange['action'],
  changedFields: string[],
) {
  return recorder?.trail.record({ departmentId, at: now.toISOString(), actor: recorder.actor, action, changedFields });
}

/** Creates the department with a fresh secret and key, or replaces its configuration keeping both. */
export async function registerDepartment(
  departments: DepartmentRepository,
  id: string,
  configuration: DepartmentConfiguration,
  hashApiKey: (key: string) => string,
  now: Date,
  recorder?: ChangeRecorder,
): Promise<RegisterOutcome> {
  // Create-or-replace can race with itself (the create lost to another): a second round settles it.
  return retryAfterLostRace<RegisterOutcome>(
    async () => {
      const before = recorder ? await departments.get(id) : undefined;
      const replaced = await departments.replaceConfiguration(id, configuration, now);
      if (replaced) {
        await recordChange(recorder, id, now, 'REPLACED', changedConfigurationFields(before, configuration));
        return { kind: 'replaced', department: replaced };
      }
      const signingSecret = newSigningSecret();
      const apiKey = newApiKey(id);
      const department: DepartmentRecord = {
        id,
        ...configuration,
        active: true,
        signingSecrets: [{ secret: signingSecret, createdAt: now.toISOString() }],
        apiKeys: [{ hash: hashApiKey(apiKey), createdAt: now.toISOString() }],
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      if ((await departments.create(department)) === 'created') {
        await recordChange(recorder, id, now, 'CREATED', changedConfigurationFields(undefined, configuration));
        return { kind: 'created', department, signingSecret, apiKey };
      }
      return LOST_RACE;
    },
    {
      rounds: 3,
      exhausted: notSettled('Department registration'),
    },
  );
}

/** Issues a new signing secret; the ones before it keep signing for 24 hours. */
export async function rotateSigningSecret(departments: DepartmentRepository, id: string, now: Date, recorder?: ChangeRecorder) {
  // Conditional on the department as read: another change since then wins, and this one reads it again.
  return retryAfterLostRace(
    async () => {
      const department = await departments.get(id);
      if (!department) return undefined;
      const signingSecret = newSigningSecret();
      const retiresAt = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
      const previous = retiring(department.signingSecrets, now, retiresAt);
      const updated = await departments.replaceSigningSecrets(
        id,
        [{ secret: signingSecret, createdAt: now.toISOString() }, ...previous],
        department.updatedAt,
        now,
      );
      if (updated) {
        await recordChange(recorder, id, now, 'SIGNING_SECRET_ISSUED', ['signingSecrets']);
        return { signingSecret, previousSecretsRetireAt: previous.length > 0 ? retiresAt : null };
      }
      return LOST_RACE;
    },
    {
      rounds: 5,
      exhausted: notSettled('Signing secret rotation'),
    },
  );
}

/**
 * Issues a new API key, shown once. The keys before it keep working for 24 hours, or stop at once
 * with `revokePrevious` (a key that leaked).
 */
export async function issueApiKey(
  departments: DepartmentRepository,
  id: string,
  options: { revokePrevious: boolean },
  hashApiKey: (key: string) => string,
  now: Date,
  recorder?: ChangeRecorder,
) {
  // Conditional on the department as read: another change since then wins, and this one reads it again.
  return retryAfterLostRace(
    async () => {
      const department = await departments.get(id);
      if (!department) return undefined;
      const apiKey = newApiKey(id);
      const retiresAt = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
      const previous: ApiKey[] = options.revokePrevious ? [] : retiring(department.apiKeys ?? [], now, retiresAt);
      const updated = await departments.replaceApiKeys(
        id,
        [{ hash: hashApiKey(apiKey), createdAt: now.toISOString() }, ...previous],
        department.updatedAt,
        now,
      );
      if (updated) {
        await recordChange(recorder, id, now, 'API_KEY_ISSUED', options.revokePrevious ? ['apiKeys', 'revokedPreviousKeys'] : ['apiKeys']);
        return { apiKey, previousKeysRetireAt: previous.length > 0 ? retiresAt : null };
      }
      return LOST_RACE;
    },
    {
      rounds: 5,
      exhausted: notSettled('API key rotation'),
    },
  );
}
