import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/db/database.ts';

export interface BenchDatabase {
  database: Database;
  /** What the benchmark runs on, for the report; never carries a password. */
  label: string;
  /** Closes the database and, on a server, drops the benchmark's own database. */
  drop(): Promise<void>;
}

const SERVER_URL_VARIABLES = ['BENCH_DATABASE_URL', 'TEST_DATABASE_URL', 'DATABASE_URL'] as const;

/** The Postgres server named by the environment, and which variable named it. */
export function benchServerUrl(env: NodeJS.ProcessEnv = process.env): { url: string; from: string } | undefined {
  for (const name of SERVER_URL_VARIABLES) {
    const url = env[name];
    if (url) return { url, from: name };
  }
  return undefined;
}

/**
 * A fresh, migrated database: a new `sip_bench_<random>` database on the server named by
 * BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL (in that order), else an in-memory
 * PGlite. The connection pool is the service's default unless BENCH_POOL_MAX sets it; with
 * BENCH_KEEP_DATABASE=1 the database is left in place for a look at its plans afterwards.
 */
export async function openBenchDatabase(env: NodeJS.ProcessEnv = process.env, options: { onStatement?: (text: string) => void } = {}): Promise<BenchDatabase> {
  const server = benchServerUrl(env);
  if (!server) {
    const database = await openDatabase({ kind: 'pglite' });
    await database.migrate();
    return { database, label: 'PGlite, in memory (no BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL set)', drop: () => database.close() };
  }
  const name = `sip_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const poolMax = env.BENCH_POOL_MAX ? Number(env.BENCH_POOL_MAX) : undefined;
  let database: Database | undefined;
  const keep = env.BENCH_KEEP_DATABASE === '1';
  const drop = async () => {
    try {
      await database?.close();
    } finally {
      if (keep) console.log(`kept database "${name}" (BENCH_KEEP_DATABASE=1): drop it when done`);
      else await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  };
  try {
    database = await openDatabase({ kind: 'postgres', url: url.toString(), ...(poolMax ? { max: poolMax } : {}), ...options });
    await database.migrate();
  } catch (error) {
    await drop();
    throw error;
  }
  const where = `${url.hostname}:${url.port || '5432'}`;
  return {
    database,
    label: `Postgres server ${where}, fresh database "${name}" (from ${server.from}; pool max ${poolMax ?? 'default'})`,
    drop,
  };
}
