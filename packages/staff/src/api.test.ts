import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, StaffApi, TokenSource, type AccessTokenProvider } from './api.ts';

const problem = (status: number) =>
  new Response(JSON.stringify({ title: 'x', errors: [{ path: '/goal', message: 'too long' }, { path: 1 }] }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

describe('StaffApi', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends If-Match and the Idempotency-Key, and answers the body and the ETag', async () => {
    let headers = new Headers();
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        headers = new Headers(init.headers);
        return Response.json({ ok: true }, { headers: { etag: '"3"' } });
      }),
    );
    const api = new StaffApi('https://sip.example', new TokenSource(() => async () => 't'));
    await expect(api.request('PUT', '/api/plans/p', { body: {}, ifMatch: '"2"', idempotencyKey: 'k' })).resolves.toEqual({
      status: 200,
      body: { ok: true },
      etag: '"3"',
    });
    expect([headers.get('authorization'), headers.get('if-match'), headers.get('idempotency-key')]).toEqual(['Bearer t', '"2"', 'k']);
  });

  it.each([
    [409, 'conflict'],
    [412, 'precondition-failed'],
    [428, 'validation'],
    [503, 'unavailable'],
  ] as const)('reads HTTP %i as %s, with the field errors of the problem document', async (status, code) => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(status)));
    const api = new StaffApi('https://sip.example', new TokenSource(() => async () => 't'));
    const error = (await api.get('/api/plans/p').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(code);
    expect(error.problem?.errors).toEqual([{ path: '/goal', message: 'too long' }]);
  });

  it('lets the caller’s abort through as an AbortError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new DOMException('aborted', 'AbortError');
      }),
    );
    const api = new StaffApi('https://sip.example', new TokenSource(() => async () => 't'));
    const controller = new AbortController();
    controller.abort();
    await expect(api.get('/api/plans', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the token source', () => {
  it('asks the host once for the requests that start together, and they all send that token', async () => {
    const calls: boolean[] = [];
    const provider: AccessTokenProvider = async ({ renew }) => {
      calls.push(renew);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `token-${calls.length}`;
    };
    const tokens = new TokenSource(() => provider);
    await expect(Promise.all([tokens.current(), tokens.current(), tokens.current()])).resolves.toEqual(['token-1', 'token-1', 'token-1']);
    await expect(tokens.current()).resolves.toBe('token-1');
    expect(calls).toEqual([false]);
    await expect(tokens.renew('token-1')).resolves.toBe('token-2');
    expect(calls).toEqual([false, true]);
  });

  it('keeps no token asked of a provider the host has since replaced', async () => {
    let release: (token: string) => void = () => {};
    let provider: AccessTokenProvider = () => new Promise<string>((resolve) => (release = resolve));
    const tokens = new TokenSource(() => provider);
    const old = tokens.current();
    provider = () => 'new';
    tokens.reset();
    release('old');
    await expect(old).resolves.toBe('old');
    await expect(tokens.current()).resolves.toBe('new');
  });
});
