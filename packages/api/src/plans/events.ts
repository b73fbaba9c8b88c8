import { randomUUID } from 'node:crypto';
import type { PlanPresence } from '@sip/shared';
import { and, count, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { planPresence } from '../db/schema.ts';
import { ProblemError } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import { PLAN_EVENTS_CHANNEL } from './plans.service.ts';

/**
 * What a subscriber is woken for: `changed` (a plan event may have been committed since it
 * last looked), `presence` (a stream of the plan may have opened or closed somewhere),
 * `heartbeat` (nothing happened for a while) or `closed` (the subscription ended).
 */
export type PlanEventSignal = 'changed' | 'presence' | 'heartbeat' | 'closed';

/** How many open event streams of a plan one organisation's staff have. */
export type PresenceCount = PlanPresence['organisations'][number];

/** One open event stream's interest in one plan. */
export interface PlanEventSubscription {
  readonly planId: string;
  readonly closed: boolean;
  /** The stream's id in `plan_presence`, once it counts there ({@link PlanEventHub.enter}). */
  readonly streamId: string;
  /**
   * Waits for the next signal. A change that arrived while nobody waited is kept and
   * returned at once, so nothing is missed between two calls. One caller at a time.
   */
  next(): Promise<PlanEventSignal>;
  /** Ends the subscription; a pending `next()` resolves `closed`. Idempotent. */
  close(): void;
}

export interface PlanEventHubOptions {
  /**
   * How long a subscriber waits without news before it is told to send a heartbeat; also how
   * often the hub renews its streams' presence and removes what stopped instances left.
   */
  heartbeatMs?: number;
  /**
   * How long a stream counts as present without being renewed: the longest an instance that
   * stopped without closing its streams leaves them counted. Three heartbeats (at least 2 s).
   */
  presenceTtlMs?: number;
  /** The time presence is kept by (default the system's). */
  now?: () => Date;
  logger?: Logger;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;

type HubState = 'new' | 'starting' | 'started' | 'closed';

class Subscriber implements PlanEventSubscription {
  closed = false;
  readonly streamId = randomUUID();
  /** The organisation it counts for in `plan_presence`, once entered there. */
  presence: { organisationId: string; openedAt: Date } | undefined;
  /** Signals that arrived while nobody waited: each kept once, however often it came. */
  private readonly pending = new Set<'changed' | 'presence'>();
  private waiter: ((signal: PlanEventSignal) => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly planId: string,
    private readonly heartbeatMs: number,
    private readonly onClose: (subscriber: Subscriber) => void,
  ) {}

  next(): Promise<PlanEventSignal> {
    if (this.closed) return Promise.resolve('closed');
    for (const signal of ['changed', 'presence'] as const) {
      if (this.pending.delete(signal)) return Promise.resolve(signal);
    }
    if (this.waiter) return Promise.reject(new Error('PlanEventSubscription.next() is already waiting'));
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.timer = setTimeout(() => this.settle('heartbeat'), this.heartbeatMs);
      this.timer.unref?.();
    });
  }

  wake(signal: 'changed' | 'presence'): void {
    if (this.closed) return;
    if (this.waiter) this.settle(signal);
    else this.pending.add(signal);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.settle('closed');
  }

  private settle(signal: PlanEventSignal): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(signal);
  }
}

/** The notification that a plan's presence changed: ids only, on the plan events' channel. */
function presenceNotification(planId: string): string {
  return JSON.stringify({ planId, presence: true });
}

/**
 * The process's one listener for plan events. It LISTENs once on `sip_plan_events` (the
 * notification every change sends when its transaction commits, from any instance sharing
 * the database) and wakes the subscribers of the plan named in the payload. Notifications
 * carry ids only; subscribers read the events themselves from `plan_events`, so a lost or
 * coalesced notification delays an event but never drops or reorders it.
 *
 * It also keeps presence: each staff stream {@link enter}ed counts in `plan_presence` for its
 * organisation until it closes. On every heartbeat the hub renews its own streams there, and
 * removes the rows of instances that stopped without closing theirs (expired: not renewed
 * for {@link presenceTtlMs}). Every change to a plan's presence is notified on the same channel
 * (`{"planId":…,"presence":true}`), which wakes that plan's subscribers on every instance with
 * `presence`; they read the counts themselves ({@link presence}).
 */
export class PlanEventHub {
  readonly heartbeatMs: number;
  readonly presenceTtlMs: number;
  /** This instance's id in `plan_presence`: its rows are the ones it renews. */
  readonly instanceId = randomUUID();
  private readonly logger: Logger | undefined;
  private readonly now: () => Date;
  private readonly plans = new Map<string, Set<Subscriber>>();
  /** The subscribers that count in `plan_presence`, by stream id. */
  private readonly present = new Map<string, Subscriber>();
  /** Removals of closed streams' rows not yet done: close() waits for them. */
  private readonly leaving = new Set<Promise<void>>();
  /** Per plan, a read of its presence under way that began after its last presence notification. */
  private readonly presenceReads = new Map<string, Promise<PresenceCount[]>>();
  private state: HubState = 'new';
  private stopListening: (() => Promise<void>) | undefined;
  private closing: Promise<void> | undefined;
  private renewTimer: ReturnType<typeof setInterval> | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly database: Pick<Database, 'listen' | 'db'>,
    options: PlanEventHubOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.presenceTtlMs = options.presenceTtlMs ?? Math.max(3 * this.heartbeatMs, 2_000);
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
  }

  /** Starts listening. Resolves once the LISTEN is in place, so no later commit is missed. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`PlanEventHub cannot start: it is ${this.state}`);
    this.state = 'starting';
    const stop = await this.database.listen(PLAN_EVENTS_CHANNEL, (payload) => this.dispatch(payload));
    // close() may have run while the LISTEN was being set up.
    if ((this.state as HubState) === 'closed') {
      await stop().catch(() => {});
      return;
    }
    this.stopListening = stop;
    this.state = 'started';
    this.renewTimer = setInterval(() => void this.renew(), this.heartbeatMs);
    this.renewTimer.unref?.();
  }

  /** Open subscriptions, over all plans. */
  get size(): number {
    let n = 0;
    for (const set of this.plans.values()) n += set.size;
    return n;
  }

  /**
   * Subscribes to one plan's events. Subscribe before reading what is already stored:
   * any event committed after that read then wakes the subscription.
   * Throws a 503 problem when the hub is not listening (starting or shutting down).
   */
  subscribe(planId: string): PlanEventSubscription {
    if (this.state !== 'started') {
      throw new ProblemError('not-ready', 'Live plan events are not available right now; try again shortly', {
        headers: { 'Retry-After': '1' },
      });
    }
    const subscriber = new Subscriber(planId, this.heartbeatMs, (s) => this.remove(s));
    let set = this.plans.get(planId);
    if (!set) {
      set = new Set();
      this.plans.set(planId, set);
    }
    set.add(subscriber);
    return subscriber;
  }

  /**
   * Counts an open subscription as present for an organisation (HSA-id), on every instance,
   * until it closes; the plan's subscribers everywhere are woken with `presence`.
   */
  async enter(subscription: PlanEventSubscription, organisationId: string): Promise<void> {
    const subscriber = this.own(subscription);
    if (subscriber.closed || subscriber.presence) return;
    const openedAt = this.now();
    subscriber.presence = { organisationId, openedAt };
    this.present.set(subscriber.streamId, subscriber);
    try {
      // A renewal running at this moment may have written it already.
      await this.database.db.insert(planPresence).values(this.row(subscriber, openedAt)).onConflictDoNothing();
    } catch (error) {
      this.present.delete(subscriber.streamId);
      subscriber.presence = undefined;
      throw error;
    }
    // Closed while the row was written: its removal may have run first.
    if (subscriber.closed) {
      await this.leave(subscriber.streamId, subscriber.planId);
      return;
    }
    await this.notifyPresence([subscriber.planId]);
  }

  /**
   * The plan's open streams that count now, by organisation (sorted by HSA-id): on every
   * instance, the caller's own included, none of a stopped instance past its expiry. Calls made
   * since the last presence notification of the plan share one read.
   */
  presence(planId: string): Promise<PresenceCount[]> {
    const under = this.presenceReads.get(planId);
    if (under) return under;
    const read = this.readPresence(planId).finally(() => {
      if (this.presenceReads.get(planId) === read) this.presenceReads.delete(planId);
    });
    this.presenceReads.set(planId, read);
    return read;
  }

  /** Ends every subscription (their streams end), removes their presence, and stops listening. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'closed';
      clearInterval(this.renewTimer);
      for (const set of [...this.plans.values()]) for (const subscriber of [...set]) subscriber.close();
      this.plans.clear();
      await this.renewing;
      await Promise.all([...this.leaving]);
      try {
        // Any row written while closing (a stream entering, a renewal under way) goes too.
        const removed = await this.database.db
          .delete(planPresence)
          .where(eq(planPresence.instanceId, this.instanceId))
          .returning({ planId: planPresence.planId });
        await this.notifyPresence(removed.map((r) => r.planId));
      } catch (error) {
        this.logger?.warn({ err: error }, 'plan events: could not remove presence when closing');
      }
      const stop = this.stopListening;
      this.stopListening = undefined;
      try {
        await stop?.();
      } catch (error) {
        this.logger?.warn({ err: error }, 'plan events: unlisten failed');
      }
    })();
    return this.closing;
  }

  private own(subscription: PlanEventSubscription): Subscriber {
    if (!(subscription instanceof Subscriber)) throw new Error('not a subscription of a PlanEventHub');
    return subscription;
  }

  private row(subscriber: Subscriber, at: Date): typeof planPresence.$inferInsert {
    return {
      streamId: subscriber.streamId,
      planId: subscriber.planId,
      organisationId: subscriber.presence!.organisationId,
      instanceId: this.instanceId,
      openedAt: subscriber.presence!.openedAt,
      seenAt: at,
      expiresAt: new Date(at.getTime() + this.presenceTtlMs),
    };
  }

  private async readPresence(planId: string): Promise<PresenceCount[]> {
    const rows = await this.database.db
      .select({ organisationId: planPresence.organisationId, count: count() })
      .from(planPresence)
      .where(and(eq(planPresence.planId, planId), gt(planPresence.expiresAt, this.now())))
      .groupBy(planPresence.organisationId);
    // Sorted here, by code point: the database's collation may order HSA-ids otherwise.
    return rows
      .map((r) => ({ organisationId: r.organisationId, count: Number(r.count) }))
      .sort((a, b) => (a.organisationId < b.organisationId ? -1 : a.organisationId > b.organisationId ? 1 : 0));
  }

  private async notifyPresence(planIds: Iterable<string>): Promise<void> {
    for (const planId of new Set(planIds)) {
      await this.database.db.execute(sql`select pg_notify(${PLAN_EVENTS_CHANNEL}, ${presenceNotification(planId)})`);
    }
  }

  /** Removes a closed stream's row and tells the plan's subscribers everywhere. */
  private leave(streamId: string, planId: string): Promise<void> {
    const done = (async () => {
      try {
        const removed = await this.database.db
          .delete(planPresence)
          .where(eq(planPresence.streamId, streamId))
          .returning({ planId: planPresence.planId });
        if (removed.length > 0) await this.notifyPresence([planId]);
      } catch (error) {
        // The row expires on its own; until then the stream still counts.
        this.logger?.warn({ err: error }, 'plan events: could not remove a closed stream from presence');
      }
    })();
    this.leaving.add(done);
    void done.finally(() => this.leaving.delete(done));
    return done;
  }

  /**
   * On each heartbeat: renews this instance's open streams in `plan_presence` (writing again any
   * that another instance removed as expired, after this one was held up), and removes the rows
   * of streams that expired, which instances that stopped without closing them left behind.
   */
  private renew(): Promise<void> {
    if (this.state !== 'started') return Promise.resolve();
    this.renewing ??= (async () => {
      try {
        const now = this.now();
        const changed: string[] = [];
        if (this.present.size > 0) {
          const renewed = await this.database.db
            .update(planPresence)
            .set({ seenAt: now, expiresAt: new Date(now.getTime() + this.presenceTtlMs) })
            .where(eq(planPresence.instanceId, this.instanceId))
            .returning({ streamId: planPresence.streamId });
          const seen = new Set(renewed.map((r) => r.streamId));
          const missing = [...this.present.values()].filter((s) => !seen.has(s.streamId) && !s.closed);
          if (missing.length > 0) {
            await this.database.db
              .insert(planPresence)
              .values(missing.map((s) => this.row(s, now)))
              .onConflictDoNothing();
            changed.push(...missing.map((s) => s.planId));
            // Closed meanwhile: their removal may have run before this wrote them again.
            await Promise.all(missing.filter((s) => s.closed).map((s) => this.leave(s.streamId, s.planId)));
          }
        }
        const expired = await this.database.db
          .delete(planPresence)
          .where(lt(planPresence.expiresAt, now))
          .returning({ planId: planPresence.planId });
        changed.push(...expired.map((r) => r.planId));
        await this.notifyPresence(changed);
      } catch (error) {
        this.logger?.warn({ err: error }, 'plan events: could not renew presence');
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  private remove(subscriber: Subscriber): void {
    const set = this.plans.get(subscriber.planId);
    if (set) {
      set.delete(subscriber);
      if (set.size === 0) this.plans.delete(subscriber.planId);
    }
    if (this.present.delete(subscriber.streamId)) void this.leave(subscriber.streamId, subscriber.planId);
  }

  private dispatch(payload: string): void {
    let message: { planId?: unknown; presence?: unknown };
    try {
      message = JSON.parse(payload) as { planId?: unknown; presence?: unknown };
    } catch {
      message = {};
    }
    const { planId } = message;
    if (typeof planId !== 'string') {
      this.logger?.warn('plan events: ignored a notification without a plan id');
      return;
    }
    const signal = message.presence === true ? 'presence' : 'changed';
    // A read under way may have begun before this change: later calls read afresh.
    if (signal === 'presence') this.presenceReads.delete(planId);
    const set = this.plans.get(planId);
    if (set) for (const subscriber of set) subscriber.wake(signal);
  }
}
