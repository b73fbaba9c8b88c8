import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, RelativeApi, type TokenSource } from './api.ts';

function tokens(renewed: string | undefined): TokenSource & { renewals: string[] } {
  const renewals: string[] = [];
  return {
    renewals,
    current: async () => 'old',
    renew: async (rejected) => {
      renewals.push(rejected);
      return renewed;
    },
  };
}

const problem = (status: number, body: unknown = { title: 'x', requestId: 'r-1' }) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });

describe('RelativeApi', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the token, and once more with a new one after a 401', async () => {
    const sent: (string | null)[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const auth = new Headers(init.headers).get('authorization');
        sent.push(auth);
        return auth === 'Bearer new' ? Response.json({ items: [] }) : problem(401);
      }),
    );
    const source = tokens('new');
    await expect(new RelativeApi('https://sip.example', source).listPlans()).resolves.toEqual({ items: [] });
    expect(sent).toEqual(['Bearer old', 'Bearer new']);
    expect(source.renewals).toEqual(['old']);
  });

  it('lists only the plans I am a relative in: a plan I am the individual in is not this widget\'s', async () => {
    const relative = { planId: '00000000-0000-4000-8000-000000000001', title: 'A', status: 'active', relativeId: 'r1', role: 'relative' };
    const own = { planId: '00000000-0000-4000-8000-000000000002', title: 'B', status: 'active', role: 'individual' };
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ items: [own, relative] })));
    await expect(new RelativeApi('https://sip.example', tokens('old')).listPlans()).resolves.toEqual({ items: [relative] });
  });

  it('is session-expired when no new token comes', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(401)));
    const error = await new RelativeApi('https://sip.example', tokens(undefined)).listPlans().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'session-expired', status: 401 });
  });

  it.each([
    [409, 'conflict'],
    [412, 'conflict'],
    [422, 'validation'],
    [428, 'server'],
    [502, 'unavailable'],
    [503, 'server'],
    [504, 'unavailable'],
  ] as const)('reads HTTP %i as %s, with the problem document', async (status, code) => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(status)));
    const error = (await new RelativeApi('https://sip.example', tokens('new')).readPlan('p').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(code);
    expect(error.requestId).toBe('r-1');
    expect(error.outcomeUnknown).toBe(code === 'unavailable');
  });

  it("takes the service's X-Request-Id when the error has no problem document, or one without an id", async () => {
    const answers = [
      new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html', 'x-request-id': 'r-2' } }),
      new Response(JSON.stringify({ title: 'x' }), { status: 500, headers: { 'content-type': 'application/problem+json', 'x-request-id': 'r-3' } }),
      new Response('', { status: 500 }),
    ];
    vi.stubGlobal('fetch', vi.fn(async () => answers.shift()!));
    const api = new RelativeApi('https://sip.example', tokens('new'));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(((await api.readPlan('p').catch((e: unknown) => e)) as ApiError).requestId);
    expect(ids).toEqual(['r-2', 'r-3', undefined]);
  });
});
