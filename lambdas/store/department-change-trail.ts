import type { DepartmentChange } from '../domain/department-change';

/** The operators' append-only trail of changes to each department. */
export interface DepartmentChangeTrail {
  record(change: DepartmentChange): Promise<void>;
  /** Oldest first. */
  list(departmentId: string): Promise<DepartmentChange[]>;
}
