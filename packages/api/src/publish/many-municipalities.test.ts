import type { CarePlan, Provenance } from '@medplum/fhirtypes';
import type { PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import {
  buildTestApp,
  describeEachDatabase,
  integrityFindings,
  MUNICIPALITY,
  REGION,
  searchPeer,
  SODERVIK,
  staffClient,
  testSystems,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';

// A region works with many municipalities, each with its own case system: the demo world's
// Söderviks kommun keeps its records in the upstream `sodervik`, Norrviks kommun in `municipality`.
const peers = usePeers();

const INGRID = '194411079827';

describeEachDatabase('one region, two municipalities, each with its own case system', (ctx) => {
  let t: TestApp;
  let ingrids: PlanView;
  let astrids: PlanView;

  const sipsOf = (base: string, plan: PlanView) => searchPeer<CarePlan>(base, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);

  /** What waits in the outbox for this test's plans, as `[plan, side]`. */
  async function waiting(): Promise<[string, string][]> {
    const rows = rowsOf<{ plan_id: string; side: string }>(
      await ctx.database.db.execute(
        sql`select distinct plan_id, side from outbox where delivered_at is null and plan_id in (${ingrids.id}, ${astrids.id}) order by plan_id, side`,
      ),
    );
    return rows.map((r) => [r.plan_id, r.side]);
  }

  /**
   * Delivers until what waits is `expected`: a delivery that timed out on a busy machine is tried
   * again (the worker's backoff made due at once, the waiting upstreams probed), as the worker would.
   */
  async function settle(expected: [string, string][] = []) {
    for (let round = 0; round < 40; round++) {
      await t.outbox.probeWaiting();
      await t.outbox.drain();
      if (JSON.stringify(await waiting()) === JSON.stringify(expected)) return;
      await ctx.database.db.execute(sql`update outbox set next_attempt_at = now() where delivered_at is null`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await waiting()).toEqual(expected);
  }

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    const sodervik = await staffClient(t, 'sodervik-coordinator');
    ingrids = await sodervik.createSharedPlan(
      { individual: { personId: INGRID, name: 'Ingrid Berg' }, principals: { region: REGION, municipality: SODERVIK }, title: 'SIP för Ingrid' },
      { scope: { information: ['goals', 'interventions', 'contacts'], actors: [REGION.name, SODERVIK.name], validUntil: '2027-11-20' } },
    );
    const norrvik = await staffClient(t, 'municipality-coordinator');
    astrids = await norrvik.createSharedPlan();
  });

  afterAll(async () => {
    for (const peer of [peers.region, peers.municipality, peers.sodervik]) await peer.setFault('none');
  });

  it('assembles a plan from the case system of the municipality that takes part in it, and the region', async () => {
    const res = await (await staffClient(t, 'sodervik-coordinator')).request(`/api/plans/${ingrids.id}/sync`, { method: 'POST' });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as PlanView;
    expect(plan.sources?.municipality.status).toBe('ok');
    expect(plan.sources?.region.status).toBe('ok');
    const municipal = plan.parts.find((p) => p.principal === 'municipality')!;
    expect(municipal.organisation).toEqual(SODERVIK);
    // Söderviks kommun's own decisions; Norrviks kommun's case system does not know Ingrid at all.
    expect((municipal.content.interventions ?? []).map((i) => i.title).sort()).toEqual([
      'Hemtjänst: hjälp med städning varannan vecka',
      'Trygghetslarm',
    ]);
    expect(municipal.content.interventions?.every((i) => i.source?.system === 'municipality')).toBe(true);
  });

  it('keeps each municipality’s plans from the other municipality’s staff', async () => {
    const norrvik = await staffClient(t, 'municipality-coordinator');
    expect((await norrvik.request(`/api/plans/${ingrids.id}`)).status).toBe(404);
    const sodervik = await staffClient(t, 'sodervik-coordinator');
    expect((await sodervik.request(`/api/plans/${astrids.id}`)).status).toBe(404);
  });

  it('publishes each plan to its own municipality’s case system and the region, and to no other', async () => {
    await settle();
    const [inSodervik] = await sipsOf(peers.urls.sodervik, ingrids);
    expect(inSodervik?.title).toBe('SIP för Ingrid');
    expect(inSodervik?.subject?.reference).toBe('Patient/patient-ingrid');
    expect(await sipsOf(peers.urls.region, ingrids)).toHaveLength(1);
    expect(await sipsOf(peers.urls.municipality, ingrids)).toEqual([]);

    expect(await sipsOf(peers.urls.municipality, astrids)).toHaveLength(1);
    expect(await sipsOf(peers.urls.sodervik, astrids)).toEqual([]);
    for (const peer of [peers.region, peers.municipality, peers.sodervik]) expect(integrityFindings(peer, testSystems)).toEqual([]);

    const status = await (await staffClient(t, 'sodervik-coordinator')).request(`/api/plans/${ingrids.id}/publication`);
    const { sides } = (await status.json()) as { sides: { side: string; upstream: string; state: string }[] };
    expect(sides.map((s) => [s.side, s.upstream, s.state]).sort()).toEqual([
      ['municipality', 'sodervik', 'published'],
      ['region', 'region', 'published'],
    ]);
  });

  it('lets one municipality’s outage hold up only its own plans, and delivers them once it answers again', async () => {
    const edit = async (persona: string, plan: PlanView, title: string) => {
      const client = await staffClient(t, persona);
      const current = (await (await client.request(`/api/plans/${plan.id}`)).json()) as PlanView;
      const res = await client.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: current.version, body: { title } });
      expect(res.status).toBe(200);
    };
    await peers.municipality.setFault('down');
    await edit('municipality-coordinator', astrids, 'SIP för Astrid, reviderad');
    await edit('sodervik-coordinator', ingrids, 'SIP för Ingrid, reviderad');
    // Only Astrid's plan, and only its way to Norrvik's case system, waits.
    await settle([[astrids.id, 'municipality']]);

    // Södervik and the region have both changes; Norrvik's case system, down, has neither yet.
    expect((await sipsOf(peers.urls.sodervik, ingrids))[0]?.title).toBe('SIP för Ingrid, reviderad');
    expect((await sipsOf(peers.urls.region, astrids))[0]?.title).toBe('SIP för Astrid, reviderad');
    const ready = (await (await t.app.request('/ready')).json()) as { checks: Record<string, { ok: boolean }>; publication: Record<string, { pending: number }> };
    expect(ready.checks.municipality?.ok).toBe(false);
    expect(ready.checks.sodervik?.ok).toBe(true);
    expect(ready.publication.municipality?.pending).toBeGreaterThanOrEqual(1);
    expect(ready.publication.sodervik?.pending).toBe(0);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(/sip_publication_pending\{upstream="municipality"\} [1-9]/);
    expect(metrics).toMatch(/sip_publication_pending\{upstream="sodervik"\} 0/);

    // Norrvik answers again: what waited for it is delivered.
    await peers.municipality.setFault('none');
    await settle();
    const [inNorrvik] = await sipsOf(peers.urls.municipality, astrids);
    expect(inNorrvik?.title).toBe('SIP för Astrid, reviderad');
    const provenances = await searchPeer<Provenance>(peers.urls.municipality, `Provenance?target=CarePlan/${inNorrvik!.id}`);
    expect(provenances.length).toBeGreaterThanOrEqual(2);
    expect(await sipsOf(peers.urls.sodervik, astrids)).toEqual([]);
    for (const peer of [peers.region, peers.municipality, peers.sodervik]) expect(integrityFindings(peer, testSystems)).toEqual([]);
  });
});
