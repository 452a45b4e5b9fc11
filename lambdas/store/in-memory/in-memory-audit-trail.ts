import { chronological, type AuditEvent } from '../../domain/audit-event';
import type { AuditTrail } from '../audit-trail';
import { storedCopy } from './stored-copy';

/** Where the notifications' own audit entries are (the in-memory notification repository). */
export interface NotificationTrails {
  trailOf(submissionId: string): AuditEvent[];
  eraseTrailText(submissionId: string): void;
}

/** Where the submission's own audit entries are (the in-memory submission repository): none carries free text. */
export interface SubmissionTrails {
  trailOf(submissionId: string): AuditEvent[];
}

/**
 * The audit trail in memory: one entry per submission and key, as the table's key makes it, with
 * the entries the submission and its notifications hold (written with their own changes).
 */
export class InMemoryAuditTrail implements AuditTrail {
  private readonly events = new Map<string, Map<string, AuditEvent>>();

  constructor(
    private readonly notificationTrails?: NotificationTrails,
    private readonly submissionTrails?: SubmissionTrails,
  ) {}

  async record(event: AuditEvent): Promise<'recorded' | 'already-recorded'> {
    const trail = this.events.get(event.submissionId) ?? new Map<string, AuditEvent>();
    this.events.set(event.submissionId, trail);
    if (trail.has(event.key)) return 'already-recorded';
    trail.set(event.key, storedCopy(event));
    return 'recorded';
  }

  async list(submissionId: string): Promise<AuditEvent[]> {
    const held = [...(this.submissionTrails?.trailOf(submissionId) ?? []), ...(this.notificationTrails?.trailOf(submissionId) ?? [])];
    // Once by key, an entry held by an item first (as DynamoDbAuditTrail reads them).
    const byKey = new Map<string, AuditEvent>();
    for (const entry of [...held, ...(this.events.get(submissionId)?.values() ?? [])])
      if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
    return chronological([...byKey.values()].map(storedCopy));
  }

  async eraseFreeText(submissionId: string): Promise<void> {
    this.notificationTrails?.eraseTrailText(submissionId);
    const trail = this.events.get(submissionId);
    for (const [key, event] of trail ?? []) {
      const { departmentReference: _reference, reason: _reason, ...kept } = event;
      trail!.set(key, kept);
    }
  }
}
