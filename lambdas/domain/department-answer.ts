// The body of POST /v1/notifications/{id}/confirmation (CONTRACT section 6): a department's
// answer to a notification it received.
import * as z from 'zod/mini';

export const departmentAnswerSchema = z.strictObject({
  outcome: z.enum(['CONFIRMED', 'REJECTED'], { error: 'Answer CONFIRMED or REJECTED.' }),
  departmentReference: z.optional(z.string().check(z.maxLength(100, 'Keep departmentReference to 100 characters or fewer.'))),
  reason: z.optional(z.string().check(z.maxLength(500, 'Keep reason to 500 characters or fewer.'))),
});

export type DepartmentAnswerBody = z.output<typeof departmentAnswerSchema>;
