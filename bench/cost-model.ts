import type { CloudFormationTemplate } from '../local/synthesized-template';

/**
 * eu-west-2 (London) on-demand list prices, in US dollars, without free tiers. Each line names the
 * page it comes from; Step Functions was read from a stored copy of its page, the others are AWS's
 * published list prices as we know them: this machine has no network to re-check them. Re-check
 * before budgeting.
 */
export const EU_WEST_2_PRICES = {
  asOf: '2026-11-29',
  /** aws.amazon.com/step-functions/pricing: Standard, state transitions, Europe (London). */
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  /** aws.amazon.com/lambda/pricing: requests. */
  lambdaPerRequest: 0.2 / 1e6,
  /** aws.amazon.com/lambda/pricing: duration, Arm, first tier. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** aws.amazon.com/dynamodb/pricing/on-demand: write request units (a GSI's writes are billed alike). */
  dynamoDbPerWriteRequestUnit: 0.7068 / 1e6,
  /** aws.amazon.com/dynamodb/pricing/on-demand: read request units. */
  dynamoDbPerReadRequestUnit: 0.1413 / 1e6,
  /** aws.amazon.com/api-gateway/pricing: HTTP APIs, first 300 million requests. */
  httpApiPerRequest: 1.11 / 1e6,
  /** aws.amazon.com/xray/pricing: traces recorded. */
  xrayPerTraceRecorded: 5.0 / 1e6,
  /** aws.amazon.com/cloudwatch/pricing: logs ingested (vended logs' first tier alike), Europe (London). */
  cloudWatchLogsPerGbIngested: 0.5985,
  /** aws.amazon.com/cloudwatch/pricing: logs stored, per GB-month, Europe (London). */
  cloudWatchLogsPerGbMonthStored: 0.0315,
  /** aws.amazon.com/cloudfront/pricing: HTTPS requests, Europe and North America (the distribution's price class 100). */
  cloudFrontPerHttpsRequest: 0.012 / 10_000,
  /** aws.amazon.com/cloudfront/pricing: data transfer out to the internet, Europe, first 10 TB a month. */
  cloudFrontPerGbOut: 0.085,
  /** aws.amazon.com/cloudfront/pricing: CloudFront Functions invocations (the viewer-request function on every uncached request). */
  cloudFrontFunctionPerInvocation: 0.1 / 1e6,
  /** aws.amazon.com/waf/pricing: requests inspected by a web ACL (its $5 a month and $1 per rule a month are fixed, not per submission). */
  wafPerRequest: 0.6 / 1e6,
} as const;

/**
 * What the model assumes where the bench cannot measure (each is a stated rate, not a measurement):
 * change one and the bill follows.
 */
export const COST_ASSUMPTIONS = {
  /** Delivery retries per delivery: one department in ten needs one more attempt. */
  deliveryRetriesPerDelivery: 0.1,
  /**
   * Per retry: the DeliverAndAwait task's own Retry (1; a Retry-After or a hold takes 2: WaitBeforeRetry,
   * DeliverAndAwait).
   */
  transitionsPerDeliveryRetry: 1,
  /**
   * Per retry, the failed attempt's writes: its start (with the task token) and its error (with
   * the FAILED entry), two updates of a notification item past 1 KB once it holds its token and
   * entries (2 units each, as the bench measures the answer's update); each rewrites the
   * notification's listing index entry (it projects `attempts`, `lastError` and `updatedAt`: 1 unit
   * each; the feed index holds keys only); and the step's read of its five items (one consistent
   * BatchGetItem).
   */
  writeUnitsPerDeliveryRetry: 4,
  indexWriteUnitsPerDeliveryRetry: 2,
  readUnitsPerDeliveryRetry: 5,
  /** Share of submissions made through the web pages (the rest through the API): all of them, an upper bound. */
  webShareOfSubmissions: 1,
  /**
   * Page requests of one web submission that reach the web pages function: start, sign-in, 8
   * questions (GET and POST), check answers (GET and POST), confirmation, 2 progress views.
   */
  webRequestsPerSubmission: 22,
  /**
   * Asset requests of one web submission (stylesheet, script, favicon, two fonts, crest), each fetched
   * once and then cached by the browser: CloudFront serves them from its cache
   * (lib/public-distribution.ts), so they cost edge requests and bytes but no origin request.
   */
  webAssetRequestsPerSubmission: 6,
  /**
   * Bytes CloudFront sends, compressed, per page and for one submission's assets. Measured on
   * `npm start` on 2026-12-03: the start page is 11.3 KB of HTML, 3.7 KB gzipped (plus headers);
   * the assets 16.2 KB of stylesheet, 0.7 KB of script, 0.9 KB of favicon, 31.5 and 33.3 KB of
   * fonts (woff2, already compressed) and 15 KB of crest.
   */
  webBytesPerPage: 4 * 1024,
  webAssetBytesPerSubmission: 98 * 1024,
  /** Bytes CloudFront sends per API request (a JSON answer with its headers). */
  apiBytesPerRequest: 1024,
  /** Per page request: the journey's read, and its write on a POST (about 2 in 5). */
  webReadUnitsPerRequest: 1,
  webWriteUnitsPerRequest: 0.4,
  webMeanDurationMs: 30,
  webMemoryMb: 512,
  /** How long a submission stays open, until its last department answers. */
  meanOpenHours: 48,
  /** Executions that end early (fail, time out, are aborted) and are resumed from their event, per submission. */
  executionsEndedEarlyPerSubmission: 0.001,
  /** Bytes of one Step Functions log event at level ALL without execution data. */
  workflowLogEventBytes: 350,
  /** Log events per state transition (entered, exited) and extra per Lambda task (scheduled, started, succeeded). */
  workflowLogEventsPerTransition: 2,
  workflowLogEventsPerTask: 3,
  /** Retention of the workflow's log group (lib/notification-workflow.ts: three months). */
  workflowLogMonthsStored: 3,
} as const;

/** Bytes of platform log lines (START, END, REPORT) each invocation writes to CloudWatch Logs. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 400;
/** Retention of every function's log group (lib/service-log-group.ts: three months). */
const LAMBDA_LOG_MONTHS_STORED = 3;

/** The reconciler's design (lib/submission-reconciler.ts): a sweep every 6 hours of the submissions open for over an hour. */
export const RECONCILER = { sweepEveryHours: 6, staleAfterHours: 1, readUnitsPerCheck: 1.5, lambdaMsPerCheck: 10, memoryMb: 512 } as const;

export interface FunctionUsage {
  readonly logicalId: string;
  readonly invocationsPerSubmission: number;
  readonly meanDurationMs: number;
}

export interface SubmissionUsage {
  readonly departments: number;
  readonly transitionsPerSubmission: number;
  readonly functions: readonly FunctionUsage[];
  readonly writeUnitsPerSubmission: number;
  readonly readUnitsPerSubmission: number;
  /**
   * Write units of each secondary index, by name (the bench estimates them from each write and the
   * template's projections: bench/measurements.ts, `IndexWriteEstimator`).
   */
  readonly indexWriteUnitsByIndex: Readonly<Record<string, number>>;
  /** HTTP API requests: the submission and one confirmation per department. */
  readonly apiRequestsPerSubmission: number;
  /** Traces the API requests and executions start (the sampling rule records a share of them; the web channel's are added here). */
  readonly tracesPerSubmission: number;
  /** The share X-Ray records (lib/trace-sampling.ts). */
  readonly traceSamplingRate: number;
}

export interface CostLine {
  readonly item: string;
  readonly quantityPerMillion: number;
  readonly unit: string;
  readonly usdPerMillion: number;
}

/** Each function's memory (MB) from the synthesized template. */
export function functionMemory(template: CloudFormationTemplate): Map<string, number> {
  const memory = new Map<string, number>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') memory.set(id, Number(resource.Properties?.MemorySize ?? 128));
  }
  return memory;
}

/** The share of traces the template's X-Ray sampling rule records (1 without a rule: the model's upper bound). */
export function traceSamplingRate(template: CloudFormationTemplate): number {
  const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::XRay::SamplingRule');
  return Number(rule?.Properties?.SamplingRule?.FixedRate ?? 1);
}

/**
 * The reconciler's cost with `openSubmissions` open at any time, per day: each sweep checks every
 * stale one (a share of the listing query, a read of the submission, DescribeExecution, which is
 * not billed but throttled); ended executions come as events and are priced per submission.
 */
export function reconcilerCostPerDay(openSubmissions: number, prices = EU_WEST_2_PRICES) {
  const sweepsPerDay = 24 / RECONCILER.sweepEveryHours;
  const checksPerDay = sweepsPerDay * openSubmissions;
  const readUnits = checksPerDay * RECONCILER.readUnitsPerCheck;
  const gbSeconds = (((checksPerDay * RECONCILER.lambdaMsPerCheck) / 1000) * RECONCILER.memoryMb) / 1024;
  return {
    sweepsPerDay,
    describeExecutionsPerDay: checksPerDay,
    usdPerDay:
      readUnits * prices.dynamoDbPerReadRequestUnit + gbSeconds * prices.lambdaArmPerGbSecond + sweepsPerDay * prices.lambdaPerRequest,
  };
}

/** The bill per million submissions, line by line. Lambda durations are billed rounded up to the millisecond. */
export function costPerMillion(
  usage: SubmissionUsage,
  memoryMb: Map<string, number>,
  prices = EU_WEST_2_PRICES,
  assume = COST_ASSUMPTIONS,
): CostLine[] {
  const million = 1e6;
  const line = (item: string, perSubmission: number, unit: string, price: number): CostLine => ({
    item,
    quantityPerMillion: perSubmission * million,
    unit,
    usdPerMillion: perSubmission * million * price,
  });
  const invocations = usage.functions.reduce((sum, f) => sum + f.invocationsPerSubmission, 0);
  const gbSeconds = usage.functions.reduce((sum, f) => {
    const memoryGb = (memoryMb.get(f.logicalId) ?? 128) / 1024;
    return sum + ((f.invocationsPerSubmission * Math.ceil(f.meanDurationMs)) / 1000) * memoryGb;
  }, 0);
  const web = assume.webShareOfSubmissions * assume.webRequestsPerSubmission;
  const retries = usage.departments * assume.deliveryRetriesPerDelivery;
  // Every invocation writes its platform lines: the workflow's and the API's, the retries' and the web pages'.
  const logGb = ((invocations + retries + web) * PLATFORM_LOG_BYTES_PER_INVOCATION) / 1024 ** 3;

  const tasks = invocations; // Every workflow Lambda is a Task; the API's are not, an upper bound that stays small.
  const workflowLogGb =
    ((usage.transitionsPerSubmission * assume.workflowLogEventsPerTransition + tasks * assume.workflowLogEventsPerTask) *
      assume.workflowLogEventBytes) /
    1024 ** 3;

  const deliver = usage.functions.find((f) => /DeliverNotification/.test(f.logicalId));
  const retryGbSeconds = deliver
    ? (((retries * Math.ceil(deliver.meanDurationMs)) / 1000) * (memoryMb.get(deliver.logicalId) ?? 128)) / 1024
    : 0;

  const webAssets = assume.webShareOfSubmissions * assume.webAssetRequestsPerSubmission;
  // Every request of either channel passes CloudFront and its web ACL; only uncached ones run the viewer-request function.
  const edgeRequests = usage.apiRequestsPerSubmission + web + webAssets;
  const edgeGb =
    (usage.apiRequestsPerSubmission * assume.apiBytesPerRequest +
      web * assume.webBytesPerPage +
      assume.webShareOfSubmissions * assume.webAssetBytesPerSubmission) /
    1024 ** 3;
  const webGbSeconds = (((web * assume.webMeanDurationMs) / 1000) * assume.webMemoryMb) / 1024;

  // Per submission: the sweeps it is checked in while stale, and its share of resumptions from events.
  const sweepChecks = Math.max(0, assume.meanOpenHours - RECONCILER.staleAfterHours) / RECONCILER.sweepEveryHours;
  const reconcilerReadUnits = sweepChecks * RECONCILER.readUnitsPerCheck + assume.executionsEndedEarlyPerSubmission * 4;
  const reconcilerGbSeconds = (((sweepChecks * RECONCILER.lambdaMsPerCheck) / 1000) * RECONCILER.memoryMb) / 1024;

  return [
    line(
      'Step Functions Standard state transitions',
      usage.transitionsPerSubmission,
      'transitions',
      prices.stepFunctionsStandardPerTransition,
    ),
    line('Lambda requests', invocations, 'requests', prices.lambdaPerRequest),
    line('Lambda compute (arm64)', gbSeconds, 'GB-seconds', prices.lambdaArmPerGbSecond),
    line('DynamoDB on-demand writes (table)', usage.writeUnitsPerSubmission, 'write request units', prices.dynamoDbPerWriteRequestUnit),
    ...Object.entries(usage.indexWriteUnitsByIndex).map(([index, units]) =>
      line(`DynamoDB on-demand writes (${index} index)`, units, 'write request units', prices.dynamoDbPerWriteRequestUnit),
    ),
    line('DynamoDB on-demand reads', usage.readUnitsPerSubmission, 'read request units', prices.dynamoDbPerReadRequestUnit),
    line('API Gateway HTTP API requests', usage.apiRequestsPerSubmission, 'requests', prices.httpApiPerRequest),
    line('CloudFront HTTPS requests (API, web pages and assets)', edgeRequests, 'requests', prices.cloudFrontPerHttpsRequest),
    line('CloudFront data transfer out', edgeGb, 'GB', prices.cloudFrontPerGbOut),
    line(
      'CloudFront Functions (viewer request, uncached requests)',
      usage.apiRequestsPerSubmission + web,
      'invocations',
      prices.cloudFrontFunctionPerInvocation,
    ),
    line('AWS WAF requests inspected', edgeRequests, 'requests', prices.wafPerRequest),
    line(
      `X-Ray traces recorded (sampling rule: ${usage.traceSamplingRate * 100} %; API, workflow and web pages)`,
      (usage.tracesPerSubmission + web) * usage.traceSamplingRate,
      'traces',
      prices.xrayPerTraceRecorded,
    ),
    line('CloudWatch Logs ingestion (Lambda platform lines, every invocation)', logGb, 'GB', prices.cloudWatchLogsPerGbIngested),
    line(
      `CloudWatch Logs storage (Lambda platform lines, ${LAMBDA_LOG_MONTHS_STORED} months)`,
      logGb * LAMBDA_LOG_MONTHS_STORED,
      'GB-months',
      prices.cloudWatchLogsPerGbMonthStored,
    ),
    line('CloudWatch Logs ingestion (Step Functions, level ALL)', workflowLogGb, 'GB', prices.cloudWatchLogsPerGbIngested),
    line(
      `CloudWatch Logs storage (Step Functions, ${assume.workflowLogMonthsStored} months)`,
      workflowLogGb * assume.workflowLogMonthsStored,
      'GB-months',
      prices.cloudWatchLogsPerGbMonthStored,
    ),
    line(
      `Delivery retries (${assume.deliveryRetriesPerDelivery} per delivery): transitions`,
      retries * assume.transitionsPerDeliveryRetry,
      'transitions',
      prices.stepFunctionsStandardPerTransition,
    ),
    line('Delivery retries: Lambda requests', retries, 'requests', prices.lambdaPerRequest),
    line('Delivery retries: Lambda compute', retryGbSeconds, 'GB-seconds', prices.lambdaArmPerGbSecond),
    line(
      'Delivery retries: DynamoDB writes',
      retries * assume.writeUnitsPerDeliveryRetry,
      'write request units',
      prices.dynamoDbPerWriteRequestUnit,
    ),
    line(
      'Delivery retries: DynamoDB index writes (listing)',
      retries * assume.indexWriteUnitsPerDeliveryRetry,
      'write request units',
      prices.dynamoDbPerWriteRequestUnit,
    ),
    line(
      'Delivery retries: DynamoDB reads',
      retries * assume.readUnitsPerDeliveryRetry,
      'read request units',
      prices.dynamoDbPerReadRequestUnit,
    ),
    line('Web channel: HTTP API requests', web, 'requests', prices.httpApiPerRequest),
    line('Web channel: Lambda requests', web, 'requests', prices.lambdaPerRequest),
    line('Web channel: Lambda compute', webGbSeconds, 'GB-seconds', prices.lambdaArmPerGbSecond),
    line('Web channel: DynamoDB reads', web * assume.webReadUnitsPerRequest, 'read request units', prices.dynamoDbPerReadRequestUnit),
    line('Web channel: DynamoDB writes', web * assume.webWriteUnitsPerRequest, 'write request units', prices.dynamoDbPerWriteRequestUnit),
    line(
      `Reconciler: sweeps (${sweepChecks.toFixed(1)} checks while open ${assume.meanOpenHours} h) and resumptions`,
      reconcilerReadUnits,
      'read request units',
      prices.dynamoDbPerReadRequestUnit,
    ),
    line('Reconciler: Lambda compute', reconcilerGbSeconds, 'GB-seconds', prices.lambdaArmPerGbSecond),
  ];
}

export function totalUsd(lines: readonly CostLine[]): number {
  return lines.reduce((sum, line) => sum + line.usdPerMillion, 0);
}
