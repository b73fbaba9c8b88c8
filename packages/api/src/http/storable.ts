import { findUnstorable, NUL_MESSAGE } from '@sip/shared';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context.ts';
import { invalidField, toPointer } from './errors.ts';

const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\b/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Not UTF-8 when decoded: taken as it was sent, percent signs and all, which is plain ASCII.
    return segment;
  }
}

/**
 * Refuses, before any route sees it, a request whose path, query, JSON or form body holds a string
 * Postgres cannot store: a NUL (U+0000), refused in `text` and in every string of a `jsonb`
 * value, or a lone UTF-16 surrogate. The schemas refuse them field by field too; this holds
 * for every route, also one whose schema would let such a string through, so a value the
 * database refuses never gets as far as the database. Answered as a 422 naming where it is
 * (`/path/<n>` for the n-th path segment, `/query/<name>`, or the body's JSON pointer),
 * never with the value.
 */
export const refuseUnstorable = createMiddleware<AppEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  const segments = url.pathname.split('/').slice(1);
  for (const [i, segment] of segments.entries()) {
    const found = findUnstorable(decoded(segment), ['path', i]);
    if (found) throw invalidField(toPointer(found.path), found.message);
  }
  for (const [name, value] of url.searchParams) {
    if (name.includes('\u0000')) throw invalidField('/query', NUL_MESSAGE);
    const found = findUnstorable(value, ['query', name]);
    if (found) throw invalidField(toPointer(found.path), found.message);
  }
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(c.req.method) && JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch (error) {
      // Not JSON: the route's own validation answers it (400), as it would without this check.
      if (!(error instanceof SyntaxError)) throw error;
      body = undefined;
    }
    const found = findUnstorable(body);
    if (found) throw invalidField(toPointer(found.path), found.message);
  } else if (c.req.method === 'POST' && FORM_TYPE.test(c.req.header('content-type') ?? '')) {
    for (const [name, value] of new URLSearchParams(await c.req.text())) {
      const found = findUnstorable(`${name}${value}`, ['body', name]);
      if (found) throw invalidField(name.includes('\u0000') ? '/body' : toPointer(found.path), found.message);
    }
  }
  await next();
});
