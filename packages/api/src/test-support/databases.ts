import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Database } from '../db/database.ts';

export type DatabaseKind = Database['kind'];

/** The Postgres server database tests run on, beside PGlite. */
export const serverUrl = process.env.TEST_DATABASE_URL || undefined;

if (process.env.CI === 'true' && !serverUrl) {
  throw new Error('CI=true: TEST_DATABASE_URL must name a Postgres server; database tests run on PGlite and on a server');
}

export interface TestDatabase {
  database: Database;
  /** The server URL of this fresh database (postgres only). */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of the given kind: in-memory PGlite, or a new database on the server. */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite' });
    if (options.migrate !== false) await database.migrate();
    return { database, drop: () => database.close() };
  }
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `sip_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), max: 5 });
  if (options.migrate !== false) await database.migrate();
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export const databaseKinds: DatabaseKind[] = ['pglite', 'postgres'];

/**
 * Runs a block of database tests twice: on PGlite and on the Postgres server, each in a
 * fresh database. Without TEST_DATABASE_URL (and not in CI) the server run is reported
 * as skipped, with the reason in its name.
 */
export function describeEachDatabase(name: string, body: (ctx: { readonly database: Database; kind: DatabaseKind }) => void) {
  for (const kind of databaseKinds) {
    const missing = kind === 'postgres' && !serverUrl;
    const title = missing ? `${name} [postgres: skipped, TEST_DATABASE_URL not set]` : `${name} [${kind}]`;
    describe.skipIf(missing)(title, () => {
      let test: TestDatabase | undefined;
      // Opening PGlite and migrating takes seconds, more on a machine running many test files at once.
      beforeAll(async () => {
        test = await createTestDatabase(kind);
      }, 120_000);
      afterAll(async () => {
        await test?.drop();
      });
      body({
        kind,
        get database() {
          if (!test) throw new Error('database not ready');
          return test.database;
        },
      });
    });
  }
}
