import { randomBytes } from 'node:crypto';
import type { WebSession, WebSessionData, WebSessionKind, WebSessionRepository } from '../web-session-repository';
import { storedCopy } from './stored-copy';

interface SessionItem {
  readonly data: WebSessionData;
  readonly createdAt: string;
  /** Epoch seconds, rounded up as the DynamoDB adapter stores it. */
  readonly expiresAt: number;
}

function live<K extends WebSessionKind>(item: SessionItem | undefined, kind: K): WebSession<K> | undefined {
  if (!item || item.data.kind !== kind || item.expiresAt * 1000 <= Date.now()) return undefined;
  return {
    data: storedCopy(item.data) as Extract<WebSessionData, { kind: K }>,
    createdAt: item.createdAt,
    expiresAt: new Date(item.expiresAt * 1000).toISOString(),
  };
}

/** Web sessions in memory: the same ids, expiry and take-once rule as the DynamoDB adapter. */
export class InMemoryWebSessionRepository implements WebSessionRepository {
  private readonly items = new Map<string, SessionItem>();

  async create(data: WebSessionData, ttlSeconds: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    this.items.set(id, {
      data: storedCopy(data),
      createdAt: new Date().toISOString(),
      expiresAt: Math.ceil(Date.now() / 1000 + ttlSeconds),
    });
    return id;
  }

  async get<K extends WebSessionKind>(id: string, kind: K): Promise<WebSession<K> | undefined> {
    return live(this.items.get(id), kind);
  }

  async take<K extends WebSessionKind>(id: string, kind: K): Promise<WebSession<K> | undefined> {
    const item = this.items.get(id);
    this.items.delete(id);
    return live(item, kind);
  }

  async delete(id: string): Promise<void> {
    this.items.delete(id);
  }
}
