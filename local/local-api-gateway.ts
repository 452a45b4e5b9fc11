import { randomUUID, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problem, type FieldError } from '../lambdas/domain/problem-details';
import { SESSION_COOKIES } from '../lambdas/web/web-sessions';
import { evaluatePolicies } from './iam-policy-evaluator';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalOperatorAccess, type LocalRoute } from './template-resources';

/** API Gateway HTTP APIs take payloads up to 10 MB; the handlers enforce the contract's 64 KiB. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

interface CompiledRoute extends LocalRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly parameterNames: string[];
}

function compile(route: LocalRoute): CompiledRoute | undefined {
  if (route.routeKey === '$default') return undefined;
  const [method, path] = route.routeKey.split(' ');
  const parameterNames: string[] = [];
  // `{name+}` is API Gateway's greedy parameter: it spans slashes and is passed on as `name`.
  const pattern = new RegExp(
    `^${path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const greedy = name.endsWith('+');
      parameterNames.push(greedy ? name.slice(0, -1) : name);
      return greedy ? '(.+)' : '([^/]+)';
    })}$`,
  );
  return { ...route, method, pattern, parameterNames };
}

export type Invoke = (functionLogicalId: string, event: APIGatewayProxyEventV2) => Promise<unknown>;

/** Whether a session id names a live operator session (the pages' session store). */
export type OperatorSessionCheck = (sessionId: string) => Promise<boolean>;

/** The operator pages: the only routes an operator's browser session may open. */
const OPERATOR_PAGES = /^\/operator(\/|$)/;

/**
 * The route authorisation types this gateway knows. NONE: the handler decides. AWS_IAM: the admin
 * token stands for an operator's IAM identity, allowed what the operator policy allows. JWT: API Gateway's JWT authorizer on AWS; here the
 * handler's own verification (signature, issuer, audience, expiry, the same code) is the check,
 * against the development identity provider. Any other type is refused at start, never ignored.
 */
const HANDLED_AUTHORIZATION_TYPES = new Set(['NONE', 'AWS_IAM', 'JWT']);

/**
 * Plays API Gateway (HTTP API, payload format 2.0) for the routes of the synthesized template:
 * matches the route, turns the request into the event API Gateway would send, and the handler's
 * result into the response. Routes with IAM authorisation are authorised by the admin token, as
 * the operator principal: each request is evaluated against the template's operator policy
 * (`execute-api:Invoke` on the request's ARN) and refused with 403 as API Gateway refuses it.
 * JWT routes are verified by their handler.
 */
export class LocalApiGateway {
  private readonly routes: CompiledRoute[];
  private readonly defaultRoute?: LocalRoute;

  constructor(
    routes: LocalRoute[],
    private readonly invoke: Invoke,
    private readonly adminToken: string,
    private readonly operator: LocalOperatorAccess,
    private readonly isOperatorSession: OperatorSessionCheck = async () => false,
  ) {
    const unknown = routes.filter((r) => !HANDLED_AUTHORIZATION_TYPES.has(r.authorizationType));
    if (unknown.length > 0) {
      throw new Error(`The local gateway cannot authorise ${unknown.map((r) => `${r.routeKey} (${r.authorizationType})`).join(', ')}`);
    }
    this.routes = routes.map(compile).filter((r): r is CompiledRoute => r !== undefined);
    this.defaultRoute = routes.find((r) => r.routeKey === '$default');
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req, MAX_PAYLOAD_BYTES);
    if (body === undefined) return sendBodyTooLarge(res);
    const method = req.method ?? 'GET';
    let route: LocalRoute | undefined;
    let pathParameters: Record<string, string> | undefined;
    for (const candidate of this.routes) {
      const match = candidate.method === method ? candidate.pattern.exec(url.pathname) : null;
      if (match) {
        route = candidate;
        const decoded = candidate.parameterNames.map((name, i) => [name, decodePathSegment(match[i + 1])] as const);
        // A path parameter that is not valid percent-encoding (`%zz`, a lone `%E9`) is the client's fault.
        if (decoded.some(([, value]) => value === undefined)) return sendProblem(res, 400, 'The path is not valid percent-encoded UTF-8.');
        pathParameters = Object.fromEntries(decoded) as Record<string, string>;
        break;
      }
    }
    route ??= this.defaultRoute;
    if (!route) return sendProblem(res, 404, 'There is nothing at this address.');

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    // API Gateway tells the function how the client connected; here it is always plain http.
    headers['x-forwarded-proto'] ??= 'http';
    // Payload format 2.0 passes cookies as a list, not as a header.
    const cookies = headers.cookie
      ?.split(';')
      .map((c) => c.trim())
      .filter(Boolean);
    delete headers.cookie;
    const requestContext: Record<string, unknown> = {
      accountId: 'local',
      apiId: this.operator.apiId,
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    };
    if (
      route.authorizationType === 'AWS_IAM' &&
      (this.isAdmin(headers.authorization) || (await this.isOperatorPageSession(route, cookies)))
    ) {
      if (!this.operatorMayInvoke(method, url.pathname))
        return sendProblem(res, 403, 'Your IAM identity is not allowed to call this route.');
      requestContext.authorizer = {
        iam: {
          accessKey: 'local',
          accountId: 'local',
          callerId: 'operator',
          principalOrgId: null,
          userArn: 'arn:aws:iam::local:user/operator',
          userId: 'operator',
        },
      };
    }
    const isText = body.length === 0 || /json|text|xml|urlencoded/i.test(headers['content-type'] ?? 'application/json');
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(cookies?.length ? { cookies } : {}),
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters,
      requestContext,
      body: body.length > 0 ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
      isBase64Encoded: body.length > 0 && !isText,
    } as unknown as APIGatewayProxyEventV2;

    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = (await this.invoke(route.functionLogicalId, event)) as APIGatewayProxyStructuredResultV2;
    } catch {
      // API Gateway answers 500 when the function itself fails.
      return sendProblem(res, 500, 'Something went wrong on our side. Try again later.');
    }
    const responseHeaders: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    if (result.cookies?.length) responseHeaders['set-cookie'] = result.cookies;
    const responseBody = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    res.writeHead(result.statusCode ?? 200, responseHeaders);
    res.end(responseBody);
  }

  /**
   * Browsers cannot sign requests with IAM, so on one machine the operator pages (and they alone)
   * accept the operator's session cookie in place of the admin token. It names a server-side
   * session, never the token, and opens no API route: a form posted from another site to
   * /v1/departments/{id}/signing-secrets carries the cookie but is refused.
   */
  private async isOperatorPageSession(route: LocalRoute, cookies: string[] | undefined): Promise<boolean> {
    if (!OPERATOR_PAGES.test(route.routeKey.split(' ')[1] ?? '')) return false;
    const name = SESSION_COOKIES.operator;
    const value = cookies?.find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1);
    return value ? this.isOperatorSession(value) : false;
  }

  /** API Gateway's check for an IAM route: `execute-api:Invoke` on `<api>/<stage>/<METHOD><path>`. */
  private operatorMayInvoke(method: string, path: string): boolean {
    const resource = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${this.operator.apiId}/$default/${method}${path}`;
    return evaluatePolicies(this.operator.statements, { action: 'execute-api:Invoke', resource }) === 'Allow';
  }

  private isAdmin(authorization: string | undefined): boolean {
    const presented = Buffer.from(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(this.adminToken);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
}

/** The request body, or undefined as soon as it grows beyond the limit (the rest is not read). */
export async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendBodyTooLarge(res: http.ServerResponse): void {
  res.setHeader('connection', 'close'); // The rest of the body is not read: this connection is done.
  sendProblem(res, 413, 'The request body is too large.');
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function sendProblem(res: http.ServerResponse, status: number, detail: string, errors?: FieldError[]): void {
  sendJson(res, status, problem(status, detail, errors), 'application/problem+json');
}

/** The decoded path segment, or undefined when it is not valid percent-encoded UTF-8. */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
