// The body of POST /v1/submissions/{id}/withdrawal (CONTRACT section 10): optional, with an optional reason.
import * as z from 'zod/mini';
import { parseWith, type ParseResult } from './problem-details';

export const WITHDRAWAL_REASON_MAX = 500;

export const withdrawalRequestSchema = z.strictObject(
  {
    reason: z.optional(
      z.string().check(z.trim(), z.maxLength(WITHDRAWAL_REASON_MAX, `Your reason must be ${WITHDRAWAL_REASON_MAX} characters or fewer.`)),
    ),
  },
  { error: () => 'The request body must be a JSON object.' },
);

export type WithdrawalRequest = z.output<typeof withdrawalRequestSchema>;

export function parseWithdrawalRequest(body: unknown): ParseResult<WithdrawalRequest> {
  return parseWith(withdrawalRequestSchema, body);
}
