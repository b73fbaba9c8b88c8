import type { z } from '@hono/zod-openapi';
import { problemSchema } from '@sip/shared';

export const problemContent = { 'application/problem+json': { schema: problemSchema } } as const;

/** Standard error responses for an operation's OpenAPI entry. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Malformed request',
    401: 'Missing, invalid or expired access token',
    403: 'The token does not allow this',
    404: 'Not found, or not yours to see',
    412: 'Stale If-Match',
    413: 'Request body too large',
    415: 'Body is not JSON',
    422: 'Validation failed; `errors` names each field',
    428: 'If-Match missing',
    503: 'Not ready',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? 'Error', content: problemContent }]),
  );
}

export const bearerSecurity = [{ bearer: [] as string[] }];

/**
 * A JSON media type of an operation, with its example (docs/examples.ts): what `/docs/` shows, and
 * what the route's schema must parse (http/openapi-examples.test.ts).
 */
export const jsonContent = <T extends z.ZodType>(schema: T, example: unknown) => ({ 'application/json': { schema, example } });

/** A required JSON request body, with its example. */
export const jsonBody = <T extends z.ZodType>(schema: T, example: unknown) => ({ body: { required: true, content: jsonContent(schema, example) } });
