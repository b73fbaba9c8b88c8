// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import { buildTestApp, describeEachDatabase, etagVersion, searchPeer, staffClient, type TestApp, usePeers } from '../test-support/index.ts';
import type { Consent, Goal, Provenance } from '@medplum/fhirtypes';
import type { OwnPlan, PlanView } from '@sip/shared';
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { outbox } from '../db/schema.ts';

const peers = usePeers();
const ASTRID = '194003019801';

describeEachDatabase("the individual's own changes reach both upstreams as theirs", (ctx) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });

  it('a consent given (the plan then assembled from the side it reaches) and goals written with the individual\u2019s e-ID are delivered, each named as the individual\u2019s own', async () => {
    const staff = await staffClient(t, 'region-coordinator');
    // A draft before any consent: the municipality's side is neither read nor written.
    const plan = await staff.createPlan({ title: 'SIP för Astrid (publicering)' });
    expect(plan.sources?.municipality.status).toBe('not-shared');
    const astrid = await t.tokenFor('astrid');
    const put = (path: string, body: unknown, ifMatch?: number) =>
      t.app.request(`/api/me/own-plans/${plan.id}${path}`, {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${astrid}`,
          'content-type': 'application/json',
          'Idempotency-Key': crypto.randomUUID(),
          ...(ifMatch !== undefined ? { 'If-Match': `W/"${ifMatch}"` } : {}),
        },
        body: JSON.stringify(body),
      });
    const given = await put('/consent', { decision: 'give', information: ['goals', 'interventions', 'contacts'], actors: ['Region Norrvik', 'Norrviks kommun'] });
    expect(given.status, await given.clone().text()).toBe(200);
    // As when the coordinator records it: the plan is assembled from the side the consent now reaches.
    const assembled = (await (await staff.request(`/api/plans/${plan.id}`)).json()) as PlanView;
    expect(assembled.sources?.municipality.status).toBe('ok');
    expect(assembled.parts.find((p) => p.principal === 'municipality')?.content.interventions?.length).toBeGreaterThan(0);
    const goal = 'Att få gå till kyrkan på söndagar';
    const goals = await put('/own-goals', { individualGoals: [{ text: goal }] }, etagVersion(given));
    expect(goals.status, await goals.clone().text()).toBe(200);
    expect(((await goals.json()) as OwnPlan).individualGoals.map((g) => g.text)).toEqual([goal]);

    await t.outbox.drain();
    const rows = await ctx.database.db.select({ side: outbox.side, outcome: outbox.outcome }).from(outbox).where(eq(outbox.planId, plan.id));
    // Each side gets the plan as it now is; earlier revisions queued meanwhile are superseded by it.
    expect(rows.every((r) => r.outcome === 'delivered' || r.outcome === 'superseded'), JSON.stringify(rows)).toBe(true);
    expect(new Set(rows.filter((r) => r.outcome === 'delivered').map((r) => r.side))).toEqual(new Set(['region', 'municipality']));

    for (const base of [peers.urls.region, peers.urls.municipality]) {
      const [consent] = (await searchPeer<Consent>(base, 'Consent')).filter((c) => c.identifier?.some((i) => i.value === plan.id));
      expect(consent?.sourceAttachment?.title, base).toBe('Den enskildes eget besked om samtycke till samordnad individuell plan, lämnat med e-legitimation');
      const goalsThere = await searchPeer<Goal>(base, 'Goal');
      expect(goalsThere.some((g) => g.description?.text === goal), base).toBe(true);
      const authors = (await searchPeer<Provenance>(base, 'Provenance'))
        .filter((p) => p.target?.some((target) => target.identifier?.value === plan.id))
        .flatMap((p) => p.agent.map((a) => a.who));
      expect(authors, base).toContainEqual({ type: 'Patient', identifier: { system: 'http://electronichealth.se/identifier/personnummer', value: ASTRID } });
    }
  });
});
