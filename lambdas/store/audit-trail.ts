import type { AuditEvent } from '../domain/audit-event';

/** The append-only audit trail of each submission. */
export interface AuditTrail {
  /** Appends the event unless one with the same key was already recorded. */
  record(event: AuditEvent): Promise<'recorded' | 'already-recorded'>;
  list(submissionId: string): Promise<AuditEvent[]>;
  /**
   * Erases the departments' free text (`departmentReference`, `reason` of their answers) from the
   * submission's entries, with the citizen's personal data; who did what and when stays.
   */
  eraseFreeText(submissionId: string): Promise<void>;
}
