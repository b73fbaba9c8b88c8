import { createMiddleware } from 'hono/factory';
import { ProblemError } from '../http/errors.ts';
import type { AppEnv } from '../http/context.ts';
import type { Principal } from './principal.ts';

/**
 * Requires a verified bearer token of the given kind; sets `principal` on the context.
 * A token of the other kind is refused with 403: staff cannot act as citizens (relatives, individuals), nor the reverse.
 */
export function requireAuth(...kinds: Principal['kind'][]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(header) : null;
    if (!match?.[1]) {
      throw new ProblemError('unauthenticated', 'Send an access token as Authorization: Bearer <token>', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    const { principal, expiresAt } = await c.get('deps').tokens.authenticate(match[1]);
    if (kinds.length > 0 && !kinds.includes(principal.kind)) {
      throw new ProblemError('forbidden', `This endpoint is for ${kinds.join(' or ')} tokens`);
    }
    c.set('principal', principal);
    c.set('tokenExpiresAt', expiresAt);
    await next();
  });
}
