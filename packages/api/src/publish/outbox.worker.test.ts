import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import type { PlanView } from '@sip/shared';
import { buildTestApp, consentInput, describeEachDatabase, staffClient, usePeers } from '../test-support/index.ts';
import { OutboxWorker, type OutboxItem } from './outbox.worker.ts';

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

  it('delivers in order per plan and upstream, and a failing change holds back the later ones until it succeeds', async () => {
    const { planId, draft, last } = await planWithChanges(2);
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
    expect(seen).toEqual(revisions(draft + 1, last).map((r) => `municipality:${r}`));
    const waiting = (await pending(planId)).filter((r) => r.side === 'region');
    expect(waiting.map((r) => r.delivered_at === null)).toEqual(revisions(1, last).map(() => true));
    expect(waiting[0]!.attempts).toBeGreaterThanOrEqual(1);
    expect(waiting[0]!.last_error).toBe('unreachable');
    expect(waiting[1]!.attempts).toBe(0);

    regionDown = false;
    await new Promise((r) => setTimeout(r, 5));
    await worker.drain();
    expect(seen.filter((s) => s.startsWith('region'))).toEqual(revisions(1, last).map((r) => `region:${r}`));
    expect((await pending(planId)).every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('waits out the backoff before trying again', async () => {
    const { planId } = await planWithChanges(0);
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
    const { planId, draft, last } = await planWithChanges(0);
    let now = Date.now();
    const clock = () => new Date(now);
    const crashed = new OutboxWorker(ctx.database, async () => {}, quiet, clock, { leaseMs: 30_000 });
    const claimed = (await crashed.claim()).filter((i) => i.planId === planId);
    // The oldest undelivered change per upstream: the region's first, the municipality's first since the consent.
    expect(claimed.map((i) => `${i.side}:${i.revision}`)).toEqual(['region:1', `municipality:${draft + 1}`]);
    const delivered: OutboxItem[] = [];
    const other = new OutboxWorker(ctx.database, async (item) => void (item.planId === planId && delivered.push(item)), quiet, clock);
    await other.drain();
    expect(delivered).toEqual([]);
    now += 31_000;
    await other.drain();
    expect(delivered.map((d) => d.id)).toEqual(expect.arrayContaining(claimed.map((i) => i.id)));
    expect(delivered.map((d) => `${d.side}:${d.revision}`).sort()).toEqual(
      [...revisions(1, last).map((r) => `region:${r}`), ...revisions(draft + 1, last).map((r) => `municipality:${r}`)].sort(),
    );
    expect((await pending(planId)).every((r) => r.delivered_at !== null)).toBe(true);
  });
});
