import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import { accessLog } from '../db/schema.ts';
import { isValueRefusal } from '../db/refusal.ts';
import { ProblemError } from '../http/errors.ts';
import { isStorable } from '@sip/shared';

/** What was done to personal data. */
export const accessActions = [
  'plan.create',
  'plan.read',
  'plan.list',
  'plan.update',
  'plan.sync',
  'part.read',
  'part.update',
  'consent.update',
  'participants.update',
  'status.update',
  'versions.read',
  'events.read',
  'access-log.read',
  'access-log.extract',
  'relatives.read',
  'relatives.update',
  'worklist.read',
  'worklist.raise',
  'me.read',
  'me.answer',
  'own.read',
  'own.access-log',
  'report.read',
  'plan.document',
  'me.document',
  'own.document',
] as const;
export type AccessAction = (typeof accessActions)[number];

/** Why: care coordination for plan work, log follow-up for the log's own readers. */
export const accessPurposes = ['care-coordination', 'log-follow-up', 'individual-extract', 'activity-follow-up'] as const;
export type AccessPurpose = (typeof accessPurposes)[number];

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

const ACTIONS: ReadonlySet<string> = new Set(accessActions);
const PURPOSES: ReadonlySet<string> = new Set(accessPurposes);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
/** Longest id, user or organisation, a log entry holds; an HSA-id is at most 37 characters. */
const ID_MAX = 200;

const storableId = (value: string | null, nullable: boolean) =>
  value === null ? nullable : typeof value === 'string' && value.length > 0 && value.length <= ID_MAX && isStorable(value);

/**
 * Why the database could not store an entry, or null when it can: an instant in the years
 * 0001–9999, ids that are storable text (no NUL, no lone surrogate), a plan id that is a UUID,
 * a known action and purpose. Never the value itself: the reason goes into an error.
 */
export function accessEntryFault(e: AccessEntry): string | null {
  if (!(e.at instanceof Date) || !(e.at.getTime() >= FIRST_INSTANT && e.at.getTime() <= LAST_INSTANT)) return 'its time is not an instant in the years 0001 to 9999';
  if (!storableId(e.userId, false)) return 'its user id is not text the log can hold';
  if (!storableId(e.organisationId, false)) return 'its organisation id is not text the log can hold';
  if (!storableId(e.individualId, true)) return 'its individual id is not text the log can hold';
  if (!storableId(e.requestId, true)) return 'its request id is not text the log can hold';
  if (e.planId !== null && !(typeof e.planId === 'string' && UUID.test(e.planId))) return 'its plan id is not a UUID';
  if (!ACTIONS.has(e.action)) return 'its action is not one the log knows';
  if (!PURPOSES.has(e.purpose)) return 'its purpose is not one the log knows';
  return null;
}

/** The answer to a request whose access cannot be recorded: a 422, and the request does not proceed. */
function unrecordable(reason: string): ProblemError {
  return new ProblemError('validation', `This access cannot be recorded in the access log (${reason}), so it is not done`);
}

/** Refuses, before any of them reaches the database, entries the database could not store. */
function checkEntries(entries: readonly AccessEntry[]): void {
  for (const e of entries) {
    const fault = accessEntryFault(e);
    if (fault) throw unrecordable(`an entry: ${fault}`);
  }
}

/**
 * Appends entries to the access log in the caller's transaction, unchained: the chainer
 * ({@link chainAccessLog}) numbers and links them once the transaction has committed. The
 * database refuses updates and deletes. An entry it could not store is refused first (a 422),
 * so a bad entry never becomes a database error.
 */
export async function recordAccess(db: Db, entries: AccessEntry[]): Promise<void> {
  if (entries.length === 0) return;
  checkEntries(entries);
  await insertEntries(db, entries);
}

/**
 * The insert of entries into the access log, as a statement to run on its own or inside a
 * larger one (a data-modifying CTE of a change's single statement). Entries the database could
 * not store are refused here (a 422), before any statement runs.
 */
export function accessLogInsert(entries: readonly AccessEntry[]): SQL {
  checkEntries(entries);
  return insertStatement(entries);
}

/**
 * {@link accessLogInsert} that inserts only when `condition` holds when it runs: for a change's
 * single statement whose access is logged only if the change is made (`condition` names
 * another of its CTEs).
 */
export function accessLogInsertIf(entries: readonly AccessEntry[], condition: SQL): SQL {
  checkEntries(entries);
  const values = entries.map(
    (e) =>
      sql`(${e.at.toISOString()}::timestamptz, ${e.userId}::text, ${e.organisationId}::text, ${e.individualId}::text, ${e.planId}::uuid, ${e.action}::text, ${e.purpose}::text, ${e.requestId}::text)`,
  );
  return sql`insert into access_log (at, user_id, organisation_id, individual_id, plan_id, action, purpose, request_id)
    select * from (values ${sql.join(values, sql`, `)}) as entry where ${condition}`;
}

async function insertEntries(db: Db, entries: readonly AccessEntry[]): Promise<void> {
  await db.execute(insertStatement(entries));
}

function insertStatement(entries: readonly AccessEntry[]): SQL {
  const values = entries.map(
    (e) =>
      sql`(${e.at.toISOString()}::timestamptz, ${e.userId}, ${e.organisationId}, ${e.individualId}, ${e.planId}::uuid, ${e.action}, ${e.purpose}, ${e.requestId})`,
  );
  return sql`insert into access_log (at, user_id, organisation_id, individual_id, plan_id, action, purpose, request_id) values ${sql.join(values, sql`, `)}`;
}

export interface AccessLogRow {
  /** The entry's place in the chain; null for the moment between its commit and the chainer's next run. */
  seq: number | null;
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
  planId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Entries matching a follow-up query, oldest written first. */
export async function searchAccessLog(db: Db, q: AccessLogQuery): Promise<{ items: AccessLogRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (q.organisationId) conditions.push(eq(accessLog.organisationId, q.organisationId));
  if (q.individualId) conditions.push(eq(accessLog.individualId, q.individualId));
  if (q.userId) conditions.push(eq(accessLog.userId, q.userId));
  if (q.planId) conditions.push(eq(accessLog.planId, q.planId));
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
      .orderBy(asc(accessLog.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(accessLog).where(where),
  ]);
  return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })), total: Number(count?.n ?? 0) };
}

/** A checkpoint kept outside the database: the newest entry's number and hash when it was written. */
export interface Checkpoint {
  seq: number;
  hash: string;
  writtenAt: string;
}

export type ChainBreak =
  /** The entry's contents do not match its hash. */
  | 'hash'
  /** The entry does not link to the entry before it. */
  | 'link'
  /** The entry numbered `brokenAt` is missing: numbering has no gaps. */
  | 'gap'
  /** The entry differs from what a checkpoint recorded of it. */
  | 'checkpoint'
  /** A checkpoint names entries up to `brokenAt` and later, which are no longer there. */
  | 'missing';

/**
 * Entries written but not yet linked by the chainer: not broken, not yet verifiable. Their
 * number, and the write-order ids of the oldest and newest of them (null when there are none).
 */
export interface Unchained {
  unchained: number;
  unchainedIds: { first: number; last: number } | null;
}

export type ChainVerdict =
  | ({ ok: true; rows: number; newest: number | null; checkpoint: Checkpoint | null } & Unchained)
  | ({ ok: false; rows: number; brokenAt: number; reason: ChainBreak; checkpoint: Checkpoint | null } & Unchained);

/**
 * Walks the chain in sequence order and reports the first broken link: a row whose hash
 * does not match its contents, whose `prev_hash` is not the previous row's hash, or whose
 * number is not one more than the previous row's (after the point where numbering became
 * gap-free). With checkpoints kept outside the database, also a row that differs from what a
 * checkpoint recorded, and rows a checkpoint names that are gone: deleting or rewriting the
 * newest entries, and recomputing the chain, is then found too.
 *
 * Entries the chainer has not linked yet (written moments ago) are not walked: the verdict
 * counts them as `unchained`, neither intact nor broken. Run {@link chainAccessLog} first to
 * have every committed entry verified.
 */
export async function verifyAccessLog(
  db: Db,
  options: {
    checkpoints?: readonly Checkpoint[];
    /** Start at this checkpoint (its entry must still be as it recorded) instead of the first entry: what came after it. */
    from?: Checkpoint;
    batchSize?: number;
  } = {},
): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? 5000;
  const recorded = new Map<number, string[]>();
  let checkpoint: Checkpoint | null = null;
  for (const c of options.checkpoints ?? []) {
    recorded.set(c.seq, [...(recorded.get(c.seq) ?? []), c.hash]);
    if (!checkpoint || c.seq > checkpoint.seq) checkpoint = c;
  }
  const [numbering] = rowsOf<{ gap_free_after: string | number }>(await db.execute(sql`select gap_free_after from access_log_numbering limit 1`));
  // Without the row (someone removed it), every number must follow the one before.
  const gapFreeAfter = numbering ? Number(numbering.gap_free_after) : 0;
  let previous = 'genesis';
  let previousSeq = 0;
  let after = -1;
  let count = 0;
  // Counted first: an entry chained while the walk runs is then walked, never missed by both.
  const pending = await unchainedEntries(db);
  const broken = (brokenAt: number, reason: ChainBreak): ChainVerdict => ({ ok: false, rows: count, brokenAt, reason, checkpoint, ...pending });
  if (options.from) {
    const [row] = rowsOf<{ hash: string }>(await db.execute(sql`select hash from access_log where seq = ${options.from.seq}`));
    if (!row) return broken(options.from.seq, 'missing');
    if (row.hash !== options.from.hash) return broken(options.from.seq, 'checkpoint');
    previous = row.hash;
    previousSeq = options.from.seq;
    after = options.from.seq;
  }
  for (;;) {
    const rows = rowsOf<{ seq: string | number; prev_hash: string; hash: string; expected: string }>(
      await db.execute(sql`
        select seq, prev_hash, hash, access_log_digest(prev_hash, access_log) as expected
        from access_log where seq > ${after} order by seq limit ${batchSize}`),
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      count += 1;
      if (seq > gapFreeAfter && seq !== previousSeq + 1) return broken(previousSeq + 1, 'gap');
      if (row.prev_hash !== previous) return broken(seq, 'link');
      if (row.hash !== row.expected) return broken(seq, 'hash');
      if (recorded.get(seq)?.some((hash) => hash !== row.hash)) return broken(seq, 'checkpoint');
      previous = row.hash;
      previousSeq = seq;
      after = seq;
    }
  }
  if (checkpoint && checkpoint.seq > previousSeq) return broken(previousSeq + 1, 'missing');
  return { ok: true, rows: count, newest: count > 0 ? previousSeq : null, checkpoint, ...pending };
}

async function unchainedEntries(db: Db): Promise<Unchained> {
  const [row] = rowsOf<{ n: string | number; first: string | number | null; last: string | number | null }>(
    await db.execute(sql`select count(*) as n, min(id) as first, max(id) as last from access_log where seq is null`),
  );
  const n = Number(row?.n ?? 0);
  return { unchained: n, unchainedIds: n > 0 ? { first: Number(row!.first), last: Number(row!.last) } : null };
}

/** Most entries one run of the chainer links in one transaction. */
const CHAIN_BATCH = 5000;

/**
 * Links every committed unchained entry into the hash chain, in write order, in batches:
 * each gets the next number, the newest hash as its previous, and its own hash. One chainer
 * at a time (the database's chain lock, held for one batch); safe to call from any number of
 * processes. Runs outside any transaction of the caller's. Resolves with the number linked.
 */
export async function chainAccessLog(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = rowsOf<{ chained: number }>(await db.execute(sql`select access_log_chain_pending(${CHAIN_BATCH}) as chained`));
    const chained = Number(row?.chained ?? 0);
    total += chained;
    if (chained < CHAIN_BATCH) return total;
  }
}

/** How long the chainer waits before running again when it was asked again while it ran (under load). */
export const CHAIN_PAUSE_MS = 50;

/** Resolves after `ms` milliseconds. */
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The chainer of one database, run after writes: a run asked for while one is under way is
 * run once more after it, so an entry committed at any moment is linked by the next run.
 * Asked again while it ran, it is under load: it waits `pauseMs` first, so that the entries of
 * the requests under way gather and are linked in one batch, instead of a run per request
 * competing with the requests for the database. Asked when idle, it runs at once.
 */
export class AccessLogChainer {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
    private readonly pause: (ms: number) => Promise<void> = wait,
    private readonly pauseMs = CHAIN_PAUSE_MS,
  ) {}

  /** Asks for a run; resolves when the run that links what is committed now has ended. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await chainAccessLog(this.db);
          if (this.again) await this.pause(this.pauseMs);
        } while (this.again);
      } catch (error) {
        this.onError(error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}

const chainers = new WeakMap<Db, AccessLogChainer>();

/**
 * Asks the database's chainer to link what has been committed since its last run; resolves
 * when that run ends (never rejects: an error goes to `onError`, and the next run tries again).
 */
export function kickAccessLogChainer(db: Db, onError: (error: unknown) => void = () => {}): Promise<void> {
  let chainer = chainers.get(db);
  if (!chainer) {
    chainer = new AccessLogChainer(db, onError);
    chainers.set(db, chainer);
  }
  return chainer.kick();
}

/** The newest chained entry's number and hash, or null while none is chained. */
export async function newestAccessEntry(db: Db): Promise<{ seq: number; hash: string } | null> {
  const [row] = rowsOf<{ seq: string | number; hash: string }>(
    await db.execute(sql`select seq, hash from access_log where seq is not null order by seq desc limit 1`),
  );
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/**
 * Group commit for access-log entries written outside a change's transaction (reads):
 * entries queue while one insert is in flight and go together in the next, each caller
 * answered once its entry is committed. One chain lock per batch instead of per read.
 *
 * One caller's entry never fails another's: entries the database could not store are refused
 * before they join a batch, and should the database still refuse a batch, each caller's
 * entries are inserted again on their own, so only the caller whose entry it refuses fails.
 * A statement the database refuses leaves no row, and so takes no number and no link of the
 * chain: only committed entries are ever linked, by the chainer, so the chain stays whole.
 */
class AccessLogWriter {
  private queue: { entries: AccessEntry[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  record(entries: AccessEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    try {
      checkEntries(entries);
    } catch (error) {
      return Promise.reject(error);
    }
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
        await insertEntries(this.db, batch.flatMap((b) => b.entries));
        for (const b of batch) b.resolve();
      } catch (error) {
        if (batch.length === 1 || !isValueRefusal(error)) {
          // Alone in the batch, or not about a value (the database is away): every caller learns it.
          for (const b of batch) b.reject(refusalOf(error));
          continue;
        }
        for (const b of batch) {
          try {
            await insertEntries(this.db, b.entries);
            b.resolve();
          } catch (own) {
            b.reject(refusalOf(own));
          }
        }
      }
    }
    this.flushing = false;
  }
}

/** A value the database refused is a 422 for the request it belongs to; anything else stays what it was. */
function refusalOf(error: unknown): unknown {
  return isValueRefusal(error) ? unrecordable('the database refuses a value of it') : error;
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
