import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import type { AddressInfo } from 'node:net';

/**
 * A SMART Backend Services token endpoint for tests: verifies the client's signed
 * assertion against the client's registered public key, and issues short-lived tokens.
 */
export interface TokenServer {
  tokenUrl: string;
  clientId: string;
  /** The client's private key, as the broker is configured with it. */
  privateKey: JWK & { alg: 'RS384' | 'ES384' };
  /** Tokens issued so far. */
  issued: string[];
  /** Whether a FHIR server should accept this Authorization header. */
  accepts(authorization: string | null): boolean;
  /** How many token requests were refused. */
  refusals: number;
  setRefuse(refuse: boolean): void;
  close(): Promise<void>;
}

export async function startTokenServer(options: { alg?: 'RS384' | 'ES384'; expiresIn?: number } = {}): Promise<TokenServer> {
  const alg = options.alg ?? 'ES384';
  const clientId = 'sip-broker-test-client';
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'client-key', alg };
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'client-key', alg } as JWK & { alg: typeof alg };
  const clientKeys = createLocalJWKSet({ keys: [publicJwk] });
  const seenJti = new Set<string>();
  const state = { issued: [] as string[], refusals: 0, refuse: false, tokenUrl: '' };

  const app = new Hono().post('/token', async (c) => {
    const form = await c.req.parseBody();
    const refuse = (error: string) => {
      state.refusals += 1;
      return c.json({ error }, 400);
    };
    if (state.refuse) return refuse('invalid_client');
    if (form.grant_type !== 'client_credentials') return refuse('unsupported_grant_type');
    if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return refuse('invalid_request');
    try {
      const { payload } = await jwtVerify(String(form.client_assertion), clientKeys, {
        issuer: clientId,
        subject: clientId,
        audience: state.tokenUrl,
        algorithms: [alg],
        maxTokenAge: '5m',
      });
      if (!payload.jti || seenJti.has(payload.jti)) return refuse('invalid_grant');
      seenJti.add(payload.jti);
    } catch {
      return refuse('invalid_client');
    }
    const token = randomBytes(24).toString('base64url');
    state.issued.push(token);
    return c.json({ access_token: token, token_type: 'bearer', expires_in: options.expiresIn ?? 300, scope: String(form.scope ?? '') });
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  state.tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return {
    tokenUrl: state.tokenUrl,
    clientId,
    privateKey: privateJwk,
    get issued() {
      return state.issued;
    },
    get refusals() {
      return state.refusals;
    },
    accepts: (authorization) => !!authorization && state.issued.includes(authorization.replace(/^Bearer /, '')),
    setRefuse: (refuse) => {
      state.refuse = refuse;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
