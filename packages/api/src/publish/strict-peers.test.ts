import type { CarePlan, Provenance } from '@medplum/fhirtypes';
import type { PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import {
  buildTestApp,
  describeEachDatabase,
  expectProblem,
  integrityFindings,
  searchPeer,
  staffClient,
  type TestApp,
  usePeers,
  testSystems,
} from '../test-support/index.ts';

/**
 * Publishing against peers that behave as real servers do by default: transactions run as
 * batches that answer 200 with failed entries, a limit on entries where strict isolation is
 * needed, serialization failures under concurrency, 429 with Retry-After.
 */
const peers = usePeers();

type Side = 'region' | 'municipality';
const SIDES: Side[] = ['region', 'municipality'];

describeEachDatabase('publishing to strict FHIR servers', (ctx) => {
  let t: TestApp;
  let coordinator: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    coordinator = await staffClient(t, 'region-coordinator');
  });

  afterEach(() => {
    for (const side of SIDES) {
      peers[side].setStrictness({ transactions: 'atomic', maxTransactionEntries: undefined, serializationFailures: undefined, rateLimit: undefined });
    }
  });

  async function outbox(planId: string) {
    return rowsOf<{ side: Side; revision: number; delivered_at: unknown; outcome: string | null; last_error: string | null; set_aside_at: unknown; next_attempt_at: string | Date }>(
      await ctx.database.db.execute(
        sql`select side, revision, delivered_at, outcome, last_error, set_aside_at, next_attempt_at from outbox where plan_id = ${planId} order by id`,
      ),
    );
  }

  async function publication(planId: string) {
    const res = await coordinator.request(`/api/plans/${planId}/publication`);
    expect(res.status).toBe(200);
    return Object.fromEntries(((await res.json()) as { sides: { side: Side; state: string; reason: string | null }[] }).sides.map((s) => [s.side, s]));
  }

  async function provenanceRevisions(side: Side, planId: string): Promise<number[]> {
    const [sip] = await searchPeer<CarePlan>(peers.urls[side], `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`);
    if (!sip) return [];
    const found = await searchPeer<Provenance>(peers.urls[side], `Provenance?target=CarePlan/${sip.id}`);
    return found.map((p) => p.extension?.find((e) => e.url === 'https://sip.example/fhir/StructureDefinition/plan-revision')?.valueInteger ?? -1).sort((a, b) => a - b);
  }

  /**
   * Delivers everything of the plan: retries made due at once until nothing is left (a busy
   * machine can make an attempt time out, and one drain stops at a round that delivered nothing).
   */
  async function settle(planId: string) {
    for (let round = 0; round < 20; round++) {
      await t.outbox.drain();
      if ((await outbox(planId)).every((r) => r.delivered_at !== null)) return;
      await ctx.database.db.execute(sql`update outbox set next_attempt_at = now() - interval '1 second' where plan_id = ${planId} and delivered_at is null`);
    }
    throw new Error('the outbox did not settle');
  }

  const sharedPlan = (title: string) => coordinator.createSharedPlan({ individual: { personId: '194003019801' }, title });

  async function edit(plan: PlanView, title: string): Promise<PlanView> {
    const res = await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title } });
    expect(res.status).toBe(200);
    return (await res.json()) as PlanView;
  }

  it('counts a delivery only when every entry was written, when a server runs transactions as batches', async () => {
    peers.region.setStrictness({ transactions: 'batch' });
    const plan = await sharedPlan('SIP, batch');
    // The next write fails on the region's server: a 200 answer with one failed entry.
    peers.region.failNextWrites(1);
    await t.outbox.runOnce();
    const afterFirst = await outbox(plan.id);
    const region = afterFirst.filter((r) => r.side === 'region');
    expect(region.every((r) => r.delivered_at === null), 'a half-refused transaction is no delivery').toBe(true);
    expect(region.at(-1)!.last_error).toBe('entries-refused 409');
    expect(region.at(-1)!.set_aside_at, 'a serialization failure is worth retrying').toBeNull();
    expect((await publication(plan.id)).region).toMatchObject({ state: 'pending', reason: 'entries-refused 409' });

    await ctx.database.db.execute(sql`update outbox set next_attempt_at = now() - interval '1 second' where plan_id = ${plan.id} and delivered_at is null`);
    await t.outbox.drain();
    expect((await outbox(plan.id)).every((r) => r.delivered_at !== null)).toBe(true);
    expect((await publication(plan.id)).region).toMatchObject({ state: 'published' });
    for (const side of SIDES) {
      expect(integrityFindings(peers[side], testSystems), side).toEqual([]);
      expect(await provenanceRevisions(side, plan.id), side).toEqual(
        (await outbox(plan.id)).filter((r) => r.side === side).map((r) => r.revision),
      );
    }
  });

  it('fits its transactions to a server’s entry limit, and sets aside what a server refuses without holding anything else back', async () => {
    for (const side of SIDES) peers[side].setStrictness({ maxTransactionEntries: 4 });
    const plan = await sharedPlan('SIP, strict isolation');
    await t.outbox.drain();
    expect((await outbox(plan.id)).every((r) => r.outcome === 'delivered' || r.outcome === 'superseded')).toBe(true);
    for (const side of SIDES) expect(integrityFindings(peers[side], testSystems), side).toEqual([]);

    // A broker told the region takes more than it does: the region refuses, for good, until that is fixed.
    const wide = await buildTestApp({ database: ctx.database, peers: peers.urls, env: { REGION_FHIR_MAX_TRANSACTION_ENTRIES: '30' } });
    const other = await sharedPlan('SIP, too wide for the region');
    let current = await edit(plan, 'SIP, strict isolation, ändrad');
    await wide.outbox.drain();
    const refused = (await outbox(other.id)).filter((r) => r.side === 'region' && r.delivered_at === null);
    expect(refused.at(-1)).toMatchObject({ last_error: 'refused 400' });
    expect(refused.at(-1)!.set_aside_at).not.toBeNull();
    // Nothing else waits behind it: the municipality got the new plan, and the first plan's change reached both.
    expect((await outbox(other.id)).filter((r) => r.side === 'municipality').every((r) => r.delivered_at !== null)).toBe(true);
    expect((await outbox(plan.id)).every((r) => r.delivered_at !== null)).toBe(true);
    expect((await publication(other.id)).region).toMatchObject({ state: 'set-aside', reason: 'refused 400' });
    const ready = await t.app.request('/ready');
    expect(((await ready.json()) as { publication: Record<Side, { setAside: number }> }).publication.region.setAside).toBeGreaterThanOrEqual(1);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(/sip_publication_set_aside\{upstream="region"\} [1-9]/);

    // Once the cause is fixed (here: the server lifts its limit), the next try delivers it, and the later revision supersedes nothing lost.
    peers.region.setStrictness({ maxTransactionEntries: undefined });
    current = await edit(other, 'SIP, rättad');
    await wide.outbox.drain();
    // An attempt that timed out on a busy machine is tried again, as the worker would.
    await settle(other.id);
    expect((await outbox(other.id)).every((r) => r.delivered_at !== null)).toBe(true);
    const [sip] = await searchPeer<CarePlan>(peers.urls.region, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${other.id}`);
    expect(sip!.title).toBe(current.fields.title);
    expect(await provenanceRevisions('region', other.id)).toEqual((await outbox(other.id)).filter((r) => r.side === 'region').map((r) => r.revision));
    expect(integrityFindings(peers.region, testSystems)).toEqual([]);
  });

  it('answers the publication status only to who may read the plan, with a problem otherwise', async () => {
    const plan = await coordinator.createPlan({ individual: { personId: '194003019801' }, title: 'SIP, utkast' });
    // Before consent the municipality does not see the region's draft: 404, revealing nothing.
    const municipality = await staffClient(t, 'municipality-coordinator');
    await expectProblem(await municipality.request(`/api/plans/${plan.id}/publication`), 404);
    await expectProblem(await coordinator.request('/api/plans/not-a-plan/publication'), 404);
    await expectProblem(await t.app.request(`/api/plans/${plan.id}/publication`), 401);
    const mine = await publication(plan.id);
    expect(mine.municipality).toMatchObject({ state: 'never' });
    expect(['pending', 'published']).toContain(mine.region!.state);
  });

  it('waits as long as a 429 asks, then delivers', async () => {
    const plan = await sharedPlan('SIP, throttled');
    peers.municipality.throttleNext(1, 30);
    const before = Date.now();
    await t.outbox.runOnce();
    const waiting = (await outbox(plan.id)).filter((r) => r.side === 'municipality' && r.delivered_at === null).at(-1)!;
    expect(waiting.last_error).toBe('throttled');
    expect(new Date(waiting.next_attempt_at).getTime() - before).toBeGreaterThanOrEqual(29_000);
    await ctx.database.db.execute(sql`update outbox set next_attempt_at = now() - interval '1 second' where plan_id = ${plan.id} and delivered_at is null`);
    await t.outbox.drain();
    expect((await outbox(plan.id)).every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('records a Provenance for every revision when both principals change their parts at the same moment', async () => {
    const plan = await sharedPlan('SIP, samtidigt');
    const physician = await staffClient(t, 'region-physician');
    const homecare = await staffClient(t, 'municipality-homecare');
    const read = async () => (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
    for (let round = 0; round < 5; round++) {
      const now = await read();
      const part = (principal: Side) => now.parts.find((p) => p.principal === principal)!;
      const results = await Promise.all([
        physician.request(`/api/plans/${plan.id}/parts/${part('region').id}`, {
          method: 'PATCH',
          ifMatch: part('region').version,
          body: { goals: [{ text: `Mål ${round}` }] },
        }),
        homecare.request(`/api/plans/${plan.id}/parts/${part('municipality').id}`, {
          method: 'PATCH',
          ifMatch: part('municipality').version,
          body: { goals: [{ text: `Insats ${round}` }] },
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
    }
    // A delivery the region's server refused under concurrency (409) is retried until it is in.
    await settle(plan.id);
    const rows = await outbox(plan.id);
    for (const side of SIDES) {
      expect(await provenanceRevisions(side, plan.id), `${side}: ${t.logs.filter((l) => l.includes('publish')).join('')}`).toEqual(
        rows.filter((r) => r.side === side).map((r) => r.revision),
      );
    }
  });

  it('goes round publish, sync and publish again on batch servers with an entry limit and changes nothing', async () => {
    for (const side of SIDES) peers[side].setStrictness({ transactions: 'batch', maxTransactionEntries: 4 });
    const plan = await sharedPlan('SIP, rundtur');
    await settle(plan.id);
    const state = () => SIDES.map((side) => JSON.stringify([...integrityFindings(peers[side], testSystems), peers[side].exportState().histories]));
    const published = state();
    for (let round = 0; round < 3; round++) {
      const res = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(((await res.json()) as PlanView).revision).toBe(plan.revision);
      await settle(plan.id);
      expect(state(), `round ${round}`).toEqual(published);
    }
    for (const side of SIDES) expect(integrityFindings(peers[side], testSystems), side).toEqual([]);
  });
});
