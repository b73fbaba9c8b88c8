import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consentState } from './consent.ts';
import { fullPlan, MUNICIPALITY_ORG, REGION_ORG } from './fhir/fixture.ts';
import type { ConsentCategory, IndividualConsent, PlanView, Principal } from './plan.ts';
import { intersectCategories, planViewFor, withheldFrom, crossingTo } from './sharing.ts';

const ON = new Date('2026-12-02T10:00:00Z');
const CATEGORIES: ConsentCategory[] = ['goals', 'needs', 'interventions', 'health-interventions', 'social-interventions', 'contacts', 'meetings', 'follow-up'];
const ITEM_IDS = ['goal-m1', 'goal-r1', 'int-m1', 'int-m2', 'int-r1', 'n-1', 'meet-1', 'c2f1a7e0-1b2c-4d3e-8f40-5a6b7c8d9e01'];

const consentArb: fc.Arbitrary<IndividualConsent | null> = fc.option(
  fc.record({
    given: fc.boolean(),
    revoked: fc.boolean(),
    expired: fc.boolean(),
    information: fc.subarray(CATEGORIES),
    actors: fc.subarray([REGION_ORG.name, MUNICIPALITY_ORG.id, 'Försäkringskassan']),
    excludedItems: fc.subarray(ITEM_IDS),
  }).map(
    (c): IndividualConsent => ({
      given: c.given,
      form: 'written',
      recordedAt: '2026-11-20T10:00:00+01:00',
      recordedBy: { name: 'Sara Lind' },
      scope: {
        information: c.information,
        actors: c.actors,
        validUntil: c.expired ? '2026-12-01' : '2027-12-01',
        ...(c.excludedItems.length ? { excludedItems: c.excludedItems } : {}),
      },
      ...(c.revoked ? { revokedAt: '2026-11-30T10:00:00+01:00' } : {}),
    }),
  ),
  { nil: null },
);

const principalArb = fc.constantFrom<Principal>('region', 'municipality');
const planArb = fc.record({ consent: consentArb, initiator: principalArb }).map(({ consent, initiator }) => fullPlan({ consent, initiator }));

const other = (p: Principal): Principal => (p === 'region' ? 'municipality' : 'region');
const part = (plan: PlanView, p: Principal) => plan.parts.find((x) => x.principal === p)!;
const ids = (value: unknown): string[] => {
  const out: string[] = [];
  JSON.stringify(value, (key, v: unknown) => {
    if (key === 'id' && typeof v === 'string') out.push(v);
    return v;
  });
  return out;
};

describe('what crosses to a principal', () => {
  it('always shows a principal its own part, whole', () => {
    fc.assert(
      fc.property(planArb, principalArb, (plan, as) => {
        expect(part(planViewFor(plan, as, ON), as)).toEqual(part(plan, as));
      }),
    );
  });

  it('shows nothing of the other principal, and nothing the initiator holds, unless the consent is in force and names the reader', () => {
    fc.assert(
      fc.property(planArb, principalArb, (plan, as) => {
        const organisation = part(plan, as).organisation;
        const named = plan.consent?.scope.actors.some((a) => a === organisation.name || a === organisation.id) ?? false;
        if (consentState(plan.consent, ON) === 'in-force' && named) return;
        const view = planViewFor(plan, as, ON);
        expect(part(view, other(as)).content).toEqual({});
        if (plan.initiator !== as) {
          expect(view.fields).toEqual({});
          expect(view.relativesSection.relatives).toEqual([]);
          expect(view.participants.every((p) => p.kind === 'principal')).toBe(true);
        } else {
          expect(view.fields).toEqual(plan.fields);
        }
      }),
    );
  });

  it('never shows the other principal an item the consent excludes, nor interventions of a category it does not cover', () => {
    fc.assert(
      fc.property(planArb, principalArb, (plan, as) => {
        const view = planViewFor(plan, as, ON);
        const excluded = new Set(plan.consent?.scope.excludedItems ?? []);
        const theirs = part(view, other(as)).content;
        for (const id of ids(theirs)) expect(excluded.has(id)).toBe(false);
        if (plan.initiator !== as) for (const id of ids(view.fields)) expect(excluded.has(id)).toBe(false);
        const info = plan.consent?.scope.information ?? [];
        const covers = info.includes('interventions') || info.includes(other(as) === 'region' ? 'health-interventions' : 'social-interventions');
        if (!covers) expect(theirs.interventions).toBeUndefined();
      }),
    );
  });

  it('lists as withheld exactly what it leaves out, read off the consent alone', () => {
    fc.assert(
      fc.property(planArb, principalArb, (plan, as) => {
        const view = planViewFor(plan, as, ON);
        const withheld = view.visibility!.withheld;
        const theirs = part(view, other(as)).content;
        expect(withheld.includes(`${other(as)}:interventions`)).toBe(theirs.interventions === undefined);
        expect(withheld.includes(`${other(as)}:contacts`)).toBe(theirs.contactPerson === undefined);
        if (plan.initiator !== as) expect(withheld.includes('plan:needs')).toBe(view.fields.needs === undefined);
        // The same consent withholds the same, whatever the plan holds.
        const empty = fullPlan({ consent: plan.consent, initiator: plan.initiator, fields: {}, parts: plan.parts.map((p) => ({ ...p, content: {} })) });
        expect(planViewFor(empty, as, ON).visibility!.withheld).toEqual(withheld);
      }),
    );
  });

  it('is stable: cutting a cut view again changes nothing', () => {
    fc.assert(
      fc.property(planArb, principalArb, (plan, as) => {
        const once = planViewFor(plan, as, ON);
        expect(planViewFor(once, as, ON)).toEqual(once);
      }),
    );
  });

  it('never shows more under a narrower consent, nor under a later one that was withdrawn', () => {
    fc.assert(
      fc.property(planArb, principalArb, fc.subarray(CATEGORIES), (plan, as, keep) => {
        if (!plan.consent) return;
        const narrower: IndividualConsent = { ...plan.consent, scope: { ...plan.consent.scope, information: plan.consent.scope.information.filter((c) => keep.includes(c)) } };
        const wide = planViewFor(plan, as, ON);
        const narrow = planViewFor(plan, as, ON, narrower);
        // Everything the narrower consent shows, the wider one shows too, the same.
        for (const [key, value] of Object.entries(narrow.fields)) expect(wide.fields[key as keyof typeof wide.fields], key).toEqual(value);
        for (const [key, value] of Object.entries(part(narrow, other(as)).content)) {
          expect(part(wide, other(as)).content[key as keyof PlanView['parts'][number]['content']], key).toEqual(value);
        }
        expect(narrow.relativesSection.relatives.length).toBeLessThanOrEqual(wide.relativesSection.relatives.length);
        expect(narrow.visibility!.withheld).toEqual(expect.arrayContaining(wide.visibility!.withheld));
        const withdrawn = planViewFor(plan, as, ON, { ...plan.consent, revokedAt: '2026-12-01T00:00:00Z' });
        expect(part(withdrawn, other(as)).content).toEqual({});
      }),
    );
  });

  it('intersects categories so the narrower of interventions and its halves wins', () => {
    expect(intersectCategories(['interventions'], ['social-interventions'])).toEqual(['social-interventions']);
    expect(intersectCategories(['health-interventions'], ['interventions'])).toEqual(['health-interventions']);
    expect(intersectCategories(['goals', 'needs'], ['needs'])).toEqual(['needs']);
    expect(intersectCategories(['health-interventions'], ['social-interventions'])).toEqual([]);
  });

  it('withholds everything from a reader the consent does not name', () => {
    const plan = fullPlan({ initiator: 'municipality' });
    const crossing = crossingTo(plan, 'region', { id: 'SE0000000000-X', name: 'Någon annan' }, ON);
    expect(crossing.covered).toBe(false);
    expect(withheldFrom(crossing)).toEqual(expect.arrayContaining(['municipality:interventions', 'plan:needs', 'plan:plan', 'plan:relatives']));
  });
});
