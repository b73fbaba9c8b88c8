import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.ts';
import { sqlState } from '../db/refusal.ts';
import { rowsOf } from '../db/rows.ts';
import { accessLogGuard } from '../db/service-role.ts';
import {
  accessEntry,
  buildTestApp,
  createTestDatabase,
  databaseKinds,
  serverUrl,
  staffClient,
  usePeers,
  type TestDatabase,
} from '../test-support/index.ts';
import { chainAccessLog, recordAccess, verifyAccessLog } from './access-log.ts';
import { CheckpointWriter, openCheckpointStore, verifyWithCheckpoints, writeCheckpoint, type CheckpointStore } from './checkpoints.ts';
import { createLogger } from '../logger.ts';
import { Writable } from 'node:stream';

const peers = usePeers({ seed: false });

const signingKey = async (): Promise<JWK & { alg: string }> => {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: 'EdDSA', kid: 'checkpoints-1' };
};

/** Entries written, then linked by the chainer, as the service does after each request. */
const record = async (db: Db, n: number, prefix = 'r') => {
  await recordAccess(db, Array.from({ length: n }, (_, i) => accessEntry({ requestId: `${prefix}-${i}` })));
  await chainAccessLog(db);
};

const seqs = async (db: Db) => rowsOf<{ seq: string | number }>(await db.execute(sql`select seq from access_log order by seq`)).map((r) => Number(r.seq));

/** The owner rewrites the chain from entry `from` on, as whoever can switch off the guard can: every hash recomputed. */
const rechainFrom = (from: number) =>
  sql.raw(`do $$
      declare r record; prev text;
      begin
        select hash into prev from access_log where seq < ${from} order by seq desc limit 1;
        prev := coalesce(prev, 'genesis');
        for r in select seq from access_log where seq >= ${from} order by seq loop
          update access_log set prev_hash = prev where seq = r.seq;
          update access_log a set hash = access_log_digest(prev, a) where seq = r.seq returning hash into prev;
        end loop;
      end $$`);

/** Runs statements as the owner with the table's guard switched off, then on again. */
const tamper = (test: TestDatabase, ...statements: SQL[]) =>
  test.asOwner(async (owner) => {
    await owner.execute(sql`alter table access_log disable trigger user`);
    try {
      for (const statement of statements) await owner.execute(statement);
    } finally {
      await owner.execute(sql`alter table access_log enable trigger user`);
    }
  });

for (const kind of databaseKinds) {
  const missing = kind === 'postgres' && !serverUrl;
  describe.skipIf(missing)(`the access log as evidence [${kind}${missing ? ': skipped, TEST_DATABASE_URL not set' : ''}]`, () => {
    let test: TestDatabase;
    let dir: string;
    let store: CheckpointStore;
    beforeAll(async () => {
      test = await createTestDatabase(kind, { as: 'service' });
    }, 120_000);
    afterAll(async () => {
      await test?.drop();
    });
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sip-checkpoints-'));
      store = await openCheckpointStore({ location: { kind: 'file', path: join(dir, 'checkpoints.jsonl') }, key: await signingKey() });
    });
    afterEach(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      // Each test starts from an empty log (numbered from 1 again), emptied as only the owner can.
      await tamper(test, sql`delete from access_log`);
    });

    it("runs the service as a role that may only insert into and read the log: it cannot change, remove or unguard an entry", async () => {
      const db = test.database.db;
      await record(db, 2);
      expect(await accessLogGuard(db)).toMatchObject({ appendOnly: true, canRecord: true, role: kind === 'pglite' ? 'sip_service' : 'sip_service_test' });
      for (const statement of [
        sql`update access_log set user_id = 'SE2321000099-7P99'`,
        // Nor link an entry itself: only the chainer, which runs as the owner, does.
        sql`update access_log set seq = null, prev_hash = null, hash = null where seq = 2`,
        sql`delete from access_log where seq = 2`,
        sql`truncate access_log`,
        sql`alter table access_log disable trigger user`,
        sql`drop trigger access_log_chain_before_insert on access_log`,
        sql`update access_log_numbering set gap_free_after = 1000`,
        sql`delete from access_log_numbering`,
        sql`insert into access_log_numbering values (1000)`,
        sql`create or replace function access_log_digest(prev_hash text, r access_log) returns text language sql as $$ select 'x' $$`,
      ]) {
        const error = await db.execute(statement).then(
          () => undefined,
          (e: unknown) => e,
        );
        // Refused for want of the privilege (42501), not by a trigger the owner could switch off.
        expect(sqlState(error), statement.queryChunks.map((c) => JSON.stringify(c)).join('')).toBe('42501');
      }
      // What it inserts is written unchained, whatever it says, and numbered and linked by the chainer.
      await db.execute(sql`insert into access_log (seq, at, user_id, organisation_id, action, purpose, prev_hash, hash)
        values (999, now(), 'SE2321000099-7P02', 'SE2321000099-7RG1', 'plan.read', 'care-coordination', 'forged', 'forged')`);
      expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 2, unchained: 1 });
      await chainAccessLog(db);
      expect(await seqs(db)).toEqual([1, 2, 3]);
      expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 3, newest: 3 });
      // The owner is not: it could switch the guard off.
      expect(await test.asOwner((owner) => accessLogGuard(owner))).toMatchObject({ appendOnly: false });
    });

    it('numbers entries without gaps, even when an insert is rolled back', async () => {
      const db = test.database.db;
      await record(db, 1);
      await expect(
        db.transaction(async (tx) => {
          await recordAccess(tx as unknown as Db, [accessEntry({ requestId: 'rolled-back' })]);
          throw new Error('the change fails after its entry was written');
        }),
      ).rejects.toThrow('the change fails');
      await record(db, 2, 'after');
      expect(await seqs(db)).toEqual([1, 2, 3]);
      // The write order has a hole where the rolled-back entry was; the chain's numbering has none.
      const ids = rowsOf<{ id: string | number }>(await db.execute(sql`select id from access_log order by id`)).map((r) => Number(r.id));
      expect(ids[1]! - ids[0]!).toBe(2);
      expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 3 });
    });

    it('finds the newest entries deleted by their checkpoint, which the chain alone cannot', async () => {
      const db = test.database.db;
      await record(db, 5);
      expect(await writeCheckpoint(db, store, new Date())).toMatchObject({ written: true, checkpoint: { seq: 5 } });
      await tamper(test, sql`delete from access_log where seq >= 4`);

      // The chain that is left is whole: without a checkpoint, nothing shows.
      expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 3 });
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: false, brokenAt: 4, reason: 'missing', checkpoint: { seq: 5 } });
      // And no new checkpoint vouches for what is left, even once the log grows past it again.
      await record(db, 3, 'later');
      expect(await writeCheckpoint(db, store, new Date())).toMatchObject({ written: false, reason: 'broken' });
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: false, reason: 'checkpoint', brokenAt: 5 });
    });

    it('finds an entry rewritten and the chain recomputed over it by the checkpoint', async () => {
      const db = test.database.db;
      await record(db, 4);
      await writeCheckpoint(db, store, new Date());
      await tamper(test, sql`update access_log set user_id = 'SE2321000099-7P99' where seq = 2`);
      expect(await verifyAccessLog(db)).toMatchObject({ ok: false, brokenAt: 2, reason: 'hash' });
      await tamper(test, rechainFrom(2));

      expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 4 });
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: false, brokenAt: 4, reason: 'checkpoint' });
    });

    it('names a deleted entry as a gap in the numbering, even when the chain is recomputed over it', async () => {
      const db = test.database.db;
      await record(db, 4);
      await tamper(test, sql`delete from access_log where seq = 2`, rechainFrom(3));
      expect(await verifyAccessLog(db)).toMatchObject({ ok: false, brokenAt: 2, reason: 'gap' });
    });

    it('finds an entry deleted, renumbered and rechained by the checkpoint', async () => {
      const db = test.database.db;
      await record(db, 4);
      await writeCheckpoint(db, store, new Date());
      await tamper(test, sql`delete from access_log where seq = 2`, sql`update access_log set seq = seq - 1 where seq > 2`, rechainFrom(2));
      expect(await verifyAccessLog(db)).toMatchObject({ ok: true, rows: 3 });
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: false, brokenAt: 4, reason: 'missing' });
    });

    it('trusts only checkpoints signed with its key: an edited one, or one signed with another key, is refused', async () => {
      const db = test.database.db;
      const path = join(dir, 'checkpoints.jsonl');
      await record(db, 2);
      await writeCheckpoint(db, store, new Date());
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: true, checkpoint: { seq: 2 }, checkpointsKept: true });
      const original = readFileSync(path, 'utf8');

      // Someone who can write the file moves the checkpoint back, to hide the deletion of entry 2.
      const [line] = original.trim().split('\n');
      const edited = { ...(JSON.parse(line!) as Record<string, unknown>), seq: 1 };
      writeFileSync(path, `${JSON.stringify(edited)}\n`);
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: false, reason: 'checkpoints' });

      // A checkpoint signed with another key is no better.
      const forger = await openCheckpointStore({ location: { kind: 'file', path }, key: await signingKey() });
      writeFileSync(path, '');
      await forger.append({ seq: 1, hash: 'a'.repeat(64), writtenAt: new Date().toISOString() });
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: false, reason: 'checkpoints' });
      // Unsigned, neither.
      writeFileSync(path, `${JSON.stringify({ seq: 2, hash: 'b'.repeat(64), writtenAt: new Date().toISOString() })}\n`);
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: false, reason: 'checkpoints' });

      writeFileSync(path, original);
      expect(await verifyWithCheckpoints(db, store)).toMatchObject({ ok: true });
    });

    it('writes checkpoints as the log grows, and a last one when it stops', async () => {
      const db = test.database.db;
      const logs: string[] = [];
      const logger = createLogger('debug', new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }));
      await record(db, 2);
      const writer = new CheckpointWriter(db, store, logger, 60_000, () => new Date());
      await writer.start();
      expect((await store.newest())?.seq).toBe(2);
      await record(db, 3, 'more');
      await writer.stop();
      const kept = await (await openCheckpointStore({ location: { kind: 'file', path: join(dir, 'checkpoints.jsonl') }, key: undefined })).all();
      expect(kept.map((c) => c.seq)).toEqual([2, 5]);
      expect(logs.join('')).not.toMatch(/194003019801/);
      // The store was closed with the writer: the next test's store is its own.
      store = await openCheckpointStore({ location: { kind: 'file', path: join(dir, 'checkpoints.jsonl') } });
    });

    it('answers GET /api/access-log/verify with the checkpoint it compared, for auditors', async () => {
      const t = await buildTestApp({ database: test.database, peers: peers.urls, accessLogCheckpoints: store });
      const coordinator = await staffClient(t, 'region-coordinator');
      const auditor = await staffClient(t, 'region-auditor');
      await coordinator.createPlan({ individual: { personId: '195202149836' } });
      await writeCheckpoint(test.database.db, store, new Date());
      const verdict = await (await auditor.request('/api/access-log/verify')).json();
      expect(verdict).toMatchObject({ ok: true, checkpointsKept: true, checkpoint: { seq: expect.any(Number) } });

      await tamper(test, sql`delete from access_log where seq = (select max(seq) from access_log)`);
      const broken = (await (await auditor.request('/api/access-log/verify')).json()) as { ok: boolean; reason: string };
      expect(broken).toMatchObject({ ok: false, reason: 'missing' });
      await t.events.close();
    });
  });
}

describe.skipIf(!serverUrl)(`checkpoints in a second Postgres store${serverUrl ? '' : ' [skipped: TEST_DATABASE_URL not set]'}`, () => {
  let log: TestDatabase;
  let second: TestDatabase;
  beforeAll(async () => {
    log = await createTestDatabase('postgres', { as: 'service' });
    second = await createTestDatabase('postgres', { migrate: false });
  }, 120_000);
  afterAll(async () => {
    await log?.drop();
    await second?.drop();
  });

  it('keeps them in a table of its own, and finds the deletion of the newest entries with them', async () => {
    const store = await openCheckpointStore({ location: { kind: 'postgres', url: second.url! }, key: await signingKey() });
    try {
      expect(store.where).not.toContain('@');
      await record(log.database.db, 3);
      expect(await writeCheckpoint(log.database.db, store, new Date())).toMatchObject({ written: true });
      expect(await writeCheckpoint(log.database.db, store, new Date())).toMatchObject({ written: false, reason: 'unchanged' });
      expect(await store.all()).toEqual([expect.objectContaining({ seq: 3 })]);
      await tamper(log, sql`delete from access_log where seq = 3`);
      expect(await verifyWithCheckpoints(log.database.db, store)).toMatchObject({ ok: false, brokenAt: 3, reason: 'missing' });
    } finally {
      await store.close();
    }
  });
});
