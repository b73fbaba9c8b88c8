import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUrl, type TestDatabase } from '../test-support/databases.ts';
import { openDatabase, type Database } from './database.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoIssuerKeys } from './schema.ts';

/** The shape of the public schema: tables, columns with types and defaults, constraints, indexes. */
async function schemaShape(database: Database) {
  const rows = async (query: ReturnType<typeof sql>) => {
    const result = (await database.db.execute(query)) as unknown as { rows?: unknown[] } | unknown[];
    return Array.isArray(result) ? result : (result.rows ?? []);
  };
  const columns = await rows(sql`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public'
    order by table_name, column_name`);
  // pg_constraint rather than information_schema: the latter names NOT NULL constraints
  // differently across Postgres versions, and nullability is compared with the columns.
  const constraints = await rows(sql`
    select c.conrelid::regclass::text as table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname = 'public' and c.contype <> 'n'
    order by 1, 2`);
  const indexes = await rows(sql`
    select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by tablename, indexname`);
  const triggers = await rows(sql`
    select event_object_table, trigger_name, action_timing, event_manipulation
    from information_schema.triggers where trigger_schema = 'public'
    order by event_object_table, trigger_name, event_manipulation`);
  return { columns, constraints, indexes, triggers };
}

describe('migrations', () => {
  let pglite: TestDatabase;
  beforeAll(async () => {
    pglite = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await pglite?.drop();
  });

  it('create the schema on PGlite', async () => {
    const shape = await schemaShape(pglite.database);
    expect(shape.columns).toContainEqual(expect.objectContaining({ table_name: 'demo_issuer_keys', column_name: 'kid' }));
  });

  it('are idempotent: running them again changes nothing', async () => {
    const before = await schemaShape(pglite.database);
    await pglite.database.migrate();
    expect(await schemaShape(pglite.database)).toEqual(before);
  });

  describe.skipIf(!serverUrl)(
    `on a Postgres server${serverUrl ? '' : ' [skipped: TEST_DATABASE_URL not set]'}`,
    () => {
      let server: TestDatabase;
      beforeAll(async () => {
        server = await createTestDatabase('postgres');
      });
      afterAll(async () => {
        await server?.drop();
      });

      it('produce exactly the same schema as on PGlite', async () => {
        const [a, b] = await Promise.all([schemaShape(pglite.database), schemaShape(server.database)]);
        expect(b).toEqual(a);
        expect(a.columns.length).toBeGreaterThan(0);
      });
    },
  );
});

describe('the embedded database', () => {
  it('keeps its data in the data folder across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sip-pglite-'));
    try {
      const first = await openDatabase({ kind: 'pglite', dataDir: dir });
      await first.migrate();
      await first.db.insert(demoIssuerKeys).values({ kid: 'k1', alg: 'ES256', publicJwk: { kty: 'EC' }, privateJwk: { kty: 'EC' } });
      await first.close();

      const second = await openDatabase({ kind: 'pglite', dataDir: dir });
      await second.migrate();
      const keys = await second.db.select().from(demoIssuerKeys);
      expect(keys.map((k) => k.kid)).toEqual(['k1']);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
