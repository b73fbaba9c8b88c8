// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import { buildTestApp, describeEachDatabase, testConfig, type TestApp, usePeers } from '../test-support/index.ts';
import type { MyPlan, MyPlanSummary } from '@sip/shared';
import { beforeAll, expect, it } from 'vitest';
import { createUpstream } from '../upstreams/upstream.ts';
import { seedDemoPlans } from './seed-plans.ts';

const peers = usePeers();
const NOW = new Date('2026-11-22T09:00:00Z');

describeEachDatabase('the demo world’s ready-made plans', (ctx) => {
  let t: TestApp;
  let created: number;

  beforeAll(async () => {
    const config = testConfig(peers.urls);
    const upstreams = {
      region: createUpstream({ ...config.upstreams.region, baseUrl: peers.urls.region }, config.upstreamTimeoutMs),
      municipality: createUpstream({ ...config.upstreams.municipality, baseUrl: peers.urls.municipality }, config.upstreamTimeoutMs),
    };
    created = await seedDemoPlans(ctx.database.db, upstreams, () => NOW);
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => NOW } });
    expect(await seedDemoPlans(ctx.database.db, upstreams, () => NOW)).toBe(0);
  });

  async function myPlan(persona: string): Promise<MyPlan> {
    const headers = { Authorization: `Bearer ${await t.tokenFor(persona)}` };
    const list = (await (await t.app.request('/api/me/plans', { headers })).json()) as { items: MyPlanSummary[] };
    expect(list.items).toHaveLength(1);
    const res = await t.app.request(`/api/me/plans/${list.items[0]!.planId}`, { headers });
    expect(res.status).toBe(200);
    return (await res.json()) as MyPlan;
  }

  it('creates one active plan per individual, once', () => {
    expect(created).toBe(2);
  });

  it('gives every adult relative a consent to share and a commitment waiting for their answer, and the child none', async () => {
    for (const persona of ['maria', 'bengt', 'erik']) {
      const plan = await myPlan(persona);
      expect(plan.status, persona).toBe('active');
      expect(plan.me.sharingInEffect, persona).toBe(true);
      expect(plan.me.commitments[0]?.status, persona).toBe('requested');
    }
    const elsa = await myPlan('elsa');
    expect(elsa.me).toMatchObject({ child: true, sharingInEffect: false, commitments: [] });
  });

  it('lets Erik confirm again a commitment he accepted, due for review within days', async () => {
    const [, due] = (await myPlan('erik')).me.commitments;
    expect(due).toMatchObject({ status: 'accepted', currentReviewDate: '2026-12-02' });
    expect(due!.history.map((h) => [h.status, h.by])).toEqual([
      ['requested', 'staff'],
      ['accepted', 'relative'],
    ]);
  });
});
