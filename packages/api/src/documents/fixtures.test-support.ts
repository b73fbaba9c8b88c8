/**
 * Plans to draw as documents, from nine texts: for the tests that read the PDFs back.
 */
import type { WholePlan } from './plan-document.ts';
import type { RelativePlanView } from '../relatives/me.service.ts';

/**
 * A plan with one of everything, its texts in the order: title, goal, need, intervention, measure,
 * name, role, relative, commitment. The relative's commitment is household help; the whole plan's
 * relative has a second one, proposed without a kind.
 */
export function planFrom(texts: string[]): WholePlan {
  const [title, goal, need, intervention, measure, name, role, relative, commitment] = texts as [string, string, string, string, string, string, string, string, string];
  return {
    title,
    status: 'active',
    individual: { name },
    coordinator: { name, title: role },
    responsible: { principal: 'region', organisation: role },
    outOfHours: need,
    individualGoals: [goal],
    ownActions: [goal],
    needs: [need],
    parts: [{ principal: 'region', organisation: role, contactPerson: { name }, goals: [goal], interventions: [{ title: intervention, status: 'planned', description: need }] }],
    otherActorMeasures: [{ actor: name, measure }],
    participants: [{ kind: 'invited', name, role }],
    meetings: [{ at: '2027-01-14T09:00:00Z', place: role, notes: measure }],
    followUp: { date: '2027-03-01', by: { name } },
    consent: null,
    relatives: [
      {
        name: relative,
        relationship: role,
        child: false,
        sharesHome: true,
        sees: ['goals'],
        commitments: [
          { kind: 'household', what: commitment, howOften: role, from: '2026-12-01', status: 'requested', reviewDate: '2027-02-01' },
          { what: `${commitment} (2)`, howOften: role, from: '2026-12-01', status: 'accepted', reviewDate: '2027-02-01' },
        ],
        requests: [],
      },
    ],
    withheld: false,
    revision: 3,
    changedAt: '2026-11-30T08:00:00Z',
  };
}

/** What a relative sees of that plan, from the same texts. */
export function relativeViewFrom(texts: string[]): RelativePlanView {
  const [title, goal, , , , name, role, relative, commitment] = texts as [string, string, string, string, string, string, string, string, string];
  return {
    planId: '0b7c1f2e-3a4b-4c5d-8e6f-708192a3b4c5',
    title,
    status: 'active',
    individual: { givenName: name },
    coordinator: { name },
    responsible: { principal: 'municipality', organisation: role },
    outOfHours: null,
    me: {
      relativeId: 'r1',
      name: relative,
      relationship: { text: role },
      child: false,
      sharesHome: false,
      sharing: null,
      sharingInEffect: true,
      information: [{ what: goal, how: role, howOften: role }],
      informed: [],
      commitments: [
        {
          id: 'c1',
          kind: 'household',
          what: commitment,
          howOften: role,
          from: '2026-12-01',
          reviewDate: '2027-02-01',
          history: [{ at: '2026-12-01T10:00:00Z', status: 'requested', by: 'staff' }],
          status: 'requested',
          currentReviewDate: '2027-02-01',
          allowedAnswers: ['accept', 'decline'],
        },
      ],
      support: { offered: ['groups'], requests: [] },
      homeConsent: null,
    },
    shared: { categories: ['goals'], goals: { individual: [{ text: goal }], professional: [] } },
  } as unknown as RelativePlanView;
}
