import type { FhirPeer } from '@sip/fhir-peer';
import type { PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDatabase, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

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
});
