import { createHash, createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { JWK } from 'jose';
import { DynamoDbWebSessionRepository } from '../lambdas/store/dynamodb/dynamodb-web-session-repository';
import { DemoDepartments } from './demo-departments';
import { DEVELOPMENT_AUDIENCE, DevelopmentIdentityProvider } from './development-identity-provider';
import { LocalApiGateway, readBody, sendBodyTooLarge, sendJson, sendProblem } from './local-api-gateway';
import { LOCAL_CREDENTIALS } from './local-credentials';
import { LocalDynamoDb } from './local-dynamodb';
import { LocalIam, type Principal } from './local-iam';
import { answersHost, checkBindAddress, isFromThisMachine } from './local-exposure';
import { LocalKms } from './local-kms';
import { LocalLambdaRuntime, type LambdaInvocation } from './local-lambda-runtime';
import { LocalStepFunctions, type WorkflowEventObserver } from './local-step-functions';
import { LocalTimeToLive } from './local-time-to-live';
import { loadSynthesizedTemplate } from './synthesized-template-cache';
import {
  apiRoutes,
  dynamoDbTables,
  eventRules,
  kmsKeys,
  lambdaFunctions,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  localFunctionArn,
  matchesEventPattern,
  operatorAccess,
  scheduledFunctions,
  stateMachineDefinition,
  timeToLiveTables,
} from './template-resources';

/** `{"sub": ...}` is all /dev/token takes. */
const MAX_DEV_TOKEN_REQUEST_BYTES = 4 * 1024;
/** A webhook of the service carries one submission (64 KiB at most) and its envelope. */
const MAX_DEMO_DELIVERY_BYTES = 256 * 1024;

/** The scheduled function that resumes submissions not yet final; also run at start-up here. */
const RECONCILER_ENTRY = 'lambdas/maintenance/reconcile-submissions.ts';

export interface LocalServiceOptions {
  readonly port: number;
  /** The address to listen on (default 127.0.0.1); beyond loopback it needs `allowedHosts`. */
  readonly host?: string;
  /** Host names besides loopback ones the server answers to (`TUO_ALLOWED_HOSTS`). */
  readonly allowedHosts?: readonly string[];
  readonly dataDir: string;
  /** Generated (and written to the data directory) when not given. */
  readonly adminToken?: string;
  readonly demo: boolean;
  readonly timeScale: number;
  readonly demoConfirmDelayMs?: number;
  /** How long personal data is kept after a submission is final (default 30 days). */
  readonly retentionSeconds?: number;
  /** Scheduled functions (the template's rate rules) run at most this far apart here (default 60 s). */
  readonly maxScheduleIntervalMs?: number;
  /**
   * How often DynamoDB's TTL is played: expired items (journeys, web sessions…) deleted. Default a
   * minute, not scaled by `timeScale`: the lifetimes it ends (24 hours for a journey, an hour for a
   * session) are not scaled either, so a faster sweep would only scan the table more often.
   */
  readonly timeToLiveIntervalMs?: number;
  readonly log?: (line: string) => void;
  /** Observers of the runtime, for measurement (`npm run bench`); they change nothing. */
  readonly observe?: {
    readonly lambdaInvocation?: (invocation: LambdaInvocation) => void;
    readonly workflowEvent?: WorkflowEventObserver;
  };
}

export interface LocalService {
  readonly url: string;
  readonly adminToken: string;
  /** The state-machine definition this machine runs, as resolved from the synthesized template. */
  readonly workflowDefinition: unknown;
  /** IAM as enforced on this machine: the grants each function and the state machine used, and the calls refused. */
  readonly iam: LocalIam;
  /** Every principal of the template: each function's role and the state machine's. */
  readonly principals: readonly Principal[];
  stop(): Promise<void>;
}

function adminTokenFor(options: LocalServiceOptions, log: (line: string) => void): string {
  const file = path.join(options.dataDir, 'admin-token');
  if (options.adminToken) return options.adminToken;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  log(`Admin token (printed once, kept in ${file}): ${token}`);
  return token;
}

/**
 * Everything on one machine in one process: the HTTP API (the synthesized routes and the very
 * handlers that deploy), the synthesized state machine on aws-local-stepfunctions, dynalite on
 * disk, the development identity provider and the demo departments.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const allowedHosts = options.allowedHosts ?? [];
  checkBindAddress({ bindAddress: options.host ?? '127.0.0.1', allowedHosts });
  mkdirSync(options.dataDir, { recursive: true });
  const adminToken = adminTokenFor(options, log);

  // Assigned once, below; the request handler defined first reads them (hence let).
  // eslint-disable-next-line prefer-const
  let gateway: LocalApiGateway | undefined;
  let ready = false; // /healthz: every part can serve, demo departments included.
  let serving = false; // The API answers (the demo departments register through it).
  // eslint-disable-next-line prefer-const
  let identityProvider: DevelopmentIdentityProvider | undefined;
  let demo: DemoDepartments | undefined;

  const server = http.createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) sendProblem(res, 500, 'Something went wrong on our side. Try again later.');
      else res.destroy();
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!answersHost(req.headers.host, allowedHosts)) {
      return sendProblem(
        res,
        421,
        'This server answers only at a loopback address (127.0.0.1, localhost) or a host name in TUO_ALLOWED_HOSTS.',
      );
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendProblem(res, 400, 'The request target is not a valid URL.');
    }
    if (url.pathname === '/healthz') {
      return ready ? sendJson(res, 200, { status: 'ok' }) : sendProblem(res, 503, 'Starting up.');
    }
    if (!serving || !gateway || !identityProvider) return sendProblem(res, 503, 'Starting up: try again in a moment.');
    // Anyone who reaches /dev/token is any citizen they like: this machine's own users only.
    if (url.pathname === '/dev/token') {
      if (!isFromThisMachine(req)) return sendProblem(res, 404, 'There is nothing at this address.');
      if (req.method !== 'POST') return sendProblem(res, 405, 'Use POST at this address.');
      const text = await readText(req, MAX_DEV_TOKEN_REQUEST_BYTES);
      if (text === undefined) return sendBodyTooLarge(res);
      let body: unknown;
      try {
        body = JSON.parse(text || 'null');
      } catch {
        return sendProblem(res, 400, 'The request body is not valid JSON.');
      }
      const issued = await identityProvider.issue(body);
      return issued.ok ? sendJson(res, 200, issued.token) : sendProblem(res, 422, 'Give the citizen id as sub.', issued.errors);
    }
    // The OpenID provider (discovery, JWKS, authorize, token, logout and its sign-in page).
    if (url.pathname.startsWith('/dev/')) return identityProvider.handle(req, res, url);
    const demoMatch = /^\/demo\/departments\/([a-z0-9-]+)\/(webhook|deliveries)$/.exec(url.pathname);
    if (demoMatch && demo?.isDemoDepartment(demoMatch[1])) {
      const [, id, what] = demoMatch;
      if (what === 'webhook' && req.method === 'POST') {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const text = await readText(req, MAX_DEMO_DELIVERY_BYTES);
        if (text === undefined) return sendBodyTooLarge(res);
        const status = demo.receive(id, headers, text);
        res.writeHead(status).end();
        return;
      }
      if (what === 'deliveries' && req.method === 'GET') {
        if (req.headers.authorization !== `Bearer ${adminToken}`) return sendProblem(res, 401, 'Send the admin token.');
        return sendJson(res, 200, demo.deliveries(id));
      }
      return sendProblem(res, 405, 'Wrong method for this address.');
    }
    return gateway.handle(req, res, url);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const template = await loadSynthesizedTemplate(options.dataDir);
  const machine = stateMachineDefinition(template);
  const { definition } = machine;
  const functions = lambdaFunctions(template);
  const stateMachineArn = machine.arn;
  const iam = new LocalIam(template, stateMachineArn);
  const machinePrincipal = { name: machine.logicalId, roleLogicalId: machine.roleLogicalId };
  const principals: Principal[] = [
    ...[...functions.values()].map((fn) => ({ name: fn.logicalId, roleLogicalId: fn.roleLogicalId })),
    machinePrincipal,
  ];

  const dynamo = new LocalDynamoDb(path.join(options.dataDir, 'dynamodb'), LOCAL_CREDENTIALS);
  await dynamo.start();
  await dynamo.createTables(dynamoDbTables(template));
  // dynalite has no TTL: the deletions DynamoDB makes on AWS, played here.
  const timeToLive = new LocalTimeToLive(dynamo.endpoint, LOCAL_CREDENTIALS, timeToLiveTables(template), log);
  timeToLive.start(options.timeToLiveIntervalMs ?? 60_000);

  // The template's asymmetric KMS keys, their private material generated once into the data directory.
  const kms = new LocalKms(path.join(options.dataDir, 'kms'), kmsKeys(template));
  const kmsEndpoint = await kms.listen(LOCAL_CREDENTIALS.accessKeyId);

  const runtime = new LocalLambdaRuntime(functions, options.observe?.lambdaInvocation, iam);
  const functionByArn = new Map([...functions.keys()].map((id) => [localFunctionArn(id), id]));
  // The engine normalises the object it is given (it adds default fields), so it gets its own copy.
  // (A JSON copy: structuredClone makes objects of another realm under jest, which the engine misreads.)
  const stepFunctions = new LocalStepFunctions(
    stateMachineArn,
    JSON.parse(JSON.stringify(definition)),
    (arn, payload) => {
      const id = functionByArn.get(arn);
      if (!id) throw new Error(`The workflow calls an unknown function ${arn}`);
      return runtime.invoke(id, payload);
    },
    options.timeScale,
    options.observe?.workflowEvent,
    {
      authorise: (request) => iam.authorise(machinePrincipal, [request]),
      kmsKeyArn: machine.kmsKeyArn,
    },
  );
  const sfnEndpoint = await stepFunctions.listen(LOCAL_CREDENTIALS.accessKeyId);

  const issuer = `${url}/dev`;

  // The handlers read the same variables CDK gives them on AWS, resolved to this machine.
  for (const fn of functions.values()) {
    for (const [name, value] of Object.entries(fn.environment)) if (name !== 'NODE_OPTIONS') process.env[name] = value;
  }
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SFN: sfnEndpoint,
    AWS_ENDPOINT_URL_KMS: kmsEndpoint,
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    STATE_MACHINE_ARN: stateMachineArn,
    PUBLIC_BASE_URL: url,
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: DEVELOPMENT_AUDIENCE,
    OIDC_JWKS_URL: `${issuer}/jwks.json`,
    // The web pages are the provider's registered client, as on AWS they are One Login's.
    OIDC_CLIENT_ID: DEVELOPMENT_AUDIENCE,
    OIDC_REDIRECT_URI: `${url}/sign-in/callback`,
    OIDC_POST_LOGOUT_REDIRECT_URI: `${url}/signed-out`,
    // The operator pages' sign-in compares the admin token by hash (one machine only; IAM on AWS).
    TUO_OPERATOR_TOKEN_SHA256: createHash('sha256').update(adminToken).digest('hex'),
    TUO_ALLOW_LOOPBACK_WEBHOOKS: '1',
    TUO_TIME_SCALE: String(options.timeScale),
    CITIZEN_NOTIFIER: 'outbox',
    OUTBOX_DIR: path.join(options.dataDir, 'outbox'),
    ...(options.retentionSeconds ? { RETENTION_SECONDS: String(options.retentionSeconds) } : {}),
    POWERTOOLS_LOG_LEVEL: process.env.TUO_LOG_LEVEL ?? 'WARN',
  });
  // The client's public key is the one of its KMS key (the template's), served by the local KMS.
  const clientKeyId = process.env.OIDC_CLIENT_KEY_ID;
  if (!clientKeyId) throw new Error('The template gives the web pages no OIDC_CLIENT_KEY_ID');
  const clientPublicKey = Buffer.from(kms.getPublicKey({ KeyId: clientKeyId }).PublicKey, 'base64');
  identityProvider = await DevelopmentIdentityProvider.open(options.dataDir, issuer, {
    clientId: DEVELOPMENT_AUDIENCE,
    publicJwk: createPublicKey({ key: clientPublicKey, format: 'der', type: 'spki' }).export({ format: 'jwk' }) as JWK,
    redirectUri: `${url}/sign-in/callback`,
    postLogoutRedirectUri: `${url}/signed-out`,
  });
  runtime.load();

  // EventBridge schedules of the template (e.g. the retention sweeper), as timers.
  const scheduleTimers = scheduledFunctions(template).map((schedule) => {
    let running = false;
    const timer = setInterval(
      () => {
        if (running) return;
        running = true;
        runtime
          .invoke(schedule.functionLogicalId, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })
          .catch((error: Error) => log(`[schedule] ${schedule.ruleLogicalId} failed: ${error.name}`))
          .finally(() => {
            running = false;
          });
      },
      Math.min(schedule.everyMs, options.maxScheduleIntervalMs ?? 60_000),
    );
    timer.unref();
    return timer;
  });

  // The template's event rules, played for the engine's execution status changes as EventBridge
  // would: asynchronously, and (as Lambda does for an asynchronous invocation that fails) retried
  // twice, 1 and 2 minutes later, scaled by TUO_TIME_SCALE.
  const rules = eventRules(template);
  stepFunctions.onExecutionStatusChange((detail) => {
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: LOCAL_ACCOUNT,
      time: new Date().toISOString(),
      region: LOCAL_REGION,
      resources: [detail.executionArn],
      detail,
    };
    for (const rule of rules.filter((r) => matchesEventPattern(r.pattern, event))) {
      const attempt = (retriesLeft: number) => {
        runtime.invoke(rule.functionLogicalId, event).catch((error: Error) => {
          if (retriesLeft === 0) return log(`[event rule] ${rule.ruleLogicalId} failed: ${error.name}; the sweep tries again`);
          setTimeout(() => attempt(retriesLeft - 1), (3 - retriesLeft) * 60_000 * options.timeScale).unref();
        });
      };
      setImmediate(() => attempt(2));
    }
  });

  // Browsers cannot sign with IAM: the operator pages (only they) accept a live operator session instead.
  const webSessions = new DynamoDbWebSessionRepository(process.env.TABLE_NAME!);
  gateway = new LocalApiGateway(
    apiRoutes(template),
    (id, event) => runtime.invoke(id, event),
    adminToken,
    operatorAccess(template),
    async (sessionId) => (await webSessions.get(sessionId, 'operator')) !== undefined,
  );
  serving = true;
  if (options.demo) {
    demo = new DemoDepartments(options.dataDir, options.demoConfirmDelayMs ?? 1000);
    await demo.seed(url, adminToken);
  }
  // Recovery: executions lived in the engine's memory, so after a crash (or any stop) the
  // submissions not yet final get theirs again, before /healthz answers ok. The same function
  // runs on AWS on a schedule (and here too, through the timers above).
  for (const fn of functions.values()) {
    if (fn.entry !== RECONCILER_ENTRY) continue;
    try {
      const report = (await runtime.invoke(fn.logicalId, { source: 'tell-us-once.start-up', 'detail-type': 'Start-up', detail: {} })) as {
        resumed: number;
        errors: number;
      };
      if (report.resumed > 0 || report.errors > 0)
        log(
          `Resumed the workflow of ${report.resumed} submission(s) not yet final${report.errors ? ` (${report.errors} to retry on schedule)` : ''}`,
        );
    } catch (error) {
      log(`Could not resume submissions at start-up (${(error as Error).name}); the schedule tries again within a minute`);
    }
  }
  ready = true;
  log(`Tell Us Once is running at ${url} (data in ${options.dataDir})`);

  return {
    url,
    adminToken,
    workflowDefinition: definition,
    iam,
    principals,
    async stop() {
      ready = false;
      serving = false;
      demo?.stop();
      for (const timer of scheduleTimers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stepFunctions.close();
      iam.writeUsage(principals);
      await kms.close();
      await timeToLive.stop();
      await dynamo.stop();
    },
  };
}

/** The body as text, or undefined if it is larger than the limit (the rest is not read). */
async function readText(req: http.IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return (await readBody(req, maxBytes))?.toString('utf8');
}
