import type { PlanView, Principal, SourceStatus } from '@sip/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planSources } from '../db/schema.ts';

interface StoredDemographics {
  name?: string;
  birthDate?: string;
}

/**
 * How each upstream's last sync went, and where the two disagree on who the individual
 * is (flagged for a person to resolve, never overwritten).
 */
export async function readSources(tx: Db, planId: string): Promise<NonNullable<PlanView['sources']>> {
  return sourcesFrom(await tx.select().from(planSources).where(eq(planSources.planId, planId)));
}

/** The same, from rows already read. */
export function sourcesFrom(rows: (typeof planSources.$inferSelect)[]): NonNullable<PlanView['sources']> {
  const status = (side: Principal): SourceStatus => {
    const row = rows.find((r) => r.side === side);
    if (!row) return { status: 'never', lastAttemptAt: null, lastSuccessAt: null };
    return {
      status: row.status as SourceStatus['status'],
      ...(row.reason ? { reason: row.reason } : {}),
      lastAttemptAt: row.lastAttemptAt.toISOString(),
      lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    };
  };
  const demographics = (side: Principal) => rows.find((r) => r.side === side)?.demographics as StoredDemographics | null | undefined;
  const [r, m] = [demographics('region'), demographics('municipality')];
  const demographicConflicts: string[] = [];
  if (r?.name && m?.name && r.name !== m.name) demographicConflicts.push('name');
  if (r?.birthDate && m?.birthDate && r.birthDate !== m.birthDate) demographicConflicts.push('birthDate');
  return { region: status('region'), municipality: status('municipality'), demographicConflicts };
}
