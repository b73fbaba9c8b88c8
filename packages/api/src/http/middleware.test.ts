import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { changeAnswerHeaders, declaredLength } from './middleware.ts';

describe('changeAnswerHeaders', () => {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    changeAnswerHeaders(c, (headers) => headers.append('Vary', 'Origin'));
  });
  app.get('/made', (c) => c.json({ ok: true }, 200, { Vary: 'Accept-Encoding' }));
  // Response.redirect's headers cannot be changed: the answer is copied, status and all.
  app.get('/immutable', () => Response.redirect('https://example.se/elsewhere', 302));

  it('adds to the headers of an answer made on the context, keeping its own', async () => {
    const res = await app.request('/made');
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('copies an answer whose headers cannot be changed, and changes the copy', async () => {
    const res = await app.request('/immutable');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.se/elsewhere');
    expect(res.headers.get('vary')).toBe('Origin');
  });
});

describe('declaredLength', () => {
  const lengthOf = async (headers: Record<string, string>) => {
    const app = new Hono();
    app.post('/', (c) => c.json({ length: declaredLength(c) ?? null }));
    return ((await (await app.request('/', { method: 'POST', headers, body: 'x' })).json()) as { length: number | null }).length;
  };

  it('is the Content-Length when that frames the body, and nothing when it does not or is no number', async () => {
    expect(await lengthOf({ 'content-length': '1' })).toBe(1);
    expect(await lengthOf({ 'content-length': ' 0 ' })).toBe(0);
    expect(await lengthOf({})).toBeNull();
    expect(await lengthOf({ 'content-length': '1', 'transfer-encoding': 'chunked' })).toBeNull();
    expect(await lengthOf({ 'content-length': '-1' })).toBeNull();
    expect(await lengthOf({ 'content-length': '1e3' })).toBeNull();
  });
});
