/**
 * The client for the staff API (`/api/plans`, `/api/worklist`, `/api/access-log`, …): the bearer
 * token from the host, one renewal on 401, ETags and If-Match, problem+json errors, writes under
 * an Idempotency-Key where the API takes one. Every element of this package talks to the service
 * through it, and the token never leaves it (no URL, no storage, no event).
 */

/**
 * Gives the element an access token. Called with `renew: true` after the service refused the last
 * one (it expired): return a fresh token, or nothing when the user must sign in again.
 */
export type AccessTokenProvider = (request: { renew: boolean }) => string | null | undefined | Promise<string | null | undefined>;

/** What went wrong, in terms an element can act on. */
export type ApiErrorCode =
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
}

const READ_TIMEOUT_MS = 20_000;
const WRITE_TIMEOUT_MS = 30_000;

export function codeFor(status: number): ApiErrorCode {
  if (status === 401) return 'session-expired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 412) return 'precondition-failed';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 413 || status === 422 || status === 428) return 'validation';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'server';
}

export async function problemOf(response: Response): Promise<ProblemDocument | undefined> {
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

/** Where the client gets its token; the element keeps it in memory only. */
export class TokenSource {
  #token: string | undefined;
  #getting: Promise<string | undefined> | undefined;
  /** Counts resets: a token asked of a provider since replaced is not kept. */
  #generation = 0;
  #renewing: Promise<string | undefined> | undefined;

  constructor(private readonly provider: () => AccessTokenProvider | undefined) {}

  /** The token in use; the host is asked once however many requests start together. */
  current(): Promise<string | undefined> {
    if (this.#token) return Promise.resolve(this.#token);
    this.#getting ??= this.#get();
    return this.#getting;
  }

  async #get(): Promise<string | undefined> {
    const generation = this.#generation;
    try {
      const get = this.provider();
      const token = get ? ((await get({ renew: false })) ?? undefined) : undefined;
      if (generation === this.#generation) this.#token = token;
      return token;
    } finally {
      if (generation === this.#generation) this.#getting = undefined;
    }
  }

  /** A new token after `rejected` was refused; one renewal at a time, shared by every caller. */
  renew(rejected: string): Promise<string | undefined> {
    if (this.#token && this.#token !== rejected) return Promise.resolve(this.#token);
    this.#renewing ??= (async () => {
      try {
        const get = this.provider();
        this.#token = get ? ((await get({ renew: true })) ?? undefined) : undefined;
        return this.#token;
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }

  /** Forget the token (the host set a new provider). */
  reset(): void {
    this.#token = undefined;
    this.#getting = undefined;
    this.#generation++;
  }
}

export interface RequestOptions {
  body?: unknown;
  /** The ETag read, sent as If-Match. */
  ifMatch?: string;
  idempotencyKey?: string;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  etag: string | undefined;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class StaffApi {
  constructor(
    readonly base: string,
    readonly tokens: TokenSource,
  ) {}

  async get<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  /** Sends a request with the token, renewing it once on 401; a non-2xx answer is an ApiError. */
  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    let token = await this.tokens.current();
    if (!token) throw new ApiError('session-expired');
    let response = await this.#send(method, path, token, options);
    if (response.status === 401) {
      token = await this.tokens.renew(token);
      if (!token) throw new ApiError('session-expired', 401);
      response = await this.#send(method, path, token, options);
    }
    if (!response.ok) throw new ApiError(codeFor(response.status), response.status, await problemOf(response));
    const etag = response.headers.get('etag') ?? undefined;
    if (response.status === 204) return { status: 204, body: undefined as T, etag };
    try {
      return { status: response.status, body: (await response.json()) as T, etag };
    } catch {
      throw new ApiError('bad-response', response.status);
    }
  }

  /** The URL of a path with its query; ids in paths are encoded by the caller with {@link path}. */
  url(path: string, query?: RequestOptions['query']): string {
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.href;
  }

  async #send(method: Method, path: string, token: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.ifMatch) headers['If-Match'] = options.ifMatch;
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    const timeout = AbortSignal.timeout(method === 'GET' ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS);
    try {
      return await fetch(this.url(path, options.query), {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') throw new ApiError('timeout');
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError('network');
    }
  }
}

/** A path with its ids encoded: ``path`/api/plans/${id}` ``. */
export function path(strings: TemplateStringsArray, ...ids: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < ids.length ? encodeURIComponent(String(ids[i])) : ''), '');
}
