import type { PlanView } from '@sip/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  OTHER_REGION,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { createTestIssuer } from '../test-support/tokens.ts';

const peers = usePeers({ seed: false });

type Who = 'regionCoordinator' | 'regionStaff' | 'regionAuditor' | 'municipalityCoordinator' | 'municipalityStaff' | 'outsider' | 'citizen';
type Operation = { name: string; run: (plan: PlanView, send: Send) => Promise<Response> };
type Send = (path: string, init?: { method?: string; body?: unknown; ifMatch?: number }) => Promise<Response>;

const part = (plan: PlanView, principal: 'region' | 'municipality') => plan.parts.find((p) => p.principal === principal)!;

const operations: Operation[] = [
  { name: 'read the plan', run: (p, send) => send(`/api/plans/${p.id}`) },
  { name: 'read a part', run: (p, send) => send(`/api/plans/${p.id}/parts/${part(p, 'region').id}`) },
  { name: 'read versions', run: (p, send) => send(`/api/plans/${p.id}/versions`) },
  { name: 'edit plan-level fields', run: (p, send) => send(`/api/plans/${p.id}`, { method: 'PATCH', ifMatch: 1, body: { title: 'Ändrad' } }) },
  { name: "edit the region's part", run: (p, send) => send(`/api/plans/${p.id}/parts/${part(p, 'region').id}`, { method: 'PATCH', ifMatch: 1, body: { goals: [{ text: 'Mål' }] } }) },
  {
    name: "edit the municipality's part",
    run: (p, send) => send(`/api/plans/${p.id}/parts/${part(p, 'municipality').id}`, { method: 'PATCH', ifMatch: 1, body: { goals: [{ text: 'Mål' }] } }),
  },
  { name: 'record consent', run: (p, send) => send(`/api/plans/${p.id}/consent`, { method: 'PUT', ifMatch: 1, body: consentInput() }) },
  { name: 'add a participant', run: (p, send) => send(`/api/plans/${p.id}/participants`, { method: 'POST', ifMatch: 1, body: { kind: 'invited', name: 'Skolan' } }) },
  { name: 'close the plan', run: (p, send) => send(`/api/plans/${p.id}/status`, { method: 'POST', ifMatch: 1, body: { status: 'closed' } }) },
];

/** Expected status per operation (rows) and caller (columns). */
const matrix: Record<string, Record<Who, number>> = {
  'read the plan': { regionCoordinator: 200, regionStaff: 200, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 200, outsider: 404, citizen: 403 },
  'read a part': { regionCoordinator: 200, regionStaff: 200, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 200, outsider: 404, citizen: 403 },
  'read versions': { regionCoordinator: 200, regionStaff: 200, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 200, outsider: 404, citizen: 403 },
  'edit plan-level fields': { regionCoordinator: 200, regionStaff: 403, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 403, outsider: 404, citizen: 403 },
  "edit the region's part": { regionCoordinator: 200, regionStaff: 200, regionAuditor: 403, municipalityCoordinator: 403, municipalityStaff: 403, outsider: 404, citizen: 403 },
  "edit the municipality's part": { regionCoordinator: 403, regionStaff: 403, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 200, outsider: 404, citizen: 403 },
  'record consent': { regionCoordinator: 200, regionStaff: 403, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 403, outsider: 404, citizen: 403 },
  'add a participant': { regionCoordinator: 200, regionStaff: 403, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 403, outsider: 404, citizen: 403 },
  'close the plan': { regionCoordinator: 200, regionStaff: 403, regionAuditor: 403, municipalityCoordinator: 200, municipalityStaff: 403, outsider: 404, citizen: 403 },
};

describeEachDatabase('who may do what with a plan', (ctx) => {
  let t: TestApp;
  const tokens = {} as Record<Who, string>;
  let creator: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    const outsiderIdp = await createTestIssuer('https://idp.soderaa.example');
    t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      extraIssuers: [{ kind: 'staff', issuer: outsiderIdp.issuer, audience: 'sip-broker-staff', keys: outsiderIdp.keys }],
    });
    creator = await staffClient(t, 'region-coordinator');
    tokens.regionCoordinator = creator.token;
    tokens.regionStaff = await t.tokenFor('region-physician');
    tokens.regionAuditor = await t.tokenFor('region-auditor');
    tokens.municipalityCoordinator = await t.tokenFor('municipality-coordinator');
    tokens.municipalityStaff = await t.tokenFor('municipality-homecare');
    tokens.citizen = await t.tokenFor('maria');
    tokens.outsider = await outsiderIdp.sign({ sub: 'SE2321000099-7Z01', org: OTHER_REGION.id, role: 'coordinator' });
  });

  for (const operation of operations) {
    describe(operation.name, () => {
      for (const [who, expected] of Object.entries(matrix[operation.name]!) as [Who, number][]) {
        it(`${who}: ${expected}`, async () => {
          const plan = await creator.createPlan();
          const send: Send = (path, init = {}) =>
            Promise.resolve(
              t.app.request(path, {
                method: init.method ?? 'GET',
                headers: {
                  Authorization: `Bearer ${tokens[who]}`,
                  ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
                  ...(init.ifMatch !== undefined ? { 'If-Match': `W/"${init.ifMatch}"` } : {}),
                },
                ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
              }),
            );
          const res = await operation.run(plan, send);
          expect(res.status).toBe(expected);
          if (expected >= 400) {
            expect(res.headers.get('content-type')).toContain('application/problem+json');
            // A refused write changed nothing.
            const after = (await (await creator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
            expect(after.revision).toBe(1);
          }
        });
      }
    });
  }

  it('lists only the plans of my organisation', async () => {
    const plan = await creator.createPlan();
    const res = await t.app.request('/api/plans?limit=100', { headers: { Authorization: `Bearer ${tokens.outsider}` } });
    const body = (await res.json()) as { items: { id: string }[]; total: number };
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).not.toContain(plan.id);
    expect(body.total).toBe(0);
  });
});
