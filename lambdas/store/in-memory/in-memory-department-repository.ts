import { departmentConfigurationSchema, type DepartmentConfiguration } from '../../domain/department-configuration';
import type { DepartmentRepository } from '../department-repository';
import type { ApiKey, DepartmentRecord, SigningSecret } from '../../domain/department';
import { conditionFailure, storedCopy } from './stored-copy';

const CONFIGURATION_FIELDS = Object.keys(departmentConfigurationSchema.shape) as (keyof DepartmentConfiguration)[];

/** Departments in memory, with the DynamoDB adapter's conditions (lambdas/store/dynamodb/dynamodb-department-repository.ts). */
export class InMemoryDepartmentRepository implements DepartmentRepository {
  private readonly records = new Map<string, DepartmentRecord>();

  async get(id: string): Promise<DepartmentRecord | undefined> {
    const record = this.records.get(id);
    return record && storedCopy(record);
  }

  async getMany(ids: readonly string[]): Promise<DepartmentRecord[]> {
    return ids.flatMap((id) => (this.records.has(id) ? [storedCopy(this.records.get(id)!)] : []));
  }

  async create(record: DepartmentRecord): Promise<'created' | 'exists'> {
    if (this.records.has(record.id)) return 'exists';
    this.records.set(record.id, storedCopy(record));
    return 'created';
  }

  async replaceConfiguration(id: string, configuration: DepartmentConfiguration, now: Date): Promise<DepartmentRecord | undefined> {
    const current = this.records.get(id);
    if (!current) return undefined;
    // Every attribute of the configuration is set, or removed when the new one leaves it out.
    const { disabledAt: _at, disabledReason: _reason, ...kept } = current;
    const configured = Object.fromEntries(CONFIGURATION_FIELDS.map((field) => [field, configuration[field]]));
    const replaced = { ...kept, ...configured, active: true, updatedAt: now.toISOString() } as DepartmentRecord;
    this.records.set(id, storedCopy(replaced));
    return storedCopy(replaced);
  }

  replaceSigningSecrets(id: string, secrets: SigningSecret[], expectedUpdatedAt: string, now: Date): Promise<DepartmentRecord | undefined> {
    return this.replaceCredentials(id, { signingSecrets: secrets }, expectedUpdatedAt, now);
  }

  replaceApiKeys(id: string, keys: ApiKey[], expectedUpdatedAt: string, now: Date): Promise<DepartmentRecord | undefined> {
    return this.replaceCredentials(id, { apiKeys: keys }, expectedUpdatedAt, now);
  }

  /** Optimistic: only if the department was not changed since it was read. */
  private async replaceCredentials(
    id: string,
    credentials: Partial<Pick<DepartmentRecord, 'signingSecrets' | 'apiKeys'>>,
    expectedUpdatedAt: string,
    now: Date,
  ): Promise<DepartmentRecord | undefined> {
    const current = this.records.get(id);
    if (current?.updatedAt !== expectedUpdatedAt) return undefined;
    const replaced = storedCopy({ ...current, ...credentials, updatedAt: now.toISOString() });
    this.records.set(id, replaced);
    return storedCopy(replaced);
  }

  async disable(id: string, reason: string, now: Date): Promise<void> {
    const current = this.records.get(id);
    if (!current) throw conditionFailure(`no department ${id}`);
    this.records.set(id, {
      ...current,
      active: false,
      disabledAt: now.toISOString(),
      disabledReason: reason,
      updatedAt: now.toISOString(),
    });
  }

  /** By id, as the listing index sorts them. */
  async list(): Promise<DepartmentRecord[]> {
    return [...this.records.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(storedCopy);
  }
}
