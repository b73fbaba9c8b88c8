import type { SQL } from 'drizzle-orm';
import type { Db } from './database.ts';
import { rowsOf } from './rows.ts';

/** What drizzle keeps of a database (or a transaction) to run a statement: its dialect and session. */
interface Internals {
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(
      query: { sql: string; params: unknown[] },
      fields: undefined,
      name: string | undefined,
      isResponseInArrayMode: boolean,
    ): { execute(): Promise<unknown> };
  };
}

/**
 * Runs a statement as a prepared statement of the connection it runs on, and returns its rows,
 * on either driver: postgres-js parses and plans a statement text once per connection and
 * then only binds its parameters; PGlite runs every statement with its parameters bound
 * anyway. On a transaction it runs in that transaction. The statement's text must not vary
 * with its values (drizzle's `sql` template sends every value as a parameter), or each text
 * is prepared anew.
 */
export async function executePrepared<T>(db: Db, name: string, query: SQL): Promise<T[]> {
  const { dialect, session } = db as unknown as Internals;
  const built = dialect.sqlToQuery(query);
  return rowsOf<T>(await session.prepareQuery(built, undefined, name, false).execute());
}
