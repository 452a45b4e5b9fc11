import type { JourneyRecord, JourneyRepository } from '../journey-repository';
import { storedCopy } from './stored-copy';

/** Journeys in memory; one left alone past its time to live is gone, as the DynamoDB adapter reads it. */
export class InMemoryJourneyRepository implements JourneyRepository {
  private readonly items = new Map<string, { record: JourneyRecord; expiresAt: number }>();

  async get(id: string): Promise<JourneyRecord | undefined> {
    const item = this.items.get(id);
    if (!item || item.expiresAt * 1000 < Date.now()) return undefined;
    return storedCopy(item.record);
  }

  async put(record: JourneyRecord, ttlSeconds: number): Promise<void> {
    this.items.set(record.id, { record: storedCopy(record), expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds });
  }
}
