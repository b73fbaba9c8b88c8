import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from './context.ts';
import { ProblemError } from './errors.ts';

/** What a client's own request id may look like to be logged at all: a short token of safe characters. */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Every request gets the service's own id, generated here: it is the `X-Request-Id` of the
 * response, the `requestId` of problems, log lines and the access log. An `X-Request-Id` the
 * client sent is never taken as ours; when it is a short token of safe characters it is kept
 * as `clientRequestId`, logged beside ours for correlation, and otherwise ignored.
 */
export const requestIds = createMiddleware<AppEnv>(async (c, next) => {
  const id = randomUUID();
  c.set('requestId', id);
  const client = c.req.header('x-request-id');
  if (client !== undefined && CLIENT_REQUEST_ID.test(client)) c.set('clientRequestId', client);
  c.header('X-Request-Id', id);
  await next();
});

/**
 * One log line per request: id, method, route pattern, status and duration. The route
 * pattern (`/api/plans/:planId`), never the URL, so no identifier or query string
 * reaches the log.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  const route = routes[routes.length - 1]?.path ?? 'unmatched';
  c.get('deps').logger.info(
    {
      requestId: c.get('requestId'),
      ...(c.get('clientRequestId') !== undefined ? { clientRequestId: c.get('clientRequestId') } : {}),
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    },
    'request',
  );
});

/**
 * The body's length in bytes as its `Content-Length` says, when that is how the body is framed
 * (no `Transfer-Encoding`): Node's HTTP parser then holds the body to it. Undefined otherwise
 * (chunked, or no length at all): only reading the body tells.
 */
export function declaredLength(c: Context): number | undefined {
  const length = c.req.header('content-length')?.trim();
  if (length === undefined || c.req.header('transfer-encoding') !== undefined || !/^\d+$/.test(length)) return undefined;
  return Number(length);
}

/**
 * Changes the headers of the answer a route has made, in place; an answer whose headers cannot be
 * changed (a Response from fetch or Response.redirect) is copied first.
 */
export function changeAnswerHeaders(c: Context, change: (headers: Headers) => void): void {
  try {
    change(c.res.headers);
  } catch {
    c.res = new Response(c.res.body, c.res);
    change(c.res.headers);
  }
}

/**
 * Whether a request carries a body of at least one byte. `Content-Length` says so when it is
 * sent; otherwise (chunked, or no length at all) the body is read to see, and stays cached on the
 * request for whoever reads it next. The body limit has bounded it already.
 */
async function carriesBody(c: Context<AppEnv>): Promise<boolean> {
  const length = declaredLength(c);
  if (length !== undefined) return length > 0;
  if (c.req.raw.body === null) return false;
  return (await c.req.arrayBuffer()).byteLength > 0;
}

/**
 * Requests that carry a body must say it is JSON: anything else is a clear 415. A request with
 * no body (no bytes, however it is framed) needs no content type: an operation that takes no
 * body, such as a sync, is asked with a bare POST.
 */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (['POST', 'PUT', 'PATCH'].includes(c.req.method)) {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type) && (await carriesBody(c))) {
      throw new ProblemError('unsupported-media-type', 'Send the body as application/json');
    }
  }
  await next();
});

/**
 * `Cache-Control: no-store` on every response of the API and the FHIR face: what they answer
 * is personal data, or says whether there is any, and no browser or proxy may keep it.
 * Conditional reads still work: `ETag` and `If-None-Match` need no cache to be stored.
 */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  c.header('Cache-Control', 'no-store');
  await next();
  if (c.res.headers.get('cache-control') === 'no-store') return;
  changeAnswerHeaders(c, (headers) => headers.set('Cache-Control', 'no-store'));
});
