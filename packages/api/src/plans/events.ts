import type { Database } from '../db/database.ts';
import { ProblemError } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import { PLAN_EVENTS_CHANNEL } from './plans.service.ts';

/**
 * What a subscriber is woken for: `changed` (a plan event may have been committed since it
 * last looked), `heartbeat` (nothing happened for a while) or `closed` (the subscription ended).
 */
export type PlanEventSignal = 'changed' | 'heartbeat' | 'closed';

/** One open event stream's interest in one plan. */
export interface PlanEventSubscription {
  readonly planId: string;
  readonly closed: boolean;
  /**
   * Waits for the next signal. A change that arrived while nobody waited is kept and
   * returned at once, so nothing is missed between two calls. One caller at a time.
   */
  next(): Promise<PlanEventSignal>;
  /** Ends the subscription; a pending `next()` resolves `closed`. Idempotent. */
  close(): void;
}

export interface PlanEventHubOptions {
  /** How long a subscriber waits without news before it is told to send a heartbeat. */
  heartbeatMs?: number;
  logger?: Logger;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;

type HubState = 'new' | 'starting' | 'started' | 'closed';

class Subscriber implements PlanEventSubscription {
  closed = false;
  private pending = false;
  private waiter: ((signal: PlanEventSignal) => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly planId: string,
    private readonly heartbeatMs: number,
    private readonly onClose: (subscriber: Subscriber) => void,
  ) {}

  next(): Promise<PlanEventSignal> {
    if (this.closed) return Promise.resolve('closed');
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('changed');
    }
    if (this.waiter) return Promise.reject(new Error('PlanEventSubscription.next() is already waiting'));
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.timer = setTimeout(() => this.settle('heartbeat'), this.heartbeatMs);
      this.timer.unref?.();
    });
  }

  wake(): void {
    if (this.closed) return;
    if (this.waiter) this.settle('changed');
    else this.pending = true;
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

/**
 * The process's one listener for plan events. It LISTENs once on `sip_plan_events` (the
 * notification every change sends when its transaction commits, from any instance sharing
 * the database) and wakes the subscribers of the plan named in the payload. Notifications
 * carry ids only; subscribers read the events themselves from `plan_events`, so a lost or
 * coalesced notification delays an event but never drops or reorders it.
 */
export class PlanEventHub {
  readonly heartbeatMs: number;
  private readonly logger: Logger | undefined;
  private readonly plans = new Map<string, Set<Subscriber>>();
  private state: HubState = 'new';
  private stopListening: (() => Promise<void>) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly database: Pick<Database, 'listen'>,
    options: PlanEventHubOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
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

  /** Ends every subscription (their streams end) and stops listening. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'closed';
      for (const set of [...this.plans.values()]) for (const subscriber of [...set]) subscriber.close();
      this.plans.clear();
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

  private remove(subscriber: Subscriber): void {
    const set = this.plans.get(subscriber.planId);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) this.plans.delete(subscriber.planId);
  }

  private dispatch(payload: string): void {
    let planId: unknown;
    try {
      planId = (JSON.parse(payload) as { planId?: unknown }).planId;
    } catch {
      planId = undefined;
    }
    if (typeof planId !== 'string') {
      this.logger?.warn('plan events: ignored a notification without a plan id');
      return;
    }
    const set = this.plans.get(planId);
    if (set) for (const subscriber of set) subscriber.wake();
  }
}
