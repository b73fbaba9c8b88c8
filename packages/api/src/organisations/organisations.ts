import type { KnownOrganisation, OrganisationKind } from '@sip/shared';

export type { KnownOrganisation };
import { asc, inArray, sql } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { organisations as demoOrganisations } from '../demo/world.ts';
import { organisations } from '../db/schema.ts';

/** Records the organisations (new ones added, known ones renamed); none is ever removed, as plans name them. */
export async function upsertOrganisations(db: Db, list: readonly KnownOrganisation[], at: Date): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(organisations)
    .values(list.map((o) => ({ ...o, updatedAt: at })))
    .onConflictDoUpdate({
      target: organisations.id,
      set: { name: sql`excluded.name`, kind: sql`excluded.kind`, upstream: sql`excluded.upstream`, updatedAt: sql`excluded.updated_at` },
    });
}

export async function listOrganisations(db: Db): Promise<KnownOrganisation[]> {
  // Regions first, then municipalities, each by name.
  const rows = await db
    .select()
    .from(organisations)
    .orderBy(sql`case ${organisations.kind} when 'region' then 0 else 1 end`, asc(organisations.name));
  return rows.map(toKnown);
}

export async function findOrganisations(db: Db, ids: readonly string[]): Promise<Map<string, KnownOrganisation>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(organisations).where(inArray(organisations.id, [...ids]));
  return new Map(rows.map((r) => [r.id, toKnown(r)]));
}

function toKnown(row: typeof organisations.$inferSelect): KnownOrganisation {
  return { id: row.id, name: row.name, kind: row.kind as OrganisationKind, upstream: row.upstream as KnownOrganisation['upstream'] };
}

/** The organisations a deployment starts with: those configured, and in demo mode the demo world's. */
export function startingOrganisations(config: Pick<Config, 'organisations' | 'demoMode'>): KnownOrganisation[] {
  const demo: KnownOrganisation[] = config.demoMode
    ? Object.values(demoOrganisations).map((o) => ({ id: o.id, name: o.name, kind: o.kind, upstream: o.kind }))
    : [];
  const configured = new Set(config.organisations.map((o) => o.id));
  return [...config.organisations, ...demo.filter((o) => !configured.has(o.id))];
}
