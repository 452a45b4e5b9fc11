import { departmentConfigurationSchema, type DepartmentConfiguration } from './department-configuration';

/**
 * One change to a department's configuration or credentials, for operators: who, when, what kind
 * of change, and which fields changed. Field names only: never a value, never a secret or key.
 */
export interface DepartmentChange {
  readonly departmentId: string;
  readonly at: string;
  /** The operator (an IAM ARN on AWS, `operator` on one machine), or `service`. */
  readonly actor: string;
  readonly action: 'CREATED' | 'REPLACED' | 'SIGNING_SECRET_ISSUED' | 'API_KEY_ISSUED';
  readonly changedFields: string[];
}

/**
 * The configuration fields whose values differ, including one the new configuration leaves out
 * (a `webhookUrl` dropped on a move to pull is removed, so it changed); everything given on creation.
 */
export function changedConfigurationFields(before: Partial<DepartmentConfiguration> | undefined, after: DepartmentConfiguration): string[] {
  const fields = (before ? Object.keys(departmentConfigurationSchema.shape) : Object.keys(after)) as (keyof DepartmentConfiguration)[];
  return fields.filter((field) => !before || JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null)).sort();
}
