import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { openConfiguredDatabase } from '../server.ts';
import { createTestDatabase, serverUrl, type TestDatabase } from '../test-support/index.ts';
import { openDatabase, type Database } from './database.ts';
import { rowsOf } from './rows.ts';

// In CI a server is required (test-support/databases.ts refuses to run without one).
describe.skipIf(!serverUrl)('a Postgres server the service runs on, one instance or several', () => {
  let test: TestDatabase;
  let database: Database | undefined;

  beforeAll(async () => {
    test = await createTestDatabase('postgres');
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it('holds at most DATABASE_POOL_MAX connections of each instance, however many statements wait', async () => {
    database = await openConfiguredDatabase(loadConfig({ DATABASE_URL: test.url!, DATABASE_POOL_MAX: '3', DATA_DIR: 'unused' }));
    const pids = await Promise.all(
      Array.from({ length: 12 }, async () => rowsOf<{ pid: number }>(await database!.db.execute(sql`select pg_backend_pid() as pid, pg_sleep(0.05)`))[0]!.pid),
    );
    expect(new Set(pids).size).toBe(3);
  });

  it('lets instances start at the same moment: each migrates and grants its role, none fails', async () => {
    const starting = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ kind: 'postgres', url: test.url!, max: 1 })));
    try {
      for (let round = 0; round < 5; round++) {
        const started = await Promise.allSettled(starting.map((d) => d.migrate()));
        expect(started.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
      }
    } finally {
      await Promise.all(starting.map((d) => d.close()));
    }
  });
});
