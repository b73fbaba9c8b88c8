import type { IndividualConsent, PlanView } from '@sip/shared';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessLog, planEvents } from '../db/schema.ts';
import {
  buildTestApp,
  consentInput,
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
  kind?: string;
  status: string;
  currentReviewDate: string;
  allowedAnswers: string[];
  history: { at: string; status: string; by: string; comment?: string; reviewDate?: string; reference?: string }[];
  receipt: Receipt;
}
interface Receipt {
  reference: string;
  at: string;
  answer: string;
  comment?: string;
  told: string[];
  coordinator: string | null;
}
interface MyPlan {
  planId: string;
  title: string | null;
  status: string;
  individual: { givenName: string | null };
  coordinator: { name: string; phone?: string; phoneDisplay?: string; phoneHours?: string } | null;
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
const ELSA = { name: 'Elsa Nilsson', relationship: { code: 'GRNDDAU', text: 'barnbarn' }, personId: '201209019841', child: true, sharesHome: false };
const BENGT = { name: 'Bengt Nilsson', relationship: { code: 'HUSB', text: 'make' }, personId: '193805129818', child: false, sharesHome: true };
const COMMITMENT = { what: 'Handla mat varje vecka', howOften: 'En gång i veckan', from: '2026-12-01', reviewDate: '2027-06-01' };
/** Every answer a relative can give on a commitment. */
const ANSWERS = ['accept', 'decline', 'withdraw', 'reconfirm'] as const;
/** What the individual's consent to the SIP lets be shared in the test plan: everything maria's sharing may grant. */
const PLAN_CONSENT: { scope: IndividualConsent['scope'] } = { scope: { ...consentInput().scope, information: ['goals', 'interventions', 'contacts', 'follow-up'] } };
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

  async function sectionVersion(id = planId) {
    return etagVersion(await staff.request(`/api/plans/${id}/relatives`));
  }

  /** The region's part as its staff fill it in: a goal, an intervention and a contact person. */
  async function fillRegionPart(plan: PlanView, contactPerson: { name: string; phone: string }) {
    const region = plan.parts.find((p) => p.principal === 'region')!;
    const res = await staff.request(`/api/plans/${plan.id}/parts/${region.id}`, {
      method: 'PATCH',
      ifMatch: region.version,
      body: {
        goals: [{ text: 'Stabil blodsockernivå' }],
        interventions: [{ title: 'Diabetesuppföljning', status: 'decided', performedBy: 'Vårdcentralen', when: 'Var tredje månad' }],
        contactPerson,
      },
    });
    expect(res.status).toBe(200);
  }

  async function staffWrite(method: string, path: string, body: unknown, id = planId) {
    const res = await staff.request(`/api/plans/${id}/relatives${path}`, { method, ifMatch: await sectionVersion(id), body });
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
    const plan = await staff.createSharedPlan(
      {
        coordinator: { name: 'Sara Lind', title: 'SIP-samordnare', phone: '010-123 45 67', phoneHours: 'Vardagar 8–12' },
        overallResponsibility: 'region',
        individualGoals: [{ text: 'Bo kvar hemma' }],
        needs: [{ text: 'Hjälp med inköp' }],
        followUp: { date: '2027-03-01', by: { name: 'Sara Lind' } },
      },
      PLAN_CONSENT,
    );
    planId = plan.id;
    await fillRegionPart(plan, { name: 'Sara Lind', phone: '+46101234567' });
    const maria = await staffWrite('POST', '', MARIA);
    const bengt = await staffWrite('POST', '', BENGT);
    await staffWrite('PUT', `/${maria.id}/sharing`, SHARING);
    const mariaCommitment = await staffWrite('POST', `/${maria.id}/commitments`, { ...COMMITMENT, kind: 'household' });
    const bengtCommitment = await staffWrite('POST', `/${bengt.id}/commitments`, { ...COMMITMENT, what: 'Följa med till vårdcentralen' });
    ids = { maria: maria.id, bengt: bengt.id, mariaCommitment: mariaCommitment.id, bengtCommitment: bengtCommitment.id };
  });

  describe('reading', () => {
    it('lists my plans, and only those', async () => {
      const res = await me(token.maria, '/plans');
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: { planId: string; relativeId: string; title: string }[] };
      reads.count += items.filter((i) => i.planId === planId).length;
      expect(items).toEqual([{ planId, title: 'SIP för Astrid', status: 'draft', relativeId: ids.maria, role: 'relative' }]);
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
      // Her own commitment says what kind of help it is, as staff proposed it.
      expect(plan.me.commitments[0]!.kind).toBe('household');
      expect(plan.me.sharing?.categories).toEqual(['goals', 'follow-up']);
      // The coordinator's number as it is written in Sweden, E.164 for the link, and when to call.
      expect(plan.coordinator).toEqual({ name: 'Sara Lind', title: 'SIP-samordnare', phone: '+46101234567', phoneDisplay: '010-123 45 67', phoneHours: 'Vardagar 8–12' });
      // The individual by their given name, never by the personnummer or the full name.
      expect(plan.individual).toEqual({ givenName: 'Astrid' });
      expect(JSON.stringify(plan)).not.toContain('Astrid Nilsson');
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
      // Proposed without a kind: none is made up.
      expect(plan.me.commitments[0]).not.toHaveProperty('kind');
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
      expect(accepted.kind).toBe('household');
      expect(accepted.history.at(-1)).toEqual({ at: new Date(NOW).toISOString(), status: 'accepted', by: 'relative', comment: body.comment, reference: accepted.receipt.reference });
      // The receipt: what was answered, when, under which reference, and who sees it.
      expect(accepted.receipt).toEqual({
        reference: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/),
        at: new Date(NOW).toISOString(),
        answer: 'accepted',
        comment: body.comment,
        told: ['Region Norrvik', 'Norrviks kommun'],
        coordinator: 'Sara Lind',
      });
      const before = await sectionVersion();

      const replay = await answer(token.maria, ids.mariaCommitment, { comment: body.comment, answer: 'accept' }, key);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      // The replayed answer is the relative's own data about the plan: logged as a read.
      reads.count += 1;
      expect(await replay.json()).toEqual(accepted);
      expect(await sectionVersion()).toBe(before);
      // Staff find the answer by the reference on the relative's receipt, in the commitment's history.
      const section = await (await staff.request(`/api/plans/${planId}/relatives`)).text();
      expect(section).toContain(`"reference":"${accepted.receipt.reference}"`);
      expect((await view(token.maria)).me.commitments[0]?.history.map((e) => e.status)).toEqual(['requested', 'accepted']);

      const reused = await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'decline' }, key), 422);
      expect(reused.detail).toContain('Idempotency-Key');
      await expectProblem(await answer(token.maria, ids.mariaCommitment, { answer: 'decline' }), 409);
      expect(await sectionVersion()).toBe(before);

      // Versioned, evented and logged like any change.
      const versions = (await (await staff.request(`/api/plans/${planId}/versions`)).json()) as {
        versions: { change: string; changedBy: { role: string; name: string | null } }[];
      };
      const answered = versions.versions.filter((v) => v.change === 'relatives.answered');
      expect(answered).toHaveLength(1);
      // Staff read who answered by name, as the plan names her: a relative, with her own e-ID.
      expect(answered[0]!.changedBy).toMatchObject({ role: 'relative', name: MARIA.name });
      const [logged] = await ctx.database.db
        .select({ n: count() })
        .from(accessLog)
        .where(and(eq(accessLog.planId, planId), eq(accessLog.action, 'me.answer'), eq(accessLog.userId, citizenUserId(MARIA.personId))));
      expect(logged?.n).toBe(1);
    });

    it('lets exactly one of two concurrent answers with different keys through', async () => {
      // The same answer twice: whichever goes first, the second finds the commitment accepted.
      // (Accept and decline are no such pair: a decline first leaves an accept allowed after it.)
      const results = await Promise.all([
        answer(token.bengt, ids.bengtCommitment, { answer: 'accept' }),
        answer(token.bengt, ids.bengtCommitment, { answer: 'accept' }),
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
      // One wrote, the other replayed it (and is logged as a read).
      expect([a, b].filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
      reads.count += 1;
      const requested = (await a.json()) as { receipt: Receipt; requests: { reference?: string }[] };
      expect(await b.json()).toEqual(requested);
      expect(requested.receipt).toMatchObject({ answer: 'contact-consultant', comment: 'Ring gärna', told: ['Region Norrvik', 'Norrviks kommun'] });
      expect(requested.requests.at(-1)?.reference).toBe(requested.receipt.reference);
      expect((await view(token.bengt)).me.support?.requests).toHaveLength(1);
      const page = (await (await staff.request('/api/worklist?limit=100')).json()) as { items: { planId: string; relativeId: string; kind: string }[] };
      expect(page.items.filter((i) => i.planId === planId && i.relativeId === ids.bengt).map((i) => i.kind)).toContain('contact-request');
    });

    it('takes a request to step out of the relative role once while it waits, onto the work list until staff deal with it', async () => {
      const worklist = async () =>
        ((await (await staff.request('/api/worklist?limit=100')).json()) as { items: { planId: string; relativeId: string; kind: string }[] }).items
          .filter((i) => i.planId === planId && i.relativeId === ids.maria)
          .map((i) => i.kind);
      const ask = (key = newKey()) => me(token.maria, `/plans/${planId}/requests`, { method: 'POST', key, body: { kind: 'leave-role' } });
      const res = await ask();
      expect(res.status, await res.clone().text()).toBe(201);
      expect(await worklist()).toContain('leave-role-request');
      // Asked again while it waits: refused, nothing added.
      await expectProblem(await ask(), 409);
      const asked = (await view(token.maria)).me.support!.requests.filter((r) => r.kind === 'leave-role');
      expect(asked).toHaveLength(1);

      // Staff deal with it (mark it handled): off the work list, and it can be asked again.
      const section = (await (await staff.request(`/api/plans/${planId}/relatives`)).json()) as { relatives: { id: string; support?: { requests: { kind: string; handledAt?: string }[] } }[] };
      const support = section.relatives.find((r) => r.id === ids.maria)!.support!;
      await staffWrite('PUT', `/${ids.maria}/support`, {
        ...support,
        requests: support.requests.map((r) => (r.kind === 'leave-role' ? { ...r, handledAt: new Date().toISOString() } : r)),
      });
      expect(await worklist()).not.toContain('leave-role-request');
      expect((await ask()).status).toBe(201);
      expect(await worklist()).toContain('leave-role-request');
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
      const key = newKey();
      const res = await me(token.bengt, `/plans/${planId}/home-consent`, { method: 'POST', key, body: { consent: true, comment: 'Det går bra' } });
      expect(res.status).toBe(200);
      const given = (await res.json()) as { receipt: Receipt };
      expect(given).toMatchObject({ consent: true, comment: 'Det går bra', history: [{ consent: true, reference: given.receipt.reference }] });
      expect(given.receipt).toMatchObject({ answer: 'home-consent-yes', comment: 'Det går bra', at: new Date(NOW).toISOString(), coordinator: 'Sara Lind' });
      // A replay gives the same receipt: the same reference and time.
      const replay = await me(token.bengt, `/plans/${planId}/home-consent`, { method: 'POST', key, body: { consent: true, comment: 'Det går bra' } });
      reads.count += 1;
      expect(((await replay.json()) as { receipt: Receipt }).receipt).toEqual(given.receipt);
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
      expect(plan.shared.contacts).toEqual([{ principal: 'region', organisation: 'Region Norrvik', name: 'Sara Lind', phone: '+46101234567', phoneDisplay: '010-123 45 67' }]);
      expect(plan.shared).not.toHaveProperty('goals');
    });
  });

  /** A plan as a relative sees it, read through the API (another plan than the one whose reads the access-log test counts). */
  async function viewOf(who: string, id: string, app?: TestApp): Promise<MyPlan> {
    const res = await me(who, `/plans/${id}`, app ? { app } : {});
    expect(res.status).toBe(200);
    return (await res.json()) as MyPlan;
  }

  const answerIn = (id: string, who: string, commitmentId: string, body: unknown, app?: TestApp) =>
    me(who, `/plans/${id}/commitments/${commitmentId}/answer`, { method: 'POST', body, key: newKey(), ...(app ? { app } : {}) });

  /** A plan the individual has consented to, with goals, interventions, a contact and a follow-up, and maria in it. */
  async function anotherPlan() {
    const plan = await staff.createSharedPlan(
      { individualGoals: [{ text: 'Bo kvar hemma' }], followUp: { date: '2027-03-01', by: { name: 'Sara Lind' } } },
      PLAN_CONSENT,
    );
    await fillRegionPart(plan, { name: 'Ulla Berg', phone: '+46101234599' });
    const maria = await staffWrite('POST', '', MARIA, plan.id);
    return { planId: plan.id, maria: maria.id };
  }

  async function recordConsent(id: string, consent: Parameters<typeof consentInput>[0]) {
    const current = await staff.request(`/api/plans/${id}`);
    const res = await staff.request(`/api/plans/${id}/consent`, { method: 'PUT', ifMatch: current.headers.get('etag')!, body: consentInput(consent) });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  describe("the individual's consent to the SIP bounds what any relative sees", () => {
    const everything = ['goals', 'interventions', 'contacts', 'follow-up'];
    let plan: { planId: string; maria: string };
    let commitmentId: string;

    beforeAll(async () => {
      plan = await anotherPlan();
      await staffWrite('PUT', `/${plan.maria}/sharing`, { ...SHARING, categories: everything }, plan.planId);
      commitmentId = (await staffWrite('POST', `/${plan.maria}/commitments`, COMMITMENT, plan.planId)).id;
      expect((await answerIn(plan.planId, token.maria, commitmentId, { answer: 'accept' })).status).toBe(200);
    });

    it('shows only the categories both the relative’s sharing and the consent to the SIP allow', async () => {
      let view = await viewOf(token.maria, plan.planId);
      expect(view.shared.categories.sort()).toEqual(['contacts', 'follow-up', 'goals', 'interventions']);
      // The number written the Swedish way, with E.164 beside it for the link.
      expect(view.shared.contacts).toEqual([
        { principal: 'region', organisation: 'Region Norrvik', name: 'Ulla Berg', phone: '+46101234599', phoneDisplay: '010-123 45 99' },
      ]);
      expect(view.shared.followUp).toEqual({ date: '2027-03-01' });

      // The consent to the SIP no longer lists contacts and follow-up: maria's sharing of them gives her nothing.
      await recordConsent(plan.planId, { scope: { ...PLAN_CONSENT.scope, information: ['goals', 'interventions'] } });
      view = await viewOf(token.maria, plan.planId);
      expect(view.shared.categories.sort()).toEqual(['goals', 'interventions']);
      expect(view.shared).not.toHaveProperty('contacts');
      expect(view.shared).not.toHaveProperty('followUp');
      expect(view.shared.interventions).toEqual([
        { principal: 'region', title: 'Diabetesuppföljning', status: 'decided', performedBy: 'Vårdcentralen', when: 'Var tredje månad' },
      ]);
      expect(view.me.sharing?.categories).toEqual(everything);
      for (const hidden of ['Ulla Berg', '+46101234599', '2027-03-01']) expect(JSON.stringify(view)).not.toContain(hidden);

      // Only the municipality's interventions: the region's are not shared, whatever maria's own sharing says.
      await recordConsent(plan.planId, { scope: { ...PLAN_CONSENT.scope, information: ['goals', 'social-interventions'] } });
      view = await viewOf(token.maria, plan.planId);
      expect(view.shared.categories.sort()).toEqual(['goals', 'social-interventions']);
      expect(view.shared.interventions).toEqual([]);
      expect(JSON.stringify(view)).not.toContain('Diabetesuppföljning');
    });

    it('once withdrawn, leaves a relative whose own sharing is in force only their own part, and their answers', async () => {
      await recordConsent(plan.planId, { ...PLAN_CONSENT, revokedAt: '2026-12-01T09:30:00+01:00' });
      const view = await viewOf(token.maria, plan.planId);
      expect(view.status).toBe('consent_withdrawn');
      expect(view.shared).toEqual({ categories: [] });
      // Her own sharing is untouched, and still in force by its own dates; it is the consent to the SIP that bounds it.
      expect(view.me.sharing).toMatchObject({ categories: everything, validUntil: SHARING.validUntil });
      expect(view.me.sharing).not.toHaveProperty('revokedAt');
      expect(view.me.sharingInEffect).toBe(false);
      const text = JSON.stringify(view);
      for (const hidden of ['Bo kvar hemma', 'Stabil blodsockernivå', 'Diabetesuppföljning', 'Ulla Berg', '2027-03-01', INDIVIDUAL]) {
        expect(text).not.toContain(hidden);
      }
      expect(view.me.commitments.map((c) => [c.id, c.status, c.allowedAnswers])).toEqual([[commitmentId, 'accepted', ['withdraw']]]);

      // She can still step back from what she took on.
      const res = await answerIn(plan.planId, token.maria, commitmentId, { answer: 'withdraw', comment: 'Jag kan inte längre' });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ id: commitmentId, status: 'withdrawn', allowedAnswers: [] });
      expect((await viewOf(token.maria, plan.planId)).me.commitments[0]?.history.map((e) => [e.status, e.by])).toEqual([
        ['requested', 'staff'],
        ['accepted', 'relative'],
        ['withdrawn', 'relative'],
      ]);
    });
  });

  describe('the answers offered on a commitment', () => {
    /**
     * Reads the commitment as the relative sees it, expects exactly `expected` offered, and every
     * other answer refused by the API without writing anything.
     */
    async function expectOffered(id: string, commitmentId: string, expected: string[], as: { maria: string; app?: TestApp } = token) {
      const { maria, app } = as;
      const commitmentOf = async () => (await viewOf(maria, id, app)).me.commitments.find((c) => c.id === commitmentId)!;
      const before = await commitmentOf();
      expect(before.allowedAnswers, before.status).toEqual(expected);
      for (const refused of ANSWERS.filter((a) => !expected.includes(a))) {
        const res = await answerIn(id, maria, commitmentId, { answer: refused }, app);
        expect([409, 422], `${before.status}: ${refused}`).toContain(res.status);
        await expectProblem(res, res.status);
      }
      expect(await commitmentOf()).toEqual(before);
      return before;
    }

    it('are exactly those the API accepts, in every state', async () => {
      const { planId: id, maria } = await anotherPlan();
      const declined = (await staffWrite('POST', `/${maria}/commitments`, COMMITMENT, id)).id;
      const accepted = (await staffWrite('POST', `/${maria}/commitments`, { ...COMMITMENT, what: 'Ringa varje kväll' }, id)).id;
      const cancelled = (await staffWrite('POST', `/${maria}/commitments`, { ...COMMITMENT, what: 'Följa med till tandläkaren' }, id)).id;

      // Requested: accept or decline.
      for (const c of [declined, accepted, cancelled]) await expectOffered(id, c, ['accept', 'decline']);
      let res = await answerIn(id, token.maria, declined, { answer: 'decline' });
      expect(res.status).toBe(200);
      // Declined: the relative may change the no to a yes until staff act on it, not decline again.
      expect(((await res.json()) as Commitment).allowedAnswers).toEqual(['accept']);
      await expectOffered(id, declined, ['accept']);
      res = await answerIn(id, token.maria, declined, { answer: 'decline' });
      expect(res.status).toBe(409);
      res = await answerIn(id, token.maria, accepted, { answer: 'accept' });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Commitment).allowedAnswers).toEqual(['withdraw']);

      // Accepted, the review months ahead: withdraw only.
      await expectOffered(id, accepted, ['withdraw']);
      // Within 14 days of the review date: confirm again, or withdraw.
      const app = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date('2027-05-19T09:00:00Z') } });
      const later = { app, maria: await app.tokenFor('maria') };
      await expectOffered(id, accepted, ['reconfirm', 'withdraw'], later);
      res = await answerIn(id, later.maria, accepted, { answer: 'reconfirm' }, app);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Commitment).allowedAnswers).toEqual(['withdraw']);
      await expectOffered(id, accepted, ['withdraw'], later);
      res = await answerIn(id, later.maria, accepted, { answer: 'withdraw' }, app);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Commitment).allowedAnswers).toEqual([]);
      await expectOffered(id, accepted, [], later);

      // Cancelled by staff: nothing to answer, a decline no longer to be taken back either.
      await staffWrite('POST', `/${maria}/commitments/${cancelled}/cancel`, { comment: 'Behövs inte längre' }, id);
      await expectOffered(id, cancelled, []);
      await staffWrite('POST', `/${maria}/commitments/${declined}/cancel`, { comment: 'Vi planerar om' }, id);
      await expectOffered(id, declined, []);
      expect((await answerIn(id, token.maria, declined, { answer: 'accept' })).status).toBe(409);
    });
  });

  describe('a child relative', () => {
    it('cannot give home consent, even when recorded as sharing the home', async () => {
      const { planId: id } = await anotherPlan();
      const elsa = await staffWrite('POST', '', { ...ELSA, sharesHome: true }, id);
      const elsaToken = await t.tokenFor('elsa');
      for (const consent of [true, false]) {
        const body = await expectProblem(await me(elsaToken, `/plans/${id}/home-consent`, { method: 'POST', key: newKey(), body: { consent } }), 422);
        expect(body.detail).toContain('child');
      }
      const view = await viewOf(elsaToken, id);
      expect(view.me).toMatchObject({ relativeId: elsa.id, homeConsent: null });
      expect(view.me.commitments).toEqual([]);
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
