/**
 * The token of an element's host, in memory only: what the staff elements and the individual's
 * view share.
 */
import type { AccessTokenProvider, TokenSource } from './http.ts';

/**
 * The token an element's host provides through its `getAccessToken` callback: asked for once
 * however many requests start together, renewed once at a time after a refusal, and forgotten
 * when the host sets a new callback. The element keeps it in memory only.
 */
export class ProvidedTokens implements TokenSource {
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
