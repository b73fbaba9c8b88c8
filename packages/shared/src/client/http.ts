/**
 * What the elements' clients share (`@sip/shared/client`): the bearer token with one renewal on
 * 401, problem+json errors and the API base. No dependencies and no schema code, so the
 * relatives' widget bundles it as well as the staff elements.
 */

/**
 * Gives the element an access token. Called with `renew: true` after the service refused the last
 * one (it expired): return a fresh token, or nothing when the user must sign in again.
 */
export type AccessTokenProvider = (request: { renew: boolean }) => string | null | undefined | Promise<string | null | undefined>;

/** Where a client gets its token; the element keeps the token in memory only. */
export interface TokenSource {
  current(): Promise<string | undefined>;
  /** A new token after `rejected` was refused; undefined when there is none. */
  renew(rejected: string): Promise<string | undefined>;
}

/** What went wrong, in terms an element can act on. */
export type HttpErrorCode =
  | 'session-expired'
  | 'network'
  | 'timeout'
  | 'unavailable'
  | 'not-found'
  | 'forbidden'
  | 'conflict'
  | 'precondition-failed'
  | 'validation'
  | 'server'
  | 'bad-response';

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem document, as far as the elements need it. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  requestId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    readonly status?: number,
    readonly problem?: ProblemDocument,
  ) {
    // A code only: the message never carries personal data or a token.
    super(status ? `${code} (HTTP ${status})` : code);
    this.name = 'ApiError';
  }

  get requestId(): string | undefined {
    return this.problem?.requestId;
  }

  /** Whether the service may have carried out the request although no answer came. */
  get outcomeUnknown(): boolean {
    return this.code === 'timeout' || this.code === 'unavailable';
  }
}

export const READ_TIMEOUT_MS = 20_000;
export const WRITE_TIMEOUT_MS = 30_000;

/** The code of an HTTP error status. */
export function codeFor(status: number): HttpErrorCode {
  if (status === 401) return 'session-expired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 412) return 'precondition-failed';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 413 || status === 422 || status === 428) return 'validation';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'server';
}

/**
 * The problem document of an error answer, its known fields only. Its `requestId` is the
 * service's `X-Request-Id` when the body names none; undefined when there is neither.
 */
export async function problemOf(response: Response): Promise<ProblemDocument | undefined> {
  const header = response.headers.get('x-request-id');
  const problem = await problemBody(response);
  if (!header || problem?.requestId) return problem;
  return { ...problem, requestId: header };
}

async function problemBody(response: Response): Promise<ProblemDocument | undefined> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return undefined;
  try {
    const body = (await response.json()) as unknown;
    if (!body || typeof body !== 'object') return undefined;
    const p = body as Record<string, unknown>;
    const errors = Array.isArray(p.errors)
      ? p.errors.filter(
          (e): e is FieldError => !!e && typeof e === 'object' && typeof (e as FieldError).path === 'string' && typeof (e as FieldError).message === 'string',
        )
      : undefined;
    return {
      ...(typeof p.type === 'string' ? { type: p.type } : {}),
      ...(typeof p.title === 'string' ? { title: p.title } : {}),
      ...(typeof p.status === 'number' ? { status: p.status } : {}),
      ...(typeof p.detail === 'string' ? { detail: p.detail } : {}),
      ...(typeof p.requestId === 'string' ? { requestId: p.requestId } : {}),
      ...(errors ? { errors } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The base URL's origin and path, without a trailing slash; undefined unless an absolute http(s) URL. */
export function normaliseBase(base: string | null | undefined): string | undefined {
  if (!base) return undefined;
  try {
    const url = new URL(base);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

export interface SendOptions {
  body?: unknown;
  /** The ETag read, sent as If-Match. */
  ifMatch?: string;
  idempotencyKey?: string;
  /** The caller's own abort: an aborted request rejects with its AbortError, not an ApiError. */
  signal?: AbortSignal;
}

/**
 * Sends one request with the token: JSON, no cookies, no cache, no referrer, within a time limit.
 * A failure to reach the service is an ApiError (`timeout` or `network`).
 */
export async function send(method: string, url: string, token: string, options: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  const timeout = AbortSignal.timeout(method === 'GET' ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS);
  try {
    return await fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError' && options.signal) throw error;
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw new ApiError('timeout');
    throw new ApiError('network');
  }
}

/**
 * Sends a request with the current token and, when the service refuses it (401), asks once for a
 * new one and sends the same request again. Answers the 2xx response; any other status is an
 * ApiError with the code `codeOf` gives it and the problem document.
 */
export async function sendWithToken(
  tokens: TokenSource,
  codeOf: (status: number) => HttpErrorCode,
  method: string,
  url: string,
  options: SendOptions = {},
): Promise<Response> {
  let token = await tokens.current();
  if (!token) throw new ApiError('session-expired');
  let response = await send(method, url, token, options);
  if (response.status === 401) {
    token = await tokens.renew(token);
    if (!token) throw new ApiError('session-expired', 401);
    response = await send(method, url, token, options);
  }
  if (!response.ok) throw new ApiError(codeOf(response.status), response.status, await problemOf(response));
  return response;
}
