import { setMaxListeners } from 'node:events';
import type { Principal } from '@sip/shared';
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import type { Logger } from '../logger.ts';
import { OUTBOX_CHANNEL } from '../plans/plans.service.ts';
import { deliveryFailure } from './delivery-failure.ts';

export interface OutboxItem {
  id: number;
  planId: string;
  /** The principal's side of the plan it goes to. */
  side: Principal;
  /** The configured upstream that holds that side: the one the plan's organisation on that side names. */
  upstream: string;
  /** The revision this item delivers: the newest one queued for the plan and side. */
  revision: number;
  /**
   * Every revision queued for the plan and side and not yet delivered, up to and including
   * `revision`, oldest first: each gets its Provenance when this item is delivered.
   */
  revisions: number[];
  attempts: number;
}

/**
 * Delivers one outbox item; throws to have it retried later (or set aside, when the error says
 * a retry will not help: see {@link deliveryFailure}). Must be safe to repeat; should stop when
 * `signal` aborts. Resolves `delivered`, or `withheld` when the individual's consent no longer
 * lets the plan reach that side (nothing was sent; the item is done).
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
  /** How long an item refused for good waits before it is tried again on its own. */
  setAsideRetryMs: number;
  batchSize: number;
  /**
   * Asks whether an upstream (by name) answers again. While deliveries to it wait out their
   * backoff, the worker asks every `probeMs`; when it answers, everything waiting for it is due at once.
   */
  probe?: (upstream: string) => Promise<boolean>;
  probeMs: number;
}

export const defaultOutboxOptions: OutboxWorkerOptions = {
  // Short, and renewed while the delivery runs: after a crash, another worker (or this one
  // restarted) takes the item over within this time, however long a healthy delivery takes.
  leaseMs: 15_000,
  pollMs: 1000,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  setAsideRetryMs: 15 * 60_000,
  batchSize: 20,
  probeMs: 2000,
};

/** What the outbox holds for one upstream now, for `/ready`, the metrics and the plan's publication status. */
export interface OutboxCounts {
  /** The configured upstream's name. */
  upstream: string;
  /** Waiting for delivery (including those retrying). */
  pending: number;
  /** Refused for a reason a retry will not fix, blocking nothing. */
  setAside: number;
  /** When the oldest revision waiting for delivery (not set aside) was queued, in epoch seconds; null when none waits. */
  oldestPendingAt: number | null;
}

/**
 * The upstream a plan's side goes to: the one the plan's organisation on that side names (read
 * when asked, so it is always the organisation's current one), else the one named like the side.
 */
export const upstreamOf = (planId: SQL, side: SQL) => sql`coalesce((
  select org.upstream from plan_parts pp join organisations org on org.id = pp.organisation_id
  where pp.plan_id = ${planId} and pp.kind = ${side} limit 1), ${side})`;
/** The same for the outbox row `alias`. */
const rowUpstream = (alias: string) => upstreamOf(sql.raw(`${alias}.plan_id`), sql.raw(`${alias}.side`));

/** Counts per upstream of what is waiting and what was set aside. */
export async function outboxCounts(db: Db): Promise<OutboxCounts[]> {
  const rows = rowsOf<{ upstream: string; pending: string | number; set_aside: string | number; oldest: string | number | null }>(
    await db.execute(sql`
      select upstream,
             count(*) filter (where set_aside_at is null) as pending,
             count(*) filter (where set_aside_at is not null) as set_aside,
             extract(epoch from min(created_at) filter (where set_aside_at is null))::float8 as oldest
      from (select ${rowUpstream('o')} as upstream, o.set_aside_at, o.created_at from outbox o where o.delivered_at is null) waiting
      group by upstream order by upstream`),
  );
  return rows.map((r) => ({
    upstream: r.upstream,
    pending: Number(r.pending),
    setAside: Number(r.set_aside),
    oldestPendingAt: r.oldest === null ? null : Number(r.oldest),
  }));
}

/**
 * Delivers the outbox. For each plan and upstream only the newest undelivered revision is
 * delivered (the plan as it then stood supersedes every older one not yet delivered, and a
 * Provenance still records each); one delivery at a time per plan and upstream. An item is
 * claimed with a lease rather than a held lock, so no transaction stays open across HTTP and
 * several instances can share the work; a crash mid-delivery only means the item is delivered
 * again after the lease, which identifiers make harmless.
 *
 * A failure a retry may fix (no answer, 5xx, 408, 409, 412, 429) is retried with backoff (at
 * least what `Retry-After` asks); the backoff ends as soon as the upstream answers again. A
 * refusal a retry will not fix sets the item aside: it blocks nothing, is counted, and is tried
 * again after `setAsideRetryMs` or when a later revision of the plan comes.
 */
export class OutboxWorker {
  private readonly options: OutboxWorkerOptions;
  private running = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly abort = new AbortController();
  /** Upstreams whose deliveries wait out a backoff: probed until they answer. */
  private readonly waiting = new Set<string>();
  private probing: NodeJS.Timeout | undefined;
  /** Deliveries since start, by side and outcome, for the metrics. */
  readonly totals = new Map<string, number>();

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

  /**
   * Claims the items that are due: per plan and upstream the newest undelivered revision,
   * when no delivery of that plan and upstream is under way.
   */
  async claim(db: Db = this.database.db): Promise<OutboxItem[]> {
    const now = this.now().toISOString();
    const leaseUntil = new Date(this.now().getTime() + this.options.leaseMs).toISOString();
    const rows = rowsOf<{
      id: string | number;
      plan_id: string;
      side: Principal;
      upstream: string;
      revision: number;
      attempts: number;
      revisions: number[];
    }>(
      await db.execute(sql`
        with claimed as (
          update outbox set leased_until = ${leaseUntil}::timestamptz, attempts = attempts + 1
          where id in (
            select o.id from outbox o
            where o.delivered_at is null
              and o.next_attempt_at <= ${now}::timestamptz
              and o.id = (select max(o2.id) from outbox o2 where o2.plan_id = o.plan_id and o2.side = o.side and o2.delivered_at is null)
              and not exists (
                select 1 from outbox o3
                where o3.plan_id = o.plan_id and o3.side = o.side and o3.delivered_at is null
                  and o3.leased_until > ${now}::timestamptz)
            order by o.id
            limit ${this.options.batchSize}
            for update skip locked
          )
          returning id, plan_id, side, revision, attempts
        )
        select c.*, ${rowUpstream('c')} as upstream, (
          select json_agg(distinct o.revision order by o.revision) from outbox o
          where o.plan_id = c.plan_id and o.side = c.side and o.delivered_at is null and o.id <= c.id
        ) as revisions
        from claimed c`),
    );
    return rows
      .map((r) => ({
        id: Number(r.id),
        planId: r.plan_id,
        side: r.side,
        upstream: r.upstream,
        revision: r.revision,
        revisions: (r.revisions ?? [r.revision]).map(Number),
        attempts: r.attempts,
      }))
      .sort((a, b) => a.id - b.id);
  }

  private count(upstream: string, outcome: string) {
    const key = `${upstream}|${outcome}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
  }

  /** Delivers everything that is due now; resolves with how many were acknowledged. */
  async runOnce(): Promise<{ delivered: number; failed: number }> {
    const items = await this.claim();
    if (items.length === 0) return { delivered: 0, failed: 0 };
    const inFlight = new Set(items.map((i) => i.id));
    const renewal = setInterval(() => void this.renewLeases([...inFlight]), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    try {
      return await this.deliverAll(items, inFlight);
    } finally {
      clearInterval(renewal);
    }
  }

  /** Holds on to the items still being delivered: their leases run a whole lease on from now. */
  private async renewLeases(ids: number[]) {
    if (ids.length === 0) return;
    const until = new Date(this.now().getTime() + this.options.leaseMs).toISOString();
    try {
      await this.database.db.execute(
        sql`update outbox set leased_until = ${until}::timestamptz where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and delivered_at is null and leased_until is not null`,
      );
    } catch (error) {
      // A missed renewal costs at most a second delivery attempt, which identifiers make harmless.
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'outbox lease renewal failed');
    }
  }

  private async deliverAll(items: OutboxItem[], inFlight: Set<number>): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    // Different plans and upstreams in parallel; each claim holds one item per plan and side.
    await Promise.all(
      items.map(async (item) => {
        try {
          const outcome = (await this.deliver(item, this.abort.signal)) ?? 'delivered';
          const at = this.now().toISOString();
          // This item, and every older one of the plan and side it superseded, is done.
          await this.database.db.execute(sql`
            update outbox set delivered_at = ${at}::timestamptz, last_error = null, leased_until = null, set_aside_at = null,
              outcome = case when id = ${item.id} or ${outcome} = 'withheld' then ${outcome} else 'superseded' end
            where plan_id = ${item.planId} and side = ${item.side} and delivered_at is null and id <= ${item.id}`);
          delivered += 1;
          this.count(item.upstream, outcome);
          if (outcome === 'delivered') await this.answered(item.upstream);
        } catch (error) {
          failed += 1;
          await this.failed(item, error);
        } finally {
          inFlight.delete(item.id);
        }
      }),
    );
    return { delivered, failed };
  }

  private async failed(item: OutboxItem, error: unknown) {
    const failure = deliveryFailure(error);
    const now = this.now().getTime();
    if (failure.permanent) {
      const next = new Date(now + this.options.setAsideRetryMs).toISOString();
      await this.database.db.execute(sql`
        update outbox set next_attempt_at = ${next}::timestamptz, leased_until = null, last_error = ${failure.reason},
          set_aside_at = coalesce(set_aside_at, ${new Date(now).toISOString()}::timestamptz)
        where id = ${item.id}`);
      this.count(item.upstream, 'set-aside');
      this.logger.warn({ outboxId: item.id, side: item.side, upstream: item.upstream, attempts: item.attempts, reason: failure.reason }, 'publish refused; set aside');
      return;
    }
    const backoff = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.max(0, item.attempts - 1));
    const wait = Math.max(backoff / 2 + Math.random() * (backoff / 2), failure.retryAfterMs ?? 0);
    const next = new Date(now + wait).toISOString();
    await this.database.db.execute(
      sql`update outbox set next_attempt_at = ${next}::timestamptz, leased_until = null, last_error = ${failure.reason} where id = ${item.id}`,
    );
    this.count(item.upstream, 'failed');
    // A refusal says the upstream answers; only silence is worth probing for.
    if (!failure.answered) this.waiting.add(item.upstream);
    this.logger.warn({ outboxId: item.id, side: item.side, upstream: item.upstream, attempts: item.attempts, reason: failure.reason }, 'publish failed; will retry');
  }

  /**
   * The upstream answers: what waits for it out of a backoff (not what was set aside, not what
   * a `Retry-After` holds back, not what is being delivered) is due at once.
   */
  async answered(upstream: string): Promise<number> {
    this.waiting.delete(upstream);
    const now = this.now().toISOString();
    const rows = rowsOf<{ id: number }>(
      await this.database.db.execute(sql`
        update outbox set next_attempt_at = ${now}::timestamptz
        where ${rowUpstream('outbox')} = ${upstream} and delivered_at is null and set_aside_at is null and next_attempt_at > ${now}::timestamptz
          and (leased_until is null or leased_until <= ${now}::timestamptz)
          and last_error is distinct from 'throttled'
        returning id`),
    );
    if (rows.length > 0) this.wake?.();
    return rows.length;
  }

  /** Asks each upstream that is waiting whether it answers again. */
  async probeWaiting(): Promise<void> {
    const probe = this.options.probe;
    if (!probe) return;
    for (const upstream of [...this.waiting]) {
      let ok = false;
      try {
        ok = await probe(upstream);
      } catch {
        ok = false;
      }
      if (ok) {
        const due = await this.answered(upstream);
        if (due > 0) this.logger.info({ upstream, due }, 'upstream answers again; waiting deliveries are due');
      }
    }
  }

  /** Runs until nothing is due (for tests and shutdown); resolves with the total delivered. */
  async drain(maxRounds = 100): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      const { delivered } = await this.runOnce();
      total += delivered;
      if (delivered === 0) break;
    }
    return total;
  }

  /** Starts delivering in the background: woken by NOTIFY on commit, and by a poll for retries. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.database.listen(OUTBOX_CHANNEL, () => this.wake?.());
    if (this.options.probe) {
      const tick = () => {
        this.probing = setTimeout(() => {
          void this.probeWaiting()
            .catch((error: unknown) => this.logger.error({ err: error }, 'upstream probe failed'))
            .finally(() => this.running && tick());
        }, this.options.probeMs);
        this.probing.unref();
      };
      tick();
    }
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
    clearTimeout(this.probing);
    this.wake?.();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.loop, grace]);
    this.abort.abort();
    await this.loop;
    await this.unlisten?.();
  }
}
