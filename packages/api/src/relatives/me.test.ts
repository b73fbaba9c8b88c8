import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessLog, planEvents } from '../db/schema.ts';
import {
  buildTestApp,
  describeEachDatabase,
  expectProblem,
  staffClient,
  type TestApp,
  usePeers,
  etagVersion,
  MARIA_RELATIVE,
} from '../test-support/index.ts';
import { citizenUserId } from './me.service.ts';

const peers = usePeers({ seed: false });

type Client = Awaited<ReturnType<typeof staffClient>>;
interface Commitment {
  id: string;
  status: string;
  currentReviewDate: string;
  history: { at: string; status: string; by: string; comment?: string; reviewDate?: string }[];
}
interface MyPlan {
  planId: string;
  title: string | null;
  coordinator: { name: string } | null;
  responsible: { principal: string; organisation: string } | null;
  outOfHours: string | null;
  me: {
    relativeId: string;
    name: string;
    sharing: { categories: string[] } | null;
    sharingInEffect: boolean;
    commitments: Commitment[];
    support: { requests: { kind: string }[] } | null;
    homeConsent: { consent: boolean; history: unknown[] } | null;
  };
  shared: Record<string, unknown> & { categories: string[] };
}

const INDIVIDUAL = '194003019801';
const NOW = '2026-12-01T10:00:00Z';
const MARIA = MARIA_RELATIVE;
const BENGT = { name: 'Bengt Nilsson', relationship: { code: 'HUSB', text: 'make' }, personId: '193805129818', child: false, sharesHome: true };
const COMMITMENT = { what: 'Handla mat varje vecka', howOften: 'En gång i veckan', from: '2026-12-01', reviewDate: '2027-06-01' };
const SHARING = {
  categories: ['goals', 'follow-up'],
  validFrom: '2026-11-20',
  validUntil: '2027-11-20',
  form: 'written',
  recordedAt: '2026-11-20T10:00:00+01:00',
  recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
};


describeEachDatabase("the relative's own API (/api/me)", (ctx) => {
  let t: TestApp;
  let staff: Client;
  let token: { maria: string; bengt: string; erik: string };
  let planId: string;
  let ids: { maria: string; bengt: string; mariaCommitment: string; bengtCommitment: string };
  const reads = { count: 0 };

  async function sectionVersion() {
    return etagVersion(await staff.request(`/api/plans/${planId}/relatives`));
  }

  async function staffWrite(method: string, path: string, body: unknown) {
    const res = await staff.request(`/api/plans/${planId}/relatives${path}`, { method, ifMatch: await sectionVersion(), body });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as { id: string };
  }

  function me(who: string, path: string, init: { method?: string; body?: unknown; key?: string; app?: TestApp } = {}) {
    return (init.app ?? t).app.request(`/api/me${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${who}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.key !== undefined ? { 'Idempotency-Key': init.key } : {}),
      },
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    });
  }

  async function view(who: string): Promise<MyPlan> {
    const res = await me(who, `/plans/${planId}`);
    expect(res.status).toBe(200);
    reads.count += 1;
    return (await res.json()) as MyPlan;
  }

  let keyNo = 0;
  const newKey = () => `key-${ctx.kind}-${++keyNo}`;
  const answer = (who: string, commitmentId: string, body: unknown, key = newKey(), app?: TestApp) =>
    me(who, `/plans/${planId}/commitments/${commitmentId}/answer`, { method: 'POST', body, key, ...(app ? { app } : {}) });

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date(NOW) } });
    staff = await staffClient(t, 'region-coordinator');
    token = { maria: await t.tokenFor('maria'), bengt: await t.tokenFor('bengt'), erik: await t.tokenFor('erik') };
    const plan = await staff.createPlan({
      coordinator: { name: 'Sara Lind', title: 'SIP-samordnare', phone: '+46101234567' },
      overallResponsibility: 'region',
      individualGoals: [{ text: 'Bo kvar hemma' }],
      needs: [{ text: 'Hjälp med inköp' }],
      followUp: { date: '2027-03-01', by: { name: 'Sara Lind' } },
    });
    planId = plan.id;
    const region = plan.parts.find((p) => p.principal === 'region')!;
    const res = await staff.request(`/api/plans/${planId}/parts/${region.id}`, {
      method: 'PATCH',
      ifMatch: region.version,
      body: {
        goals: [{ text: 'Stabil blodsockernivå' }],
        interventions: [{ title: 'Diabetesuppföljning', status: 'decided', performedBy: 'Vårdcentralen', when: 'Var tredje månad' }],
        contactPerson: { name: 'Sara Lind', phone: '+46101234567' },
      },
    });
    expect(res.status).toBe(200);
    const maria = await staffWrite('POST', '', MARIA);
    const bengt = await staffWrite('POST', '', BENGT);
    await staffWrite('PUT', `/${maria.id}/sharing`, SHARING);
    const mariaCommitment = await staffWrite('POST', `/${maria.id}/commitments`, COMMITMENT);
    const bengtCommitment = await staffWrite('POST', `/${bengt.id}/commitments`, { ...COMMITMENT, what: 'Följa med till vårdcentralen' });
    ids = { maria: maria.id, bengt: bengt.id, mariaCommitment: mariaCommitment.id, bengtCommitment: bengtCommitment.id };
  });

  describe('reading', () => {
    it('lists my plans, and only those', async () => {
      const res = await me(token.maria, '/plans');
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: { planId: string; relativeId: string; title: string }[] };
      reads.count += items.filter((i) => i.planId === planId).length;
      expect(items).toEqual([{ planId, title: 'SIP för Astrid', status: 'draft', relativeId: ids.maria }]);
      const erik = (await (await me(token.erik, '/plans')).json()) as { items: unknown[] };
      expect(erik.items).toEqual([]);
    });

    it('shows maria the goals and follow-up she is allowed, not interventions or contacts, and her own part', async () => {
      const plan = await view(token.maria);
      expect(plan.shared.categories.sort()).toEqual(['follow-up', 'goals']);
      expect(plan.shared.goals).toEqual({
        individual: [{ text: 'Bo kvar hemma' }],
        professional: [
          { principal: 'municipality', organisation: 'Norrviks kommun', goals: [] },
          { principal: 'region', organisation: 'Region Norrvik', goals: [{ text: 'Stabil blodsockernivå' }] },
        ],
      });
      expect(plan.shared.followUp).toEqual({ date: '2027-03-01' });
      for (const hidden of ['interventions', 'contacts', 'needs', 'meetings']) expect(plan.shared).not.toHaveProperty(hidden);
      expect(plan.me.commitments.map((c) => [c.id, c.status])).toEqual([[ids.mariaCommitment, 'requested']]);
      expect(plan.me.sharing?.categories).toEqual(['goals', 'follow-up']);
      expect(plan.coordinator).toMatchObject({ name: 'Sara Lind' });
      expect(plan.responsible).toEqual({ principal: 'region', organisation: 'Region Norrvik' });
      expect(plan.outOfHours).toBeNull();
      const text = JSON.stringify(plan);
      for (const secret of [INDIVIDUAL, 'Bengt', BENGT.personId, 'Diabetesuppföljning', 'Hjälp med inköp']) expect(text).not.toContain(secret);
    });

    it('shows bengt, who has no sharing, only his own part', async () => {
      const plan = await view(token.bengt);
      expect(plan.shared).toEqual({ categories: [] });
      expect(plan.me).toMatchObject({ relativeId: ids.bengt, sharing: null, sharingInEffect: false });
      expect(plan.me.commitments.map((c) => c.id)).toEqual([ids.bengtCommitment]);
      const text = JSON.stringify(plan);
      for (const secret of [INDIVIDUAL, 'Maria', 'Bo kvar hemma', '2027-03-01']) expect(text).not.toContain(secret);
    });

    it('answers 404 to someone not in the plan, exactly as for an unknown plan; 403 across token kinds', async () => {
      const outside = await expectProblem(await me(token.erik, `/plans/${planId}`), 404);
      const unknown = await expectProblem(await me(token.erik, '/plans/00000000-0000-4000-8000-000000000000'), 404);
      expect({ ...outside, requestId: null }).toEqual({ ...unknown, requestId: null });
      await expectProblem(await answer(token.erik, ids.mariaCommitment, { answer: 'accept' }), 404);
      // Maria cannot read or answer bengt's commitment.
      await expectProblem(await answer(token.maria, ids.bengtCommitment, { answer: 'accept' }), 404);
      await expectProblem(await me(staff.token, '/plans'), 403);
      await expectProblem(await me(staff.token, `/plans/${planId}`), 403);
      await expectProblem(await t.app.request('/api/plans', { headers: { Authorization: `Bearer ${token.maria}` } }), 403);
      await expectProblem(await t.app.request(`/api/plans/${planId}`, { headers: { Authorization: `Bearer ${token.maria}` } }), 403);
      expect((await view(token.bengt)).me.commitments[0]?.status).toBe('requested');
    });
  });

  describe('answering a commitment', () => {
    it('requires an Idempotency-Key, and refuses bad comments without writing', async () => {
      const path = `/plans/${planId}/commitments/${ids.mariaCommitment}/answer`;
      const missing = await expectProblem(await me(token.maria, path, { method: 'POST', body: { answer: 'accept' } }), 428);
      expect(missing.detail).toContain('Idempotency-Key');
      let body = await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'accept' }, 'x'.repeat(101)), 422);
      expect(body.errors?.[0]?.path).toBe('/header/idempotency-key');
      body = await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'accept', comment: 'ok\u0007' }), 422);
      expect(body.errors?.[0]?.path).toBe('/comment');
      body = await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'accept', comment: 'x'.repeat(2001) }), 422);
      expect(body.errors?.[0]?.path).toBe('/comment');
      const huge = await answer(token.maria, ids.mariaCommitment, { answer: 'accept', comment: 'x'.repeat(1024 * 1024) });
      expect([413, 422]).toContain(huge.status);
      expect(huge.headers.get('content-type')).toContain('application/problem+json');
      await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'maybe' }), 422);
      expect((await view(token.maria)).me.commitments[0]?.history).toHaveLength(1);
    });

    it('accepts once: a replay returns the same result and writes nothing; another body under the key is 422', async () => {
      const key = newKey();
      const body = { answer: 'accept', comment: 'Jag handlar på lördagar\n\tgärna' };
      const first = await answer(token.maria, ids.mariaCommitment, body, key);
      expect(first.status).toBe(200);
      const accepted = (await first.json()) as Commitment;
      expect(accepted.status).toBe('accepted');
      expect(accepted.history.at(-1)).toEqual({ at: new Date(NOW).toISOString(), status: 'accepted', by: 'relative', comment: body.comment });
      const before = await sectionVersion();

      const replay = await answer(token.maria, ids.mariaCommitment, { comment: body.comment, answer: 'accept' }, key);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(accepted);
      expect(await sectionVersion()).toBe(before);
      expect((await view(token.maria)).me.commitments[0]?.history.map((e) => e.status)).toEqual(['requested', 'accepted']);

      const reused = await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'decline' }, key), 422);
      expect(reused.detail).toContain('Idempotency-Key');
      await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'decline' }), 409);
      expect(await sectionVersion()).toBe(before);

      // Versioned, evented and logged like any change.
      const versions = (await (await staff.request(`/api/plans/${planId}/versions`)).json()) as { versions: { change: string }[] };
      expect(versions.versions.filter((v) => v.change === 'relatives.answered')).toHaveLength(1);
      const [logged] = await ctx.database.db
        .select({ n: count() })
        .from(accessLog)
        .where(and(eq(accessLog.planId, planId), eq(accessLog.action, 'me.answer'), eq(accessLog.userId, citizenUserId(MARIA.personId))));
      expect(logged?.n).toBe(1);
    });

    it('lets exactly one of two concurrent answers with different keys through', async () => {
      const results = await Promise.all([
        answer(token.bengt, ids.bengtCommitment, { answer: 'accept' }),
        answer(token.bengt, ids.bengtCommitment, { answer: 'decline' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const history = (await view(token.bengt)).me.commitments[0]!.history;
      expect(history).toHaveLength(2);
    });

    it('writes once for two concurrent requests with the same key', async () => {
      const key = newKey();
      const send = () => me(token.bengt, `/plans/${planId}/requests`, { method: 'POST', key, body: { kind: 'contact-consultant', note: 'Ring gärna' } });
      const [a, b] = await Promise.all([send(), send()]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(await a.json()).toEqual(await b.json());
      expect((await view(token.bengt)).me.support?.requests).toHaveLength(1);
      const page = (await (await staff.request('/api/worklist?limit=100')).json()) as { items: { planId: string; relativeId: string; kind: string }[] };
      expect(page.items.filter((i) => i.planId === planId && i.relativeId === ids.bengt).map((i) => i.kind)).toContain('contact-request');
    });

    it('moves a short review interval beyond the window, so one confirmation ends the review', async () => {
      const short = await staffWrite('POST', `/${ids.maria}/commitments`, { ...COMMITMENT, what: 'Ringa varje kväll', reviewDate: '2026-12-08' });
      const later = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date('2026-12-05T09:00:00Z') } });
      const maria = await later.tokenFor('maria');
      expect((await answer(maria, short.id, { answer: 'accept' }, newKey(), later)).status).toBe(200);
      const res = await answer(maria, short.id, { answer: 'reconfirm' }, newKey(), later);
      expect(res.status).toBe(200);
      // Seven days, 2026-12-01 to 2026-12-08, is shorter than the window: the next review is 30 days on from the due date.
      expect(((await res.json()) as Commitment).currentReviewDate).toBe('2027-01-07');
      await expectProblem(await answer(maria, short.id, { answer: 'reconfirm' }, newKey(), later), 409);
    });

    it('reconfirms only near the review date, then withdraws onto the staff work list', async () => {
      await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'reconfirm' }), 409);
      const later = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date('2027-05-25T09:00:00Z') } });
      const maria = await later.tokenFor('maria');
      let res = await answer(maria, ids.mariaCommitment, { answer: 'reconfirm' }, newKey(), later);
      expect(res.status).toBe(200);
      const reconfirmed = (await res.json()) as Commitment;
      // The original interval, 2026-12-01 to 2027-06-01, is 182 days, counted on from the date that was due.
      expect(reconfirmed).toMatchObject({ status: 'accepted', currentReviewDate: '2027-11-30' });
      expect(reconfirmed.history.at(-1)).toMatchObject({ status: 'reconfirmed', by: 'relative', reviewDate: '2027-11-30' });
      // Once confirmed, it is no longer due: a second confirmation is refused.
      await expectProblem(await answer(maria, ids.mariaCommitment, { answer: 'reconfirm' }, newKey(), later), 409);

      res = await answer(token.maria, ids.mariaCommitment, { answer: 'withdraw', comment: 'Jag flyttar' });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Commitment).status).toBe('withdrawn');
      await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'withdraw' }), 409);
      const page = (await (await staff.request('/api/worklist?limit=100')).json()) as { items: { planId: string; commitmentId: string | null; kind: string }[] };
      expect(page.items).toContainEqual(expect.objectContaining({ planId, commitmentId: ids.mariaCommitment, kind: 'commitment-withdrawn' }));
      // Open editors hear of it on the plan's live stream: ids and versions only.
      const [event] = await ctx.database.db
        .select()
        .from(planEvents)
        .where(and(eq(planEvents.planId, planId), eq(planEvents.type, 'worklist.commitment-withdrawn')));
      expect(event).toMatchObject({ organisationId: 'citizen' });
      expect(JSON.stringify(event)).not.toContain(MARIA.personId);
    });

    it('refuses an answer on a commitment staff cancelled', async () => {
      const proposed = await staffWrite('POST', `/${ids.maria}/commitments`, { ...COMMITMENT, what: 'Följa med till tandläkaren' });
      await staffWrite('POST', `/${ids.maria}/commitments/${proposed.id}/cancel`, { comment: 'Behövs inte längre' });
      const body = await expectProblem(await answer(token.maria, proposed.id, { answer: 'accept' }), 409);
      expect(body.detail).toContain('cancelled by staff');
    });
  });

  describe('home consent', () => {
    it('is given by bengt, who shares the home, and refused to maria', async () => {
      const res = await me(token.bengt, `/plans/${planId}/home-consent`, { method: 'POST', key: newKey(), body: { consent: true, comment: 'Det går bra' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ consent: true, comment: 'Det går bra', history: [{ consent: true }] });
      expect((await view(token.bengt)).me.homeConsent).toMatchObject({ consent: true });
      await expectProblem(await me(token.maria, `/plans/${planId}/home-consent`, { method: 'POST', key: newKey(), body: { consent: true } }), 409);
      await expectProblem(await me(token.bengt, `/plans/${planId}/home-consent`, { method: 'POST', body: { consent: false } }), 428);
    });
  });

  describe("the individual's consent governs what maria sees", () => {
    it('hides everything shared the moment the sharing is revoked, or when it has expired', async () => {
      await staffWrite('PUT', `/${ids.maria}/sharing`, { ...SHARING, revokedAt: '2026-12-01T09:00:00+01:00' });
      let plan = await view(token.maria);
      expect(plan.shared).toEqual({ categories: [] });
      expect(plan.me.sharingInEffect).toBe(false);
      expect(plan.me.commitments.length).toBeGreaterThan(0);

      await staffWrite('PUT', `/${ids.maria}/sharing`, { ...SHARING, validUntil: '2026-11-30' });
      plan = await view(token.maria);
      expect(plan.shared).toEqual({ categories: [] });
      expect(JSON.stringify(plan)).not.toContain('Bo kvar hemma');

      await staffWrite('PUT', `/${ids.maria}/sharing`, { ...SHARING, categories: ['health-interventions', 'contacts'] });
      plan = await view(token.maria);
      expect(plan.shared.interventions).toEqual([
        { principal: 'region', title: 'Diabetesuppföljning', status: 'decided', performedBy: 'Vårdcentralen', when: 'Var tredje månad' },
      ]);
      expect(plan.shared.contacts).toEqual([{ principal: 'region', organisation: 'Region Norrvik', name: 'Sara Lind', phone: '+46101234567' }]);
      expect(plan.shared).not.toHaveProperty('goals');
    });
  });

  describe('the access log', () => {
    it('has an entry for every read through /api/me, under the relative’s own identity', async () => {
      const rows = await ctx.database.db
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.planId, planId), eq(accessLog.action, 'me.read')));
      expect(rows).toHaveLength(reads.count);
      for (const row of rows) {
        expect(row).toMatchObject({ organisationId: 'citizen', individualId: INDIVIDUAL });
        expect(row.userId).toMatch(/^citizen:\d{12}$/);
      }
      expect(new Set(rows.map((r) => r.userId))).toEqual(new Set([citizenUserId(MARIA.personId), citizenUserId(BENGT.personId)]));
    });
  });
});
