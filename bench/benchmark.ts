import '../local/process-environment';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { documentClient } from '../lambdas/store/dynamodb/document-client';
import type { EntitleableField } from '../lambdas/domain/entitlement';
import { currentLocalFunction } from '../local/local-iam';
import { startLocalService, type LocalService } from '../local/local-service';
import { synthesizeTemplate } from '../local/synthesized-template';
import { BareBaseline } from './bare-baseline';
import { BenchDepartment, type DepartmentCredentials } from './bench-departments';
import { costPerMillion, functionMemory, totalUsd, traceSamplingRate, type CostLine } from './cost-model';
import { measureLambdaBundles, type LambdaBundle } from './lambda-bundles';
import { DynamoDbMeter, RssSampler, summarise, tableIndexes, type LatencySummary } from './measurements';
import { loadSynthesizedTemplate } from '../local/synthesized-template-cache';
import { changeOfAddress } from '../test/support/service-client';

export interface BenchmarkOptions {
  /** Submissions driven as fast as the system completes them (throughput). */
  readonly submissions: number;
  /** Departments per submission (D). */
  readonly departments: number;
  /** Submissions in flight at most during the throughput phase. */
  readonly concurrency: number;
  /** Arrival rate (submissions per second) of the latency phase: issue 13's 3 a second. */
  readonly rate: number;
  /** Submissions of the latency phase. */
  readonly rateSubmissions: number;
  /** Arrival rate of the overload phase, beyond what one machine completes: it measures the queue. */
  readonly overloadRate: number;
  /** Submissions of the overload phase; 0 leaves the phase out. */
  readonly overloadSubmissions: number;
  /** Bundle every Lambda and time its module initialisation. */
  readonly bundles: boolean;
  /** Where to write a CPU profile of this process's main thread during the service's throughput phase only. */
  readonly cpuProfile?: string;
  readonly log: (line: string) => void;
}

export const DEFAULT_OPTIONS: BenchmarkOptions = {
  submissions: 120,
  departments: 5,
  concurrency: 16,
  rate: 3,
  rateSubmissions: 100,
  overloadRate: 50,
  overloadSubmissions: 100,
  bundles: true,
  log: (line) => console.log(line),
};

/**
 * The single JSON line issues 7 and 13 ask for, keys in their order, then what says how it was
 * measured. `p50Ms`/`p95Ms`/`p99Ms`: from the 202 to the last department's delivery, with
 * submissions arriving at `latencyRate` a second (issue 13: 3); `overload…`: the same at
 * `overloadRate`, more than one machine completes, so mostly time spent queueing (null when the
 * phase is left out).
 */
export interface BenchmarkSummary {
  readonly throughput: number;
  readonly baselineThroughput: number;
  readonly ratio: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly rssMb: number;
  readonly transitionsPerSubmission: number;
  readonly lambdaInvocationsPerSubmission: number;
  readonly dynamoWritesPerSubmission: number;
  readonly dynamoRequestsPerSubmission: number;
  readonly usdPerMillionSubmissions: number;
  /** CPU time of the whole process (every thread) per submission in the throughput phase. */
  readonly cpuMsPerSubmission: number;
  /** The same for the bare baseline: on shared cores the CPU ratio moves less than the throughput ratio. */
  readonly baselineCpuMsPerSubmission: number;
  readonly latencyRate: number;
  readonly overloadRate: number | null;
  readonly overloadP50Ms: number | null;
  readonly overloadP99Ms: number | null;
}

export interface PhaseResult {
  readonly count: number;
  readonly seconds: number;
  readonly throughput: number;
  /** CPU time of this whole process (service or baseline, receivers and driver) per submission. */
  readonly cpuMsPerSubmission: number;
  readonly delivered: LatencySummary;
  readonly completed: LatencySummary;
}

export interface BenchmarkResult {
  readonly options: Omit<BenchmarkOptions, 'log'>;
  readonly service: { throughputPhase: PhaseResult; ratePhase: PhaseResult; overloadPhase?: PhaseResult; peakRssMb: number };
  readonly baseline: { throughputPhase: PhaseResult; ratePhase: PhaseResult; overloadPhase?: PhaseResult };
  readonly counts: {
    transitionsPerSubmission: number;
    lambdaInvocationsPerSubmission: number;
    invocationsByFunction: Array<{ logicalId: string; perSubmission: number; meanDurationMs: number }>;
    dynamoWritesPerSubmission: number;
    dynamoReadsPerSubmission: number;
    writeUnitsPerSubmission: number;
    readUnitsPerSubmission: number;
    indexWriteUnitsPerSubmission: number;
    indexWriteUnitsByIndex: Record<string, number>;
    /** DynamoDB requests per submission by function and command (`WorkflowDeliverNotificationFunction UpdateItem`), most first. */
    dynamoRequestsByFunction: Array<{ request: string; perSubmission: number }>;
  };
  readonly cost: CostLine[];
  readonly bundles: LambdaBundle[];
  readonly summary: BenchmarkSummary;
}

const DEPARTMENT_FIELDS: EntitleableField[] = ['person.givenName', 'person.familyName', 'newAddress', 'movedOn'];

interface Accepted {
  readonly id: string;
  readonly notificationIds: string[];
  readonly acceptedAt: number;
}

/** Where submissions go and how their completion is seen: the service or the bare baseline. */
interface Target {
  submit(key: string): Promise<Accepted>;
}

/** Completion times by submission id, with waiters for submissions not yet complete. */
class Completions {
  private readonly at = new Map<string, number>();
  private readonly failed = new Set<string>();
  private readonly waiters = new Map<string, () => void>();

  complete(id: string, ok = true): void {
    if (this.at.has(id)) return;
    this.at.set(id, performance.now());
    if (!ok) this.failed.add(id);
    this.waiters.get(id)?.();
    this.waiters.delete(id);
  }

  time(id: string): number | undefined {
    return this.at.get(id);
  }

  hasFailed(id: string): boolean {
    return this.failed.has(id);
  }

  wait(id: string, timeoutMs: number): Promise<void> {
    if (this.at.has(id)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`submission ${id} did not complete within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const PHASE_TIMEOUT_MS = 90_000;
const BASELINE_RATE_SUBMISSIONS = 30;
/**
 * The baseline completes 10 to 15 times as many submissions a second as the service: driving it
 * with ten times as many keeps its throughput phase about as long as the service's (about ten
 * seconds, not one), so a single stall of the shared machine does not decide the ratio.
 */
const BASELINE_THROUGHPUT_MULTIPLE = 10;

/**
 * A CPU profile of the main thread (the handlers, the engine, the gateway, the receivers) over
 * one phase, without start-up and synth: `--cpu-prof` would profile the whole run.
 */
async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => {
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
    });
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/** Drives `count` submissions, at most `concurrency` unfinished at a time; returns them with the phase's duration. */
async function driveClosed(target: Target, completions: Completions, count: number, concurrency: number, prefix: string) {
  const accepted: Accepted[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const a = await target.submit(`${prefix}-${i}`);
      accepted.push(a);
      await completions.wait(a.id, PHASE_TIMEOUT_MS);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const finished = Math.max(...accepted.map((a) => completions.time(a.id)!));
  return { accepted, seconds: (finished - started) / 1000, cpuMs: cpuMs(process.cpuUsage(cpu)) };
}

/** Drives `count` submissions arriving at `rate` per second whatever the state of earlier ones (open loop). */
async function driveAtRate(target: Target, completions: Completions, count: number, rate: number, prefix: string) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const pending: Array<Promise<Accepted>> = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(target.submit(`${prefix}-${i}`));
  }
  const accepted = await Promise.all(pending);
  await Promise.all(accepted.map((a) => completions.wait(a.id, PHASE_TIMEOUT_MS)));
  const finished = Math.max(...accepted.map((a) => completions.time(a.id)!));
  return { accepted, seconds: (finished - started) / 1000, cpuMs: cpuMs(process.cpuUsage(cpu)) };
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

function phaseResult(
  run: { accepted: Accepted[]; seconds: number; cpuMs: number },
  completions: Completions,
  departments: BenchDepartment[],
): PhaseResult {
  const delivered: number[] = [];
  const completed: number[] = [];
  for (const a of run.accepted) {
    if (completions.hasFailed(a.id)) throw new Error(`submission ${a.id} did not complete successfully`);
    const arrivals = a.notificationIds.map((id) => {
      const arrival = departments.map((d) => d.arrivals.get(id)).find((t) => t !== undefined);
      if (arrival === undefined) throw new Error(`notification ${id} of submission ${a.id} never arrived`);
      return arrival;
    });
    // A delivery may land before the 202 reaches the client: that counts as no wait at all.
    delivered.push(Math.max(0, Math.max(...arrivals) - a.acceptedAt));
    completed.push(Math.max(0, completions.time(a.id)! - a.acceptedAt));
  }
  return {
    count: run.accepted.length,
    seconds: run.seconds,
    throughput: run.accepted.length / run.seconds,
    cpuMsPerSubmission: run.cpuMs / run.accepted.length,
    delivered: summarise(delivered),
    completed: summarise(completed),
  };
}

/** Connections reset under load and retried (only requests with an Idempotency-Key, which a retry cannot duplicate). */
export const droppedConnections = { retried: 0 };

async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  const send = () =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  let response: Response;
  for (let attempt = 1; ; attempt++) {
    try {
      response = await send();
      break;
    } catch (error) {
      if (!headers['idempotency-key'] || attempt === 3) throw error;
      droppedConnections.retried++;
    }
  }
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

function acceptedFrom(response: { status: number; json: any }): Accepted {
  const acceptedAt = performance.now();
  if (response.status !== 202) throw new Error(`submission answered ${response.status}: ${JSON.stringify(response.json)}`);
  return { id: response.json.id, notificationIds: response.json.notifications.map((n: { id: string }) => n.id), acceptedAt };
}

/** Counts what one phase of the service consumed, per Lambda function and in total. */
/**
 * The reconciler's sweep and the retention eraser run on their (scaled) timers whatever the load, so
 * a long run catches more of them: they are not per-submission work, and the cost model prices the
 * reconciler from its own rates (`RECONCILER`). Left out of the counts.
 */
const isScheduledMaintenance = (logicalId: string) => /^(Recovery|Retention)/.test(logicalId);

class ServiceMeter {
  measuring = false;
  /** Durations are taken while one submission at a time runs, as each Lambda has its own CPU on AWS. */
  timing = false;
  transitions = 0;
  readonly invocations = new Map<string, { count: number; totalMs: number }>();
  readonly durations = new Map<string, { count: number; totalMs: number }>();
  readonly dynamo = new DynamoDbMeter();

  reset(): void {
    this.transitions = 0;
    this.invocations.clear();
    this.dynamo.reset();
  }
}

/** The arrival phases, the same for the service and the baseline: at the latency rate, then (optionally) overload. */
async function arrivalPhases(
  target: Target,
  completions: Completions,
  departments: BenchDepartment[],
  options: BenchmarkOptions,
  rateSubmissions: number,
) {
  const ratePhase = phaseResult(await driveAtRate(target, completions, rateSubmissions, options.rate, 'rate'), completions, departments);
  const overloadPhase =
    options.overloadSubmissions > 0
      ? phaseResult(
          await driveAtRate(target, completions, options.overloadSubmissions, options.overloadRate, 'overload'),
          completions,
          departments,
        )
      : undefined;
  return { ratePhase, overloadPhase };
}

async function runService(options: BenchmarkOptions, departments: BenchDepartment[], dataDir: string) {
  const meter = new ServiceMeter();
  const completions = new Completions();
  const service: LocalService = await startLocalService({
    port: 0,
    dataDir,
    adminToken: 'bench-admin-token',
    demo: false,
    timeScale: 0.001,
    log: () => undefined,
    observe: {
      lambdaInvocation: ({ logicalId, durationMs }) => {
        if (isScheduledMaintenance(logicalId)) return;
        const into = meter.measuring ? meter.invocations : meter.timing ? meter.durations : undefined;
        if (!into) return;
        const entry = into.get(logicalId) ?? { count: 0, totalMs: 0 };
        entry.count += 1;
        entry.totalMs += durationMs;
        into.set(logicalId, entry);
      },
      workflowEvent: (executionName, event) => {
        if (meter.measuring && (event.type === 'StateEntered' || event.type === 'StateRetried')) meter.transitions += 1;
        if (event.type === 'ExecutionSucceeded') completions.complete(executionName);
        if (event.type === 'ExecutionFailed' || event.type === 'ExecutionAborted' || event.type === 'ExecutionTimeout')
          completions.complete(executionName, false);
      },
    },
  });
  try {
    const credentials: DepartmentCredentials[] = [];
    for (const department of departments) {
      const registered = await postJsonWithMethod(
        'PUT',
        `${service.url}/v1/departments/${department.id}`,
        {
          name: `Bench department ${department.id}`,
          webhookUrl: department.url,
          events: ['address.changed'],
          fields: DEPARTMENT_FIELDS,
          confirmation: { required: true, timeoutSeconds: 3600 },
        },
        { authorization: `Bearer ${service.adminToken}` },
      );
      if (registered.status !== 201) throw new Error(`registering ${department.id} answered ${registered.status}`);
      const c = { id: department.id, signingSecret: registered.json.signingSecret, apiKey: registered.json.apiKey };
      department.useCredentials(c);
      credentials.push(c);
    }
    meter.dynamo.ignore = () => isScheduledMaintenance(currentLocalFunction() ?? '');
    // The logical id without CDK's hash suffix: the function's name as the template's reader knows it.
    meter.dynamo.caller = () => (currentLocalFunction() ?? 'outside a function').replace(/[0-9A-F]{8}$/, '');
    // The indexes and projections of the template this service runs (cached in its data directory).
    meter.dynamo.useIndexes(tableIndexes(await loadSynthesizedTemplate(dataDir)));
    meter.dynamo.attach(documentClient());
    const token = (await postJson(`${service.url}/dev/token`, { sub: 'bench-citizen' }, {})).json.access_token as string;
    const body = changeOfAddress(departments.map((d) => d.id));
    const target: Target = {
      submit: async (key) =>
        acceptedFrom(await postJson(`${service.url}/v1/submissions`, body, { authorization: `Bearer ${token}`, 'idempotency-key': key })),
    };

    await driveClosed(target, completions, Math.min(20, options.submissions), 4, 'warm-up');
    meter.timing = true;
    await driveClosed(target, completions, Math.min(20, options.submissions), 1, 'one-at-a-time');
    meter.timing = false;
    departments.forEach((d) => d.reset());
    const rss = new RssSampler().start();
    meter.reset();
    meter.measuring = true;
    const profiler = options.cpuProfile ? await startCpuProfile() : undefined;
    const throughputRun = await driveClosed(target, completions, options.submissions, options.concurrency, 'throughput');
    if (profiler && options.cpuProfile) await profiler.stop(options.cpuProfile);
    meter.measuring = false;
    const throughputPhase = phaseResult(throughputRun, completions, departments);
    const counted = { ...snapshot(meter, options.submissions) };
    const { ratePhase, overloadPhase } = await arrivalPhases(target, completions, departments, options, options.rateSubmissions);
    const peakRssMb = rss.stop() / 1024 ** 2;
    const failures = departments.flatMap((d) => d.failures);
    if (failures.length > 0) throw new Error(`departments saw failures: ${failures.slice(0, 3).join('; ')}`);
    await verifyCompleted(service.url, token, [...throughputRun.accepted].slice(0, 20));
    return { throughputPhase, ratePhase, overloadPhase, peakRssMb, counted, credentials };
  } finally {
    await service.stop();
  }
}

function snapshot(meter: ServiceMeter, submissions: number) {
  const invocationsByFunction = [...meter.invocations]
    .map(([logicalId, { count }]) => {
      const timed = meter.durations.get(logicalId);
      return { logicalId, perSubmission: count / submissions, meanDurationMs: timed ? timed.totalMs / timed.count : Number.NaN };
    })
    .sort((a, b) => a.logicalId.localeCompare(b.logicalId));
  return {
    transitionsPerSubmission: meter.transitions / submissions,
    lambdaInvocationsPerSubmission: invocationsByFunction.reduce((sum, f) => sum + f.perSubmission, 0),
    invocationsByFunction,
    dynamoWritesPerSubmission: meter.dynamo.writes / submissions,
    dynamoReadsPerSubmission: meter.dynamo.reads / submissions,
    writeUnitsPerSubmission: meter.dynamo.writeUnits / submissions,
    readUnitsPerSubmission: meter.dynamo.readUnits / submissions,
    indexWriteUnitsPerSubmission: meter.dynamo.indexWriteUnits / submissions,
    indexWriteUnitsByIndex: Object.fromEntries(
      [...meter.dynamo.indexWriteUnitsByIndex].map(([index, units]) => [index, units / submissions]),
    ),
    dynamoRequestsByFunction: [...meter.dynamo.byCallerAndOperation]
      .map(([request, count]) => ({ request, perSubmission: count / submissions }))
      .sort((a, b) => b.perSubmission - a.perSubmission || a.request.localeCompare(b.request)),
  };
}

async function postJsonWithMethod(method: string, url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

/** What a citizen sees, checked once measuring is over: each submission COMPLETED, each notification CONFIRMED. */
async function verifyCompleted(baseUrl: string, token: string, accepted: Accepted[]): Promise<void> {
  for (const a of accepted) {
    const response = await fetch(`${baseUrl}/v1/submissions/${a.id}`, { headers: { authorization: `Bearer ${token}` } });
    const submission = (await response.json()) as { status: string; notifications: Array<{ status: string }> };
    if (submission.status !== 'COMPLETED' || submission.notifications.some((n) => n.status !== 'CONFIRMED')) {
      throw new Error(`submission ${a.id} reads ${JSON.stringify(submission)}`);
    }
  }
}

async function runBaseline(options: BenchmarkOptions, departments: BenchDepartment[], credentials: DepartmentCredentials[]) {
  const completions = new Completions();
  const baseline = await new BareBaseline(
    credentials.map((c) => ({
      ...c,
      webhookUrl: departments.find((d) => d.id === c.id)!.url,
      fields: DEPARTMENT_FIELDS,
    })),
    (id) => completions.complete(id),
  ).start();
  try {
    const body = changeOfAddress(departments.map((d) => d.id));
    const target: Target = {
      submit: async (key) => acceptedFrom(await postJson(`${baseline.url}/v1/submissions`, body, { 'idempotency-key': key })),
    };
    departments.forEach((d) => d.reset());
    await driveClosed(target, completions, Math.min(20, options.submissions), 4, 'warm-up');
    departments.forEach((d) => d.reset());
    const throughputPhase = phaseResult(
      await driveClosed(target, completions, options.submissions * BASELINE_THROUGHPUT_MULTIPLE, options.concurrency, 'throughput'),
      completions,
      departments,
    );
    // The baseline's latency at a slow rate is only the floor of the HTTP work: 30 arrivals show it
    // (at 3/s, 100 would add half a minute to the run).
    const { ratePhase, overloadPhase } = await arrivalPhases(
      target,
      completions,
      departments,
      options,
      Math.min(options.rateSubmissions, BASELINE_RATE_SUBMISSIONS),
    );
    const failures = departments.flatMap((d) => d.failures);
    if (failures.length > 0) throw new Error(`departments saw failures in the baseline: ${failures.slice(0, 3).join('; ')}`);
    return { throughputPhase, ratePhase, overloadPhase };
  } finally {
    await baseline.stop();
  }
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export async function runBenchmark(partial: Partial<BenchmarkOptions> = {}): Promise<BenchmarkResult> {
  const options = { ...DEFAULT_OPTIONS, ...partial };
  const departments = await Promise.all(
    Array.from({ length: options.departments }, (_, i) => new BenchDepartment(`bench-dept-${i + 1}`).start()),
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tuo-bench-'));
  try {
    const overload = options.overloadSubmissions > 0 ? `, then ${options.overloadSubmissions} at ${options.overloadRate}/s (overload)` : '';
    options.log(
      `service: ${options.submissions} submissions (${options.concurrency} in flight), then ${options.rateSubmissions} at ${options.rate}/s${overload}, ${options.departments} departments each`,
    );
    const service = await runService(options, departments, dataDir);
    options.log(
      `bare baseline: the same HTTP work (${options.submissions * BASELINE_THROUGHPUT_MULTIPLE} submissions in its throughput phase)`,
    );
    const baseline = await runBaseline(options, departments, service.credentials);
    const template = synthesizeTemplate();
    const counts = service.counted;
    const cost = costPerMillion(
      {
        departments: options.departments,
        transitionsPerSubmission: counts.transitionsPerSubmission,
        functions: counts.invocationsByFunction.map((f) => ({
          logicalId: f.logicalId,
          invocationsPerSubmission: f.perSubmission,
          meanDurationMs: f.meanDurationMs,
        })),
        writeUnitsPerSubmission: counts.writeUnitsPerSubmission,
        readUnitsPerSubmission: counts.readUnitsPerSubmission,
        indexWriteUnitsByIndex: counts.indexWriteUnitsByIndex,
        apiRequestsPerSubmission: 1 + options.departments,
        tracesPerSubmission: 2 + options.departments,
        traceSamplingRate: traceSamplingRate(template),
      },
      functionMemory(template),
    );
    const bundles = options.bundles ? measureLambdaBundles(template, { init: true }) : [];
    const { log: _log, ...recorded } = options;
    const summary: BenchmarkSummary = {
      throughput: round(service.throughputPhase.throughput),
      baselineThroughput: round(baseline.throughputPhase.throughput),
      ratio: round(service.throughputPhase.throughput / baseline.throughputPhase.throughput, 3),
      p50Ms: round(service.ratePhase.delivered.p50, 1),
      p95Ms: round(service.ratePhase.delivered.p95, 1),
      p99Ms: round(service.ratePhase.delivered.p99, 1),
      rssMb: round(service.peakRssMb, 1),
      transitionsPerSubmission: round(counts.transitionsPerSubmission),
      lambdaInvocationsPerSubmission: round(counts.lambdaInvocationsPerSubmission),
      dynamoWritesPerSubmission: round(counts.dynamoWritesPerSubmission),
      dynamoRequestsPerSubmission: round(counts.dynamoWritesPerSubmission + counts.dynamoReadsPerSubmission),
      usdPerMillionSubmissions: round(totalUsd(cost)),
      cpuMsPerSubmission: round(service.throughputPhase.cpuMsPerSubmission, 1),
      baselineCpuMsPerSubmission: round(baseline.throughputPhase.cpuMsPerSubmission, 1),
      latencyRate: options.rate,
      overloadRate: service.overloadPhase ? options.overloadRate : null,
      overloadP50Ms: service.overloadPhase ? round(service.overloadPhase.delivered.p50, 1) : null,
      overloadP99Ms: service.overloadPhase ? round(service.overloadPhase.delivered.p99, 1) : null,
    };
    return {
      options: recorded,
      service: {
        throughputPhase: service.throughputPhase,
        ratePhase: service.ratePhase,
        overloadPhase: service.overloadPhase,
        peakRssMb: service.peakRssMb,
      },
      baseline,
      counts,
      cost,
      bundles,
      summary,
    };
  } finally {
    await Promise.all(departments.map((d) => d.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
