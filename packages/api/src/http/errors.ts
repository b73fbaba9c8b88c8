import type { FieldError } from '@sip/shared';
import type { ZodError } from 'zod';

/** Problem types this service answers with; each maps to one HTTP status in one place. */
export const problemTypes = {
  'bad-request': { status: 400, title: 'The request is malformed' },
  validation: { status: 422, title: 'The request did not pass validation' },
  unauthenticated: { status: 401, title: 'A valid access token is required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'precondition-failed': { status: 412, title: 'The resource has changed since you read it' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'precondition-required': { status: 428, title: 'If-Match is required' },
  'idempotency-key-required': { status: 428, title: 'Idempotency-Key is required' },
  'not-ready': { status: 503, title: 'The service is not ready' },
  unavailable: { status: 503, title: 'The service is unavailable for a moment: try again' },
  internal: { status: 500, title: 'Internal server error' },
} as const;

export type ProblemCode = keyof typeof problemTypes;

/** A domain error: data that the one error handler turns into problem+json. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ProblemCode,
    detail?: string,
    options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? problemTypes[code].title);
    this.name = 'ProblemError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return problemTypes[this.code].status;
  }
}

/** Turns a zod path into a JSON pointer, prefixed by where the value came from. */
export function toPointer(path: readonly PropertyKey[], prefix = ''): string {
  const parts = path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1'));
  return `${prefix}/${parts.join('/')}`.replace(/\/$/, '') || '/';
}

/** Field errors of a zod error, each naming the field as a JSON pointer. */
export function fieldErrors(error: ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        path: toPointer([...issue.path, issue.keys[0] ?? ''], prefix),
        message: `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`,
      };
    }
    return { path: toPointer(issue.path, prefix), message: issue.message };
  });
}

/** A 422 about one field, named by its JSON pointer. */
export function invalidField(path: string, message: string): ProblemError {
  return new ProblemError('validation', `${path}: ${message}`, { errors: [{ path, message }] });
}

export function validationProblem(error: ZodError, target: string): ProblemError {
  const prefix = target === 'json' ? '' : `/${target}`;
  const errors = fieldErrors(error, prefix);
  const first = errors[0];
  return new ProblemError('validation', first ? `${first.path}: ${first.message}` : undefined, { errors });
}
