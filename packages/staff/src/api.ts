/**
 * The client for the staff API (`/api/plans`, `/api/worklist`, `/api/access-log`, …): the bearer
 * token from the host, one renewal on 401, ETags and If-Match, problem+json errors, writes under
 * an Idempotency-Key where the API takes one. Every element of this package talks to the service
 * through it, and the token never leaves it (no URL, no storage, no event).
 */

import { ApiError, codeFor, ProvidedTokens, sendWithToken, type HttpErrorCode, type SendOptions } from '@sip/shared/client';

export { ApiError, codeFor, normaliseBase, problemOf, type AccessTokenProvider, type FieldError, type ProblemDocument } from '@sip/shared/client';

/** What went wrong, in terms an element can act on. */
export type ApiErrorCode = HttpErrorCode;

/** Where the client gets its token; the element keeps it in memory only. */
export const TokenSource = ProvidedTokens;
export type TokenSource = ProvidedTokens;

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
