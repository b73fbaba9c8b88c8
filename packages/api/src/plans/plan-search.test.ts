import { beforeAll, expect, it } from 'vitest';
import { buildTestApp, describeEachDatabase, expectProblem, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

const peers = usePeers({ seed: false });

const ASTRID = '194003019801';
const KARL = '195202149836';

describeEachDatabase("searching plans by the individual's personnummer (POST /api/plans/search)", (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });

  it("finds the individual's plans that my organisation takes part in, and logs each one it returns", async () => {
    const region = await staffClient(t, 'region-coordinator');
    const municipality = await staffClient(t, 'municipality-coordinator');
    const astrids = await region.createPlan({ individual: { personId: ASTRID } });
    await region.createPlan({ individual: { personId: KARL } });
    // A draft of the municipality's: the region does not take part in it yet.
    const municipalDraft = await municipality.createPlan({ individual: { personId: ASTRID } });

    const res = await region.request('/api/plans/search', { method: 'POST', body: { personId: '19400301-9801' } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string; individual: { personId: string } }[]; total: number; limit: number; offset: number };
    expect(page.items.map((p) => p.id)).toEqual([astrids.id]);
    expect(page).toMatchObject({ total: 1, limit: 20, offset: 0 });

    const theirs = (await (await municipality.request('/api/plans/search', { method: 'POST', body: { personId: ASTRID } })).json()) as { items: { id: string }[] };
    expect(theirs.items.map((p) => p.id)).toEqual([municipalDraft.id]);

    const auditor = await staffClient(t, 'region-auditor');
    const log = (await (await auditor.request('/api/access-log/search', { method: 'POST', body: { individual: ASTRID } })).json()) as {
      items: { action: string; planId: string; requestId: string }[];
    };
    expect(log.items.filter((i) => i.action === 'plan.list' && i.requestId === res.headers.get('x-request-id')).map((i) => i.planId)).toEqual([astrids.id]);
  });

  it('finds nothing for an individual without a plan, and refuses what is not a personnummer or an unknown filter', async () => {
    const region = await staffClient(t, 'region-coordinator');
    const none = await region.request('/api/plans/search', { method: 'POST', body: { personId: '191212121212' } });
    expect(await none.json()).toMatchObject({ items: [], total: 0 });
    await expectProblem(await region.request('/api/plans/search', { method: 'POST', body: { personId: '194003019802' } }), 422);
    await expectProblem(await region.request('/api/plans/search', { method: 'POST', body: { individual: ASTRID } }), 422);
  });

  it('is for staff who may list plans', async () => {
    await expectProblem(await t.app.request('/api/plans/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 401);
    const citizen = await staffClient(t, 'maria');
    await expectProblem(await citizen.request('/api/plans/search', { method: 'POST', body: {} }), 403);
  });
});
