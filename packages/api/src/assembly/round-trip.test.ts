import type { CarePlan, Condition, Reference } from '@medplum/fhirtypes';
import type { FhirPeer } from '@sip/fhir-peer';
import type { PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDatabase, searchPeer, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

const peers = usePeers();

type Side = 'region' | 'municipality';
const SIDES: Side[] = ['region', 'municipality'];

/** What a peer holds now: the latest version of each resource not deleted, without its meta, by `Type/id`. */
function holdings(peer: FhirPeer): Record<string, unknown> {
  const held: Record<string, unknown> = {};
  for (const [key, versions] of Object.entries(peer.exportState().histories)) {
    const latest = versions.at(-1)!;
    if (latest.deleted) continue;
    const { meta: _meta, ...content } = latest.resource;
    held[key] = content;
  }
  return held;
}

/** How many resources of each type a peer holds. */
function countByType(held: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of Object.keys(held)) {
    const type = key.split('/')[0]!;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** What a sync could grow if it read back what was published: each part's interventions, the relatives. */
function shape(plan: PlanView) {
  return {
    revision: plan.revision,
    interventions: Object.fromEntries(plan.parts.map((p) => [p.principal, p.content.interventions?.length ?? 0])),
    relatives: plan.relativesSection.relatives.length,
  };
}

describeEachDatabase('the round trip: publish, sync, publish again', (ctx) => {
  let t: TestApp;
  let coordinator: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    coordinator = await staffClient(t, 'region-coordinator');
  });

  const peerState = () => ({ region: holdings(peers.region), municipality: holdings(peers.municipality) });

  function expectSameHoldings(now: ReturnType<typeof peerState>, before: ReturnType<typeof peerState>, when: string) {
    for (const side of SIDES) {
      expect(countByType(now[side]), `${side}, ${when}: resources per type`).toEqual(countByType(before[side]));
      expect(now[side], `${side}, ${when}: each resource's content`).toEqual(before[side]);
    }
  }

  it('leaves the plan and what both upstreams hold exactly as they were, however often it syncs and publishes again', async () => {
    const plan = await coordinator.createSharedPlan({ individual: { personId: '194003019801' }, individualGoals: [{ text: 'Kunna bo kvar hemma' }] });
    expect(plan.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });
    const planShape = shape(plan);
    // Astrid's own record at each upstream: two interventions at the region, three at the municipality, three relatives.
    expect(planShape).toMatchObject({ interventions: { region: 2, municipality: 3 }, relatives: 3 });

    const seeded = peerState();
    await t.outbox.drain();
    const published = peerState();
    for (const side of SIDES) {
      // The publication is there to be read back: the SIP, its sub-CarePlans (with the interventions as activities), the relatives.
      const added = countByType(published[side]);
      const had = countByType(seeded[side]);
      expect(added.CarePlan! - (had.CarePlan ?? 0), side).toBe(4);
      // One relative, one record: a relative the upstream already knows keeps its own RelatedPerson; only the others are added.
      const unknownThere = plan.relativesSection.relatives.filter((r) => !r.sources?.some((s) => s.system === side)).length;
      expect((added.RelatedPerson ?? 0) - (had.RelatedPerson ?? 0), side).toBe(unknownThere);
      expect(added.Goal! - (had.Goal ?? 0), side).toBe(1);
    }

    // Each side's own requests are referenced there (cpl-3), and described in full on the other side.
    const regionPart = plan.parts.find((p) => p.principal === 'region')!;
    const sourced = (regionPart.content.interventions ?? []).filter((i) => i.source?.system === 'region' && i.source.resourceType === 'ServiceRequest');
    expect(sourced.length).toBeGreaterThan(0);
    const subPlanOn = (side: Side) =>
      Object.values(published[side]).find((r) =>
        (r as { identifier?: { system?: string; value?: string }[] }).identifier?.some((i) => i.system === 'https://sip.example/fhir/NamingSystem/plan-part' && i.value === regionPart.id),
      ) as { activity?: { reference?: { reference?: string }; detail?: { code?: { text?: string } } }[] };
    expect(subPlanOn('region').activity?.map((a) => a.reference?.reference)).toEqual(expect.arrayContaining(sourced.map((i) => `ServiceRequest/${i.source!.id}`)));
    expect(subPlanOn('municipality').activity?.map((a) => a.detail?.code?.text)).toEqual(expect.arrayContaining(sourced.map((i) => i.title)));

    for (let round = 1; round <= 3; round++) {
      const res = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
      expect(res.status).toBe(200);
      const synced = (await res.json()) as PlanView;
      expect(synced.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });
      expect(shape(synced), `sync ${round}`).toEqual(planShape);
      await t.outbox.drain();
      expectSameHoldings(peerState(), published, `after sync ${round}`);
    }

    // Publish again: every change queued once more, on what the upstreams now hold; the newest per side supersedes the rest.
    // Due a second ago: the database's clock may run a fraction of a millisecond ahead of ours.
    await ctx.database.db.execute(sql`update outbox set delivered_at = null, next_attempt_at = now() - interval '1 second' where plan_id = ${plan.id}`);
    expect(await t.outbox.drain()).toBe(SIDES.length);
    expectSameHoldings(peerState(), published, 'after publishing again');
    const read = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
    expect(shape(read)).toEqual(planShape);

    // And a sync after that still reads nothing back.
    const res = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
    expect(shape((await res.json()) as PlanView)).toEqual(planShape);
  });

  it('publishes the Conditions a region ServiceRequest gives as its reason in the region’s CarePlan.addresses, resolvable there, and never as a reference to the municipality', async () => {
    // Gunnel's region record: the demo request for her memory assessment names her Condition (which
    // has an identifier); here a second request names one without an identifier, and one that is not there.
    const patient = 'Patient/patient-gunnel';
    await peers.region.seed([
      { resourceType: 'Condition', id: 'cond-gunnel-plain', code: { text: 'Synnedsättning' }, subject: { reference: patient } },
      {
        resourceType: 'ServiceRequest',
        id: 'sr-gunnel-eyes',
        status: 'active',
        intent: 'order',
        code: { text: 'Syncentralen: hjälpmedel' },
        subject: { reference: patient },
        reasonReference: [{ reference: 'Condition/cond-gunnel-plain' }, { reference: 'Condition/cond-not-there' }],
      },
    ]);
    const plan = await coordinator.createSharedPlan({ individual: { personId: '195007129827' } });
    expect(plan.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });
    const region = plan.parts.find((p) => p.principal === 'region')!;
    const bySource = (id: string) => region.content.interventions?.find((i) => i.source?.id === id);
    const named = { system: 'region', id: 'cond-gunnel-1', identifier: { system: 'urn:norrvik:region:condition', value: 'gunnel-1' } };
    expect(bySource('sr-gunnel-1')?.addresses).toEqual([named]);
    // A reason the region does not hold for her is not kept: it would not resolve.
    expect(bySource('sr-gunnel-eyes')?.addresses).toEqual([{ system: 'region', id: 'cond-gunnel-plain' }]);
    await t.outbox.drain();

    const published = async (side: Side) => {
      const [sip] = await searchPeer<CarePlan>(peers.urls[side], `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      const parts = await searchPeer<CarePlan>(peers.urls[side], `CarePlan?part-of=CarePlan/${sip!.id}`);
      return { sip: sip!, regionPart: parts.find((p) => p.identifier?.some((i) => i.value === region.id))! };
    };
    const toRegion = await published('region');
    const literal: Reference[] = [
      { reference: 'Condition/cond-gunnel-1', type: 'Condition', identifier: named.identifier },
      { reference: 'Condition/cond-gunnel-plain', type: 'Condition' },
    ];
    expect(toRegion.sip.addresses).toEqual(literal);
    expect(toRegion.regionPart.addresses).toEqual(literal);
    // Each resolves on the region's own server: the individual's Condition, read by the reference as it stands.
    for (const reference of literal) {
      const res = await fetch(`${peers.urls.region}/${reference.reference}`);
      expect(res.status, reference.reference).toBe(200);
      expect(((await res.json()) as Condition).subject?.reference).toBe(patient);
    }
    expect(toRegion.sip.text?.div).toContain('<li>Tillstånd Condition/cond-gunnel-1 hos Region Norrvik</li>');

    // The municipality gets the one with an identifier by that identifier, the other not at all, and no Condition.
    const toMunicipality = await published('municipality');
    expect(toMunicipality.sip.addresses).toEqual([{ type: 'Condition', identifier: named.identifier }]);
    expect(toMunicipality.regionPart.addresses).toEqual([{ type: 'Condition', identifier: named.identifier }]);
    const heldThere = Object.values(holdings(peers.municipality));
    expect(heldThere.some((r) => (r as { resourceType: string }).resourceType === 'Condition')).toBe(false);
    expect(JSON.stringify(heldThere)).not.toMatch(/Condition\/|cond-gunnel/);

    // Gone from the region's record since the sync: the next publication no longer references it there.
    expect((await fetch(`${peers.urls.region}/Condition/cond-gunnel-plain`, { method: 'DELETE' })).status).toBeLessThan(300);
    const res = await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'SIP för Gunnel' } });
    expect(res.status).toBe(200);
    await t.outbox.drain();
    const again = await published('region');
    expect(again.sip.title).toBe('SIP för Gunnel');
    expect(again.sip.addresses).toEqual([literal[0]]);
    expect(again.regionPart.addresses).toEqual([literal[0]]);
  });
});
