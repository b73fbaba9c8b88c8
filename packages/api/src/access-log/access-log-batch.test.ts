import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { ProblemError } from '../http/errors.ts';
import { accessEntry, buildTestApp, describeEachDatabase, expectProblem, staffClient, type TestApp, usePeers } from '../test-support/index.ts';
import { accessEntryFault, recordAccessCommitted, verifyAccessLog, type AccessEntry } from './access-log.ts';

const peers = usePeers({ seed: false });

/** A request id the database is made to refuse below, by a constraint of its own: an entry only the database finds wrong. */
const REFUSED = 'refused-by-the-database';

const entry = accessEntry;

describeEachDatabase('one bad access-log entry never fails another request', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });
  afterEach(async () => {
    await ctx.asOwner((db) => db.execute(sql`alter table access_log drop constraint if exists refuse_one_request_id`));
    await ctx.asOwner((db) => db.execute(sql`alter table access_log drop constraint if exists refuse_one_user`));
  });

  const rowsWithRequestIds = async (prefix: string) =>
    Number(
      rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from access_log where request_id like ${`${prefix}%`}`))[0]!.n,
    );

  /**
   * Twenty entries of one user's reads, queued together with one bad entry of another request:
   * the first goes alone (nothing waits yet), the other twenty, the bad one among them, in one batch.
   */
  async function twentyGoodAndOneBad(tag: string, bad: AccessEntry) {
    const good = Array.from({ length: 20 }, (_, i) => entry({ requestId: `${tag}-${i}` }));
    const calls = good.map((e) => recordAccessCommitted(ctx.database.db, [e]));
    calls.splice(10, 0, recordAccessCommitted(ctx.database.db, [bad]));
    const settled = await Promise.allSettled(calls);
    const badResult = settled.splice(10, 1)[0]!;
    return { goodResults: settled, badResult };
  }

  it('an entry the database could not store is refused before it joins a batch: the others are recorded, the chain verifies', async () => {
    const bads: [string, AccessEntry][] = [
      ['a NUL in the user id', entry({ userId: 'SE2321000099-7\u0000P02', requestId: 'bad' })],
      ['a lone surrogate in the individual id', entry({ individualId: '19400301\uD8009801', requestId: 'bad' })],
      ['a time in year 0000', entry({ at: new Date('0000-06-01T00:00:00Z'), requestId: 'bad' })],
      ['no time at all', entry({ at: new Date(Number.NaN), requestId: 'bad' })],
      ['a plan id that is no UUID', entry({ planId: 'not-a-uuid', requestId: 'bad' })],
    ];
    for (const [i, [what, bad]] of bads.entries()) {
      expect(accessEntryFault(bad), what).not.toBeNull();
      const { goodResults, badResult } = await twentyGoodAndOneBad(`checked-${i}`, bad);
      expect(goodResults.map((r) => r.status), what).toEqual(Array(20).fill('fulfilled'));
      expect(badResult.status, what).toBe('rejected');
      const reason = (badResult as PromiseRejectedResult).reason as ProblemError;
      expect(reason, what).toBeInstanceOf(ProblemError);
      expect(reason.status, what).toBe(422);
      expect(await rowsWithRequestIds(`checked-${i}-`), what).toBe(20);
    }
    expect(await verifyAccessLog(ctx.database.db)).toMatchObject({ ok: true });
  });

  it('when the database refuses an entry of a batch, each is inserted on its own: only that one fails, the chain verifies', async () => {
    await ctx.asOwner((db) => db.execute(sql.raw(`alter table access_log add constraint refuse_one_request_id check (request_id is distinct from '${REFUSED}')`)));
    const bad = entry({ requestId: REFUSED });
    expect(accessEntryFault(bad)).toBeNull();
    const { goodResults, badResult } = await twentyGoodAndOneBad('batched', bad);
    expect(goodResults.map((r) => r.status)).toEqual(Array(20).fill('fulfilled'));
    expect(badResult.status).toBe('rejected');
    expect(((badResult as PromiseRejectedResult).reason as ProblemError).status).toBe(422);
    expect(await rowsWithRequestIds('batched-')).toBe(20);
    expect(await rowsWithRequestIds(REFUSED)).toBe(0);
    expect(await verifyAccessLog(ctx.database.db)).toMatchObject({ ok: true });
  });

  it('20 concurrent reads of one user and one read whose entry the database refuses: the 20 succeed, the one is a 422 problem', async () => {
    const coordinator = await staffClient(t, 'region-coordinator');
    const physician = await staffClient(t, 'region-physician');
    const plan = await coordinator.createPlan({ individual: { personId: '195202149836' } });
    // Request ids are the service's own, so the entry the database refuses is picked by its user: the coordinator's reads.
    const COORDINATOR = 'SE2321000099-7P01';
    const PHYSICIAN = 'SE2321000099-7P02';
    const countFor = async (userId: string) =>
      Number(
        rowsOf<{ n: string | number }>(await ctx.database.db.execute(sql`select count(*) as n from access_log where user_id = ${userId}`))[0]?.n ?? 0,
      );
    await ctx.asOwner((db) => db.execute(sql.raw(`alter table access_log add constraint refuse_one_user check (user_id is distinct from '${COORDINATOR}') not valid`)));
    const coordinatorRows = await countFor(COORDINATOR);

    // Several rounds, the bad read at a different place in each: reads that arrive while an
    // insert is in flight are batched, so the bad entry shares a batch with good ones.
    for (const [round, at] of [0, 5, 10, 15, 20].entries()) {
      const before = await countFor(PHYSICIAN);
      const reads = Array.from({ length: 20 }, () => physician.request(`/api/plans/${plan.id}`));
      reads.splice(at, 0, coordinator.request(`/api/plans/${plan.id}`));
      const answers = await Promise.all(reads);
      const [refused] = answers.splice(at, 1);

      expect(answers.map((res) => res.status), `round ${round}`).toEqual(Array(20).fill(200));
      const problem = await expectProblem(refused!, 422);
      expect(problem.detail).toMatch(/access log/);
      expect((await countFor(PHYSICIAN)) - before, `round ${round}`).toBe(20);
    }
    expect(await countFor(COORDINATOR)).toBe(coordinatorRows);
    await ctx.asOwner((db) => db.execute(sql.raw('alter table access_log drop constraint refuse_one_user')));
    expect(await verifyAccessLog(ctx.database.db)).toMatchObject({ ok: true });
    expect(t.logs.join('')).not.toMatch(/unhandled error/);
  });
});
