import type { DepartmentConfiguration } from '../domain/department-configuration';
import type { ApiKey, DepartmentRecord, SigningSecret } from '../domain/department';

/**
 * A department as its listings read it (the departments to choose, the operator's dashboard, names):
 * what the listing index holds of it (lambdas/store/dynamodb/table-layout.ts), so a listing stays one
 * Query. Its credentials and delivery settings are read with `get`.
 */
export type ListedDepartment = Pick<
  DepartmentRecord,
  'id' | 'name' | 'description' | 'events' | 'fields' | 'active' | 'suspended' | 'disabledAt' | 'disabledReason' | 'webhookUrl'
>;

export interface DepartmentRepository {
  get(id: string): Promise<DepartmentRecord | undefined>;
  /** Several departments in one request (BatchGetItem), in the order asked, those that exist. */
  getMany(ids: readonly string[]): Promise<DepartmentRecord[]>;
  /** Creates the department unless one with that id exists. */
  create(record: DepartmentRecord): Promise<'created' | 'exists'>;
  /** Replaces the configuration of an existing department and re-enables it; keeps its secrets and key. */
  replaceConfiguration(id: string, configuration: DepartmentConfiguration, now: Date): Promise<DepartmentRecord | undefined>;
  /** Stores a new signing-secret list, only if the department was not changed since `expectedUpdatedAt`. */
  replaceSigningSecrets(id: string, secrets: SigningSecret[], expectedUpdatedAt: string, now: Date): Promise<DepartmentRecord | undefined>;
  /** Stores a new API-key list (hashes), only if the department was not changed since `expectedUpdatedAt`. */
  replaceApiKeys(id: string, keys: ApiKey[], expectedUpdatedAt: string, now: Date): Promise<DepartmentRecord | undefined>;
  /** Stops notifying the department (its endpoint answered 410) until an operator re-enables it. */
  disable(id: string, reason: string, now: Date): Promise<void>;
  /** Every department, as the listing index holds it: without its credentials. */
  list(): Promise<ListedDepartment[]>;
}
