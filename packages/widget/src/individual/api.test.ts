import { ApiError, type TokenSource } from '@sip/shared/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IndividualApi } from './api.ts';

const tokens: TokenSource = { current: async () => 't', renew: async () => undefined };
const PLAN_ID = '6f1c2a3b-0000-4000-8000-000000000001';

interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/** fetch stubbed: records each request and answers it with `answer`. */
function stubFetch(answer: (sent: Sent) => Response): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const request = { method: init.method ?? 'GET', url, headers: new Headers(init.headers), body: init.body ? JSON.parse(String(init.body)) : undefined };
      sent.push(request);
      return answer(request);
    }),
  );
  return sent;
}

const plan = (version: number) => ({ planId: PLAN_ID, version, revision: version + 10 });

describe('IndividualApi', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the individual’s own plan with its ETag, and takes the version when no ETag comes', async () => {
    stubFetch(() => Response.json(plan(3), { headers: { etag: 'W/"3"' } }));
    await expect(new IndividualApi('https://sip.example', tokens).readPlan(PLAN_ID)).resolves.toEqual({ plan: plan(3), etag: 'W/"3"' });
    const sent = stubFetch(() => Response.json(plan(4)));
    await expect(new IndividualApi('https://sip.example', tokens).readPlan(PLAN_ID)).resolves.toMatchObject({ etag: 'W/"4"' });
    expect(sent[0]).toMatchObject({ method: 'GET', url: `https://sip.example/api/me/own-plans/${PLAN_ID}` });
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer t');
  });

  it('sends each change under its idempotency key, and their own goals on the version read', async () => {
    const sent = stubFetch(() => Response.json(plan(5)));
    const api = new IndividualApi('https://sip.example', tokens);
    await api.decideConsent(PLAN_ID, { decision: 'withdraw' }, 'k1');
    await api.decideSharing(PLAN_ID, 'r/1', { decision: 'share', categories: ['goals'] }, 'k2');
    await api.saveOwnGoals(PLAN_ID, { individualGoals: [{ text: 'Bo kvar hemma' }] }, 'W/"4"', 'k3');
    expect(sent.map((s) => [s.method, s.url.replace('https://sip.example', ''), s.headers.get('idempotency-key'), s.headers.get('if-match'), s.body])).toEqual([
      ['PUT', `/api/me/own-plans/${PLAN_ID}/consent`, 'k1', null, { decision: 'withdraw' }],
      ['PUT', `/api/me/own-plans/${PLAN_ID}/relatives/r%2F1/sharing`, 'k2', null, { decision: 'share', categories: ['goals'] }],
      ['PUT', `/api/me/own-plans/${PLAN_ID}/own-goals`, 'k3', 'W/"4"', { individualGoals: [{ text: 'Bo kvar hemma' }] }],
    ]);
  });

  it('reads who has read the plan', async () => {
    const log = { items: [], total: 0, limit: 100, offset: 0 };
    const sent = stubFetch(() => Response.json(log));
    await expect(new IndividualApi('https://sip.example', tokens).readAccessLog(PLAN_ID)).resolves.toEqual(log);
    expect(sent[0]!.url).toBe(`https://sip.example/api/me/own-plans/${PLAN_ID}/access-log`);
  });

  it('answers a stale version as precondition-failed, and what is no plan as bad-response', async () => {
    stubFetch(() => new Response(JSON.stringify({ status: 412, title: 'Precondition Failed' }), { status: 412, headers: { 'content-type': 'application/problem+json' } }));
    const stale = await new IndividualApi('https://sip.example', tokens).saveOwnGoals(PLAN_ID, { individualGoals: [] }, 'W/"1"', 'k').catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ApiError);
    expect((stale as ApiError).code).toBe('precondition-failed');
    stubFetch(() => Response.json({ nothing: true }));
    const bad = await new IndividualApi('https://sip.example', tokens).readPlan(PLAN_ID).catch((e: unknown) => e);
    expect((bad as ApiError).code).toBe('bad-response');
  });
});
