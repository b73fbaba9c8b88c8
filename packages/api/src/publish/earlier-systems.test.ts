import type { FhirPeer, PeerState } from '@sip/fhir-peer';
import { sipSystems, type PlanView, type SipSystems } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { addRelativeWithCommitments } from '../fhir/face-fixtures.ts';
import { buildTestApp, describeEachDatabase, etagVersion, integrityFindings, latestResources, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

type Side = 'region' | 'municipality';
const SIDES: Side[] = ['region', 'municipality'];

/** A base the broker published its systems under before this deployment's. */
const EARLIER_BASE = 'https://old-sip.example/fhir';

/**
 * The forms an earlier broker published its systems in: the legacy names (`urn:sip-broker:…`,
 * which are the local names), and the URLs under an earlier base.
 */
const earlierForms: { name: string; form: (local: string) => string; marker: string }[] = [
  { name: 'the legacy urn:sip-broker systems', form: (local) => local, marker: 'urn:sip-broker:' },
  { name: `the systems under an earlier base (${EARLIER_BASE})`, form: (local) => sipSystems(EARLIER_BASE).url(local), marker: `${EARLIER_BASE}/` },
];

/** A copy with every system of ours (in any form `systems` recognises) in the form `form` gives. */
function inForm<T>(value: T, systems: SipSystems, form: (local: string) => string): T {
  if (Array.isArray(value)) return value.map((v) => inForm(v, systems, form)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const local = typeof child === 'string' && ['system', 'url', 'uri'].includes(key) ? systems.local(child) : undefined;
      out[key] = local ? form(local) : inForm(child, systems, form);
    }
    return out as T;
  }
  return value;
}

/** The latest resources of the plan a peer holds (those naming its id), by `Type/id`. */
function planResources(peer: FhirPeer, planId: string) {
  return new Map([...latestResources(peer)].filter(([, resource]) => JSON.stringify(resource).includes(planId)));
}

/** What a sync could grow if it read back what was published. */
const shape = (plan: PlanView) => ({
  interventions: Object.fromEntries(plan.parts.map((p) => [p.principal, p.content.interventions?.length ?? 0])),
  relatives: plan.relativesSection.relatives.length,
  commitments: plan.relativesSection.relatives.flatMap((r) => r.commitments ?? []).length,
});

describeEachDatabase('publications under an earlier form of our systems', (ctx) => {
  // Peers of its own for each database run: what one run published is no part of the other's.
  const peers = usePeers();
  let t: TestApp;
  let coordinator: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, env: { FHIR_SYSTEM_BASES_EARLIER: EARLIER_BASE } });
    coordinator = await staffClient(t, 'region-coordinator');
  });

  const individuals = ['194003019801', '195202149836'];

  /**
   * Delivers everything of the plan: retries made due at once until nothing is left (a busy
   * machine can make an attempt time out, and one drain stops at a round that delivered nothing).
   */
  async function settle(planId: string) {
    for (let round = 0; round < 20; round++) {
      await t.outbox.drain();
      const [waiting] = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from outbox where plan_id = ${planId} and delivered_at is null`));
      if (Number(waiting?.n ?? 0) === 0) return;
      await ctx.database.db.execute(sql`update outbox set next_attempt_at = now() - interval '1 second' where plan_id = ${planId} and delivered_at is null`);
    }
    throw new Error('the outbox did not settle');
  }

  earlierForms.forEach(({ name, form, marker }, i) => {
    it(`recognises ${name}: a sync reads none of it back, and publishing updates each in place to the current systems, with no duplicate`, async () => {
      const systems = t.config.fhirSystems;
      let plan = await coordinator.createSharedPlan({ individual: { personId: individuals[i]! }, individualGoals: [{ text: 'Kunna bo kvar hemma' }] });
      plan = await addRelativeWithCommitments(t, coordinator, plan);
      // A relative no upstream knows: the broker publishes a RelatedPerson of its own for them.
      const version = etagVersion(await coordinator.request(`/api/plans/${plan.id}/relatives`));
      const added = await coordinator.request(`/api/plans/${plan.id}/relatives`, {
        method: 'POST',
        ifMatch: version,
        body: { name: 'Sara Lind', relationship: { code: 'FRND', text: 'vän' }, child: false, sharesHome: false },
      });
      expect(added.status).toBe(201);
      plan = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
      await settle(plan.id);
      const planShape = shape(plan);
      expect(planShape.commitments).toBe(2);

      // What an earlier broker left there: the same publication, our systems in the earlier form.
      const before: Record<Side, Map<string, unknown>> = { region: new Map(), municipality: new Map() };
      for (const side of SIDES) {
        const peer = peers[side];
        const state = peer.exportState();
        const rewritten: PeerState = {
          histories: Object.fromEntries(
            Object.entries(state.histories).map(([key, versions]) => [
              key,
              versions.map((v) => (JSON.stringify(v.resource).includes(plan.id) ? { ...v, resource: inForm(v.resource, systems, form) } : v)),
            ]),
          ),
        };
        peer.importState(rewritten);
        before[side] = planResources(peer, plan.id);
        const text = JSON.stringify([...before[side].values()]);
        expect(text, side).toContain(marker);
        expect(text, side).not.toContain(`${systems.base}/`);
      }
      // Every kind of resource the broker publishes is there in the earlier form (a RelatedPerson
      // only where the upstream does not know the relative: one it knows keeps its own).
      const types = new Set(SIDES.flatMap((side) => [...before[side].keys()].map((key) => key.split('/')[0])));
      for (const type of ['CarePlan', 'CareTeam', 'Consent', 'Goal', 'RelatedPerson', 'Task', 'Provenance']) expect(types, type).toContain(type);

      // A sync reads none of it back as the upstream's own record.
      let res = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
      expect(res.status).toBe(200);
      const synced = (await res.json()) as PlanView;
      expect(synced.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });
      expect(shape(synced)).toEqual(planShape);
      await settle(plan.id);

      // Publish every revision again, on what the upstreams now hold.
      await ctx.database.db.execute(sql`update outbox set delivered_at = null, next_attempt_at = now() - interval '1 second' where plan_id = ${plan.id}`);
      await settle(plan.id);

      for (const side of SIDES) {
        const peer = peers[side];
        const after = planResources(peer, plan.id);
        expect(integrityFindings(peer, systems), side).toEqual([]);
        // Updated in place: the same resources, none added (not even a Provenance: those held are recognised by their revision).
        expect([...after.keys()].sort(), side).toEqual([...before[side].keys()].sort());
        for (const [key, resource] of after) {
          if (resource.resourceType === 'Provenance') continue;
          const text = JSON.stringify(resource);
          expect(text, `${side} ${key}`).not.toContain(marker);
          const identifiers = (resource as { identifier?: { system?: string }[] }).identifier ?? [];
          const ours = identifiers.filter((id) => systems.isIdentifierSystem(id.system));
          // The upstream's own RelatedPerson, which the broker updated, carries none of ours.
          if (ours.length === 0) {
            expect(resource.resourceType, `${side} ${key}`).toBe('RelatedPerson');
            continue;
          }
          for (const id of ours) expect(id.system!.startsWith(`${systems.base}/NamingSystem/`), `${side} ${key}: ${id.system}`).toBe(true);
        }
      }

      // And a sync after that still reads nothing back.
      res = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
      expect(shape((await res.json()) as PlanView)).toEqual(planShape);
    });
  });
});
