import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { subscribe } from 'node:diagnostics_channel';

/**
 * X-Ray tracing (the functions run with active tracing): every AWS SDK call (through `traced`) and
 * every outgoing `fetch` (the webhook deliveries) becomes a subsegment of the invocation's trace,
 * sent to the X-Ray daemon that Lambda runs next to the function. AWS calls carry the trace header,
 * so a submission's trace continues into its Step Functions execution.
 *
 * This replaces Powertools Tracer, whose X-Ray SDK (aws-xray-sdk-core, cls-hooked) was 113 KB of
 * every bundle and most of its module initialisation (docs/performance.md): the daemon's protocol is
 * one UDP datagram per subsegment. Outside Lambda (tests, one machine) there is no daemon address and
 * no trace header, so nothing is sent. Subsegments hold operation names, status codes, request ids
 * and hosts: no payload, no personal data.
 */

const DAEMON_HEADER = '{"format":"json","version":1}\n';

interface TraceContext {
  readonly root: string;
  readonly parent: string;
}

/** The invocation's trace, when Lambda sampled it (`Root=1-…;Parent=…;Sampled=1`). */
export function currentTrace(): TraceContext | undefined {
  const header: string | undefined = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId?: () => string | undefined } } })
    .awslambda?.InvokeStore?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID;
  if (!header || !process.env.AWS_XRAY_DAEMON_ADDRESS) return undefined;
  const fields = new Map(header.split(';').map((field) => field.split('=') as [string, string]));
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  return fields.get('Sampled') === '1' && root && parent ? { root, parent } : undefined;
}

let socket: Socket | undefined;

function send(document: Record<string, unknown>): void {
  // AWS_XRAY_DAEMON_ADDRESS: `host:port`, or `tcp:host:port udp:host:port`.
  const address = process.env.AWS_XRAY_DAEMON_ADDRESS ?? '';
  const udp = address.split(' ').find((part) => part.startsWith('udp:'))?.slice(4) ?? address;
  const colon = udp.lastIndexOf(':');
  if (colon < 0) return;
  if (!socket) {
    socket = createSocket('udp4');
    socket.unref();
    socket.on('error', () => undefined); // Tracing never fails an invocation.
  }
  socket.send(DAEMON_HEADER + JSON.stringify(document), Number(udp.slice(colon + 1)), udp.slice(0, colon));
}

const newId = () => randomBytes(8).toString('hex');
const seconds = (ms: number) => ms / 1000;

/** Fault for 5xx (and no answer), throttle for 429, error for other 4xx: X-Ray's own classification. */
function outcome(status: number | undefined): Record<string, boolean> {
  if (status === undefined || status >= 500) return { fault: true };
  if (status === 429) return { error: true, throttle: true };
  return status >= 400 ? { error: true } : {};
}

interface SdkClient {
  readonly config?: { region?: unknown };
  readonly middlewareStack: {
    add(middleware: (next: (args: any) => Promise<any>, context: any) => (args: any) => Promise<any>, options: { step: 'build'; name: string; priority: 'high' }): void;
  };
}

/** An AWS SDK v3 client whose calls appear as subsegments of the function's trace. */
export function traced<T>(client: T): T {
  (client as unknown as SdkClient).middlewareStack.add((next, context) => async (args) => {
    const trace = currentTrace();
    if (!trace) return next(args);
    const id = newId();
    const headers = args.request?.headers as Record<string, string> | undefined;
    if (headers) headers['X-Amzn-Trace-Id'] = `Root=${trace.root};Parent=${id};Sampled=1`;
    const start = Date.now();
    const subsegment = (status: number | undefined, metadata: { requestId?: string; attempts?: number } | undefined) => send({
      type: 'subsegment',
      id,
      trace_id: trace.root,
      parent_id: trace.parent,
      name: String(context.clientName ?? 'AWS').replace(/Client$/, ''),
      namespace: 'aws',
      start_time: seconds(start),
      end_time: seconds(Date.now()),
      aws: {
        operation: String(context.commandName ?? '').replace(/Command$/, ''),
        request_id: metadata?.requestId,
        retries: metadata?.attempts ? metadata.attempts - 1 : undefined,
        table_name: args.input?.TableName,
      },
      ...(status ? { http: { response: { status } } } : {}),
      ...outcome(status),
    });
    try {
      const result = await next(args);
      subsegment(result.response?.statusCode ?? 200, result.output?.$metadata);
      return result;
    } catch (error) {
      const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } }).$metadata;
      subsegment(metadata?.httpStatusCode, metadata);
      throw error;
    }
  }, { step: 'build', name: 'TellUsOnceXRaySubsegments', priority: 'high' });
  return client;
}

interface UndiciRequest {
  readonly origin: string;
  readonly method: string;
}

const pending = new WeakMap<object, { trace: TraceContext; start: number }>();

function fetchSubsegment(request: UndiciRequest, status: number | undefined): void {
  const started = pending.get(request);
  if (!started) return;
  pending.delete(request);
  const host = new URL(request.origin).host;
  send({
    type: 'subsegment',
    id: newId(),
    trace_id: started.trace.root,
    parent_id: started.trace.parent,
    name: host,
    namespace: 'remote',
    start_time: seconds(started.start),
    end_time: seconds(Date.now()),
    // The host only: a path may hold an id a department chose.
    http: { request: { method: request.method }, ...(status ? { response: { status } } : {}) },
    ...outcome(status),
  });
}

// Node's fetch (undici) publishes each request's life on these channels.
subscribe('undici:request:create', (message) => {
  const trace = currentTrace();
  if (trace) pending.set((message as { request: object }).request, { trace, start: Date.now() });
});
subscribe('undici:request:headers', (message) => {
  const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
  fetchSubsegment(request, response.statusCode);
});
subscribe('undici:request:error', (message) => fetchSubsegment((message as { request: UndiciRequest }).request, undefined));
