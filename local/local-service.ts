import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DemoDepartments } from './demo-departments';
import { DEVELOPMENT_AUDIENCE, DevelopmentIdentityProvider } from './development-identity-provider';
import { LocalApiGateway, sendJson, sendProblem } from './local-api-gateway';
import { LocalDynamoDb } from './local-dynamodb';
import { LocalLambdaRuntime, type LambdaInvocation } from './local-lambda-runtime';
import { LocalStepFunctions, type WorkflowEventObserver } from './local-step-functions';
import { synthesizeTemplate } from './synthesized-template';
import {
  apiRoutes, dynamoDbTables, lambdaFunctions, LOCAL_REGION, localFunctionArn, scheduledFunctions, stateMachineDefinition,
} from './template-resources';

/** The scheduled function that resumes submissions not yet final; also run at start-up here. */
const RECONCILER_ENTRY = 'lambdas/maintenance/reconcile-submissions.ts';

export interface LocalServiceOptions {
  readonly port: number;
  readonly host?: string;
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
  mkdirSync(options.dataDir, { recursive: true });
  const adminToken = adminTokenFor(options, log);

  let gateway: LocalApiGateway | undefined;
  let ready = false; // /healthz: every part can serve, demo departments included.
  let serving = false; // The API answers (the demo departments register through it).
  let identityProvider: DevelopmentIdentityProvider | undefined;
  let demo: DemoDepartments | undefined;

  const server = http.createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) sendProblem(res, 500, 'Something went wrong on our side. Try again later.');
      else res.destroy();
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
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
    if (url.pathname === '/dev/token') {
      if (req.method !== 'POST') return sendProblem(res, 405, 'Use POST at this address.');
      let body: unknown;
      try {
        body = JSON.parse((await readText(req)) || 'null');
      } catch {
        return sendProblem(res, 400, 'The request body is not valid JSON.');
      }
      const issued = await identityProvider.issue(body);
      return issued.ok ? sendJson(res, 200, issued.token) : sendProblem(res, 422, 'Give the citizen id as sub.', issued.errors);
    }
    if (url.pathname === '/dev/jwks.json') return sendJson(res, 200, identityProvider.jwks());
    const demoMatch = /^\/demo\/departments\/([a-z0-9-]+)\/(webhook|deliveries)$/.exec(url.pathname);
    if (demoMatch && demo?.isDemoDepartment(demoMatch[1])) {
      const [, id, what] = demoMatch;
      if (what === 'webhook' && req.method === 'POST') {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const status = demo.receive(id, headers, await readText(req));
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

  const template = synthesizeTemplate();
  const { logicalId: machineId, definition } = stateMachineDefinition(template);
  const functions = lambdaFunctions(template);

  const dynamo = new LocalDynamoDb(path.join(options.dataDir, 'dynamodb'));
  await dynamo.start();
  await dynamo.createTables(dynamoDbTables(template));

  const runtime = new LocalLambdaRuntime(functions, options.observe?.lambdaInvocation);
  const functionByArn = new Map([...functions.keys()].map((id) => [localFunctionArn(id), id]));
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:000000000000:stateMachine:${machineId}`;
  // The engine normalises the object it is given (it adds default fields), so it gets its own copy.
  // (A JSON copy: structuredClone makes objects of another realm under jest, which the engine misreads.)
  const stepFunctions = new LocalStepFunctions(stateMachineArn, JSON.parse(JSON.stringify(definition)), (arn, payload) => {
    const id = functionByArn.get(arn);
    if (!id) throw new Error(`The workflow calls an unknown function ${arn}`);
    return runtime.invoke(id, payload);
  }, options.timeScale, options.observe?.workflowEvent);
  const sfnEndpoint = await stepFunctions.listen();

  identityProvider = await DevelopmentIdentityProvider.open(options.dataDir, `${url}/dev`);

  // The handlers read the same variables CDK gives them on AWS, resolved to this machine.
  for (const fn of functions.values()) {
    for (const [name, value] of Object.entries(fn.environment)) if (name !== 'NODE_OPTIONS') process.env[name] = value;
  }
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SFN: sfnEndpoint,
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    STATE_MACHINE_ARN: stateMachineArn,
    PUBLIC_BASE_URL: url,
    OIDC_ISSUER: identityProvider.issuer,
    OIDC_AUDIENCE: DEVELOPMENT_AUDIENCE,
    OIDC_JWKS_URL: identityProvider.jwksUrl,
    TUO_ALLOW_LOOPBACK_WEBHOOKS: '1',
    // The web pages' sign-in asks the development identity provider (one machine only).
    TUO_DEV_TOKEN_URL: `${url}/dev/token`,
    TUO_TIME_SCALE: String(options.timeScale),
    CITIZEN_NOTIFIER: 'outbox',
    OUTBOX_DIR: path.join(options.dataDir, 'outbox'),
    ...(options.retentionSeconds ? { RETENTION_SECONDS: String(options.retentionSeconds) } : {}),
    POWERTOOLS_LOG_LEVEL: process.env.TUO_LOG_LEVEL ?? 'WARN',
  });
  runtime.load();

  // EventBridge schedules of the template (e.g. the retention sweeper), as timers.
  const scheduleTimers = scheduledFunctions(template).map((schedule) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      runtime.invoke(schedule.functionLogicalId, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })
        .catch((error: Error) => log(`[schedule] ${schedule.ruleLogicalId} failed: ${error.name}`))
        .finally(() => { running = false; });
    }, Math.min(schedule.everyMs, options.maxScheduleIntervalMs ?? 60_000));
    timer.unref();
    return timer;
  });

  gateway = new LocalApiGateway(apiRoutes(template), (id, event) => runtime.invoke(id, event), adminToken);
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
      const report = await runtime.invoke(fn.logicalId, { source: 'tell-us-once.start-up', 'detail-type': 'Start-up', detail: {} }) as { resumed: number; errors: number };
      if (report.resumed > 0 || report.errors > 0) log(`Resumed the workflow of ${report.resumed} submission(s) not yet final${report.errors ? ` (${report.errors} to retry on schedule)` : ''}`);
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
    async stop() {
      ready = false;
      serving = false;
      demo?.stop();
      for (const timer of scheduleTimers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stepFunctions.close();
      await dynamo.stop();
    },
  };
}

async function readText(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
