/**
 * `npm run test:load [count]`: 1,000 submissions (or the count given) to 4 departments on one machine (`npm start`, as an
 * operator runs it). Every one must reach a final status, none lost, no department told twice
 * under different ids, no 5xx; the service's memory (the whole process tree's resident set) is
 * sampled throughout, printed at each thousand acknowledged, and must stay under
 * TUO_LOAD_MAX_RSS_MB (default 1024). Too slow for
 * `npm test`; prints its counts and exits non-zero on any failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfirmingDepartment } from '../support/confirming-department';
import { changeOfAddress, ServiceClient } from '../support/service-client';
import { freePort, SpawnedService } from '../support/spawned-service';

const SUBMISSIONS = Number(process.argv[2] ?? process.env.TUO_LOAD_SUBMISSIONS ?? '1000');
const CONCURRENCY = Number(process.env.TUO_LOAD_CONCURRENCY ?? '20');
const MAX_RSS_MB = Number(process.env.TUO_LOAD_MAX_RSS_MB ?? '1024');
/** How long one department (load-council) answers 503 to everything from the start (its endpoint turns failing). */
const DOWN_SECONDS = Number(process.env.TUO_LOAD_DOWN_SECONDS ?? '5');
/** The probe interval at the load run's TUO_TIME_SCALE (5 minutes x 0.001). */
const PROBE_INTERVAL_MS = 300;

/** Resident memory of every process in the service's process group, in MB. */
function treeRssMb(processGroup: number): number {
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '-g', String(processGroup)], { encoding: 'utf8' });
    return out.split('\n').reduce((sum, line) => sum + (Number(line.trim()) || 0), 0) / 1024;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tuo-load-'));
  const service = new SpawnedService(await freePort(), {
    TUO_DATA_DIR: dataDir,
    TUO_DEMO: '0',
    TUO_TIME_SCALE: '0.001',
    TUO_ADMIN_TOKEN: 'load-admin-token',
  });
  const departments = [
    new ConfirmingDepartment('load-tax', { confirmationRequired: true, confirmAfterMs: 100 }),
    new ConfirmingDepartment('load-licensing', { confirmationRequired: true, confirmAfterMs: 20 }),
    new ConfirmingDepartment('load-library', { confirmationRequired: false }),
    new ConfirmingDepartment('load-council', { confirmationRequired: true, confirmAfterMs: 50, downUntil: 0 }),
  ];
  let peakRssMb = 0;
  let sampler: NodeJS.Timeout | undefined;
  let tokenRefreshTimer: NodeJS.Timeout | undefined;
  try {
    const readyIn = await service.start(120_000);
    const client = new ServiceClient(service.url, 'load-admin-token');
    for (const d of departments) await d.register(client);
    const downFrom = Date.now();
    const downUntil = downFrom + DOWN_SECONDS * 1000;
    departments[3].behaviour.downUntil = downUntil; // One department down for part of the run.
    const group = service.processGroup();
    sampler = setInterval(() => {
      peakRssMb = Math.max(peakRssMb, treeRssMb(group));
    }, 1000);
    const rssAtStartMb = treeRssMb(group);
    const rssAtThousands: number[] = [];

    // A citizen's token expires; a long run signs in again every 10 minutes, as a client would.
    let token = await client.citizenToken('citizen-load');
    tokenRefreshTimer = setInterval(() => {
      client.citizenToken('citizen-load').then(
        (t) => {
          token = t;
        },
        () => undefined,
      );
    }, 10 * 60_000);
    const started = Date.now();
    const acknowledged = new Map<number, string>();
    let fiveHundreds = 0;
    let networkErrors = 0;
    const networkError = (error: Error & { cause?: Error }) => {
      networkErrors++;
      if (networkErrors <= 3) console.log(`[load test] network error (retried): ${error.message}: ${error.cause?.message ?? ''}`);
      return undefined;
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SUBMISSIONS) {
          const i = next++;
          for (;;) {
            // A dropped connection is retried under the same key, as a client would: it cannot duplicate anything.
            const answer = await client.submit(token, `load-${i}`, changeOfAddress(departments.map((d) => d.id))).catch(networkError);
            if (!answer) continue;
            if (answer.status >= 500) fiveHundreds++;
            if (answer.status === 202) {
              acknowledged.set(i, answer.json.id);
              if (acknowledged.size % 1000 === 0) {
                const rss = treeRssMb(group);
                rssAtThousands.push(Math.round(rss));
                console.log(`[load test] ${acknowledged.size} acknowledged: process tree RSS ${rss.toFixed(0)} MB`);
              }
              break;
            }
            if (answer.status !== 503) throw new Error(`Submission ${i}: ${answer.status} ${answer.text}`);
          }
        }
      }),
    );
    const submittedInMs = Date.now() - started;

    const finals = new Map<string, any>();
    const deadline = Date.now() + 15 * 60_000;
    while (finals.size < acknowledged.size && Date.now() < deadline) {
      const pending = [...acknowledged.values()].filter((id) => !finals.has(id));
      for (let i = 0; i < pending.length; i += CONCURRENCY) {
        await Promise.all(
          pending.slice(i, i + CONCURRENCY).map(async (id) => {
            const current = await client.submission(token, id).catch(networkError);
            if (!current) return;
            if (current.status >= 500) fiveHundreds++;
            if (current.status === 200 && current.json.status !== 'IN_PROGRESS') finals.set(id, current.json);
          }),
        );
      }
      if (finals.size < acknowledged.size) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const allFinalInMs = Date.now() - started;
    const rssAfterMb = treeRssMb(group);

    let duplicatesUnderNewId = 0;
    for (const d of departments) for (const ids of d.deliveriesByReference().values()) if (ids.size > 1) duplicatesUnderNewId++;
    const lost = acknowledged.size - finals.size;

    // The department that was down: how many attempts it got, and how many once its endpoint was failing.
    const events = (await client.request('GET', '/v1/operator/events?limit=100', { token: 'load-admin-token' })).json.items.filter(
      (e: any) => e.department === departments[3].id,
    );
    const failingAt = Date.parse(events.find((e: any) => e.type === 'endpoint.failing')?.at ?? '') || undefined;
    const healthyAt = Date.parse(events.find((e: any) => e.type === 'endpoint.healthy')?.at ?? '') || undefined;
    const downAttempts = departments[3].receiver.received.filter((d) => d.receivedAt < downUntil).length;
    // Attempts already on their way when it turned failing land in the first moments; then only probes.
    const heldFrom = failingAt ? failingAt + 1_000 : downUntil;
    const heldUntil = Math.min(downUntil, healthyAt ?? downUntil);
    const attemptsWhileHeld = departments[3].receiver.received.filter((d) => d.receivedAt >= heldFrom && d.receivedAt < heldUntil).length;
    const probeBudget = Math.max(0, Math.ceil((heldUntil - heldFrom) / PROBE_INTERVAL_MS)) + 2;
    console.log(
      `[load test] ${departments[3].id} down for ${DOWN_SECONDS} s: ${downAttempts} attempts while down for ${acknowledged.size} notifications; ` +
        `failing after ${failingAt ? failingAt - downFrom : '-'} ms, healthy again ${healthyAt ? healthyAt - downUntil : '-'} ms after it came back; ` +
        `${attemptsWhileHeld} attempts in the ${Math.max(0, heldUntil - heldFrom)} ms it was held (probe budget ${probeBudget})`,
    );
    const statuses = [...finals.values()].reduce<Record<string, number>>((c, s) => ({ ...c, [s.status]: (c[s.status] ?? 0) + 1 }), {});
    console.log(
      `[load test] ready in ${readyIn} ms; submitted: ${SUBMISSIONS} in ${submittedInMs} ms; acknowledged: ${acknowledged.size}; final: ${finals.size} ${JSON.stringify(statuses)} after ${allFinalInMs} ms; lost: ${lost}; duplicates under a new id: ${duplicatesUnderNewId}; 5xx: ${fiveHundreds}; network errors retried: ${networkErrors}; memory (process tree RSS): ${rssAtStartMb.toFixed(0)} MB at start, ${JSON.stringify(rssAtThousands)} MB at each thousand, ${peakRssMb.toFixed(0)} MB peak, ${rssAfterMb.toFixed(0)} MB after`,
    );
    const failures = [
      lost > 0 && `${lost} lost`,
      acknowledged.size !== SUBMISSIONS && 'not every submission acknowledged',
      duplicatesUnderNewId > 0 && 'duplicates under a new id',
      fiveHundreds > 0 && '5xx answers',
      peakRssMb > MAX_RSS_MB && `memory peaked above ${MAX_RSS_MB} MB`,
      attemptsWhileHeld > probeBudget &&
        `the department that was down got ${attemptsWhileHeld} attempts while held (more than the probes allow)`,
      DOWN_SECONDS >= 10 && !failingAt && 'the department that was down never turned failing',
    ].filter(Boolean);
    if (failures.length > 0) throw new Error(failures.join('; '));
  } catch (error) {
    console.error(`[load test] the service's last output:\n${service.output.slice(-3000)}`);
    throw error;
  } finally {
    if (sampler) clearInterval(sampler);
    clearInterval(tokenRefreshTimer);
    await service.stop('SIGTERM');
    await Promise.all(departments.map((d) => d.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(
      `[load test] FAILED: ${error.message}${(error as Error & { cause?: Error }).cause ? ` (${(error as Error & { cause?: Error }).cause!.message})` : ''}\n${error.stack}`,
    );
    process.exit(1);
  },
);
