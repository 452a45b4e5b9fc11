// The body of POST /v1/notifications/{id}/confirmation (CONTRACT section 6): a department's
// answer to a notification it received.
import * as z from 'zod';

export const departmentAnswerSchema = z.strictObject({
  outcome: z.enum(['CONFIRMED', 'REJECTED'], { error: 'Answer CONFIRMED or REJECTED.' }),
  departmentReference: z.string().max(100, 'Keep departmentReference to 100 characters or fewer.').optional(),
  reason: z.string().max(500, 'Keep reason to 500 characters or fewer.').optional(),
});

export type DepartmentAnswerBody = z.output<typeof departmentAnswerSchema>;
