// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import { buildTestApp, describeEachDatabase, testConfig, type TestApp, usePeers } from '../test-support/index.ts';
import type { MyPlan, MyPlanSummary, PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/rows.ts';
import { beforeAll, expect, it } from 'vitest';
import { createUpstream, type Upstreams } from '../upstreams/upstream.ts';
import { seedDemoPlans } from './seed-plans.ts';

const peers = usePeers();
const NOW = new Date('2026-11-22T09:00:00Z');

describeEachDatabase('the demo world’s ready-made plans', (ctx) => {
  let t: TestApp;
  let created: number;

  beforeAll(async () => {
    const config = testConfig(peers.urls);
    const upstreams = Object.fromEntries(
      Object.values(config.upstreams).map((u) => [u.name, createUpstream({ ...u, baseUrl: u.baseUrl! }, config.upstreamTimeoutMs)]),
    ) as Upstreams;
    created = await seedDemoPlans(ctx.database.db, upstreams, config.fhirSystems, () => NOW);
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => NOW } });
    expect(await seedDemoPlans(ctx.database.db, upstreams, config.fhirSystems, () => NOW)).toBe(0);
  });

  async function myPlan(persona: string): Promise<MyPlan> {
    const headers = { Authorization: `Bearer ${await t.tokenFor(persona)}` };
    const list = (await (await t.app.request('/api/me/plans', { headers })).json()) as { items: MyPlanSummary[] };
    expect(list.items).toHaveLength(1);
    const res = await t.app.request(`/api/me/plans/${list.items[0]!.planId}`, { headers });
    expect(res.status).toBe(200);
    return (await res.json()) as MyPlan;
  }

  it('creates one plan per individual, once', () => {
    expect(created).toBe(4);
  });

  async function staffView(persona: string, personId: string): Promise<{ status: number; plan?: PlanView }> {
    const headers = { Authorization: `Bearer ${await t.tokenFor(persona)}` };
    const [planId] = rowsOf<{ id: string }>(await ctx.database.db.execute(sql`select id from plans where individual_id = ${personId}`)).map((r) => r.id);
    const res = await t.app.request(`/api/plans/${planId}`, { headers });
    return res.status === 200 ? { status: 200, plan: (await res.json()) as PlanView } : { status: res.status };
  }

  it('shows Gunnel’s plan before consent: the municipality’s draft, which the region does not see and was never read from', async () => {
    const own = await staffView('municipality-coordinator', '195007129827');
    expect(own.plan).toMatchObject({ status: 'draft', initiator: 'municipality', consent: null });
    expect(own.plan!.sources?.region.status).toBe('not-shared');
    expect(own.plan!.parts.find((p) => p.principal === 'region')!.content).toEqual({});
    expect(own.plan!.parts.find((p) => p.principal === 'municipality')!.content.interventions?.length).toBeGreaterThan(0);
    expect((await staffView('region-coordinator', '195007129827')).status).toBe(404);
    const lars = await myPlan('lars');
    expect(lars.shared).toEqual({ categories: [] });
  });

  it('shows Karl’s plan to the municipality without the region’s interventions, which his consent keeps back', async () => {
    const municipality = await staffView('municipality-coordinator', '195202149836');
    expect(municipality.plan!.status).toBe('active');
    expect(municipality.plan!.parts.find((p) => p.principal === 'region')!.content.interventions).toBeUndefined();
    expect(municipality.plan!.visibility?.withheld).toContain('region:interventions');
    expect(municipality.plan!.parts.find((p) => p.principal === 'municipality')!.content.interventions?.length).toBeGreaterThan(0);
    const region = await staffView('region-coordinator', '195202149836');
    expect(region.plan!.parts.find((p) => p.principal === 'municipality')!.content.interventions?.length).toBeGreaterThan(0);
    expect(region.plan!.visibility?.withheld).not.toContain('municipality:interventions');
  });

  it('shows Astrid’s plan whole to both principals, before and after her consent in its history', async () => {
    const municipality = await staffView('municipality-coordinator', '194003019801');
    expect(municipality.plan!.parts.find((p) => p.principal === 'region')!.content.interventions?.length).toBeGreaterThan(0);
    const headers = { Authorization: `Bearer ${await t.tokenFor('municipality-coordinator')}` };
    const versions = (await (await t.app.request(`/api/plans/${municipality.plan!.id}/versions`, { headers })).json()) as { versions: { change: string }[] };
    expect(versions.versions.map((v) => v.change).slice(0, 3)).toEqual(['plan.created', 'plan.synced', 'consent.updated']);
  });

  it('gives every adult relative of a consented plan a consent to share and a commitment waiting for their answer, and the child none', async () => {
    for (const persona of ['maria', 'bengt', 'erik'] as const) {
      const plan = await myPlan(persona);
      expect(plan.status, persona).toBe('active');
      expect(plan.me.sharingInEffect, persona).toBe(true);
      expect(plan.me.commitments[0]?.status, persona).toBe('requested');
      // Each says what kind of help it is, so the demo shows the relative that too.
      expect(plan.me.commitments[0]?.kind, persona).toBe({ maria: 'household', bengt: 'contacts', erik: 'accompanying' }[persona]);
    }
    const elsa = await myPlan('elsa');
    expect(elsa.me).toMatchObject({ child: true, sharingInEffect: false, commitments: [] });
  });

  it('lets Erik confirm again a commitment he accepted, due for review within days', async () => {
    const [, due] = (await myPlan('erik')).me.commitments;
    expect(due).toMatchObject({ status: 'accepted', currentReviewDate: '2026-12-02', kind: 'supervision' });
    expect(due!.history.map((h) => [h.status, h.by])).toEqual([
      ['requested', 'staff'],
      ['accepted', 'relative'],
    ]);
  });
});
