import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The p-th percentile (nearest rank) of a list of numbers; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function summarise(values: readonly number[]): LatencySummary {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: percentile(values, 100) };
}

/** Samples this process's resident set size while running, keeping the peak. */
export class RssSampler {
  peakBytes = 0;
  private timer?: NodeJS.Timeout;

  start(intervalMs = 50): this {
    this.peakBytes = process.memoryUsage.rss();
    this.timer = setInterval(() => {
      this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): number {
    clearInterval(this.timer);
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
    return this.peakBytes;
  }
}

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const READ_OPERATIONS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/**
 * Counts the DynamoDB requests of the handlers and the request units they consume, by observing
 * their SDK client (a middleware added here, in the benchmark only). Each request asks for its
 * consumed capacity, which dynalite computes as DynamoDB does from the item sizes; a conditional
 * write that fails consumes one write unit (as DynamoDB charges it).
 */
const capacityUnits = (consumed: unknown) =>
  (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
    (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
    0,
  );

/** A secondary index of the table, as the template defines it. */
export interface IndexDefinition {
  readonly name: string;
  /** Its key attributes (partition, then sort key). */
  readonly keys: readonly string[];
  /** The non-key attributes it holds; undefined for projection ALL. */
  readonly projected?: ReadonlySet<string>;
}

/** The global secondary indexes of the template's tables, with their projections. */
export function tableIndexes(template: { Resources: Record<string, { Type: string; Properties?: any }> }): IndexDefinition[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::DynamoDB::Table')
    .flatMap((table) => table.Properties?.GlobalSecondaryIndexes ?? [])
    .map((index: any) => ({
      name: index.IndexName,
      keys: index.KeySchema.map((k: any) => k.AttributeName),
      projected: index.Projection?.ProjectionType === 'ALL' ? undefined : new Set<string>(index.Projection?.NonKeyAttributes ?? []),
    }));
}

const TABLE_KEYS = ['pk', 'sk'];
/** A key attribute's value, in the wire form (`{"S": "x"}`) or as the document client gives it. */
const stringValue = (value: unknown) => (typeof value === 'object' && value !== null && 'S' in value ? String(value.S) : String(value));
/** The table key of an item or a request's `Key`, in the wire form. */
const itemKeyOf = (key: Record<string, unknown>) => TABLE_KEYS.map((k) => stringValue(key[k])).join('|');
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
/** DynamoDB sizes a number by its significant digits: about one byte per two, plus one. */
const numberSize = (text: string) => Math.ceil(text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length / 2) + 1;

/** The size DynamoDB counts for a value in its wire form (`{"S": ...}`, `{"M": ...}`): a request's item. */
export function marshalledSize(value: any): number {
  if ('S' in value) return bytes(value.S);
  if ('N' in value) return numberSize(value.N);
  if ('B' in value) return Buffer.from(value.B, 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('L' in value) return 3 + value.L.reduce((sum: number, v: any) => sum + marshalledSize(v) + 1, 0);
  if ('M' in value) return 3 + Object.entries<any>(value.M).reduce((sum, [name, v]) => sum + bytes(name) + marshalledSize(v) + 1, 0);
  if ('SS' in value) return value.SS.reduce((sum: number, v: string) => sum + bytes(v), 0);
  if ('NS' in value) return value.NS.reduce((sum: number, v: string) => sum + numberSize(v), 0);
  return 0;
}

/** The same for a value as the document client returns it (a write's returned `Attributes`). */
export function plainSize(value: unknown): number {
  if (typeof value === 'string') return bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + plainSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + plainSize(v) + 1, 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((sum, [name, v]) => sum + bytes(name) + plainSize(v) + 1, 0);
  return 0;
}

/** Top-level attribute names an update expression sets, removes, adds to or deletes from. */
export function attributesUpdated(expression: string, names: Record<string, string> = {}): Set<string> {
  const updated = new Set<string>();
  const parts = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/);
  for (let i = 1; i < parts.length; i += 2) {
    let depth = 0;
    let current = '';
    const actions: string[] = [];
    for (const character of parts[i + 1] ?? '') {
      if (character === '(') depth++;
      if (character === ')') depth--;
      if (character === ',' && depth === 0) {
        actions.push(current);
        current = '';
      } else current += character;
    }
    actions.push(current);
    for (const action of actions) {
      const target = (parts[i] === 'SET' ? action.split('=')[0] : action.trim().split(/\s+/)[0]).trim();
      const top = target.split(/[.[]/)[0];
      if (top) updated.add(names[top] ?? top);
    }
  }
  return updated;
}

/**
 * Write units the table's secondary indexes consume for each write, which dynalite does not
 * report, by DynamoDB's rules: an index entry put, deleted or moved (a changed index key: delete
 * and put, 2 writes) for an item that is or was in the index; an update that changes neither the
 * index's key nor an attribute it projects writes nothing to it. Each write costs 1 unit per KB of
 * the index entry: the table's and the index's keys, the projected attributes and 100 bytes.
 * It remembers each item's index keys from the writes it sees, to tell a move from a first entry.
 */
export class IndexWriteEstimator {
  private readonly indexKeys = new Map<string, Map<string, string>>();

  constructor(readonly indexes: readonly IndexDefinition[]) {}

  /**
   * Units a successful write consumed in each index: `after` is the item as written (undefined when
   * deleted), `before` the deleted one, `updated` the attributes an update named (none: a whole item).
   */
  units(
    itemKey: string,
    change: { after?: Record<string, unknown>; before?: Record<string, unknown>; updated?: ReadonlySet<string>; plain: boolean },
  ): Map<string, number> {
    const known = this.indexKeys.get(itemKey) ?? new Map<string, string>();
    const byIndex = new Map<string, number>();
    for (const index of this.indexes) {
      let units = 0;
      const keyOf = (item?: Record<string, unknown>) =>
        item && index.keys.every((k) => item[k] !== undefined) ? index.keys.map((k) => stringValue(item[k])).join('|') : undefined;
      const newKey = keyOf(change.after);
      const touched = change.updated === undefined || index.keys.some((k) => change.updated!.has(k));
      // An update leaving the index key alone leaves the entry where it was.
      const oldKey = change.before ? keyOf(change.before) : touched ? known.get(index.name) : newKey;
      const entry = this.entryUnits(change.after ?? change.before ?? {}, index, change.plain);
      if (oldKey !== undefined && newKey === undefined) units += entry;
      else if (oldKey === undefined && newKey !== undefined) units += entry;
      else if (oldKey !== undefined && newKey !== undefined && oldKey !== newKey) units += 2 * entry;
      else if (newKey !== undefined) {
        const projectedChanged =
          change.updated === undefined || [...change.updated].some((name) => index.projected === undefined || index.projected.has(name));
        if (projectedChanged) units += entry;
      }
      if (newKey === undefined) known.delete(index.name);
      else known.set(index.name, newKey);
      byIndex.set(index.name, units);
    }
    if (known.size > 0) this.indexKeys.set(itemKey, known);
    else this.indexKeys.delete(itemKey);
    return byIndex;
  }

  private entryUnits(item: Record<string, unknown>, index: IndexDefinition, plain: boolean): number {
    let size = 100;
    for (const [name, value] of Object.entries(item)) {
      const held = TABLE_KEYS.includes(name) || index.keys.includes(name) || index.projected === undefined || index.projected.has(name);
      if (held) size += bytes(name) + (plain ? plainSize(value) : marshalledSize(value));
    }
    return Math.max(1, Math.ceil(size / 1024));
  }
}

/** The request's JSON body asking for its consumed capacity (a top-level member added in front). */
export function withConsumedCapacity(body: string): string {
  if (body.includes('"ReturnConsumedCapacity"')) return JSON.stringify({ ...JSON.parse(body), ReturnConsumedCapacity: 'TOTAL' });
  return /^\s*\{\s*\}\s*$/.test(body) ? '{"ReturnConsumedCapacity":"TOTAL"}' : body.replace(/^\s*\{/, '{"ReturnConsumedCapacity":"TOTAL",');
}

/** A write the meter follows for its index units: what it writes, and what it asked DynamoDB to return for that. */
interface FollowedWrite {
  readonly operation: string;
  readonly request: any;
  /** ReturnValues the meter added (the handler did not ask: the answer's Attributes are taken out again). */
  readonly added?: 'ALL_NEW' | 'ALL_OLD';
}

/** What a write needs returned to estimate its index writes; undefined when it already asks for it, null when it asks for something else. */
function returnValuesNeeded(operation: string, request: any): 'ALL_NEW' | 'ALL_OLD' | undefined | null {
  const needed = operation === 'UpdateItem' ? 'ALL_NEW' : operation === 'DeleteItem' ? 'ALL_OLD' : undefined;
  if (!needed || request.ReturnValues === needed) return undefined;
  return request.ReturnValues === undefined ? needed : null;
}

export class DynamoDbMeter {
  writes = 0;
  /** Estimated write units of the secondary indexes, in all and by index (see `IndexWriteEstimator`). */
  indexWriteUnits = 0;
  readonly indexWriteUnitsByIndex = new Map<string, number>();
  reads = 0;
  writeUnits = 0;
  readUnits = 0;
  enabled = true;
  /** Requests this says to leave out are not counted (the bench: scheduled maintenance, priced on its own). */
  ignore: () => boolean = () => false;
  /** Who made the request (the bench: the calling function), for the breakdown by function and command. */
  caller: () => string = () => 'unknown';
  /** Requests by `<caller> <operation>`, so that a reader sees where every request goes. */
  readonly byCallerAndOperation = new Map<string, number>();
  private estimator?: IndexWriteEstimator;

  /** The table's secondary indexes (from the template): without them no index writes are estimated. */
  useIndexes(indexes: readonly IndexDefinition[]): void {
    this.estimator = new IndexWriteEstimator(indexes);
  }

  attach(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args: any) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        const isWrite = WRITE_OPERATIONS.has(operation);
        const isRead = READ_OPERATIONS.has(operation);
        const request = args.request;
        // The JSON body is a string or (newer SDKs) its UTF-8 bytes.
        const raw =
          typeof request?.body === 'string'
            ? request.body
            : request?.body instanceof Uint8Array
              ? new TextDecoder().decode(request.body)
              : undefined;
        const counted = this.enabled && !this.ignore();
        // Every write is followed (the estimator learns each item's index keys, counted or not);
        // only writes are parsed: the bench runs in the service's process, and parsing every
        // request body here would cost the service's CPU too.
        let followed: FollowedWrite | undefined;
        let body = raw;
        if (isWrite && raw !== undefined && this.estimator) {
          const parsed = JSON.parse(raw);
          const needed = returnValuesNeeded(operation, parsed);
          if (needed !== null) {
            followed = { operation, request: parsed, added: needed };
            if (needed) body = body!.replace(/^\s*\{/, `{"ReturnValues":"${needed}",`);
          }
        }
        if (counted && (isWrite || isRead) && body !== undefined) body = withConsumedCapacity(body);
        if (body !== raw) {
          request.body = body;
          for (const name of Object.keys(request.headers))
            if (name.toLowerCase() === 'content-length') request.headers[name] = String(Buffer.byteLength(body));
        }
        try {
          const result: any = await next(args);
          if (counted) this.record(isWrite, isRead, result?.output?.ConsumedCapacity);
          if (followed) {
            const units = this.followedUnits(followed, result?.output);
            if (followed.added && result?.output) delete result.output.Attributes;
            if (counted)
              for (const [index, n] of units) {
                this.indexWriteUnits += n;
                this.indexWriteUnitsByIndex.set(index, (this.indexWriteUnitsByIndex.get(index) ?? 0) + n);
              }
          }
          if (counted && (isWrite || isRead)) this.count(operation);
          return result;
        } catch (error) {
          // A write refused (a condition failed) writes no index.
          if (counted && isWrite) this.record(true, false, [{ CapacityUnits: 1 }]);
          if (counted && (isWrite || isRead)) this.count(operation);
          throw error;
        }
      },
      { step: 'build', priority: 'low', name: 'benchDynamoDbMeter' },
    );
  }

  /** Index units of a write that succeeded, by index. */
  private followedUnits({ operation, request }: FollowedWrite, output: any): Map<string, number> {
    const estimator = this.estimator!;
    const total = new Map<string, number>();
    const add = (units: Map<string, number>) => {
      for (const [index, n] of units) total.set(index, (total.get(index) ?? 0) + n);
    };
    if (operation === 'PutItem') add(estimator.units(itemKeyOf(request.Item), { after: request.Item, plain: false }));
    if (operation === 'UpdateItem' && output?.Attributes)
      add(
        estimator.units(itemKeyOf(request.Key), {
          after: output.Attributes,
          updated: attributesUpdated(String(request.UpdateExpression ?? ''), request.ExpressionAttributeNames),
          plain: true,
        }),
      );
    if (operation === 'DeleteItem') add(estimator.units(itemKeyOf(request.Key), { before: output?.Attributes, plain: true }));
    if (operation === 'BatchWriteItem')
      for (const r of Object.values<any[]>(request.RequestItems ?? {}).flat()) {
        if (r.PutRequest) add(estimator.units(itemKeyOf(r.PutRequest.Item), { after: r.PutRequest.Item, plain: false }));
        if (r.DeleteRequest) add(estimator.units(itemKeyOf(r.DeleteRequest.Key), { plain: true }));
      }
    return total;
  }

  private count(operation: string): void {
    const key = `${this.caller()} ${operation}`;
    this.byCallerAndOperation.set(key, (this.byCallerAndOperation.get(key) ?? 0) + 1);
  }

  private record(isWrite: boolean, isRead: boolean, consumed: unknown): void {
    const units = capacityUnits(consumed);
    if (isWrite) {
      this.writes += 1;
      this.writeUnits += units;
    } else if (isRead) {
      this.reads += 1;
      this.readUnits += units;
    }
  }

  reset(): void {
    this.writes = 0;
    this.indexWriteUnits = 0;
    this.indexWriteUnitsByIndex.clear();
    this.reads = 0;
    this.writeUnits = 0;
    this.readUnits = 0;
    this.byCallerAndOperation.clear();
  }
}
