import type { DepartmentChange } from '../../domain/department-change';
import type { DepartmentChangeTrail } from '../department-change-trail';
import { storedCopy } from './stored-copy';

/** Each department's changes in memory, oldest first (the table sorts them by `at`). */
export class InMemoryDepartmentChangeTrail implements DepartmentChangeTrail {
  private readonly changes: DepartmentChange[] = [];

  async record(change: DepartmentChange): Promise<void> {
    this.changes.push(storedCopy(change));
  }

  async list(departmentId: string): Promise<DepartmentChange[]> {
    return this.changes
      .filter((change) => change.departmentId === departmentId)
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(storedCopy);
  }
}
