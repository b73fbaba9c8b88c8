import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database, type Db } from '../db/database.ts';
import { SERVICE_ROLE } from '../db/service-role.ts';

export type DatabaseKind = Database['kind'];

/** The Postgres server database tests run on, beside PGlite. */
export const serverUrl = process.env.TEST_DATABASE_URL || undefined;

if (process.env.CI === 'true' && !serverUrl) {
  throw new Error('CI=true: TEST_DATABASE_URL must name a Postgres server; database tests run on PGlite and on a server');
}

export interface TestDatabase {
  /** As the service meets it: with `as: 'service'`, under the service's own role. */
  database: Database;
  /** The server URL of this fresh database (postgres only), as its owner. */
  url?: string;
  /** Runs `fn` as the owner of the tables (who may do what the service may not: alter, disable triggers). */
  asOwner<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/** The login role the server tests connect as: a member of the service's role, nothing more. */
const SERVICE_LOGIN = 'sip_service_test';

async function ensureServiceLogin(owner: postgres.Sql): Promise<void> {
  await owner.unsafe(`
    do $$ begin
      if not exists (select from pg_roles where rolname = '${SERVICE_LOGIN}') then
        create role ${SERVICE_LOGIN} login in role ${SERVICE_ROLE};
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`);
}

/**
 * A fresh database of the given kind: in-memory PGlite, or a new database on the server;
 * migrated unless `migrate: false`. With `as: 'service'` (migrated only), `database` runs as the
 * service's own role, which may only insert into and read the access log, as in production.
 */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean; as?: 'owner' | 'service' } = {}): Promise<TestDatabase> {
  const asService = options.as === 'service' && options.migrate !== false;
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite' });
    if (options.migrate !== false) await database.migrate();
    if (asService) await database.assumeServiceRole();
    // One connection: the owner is the same session without the role.
    const asOwner = async <T>(fn: (db: Db) => Promise<T>) => {
      if (!asService) return fn(database.db);
      await database.db.execute(sql`reset role`);
      try {
        return await fn(database.db);
      } finally {
        await database.db.execute(sql.raw(`set role ${SERVICE_ROLE}`));
      }
    };
    return { database, asOwner, drop: () => database.close() };
  }
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `sip_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const owner = await openDatabase({ kind: 'postgres', url: url.toString(), max: asService ? 2 : 5 });
  if (options.migrate !== false) await owner.migrate();
  let database = owner;
  if (asService) {
    await ensureServiceLogin(admin);
    const serviceUrl = new URL(url);
    serviceUrl.username = SERVICE_LOGIN;
    serviceUrl.password = '';
    database = await openDatabase({ kind: 'postgres', url: serviceUrl.toString(), max: 5 });
  }
  return {
    database,
    url: url.toString(),
    asOwner: (fn) => fn(owner.db),
    drop: async () => {
      if (database !== owner) await database.close();
      await owner.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export const databaseKinds: DatabaseKind[] = ['pglite', 'postgres'];

/**
 * Runs a block of database tests twice: on PGlite and on the Postgres server, each in a
 * fresh database, as the service meets it: under its own role (`asOwner` for the rest). Without TEST_DATABASE_URL (and not in CI) the server run is reported
 * as skipped, with the reason in its name.
 */
export function describeEachDatabase(
  name: string,
  body: (ctx: { readonly database: Database; kind: DatabaseKind; asOwner<T>(fn: (db: Db) => Promise<T>): Promise<T> }) => void,
) {
  for (const kind of databaseKinds) {
    const missing = kind === 'postgres' && !serverUrl;
    const title = missing ? `${name} [postgres: skipped, TEST_DATABASE_URL not set]` : `${name} [${kind}]`;
    describe.skipIf(missing)(title, () => {
      let test: TestDatabase | undefined;
      // Opening PGlite and migrating takes seconds, more on a machine running many test files at once.
      beforeAll(async () => {
        test = await createTestDatabase(kind, { as: 'service' });
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
        asOwner: (fn) => {
          if (!test) throw new Error('database not ready');
          return test.asOwner(fn);
        },
      });
    });
  }
}
