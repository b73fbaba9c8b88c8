import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import type { Principal } from '@sip/shared';
import { upstreamOf } from './outbox.worker.ts';

/** How a plan's publication to one upstream stands. */
export interface SidePublication {
  side: Principal;
  /** The configured upstream the side goes to: the one of the plan's organisation on that side. */
  upstream: string;
  /**
   * `published`: every revision queued for the side was delivered (or withheld by consent);
   * `pending`: a revision waits or is being retried; `set-aside`: the newest one was refused for
   * a reason a retry will not fix and waits for the cause to be fixed; `never`: nothing queued.
   */
  state: 'published' | 'pending' | 'set-aside' | 'never';
  /** The newest revision delivered to the side. */
  deliveredRevision: number | null;
  /** The newest revision waiting, if any. */
  waitingRevision: number | null;
  /** The last failure's short reason code (no upstream text, no personal data). */
  reason: string | null;
  attempts: number;
  /** When it is tried next. */
  nextAttemptAt: string | null;
  /** Whether the last thing to reach the side ended `withheld` (the consent no longer lets it). */
  withheld: boolean;
}

/** The plan's publication to each upstream, read off the outbox. */
export async function publicationOf(db: Db, planId: string): Promise<SidePublication[]> {
  const rows = rowsOf<{
    side: Principal;
    upstream: string;
    delivered_revision: number | null;
    waiting_revision: number | null;
    reason: string | null;
    attempts: number | null;
    next_attempt_at: Date | string | null;
    set_aside: boolean | null;
    last_outcome: string | null;
  }>(
    await db.execute(sql`
      select s.side, ${upstreamOf(sql`${planId}::uuid`, sql.raw('s.side'))} as upstream,
        (select max(revision) from outbox where plan_id = ${planId} and side = s.side and outcome in ('delivered', 'superseded')) as delivered_revision,
        w.revision as waiting_revision, w.last_error as reason, w.attempts, w.next_attempt_at, w.set_aside_at is not null as set_aside,
        (select outcome from outbox where plan_id = ${planId} and side = s.side and delivered_at is not null order by id desc limit 1) as last_outcome
      from (values ('region'), ('municipality')) as s(side)
      left join lateral (
        select revision, last_error, attempts, next_attempt_at, set_aside_at from outbox
        where plan_id = ${planId} and side = s.side and delivered_at is null order by id desc limit 1
      ) w on true
      order by s.side desc`),
  );
  return rows.map((r) => ({
    side: r.side,
    upstream: r.upstream,
    state: r.waiting_revision !== null ? (r.set_aside ? 'set-aside' : 'pending') : r.last_outcome ? 'published' : 'never',
    deliveredRevision: r.delivered_revision === null ? null : Number(r.delivered_revision),
    waitingRevision: r.waiting_revision === null ? null : Number(r.waiting_revision),
    reason: r.reason,
    attempts: Number(r.attempts ?? 0),
    nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
    withheld: r.waiting_revision === null && r.last_outcome === 'withheld',
  }));
}
