import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { migrationsFolder } from '../files.ts';
import * as schema from './schema.ts';
import { SERVICE_ROLE } from './service-role.ts';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** An open database: the embedded one (PGlite) or a Postgres server. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /**
   * Applies the committed migrations that have not run yet, as the owner (the migration URL's
   * role where one is given), then grants the service's role (`sip_service`) what it needs: of
   * the access log, only to insert and read.
   */
  migrate(): Promise<void>;
  /**
   * The embedded database only: its queries from now on run as the service's role, which may
   * only insert into and read the access log. (Whoever holds the data folder holds the
   * database; the checkpoints are what guard the log there.)
   */
  assumeServiceRole(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * LISTENs on a notification channel and calls `onPayload` with each payload sent to it
   * (`pg_notify`, delivered when the sending transaction commits). Resolves once the
   * LISTEN is in place; the returned function stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes it; queries still running get at most `timeoutMs` (a server's connections only). */
  close(timeoutMs?: number): Promise<void>;
  /** PGlite only: a copy of its data directory, to start another in-memory database from (`image`). */
  image?(): Promise<Blob>;
}

export { migrationsFolder };

export type DatabaseOptions =
  /** `migrationUrl`: the owner's connection, for migrations; `url` is then the service's own role. */
  | {
      kind: 'postgres';
      url: string;
      migrationUrl?: string;
      max?: number;
      /** Called with the text of every statement sent (benchmarks count round trips with it). */
      onStatement?: (text: string) => void;
    }
  /**
   * `dataDir` undefined keeps the database in memory. `image`: an in-memory database starts as
   * this copy of a data directory (PGlite's `dumpDataDir`), skipping the cluster's creation.
   */
  | { kind: 'pglite'; dataDir?: string; image?: Blob };

/**
 * How the service meets a server that goes away: a query waiting for a connection learns that
 * the server cannot be reached within about a second (reconnects back off to 1 s, not the
 * driver's 20 s), a connection that is never answered gives up after 5 s, and either is
 * answered 503 with Retry-After. No fetch_types: postgres.js runs that catalog query on every
 * new connection and drops its promise, so a connection lost at that moment (a server
 * restarting) would end the process with an unhandled rejection; arrays come back as JSON
 * (json_agg) instead.
 */
const connectionOptions = {
  onnotice: () => {},
  fetch_types: false,
  connect_timeout: 5,
  backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
} as const;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    const onStatement = options.onStatement;
    const client = postgres(options.url, {
      max: options.max ?? 10,
      ...connectionOptions,
      ...(onStatement ? { debug: (_connection: number, query: string) => onStatement(query) } : {}),
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      kind: 'postgres',
      db,
      migrate: async () => {
        const owner = options.migrationUrl ? postgres(options.migrationUrl, { max: 1, ...connectionOptions }) : client;
        try {
          await migratePostgres(drizzlePostgres(owner), { migrationsFolder });
          await owner`select sip_grant_service_role()`;
        } finally {
          if (owner !== client) await owner.end({ timeout: 5 });
        }
      },
      assumeServiceRole: async () => {
        throw new Error('a Postgres server is reached as the role its URL names');
      },
      ping: async () => {
        await client`select 1`;
      },
      listen: async (channel, onPayload) => {
        const { unlisten } = await client.listen(channel, onPayload);
        return unlisten;
      },
      close: (timeoutMs = 5000) => client.end({ timeout: timeoutMs / 1000 }),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = options.image && !options.dataDir ? new PGlite({ loadDataDir: options.image }) : new PGlite(options.dataDir);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let asService = false;
  return {
    kind: 'pglite',
    db,
    migrate: async () => {
      // One connection: migrations run as its owner, whatever role the service took since.
      if (asService) await client.query('reset role');
      await migratePglite(drizzlePglite(client), { migrationsFolder });
      await client.query('select sip_grant_service_role()');
      if (asService) await client.query(`set role ${SERVICE_ROLE}`);
    },
    assumeServiceRole: async () => {
      await client.query(`set role ${SERVICE_ROLE}`);
      asService = true;
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    listen: async (channel, onPayload) => {
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => {
        if (!client.closed) await unsubscribe();
      };
    },
    close: () => client.close(),
    image: () => client.dumpDataDir('none'),
  };
}
