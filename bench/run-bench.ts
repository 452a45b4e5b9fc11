import '../local/process-environment';
import { BUNDLE_LIMIT_BYTES } from './lambda-bundles';
import {
  DEFAULT_OPTIONS,
  droppedConnections,
  runBenchmark,
  type BenchmarkOptions,
  type BenchmarkResult,
  type PhaseResult,
} from './benchmark';
import { EU_WEST_2_PRICES, reconcilerCostPerDay } from './cost-model';

/**
 * `npm run bench`: the one-machine service against a bare baseline doing the same HTTP work.
 * Settings come from the environment: BENCH_SUBMISSIONS, BENCH_DEPARTMENTS, BENCH_CONCURRENCY;
 * BENCH_RATE and BENCH_RATE_SUBMISSIONS (the latency phase, 3/s); BENCH_OVERLOAD_RATE and
 * BENCH_OVERLOAD_SUBMISSIONS (0: no overload phase); BENCH_BUNDLES=0; BENCH_CPU_PROFILE=<file>
 * (a CPU profile of the service's throughput phase). Prints a table, then one JSON line.
 */
function optionsFromEnvironment(): Partial<BenchmarkOptions> {
  const number = (name: string, fallback: number) => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return {
    submissions: number('BENCH_SUBMISSIONS', DEFAULT_OPTIONS.submissions),
    departments: number('BENCH_DEPARTMENTS', DEFAULT_OPTIONS.departments),
    concurrency: number('BENCH_CONCURRENCY', DEFAULT_OPTIONS.concurrency),
    rate: number('BENCH_RATE', DEFAULT_OPTIONS.rate),
    rateSubmissions: number('BENCH_RATE_SUBMISSIONS', DEFAULT_OPTIONS.rateSubmissions),
    overloadRate: number('BENCH_OVERLOAD_RATE', DEFAULT_OPTIONS.overloadRate),
    // 0 leaves the overload phase out.
    overloadSubmissions:
      process.env.BENCH_OVERLOAD_SUBMISSIONS === '0' ? 0 : number('BENCH_OVERLOAD_SUBMISSIONS', DEFAULT_OPTIONS.overloadSubmissions),
    bundles: process.env.BENCH_BUNDLES !== '0',
    cpuProfile: process.env.BENCH_CPU_PROFILE || undefined,
    log: (line) => console.error(line),
  };
}

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function table(headers: string[], rows: Array<Array<string>>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function phaseRow(name: string, phase: PhaseResult): string[] {
  return [
    name,
    String(phase.count),
    f(phase.throughput),
    f(phase.cpuMsPerSubmission),
    f(phase.delivered.p50),
    f(phase.delivered.p95),
    f(phase.delivered.p99),
    f(phase.completed.p50),
    f(phase.completed.p95),
    f(phase.completed.p99),
  ];
}

export function report(result: BenchmarkResult): string {
  const { options, service, baseline, counts, cost, bundles, summary } = result;
  const out: string[] = [];
  out.push(
    `Tell Us Once benchmark, ${options.departments} departments per submission; Node ${process.version}; latencies in ms from the 202.`,
  );
  out.push('The cores are shared with other work on this machine: treat the numbers as noisy.');
  out.push('');
  out.push(
    table(
      ['phase', 'n', 'submissions/s', 'CPU ms/submission', 'delivered p50', 'p95', 'p99', 'COMPLETED p50', 'p95', 'p99'],
      [
        phaseRow(`service, ${options.concurrency} in flight`, service.throughputPhase),
        phaseRow(`baseline, ${options.concurrency} in flight`, baseline.throughputPhase),
        phaseRow(`service, ${options.rate}/s arrivals`, service.ratePhase),
        phaseRow(`baseline, ${options.rate}/s arrivals`, baseline.ratePhase),
        ...(service.overloadPhase && baseline.overloadPhase
          ? [
              phaseRow(`service, ${options.overloadRate}/s arrivals (overload)`, service.overloadPhase),
              phaseRow(`baseline, ${options.overloadRate}/s arrivals`, baseline.overloadPhase),
            ]
          : []),
      ],
    ),
  );
  out.push('');
  out.push(
    `ratio (service / baseline throughput): ${f(summary.ratio, 3)}; p99 from the 202 to delivered at ${options.rate}/s: ${f(summary.p99Ms)} ms; peak RSS of the process during the service phases: ${f(summary.rssMb)} MB`,
  );
  out.push('');
  out.push(
    table(
      ['per submission', 'measured'],
      [
        ['state transitions', f(counts.transitionsPerSubmission, 2)],
        ['Lambda invocations', f(counts.lambdaInvocationsPerSubmission, 2)],
        ...counts.invocationsByFunction.map((fn) => [
          `  ${fn.logicalId} (mean ${f(fn.meanDurationMs)} ms, one submission at a time)`,
          f(fn.perSubmission, 2),
        ]),
        ['DynamoDB write requests', f(counts.dynamoWritesPerSubmission, 2)],
        ['DynamoDB read requests', f(counts.dynamoReadsPerSubmission, 2)],
        ...counts.dynamoRequestsByFunction.map((r) => [`  ${r.request}`, f(r.perSubmission, 2)]),
        ['DynamoDB write request units', f(counts.writeUnitsPerSubmission, 2)],
        ['DynamoDB read request units', f(counts.readUnitsPerSubmission, 2)],
        ['DynamoDB listing-index write units (estimated from each write)', f(counts.indexWriteUnitsPerSubmission, 2)],
      ],
    ),
  );
  const reconciler = reconcilerCostPerDay(100_000);
  out.push('');
  out.push(
    `Reconciler at 100,000 open submissions: ${reconciler.sweepsPerDay} sweeps a day, ${f(reconciler.describeExecutionsPerDay, 0)} DescribeExecution calls a day, $${f(reconciler.usdPerDay, 2)} a day`,
  );
  out.push('');
  out.push(`AWS bill per million submissions, eu-west-2 list prices (${EU_WEST_2_PRICES.asOf}; see docs/performance.md):`);
  out.push(
    table(
      ['item', 'quantity', 'unit', 'USD'],
      [
        ...cost.map((c) => [c.item, f(c.quantityPerMillion, 0), c.unit, f(c.usdPerMillion, 2)]),
        ['total', '', '', f(summary.usdPerMillionSubmissions, 2)],
      ],
    ),
  );
  if (bundles.length > 0) {
    out.push('');
    out.push(
      table(
        ['Lambda bundle', 'entry', 'KB', 'module init ms (SDK and Powertools from node_modules)', 'own share ms'],
        bundles.map((b) => [
          `${b.logicalId}${b.bytes > BUNDLE_LIMIT_BYTES ? ` (over ${BUNDLE_LIMIT_BYTES / 1024} KB)` : ''}`,
          b.entry,
          f(b.bytes / 1024),
          b.initMs === undefined ? '-' : f(b.initMs),
          b.ownInitMs === undefined ? '-' : f(b.ownInitMs),
        ]),
      ),
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const result = await runBenchmark(optionsFromEnvironment());
  console.log(report(result));
  console.log(
    `\n(${((Date.now() - started) / 1000).toFixed(0)} s; connections reset and retried under the same Idempotency-Key: ${droppedConnections.retried})`,
  );
  console.log(JSON.stringify(result.summary));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
