import { runBenchmark } from '../../bench/benchmark';

/**
 * The benchmark's measurement code on a tiny run (3 submissions to 2 departments): the JSON
 * line has every key issue 7 names, with values that fit the workflow. No timing assertions.
 */
describe('npm run bench measures what it claims to', () => {
  it('reports throughput, latency, memory, event counts and cost from a real run', async () => {
    const result = await runBenchmark({
      submissions: 3,
      departments: 2,
      concurrency: 2,
      rate: 20,
      rateSubmissions: 3,
      overloadRate: 40,
      overloadSubmissions: 3,
      bundles: false,
      log: () => undefined,
    });
    const { summary } = result;
    expect(Object.keys(summary)).toEqual([
      'throughput',
      'baselineThroughput',
      'ratio',
      'p50Ms',
      'p95Ms',
      'p99Ms',
      'rssMb',
      'transitionsPerSubmission',
      'lambdaInvocationsPerSubmission',
      'dynamoWritesPerSubmission',
      'dynamoRequestsPerSubmission',
      'usdPerMillionSubmissions',
      'cpuMsPerSubmission',
      'baselineCpuMsPerSubmission',
      'latencyRate',
      'overloadRate',
      'overloadP50Ms',
      'overloadP99Ms',
    ]);
    // The latencies are at the latency phase's rate; the overload phase has its own.
    expect(summary.latencyRate).toBe(20);
    expect(summary.overloadRate).toBe(40);
    expect(summary.p99Ms).toBe(Number(result.service.ratePhase.delivered.p99.toFixed(1)));
    expect(summary.overloadP99Ms).toBe(Number(result.service.overloadPhase!.delivered.p99.toFixed(1)));
    expect(summary.cpuMsPerSubmission).toBeGreaterThan(0);
    expect(summary.baselineCpuMsPerSubmission).toBeGreaterThan(0);
    for (const value of Object.values(summary)) expect(Number.isFinite(value)).toBe(true);
    expect(summary.throughput).toBeGreaterThan(0);
    expect(summary.baselineThroughput).toBeGreaterThan(0);
    expect(summary.ratio).toBeCloseTo(summary.throughput / summary.baselineThroughput, 1);
    expect(summary.p50Ms).toBeLessThanOrEqual(summary.p95Ms);
    expect(summary.p95Ms).toBeLessThanOrEqual(summary.p99Ms);
    expect(summary.rssMb).toBeGreaterThan(20);

    // Issue 13's budget, D + 2 for D departments: the Map and Finalise, and one DeliverAndAwait per
    // department (it delivers and waits for the answer in one state). A retry or an extra state on
    // the happy path would exceed it.
    expect(summary.transitionsPerSubmission).toBeGreaterThanOrEqual(2 + 2);
    expect(summary.transitionsPerSubmission).toBeLessThanOrEqual(2 + 2);
    // Submission API and Finalise; per department DeliverAndAwait and its confirmation: 2D + 2.
    expect(summary.lambdaInvocationsPerSubmission).toBe(2 + 2 * 2);
    // At least the submission, its notifications, each delivery and each answer are written.
    expect(summary.dynamoWritesPerSubmission).toBeGreaterThanOrEqual(1 + 2 * 3);
    expect(result.counts.writeUnitsPerSubmission).toBeGreaterThanOrEqual(summary.dynamoWritesPerSubmission);
    // Every request counts, reads as well as writes.
    expect(summary.dynamoRequestsPerSubmission).toBeGreaterThan(summary.dynamoWritesPerSubmission);
    expect(result.counts.readUnitsPerSubmission).toBeGreaterThan(0);
    // Both indexes are billed, each from the template's projection: every notification gets a feed
    // entry and a listing entry that moves as it is delivered and answered (2 writes each move).
    expect(Object.keys(result.counts.indexWriteUnitsByIndex).sort()).toEqual(['feed', 'listing']);
    expect(result.counts.indexWriteUnitsByIndex.feed).toBeGreaterThanOrEqual(2);
    expect(result.counts.indexWriteUnitsByIndex.listing).toBeGreaterThanOrEqual(2 * (1 + 2 + 2));
    expect(result.cost.map((line) => line.item)).toEqual(
      expect.arrayContaining(['DynamoDB on-demand writes (listing index)', 'DynamoDB on-demand writes (feed index)']),
    );
    // The breakdown by function and command accounts for every request, each named by its caller.
    const breakdown = result.counts.dynamoRequestsByFunction;
    expect(breakdown.reduce((sum, r) => sum + r.perSubmission, 0)).toBeCloseTo(summary.dynamoRequestsPerSubmission, 1);
    expect(breakdown.map((r) => r.request)).toContain('WorkflowDeliverNotificationFunction BatchGetItem');
    for (const r of breakdown)
      expect(r.request).toMatch(/^[A-Za-z]+ (GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem)$/);
    expect(summary.usdPerMillionSubmissions).toBeCloseTo(
      result.cost.reduce((sum, line) => sum + line.usdPerMillion, 0),
      1,
    );
    expect(result.cost.find((line) => line.item.startsWith('Step Functions'))!.quantityPerMillion).toBeCloseTo(
      summary.transitionsPerSubmission * 1e6,
      -3,
    );

    // Every delivery of both the service and the baseline arrived and was timed; the baseline's
    // throughput phase drives ten times the submissions, so it lasts about as long as the service's.
    expect(result.baseline.throughputPhase.count).toBe(30);
    for (const phase of [
      result.service.throughputPhase,
      result.service.ratePhase,
      result.service.overloadPhase!,
      result.baseline.throughputPhase,
      result.baseline.ratePhase,
      result.baseline.overloadPhase!,
    ]) {
      if (phase !== result.baseline.throughputPhase) expect(phase.count).toBe(3);
      expect(phase.delivered.p50).toBeGreaterThanOrEqual(0);
      expect(phase.completed.p99).toBeGreaterThanOrEqual(phase.delivered.p50);
    }
  }, 120_000);
});
