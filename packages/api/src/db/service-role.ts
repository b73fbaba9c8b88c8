import { sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { rowsOf } from './rows.ts';

/** The role migrations grant the service: all it needs, and of the access log only to insert and read. */
export const SERVICE_ROLE = 'sip_service';

/** What the service's own database role may do to the access log. */
export interface AccessLogGuard {
  /** The role the service's queries run as. */
  role: string;
  /** True when that role may only insert into and read the access log: it cannot change or remove an entry, nor switch off the guard. */
  appendOnly: boolean;
  /** True when it may insert into and read the access log at all: without, no access can be recorded. */
  canRecord: boolean;
  /** Why not append-only, when not: for the start's message. */
  because?: string;
}

/** Reads what the service's current database role may do to the access log. */
export async function accessLogGuard(db: Db): Promise<AccessLogGuard> {
  const [row] = rowsOf<{
    role: string;
    superuser: boolean;
    owner: boolean;
    can_insert: boolean;
    can_select: boolean;
    can_change: boolean;
  }>(
    await db.execute(sql`
      select current_user as role,
        coalesce((select rolsuper from pg_roles where rolname = current_user), false) as superuser,
        pg_has_role(current_user, (select relowner from pg_class where oid = 'access_log'::regclass), 'MEMBER') as owner,
        has_table_privilege('access_log', 'INSERT') as can_insert,
        has_table_privilege('access_log', 'SELECT') as can_select,
        has_table_privilege('access_log', 'UPDATE') or has_table_privilege('access_log', 'DELETE')
          or has_table_privilege('access_log', 'TRUNCATE') as can_change`),
  );
  if (!row) throw new Error('the database did not answer what its role may do');
  const { role } = row;
  const canRecord = row.superuser || (row.can_insert && row.can_select);
  if (row.superuser) return { role, canRecord, appendOnly: false, because: `the role ${role} is a superuser` };
  if (row.owner) return { role, canRecord, appendOnly: false, because: `the role ${role} owns the access log, and may switch off its guard` };
  if (row.can_change) return { role, canRecord, appendOnly: false, because: `the role ${role} may update, delete or truncate the access log` };
  if (!canRecord) return { role, canRecord, appendOnly: false, because: `the role ${role} may not insert into and read the access log (grant it ${SERVICE_ROLE})` };
  return { role, canRecord, appendOnly: true };
}
