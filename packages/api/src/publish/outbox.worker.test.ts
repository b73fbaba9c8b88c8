import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import type { PlanView } from '@sip/shared';
import { buildTestApp, consentInput, describeEachDatabase, staffClient, usePeers } from '../test-support/index.ts';
import { UpstreamError } from '../upstreams/upstream.ts';
import { EntriesRefused } from './delivery-failure.ts';
import { OutboxWorker, outboxCounts, type OutboxItem } from './outbox.worker.ts';

const peers = usePeers({ seed: false });

const quiet = pino({ level: 'silent' });

describeEachDatabase('the outbox', (ctx) => {
  async function pending(planId: string) {
    return rowsOf<{ side: string; revision: number; delivered_at: unknown; attempts: number; last_error: string | null }>(
      await ctx.database.db.execute(sql`select side, revision, delivered_at, attempts, last_error from outbox where plan_id = ${planId} order by id`),
    );
  }

  /**
   * A plan the individual has consented to, then changed `changes` times. `draft`: the
   * revisions before the consent, published to the initiator (the region) only; `last`: the
   * plan's revision at the end.
   */
  async function planWithChanges(changes: number) {
    const t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    const coordinator = await staffClient(t, 'region-coordinator');
    const draft = await coordinator.createPlan();
    let plan = await consent(coordinator, draft);
    for (let i = 0; i < changes; i++) {
      const res = await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: `Version ${i + 2}` } });
      expect(res.status).toBe(200);
      plan = (await res.json()) as PlanView;
    }
    return { planId: plan.id, draft: draft.revision, last: plan.revision };
  }

  async function consent(coordinator: Awaited<ReturnType<typeof staffClient>>, plan: PlanView): Promise<PlanView> {
    const res = await coordinator.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: plan.version, body: consentInput() });
    expect(res.status).toBe(200);
    return (await res.json()) as PlanView;
  }

  const revisions = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('queues every change for each upstream the plan reaches, in the change’s own transaction', async () => {
    const { planId, draft, last } = await planWithChanges(2);
    expect(draft).toBe(1);
    expect(last).toBe(4);
    const rows = await pending(planId);
    // Created before consent: for the initiator's upstream only. From the consent on: for both.
    expect(rows.map((r) => [r.side, r.revision])).toEqual([
      ['region', 1],
      ['region', 2],
      ['municipality', 2],
      ['region', 3],
      ['municipality', 3],
      ['region', 4],
      ['municipality', 4],
    ]);
  });

  it('delivers the newest revision per plan and upstream, with every older one it supersedes; a side that fails holds back nothing else', async () => {
    const { planId, draft, last } = await planWithChanges(2);
    const seen: string[] = [];
    let regionDown = true;
    const worker = new OutboxWorker(
      ctx.database,
      async (item: OutboxItem) => {
        if (item.planId !== planId) return;
        if (item.side === 'region' && regionDown) throw Object.assign(new Error('down'), { reason: 'unreachable' });
        seen.push(`${item.side}:${item.revision}:${item.revisions.join(',')}`);
      },
      quiet,
      () => new Date(),
      { baseDelayMs: 1, maxDelayMs: 1 },
    );
    await worker.drain();
    // One delivery of the newest revision, naming every revision it covers (each gets its Provenance).
    expect(seen).toEqual([`municipality:${last}:${revisions(draft + 1, last).join(',')}`]);
    const rows = await pending(planId);
    expect(rows.filter((r) => r.side === 'municipality').every((r) => r.delivered_at !== null)).toBe(true);
    const waiting = rows.filter((r) => r.side === 'region');
    expect(waiting.every((r) => r.delivered_at === null)).toBe(true);
    expect(waiting.at(-1)!.attempts).toBeGreaterThanOrEqual(1);
    expect(waiting.at(-1)!.last_error).toBe('unreachable');

    regionDown = false;
    await new Promise((r) => setTimeout(r, 5));
    await worker.drain();
    expect(seen.filter((s) => s.startsWith('region'))).toEqual([`region:${last}:${revisions(1, last).join(',')}`]);
    const done = await pending(planId);
    expect(done.every((r) => r.delivered_at !== null)).toBe(true);
    const outcomes = rowsOf<{ side: string; revision: number; outcome: string }>(
      await ctx.database.db.execute(sql`select side, revision, outcome from outbox where plan_id = ${planId} order by id`),
    );
    expect(outcomes.filter((o) => o.revision === last).map((o) => o.outcome)).toEqual(['delivered', 'delivered']);
    expect(outcomes.filter((o) => o.revision < last).every((o) => o.outcome === 'superseded')).toBe(true);
  });

  it('sets a refused revision aside: it blocks neither the plan’s later revisions nor other plans, shows in the counts, and is retried later', async () => {
    const first = await planWithChanges(0);
    const other = await planWithChanges(0);
    let now = Date.now();
    let refuse = true;
    const delivered: string[] = [];
    const worker = new OutboxWorker(
      ctx.database,
      async (item) => {
        if (item.planId !== first.planId && item.planId !== other.planId) return;
        if (item.planId === first.planId && item.side === 'region' && refuse) {
          throw new UpstreamError('region', 'refused', 400);
        }
        delivered.push(`${item.planId === first.planId ? 'first' : 'other'}:${item.side}:${item.revision}`);
      },
      quiet,
      () => new Date(now),
      { baseDelayMs: 1, maxDelayMs: 1, setAsideRetryMs: 60_000 },
    );
    await worker.drain();
    expect(delivered.sort()).toEqual(
      [`first:municipality:${first.last}`, `other:municipality:${other.last}`, `other:region:${other.last}`].sort(),
    );
    const [row] = rowsOf<{ set_aside_at: unknown; last_error: string }>(
      await ctx.database.db.execute(
        sql`select set_aside_at, last_error from outbox where plan_id = ${first.planId} and side = 'region' and delivered_at is null order by id desc limit 1`,
      ),
    );
    expect(row!.set_aside_at).not.toBeNull();
    expect(row!.last_error).toBe('refused 400');
    expect((await outboxCounts(ctx.database.db)).find((c) => c.upstream === 'region')!.setAside).toBeGreaterThanOrEqual(1);
    expect(worker.totals.get('region|set-aside')).toBe(1);
    // Not retried in a hurry…
    await worker.drain();
    expect(delivered.filter((d) => d.startsWith('first:region'))).toEqual([]);
    // …but after a while, and once the cause is fixed it goes through.
    refuse = false;
    now += 61_000;
    await worker.drain();
    expect(delivered.filter((d) => d.startsWith('first:region'))).toEqual([`first:region:${first.last}`]);
    expect((await pending(first.planId)).every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('lets a later revision through at once when an earlier one was set aside', async () => {
    const { planId, last } = await planWithChanges(0);
    const t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    const coordinator = await staffClient(t, 'region-coordinator');
    const tried: number[] = [];
    const worker = new OutboxWorker(
      ctx.database,
      async (item) => {
        if (item.planId !== planId || item.side !== 'region') return;
        tried.push(item.revision);
        if (item.revision === last) throw new EntriesRefused('region', [201, 400]);
      },
      quiet,
      () => new Date(),
      { baseDelayMs: 1, maxDelayMs: 1, setAsideRetryMs: 3_600_000 },
    );
    await worker.drain();
    expect(tried).toEqual([last]);
    const plan = (await (await coordinator.request(`/api/plans/${planId}`)).json()) as PlanView;
    const res = await coordinator.request(`/api/plans/${planId}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'Rättad' } });
    expect(res.status).toBe(200);
    await worker.drain();
    expect(tried).toEqual([last, last + 1]);
    expect((await pending(planId)).filter((r) => r.side === 'region').every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('waits out the backoff, at least as long as Retry-After asks', async () => {
    const { planId } = await planWithChanges(0);
    let attempts = 0;
    let now = Date.now();
    const worker = new OutboxWorker(
      ctx.database,
      async (item) => {
        if (item.planId !== planId || item.side !== 'region') return;
        attempts += 1;
        throw new UpstreamError('region', 'refused', 429, undefined, 30_000);
      },
      quiet,
      () => new Date(now),
      { baseDelayMs: 10, maxDelayMs: 10 },
    );
    await worker.runOnce();
    expect(attempts).toBe(1);
    now += 20_000;
    await worker.runOnce();
    expect(attempts).toBe(1);
    now += 11_000;
    await worker.runOnce();
    expect(attempts).toBe(2);
  });

  it('makes what waits for an upstream due at once when it answers again, instead of waiting out the backoff', async () => {
    const { planId } = await planWithChanges(0);
    let down = true;
    let attempts = 0;
    const worker = new OutboxWorker(
      ctx.database,
      async (item) => {
        if (item.planId !== planId || item.side !== 'region') return;
        attempts += 1;
        if (down) throw new UpstreamError('region', 'unreachable');
      },
      quiet,
      () => new Date(),
      { baseDelayMs: 60_000, maxDelayMs: 60_000, probe: async () => !down },
    );
    await worker.runOnce();
    expect(attempts).toBe(1);
    await worker.probeWaiting();
    await worker.runOnce();
    expect(attempts).toBe(1); // still down: the backoff holds
    down = false;
    await worker.probeWaiting();
    await worker.runOnce();
    expect(attempts).toBe(2);
    expect((await pending(planId)).filter((r) => r.side === 'region').every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('lets another worker take over an item whose delivery never finished, once its lease ends', async () => {
    const { planId, last } = await planWithChanges(0);
    let now = Date.now();
    const clock = () => new Date(now);
    const crashed = new OutboxWorker(ctx.database, async () => {}, quiet, clock, { leaseMs: 30_000 });
    const claimed = (await crashed.claim()).filter((i) => i.planId === planId);
    // The newest undelivered change per upstream.
    expect(claimed.map((i) => `${i.side}:${i.revision}`)).toEqual([`region:${last}`, `municipality:${last}`]);
    const delivered: OutboxItem[] = [];
    const other = new OutboxWorker(ctx.database, async (item) => void (item.planId === planId && delivered.push(item)), quiet, clock);
    await other.drain();
    // Nothing of the plan while the lease holds, not even its older revisions.
    expect(delivered).toEqual([]);
    now += 31_000;
    await other.drain();
    expect(delivered.map((d) => d.id).sort()).toEqual(claimed.map((i) => i.id).sort());
    expect((await pending(planId)).every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('holds the lease while a delivery runs longer than the lease, so no other worker delivers it twice', async () => {
    const { planId } = await planWithChanges(0);
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const first = new OutboxWorker(
      ctx.database,
      async (item) => {
        if (item.planId !== planId) return;
        started += 1;
        await slow;
      },
      quiet,
      undefined,
      { leaseMs: 300 },
    );
    const running = first.runOnce();
    while (started < 2) await new Promise((r) => setTimeout(r, 20));
    // Three leases later the first worker is still at it: the other finds nothing of the plan to take.
    await new Promise((r) => setTimeout(r, 900));
    const taken: OutboxItem[] = [];
    const other = new OutboxWorker(ctx.database, async (item) => void (item.planId === planId && taken.push(item)), quiet, undefined, { leaseMs: 300 });
    await other.runOnce();
    expect(taken).toEqual([]);
    release();
    await running;
    expect((await pending(planId)).every((r) => r.delivered_at !== null)).toBe(true);
  });
});
