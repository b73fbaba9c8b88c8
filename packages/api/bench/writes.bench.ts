/**
 * Write benchmark: each write figure measured in turn with its baseline (A B A B …), so that
 * both see the same machine, and the ratio of each round printed with its min, median and max.
 *
 *   npm run bench:writes
 *
 * - part update (PATCH /api/plans/{id}/parts/{partId}: authorisation, versions, history,
 *   events, access log, outbox) against a bare Hono handler doing one optimistic single-row
 *   update of a part in one transaction;
 * - a relative's answer on a commitment (POST /api/me/plans/{id}/commitments/{id}/answer:
 *   idempotent, durable) against pgbench inserting one row per transaction into a scratch
 *   table, at the same concurrency; beside them, in the same rounds, a bare Hono handler
 *   inserting the same row per request, which shows how much of pgbench's rate any HTTP
 *   handler on this machine reaches.
 *
 * Every measured run starts on a settled database (VACUUM ANALYZE, CHECKPOINT), as autovacuum
 * keeps a running server's: the dead rows of one run do not slow the next.
 *
 * Needs a Postgres server (BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL) and pgbench.
 * Environment:
 *   BENCH_SECONDS         measured seconds per run (default 10)
 *   BENCH_WARMUP_SECONDS  warm-up seconds before the first round of each pair (default 3)
 *   BENCH_ROUNDS          rounds of each pair (default 3)
 *   BENCH_POOL_MAX        database pool size (default: the service's)
 *   BENCH_STATEMENTS      "1": first count the statements one part update and one answer send
 *
 * Exits non-zero only when the run itself went wrong: an error, or a broken access-log chain.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { and, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { chainAccessLog, verifyAccessLog } from '../src/access-log/access-log.ts';
import type { Db } from '../src/db/database.ts';
import { planParts } from '../src/db/schema.ts';
import { buildTestApp, startTestPeers, type TestApp, type TestPeers } from '../src/test-support/app.ts';
import { consentInput, MARIA_RELATIVE, staffClient } from '../src/test-support/plans.ts';
import { benchServerUrl, openBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { fmt, listen, LoadGenerator, printTable, secondsFrom, type Listening } from './harness.ts';
import type { RunSummary, Scenario, SeededCommitment } from './load.ts';
import { copyPlan, seedPlans, settleDatabase, type SeededPart } from './seed.ts';

const PLANS = 4_000;
const VIA_SERVICE = 100;
const ANSWER_PLANS = 3_000;
const COMMITMENTS_PER_PLAN = 5;
const CONNECTIONS = 32;
const TARGET_RATIO = 0.5;
const run = promisify(execFile);

/**
 * The baseline update: no auth, no logging, no middleware; one optimistic single-row update in one
 * transaction. And the bare insert: pgbench's one-row insert (one statement, its own transaction)
 * behind HTTP.
 */
function baselineApp(db: Db) {
  const app = new Hono();
  app.post('/inserts', async (c) => {
    const { body } = await c.req.json<{ body: string }>();
    await db.execute(sql`insert into bench_inserts (body) values (${body})`);
    return c.body(null, 201);
  });
  app.patch('/parts/:id', async (c) => {
    const expected = Number(/"(\d+)"/.exec(c.req.header('if-match') ?? '')?.[1]);
    const content = await c.req.json();
    const [row] = await db.transaction(async (tx) =>
      tx
        .update(planParts)
        .set({ content, version: sql`${planParts.version} + 1`, updatedAt: new Date() })
        .where(and(eq(planParts.id, c.req.param('id')), eq(planParts.version, expected)))
        .returning({ version: planParts.version }),
    );
    if (!row) return c.json({ error: 'stale' }, 412);
    c.header('ETag', `W/"${row.version}"`);
    return c.json(row);
  });
  return app;
}

function pgbenchPath(): string {
  for (const root of ['/usr/lib/postgresql']) {
    if (!existsSync(root)) continue;
    for (const version of readdirSync(root).sort().reverse()) {
      const candidate = join(root, version, 'bin', 'pgbench');
      if (existsSync(candidate)) return candidate;
    }
  }
  return 'pgbench';
}

/** pgbench, one-row insert per transaction into a scratch table, at `connections`: its transactions per second. */
async function pgbench(url: string, script: string, seconds: number, connections: number): Promise<number> {
  const { stdout } = await run(pgbenchPath(), ['-n', '-c', String(connections), '-j', '2', '-T', String(Math.max(1, Math.round(seconds))), '-f', script, url], {
    maxBuffer: 1 << 20,
  });
  const match = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(stdout);
  if (!match) throw new Error(`pgbench: no tps in its output:\n${stdout}`);
  return Number(match[1]);
}

/** One plan with maria as a relative and commitments proposed to her, copied `copies` times: the commitments to answer. */
async function seedAnswers(t: TestApp, bench: BenchDatabase, copies: number): Promise<SeededCommitment[]> {
  const staff = await staffClient(t, 'region-coordinator');
  const plan = await staff.createSharedPlan({ title: 'SIP för Astrid' }, { scope: { ...consentInput().scope, information: ['goals', 'follow-up'] } });
  const section = async () => Number(/"(\d+)"/.exec((await staff.request(`/api/plans/${plan.id}/relatives`)).headers.get('etag') ?? '')?.[1]);
  const write = async (path: string, body: unknown) => {
    const res = await staff.request(`/api/plans/${plan.id}/relatives${path}`, { method: 'POST', ifMatch: await section(), body });
    if (res.status >= 300) throw new Error(`seed relatives ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const maria = await write('', MARIA_RELATIVE);
  for (let i = 0; i < COMMITMENTS_PER_PLAN; i++) {
    await write(`/${maria.id}/commitments`, { what: `Handla mat, vecka ${i + 1}`, howOften: 'En gång i veckan', from: '2026-12-01', reviewDate: '2027-06-01' });
  }
  await copyPlan(bench.database, plan.id, copies);
  const sections = await bench.database.db
    .select({ planId: planParts.planId, content: planParts.content })
    .from(planParts)
    .where(eq(planParts.kind, 'relatives'));
  return sections.flatMap(({ planId, content }) =>
    ((content as { relatives?: { personId?: string; commitments?: { id: string }[] }[] }).relatives ?? [])
      .filter((r) => r.personId === MARIA_RELATIVE.personId)
      .flatMap((r) => (r.commitments ?? []).map((c) => ({ planId, commitmentId: c.id }))),
  );
}

/** Statements the service's pool sent, while counting. */
const sent: string[] = [];
let counting = false;

/** Counts the statements (round trips) one request sends, one request at a time. */
async function statementsPerRequest(label: string, fire: () => Promise<void>, requests = 20): Promise<void> {
  sent.length = 0;
  counting = true;
  try {
    for (let i = 0; i < requests; i++) await fire();
  } finally {
    counting = false;
  }
  const byText = new Map<string, number>();
  for (const text of sent) {
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 150);
    byText.set(key, (byText.get(key) ?? 0) + 1);
  }
  console.log(`${label}: ${fmt(sent.length / requests, 1)} statements per request (${requests} requests, one at a time)`);
  for (const [text, n] of [...byText].sort((a, b) => b[1] - a[1])) console.log(`  ${fmt(n / requests, 1).padStart(5)}×  ${text}`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<number> {
  const seconds = secondsFrom('BENCH_SECONDS', 10);
  const warmupSeconds = secondsFrom('BENCH_WARMUP_SECONDS', 3);
  const rounds = Math.max(1, Math.round(secondsFrom('BENCH_ROUNDS', 3)));
  if (seconds <= 0) throw new Error('BENCH_SECONDS must be more than 0');
  if (!benchServerUrl()) throw new Error('the write benchmark needs a Postgres server: set BENCH_DATABASE_URL');

  let bench: BenchDatabase | undefined;
  let peers: TestPeers | undefined;
  let load: LoadGenerator | undefined;
  const servers: Listening[] = [];
  let closeApp: (() => Promise<void>) | undefined;
  let scratch: string | undefined;
  let failed = false;
  const cleanUp = async () => {
    await load?.close();
    await Promise.all(servers.map((s) => s.close()));
    await closeApp?.();
    await peers?.close();
    await bench?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    bench = await openBenchDatabase(process.env, {
      onStatement: (text) => {
        if (counting) sent.push(text);
      },
    });
    const { database } = bench;
    console.log(`database: ${bench.label}`);
    const url = new URL(benchServerUrl()!.url);
    url.pathname = `/${/"(sip_bench_[0-9a-f]+)"/.exec(bench.label)![1]}`;

    const seed = await seedPlans(database, { total: PLANS, viaService: VIA_SERVICE });
    const municipalityParts: SeededPart[] = await database.db
      .select({ planId: planParts.planId, partId: planParts.id, version: planParts.version })
      .from(planParts)
      .where(eq(planParts.kind, 'municipality'));
    peers = await startTestPeers({ seed: false });
    const t = await buildTestApp({ database, peers: peers.urls, env: { LOG_LEVEL: 'silent' } });
    closeApp = () => t.events.close();
    const commitments = await seedAnswers(t, bench, ANSWER_PLANS);
    // The seeded entries linked before anything is measured: the chainer then keeps up with the load only.
    await chainAccessLog(database.db);
    // As a server that has been running a while: the planner's statistics taken (a fresh database's
    // tables look empty to it until then), the visibility map set, the seeding's writes flushed.
    await settleDatabase(database);
    console.log(`seeded ${fmt(seed.planIds.length)} plans for part updates and ${fmt(ANSWER_PLANS + 1)} with ${fmt(commitments.length)} commitments proposed to a relative`);

    const token = await t.tokenFor('region-physician');
    const citizenToken = await t.tokenFor('maria');
    const app = await listen(t.app.fetch);
    servers.push(app);
    const baseline = await listen(baselineApp(database.db).fetch);
    servers.push(baseline);

    await database.db.execute(sql`create table bench_inserts (id bigserial primary key, at timestamptz not null default now(), body text not null)`);
    scratch = mkdtempSync(join(tmpdir(), 'writes-bench-'));
    const script = join(scratch, 'insert.sql');
    writeFileSync(script, "insert into bench_inserts (body) values ('an answer of about this length');\n");

    if (process.env.BENCH_STATEMENTS === '1') {
      const [part] = seed.regionParts.slice(-1);
      let version = part!.version;
      await statementsPerRequest('part update', async () => {
        const res = await fetch(`${app.url}/api/plans/${part!.planId}/parts/${part!.partId}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': `W/"${version}"` },
          body: JSON.stringify({ contactPerson: { name: 'Omar Haddad', phone: `+4670174${String(version).padStart(4, '0')}` } }),
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`statement count: part update HTTP ${res.status}`);
        version += 1;
      });
      const plan = commitments.pop()!.planId;
      const own = commitments.filter((c) => c.planId === plan);
      const rest = commitments.filter((c) => c.planId !== plan);
      commitments.length = 0;
      commitments.push(...rest);
      let n = 0;
      await statementsPerRequest(
        "relative's answer",
        async () => {
          const c = own[n % own.length]!;
          const answer = n < own.length ? 'decline' : 'accept';
          n += 1;
          const res = await fetch(`${app.url}/api/me/plans/${c.planId}/commitments/${c.commitmentId}/answer`, {
            method: 'POST',
            headers: { authorization: `Bearer ${citizenToken}`, 'content-type': 'application/json', 'idempotency-key': `count-${n}` },
            body: JSON.stringify({ answer }),
          });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`statement count: answer HTTP ${res.status}`);
        },
        Math.min(own.length * 2, 8),
      );
    }

    load = new LoadGenerator();
    await load.ask({ type: 'init', planIds: seed.planIds, regionParts: seed.regionParts, token, baselineParts: municipalityParts, commitments, citizenToken });
    console.log(
      `load: autocannon in a separate process and pgbench, ${CONNECTIONS} connections, ${warmupSeconds} s warm-up + ${rounds} rounds of ${seconds} s per figure and baseline, in turn`,
    );

    // Each measured run, figure or baseline, starts on a settled database: a running server's
    // autovacuum clears the dead rows of the runs before it (this bench cannot turn autovacuum on
    // for its database alone), and without it every round ran slower than the one before.
    const fire = async (scenario: Scenario, warmup: number): Promise<RunSummary> => {
      await settleDatabase(database);
      const reply = await load!.ask({ type: 'run', scenario, seconds, warmupSeconds: warmup, connections: CONNECTIONS });
      if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
      return reply.measured;
    };
    const updates: { app: RunSummary; base: RunSummary }[] = [];
    const answers: { app: RunSummary; bare: RunSummary; tps: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const warm = round === 0 ? warmupSeconds : 0;
      const appUpdate = await fire({ kind: 'part-update', url: app.url }, warm);
      const baseUpdate = await fire({ kind: 'baseline-update', url: baseline.url }, warm);
      updates.push({ app: appUpdate, base: baseUpdate });
      const appAnswer = await fire({ kind: 'relative-answer', url: app.url }, warm);
      const bareInsert = await fire({ kind: 'baseline-insert', url: baseline.url }, warm);
      await settleDatabase(database);
      if (warm) await pgbench(url.toString(), script, warm, CONNECTIONS);
      const tps = await pgbench(url.toString(), script, seconds, CONNECTIONS);
      answers.push({ app: appAnswer, bare: bareInsert, tps });
      console.log(
        `round ${round + 1}: part update ${fmt(appUpdate.requestsPerSecond, 1)}/s vs bare update ${fmt(baseUpdate.requestsPerSecond, 1)}/s; ` +
          `answer ${fmt(appAnswer.requestsPerSecond, 1)}/s vs pgbench insert ${fmt(tps, 1)} tps (bare HTTP insert ${fmt(bareInsert.requestsPerSecond, 1)}/s)`,
      );
    }

    console.log('');
    printTable([
      ...updates.flatMap((u, i) => [
        { name: `round ${i + 1} part update PATCH /api/plans/{id}/parts/{partId}`, s: u.app },
        { name: `round ${i + 1} baseline PATCH /parts/:id (bare optimistic update)`, s: u.base },
      ]),
      ...answers.flatMap((a, i) => [
        { name: `round ${i + 1} relative's answer POST …/commitments/{id}/answer`, s: a.app },
        { name: `round ${i + 1} reference POST /inserts (bare one-row insert)`, s: a.bare },
      ]),
    ]);
    console.log('');
    const spreadOf = (ratios: number[]) =>
      `ratio min ${fmt(Math.min(...ratios) * 100, 1)}%  median ${fmt(median(ratios) * 100, 1)}%  max ${fmt(Math.max(...ratios) * 100, 1)}%`;
    const report = (label: string, ratios: number[]) => {
      const pass = median(ratios) >= TARGET_RATIO;
      console.log(`${label}: ${spreadOf(ratios)}  (target: median ≥ ${TARGET_RATIO * 100}%)  ${pass ? 'PASS' : 'FAIL'}`);
    };
    // Only 2xx answers count: a 412 or 409 is not a change made.
    const okRate = (s: RunSummary) => s.ok / s.seconds;
    report('part update / bare optimistic update', updates.map((u) => okRate(u.app) / okRate(u.base)));
    report("relative's answer / pgbench one-row insert", answers.map((a) => okRate(a.app) / a.tps));
    // No target: what the figure above is measured against. The same insert behind HTTP, with no
    // auth, validation or logging, is as far as any handler on this machine reaches toward pgbench.
    console.log(`  reference: bare HTTP insert / pgbench one-row insert: ${spreadOf(answers.map((a) => okRate(a.bare) / a.tps))}`);
    console.log(`  reference: relative's answer / bare HTTP insert: ${spreadOf(answers.map((a) => okRate(a.app) / okRate(a.bare)))}`);

    // What the chainer has not linked yet when the load stops, linked now: the whole log verified.
    await chainAccessLog(database.db);
    const started = performance.now();
    const verdict = await verifyAccessLog(database.db);
    console.log(
      verdict.ok
        ? `access_log chain: intact, ${fmt(verdict.rows)} rows verified in ${fmt((performance.now() - started) / 1000, 1)} s`
        : `access_log chain: BROKEN at seq ${verdict.brokenAt} (${verdict.reason}) after ${fmt(verdict.rows)} rows`,
    );
    failed = !verdict.ok;
  } catch (error) {
    console.error(error);
    failed = true;
  } finally {
    await cleanUp();
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
