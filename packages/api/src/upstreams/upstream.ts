import type { Bundle, Resource } from '@medplum/fhirtypes';
import { isBrokenCircuitError } from 'cockatiel';
import { Client } from 'fhir-kit-client';
import type { UpstreamConfig } from '../config/config.ts';
import { defaultResilience, upstreamPolicies, type ResilienceOptions } from './resilience.ts';
import { smartBackendTokens, TokenError } from './smart-auth.ts';

export type UpstreamName = UpstreamConfig['name'];

/** Why an upstream call failed, in words fit for a status field (no upstream body, no data). */
export class UpstreamError extends Error {
  constructor(
    readonly upstream: UpstreamName,
    readonly reason: 'unreachable' | 'timeout' | 'circuit-open' | 'bad-response' | 'refused' | 'auth',
    readonly status?: number,
    readonly outcome?: unknown,
    /** How long the upstream asked to be left alone (`Retry-After`), when it did. */
    readonly retryAfterMs?: number,
  ) {
    super(`${upstream}: ${reason}${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'UpstreamError';
  }
}

/** One upstream system: the regional health record or the municipal case system, over FHIR R4. */
export interface Upstream {
  readonly name: UpstreamName;
  readonly baseUrl: string;
  /** The most entries one transaction Bundle to it may carry. */
  readonly maxTransactionEntries: number;
  /** The state of its circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated (cockatiel's `CircuitState`). */
  circuitState?(): number;
  /** Asks the upstream for its CapabilityStatement; resolves to the reason when it cannot. */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
  read<T extends Resource>(type: T['resourceType'], id: string): Promise<T>;
  /** Searches (`POST [type]/_search`) and follows the `next` links to the end (at most `maxPages`); only the matches. */
  searchAll<T extends Resource>(
    type: T['resourceType'],
    params: Record<string, string>,
    maxPages?: number,
    signal?: AbortSignal,
  ): Promise<T[]>;
  /** The same, keeping what `_include` brought along apart from the matches. */
  searchWithIncludes<T extends Resource>(
    type: T['resourceType'],
    params: Record<string, string>,
    maxPages?: number,
  ): Promise<{ matches: T[]; included: Resource[] }>;
  /**
   * Submits a transaction Bundle; not retried here (the outbox retries). Resolves with the
   * server's answer as it is: a 200 may still carry failed entries.
   */
  transaction(bundle: Bundle, signal?: AbortSignal): Promise<Bundle>;
}

/**
 * Every configured upstream by name: `region` and `municipality` always, and those a deployment
 * adds (one per municipality's case system, say). Which one holds a plan's side is the
 * organisation's (see `upstreamsOfPlan`).
 */
export type Upstreams = Readonly<Record<string, Upstream>> & { readonly region: Upstream; readonly municipality: Upstream };

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 24 * 3600) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function classify(name: UpstreamName, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof TokenError) return new UpstreamError(name, 'auth', error.status);
  if (isBrokenCircuitError(error)) return new UpstreamError(name, 'circuit-open');
  // cockatiel 3.2's isTaskCancelledError tests the wrong property; the flag itself is reliable.
  if ((error as { isTaskCancelledError?: boolean } | null)?.isTaskCancelledError === true) {
    return new UpstreamError(name, 'timeout');
  }
  const err = error as { response?: { status?: number; data?: unknown }; config?: { headers?: Headers } };
  const status = err.response?.status;
  if (status === undefined) return new UpstreamError(name, 'unreachable');
  if (status >= 200 && status < 300) return new UpstreamError(name, 'bad-response', status);
  if (status === 401 || status === 403) return new UpstreamError(name, 'auth', status);
  const headers = err.config?.headers;
  const wait = typeof headers?.get === 'function' ? retryAfterMs(headers.get('retry-after')) : undefined;
  return new UpstreamError(name, 'refused', status, err.response?.data, wait);
}

/** `now`: the clock the access token's lifetime is reckoned by (SMART Backend Services). */
export function createUpstream(
  config: UpstreamConfig & { baseUrl: string },
  timeoutMs: number,
  resilience: Partial<Omit<ResilienceOptions, 'timeoutMs'>> = {},
  now: () => number = Date.now,
): Upstream {
  const tokens =
    config.auth.kind === 'smart-backend' ? smartBackendTokens({ ...config.auth, timeoutMs }, now) : undefined;
  const client = new Client({
    baseUrl: config.baseUrl,
    ...(config.auth.kind === 'bearer' ? { bearerToken: config.auth.token } : {}),
    ...(tokens
      ? {
          requestSigner: async (_url: string, init: RequestInit) => {
            (init.headers as Headers).set('authorization', `Bearer ${await tokens.token()}`);
          },
        }
      : {}),
  });
  const policies = upstreamPolicies({ ...defaultResilience, ...resilience, timeoutMs });
  const name = config.name;

  async function call<T>(idempotent: boolean, fn: (signal: AbortSignal) => Promise<unknown>, cancel?: AbortSignal): Promise<T> {
    const policy = idempotent ? policies.idempotent : policies.once;
    // Without a caller's signal, one of the call's own: the policy would otherwise hang every
    // call's listener on the one never-aborted signal it shares across the whole process.
    const stop = cancel ?? new AbortController().signal;
    try {
      return (await policy.execute(async ({ signal }) => {
        try {
          return await fn(signal);
        } catch (error) {
          // The attempt's timeout aborted the request: say so, whatever the fetch error was.
          if (signal.aborted) throw new UpstreamError(name, 'timeout');
          if ((error as { response?: { status?: number } }).response?.status === 401) tokens?.invalidate();
          throw error;
        }
      }, stop)) as T;
    } catch (error) {
      throw classify(name, error);
    }
  }

  /** A link the upstream gives, when it stays on the upstream (same origin, under its base path); else null. */
  function onThisUpstream(link: string): string | null {
    const base = new URL(`${config.baseUrl.replace(/\/+$/, '')}/`);
    let url: URL;
    try {
      url = new URL(link, base);
    } catch {
      return null;
    }
    return url.origin === base.origin && url.pathname.startsWith(base.pathname) && !url.username && !url.password ? url.toString() : null;
  }

  async function searchPages(type: string, params: Record<string, string>, maxPages: number, cancel?: AbortSignal) {
    const matches: Resource[] = [];
    const included: Resource[] = [];
    // POST [type]/_search with a form body: a personnummer searched by never stands in a URL
    // (and so in no access log of the upstream's web server or a proxy on the way).
    let bundle = await call<Bundle>(
      true,
      (signal) => client.search({ resourceType: type, searchParams: params, options: { signal, postSearch: true } }),
      cancel,
    );
    for (let page = 1; ; page++) {
      if (bundle?.resourceType !== 'Bundle') throw new UpstreamError(name, 'bad-response', 200);
      for (const entry of bundle.entry ?? []) {
        if (!entry.resource) continue;
        if ((entry.search?.mode ?? 'match') === 'match') matches.push(entry.resource);
        else included.push(entry.resource);
      }
      const link = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (!link || page >= maxPages) break;
      const next = onThisUpstream(link);
      // A next page elsewhere would take this upstream's credentials, and our request, to a
      // host the upstream names: refused as a bad answer, never followed.
      if (!next) throw new UpstreamError(name, 'bad-response', 200);
      bundle = await call<Bundle>(true, (signal) => client.request(next, { options: { signal } }), cancel);
    }
    return { matches, included };
  }

  return {
    circuitState: () => policies.breaker.state,
    name,
    baseUrl: config.baseUrl,
    maxTransactionEntries: config.maxTransactionEntries ?? 4,
    async check() {
      try {
        const statement = await call<{ resourceType?: string }>(false, (signal) => client.capabilityStatement({ signal }));
        if (statement?.resourceType !== 'CapabilityStatement') {
          return { ok: false, reason: 'answered /metadata without a CapabilityStatement' };
        }
        return { ok: true };
      } catch (error) {
        const e = error as UpstreamError;
        if (e.reason === 'refused' || e.reason === 'bad-response' || e.reason === 'auth') {
          return { ok: false, reason: `answered /metadata with HTTP ${e.status}` };
        }
        if (e.reason === 'timeout') return { ok: false, reason: `no answer within ${timeoutMs} ms` };
        return { ok: false, reason: e.reason };
      }
    },
    read(type, id) {
      return call(true, (signal) => client.read({ resourceType: type, id, options: { signal } }));
    },
    async searchAll(type, params, maxPages = 50, signal) {
      return (await searchPages(type, params, maxPages, signal)).matches as never;
    },
    searchWithIncludes(type, params, maxPages = 50) {
      return searchPages(type, params, maxPages) as never;
    },
    transaction(bundle, signal) {
      return call(false, (attempt) => client.transaction({ body: bundle as never, options: { signal: attempt } }), signal);
    },
  };
}
