/**
 * Who may do what with a SIP: the whole policy, as data. Every route, our FHIR face, the sync,
 * the publisher, the live event stream and the review watcher ask {@link decide}; none decides by
 * itself. The README's "Who sees what" and the authorisation test matrix are both made from
 * {@link policy}, so an operation without a rule does not build.
 */
import type { PlanStatus } from './plan.ts';

/** Who acts: a staff role, the broker on its own, or a citizen (a relative, or the individual). */
export const actorKinds = ['staff', 'coordinator', 'auditor', 'broker', 'relative', 'individual'] as const;
export type ActorKind = (typeof actorKinds)[number];

/**
 * What is known of the situation when an operation is asked for: the actor's standing in the
 * plan, the plan's state, and where the individual's consent stands. Each requirement reads only
 * the facts it names; a rule that needs a fact the caller did not give is a programming error.
 */
export interface Situation {
  /** Staff: how the actor's organisation stands to the plan. `none`: it does not take part, or the consent does not name it. */
  standing?: 'initiator' | 'member' | 'none';
  /** The plan's status. */
  status?: PlanStatus;
  /** Staff: the part acted on belongs to the actor's organisation. */
  ownPart?: boolean;
  /** Staff: what the plan-level record and the relatives section hold has crossed to the actor's organisation (the initiator's own, or the consent in force names it). */
  sharedWithMe?: boolean;
  /** Staff: the change touches information that has not crossed to the actor's organisation. */
  touchesWithheld?: boolean;
  /** Creating a plan: the actor's organisation is one of the two principals named. */
  ownOrganisationIsPrincipal?: boolean;
  /** Creating a plan: both principals are known organisations of the kind their place asks for. */
  principalsKnown?: boolean;
  /** A citizen: they are a relative in the plan (not removed). */
  isRelative?: boolean;
  /** The relative acted for is a child on the day. */
  child?: boolean;
  /** A citizen: the plan is about them (they are its individual). */
  isIndividual?: boolean;
  /** The individual is under 18 on the day: their consent rests on their guardians. */
  individualChild?: boolean;
  /** What the individual withdraws (their consent, or their sharing with a relative) is given and not withdrawn. */
  withdrawable?: boolean;
  /** The broker: the upstream side acted on is the initiator's, or the consent in force names its organisation. */
  sideReached?: boolean;
}

type Fact = keyof Situation;

export interface Refusal {
  /** 403 not allowed, 404 reveals nothing, 409 not in this state, 422 not for this person. */
  status: 403 | 404 | 409 | 422;
  reason: string;
}

interface Requirement {
  /** The facts it reads. */
  reads: Fact[];
  /** What it asks, in words (for the README). */
  says: string;
  holds(s: Situation): boolean;
  refusal: Refusal;
}

/** The conditions a rule can ask for, each with the refusal it gives. */
export const requirements = {
  'sees-plan': {
    reads: ['standing'],
    says: 'the organisation initiated the plan, or the individual’s consent names it',
    holds: (s) => s.standing === 'initiator' || s.standing === 'member',
    refusal: { status: 404, reason: 'No such plan' },
  },
  'own-part': {
    reads: ['ownPart'],
    says: 'the part is the organisation’s own',
    holds: (s) => s.ownPart === true,
    refusal: { status: 403, reason: 'Each principal edits only its own part' },
  },
  'shared-with-me': {
    reads: ['sharedWithMe'],
    says: 'the plan has crossed to the organisation (its own, or the consent in force names it)',
    holds: (s) => s.sharedWithMe === true,
    refusal: { status: 403, reason: 'The individual’s consent does not let this part of the plan reach your organisation' },
  },
  'nothing-withheld': {
    reads: ['touchesWithheld'],
    says: 'the change touches nothing withheld from the organisation',
    holds: (s) => s.touchesWithheld === false,
    refusal: { status: 403, reason: 'The change touches information the individual’s consent does not let reach your organisation' },
  },
  'not-closed': {
    reads: ['status'],
    says: 'the plan is not closed',
    holds: (s) => s.status !== 'closed',
    refusal: { status: 409, reason: 'The plan is closed' },
  },
  'consent-not-withdrawn': {
    reads: ['status'],
    says: 'the plan is not closed and the consent to it is not withdrawn',
    holds: (s) => s.status !== 'closed' && s.status !== 'consent_withdrawn',
    refusal: { status: 409, reason: 'The individual has withdrawn the consent to the plan (or it is closed): record a new consent, or close the plan' },
  },
  'own-principal': {
    reads: ['ownOrganisationIsPrincipal'],
    says: 'the organisation is one of the plan’s two principals',
    holds: (s) => s.ownOrganisationIsPrincipal === true,
    refusal: { status: 403, reason: 'You can create a SIP only for a plan your own organisation is a principal in' },
  },
  'known-principals': {
    reads: ['principalsKnown'],
    says: 'both principals are known organisations',
    holds: (s) => s.principalsKnown === true,
    refusal: { status: 422, reason: 'Both principals must be known organisations: a region and a municipality (see GET /api/organisations)' },
  },
  'is-relative': {
    reads: ['isRelative'],
    says: 'the citizen is a relative in the plan',
    holds: (s) => s.isRelative === true,
    refusal: { status: 404, reason: 'No such plan' },
  },
  adult: {
    reads: ['child'],
    says: 'the relative is not a child',
    holds: (s) => s.child === false,
    refusal: { status: 422, reason: 'The relative is a child: children are not asked to take on care commitments or to consent to the home as a place of care' },
  },
  'is-individual': {
    reads: ['isIndividual'],
    says: 'the citizen is the individual the plan is about',
    holds: (s) => s.isIndividual === true,
    refusal: { status: 404, reason: 'No such plan' },
  },
  'individual-adult': {
    reads: ['individualChild'],
    says: 'the individual is 18 or older',
    holds: (s) => s.individualChild === false,
    refusal: {
      status: 422,
      reason: 'You are under 18: your consent rests on your guardians, so you cannot give it alone. You can withdraw it. Talk to your SIP coordinator',
    },
  },
  withdrawable: {
    reads: ['withdrawable'],
    says: 'what is withdrawn is given and not already withdrawn',
    holds: (s) => s.withdrawable === true,
    refusal: { status: 409, reason: 'There is nothing in force to withdraw: it was never given, or is already withdrawn' },
  },
  'side-reached': {
    reads: ['sideReached'],
    says: 'the upstream is the initiator’s, or the individual’s consent in force names its organisation',
    holds: (s) => s.sideReached === true,
    refusal: { status: 409, reason: 'The individual’s consent does not let the plan reach this side' },
  },
} satisfies Record<string, Requirement>;

export type RequirementName = keyof typeof requirements;

export interface Rule {
  /** What the operation is, in words. */
  summary: string;
  /** Who may ask for it at all. */
  actors: readonly ActorKind[];
  /** Why the others may not. */
  refused: string;
  /** What must hold besides, checked in this order. */
  requires: readonly RequirementName[];
  /** How the operation is reached (for the README). */
  via: string;
}

const STAFF = ['staff', 'coordinator'] as const;
const NOT_AUDITORS = 'Auditors follow up the access log; they do not read or edit plans. Citizens use their own API.';
const OWN = 'For the individual the plan is about, signed in with their own e-ID: nobody acts for them here';
const COORDINATORS = 'Only a SIP coordinator creates plans and edits the plan-level fields, the consent, the participants and the status';

/** The policy: every operation, who may ask for it, and what must hold. */
export const policy = {
  'plan.create': {
    summary: 'create a SIP',
    via: 'POST /api/plans',
    actors: ['coordinator'],
    refused: COORDINATORS,
    requires: ['own-principal', 'known-principals'],
  },
  'plan.list': {
    summary: 'list the plans my organisation knows',
    via: 'GET /api/plans, GET /fhir/CarePlan',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: [],
  },
  'plan.read': {
    summary: 'read a plan, as far as the consent lets it reach my organisation',
    via: 'GET /api/plans/{id}, GET /fhir/CarePlan/{id}, $sip',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan'],
  },
  'plan.document': {
    summary: 'download the plan as a document (the whole plan or the meeting version), as far as the consent lets it reach my organisation',
    via: 'GET /api/plans/{id}/document.pdf',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan'],
  },
  'plan.update': {
    summary: 'edit the plan-level fields',
    via: 'PATCH /api/plans/{id}',
    actors: ['coordinator'],
    refused: COORDINATORS,
    requires: ['sees-plan', 'consent-not-withdrawn', 'nothing-withheld'],
  },
  'consent.update': {
    summary: 'record the individual’s consent to the SIP, or its withdrawal',
    via: 'PUT /api/plans/{id}/consent',
    actors: ['coordinator'],
    refused: COORDINATORS,
    requires: ['sees-plan', 'not-closed'],
  },
  'participants.update': {
    summary: 'add or remove participants',
    via: 'POST, DELETE /api/plans/{id}/participants',
    actors: ['coordinator'],
    refused: COORDINATORS,
    requires: ['sees-plan', 'consent-not-withdrawn', 'shared-with-me'],
  },
  'status.change': {
    summary: 'change the plan’s status',
    via: 'POST /api/plans/{id}/status',
    actors: ['coordinator'],
    refused: COORDINATORS,
    requires: ['sees-plan'],
  },
  'part.read': {
    summary: 'read a principal’s part',
    via: 'GET /api/plans/{id}/parts/{partId}',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan'],
  },
  'part.update': {
    summary: 'edit my organisation’s own part',
    via: 'PATCH /api/plans/{id}/parts/{partId}',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan', 'own-part', 'consent-not-withdrawn'],
  },
  'plan.sync': {
    summary: 'assemble the plan again from the upstreams it may reach',
    via: 'POST /api/plans/{id}/sync',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan', 'not-closed'],
  },
  'versions.read': {
    summary: 'read the plan’s history, as far as the consent lets it reach my organisation',
    via: 'GET /api/plans/{id}/versions, /versions/{n}, /diff',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan'],
  },
  'events.read': {
    summary: 'follow the plan’s changes live (ids only)',
    via: 'GET /api/plans/{id}/events',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan'],
  },
  'relatives.read': {
    summary: 'read the relatives section',
    via: 'GET /api/plans/{id}/relatives',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan', 'shared-with-me'],
  },
  'relatives.update': {
    summary: 'add, change and remove relatives; record what the individual shares with each, what they are told, their support',
    via: 'POST, PATCH, DELETE, PUT under /api/plans/{id}/relatives',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan', 'shared-with-me', 'consent-not-withdrawn'],
  },
  'commitment.propose': {
    summary: 'propose a voluntary commitment to a relative',
    via: 'POST /api/plans/{id}/relatives/{relativeId}/commitments',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan', 'shared-with-me', 'consent-not-withdrawn', 'adult'],
  },
  'commitment.cancel': {
    summary: 'cancel a commitment (the relative’s consent to it ends with it)',
    via: 'POST /api/plans/{id}/relatives/{relativeId}/commitments/{commitmentId}/cancel',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: ['sees-plan', 'shared-with-me', 'not-closed'],
  },
  'worklist.read': {
    summary: 'see what needs my organisation’s attention',
    via: 'GET /api/worklist',
    actors: STAFF,
    refused: NOT_AUDITORS,
    requires: [],
  },
  'organisations.read': {
    summary: 'list the known organisations',
    via: 'GET /api/organisations',
    actors: ['staff', 'coordinator', 'auditor'],
    refused: 'For staff tokens',
    requires: [],
  },
  'access-log.read': {
    summary: 'follow up the access log, give an individual their extract, verify the chain',
    via: 'POST /api/access-log/search, /extract; GET /api/access-log/verify',
    actors: ['auditor'],
    refused: 'Only auditors follow up the access log',
    requires: [],
  },
  'report.read': {
    summary: 'read the yearly follow-up of relatives\u2019 support: de-identified figures for the plans my organisation takes part in',
    via: 'GET /api/reports/relatives-support',
    actors: ['staff', 'coordinator', 'auditor'],
    refused: 'For staff tokens',
    requires: [],
  },
  'me.list': {
    summary: 'list the plans I am a relative in, and those I am the individual in',
    via: 'GET /api/me/plans',
    actors: ['relative', 'individual'],
    refused: 'For citizens signed in with their own e-ID',
    requires: [],
  },
  'me.read': {
    summary: 'read my part, and what the individual shares with me while their consent is in force',
    via: 'GET /api/me/plans/{id}',
    actors: ['relative'],
    refused: 'For citizens signed in with their own e-ID',
    requires: ['is-relative'],
  },
  'me.document': {
    summary: 'download my version of the plan as a document: what the individual shares with me, and my part',
    via: 'GET /api/me/plans/{id}/document.pdf',
    actors: ['relative'],
    refused: 'For citizens signed in with their own e-ID',
    requires: ['is-relative'],
  },
  'me.answer': {
    summary: 'answer a commitment proposed to me (accept, decline, withdraw, confirm again)',
    via: 'POST /api/me/plans/{id}/commitments/{commitmentId}/answer',
    actors: ['relative'],
    refused: 'For citizens signed in with their own e-ID',
    requires: ['is-relative', 'not-closed'],
  },
  'me.home-consent': {
    summary: 'consent (or not) to the shared home as a place of care',
    via: 'POST /api/me/plans/{id}/home-consent',
    actors: ['relative'],
    refused: 'For citizens signed in with their own e-ID',
    requires: ['is-relative', 'not-closed', 'adult'],
  },
  'me.request': {
    summary: 'ask for the relatives’ consultant or an own needs assessment',
    via: 'POST /api/me/plans/{id}/requests',
    actors: ['relative'],
    refused: 'For citizens signed in with their own e-ID',
    requires: ['is-relative', 'not-closed'],
  },
  'own.read': {
    summary: 'read my own SIP whole: goals, needs, each principal’s part, my consent, each relative’s sharing',
    via: 'GET /api/me/own-plans/{id}',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual'],
  },
  'own.document': {
    summary: 'download my own SIP, whole, as a document',
    via: 'GET /api/me/own-plans/{id}/document.pdf',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual'],
  },
  'own.access-log': {
    summary: 'read who has read my plan (my extract of the access log)',
    via: 'GET /api/me/own-plans/{id}/access-log',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual'],
  },
  'own.consent.give': {
    summary: 'give or narrow my consent to the SIP myself',
    via: 'PUT /api/me/own-plans/{id}/consent',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual', 'not-closed', 'individual-adult'],
  },
  'own.consent.withdraw': {
    summary: 'withdraw my consent to the SIP myself',
    via: 'PUT /api/me/own-plans/{id}/consent',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual', 'not-closed', 'withdrawable'],
  },
  'own.sharing.give': {
    summary: 'share with a relative, or narrow what a relative sees',
    via: 'PUT /api/me/own-plans/{id}/relatives/{relativeId}/sharing',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual', 'consent-not-withdrawn', 'individual-adult'],
  },
  'own.sharing.withdraw': {
    summary: 'withdraw what I share with a relative',
    via: 'PUT /api/me/own-plans/{id}/relatives/{relativeId}/sharing',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual', 'not-closed', 'withdrawable'],
  },
  'own.goals': {
    summary: 'write my own goals and what I do myself',
    via: 'PUT /api/me/own-plans/{id}/own-goals',
    actors: ['individual'],
    refused: OWN,
    requires: ['is-individual', 'not-closed'],
  },
  'upstream.read': {
    summary: 'read an upstream into the plan',
    via: 'sync, plan creation',
    actors: ['broker'],
    refused: 'Only the broker reads upstreams',
    requires: ['side-reached'],
  },
  'upstream.publish': {
    summary: 'publish the plan to an upstream',
    via: 'the outbox',
    actors: ['broker'],
    refused: 'Only the broker publishes',
    requires: ['side-reached'],
  },
  'worklist.raise': {
    summary: 'raise a passed review date on the work list',
    via: 'the review watcher',
    actors: ['broker'],
    refused: 'Only the broker raises what time brings',
    requires: ['not-closed'],
  },
} as const satisfies Record<string, Rule>;

export type Operation = keyof typeof policy;
export const operations = Object.keys(policy) as Operation[];

export type Decision = { allowed: true } | ({ allowed: false } & Refusal);

/**
 * Whether `actor` may do `operation` in `situation`: first who may ask at all (403), then each
 * requirement in the rule's order. A requirement whose facts are missing throws: the caller
 * must establish what the rule reads.
 */
export function decide(operation: Operation, actor: ActorKind, situation: Situation): Decision {
  const rule: Rule = policy[operation];
  if (!rule.actors.includes(actor)) return { allowed: false, status: 403, reason: rule.refused };
  for (const name of rule.requires) {
    const requirement: Requirement = requirements[name];
    const missing = requirement.reads.filter((fact) => situation[fact] === undefined);
    if (missing.length) throw new Error(`policy: ${operation} needs ${missing.join(', ')}`);
    if (!requirement.holds(situation)) return { allowed: false, ...requirement.refusal };
  }
  return { allowed: true };
}

/** The facts a rule reads, so a caller can establish exactly those. */
export function factsFor(operation: Operation): Fact[] {
  const rule: Rule = policy[operation];
  return [...new Set(rule.requires.flatMap((name) => (requirements[name] as Requirement).reads))];
}
