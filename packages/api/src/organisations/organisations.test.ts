import type { PlanView } from '@sip/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustedIssuer } from '../auth/tokens.ts';
import {
  buildTestApp,
  consentInput,
  createTestIssuer,
  describeEachDatabase,
  expectProblem,
  MUNICIPALITY,
  OTHER_MUNICIPALITY,
  OTHER_REGION,
  planInput,
  REGION,
  SODERVIK,
  staffClient,
  type TestApp,
  type TestIssuer,
  usePeers,
} from '../test-support/index.ts';

const peers = usePeers();

interface Organisation {
  id: string;
  name: string;
  kind: 'region' | 'municipality';
  upstream: string;
}

/** The register a test app starts with: the demo world's three, and the two the test config adds. */
const STARTING: Organisation[] = [
  { ...REGION, kind: 'region', upstream: 'region' },
  { ...MUNICIPALITY, kind: 'municipality', upstream: 'municipality' },
  // The demo's second municipality, whose records are in its own case system.
  { ...SODERVIK, kind: 'municipality', upstream: 'sodervik' },
  { ...OTHER_REGION, kind: 'region', upstream: 'region' },
  { ...OTHER_MUNICIPALITY, kind: 'municipality', upstream: 'municipality' },
];

const byId = (list: Organisation[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

async function listAs(t: TestApp, token: string | undefined): Promise<Response> {
  return t.app.request('/api/organisations', { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

async function organisationsOf(t: TestApp, token: string): Promise<Organisation[]> {
  const res = await listAs(t, token);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: Organisation[] };
  expect(Object.keys(body)).toEqual(['items']);
  return body.items;
}

/** A staff token of Region Söderå (a configured organisation no demo persona works for), from an issuer of its own. */
async function otherRegionIssuer(): Promise<{ idp: TestIssuer; trusted: TrustedIssuer }> {
  const idp = await createTestIssuer('https://idp.sodera.example');
  return { idp, trusted: { kind: 'staff', issuer: idp.issuer, audience: 'sip-broker-staff', keys: idp.keys } };
}

describeEachDatabase('the register of organisations (GET /api/organisations)', (ctx) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });
  afterAll(async () => {
    await t?.events.close();
  });

  it('lists the demo region and municipality and the configured ones, each with id, name, kind and upstream', async () => {
    const items = await organisationsOf(t, await t.tokenFor('region-coordinator'));
    expect(byId(items)).toEqual(byId(STARTING));
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['id', 'kind', 'name', 'upstream']);
  });

  it('lists regions first, then municipalities, each by name, as its documentation says', async () => {
    const items = await organisationsOf(t, await t.tokenFor('region-coordinator'));
    expect(items.map((o) => o.name)).toEqual([REGION.name, OTHER_REGION.name, MUNICIPALITY.name, SODERVIK.name, OTHER_MUNICIPALITY.name]);
  });

  it.each(['region-physician', 'municipality-homecare', 'region-coordinator', 'municipality-coordinator', 'region-auditor'])(
    'may be read by %s: the same register for every staff member',
    async (persona) => {
      expect(byId(await organisationsOf(t, await t.tokenFor(persona)))).toEqual(byId(STARTING));
    },
  );

  it('may be read by staff of a configured organisation, signed in through their own identity provider', async () => {
    const { idp, trusted } = await otherRegionIssuer();
    const other = await buildTestApp({ database: ctx.database, peers: peers.urls, extraIssuers: [trusted] });
    try {
      const token = await idp.sign({ sub: 'SE2321000099-7Z02', org: OTHER_REGION.id, role: 'staff' });
      expect(byId(await organisationsOf(other, token))).toEqual(byId(STARTING));
    } finally {
      await other.events.close();
    }
  });

  it('refuses a citizen token (403), and a request without a token or with a bad one (401)', async () => {
    for (const persona of ['maria', 'astrid']) {
      const body = await expectProblem(await listAs(t, await t.tokenFor(persona)), 403);
      expect(JSON.stringify(body)).not.toContain(OTHER_REGION.id);
    }
    await expectProblem(await listAs(t, undefined), 401);
    await expectProblem(await listAs(t, 'not-a-token'), 401);
  });

  it('is what a plan’s principals are checked against, and where their names come from', async () => {
    const coordinator = await staffClient(t, 'municipality-coordinator');
    // A configured region, named in the request by another name: the register's name is the one kept.
    const plan = await coordinator.createPlan({ principals: { region: { id: OTHER_REGION.id, name: 'Fel namn' }, municipality: MUNICIPALITY } });
    expect(plan.parts.map((p) => [p.principal, p.organisation])).toEqual(
      expect.arrayContaining([
        ['region', { id: OTHER_REGION.id, name: OTHER_REGION.name }],
        ['municipality', { id: MUNICIPALITY.id, name: MUNICIPALITY.name }],
      ]),
    );
    // An HSA-id the register does not hold, and a known organisation in the wrong role, are refused.
    const unknown = await coordinator.request('/api/plans', {
      method: 'POST',
      body: planInput({ principals: { region: { id: 'SE2321000099-7NO1', name: 'Region Okänd' }, municipality: MUNICIPALITY } }),
    });
    await expectProblem(unknown, 422);
    const swapped = await coordinator.request('/api/plans', {
      method: 'POST',
      body: planInput({ principals: { region: OTHER_MUNICIPALITY, municipality: MUNICIPALITY } }),
    });
    await expectProblem(swapped, 422);
  });
});

describeEachDatabase('the register across a restart with another ORGANISATIONS', (ctx) => {
  const RENAMED_OTHER_REGION = 'Region Söderå-Ås';
  const RENAMED_MUNICIPALITY = 'Norrvik-Ås kommun';
  let first: TestApp;
  let second: TestApp | undefined;
  let issuer: Awaited<ReturnType<typeof otherRegionIssuer>>;

  beforeAll(async () => {
    issuer = await otherRegionIssuer();
    first = await buildTestApp({ database: ctx.database, peers: peers.urls, extraIssuers: [issuer.trusted] });
  });
  afterAll(async () => {
    await first?.events.close();
    await second?.events.close();
  });

  it('renames what the configuration renames, removes nothing, and keeps the plans that name them readable', async () => {
    const otherCoordinatorToken = await issuer.idp.sign({ sub: 'SE2321000099-7Z01', org: OTHER_REGION.id, role: 'coordinator' });
    const asOther = (t: TestApp, path: string, init: { method?: string; body?: unknown; ifMatch?: number } = {}) =>
      t.app.request(path, {
        method: init.method ?? 'GET',
        headers: {
          Authorization: `Bearer ${otherCoordinatorToken}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.ifMatch !== undefined ? { 'If-Match': `W/"${init.ifMatch}"` } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });

    // Before the restart: Region Söderå starts a plan with Norrviks kommun; the individual's consent names both by name.
    let res = await asOther(first, '/api/plans', { method: 'POST', body: planInput({ principals: { region: OTHER_REGION, municipality: MUNICIPALITY } }) });
    expect(res.status).toBe(201);
    const draft = (await res.json()) as PlanView;
    res = await asOther(first, `/api/plans/${draft.id}/consent`, {
      method: 'PUT',
      ifMatch: draft.version,
      body: consentInput({ scope: { ...consentInput().scope, actors: [OTHER_REGION.name, MUNICIPALITY.name] } }),
    });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as PlanView;
    expect(plan.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });
    const homecareBefore = await staffClient(first, 'municipality-homecare');
    expect((await homecareBefore.request(`/api/plans/${plan.id}`)).status).toBe(200);

    // The restart: one configured organisation and one of the demo world's renamed; Söderå kommun no longer configured.
    second = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      extraIssuers: [issuer.trusted],
      env: {
        ORGANISATIONS: JSON.stringify([
          { ...OTHER_REGION, name: RENAMED_OTHER_REGION, kind: 'region' },
          { ...MUNICIPALITY, name: RENAMED_MUNICIPALITY, kind: 'municipality' },
        ]),
      },
    });
    const coordinator = await staffClient(second, 'municipality-coordinator');
    expect(byId(await organisationsOf(second, coordinator.token))).toEqual(
      byId([
        { ...REGION, kind: 'region', upstream: 'region' },
        { id: MUNICIPALITY.id, name: RENAMED_MUNICIPALITY, kind: 'municipality', upstream: 'municipality' },
        { id: OTHER_REGION.id, name: RENAMED_OTHER_REGION, kind: 'region', upstream: 'region' },
        // Plans may name it: it stays in the register.
        { ...OTHER_MUNICIPALITY, kind: 'municipality', upstream: 'municipality' },
        { ...SODERVIK, kind: 'municipality', upstream: 'sodervik' },
      ]),
    );

    // The plan made before the restart is still read by both principals' staff, and the consent still reaches both.
    for (const read of [
      () => asOther(second!, `/api/plans/${plan.id}`),
      () => coordinator.request(`/api/plans/${plan.id}`),
    ]) {
      const again = await read();
      expect(again.status).toBe(200);
      const view = (await again.json()) as PlanView;
      expect(view.id).toBe(plan.id);
      expect(view.visibility?.consent).toBe('in-force');
      expect(view.parts.map((p) => [p.principal, p.organisation.id]).sort()).toEqual([
        ['municipality', MUNICIPALITY.id],
        ['region', OTHER_REGION.id],
      ]);
      expect(view.relativesSection.relatives.map((r) => r.name)).toEqual(plan.relativesSection.relatives.map((r) => r.name));
    }
    // It still syncs from both sides: the consent's names still reach the renamed organisations.
    res = await asOther(second, `/api/plans/${plan.id}/sync`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as PlanView).sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });

    // A plan made after the restart takes the new names.
    const fresh = await coordinator.createPlan({ principals: { region: { id: OTHER_REGION.id }, municipality: { id: MUNICIPALITY.id } } });
    expect(fresh.parts.map((p) => [p.principal, p.organisation]).sort()).toEqual([
      ['municipality', { id: MUNICIPALITY.id, name: RENAMED_MUNICIPALITY }],
      ['region', { id: OTHER_REGION.id, name: RENAMED_OTHER_REGION }],
    ]);
    // And the organisation no longer configured can still be named.
    const regionCoordinator = await staffClient(second, 'region-coordinator');
    const kept = await regionCoordinator.createPlan({ principals: { region: REGION, municipality: OTHER_MUNICIPALITY } });
    expect(kept.parts.find((p) => p.principal === 'municipality')?.organisation).toEqual(OTHER_MUNICIPALITY);
  });
});
