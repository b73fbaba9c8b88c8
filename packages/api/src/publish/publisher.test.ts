import type { CarePlan, Consent, Goal, Provenance, RelatedPerson } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  staffClient,
  type TestApp,
  usePeers,
  searchPeer,
  bothSides,
} from '../test-support/index.ts';
import type { PlanView } from '@sip/shared';

const peers = usePeers();

const search = searchPeer;

describeEachDatabase('publishing the SIP back to both upstreams', (ctx) => {
  let t: TestApp;
  let plan: PlanView;
  /** The plan's revision before the individual's consent: until then it reached the region (its initiator) only. */
  let draftRevision: number;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    const coordinator = await staffClient(t, 'municipality-coordinator');
    const physician = await staffClient(t, 'region-physician');
    plan = await coordinator.createPlan({
      individual: { personId: '195202149836' },
      overallResponsibility: 'municipality',
      individualGoals: [{ text: 'Orka gå till affären själv' }],
    });
    draftRevision = plan.revision;
    let res = await coordinator.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: plan.version, body: consentInput() });
    expect(res.status).toBe(200);
    plan = (await res.json()) as PlanView;
    const region = plan.parts.find((p) => p.principal === 'region')!;
    res = await physician.request(`/api/plans/${plan.id}/parts/${region.id}`, {
      method: 'PATCH',
      ifMatch: region.version,
      body: { goals: [{ text: 'Stabil hjärtsviktsbehandling' }] },
    });
    expect(res.status).toBe(200);
    plan = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
  });

  async function outboxOf(planId: string) {
    return rowsOf<{ side: string; revision: number; delivered_at: unknown }>(
      await ctx.database.db.execute(sql`select side, revision, delivered_at from outbox where plan_id = ${planId} order by id`),
    );
  }

  /** The revisions published to a side: every one to the municipality (the initiator), to the region from the consent on. */
  const publishedTo = (side: string) =>
    Array.from({ length: plan.revision }, (_, i) => i + 1).filter((revision) => side === 'municipality' || revision > draftRevision);

  it('delivers every change to each side it reaches, and the upstreams then hold the SIP as the plan says', async () => {
    await t.outbox.drain();
    const rows = await outboxOf(plan.id);
    expect(rows.map((r) => [r.side, r.revision])).toEqual(
      Array.from({ length: plan.revision }, (_, i) => i + 1).flatMap((revision) =>
        revision > draftRevision ? [['region', revision], ['municipality', revision]] : [['municipality', revision]],
      ),
    );
    expect(rows.every((r) => r.delivered_at !== null)).toBe(true);

    for (const [side, base] of bothSides(peers.urls)) {
      const [sip, ...more] = await search<CarePlan>(base, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      expect(more, side).toEqual([]);
      expect(sip!.title).toBe(plan.fields.title);
      expect(sip!.subject?.reference).toBe('Patient/patient-karl');
      const parts = await search<CarePlan>(base, `CarePlan?part-of=CarePlan/${sip!.id}`);
      expect(parts).toHaveLength(3);
      const goals = await search<Goal>(base, 'Goal?identifier:missing=false');
      const ours = goals.filter((g) => g.identifier?.some((i) => i.value?.startsWith(plan.id) || plan.parts.some((p) => i.value?.startsWith(p.id))));
      expect(ours.map((g) => g.description.text).sort()).toEqual(['Orka gå till affären själv', 'Stabil hjärtsviktsbehandling']);
      // One relative, one record: the upstream's own RelatedPerson, no second one of ours.
      const erik = plan.relativesSection.relatives[0]!;
      const copies = await search<RelatedPerson>(base, `RelatedPerson?identifier=https://sip.example/fhir/NamingSystem/relative|${plan.id}/${erik.id}`);
      const own = erik.sources?.find((s) => s.system === side);
      if (own) {
        expect(copies, side).toEqual([]);
        const forKarl = await search<RelatedPerson>(base, 'RelatedPerson?patient=Patient/patient-karl');
        expect(forKarl.map((r) => r.id), side).toContain(own.id);
        expect(forKarl.filter((r) => r.identifier?.some((i) => i.system === 'https://sip.example/fhir/NamingSystem/relative')), side).toEqual([]);
      } else {
        expect(copies.map((r) => r.name?.[0]?.text), side).toEqual(['Erik Johansson']);
      }
      const [consent] = await search<Consent>(base, `Consent?identifier=https://sip.example/fhir/NamingSystem/consent|${plan.id}`);
      expect(consent?.status).toBe('active');
      const provenances = await search<Provenance>(base, `Provenance?target=CarePlan/${sip!.id}`);
      expect(provenances.map((p) => p.extension?.[0]?.valueInteger).sort((a, b) => a! - b!), side).toEqual(publishedTo(side));
    }
    // Söderviks kommun takes no part in the plan: its own case system gets nothing of it.
    expect(await search<CarePlan>(peers.urls.sodervik, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`)).toEqual([]);
    expect(await search<Provenance>(peers.urls.sodervik, 'Provenance')).toEqual([]);
  });

  it('delivers the same changes again without any effect: identifiers make redelivery harmless', async () => {
    const count = async (base: string) => ({
      plans: (await search(base, 'CarePlan')).length,
      relatives: (await search(base, 'RelatedPerson')).length,
      goals: (await search(base, 'Goal')).length,
      provenances: (await search(base, 'Provenance')).length,
      consents: (await search(base, 'Consent')).length,
    });
    const before = await count(peers.urls.region);
    await ctx.database.db.execute(sql`update outbox set delivered_at = null, next_attempt_at = now() - interval '1 second' where plan_id = ${plan.id}`);
    // The newest revision per side supersedes the older ones: one delivery each, nothing new upstream.
    expect(await t.outbox.drain()).toBe(2);
    expect((await outboxOf(plan.id)).every((r) => r.delivered_at !== null)).toBe(true);
    expect(await count(peers.urls.region)).toEqual(before);
  });

  it('keeps a change for a side that is down, and delivers it once the side is back', async () => {
    const coordinator = await staffClient(t, 'municipality-coordinator');
    await peers.region.setFault('down');
    try {
      const res = await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'Reviderad SIP' } });
      expect(res.status).toBe(200);
      await t.outbox.drain();
      const pending = (await outboxOf(plan.id)).filter((r) => r.delivered_at === null);
      expect(pending.map((r) => r.side)).toEqual(['region']);
      const [municipalitySip] = await search<CarePlan>(peers.urls.municipality, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      expect(municipalitySip!.title).toBe('Reviderad SIP');
    } finally {
      await peers.region.setFault('none');
    }
    await new Promise((r) => setTimeout(r, 150)); // the circuit lets a probe through
    await t.outbox.drain();
    expect((await outboxOf(plan.id)).every((r) => r.delivered_at !== null)).toBe(true);
    const [regionSip] = await search<CarePlan>(peers.urls.region, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
    expect(regionSip!.title).toBe('Reviderad SIP');
  });
});
