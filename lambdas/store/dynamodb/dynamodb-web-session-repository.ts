import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { WebSession, WebSessionData, WebSessionKind, WebSessionRepository } from '../web-session-repository';
import { documentClient, isConditionFailure } from './document-client';
import { PARTITIONS } from './table-layout';

/** Session ids are 32 random bytes, base64url: anything else names no session and costs no read. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The table holds a hash of the id, so reading the table gives no one a usable cookie. */
const key = (id: string) => ({ pk: `${PARTITIONS.webSession}${createHash('sha256').update(id).digest('base64url')}`, sk: 'SESSION' });

interface SessionItem {
  readonly data: WebSessionData;
  readonly createdAt: string;
  /** Epoch seconds: the table's TTL attribute, and checked on every read (dynalite never deletes). */
  readonly expiresAt: number;
}

function live<K extends WebSessionKind>(item: Record<string, unknown> | undefined, kind: K, now = Date.now()): WebSession<K> | undefined {
  const session = item as SessionItem | undefined;
  if (!session || session.data?.kind !== kind || typeof session.expiresAt !== 'number' || session.expiresAt * 1000 <= now) return undefined;
  return {
    data: session.data as Extract<WebSessionData, { kind: K }>,
    createdAt: session.createdAt,
    expiresAt: new Date(session.expiresAt * 1000).toISOString(),
  };
}

export class DynamoDbWebSessionRepository implements WebSessionRepository {
  constructor(private readonly tableName: string) {}

  /** A session lives at least `ttlSeconds` (its expiry is whole seconds, rounded up). */
  async create(data: WebSessionData, ttlSeconds: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await documentClient().send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(id), data, createdAt: new Date().toISOString(), expiresAt: Math.ceil(Date.now() / 1000 + ttlSeconds) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return id;
  }

  async get<K extends WebSessionKind>(id: string, kind: K): Promise<WebSession<K> | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const { Item } = await documentClient().send(new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }));
    return live(Item, kind);
  }

  async take<K extends WebSessionKind>(id: string, kind: K): Promise<WebSession<K> | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    try {
      const { Attributes } = await documentClient().send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key(id),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      return live(Attributes, kind);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    if (!SESSION_ID.test(id)) return;
    await documentClient().send(new DeleteCommand({ TableName: this.tableName, Key: key(id) }));
  }
}
