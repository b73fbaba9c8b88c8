import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planOrganisations, planParts, plans } from '../db/schema.ts';
import { visibleMembership } from '../policy/authorize.ts';

/** The most SIPs one search finds: an individual has a handful; the links list them all. */
export const MAX_MATCHES = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A CarePlan a search found: the SIP itself (`id` the plan id) or one of its sub-CarePlans (`id` the part id). */
export interface PlanMatch {
  id: string;
  planId: string;
  individualId: string;
}

/**
 * The CarePlans a search selects among the plans the organisation sees (the policy's
 * `sees-plan`, as lists ask it): by the individual, by id (a plan id or a part id), or both. Ids
 * only; nothing of a plan's content is read, so nothing is logged here: the caller reads each
 * plan it returns through the plans service, which logs the read.
 *
 * By the individual alone: their SIPs, most recently changed first. With `_id`: in the order
 * the ids were given.
 */
export async function findCarePlans(
  db: Db,
  organisationId: string,
  criteria: { personId?: string | undefined; ids?: string[] | undefined },
): Promise<PlanMatch[]> {
  const ids = criteria.ids?.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
  if (ids && ids.length === 0) return [];
  const visible = and(eq(planOrganisations.planId, plans.id), visibleMembership(organisationId));
  const byIndividual: SQL[] = criteria.personId !== undefined ? [eq(plans.individualId, criteria.personId)] : [];

  const sips = await db
    .select({ id: plans.id, individualId: plans.individualId })
    .from(plans)
    .innerJoin(planOrganisations, visible)
    .where(and(...byIndividual, ...(ids ? [inArray(plans.id, ids)] : [])))
    .orderBy(desc(plans.updatedAt), asc(plans.id))
    .limit(MAX_MATCHES);
  const found: PlanMatch[] = sips.map((row) => ({ id: row.id, planId: row.id, individualId: row.individualId }));
  if (!ids) return found;

  const parts = await db
    .select({ id: planParts.id, planId: planParts.planId, individualId: plans.individualId })
    .from(planParts)
    .innerJoin(plans, eq(plans.id, planParts.planId))
    .innerJoin(planOrganisations, visible)
    .where(and(inArray(planParts.id, ids), ...byIndividual))
    .limit(MAX_MATCHES);
  const byId = new Map([...found, ...parts].map((match) => [match.id, match]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []).slice(0, MAX_MATCHES);
}
