import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { Problem } from '@sip/shared';
import { isUnavailable, sqlState } from '../db/refusal.ts';
import { ProblemError, problemTypes, type ProblemCode } from './errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** How long a caller is asked to wait (`Retry-After`, seconds) while the database cannot be reached. */
export const RETRY_AFTER_SECONDS = '5';
export const UNAVAILABLE_DETAIL = 'The database cannot be reached right now; try again later (a write with the same Idempotency-Key)';

function statusToCode(status: number): ProblemCode {
  const entry = Object.entries(problemTypes).find(([, v]) => v.status === status);
  if (entry) return entry[0] as ProblemCode;
  return status >= 500 ? 'internal' : 'bad-request';
}

/** Builds the RFC 9457 body for a problem. */
export function problemBody(c: Context, code: ProblemCode, detail?: string, errors?: Problem['errors']): Problem {
  const { status, title } = problemTypes[code];
  return {
    type: `urn:sip-broker:problem:${code}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors?.length ? { errors } : {}),
    requestId: c.get('requestId'),
  };
}

export function problemResponse(
  c: Context,
  code: ProblemCode,
  detail?: string,
  options: { errors?: Problem['errors']; headers?: Record<string, string>; status?: number } = {},
): Response {
  const body = problemBody(c, code, detail, options.errors);
  const status = options.status ?? body.status;
  // Through the context, so headers set earlier (request id, CORS) stay on the response.
  return c.newResponse(JSON.stringify({ ...body, status }), status as 400, {
    'content-type': PROBLEM_CONTENT_TYPE,
    ...options.headers,
  });
}

/**
 * The one place errors become HTTP responses. Domain errors keep their detail; HTTP
 * exceptions from middleware keep theirs for client errors; a value the database refused
 * (SQLSTATE class 22) is a 422; a database that cannot be reached (a lost or refused connection,
 * a server shutting down) is a 503 with Retry-After; anything else is a 500 whose body says
 * nothing about the cause (the cause goes to the log, by request id).
 */
export function errorToResponse(error: unknown, c: Context, logger: Logger): Response {
  if (error instanceof ProblemError) {
    return problemResponse(c, error.code, error.detail, { errors: error.errors, headers: error.headers });
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = statusToCode(status);
    const headers: Record<string, string> = {};
    error.res?.headers.forEach((value, key) => {
      if (key.toLowerCase() === 'www-authenticate') headers[key] = value;
    });
    const detail = status < 500 ? error.message || undefined : undefined;
    return problemResponse(c, code, detail, { headers, status });
  }
  const state = sqlState(error);
  if (state?.startsWith('22')) {
    // A data exception: the database refused a value the request carried (the checks before it
    // should have refused it first; the log says which kind, never the value). Nothing was
    // written: the statement, and the transaction it was in, did not commit.
    logger.error({ err: error, requestId: c.get('requestId'), sqlState: state }, 'database refused a value');
    return problemResponse(c, 'validation', 'The request holds a value that cannot be stored; nothing was changed');
  }
  if (isUnavailable(error)) {
    logger.warn({ err: error, requestId: c.get('requestId') }, 'database unavailable');
    return problemResponse(c, 'unavailable', UNAVAILABLE_DETAIL, { headers: { 'Retry-After': RETRY_AFTER_SECONDS } });
  }
  logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
  return problemResponse(c, 'internal');
}
