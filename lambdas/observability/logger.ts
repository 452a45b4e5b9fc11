import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The service's structured logger. Log ids and outcomes only: never personal data, request
 * bodies, secrets, API keys or task tokens.
 */
export const logger = new Logger({ serviceName: 'tell-us-once' });

/** What may be logged of an unexpected error: its class and a message stripped of anything after a newline. */
export function describeError(error: unknown): { errorName: string; errorMessage: string } {
  const name = (error as { name?: string })?.name ?? 'Error';
  const message = String((error as { message?: string })?.message ?? error).split('\n')[0].slice(0, 300);
  return { errorName: name, errorMessage: message };
}
