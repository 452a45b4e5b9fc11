import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../domain/audit-event';
import type { ChangeOfAddress } from '../../domain/submission';
import type { SubmissionStatus } from '../../domain/notification-status';
import type { CorrectionRecord, PersonalDataRecord, SubmissionRecord } from '../../domain/submission';
import type { SubmissionRepository, SubmissionWithPersonalData } from '../submission-repository';
import { conditionFailure, storedCopy } from './stored-copy';

// The DynamoDB adapter lists submissions in progress over 8 shards, each sorted by `<time>#<id>`;
// the same shards and keys give the same order here.
const IN_PROGRESS_SHARDS = 8;
const shardOf = (id: string) => createHash('sha256').update(id).digest()[0] % IN_PROGRESS_SHARDS;

interface Listing {
  readonly shard: number;
  readonly sort: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Submissions, their corrections and the citizen's personal data in memory, with the conditions,
 * listings and orders of lambdas/store/dynamodb/dynamodb-submission-repository.ts.
 */
export class InMemorySubmissionRepository implements SubmissionRepository {
  private readonly submissions = new Map<string, { record: SubmissionRecord; listing?: Listing }>();
  private readonly corrections = new Map<string, CorrectionRecord>();
  /** `due` is the erasure listing's sort key, while erasure is scheduled. */
  private readonly personalData = new Map<string, { record: PersonalDataRecord; due?: string }>();
  /** Audit entries held with each submission (what DynamoDB keeps on its item), by entry key. */
  private readonly trails = new Map<string, Map<string, AuditEvent>>();

  async get(id: string): Promise<SubmissionRecord | undefined> {
    const item = this.submissions.get(id);
    return item && storedCopy(item.record);
  }

  async create(record: SubmissionRecord, trail: readonly AuditEvent[] = []): Promise<'created' | 'exists'> {
    if (this.submissions.has(record.id)) return 'exists';
    const listing = record.status === 'IN_PROGRESS' ? { shard: shardOf(record.id), sort: `${record.createdAt}#${record.id}` } : undefined;
    this.submissions.set(record.id, { record: storedCopy(record), listing });
    this.addToTrail(record.id, trail);
    return 'created';
  }

  async claimFinalRound(id: string, entry: AuditEvent): Promise<boolean> {
    if (!this.submissions.has(id) || this.trails.get(id)?.has(entry.key)) return false;
    this.addToTrail(id, [entry]);
    return true;
  }

  /** The audit entries the submission holds (InMemoryAuditTrail lists them with the others). */
  trailOf(submissionId: string): AuditEvent[] {
    return [...(this.trails.get(submissionId)?.values() ?? [])].map(storedCopy);
  }

  /** Each entry once by its key, as the DynamoDB adapter's conditions keep it. */
  private addToTrail(id: string, trail: readonly AuditEvent[]): void {
    const entries = this.trails.get(id) ?? new Map<string, AuditEvent>();
    this.trails.set(id, entries);
    for (const entry of trail) if (!entries.has(entry.key)) entries.set(entry.key, storedCopy(entry));
  }

  async setStatus(
    id: string,
    status: SubmissionStatus,
    now: Date,
    notificationCount?: number,
    trail: readonly AuditEvent[] = [],
  ): Promise<void> {
    const item = this.submissions.get(id);
    if (!item) {
      if (notificationCount !== undefined && trail.length === 0) return;
      throw conditionFailure(`no submission ${id}`);
    }
    this.addToTrail(id, trail);
    // Notifications were added meanwhile: the workflow that carries them sets the status.
    if (notificationCount !== undefined && item.record.notificationIds.length !== notificationCount) return;
    const record: Mutable<SubmissionRecord> = { ...item.record, status, updatedAt: now.toISOString() };
    if (status === 'IN_PROGRESS') {
      delete record.finalisedAt;
      this.submissions.set(id, { record, listing: { shard: shardOf(id), sort: `${now.toISOString()}#${id}` } });
    } else {
      record.finalisedAt ??= now.toISOString();
      this.submissions.set(id, { record });
    }
  }

  async addNotifications(id: string, notificationIds: readonly string[], now: Date): Promise<SubmissionRecord> {
    const item = this.submissions.get(id);
    if (!item) throw new Error(`Submission ${id} does not exist`);
    const added = notificationIds.filter((n) => !item.record.notificationIds.includes(n));
    if (added.length === 0 && item.record.status === 'IN_PROGRESS') return storedCopy(item.record);
    const { finalisedAt: _finalised, ...kept } = item.record;
    const record: SubmissionRecord = {
      ...kept,
      notificationIds: [...item.record.notificationIds, ...added],
      status: 'IN_PROGRESS',
      updatedAt: now.toISOString(),
    };
    this.submissions.set(id, { record, listing: { shard: shardOf(id), sort: `${now.toISOString()}#${id}` } });
    return storedCopy(record);
  }

  async recordWithdrawal(id: string, reason: string | undefined, now: Date): Promise<SubmissionRecord> {
    const item = this.submissions.get(id);
    if (!item) throw conditionFailure(`no submission ${id}`);
    const record: SubmissionRecord = {
      ...item.record,
      withdrawnAt: item.record.withdrawnAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
      ...(reason ? { withdrawalReason: item.record.withdrawalReason ?? reason } : {}),
    };
    this.submissions.set(id, { ...item, record });
    return storedCopy(record);
  }

  async createCorrection(record: CorrectionRecord): Promise<'created' | 'exists'> {
    const key = `${record.submissionId}#${record.id}`;
    if (this.corrections.has(key)) return 'exists';
    this.corrections.set(key, storedCopy(record));
    return 'created';
  }

  async getCorrection(submissionId: string, correctionId: string): Promise<CorrectionRecord | undefined> {
    const record = this.corrections.get(`${submissionId}#${correctionId}`);
    return record && storedCopy(record);
  }

  async markCorrectionApplied(submissionId: string, correctionId: string, now: Date): Promise<void> {
    const key = `${submissionId}#${correctionId}`;
    const record = this.corrections.get(key);
    if (!record) throw conditionFailure(`no correction ${correctionId}`);
    this.corrections.set(key, { ...record, appliedAt: record.appliedAt ?? now.toISOString() });
  }

  async replacePersonalData(submissionId: string, change: ChangeOfAddress): Promise<boolean> {
    if (!this.personalData.has(submissionId)) return false;
    // Off the erasure listing: erasure is scheduled again when the submission is final again.
    this.personalData.set(submissionId, { record: { submissionId, change: storedCopy(change) } });
    return true;
  }

  async listInProgress(scope: { readonly createdBefore?: Date } = {}): Promise<SubmissionRecord[]> {
    const before = scope.createdBefore?.toISOString();
    return [...this.submissions.values()]
      .filter((item): item is { record: SubmissionRecord; listing: Listing } => item.listing !== undefined)
      .filter((item) => before === undefined || item.listing.sort < before)
      .sort((a, b) => a.listing.shard - b.listing.shard || (a.listing.sort < b.listing.sort ? -1 : 1))
      .filter((item) => item.record.status === 'IN_PROGRESS')
      .map((item) => storedCopy(item.record));
  }

  async beginRecoveryRound(id: string, expectedRounds: number, now: Date): Promise<boolean> {
    const item = this.submissions.get(id);
    if (!item || (expectedRounds === 0 ? item.record.recoveryRounds !== undefined : item.record.recoveryRounds !== expectedRounds))
      return false;
    this.submissions.set(id, { ...item, record: { ...item.record, recoveryRounds: expectedRounds + 1, updatedAt: now.toISOString() } });
    return true;
  }

  async putPersonalData(submissionId: string, change: ChangeOfAddress): Promise<void> {
    this.personalData.set(submissionId, { record: { submissionId, change: storedCopy(change) } });
  }

  async getPersonalData(submissionId: string): Promise<PersonalDataRecord | undefined> {
    const item = this.personalData.get(submissionId);
    return item && storedCopy(item.record);
  }

  async getManyWithPersonalData(ids: readonly string[]): Promise<Map<string, SubmissionWithPersonalData>> {
    const found = new Map<string, SubmissionWithPersonalData>();
    for (const id of ids) {
      const submission = await this.get(id);
      if (submission) found.set(id, { submission, personalData: await this.getPersonalData(id) });
    }
    return found;
  }

  async scheduleErasure(submissionId: string, eraseAfter: Date): Promise<void> {
    const item = this.personalData.get(submissionId);
    if (!item) return; // Already erased: nothing to schedule.
    this.personalData.set(submissionId, {
      record: { ...item.record, eraseAfter: eraseAfter.toISOString() },
      due: `${eraseAfter.toISOString()}#${submissionId}`,
    });
  }

  async listErasureDue(now: Date, limit: number): Promise<string[]> {
    const until = `${now.toISOString()}#~`;
    return [...this.personalData.values()]
      .filter((item): item is { record: PersonalDataRecord; due: string } => item.due !== undefined && item.due <= until)
      .sort((a, b) => (a.due < b.due ? -1 : 1))
      .slice(0, limit)
      .map((item) => item.record.submissionId);
  }

  async erasePersonalData(submissionId: string, now: Date): Promise<boolean> {
    const item = this.submissions.get(submissionId);
    if (item) {
      // The fingerprint is a hash of the whole report: it goes with the report (see docs/privacy.md).
      const { withdrawalReason: _reason, fingerprint: _fingerprint, ...kept } = item.record;
      this.submissions.set(submissionId, {
        ...item,
        record: { ...kept, erasedAt: item.record.erasedAt ?? now.toISOString(), updatedAt: now.toISOString() },
      });
    }
    for (const [key, correction] of this.corrections) {
      if (correction.submissionId !== submissionId) continue;
      const { fingerprint: _fingerprint, ...kept } = correction;
      this.corrections.set(key, kept);
    }
    return this.personalData.delete(submissionId);
  }
}
