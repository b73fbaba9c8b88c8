// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import {
  buildTestApp,
  describeEachDatabase,
  etagVersion,
  MARIA_RELATIVE,
  searchPeer,
  staffClient,
  type TestApp,
  usePeers,
  bothSides,
} from '../test-support/index.ts';
import type { Provenance, Task } from '@medplum/fhirtypes';
import type { Commitment, PlanView } from '@sip/shared';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchAccessLog, verifyAccessLog } from '../access-log/access-log.ts';
import { planEvents, plans } from '../db/schema.ts';
import { createLogger } from '../logger.ts';
import { REVIEW_DUE_USER, ReviewDueWatcher } from './review-due.ts';

const peers = usePeers();

const MUNICIPALITY_HSA = 'SE2120000099-7KM1';

const search = searchPeer;

describeEachDatabase('what needs attention reaches the principal responsible for the plan', (ctx) => {
  /** The clock every part of the app reads; tests move it forward. */
  let now = new Date('2026-11-22T09:00:00Z');
  const clock = { now: () => now };
  let t: TestApp;
  let keyNo = 0;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock });
  });

  /**
   * A plan for Astrid the individual has consented to, so it reaches both principals, with the
   * municipality responsible, and Maria with one commitment.
   */
  async function planWithCommitment(reviewDate: string) {
    const staff = await staffClient(t, 'region-coordinator');
    let plan = await staff.createSharedPlan({ individual: { personId: '194003019801' } });
    let res = await staff.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { overallResponsibility: 'municipality' } });
    expect(res.status).toBe(200);
    plan = (await res.json()) as PlanView;
    let relativeId = plan.relativesSection.relatives.find((r) => r.personId === MARIA_RELATIVE.personId)?.id;
    let version = plan.relativesSection.version;
    if (!relativeId) {
      res = await staff.request(`/api/plans/${plan.id}/relatives`, { method: 'POST', ifMatch: version, body: MARIA_RELATIVE });
      relativeId = ((await res.json()) as { id: string }).id;
      version = etagVersion(res);
    }
    res = await staff.request(`/api/plans/${plan.id}/relatives/${relativeId}/commitments`, {
      method: 'POST',
      ifMatch: version,
      body: { what: 'Handla mat', howOften: 'En gång i veckan', from: '2026-12-01', reviewDate },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const commitment = (await res.json()) as Commitment;
    return { planId: plan.id, relativeId, commitmentId: commitment.id };
  }

  async function answer(ids: { planId: string; commitmentId: string }, body: { answer: string }) {
    const token = await t.tokenFor('maria');
    const res = await t.app.request(`/api/me/plans/${ids.planId}/commitments/${ids.commitmentId}/answer`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': `attention-${ctx.kind}-${++keyNo}` },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  const eventsOf = (planId: string, type: string) =>
    ctx.database.db.select().from(planEvents).where(and(eq(planEvents.planId, planId), eq(planEvents.type, type)));

  const watcher = () => new ReviewDueWatcher(ctx.database, createLogger('silent'), clock.now);

  /** The plan's attention Tasks on a peer. */
  const attentionTasks = async (base: string, planId: string) =>
    (await search<Task>(base, 'Task')).filter((task) => task.identifier?.some((i) => i.system === 'https://sip.example/fhir/NamingSystem/attention' && i.value?.startsWith(`${planId}/`)));

  describe('a commitment past its review date', () => {
    let ids: { planId: string; relativeId: string; commitmentId: string };

    beforeAll(async () => {
      now = new Date('2026-11-22T09:00:00Z');
      ids = await planWithCommitment('2027-06-01');
      await answer(ids, { answer: 'accept' });
      await t.outbox.drain();
    });

    it('raises nothing while the date is ahead', async () => {
      now = new Date('2027-06-01T20:00:00Z');
      await watcher().tick();
      expect(await eventsOf(ids.planId, 'worklist.commitment-review-due')).toEqual([]);
    });

    it('is raised once when the date has passed, as a live event, however many instances look', async () => {
      now = new Date('2027-06-02T06:00:00Z');
      await Promise.all([watcher().tick(), watcher().tick()]);
      await watcher().tick();
      const events = await eventsOf(ids.planId, 'worklist.commitment-review-due');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ organisationId: MUNICIPALITY_HSA });

      const staff = await staffClient(t, 'municipality-coordinator');
      const page = (await (await staff.request('/api/worklist?limit=100')).json()) as { items: { planId: string; kind: string; commitmentId: string }[] };
      expect(page.items.filter((i) => i.planId === ids.planId).map((i) => [i.kind, i.commitmentId])).toEqual([['commitment-review-due', ids.commitmentId]]);

      const log = await searchAccessLog(ctx.database.db, { userId: REVIEW_DUE_USER, limit: 1000, offset: 0 });
      expect(log.items.filter((e) => e.planId === ids.planId).map((e) => [e.action, e.organisationId])).toEqual([['worklist.raise', MUNICIPALITY_HSA]]);
      expect((await verifyAccessLog(ctx.database.db)).ok).toBe(true);
    });

    it('is published to both upstreams as a requested Task owned by the responsible principal, recorded by the broker', async () => {
      await t.outbox.drain();
      for (const [side, base] of bothSides(peers.urls)) {
        const [task, ...more] = await attentionTasks(base, ids.planId);
        expect(more, side).toEqual([]);
        expect(task, side).toMatchObject({
          status: 'requested',
          intent: 'order',
          code: { coding: [{ system: 'https://sip.example/fhir/CodeSystem/attention', code: 'commitment-review-due' }] },
          identifier: [{ system: 'https://sip.example/fhir/NamingSystem/attention', value: `${ids.planId}/${ids.relativeId}/${ids.commitmentId}/review-due/2027-06-01` }],
          owner: { type: 'Organization', identifier: { value: MUNICIPALITY_HSA } },
          authoredOn: '2027-06-01',
        });
        const [commitmentTask] = await search<Task>(base, `Task?identifier=https://sip.example/fhir/NamingSystem/commitment|${ids.planId}/${ids.commitmentId}`);
        expect(task!.focus, side).toEqual({ reference: `Task/${commitmentTask!.id}` });
        const provenances = await search<Provenance>(base, 'Provenance');
        expect(provenances.some((p) => p.agent?.[0]?.who?.identifier?.value === REVIEW_DUE_USER), side).toBe(true);
      }
    });

    it('is completed upstream once the relative confirms the commitment again', async () => {
      await answer(ids, { answer: 'reconfirm' });
      await t.outbox.drain();
      for (const [side, base] of bothSides(peers.urls)) {
        const tasks = await attentionTasks(base, ids.planId);
        expect(tasks.map((task) => task.status), side).toEqual(['completed']);
      }
      const staff = await staffClient(t, 'municipality-coordinator');
      const page = (await (await staff.request('/api/worklist?limit=100')).json()) as { items: { planId: string }[] };
      expect(page.items.filter((i) => i.planId === ids.planId)).toEqual([]);
    });
  });

  describe('the earliest review date, kept with the plan for the watcher', () => {
    const kept = async (planId: string) => {
      const [row] = await ctx.database.db.select({ reviewDueOn: plans.reviewDueOn, revision: plans.revision }).from(plans).where(eq(plans.id, planId));
      return row!;
    };

    it('follows every change: proposed, confirmed again, ended', async () => {
      now = new Date('2026-11-22T09:00:00Z');
      const ids = await planWithCommitment('2027-03-01');
      expect((await kept(ids.planId)).reviewDueOn).toBe('2027-03-01');
      await answer(ids, { answer: 'accept' });
      now = new Date('2027-02-20T09:00:00Z');
      await answer(ids, { answer: 'reconfirm' });
      const next = (await kept(ids.planId)).reviewDueOn;
      expect(next! > '2027-03-01').toBe(true);
      await answer(ids, { answer: 'withdraw' });
      expect((await kept(ids.planId)).reviewDueOn).toBeNull();
    });

    it('finds a passed date only by what is kept: a plan whose kept date is ahead is not read, one written before is read once and set right', async () => {
      now = new Date('2026-11-22T09:00:00Z');
      const hidden = await planWithCommitment('2027-04-01');
      const unknown = await planWithCommitment('2027-09-01');
      // As if kept wrongly, and as if made before the date was kept (what the migration sets).
      await ctx.database.db.update(plans).set({ reviewDueOn: '2099-01-01' }).where(eq(plans.id, hidden.planId));
      await ctx.database.db.update(plans).set({ reviewDueOn: '0001-01-01' }).where(eq(plans.id, unknown.planId));
      now = new Date('2027-04-05T06:00:00Z');
      await watcher().tick();
      expect(await eventsOf(hidden.planId, 'worklist.commitment-review-due')).toEqual([]);
      expect(await eventsOf(unknown.planId, 'worklist.commitment-review-due')).toEqual([]);
      expect((await kept(unknown.planId)).reviewDueOn).toBe('2027-09-01');
    });

    it('makes no change for an item already raised, however often it looks', async () => {
      now = new Date('2026-11-22T09:00:00Z');
      const ids = await planWithCommitment('2027-05-01');
      now = new Date('2027-05-03T06:00:00Z');
      expect(await watcher().tick()).toBeGreaterThanOrEqual(1);
      const after = await kept(ids.planId);
      expect(await watcher().tick()).toBe(0);
      expect(await kept(ids.planId)).toEqual(after);
      expect(await eventsOf(ids.planId, 'worklist.commitment-review-due')).toHaveLength(1);
    });
  });

  describe('a commitment the relative declines', () => {
    it('becomes a Task from the relative to the responsible principal, completed when staff cancel and re-plan', async () => {
      now = new Date('2026-11-22T09:00:00Z');
      const ids = await planWithCommitment('2027-06-01');
      await answer(ids, { answer: 'decline' });
      await t.outbox.drain();
      for (const [side, base] of bothSides(peers.urls)) {
        const [task, ...more] = await attentionTasks(base, ids.planId);
        expect(more, side).toEqual([]);
        expect(task, side).toMatchObject({ status: 'requested', code: { coding: [{ code: 'commitment-declined' }] }, owner: { identifier: { value: MUNICIPALITY_HSA } } });
        // One relative, one record: Maria's own RelatedPerson where the upstream knows her, else ours.
        const [ours] = await search<{ id: string }>(base, `RelatedPerson?identifier=https://sip.example/fhir/NamingSystem/relative|${ids.planId}/${ids.relativeId}`);
        const plan = (await (await (await staffClient(t, 'region-coordinator')).request(`/api/plans/${ids.planId}`)).json()) as PlanView;
        const own = plan.relativesSection.relatives.find((r) => r.id === ids.relativeId)?.sources?.find((s) => s.system === side && s.resourceType === 'RelatedPerson');
        expect(task!.requester, side).toEqual({ reference: `RelatedPerson/${own?.id ?? ours!.id}` });
      }

      const staff = await staffClient(t, 'municipality-coordinator');
      const section = await staff.request(`/api/plans/${ids.planId}/relatives`);
      const res = await staff.request(`/api/plans/${ids.planId}/relatives/${ids.relativeId}/commitments/${ids.commitmentId}/cancel`, {
        method: 'POST',
        ifMatch: section.headers.get('etag')!,
        body: { comment: 'Hemtjänsten tar över' },
      });
      expect(res.status).toBe(200);
      await t.outbox.drain();
      for (const [side, base] of bothSides(peers.urls)) {
        expect((await attentionTasks(base, ids.planId)).map((task) => task.status), side).toEqual(['completed']);
      }
    });

    it('is taken back when the relative changes the no to a yes before staff act: the Task is completed, the work list clear', async () => {
      now = new Date('2026-11-22T09:00:00Z');
      const ids = await planWithCommitment('2027-06-01');
      await answer(ids, { answer: 'decline' });
      await t.outbox.drain();
      const staff = await staffClient(t, 'municipality-coordinator');
      const open = async () =>
        ((await (await staff.request('/api/worklist')).json()) as { items: { planId: string; kind: string }[] }).items.filter((i) => i.planId === ids.planId);
      expect((await open()).map((i) => i.kind)).toEqual(['commitment-declined']);

      await answer(ids, { answer: 'accept' });
      await t.outbox.drain();
      expect(await open()).toEqual([]);
      for (const [side, base] of bothSides(peers.urls)) {
        expect((await attentionTasks(base, ids.planId)).map((task) => task.status), side).toEqual(['completed']);
      }
      const plan = (await (await staff.request(`/api/plans/${ids.planId}`)).json()) as PlanView;
      const commitment = plan.relativesSection.relatives.find((r) => r.id === ids.relativeId)!.commitments!.find((c) => c.id === ids.commitmentId)!;
      expect(commitment.history.map((h) => h.status)).toEqual(['requested', 'declined', 'accepted']);
    });
  });
});
