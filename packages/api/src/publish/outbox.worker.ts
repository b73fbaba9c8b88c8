import { setMaxListeners } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import type { Logger } from '../logger.ts';
import { OUTBOX_CHANNEL } from '../plans/plans.service.ts';
import type { UpstreamName } from '../upstreams/upstream.ts';

export interface OutboxItem {
  id: number;
  planId: string;
  side: UpstreamName;
  revision: number;
  attempts: number;
}

/**
 * Delivers one outbox item; throws to have it retried later. Must be safe to repeat; should stop
 * when `signal` aborts. Resolves `delivered`, or `withheld` when the individual's consent no
 * longer lets the plan reach that side (nothing was sent; the item is done).
 */
export type Deliver = (item: OutboxItem, signal?: AbortSignal) => Promise<'delivered' | 'withheld' | void>;

export interface OutboxWorkerOptions {
  /** How long a claimed item is reserved for its delivery before another worker may retry it. */
  leaseMs: number;
  /** How often to look for items that are due again, besides being woken by NOTIFY. */
  pollMs: number;
  /** Backoff after a failed attempt: min(maxDelayMs, baseDelayMs * 2^(attempts-1)), with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  batchSize: number;
}

export const defaultOutboxOptions: OutboxWorkerOptions = {
  leaseMs: 60_000,
  pollMs: 1000,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  batchSize: 20,
};

/** A short, data-free reason for the outbox row. */
function reasonOf(error: unknown): string {
  const e = error as { reason?: string; status?: number; name?: string };
  return [e.reason ?? e.name ?? 'error', e.status].filter(Boolean).join(' ').slice(0, 100);
}

/**
 * Delivers the outbox: for each plan and upstream, the oldest undelivered change first
 * (later changes wait for it), retried with backoff until acknowledged. An item is
 * claimed with a lease rather than a held lock, so no transaction stays open across
 * HTTP and several instances can share the work; a crash mid-delivery only means the
 * item is delivered again after the lease, which identifiers make harmless.
 */
export class OutboxWorker {
  private readonly options: OutboxWorkerOptions;
  private running = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly database: Database,
    private readonly deliver: Deliver,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    options: Partial<OutboxWorkerOptions> = {},
  ) {
    this.options = { ...defaultOutboxOptions, ...options };
    // Every delivery of a batch runs at once and listens on the one stop signal (through the
    // upstream's timeout policy, which lets go when the call ends): a batch's worth is expected.
    setMaxListeners(this.options.batchSize * 2 + 10, this.abort.signal);
  }

  /** Claims the items that are due: the oldest undelivered one per plan and upstream. */
  async claim(db: Db = this.database.db): Promise<OutboxItem[]> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    const rows = rowsOf<{ id: string | number; plan_id: string; side: UpstreamName; revision: number; attempts: number }>(
      await db.execute(sql`
        update outbox set next_attempt_at = ${leaseUntil.toISOString()}::timestamptz, attempts = attempts + 1
        where id in (
          select o.id from outbox o
          where o.delivered_at is null
            and o.next_attempt_at <= ${now.toISOString()}::timestamptz
            and o.id = (select min(o2.id) from outbox o2 where o2.plan_id = o.plan_id and o2.side = o.side and o2.delivered_at is null)
          order by o.id
          limit ${this.options.batchSize}
          for update skip locked
        )
        returning id, plan_id, side, revision, attempts`),
    );
    return rows
      .map((r) => ({ id: Number(r.id), planId: r.plan_id, side: r.side, revision: r.revision, attempts: r.attempts }))
      .sort((a, b) => a.id - b.id);
  }

  /** Delivers everything that is due now; resolves with how many were acknowledged. */
  async runOnce(): Promise<{ delivered: number; failed: number }> {
    const items = await this.claim();
    let delivered = 0;
    let failed = 0;
    // Different plans and upstreams in parallel; each claim holds one item per plan and side.
    await Promise.all(
      items.map(async (item) => {
        try {
          const outcome = (await this.deliver(item, this.abort.signal)) ?? 'delivered';
          await this.database.db.execute(
            sql`update outbox set delivered_at = ${this.now().toISOString()}::timestamptz, last_error = null, outcome = ${outcome} where id = ${item.id}`,
          );
          delivered += 1;
        } catch (error) {
          failed += 1;
          const backoff = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.max(0, item.attempts - 1));
          const next = new Date(this.now().getTime() + backoff / 2 + Math.random() * (backoff / 2));
          await this.database.db.execute(
            sql`update outbox set next_attempt_at = ${next.toISOString()}::timestamptz, last_error = ${reasonOf(error)} where id = ${item.id}`,
          );
          this.logger.warn({ outboxId: item.id, side: item.side, attempts: item.attempts, reason: reasonOf(error) }, 'publish failed; will retry');
        }
      }),
    );
    return { delivered, failed };
  }

  /** Runs until nothing is due (for tests and shutdown); resolves with the total delivered. */
  async drain(maxRounds = 100): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      const { delivered, failed } = await this.runOnce();
      total += delivered;
      if (delivered === 0 && failed === 0) break;
      if (delivered === 0) break;
    }
    return total;
  }

  /** Starts delivering in the background: woken by NOTIFY on commit, and by a poll for retries. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.database.listen(OUTBOX_CHANNEL, () => this.wake?.());
    this.loop = (async () => {
      while (this.running) {
        try {
          const { delivered } = await this.runOnce();
          if (delivered > 0) continue;
        } catch (error) {
          this.logger.error({ err: error }, 'outbox round failed');
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.options.pollMs);
        });
        clearTimeout(this.timer);
        this.wake = undefined;
      }
    })();
  }

  /**
   * Stops after the deliveries in flight, giving them `graceMs`; then aborts them (an aborted
   * delivery is simply delivered again later).
   */
  async stop(graceMs = 1000): Promise<void> {
    this.running = false;
    this.wake?.();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.loop, grace]);
    this.abort.abort();
    await this.loop;
    await this.unlisten?.();
  }
}
