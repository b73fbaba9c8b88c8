import type { IndividualConsent, OwnAccessLog, OwnPlan, PlanView } from '@sip/shared';
import { and, count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { accessLog, idempotencyKeys, outbox, planEvents, planRevisions } from '../db/schema.ts';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  etagVersion,
  expectProblem,
  MARIA_RELATIVE,
  MUNICIPALITY,
  REGION,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { citizenUserId } from '../relatives/me.service.ts';

const peers = usePeers({ seed: false });

type Client = Awaited<ReturnType<typeof staffClient>>;

const ASTRID = '194003019801';
const NOW = '2026-12-01T10:00:00Z';
const BENGT = { name: 'Bengt Nilsson', relationship: { code: 'HUSB', text: 'make' }, personId: '193805129818', child: false, sharesHome: true };
const SHARING = {
  categories: ['goals', 'follow-up'],
  validUntil: '2027-11-20',
  form: 'written',
  recordedAt: '2026-11-20T10:00:00+01:00',
  recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
};
/** The consent to the SIP the test plans start from: both principals, goals, interventions, contacts and follow-up. */
const START_CONSENT: Partial<IndividualConsent> = { scope: { ...consentInput().scope, information: ['goals', 'interventions', 'contacts', 'follow-up'] } };

interface RelativeView {
  shared: Record<string, unknown> & { categories: string[] };
  me: { sharingInEffect: boolean };
}

describeEachDatabase("the individual's own API (/api/me/own-plans)", (ctx) => {
  let t: TestApp;
  let staff: Client;
  let municipality: Client;
  let token: { astrid: string; maria: string; erik: string; staff: string };
  let planId: string;
  let ids: { maria: string; bengt: string };
  let keyNo = 0;
  const newKey = () => `own-${ctx.kind}-${++keyNo}`;

  function call(who: string, path: string, init: { method?: string; body?: unknown; key?: string; ifMatch?: string | number } = {}) {
    return t.app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${who}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.key !== undefined ? { 'Idempotency-Key': init.key } : {}),
        ...(init.ifMatch !== undefined ? { 'If-Match': typeof init.ifMatch === 'number' ? `W/"${init.ifMatch}"` : init.ifMatch } : {}),
      },
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    });
  }

  async function own(id = planId): Promise<OwnPlan> {
    const res = await call(token.astrid, `/api/me/own-plans/${id}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as OwnPlan;
  }

  const staffView = async (id = planId) => (await (await staff.request(`/api/plans/${id}`)).json()) as PlanView;

  async function relativeView(id = planId): Promise<RelativeView> {
    const res = await call(token.maria, `/api/me/plans/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as RelativeView;
  }

  /** Astrid's plan as the region draws it up: consent in force, a part filled in, Maria (sharing goals and follow-up) and Bengt. */
  async function makePlan(): Promise<{ planId: string; maria: string; bengt: string }> {
    const plan = await staff.createSharedPlan(
      {
        coordinator: { name: 'Sara Lind', title: 'SIP-samordnare', phone: '+46101234567' },
        overallResponsibility: 'region',
        individualGoals: [{ text: 'Bo kvar hemma' }],
        needs: [{ text: 'Hjälp med inköp' }],
        meetings: [{ at: '2026-12-10T10:00:00+01:00', place: 'Vårdcentralen' }],
        followUp: { date: '2027-03-01', by: { name: 'Sara Lind' } },
      },
      START_CONSENT,
    );
    const region = plan.parts.find((p) => p.principal === 'region')!;
    const part = await staff.request(`/api/plans/${plan.id}/parts/${region.id}`, {
      method: 'PATCH',
      ifMatch: region.version,
      body: {
        goals: [{ text: 'Stabil blodsockernivå' }],
        interventions: [{ title: 'Diabetesuppföljning', status: 'decided', performedBy: 'Vårdcentralen', when: 'Var tredje månad' }],
        contactPerson: { name: 'Sara Lind', phone: '+46101234567' },
      },
    });
    expect(part.status).toBe(200);
    const write = async (method: string, path: string, body: unknown) => {
      const version = etagVersion(await staff.request(`/api/plans/${plan.id}/relatives`));
      const res = await staff.request(`/api/plans/${plan.id}/relatives${path}`, { method, ifMatch: version, body });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return (await res.json()) as { id: string };
    };
    const maria = await write('POST', '', MARIA_RELATIVE);
    const bengt = await write('POST', '', BENGT);
    await write('PUT', `/${maria.id}/sharing`, SHARING);
    return { planId: plan.id, maria: maria.id, bengt: bengt.id };
  }

  const revisionOf = async (id = planId) => (await staffView(id)).revision;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date(NOW) } });
    staff = await staffClient(t, 'region-coordinator');
    municipality = await staffClient(t, 'municipality-coordinator');
    token = {
      astrid: await t.tokenFor('astrid'),
      maria: await t.tokenFor('maria'),
      erik: await t.tokenFor('erik'),
      staff: staff.token,
    };
    const made = await makePlan();
    planId = made.planId;
    ids = { maria: made.maria, bengt: made.bengt };
  });

  describe('reading', () => {
    it('lists the plans I am the individual in beside those I am a relative in, each with my role', async () => {
      const astrid = (await (await call(token.astrid, '/api/me/plans')).json()) as { items: { planId: string; role: string }[] };
      expect(astrid.items).toContainEqual({ planId, title: 'SIP för Astrid', status: 'draft', role: 'individual' });
      expect(astrid.items.every((i) => i.role === 'individual')).toBe(true);
      const maria = (await (await call(token.maria, '/api/me/plans')).json()) as { items: { planId: string; role: string }[] };
      expect(maria.items).toContainEqual({ planId, title: 'SIP för Astrid', status: 'draft', relativeId: ids.maria, role: 'relative' });
      expect(maria.items.every((i) => i.role === 'relative')).toBe(true);
    });

    it('reads my SIP whole: goals, needs, each part, who does what, contacts, meetings, follow-up, my consent and each relative\u2019s sharing', async () => {
      const res = await call(token.astrid, `/api/me/own-plans/${planId}`);
      expect(res.status).toBe(200);
      const plan = (await res.json()) as OwnPlan;
      expect(etagVersion(res)).toBe(plan.version);
      expect(plan).toMatchObject({
        planId,
        title: 'SIP för Astrid',
        child: false,
        coordinator: { name: 'Sara Lind', title: 'SIP-samordnare', phone: '+46101234567' },
        responsible: { principal: 'region', organisation: REGION.name },
        needs: [{ text: 'Hjälp med inköp' }],
        meetings: [{ at: '2026-12-10T10:00:00+01:00', place: 'Vårdcentralen' }],
        followUp: { date: '2027-03-01', by: { name: 'Sara Lind' } },
        consent: { given: true, state: 'in-force', scope: { information: ['goals', 'interventions', 'contacts', 'follow-up'], actors: [REGION.name, MUNICIPALITY.name] } },
      });
      expect(plan.individualGoals.map((g) => g.text)).toEqual(['Bo kvar hemma']);
      const region = plan.parts.find((p) => p.principal === 'region')!;
      expect(region.organisation).toEqual(REGION);
      expect(region.goals.map((g) => g.text)).toEqual(['Stabil blodsockernivå']);
      expect(region.interventions).toMatchObject([{ title: 'Diabetesuppföljning', status: 'decided', performedBy: 'Vårdcentralen', when: 'Var tredje månad' }]);
      expect(region.contactPerson).toEqual({ name: 'Sara Lind', phone: '+46101234567' });
      expect(plan.relatives.map((r) => [r.name, r.relationship.text, r.sharing?.categories ?? null, r.sharedNow])).toEqual([
        ['Maria Nilsson', 'dotter', ['goals', 'follow-up'], ['goals', 'follow-up']],
        ['Bengt Nilsson', 'make', null, []],
      ]);
      const [logged] = await ctx.database.db
        .select({ n: count() })
        .from(accessLog)
        .where(and(eq(accessLog.planId, planId), eq(accessLog.action, 'own.read'), eq(accessLog.userId, citizenUserId(ASTRID))));
      expect(logged!.n).toBeGreaterThan(0);
    });

    it('refuses a relative (404: no proxy), a stranger (404) and staff (403), and the relatives\u2019 route does not open the plan to its individual', async () => {
      await expectProblem(await call(token.maria, `/api/me/own-plans/${planId}`), 404);
      await expectProblem(await call(token.erik, `/api/me/own-plans/${planId}`), 404);
      await expectProblem(await call(token.staff, `/api/me/own-plans/${planId}`), 403);
      await expectProblem(await call(token.maria, `/api/me/own-plans/${planId}/access-log`), 404);
      await expectProblem(await call(token.astrid, `/api/me/plans/${planId}`), 404);
      await expectProblem(await call(token.astrid, '/api/me/own-plans/00000000-0000-4000-8000-000000000000'), 404);
      const before = await revisionOf();
      await expectProblem(await call(token.maria, `/api/me/own-plans/${planId}/consent`, { method: 'PUT', key: newKey(), body: { decision: 'withdraw' } }), 404);
      await expectProblem(
        await call(token.maria, `/api/me/own-plans/${planId}/relatives/${ids.maria}/sharing`, {
          method: 'PUT',
          key: newKey(),
          body: { decision: 'share', categories: ['goals', 'needs', 'interventions'] },
        }),
        404,
      );
      await expectProblem(await call(token.staff, `/api/me/own-plans/${planId}/consent`, { method: 'PUT', key: newKey(), body: { decision: 'withdraw' } }), 403);
      expect(await revisionOf()).toBe(before);
    });
  });

  describe('consent to the SIP', () => {
    /** The same decision through the staff path, on a plan of its own, for comparison. */
    async function staffRecords(id: string, consent: IndividualConsent) {
      const res = await staff.request(`/api/plans/${id}/consent`, { method: 'PUT', ifMatch: (await staffView(id)).version, body: consent });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    async function individualDecides(id: string, body: unknown) {
      const res = await call(token.astrid, `/api/me/own-plans/${id}/consent`, { method: 'PUT', key: newKey(), body });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as OwnPlan;
    }
    /** What each side sees, what the plan says, and what follows: as comparable across plans. */
    async function outcome(id: string) {
      const region = await staffView(id);
      const muni = await municipality.request(`/api/plans/${id}`);
      const worklist = (await (await staff.request('/api/worklist?limit=100')).json()) as { items: { planId: string; kind: string }[] };
      const events = await ctx.database.db.select({ type: planEvents.type }).from(planEvents).where(eq(planEvents.planId, id)).orderBy(planEvents.id);
      const sides = rowsOf<{ side: string }>(await ctx.database.db.execute(sql`select side from outbox where plan_id = ${id} order by id desc limit 1`));
      return {
        status: region.status,
        consent: region.visibility?.consent,
        municipalitySees: muni.status,
        withheldFromMunicipality: muni.status === 200 ? ((await muni.json()) as PlanView).visibility?.withheld : null,
        onWorklist: worklist.items.filter((i) => i.planId === id).map((i) => i.kind),
        lastEvent: events.at(-1)?.type,
        lastPublishedTo: sides.map((s) => s.side),
      };
    }

    it('gives, narrows and withdraws as when staff record it, recorded as given by the individual with their e-ID', async () => {
      const mine = (await makePlan()).planId;
      const theirs = (await makePlan()).planId;
      const narrowed = { information: ['goals'] as const, actors: [REGION.id] };

      // Narrow: only the region, only goals.
      const afterNarrow = await individualDecides(mine, { decision: 'give', ...narrowed });
      await staffRecords(theirs, consentInput({ scope: { information: ['goals'], actors: [REGION.id] } }));
      expect(await outcome(mine)).toEqual(await outcome(theirs));
      expect((await outcome(mine)).municipalitySees).toBe(404);
      expect(afterNarrow.consent).toMatchObject({
        given: true,
        state: 'in-force',
        form: 'written',
        recordedWith: 'e-id',
        recordedBy: { name: 'Astrid Nilsson' },
        recordedAt: new Date(NOW).toISOString(),
        scope: { information: ['goals'], actors: [REGION.id] },
      });

      // Give: both principals again, more categories.
      const both = { information: ['goals', 'interventions'], actors: [REGION.id, MUNICIPALITY.name] };
      await individualDecides(mine, { decision: 'give', ...both });
      await staffRecords(theirs, consentInput({ scope: { information: ['goals', 'interventions'], actors: [REGION.id, MUNICIPALITY.name] } }));
      expect(await outcome(mine)).toEqual(await outcome(theirs));
      expect((await outcome(mine)).municipalitySees).toBe(200);

      // Withdraw: nothing crosses, the plan stops, the work list says so, both sides are told.
      const withdrawn = await individualDecides(mine, { decision: 'withdraw' });
      await staffRecords(theirs, consentInput({ scope: { information: ['goals', 'interventions'], actors: [REGION.id, MUNICIPALITY.name] }, revokedAt: NOW }));
      const mineOut = await outcome(mine);
      expect(mineOut).toEqual(await outcome(theirs));
      expect(mineOut).toMatchObject({ status: 'consent_withdrawn', consent: 'withdrawn', onWorklist: ['consent-withdrawn'], lastEvent: 'consent.withdrawn' });
      expect(withdrawn.consent).toMatchObject({ state: 'withdrawn', recordedWith: 'e-id', revokedAt: new Date(NOW).toISOString() });
      expect((await relativeView(mine)).shared.categories).toEqual([]);

      // The versions name the individual as who changed it, as a citizen.
      const changes = await ctx.database.db
        .select({ change: planRevisions.change, by: planRevisions.changedByUser, org: planRevisions.changedByOrganisation })
        .from(planRevisions)
        .where(eq(planRevisions.planId, mine))
        .orderBy(planRevisions.revision);
      expect(changes.slice(-3)).toEqual([
        { change: 'consent.updated', by: citizenUserId(ASTRID), org: 'citizen' },
        { change: 'consent.updated', by: citizenUserId(ASTRID), org: 'citizen' },
        { change: 'consent.withdrawn', by: citizenUserId(ASTRID), org: 'citizen' },
      ]);
    });

    it('refuses to withdraw what is not in force (409), and staff cannot record a consent as the individual\u2019s own', async () => {
      const id = (await makePlan()).planId;
      await individualDecides(id, { decision: 'withdraw' });
      const before = await revisionOf(id);
      await expectProblem(await call(token.astrid, `/api/me/own-plans/${id}/consent`, { method: 'PUT', key: newKey(), body: { decision: 'withdraw' } }), 409);
      expect(await revisionOf(id)).toBe(before);
      await staffRecords(id, { ...consentInput(), recordedWith: 'e-id' });
      expect((await own(id)).consent).not.toHaveProperty('recordedWith');
    });

    it('checks If-Match when sent: a stale version is a 412 and nothing changes', async () => {
      const id = (await makePlan()).planId;
      const { version } = await own(id);
      const res = await call(token.astrid, `/api/me/own-plans/${id}/consent`, { method: 'PUT', key: newKey(), ifMatch: version - 1, body: { decision: 'withdraw' } });
      await expectProblem(res, 412);
      expect((await own(id)).consent?.state).toBe('in-force');
      const ok = await call(token.astrid, `/api/me/own-plans/${id}/consent`, { method: 'PUT', key: newKey(), ifMatch: version, body: { decision: 'withdraw' } });
      expect(ok.status).toBe(200);
      expect(etagVersion(ok)).toBe(version + 1);
    });
  });

  describe("each relative's sharing, end to end", () => {
    it('narrowed by the individual, the relative sees less on the next read; withdrawn, nothing; pressed twice, once', async () => {
      expect((await relativeView()).shared).toMatchObject({ categories: ['goals', 'follow-up'], followUp: { date: '2027-03-01' } });
      const path = `/api/me/own-plans/${planId}/relatives/${ids.maria}/sharing`;

      const key = newKey();
      const narrow = { decision: 'share', categories: ['follow-up'] };
      const res = await call(token.astrid, path, { method: 'PUT', key, body: narrow });
      expect(res.status, await res.clone().text()).toBe(200);
      const after = (await res.json()) as OwnPlan;
      expect(after.relatives.find((r) => r.relativeId === ids.maria)).toMatchObject({
        sharing: { categories: ['follow-up'], recordedWith: 'e-id', recordedBy: { name: 'Astrid Nilsson' } },
        sharedNow: ['follow-up'],
      });
      const seen = await relativeView();
      expect(seen.shared.categories).toEqual(['follow-up']);
      expect(seen.shared).not.toHaveProperty('goals');

      // Pressed twice: the same answer, nothing written again; the key with another body is refused.
      const revision = await revisionOf();
      const again = await call(token.astrid, path, { method: 'PUT', key, body: narrow });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toEqual(after);
      await expectProblem(await call(token.astrid, path, { method: 'PUT', key, body: { decision: 'withdraw' } }), 422);
      expect(await revisionOf()).toBe(revision);

      const withdrawn = await call(token.astrid, path, { method: 'PUT', key: newKey(), body: { decision: 'withdraw' } });
      expect(withdrawn.status).toBe(200);
      const nothing = await relativeView();
      expect(nothing.shared).toEqual({ categories: [] });
      expect(nothing.me.sharingInEffect).toBe(false);
      // Staff see the same sharing, revoked, in the relatives section.
      const section = (await (await staff.request(`/api/plans/${planId}/relatives`)).json()) as PlanView['relativesSection'];
      expect(section.relatives.find((r) => r.id === ids.maria)?.sharing).toMatchObject({ revokedAt: new Date(NOW).toISOString(), recordedWith: 'e-id' });

      // Given again, the relative sees it again.
      const given = await call(token.astrid, path, { method: 'PUT', key: newKey(), body: { decision: 'share', categories: ['goals'] } });
      expect(given.status).toBe(200);
      expect((await relativeView()).shared.categories).toEqual(['goals']);
    });

    it('a relative not in the plan is a 404, and nothing is written', async () => {
      const before = await revisionOf();
      await expectProblem(
        await call(token.astrid, `/api/me/own-plans/${planId}/relatives/no-such-relative/sharing`, { method: 'PUT', key: newKey(), body: { decision: 'share', categories: ['goals'] } }),
        404,
      );
      expect(await revisionOf()).toBe(before);
    });
  });

  describe('my own goals', () => {
    it('written in my own words, staff see them; a stale If-Match is a 412 and nothing is lost', async () => {
      const id = (await makePlan()).planId;
      const first = await own(id);
      const body = { individualGoals: [{ id: first.individualGoals[0]!.id, text: 'Bo kvar hemma med Bengt' }, { text: 'Det här är viktigt för mig: att gå till kyrkan' }] };
      const res = await call(token.astrid, `/api/me/own-plans/${id}/own-goals`, { method: 'PUT', key: newKey(), ifMatch: first.version, body });
      expect(res.status, await res.clone().text()).toBe(200);
      const written = (await res.json()) as OwnPlan;
      expect(written.version).toBe(first.version + 1);
      expect(written.individualGoals.map((g) => g.text)).toEqual(['Bo kvar hemma med Bengt', 'Det här är viktigt för mig: att gå till kyrkan']);
      expect(written.individualGoals[0]!.id).toBe(first.individualGoals[0]!.id);
      expect(written.individualGoals[1]!.id).toBeTruthy();
      expect((await staffView(id)).fields.individualGoals?.map((g) => g.text)).toEqual(written.individualGoals.map((g) => g.text));

      // Staff change the plan meanwhile: my stale version is refused, and theirs and mine both stand after I read again.
      const staffPatch = await staff.request(`/api/plans/${id}`, { method: 'PATCH', ifMatch: written.version, body: { title: 'SIP för Astrid, hösten' } });
      expect(staffPatch.status).toBe(200);
      const before = await revisionOf(id);
      const actions = { individualOwnActions: [{ text: 'Jag tar mina mediciner själv' }] };
      await expectProblem(await call(token.astrid, `/api/me/own-plans/${id}/own-goals`, { method: 'PUT', key: newKey(), ifMatch: written.version, body: actions }), 412);
      expect(await revisionOf(id)).toBe(before);
      await expectProblem(await call(token.astrid, `/api/me/own-plans/${id}/own-goals`, { method: 'PUT', key: newKey(), body: actions }), 428);
      const fresh = await own(id);
      const retry = await call(token.astrid, `/api/me/own-plans/${id}/own-goals`, { method: 'PUT', key: newKey(), ifMatch: fresh.version, body: actions });
      expect(retry.status).toBe(200);
      const plan = await staffView(id);
      expect(plan.fields.title).toBe('SIP för Astrid, hösten');
      expect(plan.fields.individualGoals?.map((g) => g.text)).toEqual(written.individualGoals.map((g) => g.text));
      expect(plan.fields.individualOwnActions?.map((g) => g.text)).toEqual(['Jag tar mina mediciner själv']);

      // Staff read in the history that she wrote them herself, by name, and that the title was theirs.
      const { versions } = (await (await staff.request(`/api/plans/${id}/versions`)).json()) as {
        versions: { revision: number; changedBy: { role: string; name: string | null; organisationName: string | null } }[];
      };
      const last3 = versions.slice(-3).map((v) => [v.changedBy.role, v.changedBy.name]);
      expect(last3).toEqual([['individual', plan.individual.name], ['staff', expect.any(String)], ['individual', plan.individual.name]]);
      const diff = (await (await staff.request(`/api/plans/${id}/diff?from=${versions.at(-3)!.revision - 1}&to=${versions.at(-1)!.revision}`)).json()) as {
        versions: { changedBy: { role: string } }[];
      };
      expect(diff.versions.map((v) => v.changedBy.role)).toEqual(['individual', 'staff', 'individual']);
    });

    it('saved again as they are, under a new key: answered as they are, with no new version of the plan', async () => {
      const id = (await makePlan()).planId;
      const first = await own(id);
      const res = await call(token.astrid, `/api/me/own-plans/${id}/own-goals`, { method: 'PUT', key: newKey(), ifMatch: first.version, body: { individualGoals: [{ text: 'Bo kvar hemma' }] } });
      const written = (await res.json()) as OwnPlan;
      expect(written.version).toBe(first.version + 1);
      const before = await revisionOf(id);
      const logged = async () =>
        Number((await ctx.database.db.select({ n: count() }).from(accessLog).where(and(eq(accessLog.planId, id), eq(accessLog.action, 'plan.update'))))[0]!.n);
      const loggedBefore = await logged();
      const again = await call(token.astrid, `/api/me/own-plans/${id}/own-goals`, {
        method: 'PUT',
        key: newKey(),
        ifMatch: written.version,
        body: { individualGoals: written.individualGoals.map(({ id: goal, text }) => ({ id: goal, text })) },
      });
      expect(again.status).toBe(200);
      const same = (await again.json()) as OwnPlan;
      expect(same.version).toBe(written.version);
      expect(same.individualGoals).toEqual(written.individualGoals);
      expect(await revisionOf(id)).toBe(before);
      // Her access is logged all the same.
      expect(await logged()).toBe(loggedBefore + 1);
    });
  });

  describe('who has read my plan', () => {
    it('shows a staff read by organisation, a relative by name, never the staff member; reading it is logged', async () => {
      const id = (await makePlan()).planId;
      expect((await staff.request(`/api/plans/${id}`)).status).toBe(200);
      expect((await call(token.maria, `/api/me/plans/${id}`)).status).toBe(200);
      const res = await call(token.astrid, `/api/me/own-plans/${id}/access-log`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const extract = JSON.parse(text) as OwnAccessLog;
      expect(extract.items[0]).toEqual({ at: new Date(NOW).toISOString(), who: 'relative', organisation: null, relative: { name: 'Maria Nilsson' }, what: 'plan', kind: 'read', planId: id });
      expect(extract.items).toContainEqual({ at: new Date(NOW).toISOString(), who: 'staff', organisation: REGION, relative: null, what: 'plan', kind: 'read', planId: id });
      expect(extract.items.some((i) => i.who === 'staff' && i.kind === 'change' && i.what === 'consent')).toBe(true);
      expect(extract.total).toBe(extract.items.length);
      // No staff member's own identity, no personnummer.
      const hsaUser = rowsOf<{ user_id: string }>(await ctx.database.db.execute(sql`select user_id from access_log where plan_id = ${id} and organisation_id = ${REGION.id} limit 1`))[0]!.user_id;
      expect(text).not.toContain(hsaUser);
      expect(text).not.toContain(ASTRID);
      expect(text).not.toContain(MARIA_RELATIVE.personId);

      const [logged] = await ctx.database.db
        .select({ n: count() })
        .from(accessLog)
        .where(and(eq(accessLog.planId, id), eq(accessLog.action, 'own.access-log'), eq(accessLog.purpose, 'individual-extract')));
      expect(logged!.n).toBe(1);
      const next = (await (await call(token.astrid, `/api/me/own-plans/${id}/access-log?limit=1`)).json()) as OwnAccessLog;
      expect(next).toMatchObject({ limit: 1, offset: 0, items: [{ who: 'me', what: 'access-log', kind: 'read' }] });
    });
  });

  describe('bad input', () => {
    it('is a 422 problem naming the field, and nothing is written', async () => {
      const before = await revisionOf();
      const keysBefore = (await ctx.database.db.select({ n: count() }).from(idempotencyKeys))[0]!.n;
      const queued = async () => (await ctx.database.db.select({ n: count() }).from(outbox).where(eq(outbox.planId, planId)))[0]!.n;
      const queuedBefore = await queued();
      const consent = `/api/me/own-plans/${planId}/consent`;
      const sharing = `/api/me/own-plans/${planId}/relatives/${ids.bengt}/sharing`;
      const bad: [string, unknown, string][] = [
        [consent, { decision: 'give', information: [], actors: [REGION.id] }, '/information'],
        [consent, { decision: 'give', information: ['diagnoses'], actors: [REGION.id] }, '/information/0'],
        [consent, { decision: 'give', information: ['goals'], actors: [REGION.id], extra: 1 }, '/extra'],
        [consent, { decision: 'give', information: ['goals'], actors: ['Försäkringskassan'] }, '/actors/0'],
        [consent, { decision: 'give', information: ['goals'], actors: [REGION.id], validUntil: '2020-01-01' }, '/validUntil'],
        [consent, { decision: 'maybe' }, '/decision'],
        [sharing, { decision: 'share', categories: [] }, '/categories'],
        [sharing, { decision: 'share', categories: ['goals'], validUntil: '2026-02-30' }, '/validUntil'],
        [`/api/me/own-plans/${planId}/own-goals`, { individualGoals: [{ text: '' }] }, '/individualGoals/0/text'],
        [`/api/me/own-plans/${planId}/own-goals`, {}, '/individualGoals'],
      ];
      for (const [path, body, pointer] of bad) {
        const res = await call(token.astrid, path, { method: 'PUT', key: newKey(), ifMatch: (await own()).version, body });
        const problem = await expectProblem(res, 422);
        expect(problem.errors?.map((e) => e.path), JSON.stringify(problem)).toContain(pointer);
      }
      await expectProblem(await call(token.astrid, consent, { method: 'PUT', body: { decision: 'withdraw' } }), 428);
      await expectProblem(await call(token.astrid, consent, { method: 'PUT', key: newKey(), body: '{"decision":' }), 400);
      expect(await revisionOf()).toBe(before);
      // Refused before the change, a key that was claimed is not kept either.
      expect((await ctx.database.db.select({ n: count() }).from(idempotencyKeys))[0]!.n).toBe(keysBefore);
      expect(await queued()).toBe(queuedBefore);
    });
  });

  describe('under 18', () => {
    it('the individual can withdraw their consent and a sharing, not give either alone (422)', async () => {
      const child = '201209019841';
      const plan = await staff.createSharedPlan(
        { individual: { personId: child, name: 'Elsa Nilsson' }, title: 'SIP för Elsa' },
        { ...START_CONSENT, guardians: [{ name: 'Maria Nilsson', given: true, recordedAt: '2026-11-20T10:00:00+01:00' }] },
      );
      const version = etagVersion(await staff.request(`/api/plans/${plan.id}/relatives`));
      const added = await staff.request(`/api/plans/${plan.id}/relatives`, { method: 'POST', ifMatch: version, body: MARIA_RELATIVE });
      const mariaId = ((await added.json()) as { id: string }).id;
      const shared = await staff.request(`/api/plans/${plan.id}/relatives/${mariaId}/sharing`, { method: 'PUT', ifMatch: version + 1, body: SHARING });
      expect(shared.status).toBe(200);
      const elsa = await t.tokenFor('elsa');

      const read = (await (await call(elsa, `/api/me/own-plans/${plan.id}`)).json()) as OwnPlan;
      expect(read.child).toBe(true);
      const before = await revisionOf(plan.id);
      const give = await call(elsa, `/api/me/own-plans/${plan.id}/consent`, { method: 'PUT', key: newKey(), body: { decision: 'give', information: ['goals'], actors: [REGION.id] } });
      expect((await expectProblem(give, 422)).detail).toContain('guardians');
      const share = await call(elsa, `/api/me/own-plans/${plan.id}/relatives/${mariaId}/sharing`, { method: 'PUT', key: newKey(), body: { decision: 'share', categories: ['goals'] } });
      await expectProblem(share, 422);
      expect(await revisionOf(plan.id)).toBe(before);

      const unshare = await call(elsa, `/api/me/own-plans/${plan.id}/relatives/${mariaId}/sharing`, { method: 'PUT', key: newKey(), body: { decision: 'withdraw' } });
      expect(unshare.status).toBe(200);
      const withdraw = await call(elsa, `/api/me/own-plans/${plan.id}/consent`, { method: 'PUT', key: newKey(), body: { decision: 'withdraw' } });
      expect(withdraw.status).toBe(200);
      expect(((await withdraw.json()) as OwnPlan).consent).toMatchObject({ state: 'withdrawn', basis: 'guardians', recordedWith: 'e-id' });
    });
  });
});
