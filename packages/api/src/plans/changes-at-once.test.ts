import type { PlanView } from '@sip/shared';
import { and, count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.ts';
import { executePrepared } from '../db/prepared.ts';
import { accessLog, idempotencyKeys, outbox, planEvents, planParts, planRevisions, plans, reportFacts } from '../db/schema.ts';
import { ServiceMetrics } from '../health/metrics.ts';
import { ProblemError } from '../http/errors.ts';
import { citizenUserId } from '../relatives/me.service.ts';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  etagVersion,
  expectProblem,
  MARIA_RELATIVE,
  REGION,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { PlansService, type Actor, type ChangeRead, type PartChangeResult } from './plans.service.ts';

const peers = usePeers({ seed: false });

const REGION_STAFF: Actor = {
  principal: { kind: 'staff', userId: 'SE2321000099-7P01', organisationId: REGION.id, role: 'coordinator', issuer: 'test', name: 'Sara Lind' },
  requestId: null,
};

/** A plans service whose unlocked read of a change is overtaken by another change before it writes. */
class Overtaken extends PlansService {
  overtake: (() => Promise<void>) | undefined;

  override async readForChange(...args: Parameters<PlansService['readForChange']>): Promise<ChangeRead | undefined> {
    const read = await super.readForChange(...args);
    const overtake = this.overtake;
    this.overtake = undefined;
    await overtake?.();
    return read;
  }
}

/** A plans service whose changes all take the locked path: its unlocked read finds nothing. */
class Unread extends PlansService {
  override async readForChange(): Promise<ChangeRead | undefined> {
    return undefined;
  }
}

describeEachDatabase('changes made in one statement', (ctx) => {
  let t: TestApp;
  let staff: Awaited<ReturnType<typeof staffClient>>;
  const metrics = new ServiceMetrics();

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, metrics });
    staff = await staffClient(t, 'region-coordinator');
  });

  const regionPart = (plan: PlanView) => plan.parts.find((p) => p.principal === 'region')!;

  /** The app's count of changes by operation and the path that wrote them (`sip_write_path_total`). */
  async function paths(): Promise<Record<string, number>> {
    const counted = await metrics.registry.getSingleMetric('sip_write_path_total')!.get();
    return Object.fromEntries(counted.values.map((v) => [`${v.labels.operation} ${v.labels.path}`, v.value]));
  }
  const added = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v !== (before[k] ?? 0) ? [[k, v - (before[k] ?? 0)]] : [])));

  /** What a change leaves in the plan's records: its revision and everything counted per plan. */
  async function records(planId: string) {
    const db = ctx.database.db;
    const n = async (table: typeof planRevisions | typeof planEvents | typeof outbox | typeof accessLog) =>
      Number((await db.select({ n: count() }).from(table).where(eq(table.planId, planId)))[0]!.n);
    const [plan] = await db.select({ revision: plans.revision }).from(plans).where(eq(plans.id, planId));
    return { revision: plan!.revision, revisions: await n(planRevisions), events: await n(planEvents), outbox: await n(outbox), log: await n(accessLog) };
  }

  describe("a principal's part", () => {
    it('is written in one statement that writes nothing when another change came between its read and its write', async () => {
      const plan = await staff.createSharedPlan();
      const part = regionPart(plan);
      const service = new PlansService(ctx.database.db, () => new Date());
      const read = (await service.readForChange(plan.id, REGION.id))!;
      // Another change of the plan (the other principal's part) commits first.
      const municipality = await staffClient(t, 'municipality-coordinator');
      const other = plan.parts.find((p) => p.principal === 'municipality')!;
      expect((await municipality.request(`/api/plans/${plan.id}/parts/${other.id}`, { method: 'PATCH', ifMatch: other.version, body: { goals: [{ text: 'Trygg hemma' }] } })).status).toBe(200);
      const before = await records(plan.id);

      const stored = read.parts.find((p) => p.id === part.id)!;
      const change = service.partChange(REGION_STAFF, read, { part: stored, content: { goals: [{ id: crypto.randomUUID(), text: 'Gå ut dagligen' }] }, type: 'part.updated', action: 'part.update', now: new Date() });
      const [result] = await executePrepared<PartChangeResult>(ctx.database.db, 'test-part-change', change.statement);
      expect(result).toMatchObject({ version: null, event_id: null, planned: 0 });
      expect(await records(plan.id)).toEqual(before);
      const [row] = await ctx.database.db.select({ version: planParts.version }).from(planParts).where(eq(planParts.id, part.id));
      expect(row!.version).toBe(part.version);
    });

    it('overtaken on the same part, answers exactly the 412 a stale If-Match gets', async () => {
      const plan = await staff.createSharedPlan();
      const part = regionPart(plan);
      const service = new Overtaken(ctx.database.db, () => new Date());
      const plain = new PlansService(ctx.database.db, () => new Date());
      service.overtake = async () => {
        await plain.updatePart(REGION_STAFF, plan.id, part.id, part.version, { goals: [{ text: 'Först' }] });
      };
      const overtaken = await service.updatePart(REGION_STAFF, plan.id, part.id, part.version, { goals: [{ text: 'Sist' }] }).catch((e: unknown) => e);
      const stale = await plain.updatePart(REGION_STAFF, plan.id, part.id, part.version, { goals: [{ text: 'Sist' }] }).catch((e: unknown) => e);
      expect(overtaken).toBeInstanceOf(ProblemError);
      expect(stale).toBeInstanceOf(ProblemError);
      const { code, detail, headers } = overtaken as ProblemError;
      expect({ code, detail, headers }).toEqual({ code: (stale as ProblemError).code, detail: (stale as ProblemError).detail, headers: (stale as ProblemError).headers });
      expect(code).toBe('precondition-failed');
      expect(headers).toEqual({ ETag: `W/"${part.version + 1}"` });
      // The first change only: one revision, kept whole.
      const current = (await (await staff.request(`/api/plans/${plan.id}/parts/${part.id}`)).json()) as { version: number; content: { goals: { text: string }[] } };
      expect(current).toMatchObject({ version: part.version + 1, content: { goals: [{ text: 'Först' }] } });
    });

    it('is written on the one-statement path when nothing stands in its way, and counted by the path that wrote it', async () => {
      const plan = await staff.createSharedPlan();
      const part = regionPart(plan);
      const before = await paths();
      const change = (version: number) =>
        staff.request(`/api/plans/${plan.id}/parts/${part.id}`, { method: 'PATCH', ifMatch: version, body: { goals: [{ text: 'Gå ut dagligen' }] } });
      expect((await change(part.version)).status).toBe(200);
      expect(added(before, await paths())).toEqual({ 'part.update at-once': 1 });
      // A stale version is refused on the locked path, and a refusal writes nothing: not counted.
      expect((await change(part.version)).status).toBe(412);
      expect(added(before, await paths())).toEqual({ 'part.update at-once': 1 });
      const other = await staff.request(`/api/plans/${plan.id}/parts/${part.id}`, { method: 'PATCH', ifMatch: part.version + 1, body: { goals: [{ text: 'Sova gott' }] } });
      expect(other.status).toBe(200);
      expect(added(before, await paths())).toEqual({ 'part.update at-once': 2 });
      const scraped = await metrics.registry.metrics();
      expect(scraped).toContain('sip_write_path_total{operation="part.update",path="at-once"}');
    });

    it('sent again as it is, writes nothing but its access on either path: same version and ETag, no revision, nothing published', async () => {
      const plan = await staff.createSharedPlan();
      const part = regionPart(plan);
      const url = `/api/plans/${plan.id}/parts/${part.id}`;
      const first = await staff.request(url, { method: 'PATCH', ifMatch: part.version, body: { goals: [{ text: 'Gå ut dagligen' }], interventions: [{ title: 'Hemtjänst', status: 'decided', when: 'Varje morgon' }] } });
      expect(first.status).toBe(200);
      const written = (await first.json()) as PlanView['parts'][number];
      const before = await records(plan.id);
      const counted = await paths();

      // The content as the part now holds it (its items with the ids they were given), twice,
      // and a patch that names nothing: each answered with the part as it is.
      for (const body of [{ goals: written.content.goals }, { goals: written.content.goals, interventions: written.content.interventions }, {}]) {
        const again = await staff.request(url, { method: 'PATCH', ifMatch: written.version, body });
        expect(again.status).toBe(200);
        expect(etagVersion(again)).toBe(written.version);
        expect(await again.json()).toEqual(written);
      }
      expect(await records(plan.id)).toEqual({ ...before, log: before.log + 3 });
      expect(added(counted, await paths())).toEqual({ 'part.update unchanged': 3 });
      // Still on its version: a stale If-Match is refused as before.
      expect((await staff.request(url, { method: 'PATCH', ifMatch: part.version, body: {} })).status).toBe(412);

      // On the locked path too (here taken because the unlocked read is left out), after a change
      // of the other part: the plan as it now is, nothing more written.
      const municipality = await staffClient(t, 'municipality-coordinator');
      const theirs = plan.parts.find((p) => p.principal === 'municipality')!;
      const res = await municipality.request(`/api/plans/${plan.id}/parts/${theirs.id}`, { method: 'PATCH', ifMatch: theirs.version, body: { goals: [{ text: 'Trygg hemma' }] } });
      expect(res.status).toBe(200);
      const middle = await records(plan.id);
      const seen: string[] = [];
      const service = new Unread(ctx.database.db, () => new Date(), undefined, (operation, path) => seen.push(`${operation} ${path}`));
      const view = await service.updatePart(REGION_STAFF, plan.id, part.id, written.version, { goals: written.content.goals });
      expect(seen).toEqual(['part.update unchanged']);
      expect(view.revision).toBe(before.revision + 1);
      expect(regionPart(view)).toEqual(written);
      expect(view.parts.find((p) => p.principal === 'municipality')!.content.goals?.map((g) => g.text)).toEqual(['Trygg hemma']);
      expect(await records(plan.id)).toEqual({ ...middle, log: middle.log + 1 });

      // A real change after all that is made on the version it was sent on.
      const changed = await staff.request(url, { method: 'PATCH', ifMatch: written.version, body: { goals: [{ text: 'Sova gott' }] } });
      expect(changed.status).toBe(200);
      expect(etagVersion(changed)).toBe(written.version + 1);

      // A list with nothing in it is no list: goals cleared, then sent as [], change nothing more.
      const cleared = await staff.request(url, { method: 'PATCH', ifMatch: written.version + 1, body: { goals: null } });
      expect(etagVersion(cleared)).toBe(written.version + 2);
      const empty = await staff.request(url, { method: 'PATCH', ifMatch: written.version + 2, body: { goals: [] } });
      expect(empty.status).toBe(200);
      expect(etagVersion(empty)).toBe(written.version + 2);
    });

    it('overtaken by a change of the other part, is made on the locked path, after it, in one history', async () => {
      const plan = await staff.createSharedPlan();
      const part = regionPart(plan);
      const other = plan.parts.find((p) => p.principal === 'municipality')!;
      const written: string[] = [];
      const service = new Overtaken(ctx.database.db, () => new Date(), undefined, (operation, path) => written.push(`${operation} ${path}`));
      const municipality = await staffClient(t, 'municipality-coordinator');
      service.overtake = async () => {
        const res = await municipality.request(`/api/plans/${plan.id}/parts/${other.id}`, { method: 'PATCH', ifMatch: other.version, body: { goals: [{ text: 'Trygg hemma' }] } });
        expect(res.status).toBe(200);
      };
      const view = await service.updatePart(REGION_STAFF, plan.id, part.id, part.version, { goals: [{ text: 'Gå ut dagligen' }] });
      expect(view.revision).toBe(plan.revision + 2);
      expect(written).toEqual(['part.update locked']);
      const [snapshot] = await ctx.database.db
        .select({ snapshot: planRevisions.snapshot })
        .from(planRevisions)
        .where(and(eq(planRevisions.planId, plan.id), eq(planRevisions.revision, view.revision)));
      const kept = snapshot!.snapshot as PlanView;
      expect(kept.parts.map((p) => p.content.goals?.map((g) => g.text))).toEqual([['Trygg hemma'], ['Gå ut dagligen']]);
    });

    it('logs a notification that fails, without personal data, and keeps the change it announces', async () => {
      const plan = await staff.createSharedPlan();
      const part = regionPart(plan);
      await ctx.asOwner((db: Db) => db.execute(sql`revoke execute on function pg_notify(text, text) from public`));
      try {
        const res = await staff.request(`/api/plans/${plan.id}/parts/${part.id}`, { method: 'PATCH', ifMatch: part.version, body: { goals: [{ text: 'Gå ut dagligen' }] } });
        expect(res.status).toBe(200);
        expect(etagVersion(res)).toBe(part.version + 1);
        const deadline = Date.now() + 10_000;
        while (!t.logs.some((l) => l.includes('plan-change.notify-failed')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      } finally {
        await ctx.asOwner((db: Db) => db.execute(sql`grant execute on function pg_notify(text, text) to public`));
      }
      const line = t.logs.find((l) => l.includes('plan-change.notify-failed'));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ level: 40, event: 'plan-change.notify-failed', notifications: 2, err: { type: expect.any(String) } });
      expect(line).not.toContain(plan.individual.personId);
      expect(line).not.toContain('Gå ut dagligen');
      const [row] = await ctx.database.db.select({ version: planParts.version }).from(planParts).where(eq(planParts.id, part.id));
      expect(row!.version).toBe(part.version + 1);
      const [event] = await ctx.database.db.select({ n: count() }).from(planEvents).where(and(eq(planEvents.planId, plan.id), eq(planEvents.type, 'part.updated')));
      expect(event!.n).toBe(1);
    });
  });

  describe("a relative's answer", () => {
    it('is stored with its key in the statement that makes it; a replay answers the same and writes nothing', async () => {
      const plan = await staff.createSharedPlan({}, { scope: { ...consentInput().scope, information: ['goals'] } });
      const section = async () => etagVersion(await staff.request(`/api/plans/${plan.id}/relatives`));
      const write = async (path: string, body: unknown) => {
        const res = await staff.request(`/api/plans/${plan.id}/relatives${path}`, { method: 'POST', ifMatch: await section(), body });
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        return (await res.json()) as { id: string };
      };
      const maria = await write('', MARIA_RELATIVE);
      const commitment = await write(`/${maria.id}/commitments`, { what: 'Handla mat', howOften: 'En gång i veckan', from: '2026-12-01', reviewDate: '2027-06-01' });
      const token = await t.tokenFor('maria');
      const send = (body: unknown) =>
        t.app.request(`/api/me/plans/${plan.id}/commitments/${commitment.id}/answer`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': `at-once-${ctx.kind}` },
          body: JSON.stringify(body),
        });

      const counted = await paths();
      const first = await send({ answer: 'accept' });
      expect(first.status).toBe(200);
      // Written on the one-statement path.
      expect(added(counted, await paths())).toEqual({ 'me.answer at-once': 1 });
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const answered = (await first.json()) as { status: string; receipt: { reference: string } };
      expect(answered.status).toBe('accepted');
      const [key] = await ctx.database.db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.principalKey, citizenUserId(MARIA_RELATIVE.personId)), eq(idempotencyKeys.key, `at-once-${ctx.kind}`)));
      expect(key).toMatchObject({ status: 200, body: answered });
      // The report's facts were refreshed with it: the answer counts.
      const facts = await ctx.database.db.select({ kind: reportFacts.kind }).from(reportFacts).where(eq(reportFacts.planId, plan.id));
      expect(facts.map((f) => f.kind)).toContain('commitment.answered');
      const before = await records(plan.id);

      const replay = await send({ answer: 'accept' });
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(answered);
      // Nothing written but the replay's own read in the access log.
      expect(await records(plan.id)).toEqual({ ...before, log: before.log + 1 });
      const reused = await expectProblem(await send({ answer: 'decline' }), 422);
      expect(reused.errors?.[0]?.path).toBe('/header/idempotency-key');
      // A replay and a refused reuse of the key wrote nothing: still one change counted.
      expect(added(counted, await paths())).toEqual({ 'me.answer at-once': 1 });
      // What else a relative writes in their own name is counted under its own operation.
      const request = await t.app.request(`/api/me/plans/${plan.id}/requests`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': `at-once-request-${ctx.kind}` },
        body: JSON.stringify({ kind: 'contact-consultant' }),
      });
      expect(request.status, await request.clone().text()).toBeLessThan(300);
      expect(added(counted, await paths())).toEqual({ 'me.answer at-once': 1, 'me.request at-once': 1 });
    });
  });
});
