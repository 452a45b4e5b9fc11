import type { CloudFormationTemplate } from '../local/synthesized-template';

/**
 * eu-west-2 (London) on-demand list prices, in US dollars, without free tiers.
 * Step Functions: aws.amazon.com/step-functions/pricing (state-transitions table, Europe (London)),
 * read from a stored copy of that page. The others are AWS's published list prices as we know them
 * (aws.amazon.com/lambda/pricing, /dynamodb/pricing/on-demand, /api-gateway/pricing,
 * /xray/pricing, /cloudwatch/pricing); this machine has no network to re-check them.
 * Re-check before budgeting.
 */
export const EU_WEST_2_PRICES = {
  asOf: '2026-11-29',
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1e6,
  lambdaArmPerGbSecond: 0.0000133334,
  dynamoDbPerWriteRequestUnit: 0.7068 / 1e6,
  dynamoDbPerReadRequestUnit: 0.1413 / 1e6,
  httpApiPerRequest: 1.11 / 1e6,
  xrayPerTraceRecorded: 5.0 / 1e6,
  cloudWatchLogsPerGbIngested: 0.5985,
} as const;

/** Bytes of platform log lines (START, END, REPORT) each invocation writes to CloudWatch Logs. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 400;

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
  /** HTTP API requests: the submission and one confirmation per department. */
  readonly apiRequestsPerSubmission: number;
  /** Traces X-Ray records (active tracing, every request sampled): the submission's, the execution's and each confirmation's. */
  readonly tracesPerSubmission: number;
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

/** The bill per million submissions, line by line. Lambda durations are billed rounded up to the millisecond. */
export function costPerMillion(usage: SubmissionUsage, memoryMb: Map<string, number>, prices = EU_WEST_2_PRICES): CostLine[] {
  const million = 1e6;
  const invocations = usage.functions.reduce((sum, f) => sum + f.invocationsPerSubmission, 0);
  const gbSeconds = usage.functions.reduce((sum, f) => {
    const memoryGb = (memoryMb.get(f.logicalId) ?? 128) / 1024;
    return sum + f.invocationsPerSubmission * Math.ceil(f.meanDurationMs) / 1000 * memoryGb;
  }, 0);
  const logGb = invocations * PLATFORM_LOG_BYTES_PER_INVOCATION / 1024 ** 3;
  return [
    { item: 'Step Functions Standard state transitions', quantityPerMillion: usage.transitionsPerSubmission * million, unit: 'transitions', usdPerMillion: usage.transitionsPerSubmission * million * prices.stepFunctionsStandardPerTransition },
    { item: 'Lambda requests', quantityPerMillion: invocations * million, unit: 'requests', usdPerMillion: invocations * million * prices.lambdaPerRequest },
    { item: 'Lambda compute (arm64)', quantityPerMillion: gbSeconds * million, unit: 'GB-seconds', usdPerMillion: gbSeconds * million * prices.lambdaArmPerGbSecond },
    { item: 'DynamoDB on-demand writes', quantityPerMillion: usage.writeUnitsPerSubmission * million, unit: 'write request units', usdPerMillion: usage.writeUnitsPerSubmission * million * prices.dynamoDbPerWriteRequestUnit },
    { item: 'DynamoDB on-demand reads', quantityPerMillion: usage.readUnitsPerSubmission * million, unit: 'read request units', usdPerMillion: usage.readUnitsPerSubmission * million * prices.dynamoDbPerReadRequestUnit },
    { item: 'API Gateway HTTP API requests', quantityPerMillion: usage.apiRequestsPerSubmission * million, unit: 'requests', usdPerMillion: usage.apiRequestsPerSubmission * million * prices.httpApiPerRequest },
    { item: 'X-Ray traces recorded (upper bound: all sampled)', quantityPerMillion: usage.tracesPerSubmission * million, unit: 'traces', usdPerMillion: usage.tracesPerSubmission * million * prices.xrayPerTraceRecorded },
    { item: 'CloudWatch Logs ingestion (platform lines only)', quantityPerMillion: logGb * million, unit: 'GB', usdPerMillion: logGb * million * prices.cloudWatchLogsPerGbIngested },
  ];
}

export function totalUsd(lines: readonly CostLine[]): number {
  return lines.reduce((sum, line) => sum + line.usdPerMillion, 0);
}
