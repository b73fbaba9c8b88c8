import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ProblemError } from '../http/errors.ts';
import type { AppEnv } from '../http/context.ts';
import type { Principal } from './principal.ts';

/**
 * The principal of the request's verified bearer token: verified once per request (a later
 * check reuses it), and set on the context with the token's expiry. A missing or refused token is a 401.
 */
async function authenticated(c: Context<AppEnv>): Promise<Principal> {
  const known = c.get('principal');
  if (known) return known;
  const header = c.req.header('authorization');
  const match = header ? /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(header) : null;
  if (!match?.[1]) {
    throw new ProblemError('unauthenticated', 'Send an access token as Authorization: Bearer <token>', {
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  const { principal, expiresAt } = await c.get('deps').tokens.authenticate(match[1]);
  c.set('principal', principal);
  c.set('tokenExpiresAt', expiresAt);
  return principal;
}

/**
 * Requires a verified bearer token of any kind, before anything else about the request is looked
 * at: a caller without one learns nothing but that (401), whatever else the request holds.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  await authenticated(c);
  await next();
});

/**
 * Requires a verified bearer token of the given kind; sets `principal` on the context.
 * A token of the other kind is refused with 403: staff cannot act as citizens (relatives, individuals), nor the reverse.
 */
export function requireAuth(...kinds: Principal['kind'][]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = await authenticated(c);
    if (kinds.length > 0 && !kinds.includes(principal.kind)) {
      throw new ProblemError('forbidden', `This endpoint is for ${kinds.join(' or ')} tokens`);
    }
    await next();
  });
}
