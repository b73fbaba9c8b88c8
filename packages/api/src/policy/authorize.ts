/**
 * The broker's side of the policy in `@sip/shared`: who an authenticated principal is in the
 * policy's terms, and a refusal turned into the one problem the error handler answers with.
 * Nothing here decides: {@link decide} does, from the table.
 */
import { decide, policy, type ActorKind, type Operation, type Situation } from '@sip/shared';
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { requireAuth } from '../auth/middleware.ts';
import type { Principal } from '../auth/principal.ts';
import { planOrganisations } from '../db/schema.ts';
import type { AppEnv } from '../http/context.ts';
import { ProblemError, type ProblemCode } from '../http/errors.ts';
import type { FieldError } from '@sip/shared';

/** The actor kinds a principal can be: a staff member has one role; a citizen is a relative or the individual, as the plan shows. */
export function actorKindsOf(principal: Principal): ActorKind[] {
  return principal.kind === 'staff' ? [principal.role] : ['relative', 'individual'];
}

const problemCodes: Record<number, ProblemCode> = { 403: 'forbidden', 404: 'not-found', 409: 'conflict', 422: 'validation' };

/**
 * Asks the policy and throws the refusal as a problem: 403 not allowed, 404 revealing nothing,
 * 409 not in this state, 422 not for this person (with `errors` pointing at the field, if given).
 */
export function authorize(operation: Operation, actor: ActorKind, situation: Situation, options: { errors?: FieldError[] } = {}): void {
  const decision = decide(operation, actor, situation);
  if (decision.allowed) return;
  const code = problemCodes[decision.status] ?? 'forbidden';
  const errors = decision.status === 422 ? (options.errors?.map((e) => ({ ...e, message: decision.reason })) ?? [{ path: '/', message: decision.reason }]) : undefined;
  throw new ProblemError(code, decision.reason, errors ? { errors } : {});
}

/** Whether the principal, as any kind it can be, is among those the operation is for. */
export function mayAsk(operation: Operation, principal: Principal): boolean {
  const actors: readonly ActorKind[] = policy[operation].actors;
  return actorKindsOf(principal).some((kind) => actors.includes(kind));
}

/**
 * Route middleware: the part of the rule that needs no plan (who may ask at all). Runs after
 * authentication; the service asks the rest once it knows the plan.
 */
export function allow(operation: Operation) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get('principal');
    if (!mayAsk(operation, principal)) throw new ProblemError('forbidden', policy[operation].refused);
    await next();
  });
}

/** The `plan_organisations.access` values whose organisation sees the plan (the policy's `sees-plan`). */
const SEES_PLAN = ['initiator', 'member'] as const;

/** How an organisation's row in `plan_organisations` reads as the policy's standing. */
export function standingOf(access: string | null | undefined): NonNullable<Situation['standing']> {
  return SEES_PLAN.find((value) => value === access) ?? 'none';
}

/** `sees-plan` as a query condition on `plan_organisations`, for lists: the same rule as {@link standingOf}. */
export function visibleMembership(organisationId: string): SQL {
  return and(eq(planOrganisations.organisationId, organisationId), inArray(planOrganisations.access, [...SEES_PLAN]))!;
}

/** Route middleware: a verified token of any kind, then who may ask for the operation at all. */
export function authz(operation: Operation) {
  return [requireAuth(), allow(operation)] as const;
}

/**
 * The facts the policy reads that compare an organisation with the actor's. Establishing them
 * here keeps every comparison of who is whose in one place; the policy table decides.
 */
export const facts = {
  /** The part acted on belongs to the actor's organisation. */
  ownPart: (part: { organisationId: string | null } | undefined, principal: { organisationId: string }): boolean =>
    part !== undefined && part.organisationId === principal.organisationId,
  /** The actor's organisation is one of the two principals named for a new plan. */
  ownOrganisationIsPrincipal: (principals: { region: { id: string }; municipality: { id: string } }, principal: { organisationId: string }): boolean =>
    principals.region.id === principal.organisationId || principals.municipality.id === principal.organisationId,
};
