/**
 * Plans benchmark: throughput and latency of reading and updating SIPs under load, against
 * a bare single-row read on the same database as the baseline.
 *
 *   node --import tsx packages/api/bench/plans.bench.ts
 *
 * Environment:
 *   BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL   a Postgres server (a fresh database
 *                                                           is created on it and dropped after);
 *                                                           none set: in-memory PGlite
 *   BENCH_SECONDS         measured seconds per scenario (default 10)
 *   BENCH_WARMUP_SECONDS  warm-up seconds per scenario (default 2)
 *   BENCH_POOL_MAX        database pool size (default: the service's)
 *
 * Prints the figures; exits non-zero only when the run itself went wrong (an error, an
 * access-log row count that does not match the answered requests, a broken chain).
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { chainAccessLog, verifyAccessLog } from '../src/access-log/access-log.ts';
import type { Db } from '../src/db/database.ts';
import { accessLog, plans } from '../src/db/schema.ts';
import { buildTestApp, startTestPeers, type TestPeers } from '../src/test-support/app.ts';
import { openBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { fmt, listen, LoadGenerator, printTable, secondsFrom, type Listening } from './harness.ts';
import type { Scenario, RunSummary } from './load.ts';
import { seedPlans } from './seed.ts';

const PLANS = 10_000;
const VIA_SERVICE = 300;
const CONNECTIONS = 32;
const TARGET_RATIO = 0.5;

/** The baseline: no auth, no logging, no middleware; the same single-row read on the same database. */
function baselineApp(db: Db) {
  const app = new Hono();
  app.get('/plans/:id', async (c) => {
    const [row] = await db.select().from(plans).where(eq(plans.id, c.req.param('id')));
    return row ? c.json(row) : c.json({ error: 'not found' }, 404);
  });
  return app;
}

/** The access log's row count once requests still in flight when a run stopped have finished. */
async function settledCount(db: Db): Promise<number> {
  let last = await db.$count(accessLog);
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await db.$count(accessLog);
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function main(): Promise<number> {
  const seconds = secondsFrom('BENCH_SECONDS', 10);
  const warmupSeconds = secondsFrom('BENCH_WARMUP_SECONDS', 2);
  if (seconds <= 0) throw new Error('BENCH_SECONDS must be more than 0');

  let bench: BenchDatabase | undefined;
  let peers: TestPeers | undefined;
  let load: LoadGenerator | undefined;
  const servers: Listening[] = [];
  let closeApp: (() => Promise<void>) | undefined;
  let failed = false;
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await load?.close();
      await Promise.all(servers.map((s) => s.close()));
      await closeApp?.();
      await peers?.close();
      await bench?.drop();
    })());
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    console.error('interrupted: cleaning up');
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    bench = await openBenchDatabase();
    const { database } = bench;
    console.log(`database: ${bench.label}`);

    const seed = await seedPlans(database, { total: PLANS, viaService: VIA_SERVICE });
    console.log(
      `seeded ${fmt(seed.planIds.length)} plans in ${fmt(seed.ms / 1000, 1)} s: ${seed.viaService} through PlansService (${fmt(seed.serviceMs / 1000, 1)} s), ` +
        `${fmt(seed.bulk)} bulk-inserted as copies of their rows (${fmt(seed.bulkMs / 1000, 1)} s)`,
    );
    console.log(`  rows: ${Object.entries(seed.rows).map(([t, n]) => `${t} ${fmt(n)}`).join(', ')}`);

    peers = await startTestPeers({ seed: false });
    const t = await buildTestApp({ database, peers: peers.urls, env: { LOG_LEVEL: 'silent' } });
    closeApp = () => t.events.close();
    const token = await t.tokenFor('region-physician');
    const app = await listen(t.app.fetch);
    servers.push(app);
    const baseline = await listen(baselineApp(database.db).fetch);
    servers.push(baseline);

    const probeId = seed.planIds[0]!;
    const probes = await Promise.all([
      fetch(`${baseline.url}/plans/${probeId}`),
      fetch(`${app.url}/api/plans/${probeId}`, { headers: { authorization: `Bearer ${token}` } }),
    ]);
    for (const probe of probes) {
      await probe.arrayBuffer();
      if (probe.status !== 200) throw new Error(`probe ${probe.url}: HTTP ${probe.status}`);
    }

    load = new LoadGenerator();
    await load.ask({ type: 'init', planIds: seed.planIds, regionParts: seed.regionParts, token });

    const accessBefore = await database.db.$count(accessLog);
    console.log(
      `load: autocannon in a separate process, ${CONNECTIONS} connections, ${warmupSeconds} s warm-up + ${seconds} s per scenario, random plans of ${fmt(PLANS)}`,
    );
    const scenarios: { name: string; scenario: Scenario; logs: boolean }[] = [
      { name: 'baseline GET /plans/:id', scenario: { kind: 'baseline-read', url: baseline.url }, logs: false },
      { name: 'plan read GET /api/plans/{id}', scenario: { kind: 'plan-read', url: app.url }, logs: true },
      { name: 'part update PATCH /api/plans/{id}/parts/{partId}', scenario: { kind: 'part-update', url: app.url }, logs: true },
    ];
    const results: { name: string; s: RunSummary; warmup: RunSummary | null; logs: boolean }[] = [];
    for (const { name, scenario, logs } of scenarios) {
      const reply = await load.ask({ type: 'run', scenario, seconds, warmupSeconds, connections: CONNECTIONS });
      if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
      results.push({ name, s: reply.measured, warmup: reply.warmup, logs });
    }

    console.log('');
    printTable(results);

    const base = results[0]!.s;
    const read = results[1]!.s;
    const ratio = base.requestsPerSecond > 0 ? read.requestsPerSecond / base.requestsPerSecond : 0;
    const pass = ratio >= TARGET_RATIO;
    console.log('');
    console.log(
      `plan read / baseline throughput: ${fmt(ratio * 100, 1)}%  (target: plan read ≥ ${TARGET_RATIO * 100}% of baseline)  ${pass ? 'PASS' : 'FAIL'}`,
    );

    const accessAfter = await settledCount(database.db);
    const logged = accessAfter - accessBefore;
    const runs = results.filter((r) => r.logs).flatMap((r) => [r.s, ...(r.warmup ? [r.warmup] : [])]);
    const ok = runs.reduce((n, s) => n + s.ok, 0);
    const sent = runs.reduce((n, s) => n + s.sent, 0);
    const logOk = logged >= ok && logged <= sent;
    console.log(
      `access_log: ${fmt(accessAfter)} rows after the run (${fmt(accessBefore)} before, +${fmt(logged)}); ` +
        `2xx reads and updates answered: ${fmt(ok)}, sent: ${fmt(sent)} (warm-ups included)  ${logOk ? 'every answered request logged' : 'MISMATCH'}`,
    );
    const verifyStarted = performance.now();
    await chainAccessLog(database.db);
    const verdict = await verifyAccessLog(database.db);
    const verifyMs = performance.now() - verifyStarted;
    console.log(
      verdict.ok
        ? `access_log chain: intact, ${fmt(verdict.rows)} rows verified in ${fmt(verifyMs / 1000, 1)} s`
        : `access_log chain: BROKEN at seq ${verdict.brokenAt} (${verdict.reason}) after ${fmt(verdict.rows)} rows`,
    );
    failed = !logOk || !verdict.ok;
  } catch (error) {
    if (!interrupted) console.error(error);
    failed = true;
  } finally {
    await cleanUp();
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
