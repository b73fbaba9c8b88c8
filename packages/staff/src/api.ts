/**
 * The client for the staff API (`/api/plans`, `/api/worklist`, `/api/access-log`, …): the bearer
 * token from the host, one renewal on 401, ETags and If-Match, problem+json errors, writes under
 * an Idempotency-Key where the API takes one. Every element of this package talks to the service
 * through it, and the token never leaves it (no URL, no storage, no event).
 */

import { ApiError, codeFor, sendWithToken, type AccessTokenProvider, type HttpErrorCode, type SendOptions, type TokenSource as Tokens } from '@sip/shared/client';

export { ApiError, codeFor, normaliseBase, problemOf, type AccessTokenProvider, type FieldError, type ProblemDocument } from '@sip/shared/client';

/** What went wrong, in terms an element can act on. */
export type ApiErrorCode = HttpErrorCode;

/** Where the client gets its token; the element keeps it in memory only. */
export class TokenSource implements Tokens {
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

export interface RequestOptions extends SendOptions {
  query?: Record<string, string | number | boolean | undefined>;
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
    const response = await sendWithToken(this.tokens, codeFor, method, this.url(path, options.query), options);
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
}

/** A path with its ids encoded: ``path`/api/plans/${id}` ``. */
export function path(strings: TemplateStringsArray, ...ids: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < ids.length ? encodeURIComponent(String(ids[i])) : ''), '');
}
