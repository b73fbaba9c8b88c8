import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import { accessLog } from '../db/schema.ts';

/** What was done to personal data. */
export type AccessAction =
  | 'plan.create'
  | 'plan.read'
  | 'plan.list'
  | 'plan.update'
  | 'plan.sync'
  | 'part.read'
  | 'part.update'
  | 'consent.update'
  | 'participants.update'
  | 'status.update'
  | 'versions.read'
  | 'events.read'
  | 'access-log.read'
  | 'access-log.extract'
  | 'relatives.read'
  | 'relatives.update'
  | 'worklist.read'
  | 'worklist.raise'
  | 'me.read'
  | 'me.answer';

/** Why: care coordination for plan work, log follow-up for the log's own readers. */
export type AccessPurpose = 'care-coordination' | 'log-follow-up' | 'individual-extract';

export interface AccessEntry {
  at: Date;
  userId: string;
  organisationId: string;
  individualId: string | null;
  planId: string | null;
  action: AccessAction;
  purpose: AccessPurpose;
  requestId: string | null;
}

/**
 * Appends entries to the access log in the caller's transaction. The database assigns the
 * sequence number and the hash chain; it refuses updates and deletes.
 */
export async function recordAccess(db: Db, entries: AccessEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values = entries.map(
    (e) =>
      sql`(0, ${e.at.toISOString()}::timestamptz, ${e.userId}, ${e.organisationId}, ${e.individualId}, ${e.planId}::uuid, ${e.action}, ${e.purpose}, ${e.requestId}, '', '')`,
  );
  await db.execute(sql`
    insert into access_log (seq, at, user_id, organisation_id, individual_id, plan_id, action, purpose, request_id, prev_hash, hash)
    values ${sql.join(values, sql`, `)}`);
}

export interface AccessLogRow {
  seq: number;
  at: string;
  userId: string;
  organisationId: string;
  individualId: string | null;
  planId: string | null;
  action: string;
  purpose: string;
  requestId: string | null;
}

export interface AccessLogQuery {
  organisationId?: string;
  individualId?: string;
  userId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Entries matching a follow-up query, oldest first. */
export async function searchAccessLog(db: Db, q: AccessLogQuery): Promise<{ items: AccessLogRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (q.organisationId) conditions.push(eq(accessLog.organisationId, q.organisationId));
  if (q.individualId) conditions.push(eq(accessLog.individualId, q.individualId));
  if (q.userId) conditions.push(eq(accessLog.userId, q.userId));
  if (q.from) conditions.push(gte(accessLog.at, q.from));
  if (q.to) conditions.push(lte(accessLog.at, q.to));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [count]] = await Promise.all([
    db
      .select({
        seq: accessLog.seq,
        at: accessLog.at,
        userId: accessLog.userId,
        organisationId: accessLog.organisationId,
        individualId: accessLog.individualId,
        planId: accessLog.planId,
        action: accessLog.action,
        purpose: accessLog.purpose,
        requestId: accessLog.requestId,
      })
      .from(accessLog)
      .where(where)
      .orderBy(asc(accessLog.seq))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(accessLog).where(where),
  ]);
  return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })), total: Number(count?.n ?? 0) };
}

export type ChainVerdict =
  | { ok: true; rows: number }
  | { ok: false; rows: number; brokenAt: number; reason: 'hash' | 'link' };

/**
 * Walks the chain in sequence order and reports the first broken link: a row whose hash
 * does not match its contents, or whose `prev_hash` is not the previous row's hash.
 */
export async function verifyAccessLog(db: Db, batchSize = 5000): Promise<ChainVerdict> {
  let previous = 'genesis';
  let after = -1;
  let count = 0;
  for (;;) {
    const rows = rowsOf<{ seq: string | number; prev_hash: string; hash: string; expected: string }>(
      await db.execute(sql`
        select seq, prev_hash, hash, access_log_digest(prev_hash, access_log) as expected
        from access_log where seq > ${after} order by seq limit ${batchSize}`),
    );
    if (rows.length === 0) return { ok: true, rows: count };
    for (const row of rows) {
      const seq = Number(row.seq);
      count += 1;
      if (row.prev_hash !== previous) return { ok: false, rows: count, brokenAt: seq, reason: 'link' };
      if (row.hash !== row.expected) return { ok: false, rows: count, brokenAt: seq, reason: 'hash' };
      previous = row.hash;
      after = seq;
    }
  }
}

/**
 * Group commit for access-log entries written outside a change's transaction (reads):
 * entries queue while one insert is in flight and go together in the next, each caller
 * answered once its entry is committed. One chain lock per batch instead of per read.
 */
class AccessLogWriter {
  private queue: { entries: AccessEntry[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  record(entries: AccessEntry[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entries, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        await recordAccess(this.db, batch.flatMap((b) => b.entries));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.flushing = false;
  }
}

const writers = new WeakMap<Db, AccessLogWriter>();

/** Appends entries outside any transaction, batched with concurrent callers; resolves once committed. */
export function recordAccessCommitted(db: Db, entries: AccessEntry[]): Promise<void> {
  let writer = writers.get(db);
  if (!writer) {
    writer = new AccessLogWriter(db);
    writers.set(db, writer);
  }
  return writer.record(entries);
}
