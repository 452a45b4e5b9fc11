import { AsyncResource } from 'node:async_hooks';
import { buildQueryString, HttpResponse } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A request as the SDK sends it: serialised and signed already, header names in lower case as a server sees them. */
export interface InProcessRequest {
  readonly method: string;
  /** The path and query string, as a server's `req.url`. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface InProcessResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A local endpoint's own request handling (endpoint guard included), without its socket. */
export type InProcessEndpoint = (request: InProcessRequest) => Promise<InProcessResponse>;

/** Local endpoints by `host:port` of their URL. */
const endpoints = new Map<string, InProcessEndpoint>();
let installed = false;

/**
 * Requests one client has in flight at most, as over sockets: its agent opens at most 50 (smithy's
 * default) and queues the rest. Unbounded, an overloaded service hands dynalite's thread every
 * request at once (two bench runs of five stalled, late in the run, without this bound).
 */
const MAX_IN_FLIGHT = 50;
const turns = new WeakMap<NodeHttpHandler, { inFlight: number; queue: Array<() => void> }>();

async function inTurn<T>(client: NodeHttpHandler, send: () => Promise<T>): Promise<T> {
  let turn = turns.get(client);
  if (!turn) turns.set(client, (turn = { inFlight: 0, queue: [] }));
  if (turn.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => turn.queue.push(resolve));
  else turn.inFlight += 1;
  try {
    return await send();
  } finally {
    // The slot passes to the next request queued, if any.
    const next = turn.queue.shift();
    if (next) next();
    else turn.inFlight -= 1;
  }
}

function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}

/** A JSON protocol's body (a string, or its UTF-8 bytes in newer SDKs); undefined for a stream. */
function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // A view of the bytes, not Buffer.from(body): the SDK's byte bodies convert themselves to a string with a warning.
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined;
}

/**
 * Every AWS SDK v3 client of this process sends through smithy's `NodeHttpHandler` (the handlers
 * create theirs with `new XClient({})`, configured by the environment as on AWS). A request for a
 * local endpoint of this process is handed, serialised and signed, to that endpoint's handler
 * instead of going through a loopback socket: the same bytes and headers, answered by the same
 * code behind the same guard. Any other request (an https endpoint, a streamed body) goes on as before.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const handle = NodeHttpHandler.prototype.handle;
  NodeHttpHandler.prototype.handle = function handleLocally(this: NodeHttpHandler, request, options = {}) {
    const endpoint = request.protocol === 'http:' ? endpoints.get(`${request.hostname}:${request.port}`) : undefined;
    const text = bodyText(request.body);
    if (!endpoint || text === undefined) return handle.call(this, request, options);
    const { abortSignal } = options;
    if (abortSignal?.aborted) return Promise.reject(abortError());
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const query = buildQueryString(request.query ?? {});
    const answer = inTurn(this, () =>
      endpoint({ method: request.method, url: `${request.path}${query ? `?${query}` : ''}`, headers, body: text }),
    ).then(({ statusCode, headers: responseHeaders, body: responseBody }) => ({
      // A Uint8Array of this realm (not the Buffer of another): the SDK's body collector takes it as it is.
      response: new HttpResponse({ statusCode, headers: responseHeaders, body: new Uint8Array(Buffer.from(responseBody, 'utf8')) }),
    }));
    if (!abortSignal) return answer;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError());
      (abortSignal as AbortSignal).addEventListener?.('abort', onAbort, { once: true });
      answer.then(resolve, reject).finally(() => (abortSignal as AbortSignal).removeEventListener?.('abort', onAbort));
    });
  };
}

/**
 * Answers the SDK's requests for `endpointUrl` (an `http://127.0.0.1:port` endpoint of this process,
 * which keeps listening for any other client) in process. Returns the function that stops it.
 */
export function serveInProcess(endpointUrl: string, endpoint: InProcessEndpoint): () => void {
  install();
  const { host } = new URL(endpointUrl);
  // A server answers in its own context, not the caller's: the endpoint runs in the context of this
  // call (the service's start), so that what it sets off (an execution StartExecution starts) does
  // not run as the calling function (local IAM and the bench's meter read who calls from the context).
  const detached = AsyncResource.bind(endpoint);
  endpoints.set(host, detached);
  return () => {
    if (endpoints.get(host) === detached) endpoints.delete(host);
  };
}
