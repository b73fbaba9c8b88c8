/**
 * What this user may change, asked of the policy the service itself applies (`decide` from
 * `@sip/shared`) with the facts the element knows: the user's role and organisation, the part's
 * owner, the plan's status and what the individual's consent withholds (`visibility.withheld`).
 * The service decides again on every request; this only keeps the user from forms that would
 * be refused, and says why.
 */
import { decide, planFieldWithheld, policy, requirements, type Operation, type PlanFields, type PlanView, type Principal, type Situation } from '@sip/shared';

export type StaffRole = 'staff' | 'coordinator' | 'auditor';

export interface Me {
  userId: string;
  organisationId: string;
  role: StaffRole;
}

/** Why a change is not open to the user, as a code the messages put in words. */
export type DenialCode =
  | 'coordinators-only'
  | 'auditor'
  | 'not-own-part'
  | 'closed'
  | 'consent-withdrawn'
  | 'withheld'
  | 'not-shared'
  | 'child'
  | 'not-visible';

export type Access = { allowed: true } | { allowed: false; code: DenialCode; principal?: Principal };

export interface Target {
  /** The part acted on. */
  partId?: string;
  /** The plan-level fields the change touches. */
  fields?: (keyof PlanFields)[];
  /** The relative acted for is a child. */
  child?: boolean;
}

/** The principal the reader acts for: the plan says so; else the one of their organisation's part. */
export function myPrincipal(plan: PlanView, me: Me): Principal | undefined {
  return plan.visibility?.as ?? plan.parts.find((p) => p.organisation.id === me.organisationId)?.principal;
}

/** The facts the policy reads, as far as the element can know them. */
export function situationFor(plan: PlanView, me: Me, target: Target = {}): Situation {
  const as = myPrincipal(plan, me);
  const withheld = plan.visibility?.withheld ?? [];
  const part = target.partId ? plan.parts.find((p) => p.id === target.partId) : undefined;
  return {
    standing: as === undefined ? 'none' : as === plan.initiator ? 'initiator' : 'member',
    status: plan.status,
    ownPart: part !== undefined && part.principal === as && part.organisation.id === me.organisationId,
    sharedWithMe: !withheld.includes('plan:plan'),
    touchesWithheld: (target.fields ?? []).some((key) => planFieldWithheld(withheld, key)),
    child: target.child ?? false,
  };
}

/** Whether the user may do `operation` on `target`, and if not, why. */
export function accessTo(operation: Operation, plan: PlanView, me: Me, target: Target = {}): Access {
  const situation = situationFor(plan, me, target);
  const decision = decide(operation, me.role, situation);
  if (decision.allowed) return decision;
  if (decision.reason === policy[operation].refused) return { allowed: false, code: me.role === 'auditor' ? 'auditor' : 'coordinators-only' };
  const part = plan.parts.find((p) => p.id === target.partId);
  return { allowed: false, code: refusalCode(decision.reason, plan.status) ?? 'not-visible', ...(part ? { principal: part.principal } : {}) };
}

/**
 * The code of a refusal the policy gives, in its words (the service sends the same words as a
 * problem's `detail`), so the element can say it in the user's language; undefined for others.
 */
export function refusalCode(reason: string | undefined, status: PlanView['status']): DenialCode | undefined {
  const requirement = (Object.keys(requirements) as (keyof typeof requirements)[]).find((name) => requirements[name].refusal.reason === reason);
  switch (requirement) {
    case 'own-part':
      return 'not-own-part';
    case 'not-closed':
      return 'closed';
    case 'consent-not-withdrawn':
      return status === 'closed' ? 'closed' : 'consent-withdrawn';
    case 'nothing-withheld':
      return 'withheld';
    case 'shared-with-me':
      return 'not-shared';
    case 'adult':
      return 'child';
    case 'sees-plan':
      return 'not-visible';
    default:
      return undefined;
  }
}

/** What a plan still lacks to become active. */
export type ActivationGap = 'consent' | 'overall-responsibility';

/** What the service said a plan lacks when it refused to make it active (the problem's `errors[].path`); none for other refusals. */
export function activationGaps(problem: { errors?: readonly { path: string; message: string }[] } | undefined): ActivationGap[] {
  const paths = new Set((problem?.errors ?? []).map((e) => e.path));
  const gaps: ActivationGap[] = [];
  if (paths.has('/consent')) gaps.push('consent');
  if (paths.has('/fields/overallResponsibility')) gaps.push('overall-responsibility');
  return gaps;
}
