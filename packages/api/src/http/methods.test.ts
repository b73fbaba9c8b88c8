import { Hono } from 'hono';
import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { allowedMethods, pathKnown } from './methods.ts';

/** Hono's default router, counting how often it is asked. */
class CountingRouter<T> implements Router<T> {
  readonly name = 'CountingRouter';
  count = 0;
  private readonly inner = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] });
  add(method: string, path: string, handler: T) {
    this.inner.add(method, path, handler);
  }
  match(method: string, path: string): Result<T> {
    this.count += 1;
    return this.inner.match(method, path);
  }
}

/** An app with a few routes and a middleware, whose router counts how often it is asked. */
function countedApp() {
  const asked = new CountingRouter<never>();
  const app = new Hono({ strict: false, router: asked });
  const seen: { path: string; known: boolean; asked: number }[] = [];
  app.use('*', async (c, next) => {
    const before = asked.count;
    seen.push({ path: `${c.req.method} ${c.req.path}`, known: pathKnown(app, c), asked: asked.count - before });
    await next();
  });
  app.use('/only-middleware/*', (_c, next) => next());
  app.get('/things/:id', (c) => c.text('thing'));
  app.patch('/things/:id', (c) => c.text('patched'));
  app.post('/things', (c) => c.text('made'));
  return { app, asked, seen };
}

describe('whether a path is known', () => {
  it('is read off the request’s own match when its method has a route: the router is not asked again', async () => {
    const { app, asked, seen } = countedApp();
    for (const [method, path] of [
      ['GET', '/things/1'],
      ['HEAD', '/things/1'],
      ['PATCH', '/things/1/'],
      ['POST', '/things'],
    ] as const) {
      asked.count = 0;
      const res = await app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(200);
      // One match: the one that routed the request.
      expect(asked.count, `${method} ${path}`).toBe(1);
    }
    expect(seen.map((s) => [s.known, s.asked])).toEqual([
      [true, 0],
      [true, 0],
      [true, 0],
      [true, 0],
    ]);
  });

  it('asks the router for the other methods only when the request’s method has no route there; a path with none is not known', async () => {
    const { app, seen } = countedApp();
    await app.request('/things/1', { method: 'DELETE' });
    await app.request('/things', { method: 'GET' });
    await app.request('/nothing/here', { method: 'GET' });
    await app.request('/only-middleware/x', { method: 'GET' });
    expect(seen.map((s) => [s.path, s.known])).toEqual([
      ['DELETE /things/1', true],
      ['GET /things', true],
      ['GET /nothing/here', false],
      ['GET /only-middleware/x', false],
    ]);
    expect(seen.every((s) => s.asked === 5)).toBe(true);
    // The same answer as the methods the path has.
    expect(allowedMethods(app, '/things/1')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(allowedMethods(app, '/nothing/here')).toEqual([]);
  });
});
