/**
 * Start benchmark: how long the service takes from its process being started to its first
 * `/health` 200, and its resident memory once `/ready` says ready, built (`npm run build`,
 * `node packages/api/dist/main.js`) against from its sources under tsx (`npm start`), with a bare
 * Hono hello-world on Node as the baseline. Demo mode on the embedded database (PGlite), each
 * start on a copy of the same data directory, prepared once (migrated and seeded); the three
 * taken in turn, run after run.
 *
 *   node --import tsx packages/api/bench/start.bench.ts
 *
 * Environment:
 *   BENCH_RUNS   starts of each (default 5)
 *
 * Builds the service first. Prints min/median/max of each; the CPU the process used to its first
 * `/health` beside the time on the clock, which another load on the machine stretches.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildService } from '../build.mjs';
import { fmt } from './harness.ts';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const HELLO = `
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
const app = new Hono().get('/health', (c) => c.json({ status: 'ok' }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
`;

interface Subject {
  name: string;
  args: string[];
  /** Has a /ready to wait for (the service) or not (the hello-world). */
  ready: boolean;
}

const subjects: Subject[] = [
  { name: 'built (node dist/main.js)', args: [join(apiDir, 'dist', 'main.js')], ready: true },
  { name: 'sources (node --import tsx)', args: ['--import', 'tsx', join(apiDir, 'src', 'main.ts')], ready: true },
  { name: 'Hono hello-world (node)', args: ['--input-type=module', '-e', HELLO], ready: false },
];

/** A free port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Kilobytes resident (Linux: /proc; elsewhere not known). */
function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return Number.NaN;
  }
}

/**
 * Milliseconds of CPU (user and system, all threads) the process has used (Linux: /proc; elsewhere
 * not known): on a busy machine a steadier figure than the time on the clock.
 */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // utime and stime, fields 14 and 15 of the line (11 and 12 after the name), in ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function until(url: string, timeoutMs: number, gone: () => string | undefined): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const why = gone();
    if (why !== undefined) throw new Error(`${url}: the process exited before it answered:\n${why}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url}: no 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Start {
  healthMs: number;
  cpuMs: number;
  rssKb: number;
}

/** One start: milliseconds to the first /health 200 (on the clock, and of CPU), and kB resident once ready. */
async function startOnce(subject: Subject, dataDir: string | undefined): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, subject.args, {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: String(port), ...(dataDir ? { DATA_DIR: dataDir } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const gone = () => (child.exitCode !== null || child.signalCode !== null ? stderr : undefined);
  try {
    const url = `http://127.0.0.1:${port}`;
    await until(`${url}/health`, 120_000, gone);
    const healthMs = performance.now() - started;
    const cpu = cpuMs(child.pid!);
    if (subject.ready) await until(`${url}/ready`, 120_000, gone);
    return { healthMs, cpuMs: cpu, rssKb: rssKb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)! };
};

const built = await buildService();
console.log(`built ${built.path} (${fmt(built.bytes / 1024)} KB)`);

// One data directory, migrated and seeded by a first start, copied for each start after.
const work = mkdtempSync(join(tmpdir(), 'sip-start-bench-'));
const prepared = join(work, 'prepared');
try {
  await startOnce(subjects[0]!, prepared);
  const results = new Map(subjects.map((s) => [s.name, [] as Start[]]));
  for (let run = 0; run < RUNS; run++) {
    for (const subject of subjects) {
      const dataDir = join(work, `run-${run}-${subjects.indexOf(subject)}`);
      cpSync(prepared, dataDir, { recursive: true });
      results.get(subject.name)!.push(await startOnce(subject, dataDir));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(`\n${RUNS} starts of each, in turn; Node ${process.version}; demo mode on PGlite, data directory prepared\n`);
  const header = ['', 'to /health ms', 'CPU ms to /health', 'RSS once ready MB'];
  const cell = (values: number[]) => {
    const { min, median, max } = stats(values);
    return `${fmt(min)} / ${fmt(median)} / ${fmt(max)}`;
  };
  const rows = subjects.map((s) => {
    const runs = results.get(s.name)!;
    return [s.name, cell(runs.map((r) => r.healthMs)), cell(runs.map((r) => r.cpuMs)), cell(runs.map((r) => r.rssKb / 1024))];
  });
  console.log('min / median / max');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
} finally {
  rmSync(work, { recursive: true, force: true });
}
