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

/** Items a write request writes (a batch's puts; any other write: one). */
function itemsWritten(operation: string, raw: string | undefined): number {
  if (operation !== 'BatchWriteItem' || raw === undefined) return 1;
  return Object.values<any[]>(JSON.parse(raw).RequestItems ?? {}).flat().length;
}

/**
 * Index entries a request writes in the listing index (`gsi1pk`, projection ALL), which dynalite does
 * not report: 1 to add or drop an item's entry or to change a listed item, 2 to move it to another
 * listing (a notification changing status: its entry is deleted and put); the meter multiplies
 * them by the write units the table's write cost (the entry is as large as the item). A submission
 * or personal-data item's SET of `gsi1pk` is counted as a first listing.
 */
export function indexWriteUnits(operation: string, request: any): number {
  const listed = (item: any) => (item?.gsi1pk ? 1 : 0);
  if (operation === 'PutItem') return listed(request.Item);
  if (operation === 'BatchWriteItem') {
    return Object.values<any[]>(request.RequestItems ?? {})
      .flat()
      .reduce((sum, r) => sum + listed(r.PutRequest?.Item), 0);
  }
  if (operation !== 'UpdateItem') return 0;
  const expression = String(request.UpdateExpression ?? '');
  const [, sets = '', removes = ''] = /^\s*SET(.*?)(?:REMOVE(.*))?$/s.exec(expression) ?? [];
  const notification = String(request.Key?.pk?.S ?? '').startsWith('NOTIFICATION#');
  if (/\bgsi1pk\s*=/.test(sets)) return notification ? 2 : 1;
  if (/\bgsi1pk\b/.test(removes)) return 1;
  return notification ? 1 : 0; // A notification is always listed: any change rewrites its entry.
}

/** The request's JSON body asking for its consumed capacity (a top-level member added in front). */
export function withConsumedCapacity(body: string): string {
  if (body.includes('"ReturnConsumedCapacity"')) return JSON.stringify({ ...JSON.parse(body), ReturnConsumedCapacity: 'TOTAL' });
  return /^\s*\{\s*\}\s*$/.test(body) ? '{"ReturnConsumedCapacity":"TOTAL"}' : body.replace(/^\s*\{/, '{"ReturnConsumedCapacity":"TOTAL",');
}

export class DynamoDbMeter {
  writes = 0;
  indexWriteUnits = 0;
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
        let indexUnits = 0;
        const counted = this.enabled && !this.ignore();
        if (counted && (isWrite || isRead) && raw !== undefined) {
          // Only writes are read (for their index units). The bench runs in the service's process,
          // so parsing and re-serialising every request body here cost the service's CPU too.
          if (isWrite) indexUnits = indexWriteUnits(operation, JSON.parse(raw));
          const body = withConsumedCapacity(raw);
          request.body = body;
          for (const name of Object.keys(request.headers))
            if (name.toLowerCase() === 'content-length') request.headers[name] = String(Buffer.byteLength(body));
        }
        try {
          const result: any = await next(args);
          if (counted) this.record(isWrite, isRead, result?.output?.ConsumedCapacity);
          // Projection ALL: an index entry is the item itself, so each entry written costs what the
          // table's write of it cost (1 unit per KB; items holding their audit entries pass 1 KB).
          if (counted)
            this.indexWriteUnits +=
              indexUnits * Math.max(1, capacityUnits(result?.output?.ConsumedCapacity) / Math.max(1, itemsWritten(operation, raw)));
          if (counted && (isWrite || isRead)) this.count(operation);
          return result;
        } catch (error) {
          if (counted && isWrite) this.record(true, false, [{ CapacityUnits: 1 }]);
          if (counted && (isWrite || isRead)) this.count(operation);
          throw error;
        }
      },
      { step: 'build', priority: 'low', name: 'benchDynamoDbMeter' },
    );
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
    this.reads = 0;
    this.writeUnits = 0;
    this.readUnits = 0;
    this.byCallerAndOperation.clear();
  }
}
