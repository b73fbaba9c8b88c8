import { z } from 'zod';

/** One field-level error in a problem document: `path` is a JSON pointer into the request. */
export const fieldErrorSchema = z.object({
  path: z.string().describe('JSON pointer to the offending field, e.g. /consent/validUntil'),
  message: z.string(),
});

/** RFC 9457 problem details, as every `/api` error is answered. */
export const problemSchema = z
  .object({
    type: z.string().describe('A URI identifying the problem type'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
    requestId: z.string().optional(),
  })
  .describe('RFC 9457 problem details');

export type Problem = z.infer<typeof problemSchema>;
export type FieldError = z.infer<typeof fieldErrorSchema>;
