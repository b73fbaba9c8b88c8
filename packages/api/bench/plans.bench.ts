/**
 * Plans benchmark: throughput and latency of reading a plan (authorisation and the access log
 * included) under load, against a bare single-row read on the same database as the baseline,
 * measured in turn (baseline, plan read, baseline, plan read, …) so that both see the same
 * machine; then the same after the set has grown, for how the read's p99 grows with the plans.
 * Part updates are measured by writes.bench.ts.
 *
 *   node --import tsx packages/api/bench/plans.bench.ts
 *
 * Environment:
 *   BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL   a Postgres server (a fresh database
 *                                                           is created on it and dropped after);
 *                                                           none set: in-memory PGlite
 *   BENCH_SECONDS         measured seconds per run (default 10)
 *   BENCH_WARMUP_SECONDS  warm-up seconds before each run (default 2)
 *   BENCH_ROUNDS          rounds of baseline and plan read at each size (default 3)
 *   BENCH_PLANS_LARGE     the size the set then grows to (default 100000; 0 skips it)
 *   BENCH_POOL_MAX        database pool size (default: the service's)
 *
 * Prints the figures and whether the targets are met; exits non-zero only when the run itself
 * went wrong (an error, an access-log row count that does not match the answered requests, a
 * broken chain).
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { chainAccessLog, verifyAccessLog } from '../src/access-log/access-log.ts';
import type { Db } from '../src/db/database.ts';
import { accessLog, plans } from '../src/db/schema.ts';
import { buildTestApp, startTestPeers, type TestPeers } from '../src/test-support/app.ts';
import { openBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { fmt, listen, LoadGenerator, printTable, secondsFrom, spread, type Listening } from './harness.ts';
import type { RunSummary } from './load.ts';
import { growPlans, seedPlans, settleDatabase, type SeedResult } from './seed.ts';

const PLANS = 10_000;
const VIA_SERVICE = 300;
const CONNECTIONS = 32;
/** The plan read's throughput, at least this share of the baseline's. */
const TARGET_RATIO = 0.7;
/** The plan read's p99 with the grown set, at most this many times the p99 with PLANS. */
const TARGET_P99_GROWTH = 1.2;

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

function countFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got '${raw}'`);
  return value;
}

/** What one size's rounds measured. */
interface SizeResult {
  plans: number;
  ratios: number[];
  /** Every round's plan read and baseline, in the order they ran. */
  reads: RunSummary[];
  baselines: RunSummary[];
}

async function main(): Promise<number> {
  const seconds = secondsFrom('BENCH_SECONDS', 10);
  const warmupSeconds = secondsFrom('BENCH_WARMUP_SECONDS', 2);
  const rounds = countFrom('BENCH_ROUNDS', 3);
  const large = countFrom('BENCH_PLANS_LARGE', 100_000);
  if (seconds <= 0) throw new Error('BENCH_SECONDS must be more than 0');
  if (rounds < 1) throw new Error('BENCH_ROUNDS must be at least 1');
  if (large !== 0 && large <= PLANS) throw new Error(`BENCH_PLANS_LARGE must be 0 or more than ${PLANS}`);

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

    let seed: SeedResult = await seedPlans(database, { total: PLANS, viaService: VIA_SERVICE });
    console.log(
      `seeded ${fmt(seed.planIds.length)} plans in ${fmt(seed.ms / 1000, 1)} s: ${seed.viaService} through PlansService (${fmt(seed.serviceMs / 1000, 1)} s), ` +
        `${fmt(seed.bulk)} bulk-inserted as copies of their rows (${fmt(seed.bulkMs / 1000, 1)} s)`,
    );
    const settle = async () => {
      const started = performance.now();
      await chainAccessLog(database.db);
      await settleDatabase(database);
      console.log(`  rows: ${Object.entries(seed.rows).map(([t, n]) => `${t} ${fmt(n)}`).join(', ')}`);
      console.log(`  access log chained, VACUUM ANALYZE and CHECKPOINT in ${fmt((performance.now() - started) / 1000, 1)} s`);
    };
    await settle();

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
    const generator = load;

    let logOk = true;
    /** Rounds of baseline then plan read on the set as it now is; checks every answered read was logged. */
    const measure = async (): Promise<SizeResult> => {
      await generator.ask({ type: 'init', planIds: seed.planIds, regionParts: seed.regionParts, token });
      const accessBefore = await database.db.$count(accessLog);
      console.log('');
      console.log(
        `${fmt(seed.planIds.length)} plans: ${rounds} rounds of baseline then plan read, autocannon in a separate process, ${CONNECTIONS} connections, ` +
          `${warmupSeconds} s warm-up + ${seconds} s per run, random plans`,
      );
      const result: SizeResult = { plans: seed.planIds.length, ratios: [], reads: [], baselines: [] };
      const table: { name: string; s: RunSummary }[] = [];
      const readRuns: RunSummary[] = [];
      for (let round = 1; round <= rounds; round++) {
        const run = async (kind: 'baseline-read' | 'plan-read', url: string) => {
          // Each run on a settled database, as autovacuum keeps a running server's: the access-log
          // rows the runs before it wrote and chained do not slow it.
          await settleDatabase(database);
          const reply = await generator.ask({ type: 'run', scenario: { kind, url }, seconds, warmupSeconds, connections: CONNECTIONS });
          if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
          return reply;
        };
        const b = await run('baseline-read', baseline.url);
        const r = await run('plan-read', app.url);
        readRuns.push(r.measured, ...(r.warmup ? [r.warmup] : []));
        result.baselines.push(b.measured);
        result.reads.push(r.measured);
        result.ratios.push(b.measured.requestsPerSecond > 0 ? r.measured.requestsPerSecond / b.measured.requestsPerSecond : 0);
        table.push({ name: `${round}: baseline GET /plans/:id`, s: b.measured }, { name: `${round}: plan read GET /api/plans/{id}`, s: r.measured });
      }
      printTable(table);
      const logged = (await settledCount(database.db)) - accessBefore;
      const ok = readRuns.reduce((n, s) => n + s.ok, 0);
      const sent = readRuns.reduce((n, s) => n + s.sent, 0);
      const matches = logged >= ok && logged <= sent;
      logOk &&= matches;
      console.log(
        `access_log: +${fmt(logged)} rows; 2xx plan reads answered: ${fmt(ok)}, sent: ${fmt(sent)} (warm-ups included)  ${matches ? 'every answered read logged' : 'MISMATCH'}`,
      );
      const ratio = spread(result.ratios);
      console.log(
        `plan read / baseline throughput, per round: ${result.ratios.map((r) => `${fmt(r * 100, 1)}%`).join(', ')}; ` +
          `min ${fmt(ratio.min * 100, 1)}%, median ${fmt(ratio.median * 100, 1)}%, max ${fmt(ratio.max * 100, 1)}%`,
      );
      return result;
    };

    const small = await measure();
    const ratio = spread(small.ratios);
    const verdicts: string[] = [
      `plan read / baseline throughput at ${fmt(PLANS)} plans, median of ${rounds}: ${fmt(ratio.median * 100, 1)}% (min ${fmt(ratio.min * 100, 1)}%, max ${fmt(ratio.max * 100, 1)}%)  ` +
        `(target ≥ ${TARGET_RATIO * 100}%)  ${ratio.median >= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
    ];
    if (large > 0) {
      seed = await growPlans(database, seed, large);
      console.log('');
      console.log(`grew the set to ${fmt(seed.planIds.length)} plans in ${fmt(seed.ms / 1000, 1)} s (bulk copies)`);
      await settle();
      const grown = await measure();
      const p99Small = spread(small.reads.map((s) => s.p99)).median;
      const p99Large = spread(grown.reads.map((s) => s.p99)).median;
      const growth = p99Small > 0 ? p99Large / p99Small : Number.POSITIVE_INFINITY;
      const baseGrowth = spread(grown.baselines.map((s) => s.p99)).median / Math.max(1, spread(small.baselines.map((s) => s.p99)).median);
      verdicts.push(
        `plan read p99, median of ${rounds}: ${fmt(p99Small)} ms at ${fmt(small.plans)} plans, ${fmt(p99Large)} ms at ${fmt(grown.plans)}: ×${fmt(growth, 2)}  ` +
          `(target ≤ ×${TARGET_P99_GROWTH}; the baseline's: ×${fmt(baseGrowth, 2)})  ${growth <= TARGET_P99_GROWTH ? 'PASS' : 'FAIL'}`,
      );
    }
    console.log('');
    for (const line of verdicts) console.log(line);

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
