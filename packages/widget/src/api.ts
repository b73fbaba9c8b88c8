/**
 * The client for the relative's own API (`/api/me`): the bearer token, one renewal on 401,
 * problem+json errors, and answers sent under an Idempotency-Key. Types only from
 * `@sip/shared`: no schema code reaches the bundle.
 */
import type {
  CommitmentAnswer,
  HomeConsent,
  HomeConsentAnswerBody,
  MyCommitment,
  MyPlan,
  MyPlanSummary,
  RelativeSupport,
  SupportRequest,
} from '@sip/shared';

/**
 * Gives the element an access token. Called with `renew: true` after the service refused the
 * last one (it expired): return a fresh token, or nothing when the relative must sign in again.
 */
export type AccessTokenProvider = (request: { renew: boolean }) => string | null | undefined | Promise<string | null | undefined>;

/** Where the client gets its token; the element keeps the token itself, in memory only. */
export interface TokenSource {
  current(): Promise<string | undefined>;
  /** A new token after `rejected` was refused; undefined when there is none. */
  renew(rejected: string): Promise<string | undefined>;
}

/** What went wrong, in terms the element can act on. */
export type ApiErrorCode =
  | 'session-expired'
  | 'network'
  | 'timeout'
  | 'unavailable'
  | 'not-found'
  | 'forbidden'
  | 'conflict'
  | 'validation'
  | 'server'
  | 'bad-response';

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem document, as far as the client needs it. */
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
    readonly code: ApiErrorCode,
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

const READ_TIMEOUT_MS = 20_000;
const WRITE_TIMEOUT_MS = 30_000;

function codeFor(status: number): ApiErrorCode {
  if (status === 401) return 'session-expired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 400 || status === 413 || status === 422) return 'validation';
  if (status === 502 || status === 504) return 'unavailable';
  return 'server';
}

async function problemOf(response: Response): Promise<ProblemDocument | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!/json/i.test(type)) return undefined;
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

export class RelativeApi {
  constructor(
    private readonly base: string,
    private readonly tokens: TokenSource,
  ) {}

  listPlans(): Promise<{ items: MyPlanSummary[] }> {
    return this.#json('GET', '/api/me/plans');
  }

  readPlan(planId: string): Promise<MyPlan> {
    return this.#json('GET', `/api/me/plans/${encodeURIComponent(planId)}`);
  }

  answerCommitment(planId: string, commitmentId: string, body: CommitmentAnswer, key: string): Promise<MyCommitment> {
    const path = `/api/me/plans/${encodeURIComponent(planId)}/commitments/${encodeURIComponent(commitmentId)}/answer`;
    return this.#json('POST', path, body, key);
  }

  answerHomeConsent(planId: string, body: HomeConsentAnswerBody, key: string): Promise<HomeConsent> {
    return this.#json('POST', `/api/me/plans/${encodeURIComponent(planId)}/home-consent`, body, key);
  }

  requestSupport(planId: string, body: SupportRequest, key: string): Promise<RelativeSupport> {
    return this.#json('POST', `/api/me/plans/${encodeURIComponent(planId)}/requests`, body, key);
  }

  async #json<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    let token = await this.tokens.current();
    if (!token) throw new ApiError('session-expired');
    let response = await this.#send(method, path, token, body, idempotencyKey);
    if (response.status === 401) {
      // The token expired: ask the host once for a new one, then send the same request again.
      token = await this.tokens.renew(token);
      if (!token) throw new ApiError('session-expired', 401);
      response = await this.#send(method, path, token, body, idempotencyKey);
    }
    if (!response.ok) throw new ApiError(codeFor(response.status), response.status, await problemOf(response));
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError('bad-response', response.status);
    }
  }

  async #send(method: string, path: string, token: string, body: unknown, idempotencyKey: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        signal: AbortSignal.timeout(method === 'GET' ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw new ApiError('timeout');
      throw new ApiError('network');
    }
  }
}
