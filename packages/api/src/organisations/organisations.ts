import type { KnownOrganisation, OrganisationKind, Principal } from '@sip/shared';

export type { KnownOrganisation };
import { inArray, sql } from 'drizzle-orm';
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

const swedish = new Intl.Collator('sv');

export async function listOrganisations(db: Db): Promise<KnownOrganisation[]> {
  // Regions first, then municipalities, each by name in Swedish order (å, ä, ö after z), whatever the database's collation.
  const rows = await db.select().from(organisations);
  const kindOrder = (o: KnownOrganisation) => (o.kind === 'region' ? 0 : 1);
  return rows.map(toKnown).sort((a, b) => kindOrder(a) - kindOrder(b) || swedish.compare(a.name, b.name) || a.id.localeCompare(b.id));
}

export async function findOrganisations(db: Db, ids: readonly string[]): Promise<Map<string, KnownOrganisation>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(organisations).where(inArray(organisations.id, [...ids]));
  return new Map(rows.map((r) => [r.id, toKnown(r)]));
}

function toKnown(row: typeof organisations.$inferSelect): KnownOrganisation {
  return { id: row.id, name: row.name, kind: row.kind as OrganisationKind, upstream: row.upstream as KnownOrganisation['upstream'] };
}

/**
 * Which configured upstream holds each side of a plan: the one its organisation names, else (an
 * organisation not recorded) the upstream named like the side.
 */
export async function upstreamNamesOf(
  db: Db,
  organisations: Partial<Record<Principal, { id: string } | undefined>>,
): Promise<Record<Principal, string>> {
  const ids = Object.values(organisations).flatMap((o) => (o ? [o.id] : []));
  const known = await findOrganisations(db, ids);
  const of = (side: Principal) => known.get(organisations[side]?.id ?? '')?.upstream ?? side;
  return { region: of('region'), municipality: of('municipality') };
}

/** The organisations a deployment starts with: those configured, and in demo mode the demo world's. */
export function startingOrganisations(config: Pick<Config, 'organisations' | 'demoMode'>): KnownOrganisation[] {
  const demo: KnownOrganisation[] = config.demoMode
    ? Object.values(demoOrganisations).map((o) => ({ id: o.id, name: o.name, kind: o.kind, upstream: o.upstream }))
    : [];
  const configured = new Set(config.organisations.map((o) => o.id));
  return [...config.organisations, ...demo.filter((o) => !configured.has(o.id))];
}
