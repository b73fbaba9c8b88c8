import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';

/** SMART Backend Services: client credentials with a signed `private_key_jwt` assertion. */
export interface SmartBackendConfig {
  tokenUrl: string;
  clientId: string;
  /** The client's private key as a JWK; its `alg` must be RS384 or ES384. */
  privateKey: JWK;
  scope: string;
  timeoutMs: number;
}

export const SMART_ALGORITHMS = ['RS384', 'ES384'] as const;

/** Thrown when the token endpoint refuses or cannot be reached; says which, never the secret. */
export class TokenError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'TokenError';
  }
}

/**
 * Fetches and caches an access token. The token is kept until shortly before it expires;
 * concurrent callers share one request to the token endpoint.
 */
export function smartBackendTokens(config: SmartBackendConfig, now: () => number = Date.now) {
  const alg = config.privateKey.alg;
  if (!alg || !(SMART_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new TokenError(`The private key's alg must be one of ${SMART_ALGORITHMS.join(', ')}`);
  }
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const key = await importJWK(config.privateKey, alg);
    const issuedAt = Math.floor(now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: alg!, typ: 'JWT', ...(config.privateKey.kid ? { kid: config.privateKey.kid } : {}) })
      .setIssuer(config.clientId)
      .setSubject(config.clientId)
      .setAudience(config.tokenUrl)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 300)
      .setJti(randomUUID())
      .sign(key);
    let res: Response;
    try {
      res = await fetch(config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: config.scope,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch {
      throw new TokenError('The token endpoint could not be reached');
    }
    if (!res.ok) throw new TokenError(`The token endpoint answered HTTP ${res.status}`, res.status);
    const body = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof body?.access_token !== 'string') throw new TokenError('The token endpoint answered without an access token');
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 300;
    cached = { token: body.access_token, expiresAt: now() + Math.max(0, expiresIn - 30) * 1000 };
    return body.access_token;
  }

  return {
    /** A valid access token, from the cache when it has one. */
    async token(): Promise<string> {
      if (cached && cached.expiresAt > now()) return cached.token;
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    /** Forgets the cached token, after the upstream refused it. */
    invalidate() {
      cached = undefined;
    },
  };
}
