import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { sql } from 'drizzle-orm';
import { migrationsFolder, openDatabase, type Database, type Db } from '../db/database.ts';
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
 * What the migrations make, as a name: a digest of every file of the migrations folder. A
 * migrated database is copied from one made for the same digest (a PGlite image, a server
 * template database), so each test file's database costs a copy, not a cluster and a migration.
 */
let migrationsDigest: Promise<string> | undefined;
function digestOfMigrations(): Promise<string> {
  migrationsDigest ??= (async () => {
    const hash = createHash('sha256');
    const walk = async (dir: string): Promise<void> => {
      for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else hash.update(entry.name).update('\0').update(await readFile(path)).update('\0');
      }
    };
    await walk(migrationsFolder);
    return hash.digest('hex').slice(0, 16);
  })();
  return migrationsDigest;
}

/**
 * A migrated PGlite data directory, made once for the migrations as they are and kept in the
 * system's temporary folder for the other test files (written whole, then renamed into place).
 */
let pgliteImage: Promise<Blob> | undefined;
function migratedPgliteImage(): Promise<Blob> {
  pgliteImage ??= (async () => {
    // Named by PGlite's version too: another version may not read this one's data directory.
    const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const { version } = JSON.parse(await readFile(join(dirname(pglite), '..', 'package.json'), 'utf8')) as { version: string };
    const file = join(tmpdir(), 'sip-test-databases', `pglite-${version}-${await digestOfMigrations()}.tar`);
    try {
      return new Blob([await readFile(file)]);
    } catch {
      const database = await openDatabase({ kind: 'pglite' });
      await database.migrate();
      const image = await database.image!();
      await database.close();
      await mkdir(join(tmpdir(), 'sip-test-databases'), { recursive: true });
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(partial, new Uint8Array(await image.arrayBuffer()));
      await rename(partial, file);
      return image;
    }
  })();
  return pgliteImage;
}

/**
 * The server's migrated template database for the migrations as they are: made once (under an
 * advisory lock, so test files starting together make it once), then cloned by CREATE DATABASE.
 */
async function migratedTemplate(admin: postgres.Sql, serverUrl: string): Promise<string> {
  const template = `sip_test_template_${await digestOfMigrations()}`;
  const exists = async () => (await admin`select 1 from pg_database where datname = ${template}`).length > 0;
  if (await exists()) return template;
  await admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('sip-test-template'))`;
    if ((await tx`select 1 from pg_database where datname = ${template}`).length > 0) return;
    const building = `${template}_${randomBytes(4).toString('hex')}`;
    // CREATE DATABASE cannot run in a transaction block: on a connection of its own.
    const side = postgres(serverUrl, { max: 1, onnotice: () => {} });
    try {
      await side.unsafe(`create database "${building}"`);
      const url = new URL(serverUrl);
      url.pathname = `/${building}`;
      const owner = await openDatabase({ kind: 'postgres', url: url.toString(), max: 1 });
      try {
        await owner.migrate();
      } finally {
        await owner.close();
      }
      // Renamed only when whole: a template that exists is a migrated one.
      await side.unsafe(`alter database "${building}" rename to "${template}"`);
    } finally {
      await side.end();
    }
  });
  return template;
}

/**
 * Makes the migrated PGlite image and the server's template before any test file runs (the
 * test projects' global setup), so no test's hook waits for them on a busy machine.
 */
export async function prepareTestDatabases(): Promise<void> {
  await migratedPgliteImage();
  if (!serverUrl) return;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await migratedTemplate(admin, serverUrl);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh database of the given kind: in-memory PGlite, or a new database on the server;
 * migrated unless `migrate: false`. With `as: 'service'` (migrated only), `database` runs as the
 * service's own role, which may only insert into and read the access log, as in production.
 */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean; as?: 'owner' | 'service' } = {}): Promise<TestDatabase> {
  const asService = options.as === 'service' && options.migrate !== false;
  if (kind === 'pglite') {
    const database = options.migrate !== false ? await openDatabase({ kind: 'pglite', image: await migratedPgliteImage() }) : await openDatabase({ kind: 'pglite' });
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
  if (options.migrate !== false) await admin.unsafe(`create database "${name}" template "${await migratedTemplate(admin, serverUrl)}"`);
  else await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const owner = await openDatabase({ kind: 'postgres', url: url.toString(), max: asService ? 2 : 5 });
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
