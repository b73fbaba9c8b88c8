import type { PlanView } from '@sip/shared';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAccessLog } from '../access-log/access-log.ts';
import { planParts } from '../db/schema.ts';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  expectProblem,
  OTHER_REGION,
  REGION,
  staffClient,
  startTestPeers,
  type TestApp,
  type TestPeers,
  etagVersion,
  MARIA_RELATIVE,
} from '../test-support/index.ts';
import { createTestIssuer } from '../test-support/tokens.ts';

let peers: TestPeers;
beforeAll(async () => {
  peers = await startTestPeers({ seed: false });
});
afterAll(async () => {
  await peers?.close();
});

type Client = Awaited<ReturnType<typeof staffClient>>;
interface Relative {
  id: string;
  name: string;
  child: boolean;
  personId?: string;
  phone?: string;
  sharing?: { categories: string[]; revokedAt?: string };
  information?: { id: string; what: string; how: string; howOften: string }[];
  informed?: { id: string; at: string; what: string }[];
  support?: unknown;
  commitments?: { id: string; history: { status: string; by: string }[] }[];
}
interface Commitment {
  id: string;
  kind?: string;
  status: string;
  reviewDate: string;
  history: { at: string; status: string; by: string; comment?: string }[];
}
interface WorklistPage {
  items: { planId: string; relativeId: string | null; relativeName: string | null; commitmentId: string | null; kind: string; since: string; overallResponsibility: string | null }[];
  total: number;
  limit: number;
  offset: number;
}

const MARIA = { ...MARIA_RELATIVE, phone: '+46701740002' };
const ELSA = { name: 'Elsa Nilsson', relationship: { code: 'GRNDDAU', text: 'barnbarn' }, personId: '201209019841', child: true, sharesHome: false };
/** A relative staff know only by name. */
const NEIGHBOUR = { name: 'Okänd Granne', relationship: { text: 'granne' }, child: false, sharesHome: false };
/** Bengt's and Erik's personnummer (demo personas `bengt` and `erik`). */
const BENGT_PERSON_ID = '193805129818';
const ERIK_PERSON_ID = '198304179859';
const COMMITMENT = { what: 'Handla mat varje vecka', howOften: 'En gång i veckan', from: '2026-12-01', reviewDate: '2027-06-01' };
const SHARING = {
  categories: ['goals', 'interventions'],
  validFrom: '2026-11-20',
  validUntil: '2027-11-20',
  form: 'oral',
  recordedAt: '2026-11-20T10:00:00+01:00',
  recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
};


const version = etagVersion;

describeEachDatabase('the relatives section (staff)', (ctx) => {
  let t: TestApp;
  let regionCoordinator: Client;
  let municipalityHomecare: Client;
  let physician: Client;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    regionCoordinator = await staffClient(t, 'region-coordinator');
    municipalityHomecare = await staffClient(t, 'municipality-homecare');
    physician = await staffClient(t, 'region-physician');
  });

  /** A plan the individual has consented to (so it reaches both principals), with one relative added. */
  async function planWithRelative(client: Client = regionCoordinator, relative: object = MARIA) {
    const plan = await client.createSharedPlan();
    const res = await client.request(`/api/plans/${plan.id}/relatives`, { method: 'POST', ifMatch: plan.relativesSection.version, body: relative });
    expect(res.status).toBe(201);
    const added = (await res.json()) as Relative;
    return { plan, relative: added, version: version(res) };
  }

  async function readPlan(client: Client, planId: string) {
    const res = await client.request(`/api/plans/${planId}`);
    expect(res.status).toBe(200);
    return (await res.json()) as PlanView;
  }

  describe('relatives', () => {
    it('adds, changes and removes a relative under If-Match, by staff of either principal', async () => {
      const plan = await regionCoordinator.createSharedPlan();
      const base = `/api/plans/${plan.id}/relatives`;
      await expectProblem(await physician.request(base, { method: 'POST', body: MARIA }), 428);
      await expectProblem(await physician.request(base, { method: 'POST', ifMatch: 99, body: MARIA }), 412);

      let res = await physician.request(base, { method: 'POST', ifMatch: plan.relativesSection.version, body: MARIA });
      expect(res.status).toBe(201);
      const maria = (await res.json()) as Relative;
      expect(res.headers.get('location')).toBe(`${base}/${maria.id}`);
      expect(version(res)).toBe(plan.relativesSection.version + 1);
      expect(maria).toMatchObject({ name: 'Maria Nilsson', personId: '196807059826', child: false });

      // The other principal edits the same section.
      res = await municipalityHomecare.request(`${base}/${maria.id}`, {
        method: 'PATCH',
        ifMatch: version(res),
        body: { phone: '+46701749999', information: [{ what: 'Hur hemtjänsten går', how: 'Telefon', howOften: 'Varje månad' }] },
      });
      expect(res.status).toBe(200);
      const patched = (await res.json()) as Relative;
      expect(patched.phone).toBe('+46701749999');
      expect(patched.information?.[0]).toMatchObject({ what: 'Hur hemtjänsten går', id: expect.any(String) });

      // A stale If-Match is refused with the current ETag, and writes nothing.
      const current = version(res);
      res = await physician.request(`${base}/${maria.id}`, { method: 'PATCH', ifMatch: current - 1, body: { phone: null } });
      await expectProblem(res, 412);
      expect(res.headers.get('etag')).toBe(`W/"${current}"`);
      await expectProblem(await physician.request(`${base}/${maria.id}`, { method: 'DELETE' }), 428);
      await expectProblem(await physician.request(`${base}/nobody`, { method: 'DELETE', ifMatch: current }), 404);

      res = await physician.request(`${base}/${maria.id}`, { method: 'DELETE', ifMatch: current });
      expect(res.status).toBe(204);
      expect(version(res)).toBe(current + 1);
      const after = await readPlan(regionCoordinator, plan.id);
      expect(after.relativesSection).toMatchObject({ version: current + 1, relatives: [] });
    });

    it('answers a change that leaves the relative as they are on the same ETag, with no new version of the plan', async () => {
      const plan = await regionCoordinator.createSharedPlan();
      const base = `/api/plans/${plan.id}/relatives`;
      let res = await physician.request(base, { method: 'POST', ifMatch: plan.relativesSection.version, body: MARIA });
      expect(res.status).toBe(201);
      const maria = (await res.json()) as Relative;
      const current = version(res);
      const versions = async () => ((await (await regionCoordinator.request(`/api/plans/${plan.id}/versions`)).json()) as { versions: unknown[] }).versions.length;
      const before = await versions();
      const logged = async () =>
        (await searchAccessLog(ctx.database.db, { planId: plan.id, limit: 10_000, offset: 0 })).items.filter((e) => e.action === 'relatives.update').length;
      const loggedBefore = await logged();
      // The same phone number, the same sharing, pressed twice: nothing changes.
      for (let i = 0; i < 2; i++) {
        res = await municipalityHomecare.request(`${base}/${maria.id}`, { method: 'PATCH', ifMatch: current, body: { phone: maria.phone, name: maria.name } });
        expect(res.status).toBe(200);
        expect(version(res)).toBe(current);
        expect(await res.json()).toEqual(maria);
      }
      expect(await versions()).toBe(before);
      // Each was an access to the plan, and is logged as one.
      expect(await logged()).toBe(loggedBefore + 2);
      // A real change still takes the next version.
      res = await municipalityHomecare.request(`${base}/${maria.id}`, { method: 'PATCH', ifMatch: current, body: { phone: '+46701749999' } });
      expect(res.status).toBe(200);
      expect(version(res)).toBe(current + 1);
      expect(await versions()).toBe(before + 1);
    });

    it('requires the child flag to agree with the personnummer', async () => {
      const plan = await regionCoordinator.createPlan();
      const base = `/api/plans/${plan.id}/relatives`;
      let body = await expectProblem(await regionCoordinator.request(base, { method: 'POST', ifMatch: 1, body: { ...ELSA, child: false } }), 422);
      expect(body.errors?.[0]?.path).toBe('/child');
      body = await expectProblem(await regionCoordinator.request(base, { method: 'POST', ifMatch: 1, body: { ...MARIA, child: true } }), 422);
      expect(body.errors?.[0]?.path).toBe('/child');
      // Nothing was written.
      expect((await readPlan(regionCoordinator, plan.id)).relativesSection.version).toBe(1);

      const res = await regionCoordinator.request(base, { method: 'POST', ifMatch: 1, body: ELSA });
      expect(res.status).toBe(201);
      const elsa = (await res.json()) as Relative;
      body = await expectProblem(await regionCoordinator.request(`${base}/${elsa.id}`, { method: 'PATCH', ifMatch: 2, body: { child: false } }), 422);
      expect(body.errors?.[0]?.path).toBe('/child');
      // Without a personnummer the flag is taken as given.
      const noId = { name: 'Okänd Granne', relationship: { text: 'granne' }, child: false, sharesHome: false };
      expect((await regionCoordinator.request(base, { method: 'POST', ifMatch: 2, body: noId })).status).toBe(201);
      // The same person twice is a conflict.
      await expectProblem(await regionCoordinator.request(base, { method: 'POST', ifMatch: 3, body: ELSA }), 409);
    });

    it('never re-points a relative to another person: their person identifier is fixed once recorded', async () => {
      const { plan, relative: maria, version: v } = await planWithRelative();
      const base = `/api/plans/${plan.id}/relatives`;
      let res = await regionCoordinator.request(`${base}/${maria.id}/sharing`, { method: 'PUT', ifMatch: v, body: SHARING });
      expect(res.status).toBe(200);
      res = await municipalityHomecare.request(`${base}/${maria.id}/commitments`, { method: 'POST', ifMatch: version(res), body: COMMITMENT });
      expect(res.status).toBe(201);
      const commitment = (await res.json()) as Commitment;
      const before = await readPlan(regionCoordinator, plan.id);
      const current = before.relativesSection.version;

      // Another person's number, by staff of either principal, or cleared: refused, and nothing changes.
      for (const [client, personId] of [
        [physician, BENGT_PERSON_ID],
        [municipalityHomecare, BENGT_PERSON_ID],
        [regionCoordinator, null],
      ] as const) {
        const body = await expectProblem(await client.request(`${base}/${maria.id}`, { method: 'PATCH', ifMatch: current, body: { personId } }), 409);
        expect(body.detail).not.toContain('Maria');
      }
      const after = await readPlan(regionCoordinator, plan.id);
      expect(after.revision).toBe(before.revision);
      expect(after.relativesSection).toEqual(before.relativesSection);
      expect(after.relativesSection.relatives.find((r) => r.id === maria.id)?.personId).toBe(MARIA.personId);

      // Bengt, whose number it was to become, still cannot read the plan; Maria still reads it, with her sharing and commitment.
      const bengt = await t.tokenFor('bengt');
      await expectProblem(await t.app.request(`/api/me/plans/${plan.id}`, { headers: { Authorization: `Bearer ${bengt}` } }), 404);
      const bengtsPlans = (await (await t.app.request('/api/me/plans', { headers: { Authorization: `Bearer ${bengt}` } })).json()) as { items: { planId: string }[] };
      expect(bengtsPlans.items.some((i) => i.planId === plan.id)).toBe(false);
      const mariaToken = await t.tokenFor('maria');
      res = await t.app.request(`/api/me/plans/${plan.id}`, { headers: { Authorization: `Bearer ${mariaToken}` } });
      expect(res.status).toBe(200);
      const mine = (await res.json()) as { me: { relativeId: string; sharing: { categories: string[] } | null; commitments: { id: string; status: string }[] } };
      expect(mine.me.relativeId).toBe(maria.id);
      expect(mine.me.sharing?.categories).toEqual(SHARING.categories);
      expect(mine.me.commitments.map((c) => [c.id, c.status])).toEqual([[commitment.id, 'requested']]);

      // A relative added without a personnummer, with nothing bound to them yet, can be given one.
      res = await regionCoordinator.request(base, { method: 'POST', ifMatch: current, body: NEIGHBOUR });
      expect(res.status).toBe(201);
      const neighbour = (await res.json()) as Relative;
      res = await municipalityHomecare.request(`${base}/${neighbour.id}`, { method: 'PATCH', ifMatch: version(res), body: { personId: ERIK_PERSON_ID } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Relative).personId).toBe(ERIK_PERSON_ID);
      const erik = await t.tokenFor('erik');
      expect((await t.app.request(`/api/me/plans/${plan.id}`, { headers: { Authorization: `Bearer ${erik}` } })).status).toBe(200);

      // Once the individual's consent to share with them is recorded, they are bound to the person it was given for.
      res = await regionCoordinator.request(base, { method: 'POST', ifMatch: version(res), body: { ...NEIGHBOUR, name: 'Okänd Vän' } });
      expect(res.status).toBe(201);
      const friend = (await res.json()) as Relative;
      res = await regionCoordinator.request(`${base}/${friend.id}/sharing`, { method: 'PUT', ifMatch: version(res), body: SHARING });
      expect(res.status).toBe(200);
      const bound = version(res);
      const body = await expectProblem(
        await regionCoordinator.request(`${base}/${friend.id}`, { method: 'PATCH', ifMatch: bound, body: { personId: BENGT_PERSON_ID } }),
        409,
      );
      expect(body.errors?.[0]?.path).toBe('/personId');
      const last = await readPlan(regionCoordinator, plan.id);
      expect(last.relativesSection.version).toBe(bound);
      expect(last.relativesSection.relatives.find((r) => r.id === friend.id)).not.toHaveProperty('personId');
      await expectProblem(await t.app.request(`/api/me/plans/${plan.id}`, { headers: { Authorization: `Bearer ${bengt}` } }), 404);
    });

    it('reaches the other principal only with the consent; a withdrawal freezes it and is on both work lists until the plan is closed', async () => {
      const plan = await regionCoordinator.createPlan({ overallResponsibility: 'region' });
      const base = `/api/plans/${plan.id}/relatives`;
      // Before the individual's consent: the municipality's staff do not learn the plan exists.
      const hidden = await expectProblem(await municipalityHomecare.request(base), 404);
      await expectProblem(await municipalityHomecare.request(base, { method: 'POST', ifMatch: plan.relativesSection.version, body: MARIA }), 404);
      const unknown = await expectProblem(await municipalityHomecare.request('/api/plans/00000000-0000-4000-8000-000000000000/relatives'), 404);
      expect({ ...hidden, requestId: null }).toEqual({ ...unknown, requestId: null });
      let res = await regionCoordinator.request(base);
      expect(res.status).toBe(200);
      res = await regionCoordinator.request(base, { method: 'POST', ifMatch: version(res), body: MARIA });
      expect(res.status).toBe(201);

      // The consent names both principals: now the municipality reads and edits the section.
      res = await regionCoordinator.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: plan.version, body: consentInput() });
      expect(res.status).toBe(200);
      res = await municipalityHomecare.request(base);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { relatives: Relative[] }).relatives.map((r) => r.name)).toEqual(['Maria Nilsson']);

      const worklistOf = async (client: Client) => {
        const r = await client.request('/api/worklist?limit=100');
        expect(r.status).toBe(200);
        return ((await r.json()) as WorklistPage).items.filter((i) => i.planId === plan.id);
      };
      for (const client of [regionCoordinator, municipalityHomecare]) expect(await worklistOf(client)).toEqual([]);

      // The individual withdraws the consent: both principals must re-plan.
      const revokedAt = '2026-12-01T08:00:00+01:00';
      let current = (await readPlan(regionCoordinator, plan.id)).version;
      res = await regionCoordinator.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: current, body: consentInput({ revokedAt }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as PlanView).status).toBe('consent_withdrawn');
      const item = { planId: plan.id, relativeId: null, relativeName: null, commitmentId: null, kind: 'consent-withdrawn', since: revokedAt, overallResponsibility: 'region' };
      for (const client of [regionCoordinator, municipalityHomecare]) expect(await worklistOf(client)).toEqual([item]);
      // Nothing of the section crosses any more, and it is frozen meanwhile.
      await expectProblem(await municipalityHomecare.request(base), 403);
      const sectionVersion = (await readPlan(regionCoordinator, plan.id)).relativesSection.version;
      await expectProblem(await regionCoordinator.request(base, { method: 'POST', ifMatch: sectionVersion, body: ELSA }), 409);

      // Closed, there is nothing left to re-plan.
      current = (await readPlan(regionCoordinator, plan.id)).version;
      res = await regionCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: current, body: { status: 'closed' } });
      expect(res.status).toBe(200);
      for (const client of [regionCoordinator, municipalityHomecare]) expect(await worklistOf(client)).toEqual([]);
      await expectProblem(await regionCoordinator.request(base, { method: 'POST', ifMatch: sectionVersion, body: ELSA }), 409);
      expect((await readPlan(regionCoordinator, plan.id)).relativesSection.version).toBe(sectionVersion);
    });
  });

  describe('a consent that runs out', () => {
    it('stops what crossed on its end date, and puts the plan on both principals’ work lists until it is renewed', async () => {
      let plan = await regionCoordinator.createSharedPlan({ overallResponsibility: 'region' }, { scope: { ...consentInput().scope, validUntil: '2027-01-31' } });
      const res = await regionCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: plan.version, body: { status: 'active' } });
      expect(res.status).toBe(200);
      plan = (await res.json()) as PlanView;
      const regionPart = plan.parts.find((p) => p.principal === 'region')!;
      const edited = await regionCoordinator.request(`/api/plans/${plan.id}/parts/${regionPart.id}`, {
        method: 'PATCH',
        ifMatch: regionPart.version,
        body: { goals: [{ text: 'Stabilt blodsocker' }] },
      });
      expect(edited.status).toBe(200);
      expect((await readPlan(municipalityHomecare, plan.id)).parts.find((p) => p.principal === 'region')!.content.goals).toHaveLength(1);

      const later = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date('2027-02-01T08:00:00Z') } });
      for (const persona of ['region-coordinator', 'municipality-homecare']) {
        const client = await staffClient(later, persona);
        const items = ((await (await client.request('/api/worklist?limit=100')).json()) as WorklistPage).items.filter((i) => i.planId === plan.id);
        expect(items, persona).toEqual([
          { planId: plan.id, relativeId: null, relativeName: null, commitmentId: null, kind: 'consent-expired', since: '2027-01-31', overallResponsibility: 'region' },
        ]);
      }
      const municipality = await readPlan(await staffClient(later, 'municipality-homecare'), plan.id);
      expect(municipality.visibility).toMatchObject({ consent: 'expired' });
      expect(municipality.visibility?.withheld).toEqual(expect.arrayContaining(['region:goals', 'region:interventions', 'plan:relatives']));
      expect(municipality.parts.find((p) => p.principal === 'region')!.content).toEqual({});
      const synced = await (await staffClient(later, 'region-coordinator')).request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
      expect(((await synced.json()) as PlanView).sources?.municipality.status).toBe('not-shared');
    });
  });

  describe("the individual's consent to share with a relative", () => {
    it('is recorded, visible in the plan view, and revoked at once', async () => {
      const { plan, relative, version: v } = await planWithRelative();
      const path = `/api/plans/${plan.id}/relatives/${relative.id}/sharing`;
      await expectProblem(await regionCoordinator.request(path, { method: 'PUT', body: SHARING }), 428);
      let res = await regionCoordinator.request(path, { method: 'PUT', ifMatch: v, body: SHARING });
      expect(res.status).toBe(200);
      let view = await readPlan(municipalityHomecare, plan.id);
      expect(view.relativesSection.relatives[0]?.sharing).toMatchObject({ categories: ['goals', 'interventions'], form: 'oral' });

      res = await municipalityHomecare.request(path, { method: 'PUT', ifMatch: version(res), body: { ...SHARING, revokedAt: '2026-12-01T08:00:00+01:00' } });
      expect(res.status).toBe(200);
      view = await readPlan(regionCoordinator, plan.id);
      expect(view.relativesSection.relatives[0]?.sharing?.revokedAt).toBe('2026-12-01T08:00:00+01:00');

      const body = await expectProblem(
        await regionCoordinator.request(path, { method: 'PUT', ifMatch: version(res), body: { ...SHARING, validUntil: '2026-01-01' } }),
        422,
      );
      expect(body.errors?.[0]?.path).toBe('/validUntil');
    });
  });

  describe('information to the relative', () => {
    it('logs when the relative was informed', async () => {
      const { plan, relative, version: v } = await planWithRelative();
      const path = `/api/plans/${plan.id}/relatives/${relative.id}/informed`;
      const entry = { at: '2026-11-21T14:00:00+01:00', what: 'Planens mål och insatser', by: { name: 'Sara Lind' } };
      let res = await physician.request(path, { method: 'POST', ifMatch: v, body: entry });
      expect(res.status).toBe(201);
      res = await physician.request(path, { method: 'POST', ifMatch: version(res), body: { ...entry, at: '2026-12-21T14:00:00+01:00' } });
      expect(res.status).toBe(201);
      const informed = ((await res.json()) as Relative).informed!;
      expect(informed.map((i) => i.at)).toEqual(['2026-11-21T14:00:00+01:00', '2026-12-21T14:00:00+01:00']);
      expect(informed[0]?.id).toEqual(expect.any(String));
    });
  });

  describe('voluntary commitments', () => {
    it('proposes a commitment to an adult as requested, with its event history, and cancels it', async () => {
      const { plan, relative, version: v } = await planWithRelative();
      const base = `/api/plans/${plan.id}/relatives/${relative.id}/commitments`;
      let res = await homecareRequest(base, v, { ...COMMITMENT, comment: 'Diskuterat på SIP-mötet' });
      expect(res.status).toBe(201);
      const proposed = (await res.json()) as Commitment;
      expect(res.headers.get('location')).toBe(`${base}/${proposed.id}`);
      expect(proposed).toMatchObject({ status: 'requested', what: COMMITMENT.what, reviewDate: '2027-06-01' });
      expect(proposed.history).toEqual([
        expect.objectContaining({ status: 'requested', by: 'staff', comment: 'Diskuterat på SIP-mötet', at: expect.any(String) }),
      ]);

      res = await municipalityHomecare.request(`${base}/${proposed.id}/cancel`, { method: 'POST', ifMatch: version(res), body: { comment: 'Hemtjänsten tar över' } });
      expect(res.status).toBe(200);
      const cancelled = (await res.json()) as Commitment;
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.history.map((e) => e.status)).toEqual(['requested', 'cancelled']);
      await expectProblem(await municipalityHomecare.request(`${base}/${proposed.id}/cancel`, { method: 'POST', ifMatch: version(res), body: {} }), 409);
      await expectProblem(await municipalityHomecare.request(`${base}/nope/cancel`, { method: 'POST', ifMatch: version(res), body: {} }), 404);

      // Cancelled, nothing accepted: the relative can be removed.
      res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}`, { method: 'DELETE', ifMatch: version(res) });
      expect(res.status).toBe(204);

      function homecareRequest(path: string, ifMatch: number, body: unknown) {
        return municipalityHomecare.request(path, { method: 'POST', ifMatch, body });
      }
    });

    it('refuses to propose a commitment to a child, pointing at the relative without naming them', async () => {
      const { plan, relative, version: v } = await planWithRelative(regionCoordinator, ELSA);
      const res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments`, { method: 'POST', ifMatch: v, body: COMMITMENT });
      const body = await expectProblem(res, 422);
      expect(body.detail).toContain('child');
      expect(body.detail).not.toContain('Elsa');
      expect(body.errors?.[0]?.path).toBe('/param/relativeId');
      expect((await readPlan(regionCoordinator, plan.id)).relativesSection.version).toBe(v);
    });

    it.each([
      ['/from', { from: '0000-01-01' }],
      ['/reviewDate', { reviewDate: '2027-02-30' }],
      ['/until', { until: '2027-13-01' }],
      ['/what', { what: 'Handla \ud800' }],
    ])('refuses a commitment FHIR could not carry: 422 naming %s, nothing stored', async (path, change) => {
      const { plan, relative, version: v } = await planWithRelative();
      const res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments`, {
        method: 'POST',
        ifMatch: v,
        body: { ...COMMITMENT, ...change },
      });
      const body = await expectProblem(res, 422);
      expect(body.errors?.map((e) => e.path)).toContain(path);
      expect((await readPlan(regionCoordinator, plan.id)).relativesSection.version).toBe(v);
    });

    it('keeps the kind of a commitment proposed with one, and the support the relative took up', async () => {
      const { plan, relative, version: v } = await planWithRelative();
      let res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments`, { method: 'POST', ifMatch: v, body: { ...COMMITMENT, kind: 'accompanying' } });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(((await res.json()) as Commitment).kind).toBe('accompanying');
      res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/support`, {
        method: 'PUT',
        ifMatch: version(res),
        body: { offered: ['conversation', 'respite'], requests: [], takenUp: [{ kind: 'respite', at: '2026-11-02' }] },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const stored = (await readPlan(regionCoordinator, plan.id)).relativesSection.relatives[0]!;
      expect(stored.commitments?.[0]?.kind).toBe('accompanying');
      expect(stored.support?.takenUp).toEqual([{ kind: 'respite', at: '2026-11-02' }]);
    });

    it("raises the plan's revision and shows each change in its versions", async () => {
      const { plan, relative, version: v } = await planWithRelative();
      const before = await readPlan(regionCoordinator, plan.id);
      const res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments`, { method: 'POST', ifMatch: v, body: COMMITMENT });
      expect(res.status).toBe(201);
      const after = await readPlan(regionCoordinator, plan.id);
      expect(after.revision).toBe(before.revision + 1);
      expect(after.relativesSection.version).toBe(v + 1);
      const versions = (await (await regionCoordinator.request(`/api/plans/${plan.id}/versions`)).json()) as {
        versions: { revision: number; change: string; partId: string | null }[];
      };
      const relativesChanges = versions.versions.filter((x) => x.change === 'relatives.updated');
      expect(relativesChanges.map((x) => x.revision)).toEqual([before.revision, after.revision]);
      expect(relativesChanges.every((x) => x.partId === plan.relativesSection.id)).toBe(true);
      const snapshot = (await (await regionCoordinator.request(`/api/plans/${plan.id}/versions/${after.revision}`)).json()) as PlanView;
      expect(snapshot.relativesSection.relatives[0]?.commitments?.[0]?.history[0]?.status).toBe('requested');
    });
  });

  describe('the work list', () => {
    it('shows commitments past their review date and open contact requests, only for organisations in the plan', async () => {
      const { plan, relative, version: v } = await planWithRelative();
      let res = await regionCoordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { overallResponsibility: 'municipality' } });
      expect(res.status).toBe(200);
      res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments`, { method: 'POST', ifMatch: v, body: COMMITMENT });
      const commitment = (await res.json()) as Commitment;
      res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/support`, {
        method: 'PUT',
        ifMatch: version(res),
        body: { offered: ['conversation', 'respite'], requests: [{ kind: 'contact-consultant', at: '2026-11-25T09:00:00+01:00', note: 'Vill prata om avlösning' }] },
      });
      expect(res.status).toBe(200);

      // Now: the review date is ahead, only the contact request needs attention.
      let page = (await (await municipalityHomecare.request('/api/worklist?limit=100')).json()) as WorklistPage;
      let mine = page.items.filter((i) => i.planId === plan.id);
      expect(mine).toEqual([
        { planId: plan.id, relativeId: relative.id, relativeName: 'Maria Nilsson', commitmentId: null, kind: 'contact-request', since: '2026-11-25T09:00:00+01:00', overallResponsibility: 'municipality' },
      ]);

      // Later, past the review date.
      const later = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date('2027-07-01T08:00:00Z') } });
      const laterStaff = await staffClient(later, 'region-physician');
      res = await laterStaff.request('/api/worklist?limit=100');
      expect(res.status).toBe(200);
      page = (await res.json()) as WorklistPage;
      mine = page.items.filter((i) => i.planId === plan.id);
      expect(mine.map((i) => [i.kind, i.commitmentId, i.since])).toEqual([
        ['contact-request', null, '2026-11-25T09:00:00+01:00'],
        ['commitment-review-due', commitment.id, '2027-06-01'],
      ]);
      expect(mine.every((i) => i.overallResponsibility === 'municipality' && i.relativeId === relative.id)).toBe(true);

      // A withdrawal stays on the list until staff cancel the commitment and re-plan.
      await answerAsRelative(plan.id, commitment.id, 'withdrawn', '2027-06-15T12:00:00+02:00');
      page = (await (await laterStaff.request('/api/worklist?limit=100')).json()) as WorklistPage;
      expect(page.items.filter((i) => i.planId === plan.id).map((i) => [i.kind, i.since])).toEqual([
        ['contact-request', '2026-11-25T09:00:00+01:00'],
        ['commitment-withdrawn', '2027-06-15T12:00:00+02:00'],
      ]);
      const sectionVersion = (await readPlan(regionCoordinator, plan.id)).relativesSection.version;
      res = await laterStaff.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments/${commitment.id}/cancel`, {
        method: 'POST',
        ifMatch: sectionVersion,
        body: { comment: 'Hemtjänsten tar över inköpen' },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Commitment).history.map((e) => [e.status, e.by])).toEqual([
        ['requested', 'staff'],
        ['withdrawn', 'relative'],
        ['cancelled', 'staff'],
      ]);
      page = (await (await laterStaff.request('/api/worklist?limit=100')).json()) as WorklistPage;
      expect(page.items.filter((i) => i.planId === plan.id).map((i) => i.kind)).toEqual(['contact-request']);

      // Paged.
      const first = (await (await laterStaff.request('/api/worklist?limit=1&offset=0')).json()) as WorklistPage;
      expect(first.items).toHaveLength(1);
      expect(first.total).toBe(page.total);
      await expectProblem(await laterStaff.request('/api/worklist?limit=0'), 422);

      // Another organisation sees none of it.
      const { app, token } = await outsider();
      res = await app.request('/api/worklist', { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as WorklistPage).items.some((i) => i.planId === plan.id)).toBe(false);

      // The access is logged per plan listed.
      const log = await searchAccessLog(ctx.database.db, { organisationId: REGION.id, limit: 10_000, offset: 0 });
      expect(log.items.some((e) => e.action === 'worklist.read' && e.planId === plan.id)).toBe(true);
      expect(log.items.some((e) => e.action === 'relatives.update' && e.planId === plan.id)).toBe(true);
    });
  });

  async function outsider() {
    const foreignIssuer = await createTestIssuer('https://idp.soderå.example');
    const foreign = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      extraIssuers: [{ kind: 'staff', issuer: foreignIssuer.issuer, audience: 'sip-broker-staff', keys: foreignIssuer.keys }],
    });
    const token = await foreignIssuer.sign({ sub: 'SE2321000099-7Z01', org: OTHER_REGION.id, role: 'coordinator' });
    return { app: foreign.app, token };
  }

  describe('authorisation', () => {
    it('answers 404 outside the plan, 403 to auditors and citizens', async () => {
      const { plan, relative, version: v } = await planWithRelative();
      const paths: [string, string, unknown][] = [
        ['GET', `/api/plans/${plan.id}/relatives`, undefined],
        ['POST', `/api/plans/${plan.id}/relatives`, MARIA],
        ['PATCH', `/api/plans/${plan.id}/relatives/${relative.id}`, { phone: '+46700000000' }],
        ['PUT', `/api/plans/${plan.id}/relatives/${relative.id}/sharing`, SHARING],
        ['POST', `/api/plans/${plan.id}/relatives/${relative.id}/commitments`, COMMITMENT],
        ['DELETE', `/api/plans/${plan.id}/relatives/${relative.id}`, undefined],
      ];
      const { app, token } = await outsider();
      const auditor = await staffClient(t, 'region-auditor');
      const citizen = await t.tokenFor('maria');
      for (const [method, path, body] of paths) {
        const init = (authorization: string) => ({
          method,
          headers: { Authorization: authorization, 'If-Match': `W/"${v}"`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        await expectProblem(await app.request(path, init(`Bearer ${token}`)), 404);
        await expectProblem(await auditor.request(path, { method, ifMatch: v, ...(body ? { body } : {}) }), 403);
        await expectProblem(await t.app.request(path, init(`Bearer ${citizen}`)), 403);
      }
      await expectProblem(await auditor.request('/api/worklist'), 403);
      await expectProblem(await t.app.request('/api/worklist', { headers: { Authorization: `Bearer ${citizen}` } }), 403);
      await expectProblem(await t.app.request('/api/worklist'), 401);
      // Unchanged by all of it.
      expect((await readPlan(regionCoordinator, plan.id)).relativesSection.version).toBe(v);
    });
  });

  describe('bad input', () => {
    it('is a 422 naming the field, and writes nothing', async () => {
      const { plan, relative, version: v } = await planWithRelative();
      const base = `/api/plans/${plan.id}/relatives`;
      const cases: [string, string, unknown, string][] = [
        ['POST', base, { ...MARIA, nickname: 'Mia' }, '/nickname'],
        ['POST', base, { ...MARIA, name: 'x'.repeat(201) }, '/name'],
        ['POST', base, { ...MARIA, personId: '196807059827' }, '/personId'],
        ['PATCH', `${base}/${relative.id}`, { information: [{ what: 'x'.repeat(4001), how: 'Telefon', howOften: 'Ibland' }] }, '/information/0/what'],
        ['PUT', `${base}/${relative.id}/sharing`, { ...SHARING, categories: ['everything'] }, '/categories/0'],
        ['PUT', `${base}/${relative.id}/sharing`, { ...SHARING, recordedAt: '2026-11-20 10:00' }, '/recordedAt'],
        ['POST', `${base}/${relative.id}/informed`, { at: '2026-11-21T14:00:00+01:00', what: 'x', by: { name: 'Sara' }, extra: 1 }, '/extra'],
        ['POST', `${base}/${relative.id}/commitments`, { ...COMMITMENT, reviewDate: '2027-13-01' }, '/reviewDate'],
        ['POST', `${base}/${relative.id}/commitments`, { ...COMMITMENT, until: '2026-01-01' }, '/until'],
        ['POST', `${base}/${relative.id}/commitments`, { ...COMMITMENT, status: 'accepted' }, '/status'],
        ['PUT', `${base}/${relative.id}/support`, { offered: ['money'], requests: [] }, '/offered/0'],
        ['PUT', `${base}/${relative.id}/support`, { offered: [], requests: [{ kind: 'contact-consultant', at: 'yesterday' }] }, '/requests/0/at'],
        ['POST', `${base}/${relative.id}/commitments`, { ...COMMITMENT, kind: 'cooking' }, '/kind'],
        ['PUT', `${base}/${relative.id}/support`, { offered: ['respite'], requests: [], takenUp: [{ kind: 'groups', at: '2026-11-01' }] }, '/takenUp/0/kind'],
        ['PUT', `${base}/${relative.id}/support`, { offered: ['respite'], requests: [], takenUp: [{ kind: 'respite', at: '2026-11-01' }, { kind: 'respite', at: '2026-11-02' }] }, '/takenUp/1/kind'],
        ['PUT', `${base}/${relative.id}/support`, { offered: ['respite'], requests: [], takenUp: [{ kind: 'respite', at: '2099-01-01' }] }, '/takenUp/0/at'],
        ['PUT', `${base}/${relative.id}/support`, { offered: ['respite'], requests: [], takenUp: [{ kind: 'respite', at: '2026-11-01T10:00:00Z' }] }, '/takenUp/0/at'],
      ];
      for (const [method, path, body, field] of cases) {
        const res = await regionCoordinator.request(path, { method, ifMatch: v, body });
        const problemBody = await expectProblem(res, 422);
        expect(problemBody.errors?.map((e) => e.path), `${method} ${path} ${field}`).toContain(field);
      }
      expect((await readPlan(regionCoordinator, plan.id)).relativesSection.version).toBe(v);
    });

    it('refuses to remove a relative with an accepted commitment (409)', async () => {
      // The relative's own answer arrives through /api/me in a later slice; here it is stored as it will be.
      const { plan, relative, version: v } = await planWithRelative();
      let res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments`, { method: 'POST', ifMatch: v, body: COMMITMENT });
      const commitment = (await res.json()) as Commitment;
      await answerAsRelative(plan.id, commitment.id, 'accepted', '2026-11-22T10:00:00+01:00');
      const current = (await readPlan(regionCoordinator, plan.id)).relativesSection.version;
      res = await regionCoordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}`, { method: 'DELETE', ifMatch: current });
      const body = await expectProblem(res, 409);
      expect(body.detail).toMatch(/has accepted a commitment/);
      expect(body.detail).not.toContain('Maria');
      expect((await readPlan(regionCoordinator, plan.id)).relativesSection.relatives).toHaveLength(1);
    });
  });

  /** Appends the relative's own answer to the stored history, as the relatives' own API will. */
  async function answerAsRelative(planId: string, commitmentId: string, status: 'accepted' | 'withdrawn', at: string) {
    const db = ctx.database.db;
    const [part] = await db.select().from(planParts).where(and(eq(planParts.planId, planId), eq(planParts.kind, 'relatives')));
    const content = part!.content as { relatives: Relative[] };
    for (const r of content.relatives) {
      for (const c of r.commitments ?? []) {
        if (c.id === commitmentId) c.history.push({ status, by: 'relative', at } as never);
      }
    }
    await db
      .update(planParts)
      .set({ content, version: sql`${planParts.version} + 1` })
      .where(eq(planParts.id, part!.id));
  }
});
