import { chronological, type AuditEvent } from '../../domain/audit-event';
import type { AuditTrail } from '../audit-trail';
import { storedCopy } from './stored-copy';

/** The audit trail in memory: one entry per submission and key, as the table's key makes it. */
export class InMemoryAuditTrail implements AuditTrail {
  private readonly events = new Map<string, Map<string, AuditEvent>>();

  async record(event: AuditEvent): Promise<'recorded' | 'already-recorded'> {
    const trail = this.events.get(event.submissionId) ?? new Map<string, AuditEvent>();
    this.events.set(event.submissionId, trail);
    if (trail.has(event.key)) return 'already-recorded';
    trail.set(event.key, storedCopy(event));
    return 'recorded';
  }

  async list(submissionId: string): Promise<AuditEvent[]> {
    return chronological([...(this.events.get(submissionId)?.values() ?? [])].map(storedCopy));
  }

  async eraseFreeText(submissionId: string): Promise<void> {
    const trail = this.events.get(submissionId);
    for (const [key, event] of trail ?? []) {
      const { departmentReference: _reference, reason: _reason, ...kept } = event;
      trail!.set(key, kept);
    }
  }
}
