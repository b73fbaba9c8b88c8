/**
 * The plan as one principal may see it: what the other principal holds is shown only as far as
 * the individual's consent lets it cross. Staff views, our FHIR face, the version history and
 * every publication to an upstream are cut by this one function.
 */
import {
  categoriesCover,
  consentCovers,
  consentState,
  excludedItems,
  type InformationKind,
  type NamedOrganisation,
} from './consent.ts';
import type { ConsentCategory, IndividualConsent, PartContent, PlanFields, PlanView, Principal } from './plan.ts';

/** Who holds the plan-level fields and the relatives section, in `withheld`: the principal that drew the plan up. */
export const PLAN_HOLDER = 'plan';

const PART_KINDS: { key: keyof PartContent; kind: InformationKind }[] = [
  { key: 'contactPerson', kind: 'contacts' },
  { key: 'goals', kind: 'goals' },
  { key: 'interventions', kind: 'interventions' },
];

/** Plan-level fields a consent category names. */
const PLAN_KINDS: Partial<Record<keyof PlanFields, InformationKind>> = {
  individualGoals: 'goals',
  needs: 'needs',
  meetings: 'meetings',
  followUp: 'follow-up',
};

/** Plan-level fields no category names: they cross with the plan itself, while the consent is in force. */
const PLAN_UNCATEGORISED: (keyof PlanFields)[] = ['title', 'overallResponsibility', 'coordinator', 'individualOwnActions', 'otherActorMeasures', 'outOfHours'];

const KINDS: InformationKind[] = ['goals', 'needs', 'interventions', 'contacts', 'meetings', 'follow-up'];

type WithId = { id?: string | undefined };

/** What may cross to one principal: whether the consent covers its organisation at all, which categories, which items not. */
export interface Crossing {
  as: Principal;
  initiator: Principal;
  covered: boolean;
  categories: ConsentCategory[];
  excluded: ReadonlySet<string>;
}

/**
 * What may cross to the principal `as` (its organisation `organisation`) on the day `on`: both
 * the plan's own consent and `consent` (the one in force now, for a snapshot read or published
 * later) must be in force, name the organisation, and cover a category for it to cross.
 */
export function crossingTo(
  plan: { initiator: Principal; consent: IndividualConsent | null },
  as: Principal,
  organisation: NamedOrganisation | undefined,
  on: Date,
  consent: IndividualConsent | null = plan.consent,
): Crossing {
  const covered = organisation !== undefined && consentCovers(consent, organisation, on) && consentCovers(plan.consent, organisation, on);
  return {
    as,
    initiator: plan.initiator,
    covered,
    categories: covered ? intersectCategories(consent?.scope.information ?? [], plan.consent?.scope.information ?? []) : [],
    excluded: new Set([...excludedItems(consent), ...excludedItems(plan.consent)]),
  };
}

/** Whether information of a kind (none: the plan itself) held by `holder` crosses. */
export function crosses(crossing: Crossing, holder: Principal, kind: InformationKind | undefined): boolean {
  return holder === crossing.as || (crossing.covered && (kind === undefined || categoriesCover(crossing.categories, kind, holder)));
}

/**
 * What does not cross, as `<holder>:<what>`: the other principal's kinds, and the initiator's
 * plan-level kinds (`plan:<kind>`, `plan:plan` for the uncategorised fields, `plan:relatives`),
 * with `plan:excluded-items` when the consent excludes items. Read off the consent alone, never
 * the content, so it tells nothing of what the withheld parts hold.
 */
export function withheldFrom(crossing: Crossing): string[] {
  const withheld: string[] = [];
  const other: Principal = crossing.as === 'region' ? 'municipality' : 'region';
  for (const kind of PART_KINDS) if (!crosses(crossing, other, kind.kind)) withheld.push(`${other}:${kind.kind}`);
  for (const kind of KINDS) {
    if (Object.values(PLAN_KINDS).includes(kind) && !crosses(crossing, crossing.initiator, kind)) withheld.push(`${PLAN_HOLDER}:${kind}`);
  }
  if (!crosses(crossing, crossing.initiator, undefined)) withheld.push(`${PLAN_HOLDER}:plan`, `${PLAN_HOLDER}:relatives`);
  if (crossing.excluded.size > 0 && crossing.as !== crossing.initiator) withheld.push(`${PLAN_HOLDER}:excluded-items`);
  return withheld;
}

/** Whether a plan-level field is among what `withheld` lists. */
export function planFieldWithheld(withheld: readonly string[], key: keyof PlanFields): boolean {
  const kind = PLAN_KINDS[key];
  return withheld.includes(`${PLAN_HOLDER}:${kind ?? 'plan'}`);
}

function dropExcluded<T>(value: T, excluded: ReadonlySet<string>): T {
  if (excluded.size === 0 || !Array.isArray(value)) return value;
  return value.filter((item: WithId) => !(item.id && excluded.has(item.id))) as T;
}

/**
 * The plan as staff of the principal `as` may see it on the day `on`. What `as` holds itself is
 * always shown. What the other principal holds, and what the initiating principal holds at plan
 * level (the plan-level fields, the invited participants and the relatives section) when `as` is
 * not the initiator, is shown only while the consent is in force, names `as`'s organisation,
 * covers its category and does not exclude the item. `consent` defaults to the plan's own; the
 * publisher passes the consent in force at delivery, so a withdrawal stops what was queued before.
 */
export function planViewFor(plan: PlanView, as: Principal, on: Date, consent: IndividualConsent | null = plan.consent): PlanView {
  const organisation = plan.parts.find((p) => p.principal === as)?.organisation;
  const crossing = crossingTo(plan, as, organisation, on, consent);
  const excluded = crossing.excluded;

  const parts = plan.parts.map((part) => {
    if (part.principal === as) return part;
    const content: PartContent = {};
    for (const { key, kind } of PART_KINDS) {
      const value = part.content[key];
      if (value !== undefined && crosses(crossing, part.principal, kind)) (content as Record<string, unknown>)[key] = dropExcluded(value, excluded);
    }
    return { ...part, content };
  });

  const own = plan.initiator === as;
  const fields: PlanFields = {};
  for (const key of [...(Object.keys(PLAN_KINDS) as (keyof PlanFields)[]), ...PLAN_UNCATEGORISED]) {
    const value = plan.fields[key];
    if (value === undefined || !crosses(crossing, plan.initiator, PLAN_KINDS[key])) continue;
    (fields as Record<string, unknown>)[key] = own ? value : dropExcluded(value, excluded);
  }

  const planCrosses = crosses(crossing, plan.initiator, undefined);
  return {
    ...plan,
    fields,
    parts,
    participants: planCrosses ? plan.participants : plan.participants.filter((p) => p.kind === 'principal'),
    relativesSection: planCrosses ? plan.relativesSection : { ...plan.relativesSection, relatives: [] },
    visibility: { as, consent: consentState(plan.consent, on), withheld: withheldFrom(crossing) },
  };
}

/**
 * Whether the plan may reach the principal `side` at all (its staff beyond its own part, its
 * upstream): it is the initiator, or the consent in force names its organisation.
 */
export function planReaches(plan: Pick<PlanView, 'initiator' | 'consent' | 'parts'>, side: Principal, on: Date): boolean {
  return reaches(plan, side, plan.parts.find((p) => p.principal === side)?.organisation, on);
}

/** {@link planReaches}, with the side's organisation given. */
export function reaches(
  plan: { initiator: Principal; consent: IndividualConsent | null },
  side: Principal,
  organisation: NamedOrganisation | undefined,
  on: Date,
): boolean {
  return plan.initiator === side || (organisation !== undefined && consentCovers(plan.consent, organisation, on));
}

/**
 * The categories both lists allow: `interventions` in one and `health-interventions` in the other
 * give `health-interventions`.
 */
export function intersectCategories(a: readonly ConsentCategory[], b: readonly ConsentCategory[]): ConsentCategory[] {
  const out = new Set<ConsentCategory>();
  for (const category of a) {
    if (b.includes(category)) out.add(category);
    else if (category === 'interventions') {
      for (const narrow of ['health-interventions', 'social-interventions'] as const) if (b.includes(narrow)) out.add(narrow);
    } else if ((category === 'health-interventions' || category === 'social-interventions') && b.includes('interventions')) out.add(category);
  }
  return [...out];
}
