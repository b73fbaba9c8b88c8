import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { buildTestApp, describeEachDatabase, staffClient, usePeers } from '../test-support/index.ts';
import { OutboxWorker, type OutboxItem } from './outbox.worker.ts';

const peers = usePeers({ seed: false });

const quiet = pino({ level: 'silent' });

describeEachDatabase('the outbox', (ctx) => {
  async function pending(planId: string) {
    return rowsOf<{ side: string; revision: number; delivered_at: unknown; attempts: number; last_error: string | null }>(
      await ctx.database.db.execute(sql`select side, revision, delivered_at, attempts, last_error from outbox where plan_id = ${planId} order by id`),
    );
  }

  async function planWithChanges(changes: number) {
    const t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    const coordinator = await staffClient(t, 'region-coordinator');
    const plan = await coordinator.createPlan();
    for (let i = 0; i < changes; i++) {
      const res = await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: i + 1, body: { title: `Version ${i + 2}` } });
      expect(res.status).toBe(200);
    }
    return plan.id;
  }

  it('queues every change for both upstreams in the change’s own transaction', async () => {
    const planId = await planWithChanges(2);
    const rows = await pending(planId);
    expect(rows.map((r) => [r.side, r.revision])).toEqual([
      ['region', 1],
      ['municipality', 1],
      ['region', 2],
      ['municipality', 2],
      ['region', 3],
      ['municipality', 3],
    ]);
  });

  it('delivers in order per plan and upstream, and a failing change holds back the later ones until it succeeds', async () => {
    const planId = await planWithChanges(2);
    const seen: string[] = [];
    let regionDown = true;
    const worker = new OutboxWorker(
      ctx.database,
      async (item: OutboxItem) => {
        if (item.planId !== planId) return;
        if (item.side === 'region' && regionDown) throw Object.assign(new Error('down'), { reason: 'unreachable' });
        seen.push(`${item.side}:${item.revision}`);
      },
      quiet,
      () => new Date(),
      { baseDelayMs: 1, maxDelayMs: 1 },
    );
    await worker.drain();
    expect(seen).toEqual(['municipality:1', 'municipality:2', 'municipality:3']);
    const waiting = (await pending(planId)).filter((r) => r.side === 'region');
    expect(waiting.map((r) => r.delivered_at === null)).toEqual([true, true, true]);
    expect(waiting[0]!.attempts).toBeGreaterThanOrEqual(1);
    expect(waiting[0]!.last_error).toBe('unreachable');
    expect(waiting[1]!.attempts).toBe(0);

    regionDown = false;
    await new Promise((r) => setTimeout(r, 5));
    await worker.drain();
    expect(seen.filter((s) => s.startsWith('region'))).toEqual(['region:1', 'region:2', 'region:3']);
    expect((await pending(planId)).every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('waits out the backoff before trying again', async () => {
    const planId = await planWithChanges(0);
    let attempts = 0;
    let now = Date.now();
    const worker = new OutboxWorker(
      ctx.database,
      async (item) => {
        if (item.planId !== planId) return;
        attempts += 1;
        throw new Error('still down');
      },
      quiet,
      () => new Date(now),
      { baseDelayMs: 10_000, maxDelayMs: 60_000 },
    );
    await worker.runOnce();
    const afterFirst = attempts;
    await worker.runOnce();
    expect(attempts).toBe(afterFirst);
    now += 11_000;
    await worker.runOnce();
    expect(attempts).toBeGreaterThan(afterFirst);
  });

  it('lets another worker take over an item whose delivery never finished, once its lease ends', async () => {
    const planId = await planWithChanges(0);
    let now = Date.now();
    const clock = () => new Date(now);
    const crashed = new OutboxWorker(ctx.database, async () => {}, quiet, clock, { leaseMs: 30_000 });
    const claimed = (await crashed.claim()).filter((i) => i.planId === planId);
    expect(claimed).toHaveLength(2);
    const delivered: OutboxItem[] = [];
    const other = new OutboxWorker(ctx.database, async (item) => void (item.planId === planId && delivered.push(item)), quiet, clock);
    await other.drain();
    expect(delivered).toEqual([]);
    now += 31_000;
    await other.drain();
    expect(delivered.map((d) => d.side).sort()).toEqual(['municipality', 'region']);
  });
});
