import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { isUnavailable, sqlState } from '../db/refusal.ts';
import { RETRY_AFTER_SECONDS, UNAVAILABLE_DETAIL } from '../http/problem-response.ts';
import { ProblemError, problemTypes, type ProblemCode } from '../http/errors.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Whether a path is the FHIR face's (`/fhir` and below): its errors are OperationOutcomes. */
export function isFhirPath(path: string): boolean {
  return path === '/fhir' || path.startsWith('/fhir/');
}

type IssueCode = OperationOutcomeIssue['code'];

/** The OperationOutcome issue code of each of our problem types. */
const issueCodes: Record<ProblemCode, IssueCode> = {
  'bad-request': 'invalid',
  validation: 'invalid',
  unauthenticated: 'login',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  'method-not-allowed': 'not-supported',
  conflict: 'conflict',
  'precondition-failed': 'conflict',
  'payload-too-large': 'too-long',
  'unsupported-media-type': 'not-supported',
  'precondition-required': 'required',
  'idempotency-key-required': 'required',
  'not-ready': 'transient',
  unavailable: 'transient',
  internal: 'exception',
};

/** A FHIR error: status, issue code and what to tell the client. */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    readonly diagnostics: string,
    /** Headers the answer carries (`Allow` of a 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(diagnostics);
    this.name = 'FhirError';
  }
}

export function operationOutcome(code: IssueCode, diagnostics: string | undefined, text?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, ...(text ? { details: { text } } : {}), ...(diagnostics ? { diagnostics } : {}) }],
  };
}

/** Answers with a FHIR resource as `application/fhir+json` (indented with `_pretty=true`), keeping headers set earlier on the context. */
export function fhirResponse(c: Context, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const pretty = new URL(c.req.url).searchParams.get('_pretty') === 'true';
  return c.newResponse(JSON.stringify(body, null, pretty ? 2 : undefined), status as 200, { 'content-type': FHIR_JSON, ...headers });
}

/**
 * The error handler of the FHIR face: every error becomes an OperationOutcome with the status the
 * staff API would have answered. Detail of client errors is kept; a 500 says nothing about its
 * cause, which goes to the log by request id.
 */
export function errorToOperationOutcome(error: unknown, c: Context, logger: Logger): Response {
  if (error instanceof FhirError) {
    return fhirResponse(c, operationOutcome(error.code, error.diagnostics), error.status, error.headers);
  }
  if (error instanceof ProblemError) {
    const { status, title } = problemTypes[error.code];
    return fhirResponse(c, operationOutcome(issueCodes[error.code], error.detail, title), status, error.headers);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const headers: Record<string, string> = {};
    const authenticate = error.res?.headers.get('www-authenticate');
    if (authenticate) headers['WWW-Authenticate'] = authenticate;
    const code: IssueCode = error.status === 401 ? 'login' : error.status === 403 ? 'forbidden' : error.status === 404 ? 'not-found' : 'invalid';
    return fhirResponse(c, operationOutcome(code, error.message || undefined), error.status, headers);
  }
  const state = sqlState(error);
  if (state?.startsWith('22')) {
    // A value the database refused (see errorToResponse): the request's fault, and nothing was written.
    logger.error({ err: error, requestId: c.get('requestId'), sqlState: state }, 'database refused a value');
    return fhirResponse(c, operationOutcome('invalid', 'The request holds a value that cannot be stored; nothing was changed'), 422);
  }
  if (isUnavailable(error)) {
    logger.warn({ err: error, requestId: c.get('requestId') }, 'database unavailable');
    return fhirResponse(c, operationOutcome('transient', UNAVAILABLE_DETAIL, problemTypes.unavailable.title), 503, { 'Retry-After': RETRY_AFTER_SECONDS });
  }
  logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
  return fhirResponse(c, operationOutcome('exception', undefined, problemTypes.internal.title), 500);
}
