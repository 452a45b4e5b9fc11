import type { AuditEvent } from '../domain/audit-event';

/** The append-only audit trail of each submission. */
export interface AuditTrail {
  /** Appends the event unless one with the same key was already recorded. */
  record(event: AuditEvent): Promise<'recorded' | 'already-recorded'>;
  list(submissionId: string): Promise<AuditEvent[]>;
}
