import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import type { Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import { accessEntry, describeEachDatabase } from '../test-support/index.ts';
import { AccessLogChainer, CHAIN_PAUSE_MS, chainAccessLog, recordAccess, verifyAccessLog } from './access-log.ts';

/**
 * What writers and the chainer do, in any order: a transaction writes entries and commits or
 * rolls back, possibly staying open across later steps (on a server, where it holds a
 * connection of its own); the chainer runs, alone or at the same moment as a write.
 */
type Step =
  | { kind: 'write'; entries: number; commit: boolean }
  | { kind: 'open'; entries: number }
  | { kind: 'close'; which: number; commit: boolean }
  | { kind: 'chain' }
  | { kind: 'chain-with-write'; entries: number };

const stepArb = (concurrent: boolean): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({ kind: fc.constant('write' as const), entries: fc.integer({ min: 1, max: 4 }), commit: fc.boolean() }),
    fc.record({ kind: fc.constant('chain' as const) }),
    fc.record({ kind: fc.constant('chain-with-write' as const), entries: fc.integer({ min: 1, max: 3 }) }),
    ...(concurrent
      ? [
          fc.record({ kind: fc.constant('open' as const), entries: fc.integer({ min: 1, max: 3 }) }),
          fc.record({ kind: fc.constant('close' as const), which: fc.nat(), commit: fc.boolean() }),
        ]
      : []),
  );

class Rollback extends Error {}

/** The service's pool holds five connections (test-support/databases.ts). */
const MAX_OPEN = 3;

/** A transaction that has written its entries and waits to be told whether to commit. */
interface Open {
  requestIds: string[];
  end(commit: boolean): Promise<void>;
}

function openTransaction(db: Db, requestIds: string[]): Promise<Open> {
  return new Promise((ready, failed) => {
    let decide: (commit: boolean) => void = () => {};
    const decided = new Promise<boolean>((resolve) => (decide = resolve));
    const done = db
      .transaction(async (tx) => {
        await recordAccess(tx as unknown as Db, requestIds.map((requestId) => accessEntry({ requestId })));
        ready({ requestIds, end: async (commit) => (decide(commit), await done) });
        if (!(await decided)) throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    done.catch(failed);
  });
}

describeEachDatabase('the access log chainer', (ctx) => {
  afterEach(async () => {
    await ctx.asOwner(async (owner) => {
      await owner.execute(sql`alter table access_log disable trigger user`);
      await owner.execute(sql`delete from access_log`);
      await owner.execute(sql`alter table access_log enable trigger user`);
    });
  });

  it('links every committed entry exactly once, in any interleaving of writers and chainer runs; the chain verifies, and a tampered entry is found', async () => {
    // PGlite has one connection: a transaction left open would hold it, so there writers take turns.
    const concurrent = ctx.kind === 'postgres';
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb(concurrent), { minLength: 1, maxLength: 14 }), fc.nat(), async (steps, tamperPick) => {
        run += 1;
        const db = ctx.database.db;
        let n = 0;
        const ids = (count: number) => Array.from({ length: count }, () => `run${run}-e${n++}`);
        const committed = new Set<string>();
        const rolledBack = new Set<string>();
        const open: Open[] = [];
        const write = async (count: number, commit: boolean) => {
          const requestIds = ids(count);
          const tx = await openTransaction(db, requestIds);
          await tx.end(commit);
          for (const id of requestIds) (commit ? committed : rolledBack).add(id);
        };
        for (const step of steps) {
          if (step.kind === 'write') await write(step.entries, step.commit);
          else if (step.kind === 'chain') await chainAccessLog(db);
          else if (step.kind === 'chain-with-write') await Promise.all([chainAccessLog(db), write(step.entries, true)]);
          else if (step.kind === 'open') {
            // Each open transaction holds one of the pool's connections: keep two free for the
            // chainer and the verification, or the next step would wait for a connection forever.
            if (open.length >= MAX_OPEN) {
              const tx = open.shift()!;
              await tx.end(true);
              for (const id of tx.requestIds) committed.add(id);
            }
            open.push(await openTransaction(db, ids(step.entries)));
          }
          else if (open.length > 0) {
            const [tx] = open.splice(step.which % open.length, 1);
            await tx!.end(step.commit);
            for (const id of tx!.requestIds) (step.commit ? committed : rolledBack).add(id);
          }
          // Whatever has happened so far, what is linked verifies; what is not yet is only counted.
          const verdict = await verifyAccessLog(db);
          expect(verdict).toMatchObject({ ok: true });
        }
        // Entries of transactions still open are not linked while they are open, even by a run now.
        await chainAccessLog(db);
        if (open.length > 0) {
          const linked = rowsOf<{ request_id: string }>(await db.execute(sql`select request_id from access_log where seq is not null`)).map((r) => r.request_id);
          for (const tx of open) for (const id of tx.requestIds) expect(linked).not.toContain(id);
        }
        for (const tx of open.splice(0)) {
          await tx.end(true);
          for (const id of tx.requestIds) committed.add(id);
        }
        await chainAccessLog(db);

        const rows = rowsOf<{ seq: string | number | null; request_id: string }>(
          await db.execute(sql`select seq, request_id from access_log order by seq`),
        );
        // Every committed entry, once, linked; nothing of a rolled-back transaction.
        expect(rows.map((r) => r.request_id).sort()).toEqual([...committed].sort());
        for (const id of rolledBack) expect(rows.map((r) => r.request_id)).not.toContain(id);
        // Numbered 1, 2, 3, … without a gap, whatever rolled back.
        expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
        expect(await verifyAccessLog(db)).toEqual(
          expect.objectContaining({ ok: true, rows: committed.size, newest: committed.size || null, unchained: 0, unchainedIds: null }),
        );

        if (rows.length > 0) {
          // Someone who can switch the guard off rewrites one entry: the chain shows which.
          const target = (tamperPick % rows.length) + 1;
          await ctx.asOwner(async (owner) => {
            await owner.execute(sql`alter table access_log disable trigger user`);
            await owner.execute(sql`update access_log set user_id = 'SE2321000099-7P99' where seq = ${target}`);
            await owner.execute(sql`alter table access_log enable trigger user`);
          });
          expect(await verifyAccessLog(db)).toMatchObject({ ok: false, brokenAt: target, reason: 'hash' });
        }
        await ctx.asOwner(async (owner) => {
          await owner.execute(sql`alter table access_log disable trigger user`);
          await owner.execute(sql`delete from access_log`);
          await owner.execute(sql`alter table access_log enable trigger user`);
        });
      }),
      { numRuns: ctx.kind === 'postgres' ? 40 : 25 },
    );
  }, 240_000);

  it('reports entries not yet linked as such, never as broken, and links them in write order', async () => {
    const db = ctx.database.db;
    await recordAccess(db, [accessEntry({ requestId: 'first' })]);
    await chainAccessLog(db);
    await recordAccess(db, [accessEntry({ requestId: 'second' }), accessEntry({ requestId: 'third' })]);
    const before = await verifyAccessLog(db);
    expect(before).toMatchObject({ ok: true, rows: 1, newest: 1, unchained: 2 });
    const [ids] = rowsOf<{ first: string | number; last: string | number }>(
      await db.execute(sql`select min(id) as first, max(id) as last from access_log where seq is null`),
    );
    expect(before.unchainedIds).toEqual({ first: Number(ids!.first), last: Number(ids!.last) });
    expect(await chainAccessLog(db)).toBe(2);
    const rows = rowsOf<{ seq: string | number; request_id: string }>(await db.execute(sql`select seq, request_id from access_log order by seq`));
    expect(rows.map((r) => [Number(r.seq), r.request_id])).toEqual([
      [1, 'first'],
      [2, 'second'],
      [3, 'third'],
    ]);
    expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 3, unchained: 0 });
    // A chained entry set back to unchained by someone who can switch the guard off is a gap, not pending.
    await ctx.asOwner(async (owner) => {
      await owner.execute(sql`alter table access_log disable trigger user`);
      await owner.execute(sql`update access_log set seq = null, prev_hash = null, hash = null where seq = 2`);
      await owner.execute(sql`alter table access_log enable trigger user`);
    });
    expect(await verifyAccessLog(db)).toMatchObject({ ok: false, brokenAt: 2, reason: 'gap' });
  });
  it('runs at once when idle; asked again while it runs, it waits its pause and then links in one run what was committed meanwhile', async () => {
    const db = ctx.database.db;
    const linked = async () =>
      rowsOf<{ request_id: string }>(await db.execute(sql`select request_id from access_log where seq is not null order by seq`)).map((r) => r.request_id);
    // The pause is the test's to end: no clock runs.
    const pauses: number[] = [];
    let paused: (ms: number) => void = () => {};
    let endPause: () => void = () => {};
    const pause = (ms: number) => {
      pauses.push(ms);
      paused(ms);
      return new Promise<void>((resolve) => (endPause = resolve));
    };
    const errors: unknown[] = [];
    const chainer = new AccessLogChainer(db, (error) => errors.push(error), pause);

    // Idle: the run is at once, no pause.
    await recordAccess(db, [accessEntry({ requestId: 'idle' })]);
    await chainer.kick();
    expect(pauses).toEqual([]);
    expect(await linked()).toEqual(['idle']);

    // Asked again while it runs (requests answering under load): the run ends, then it pauses.
    await recordAccess(db, [accessEntry({ requestId: 'a' })]);
    const pausing = new Promise<number>((resolve) => (paused = resolve));
    let ended = false;
    const first = chainer.kick().then(() => (ended = true));
    const second = chainer.kick();
    expect(await pausing).toBe(CHAIN_PAUSE_MS);
    expect(await linked()).toEqual(['idle', 'a']);
    // Entries committed during the pause wait for the run after it, and so do both kicks.
    await recordAccess(db, [accessEntry({ requestId: 'b' }), accessEntry({ requestId: 'c' })]);
    const third = chainer.kick();
    expect(await linked()).toEqual(['idle', 'a']);
    expect(ended).toBe(false);
    expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 2, unchained: 2 });
    endPause();
    await Promise.all([first, second, third]);
    expect(await linked()).toEqual(['idle', 'a', 'b', 'c']);
    // Nobody asked during that run: no pause after it, and the next kick is a run at once again.
    expect(pauses).toEqual([CHAIN_PAUSE_MS]);
    await recordAccess(db, [accessEntry({ requestId: 'd' })]);
    await chainer.kick();
    expect(pauses).toEqual([CHAIN_PAUSE_MS]);
    expect(await linked()).toEqual(['idle', 'a', 'b', 'c', 'd']);
    expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 5, unchained: 0 });
    expect(errors).toEqual([]);
  });
});
