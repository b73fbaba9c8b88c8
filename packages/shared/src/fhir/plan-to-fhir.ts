import type {
  Annotation,
  CarePlan,
  CarePlanActivity,
  CareTeam,
  CareTeamParticipant,
  Condition,
  Consent,
  Extension,
  Goal,
  Identifier,
  Narrative,
  Organization,
  Patient,
  Practitioner,
  Provenance,
  Reference,
  RelatedPerson,
  Resource,
  Task,
} from '@medplum/fhirtypes';
import { CITIZEN_PREFIX, IdentifierSystem, parsePersonId, SYSTEM_PREFIX } from '../identifiers.ts';
import { attentionItems, type AttentionItem } from '../worklist.ts';
import {
  commitmentKindSchema,
  commitmentReviewDate,
  commitmentStatus,
  type Commitment,
  type CommitmentEvent,
  type CommitmentKind,
  type CommitmentStatus,
  type ConsentCategory,
  type HomeConsent,
  type IndividualConsent,
  type PartView,
  type PlanStatus,
  type PlanView,
  type Principal,
} from '../plan.ts';
import {
  ActivityKind,
  AttentionCoding,
  CareTeamRole,
  COMMITMENT_KIND_SYSTEM,
  CommitmentKindCoding,
  CONSENT_INFORMATION_SYSTEM,
  ConsentInformationText,
  ConsentCoding,
  ConsentPolicy,
  FhirSystem,
  GoalCategory,
  PlanCategory,
  PrincipalCoding,
  RelativeConsentCategory,
  SipExtension,
  SipIdentifierSystem,
  StandardCoding,
  TaskKind,
} from './codesystems.ts';
import { dateText, generatedNarrative, periodText } from './narrative.ts';
import { protectedIdentity, ProtectedIdentityLabel } from './provenance-marks.ts';
import { stableUuid } from './stable-uuid.ts';
import type { SipSystems } from './systems.ts';

/**
 * The individual as the receiving server knows them: a literal reference to its own Patient
 * (`Patient/123`), or a logical reference by personnummer or samordningsnummer.
 */
export type PatientReference =
  | { reference: string; display?: string }
  | { identifier: { system: string; value: string }; display?: string };

/** The change a set of resources is produced for: it becomes the Provenance. */
export interface PlanChange {
  /** The plan revision the change produced. */
  revision: number;
  /** When (RFC 3339 date-time with time zone). */
  changedAt: string;
  /** Who: the user's HSA-id. */
  userId: string;
  /** On behalf of: the organisation's HSA-id. */
  organisationId: string;
}

export interface PlanToFhirContext {
  patient: PatientReference;
  /** The URLs our own systems are published as: every resource carries them, never the local names. */
  systems: SipSystems;
  /** Without it, no Provenance is produced (a read of the plan as it is). */
  change?: PlanChange;
  /**
   * The principal whose FHIR server the resources are for. An intervention that mirrors a
   * ServiceRequest of that server is an activity referencing it there; every other intervention
   * (from the other side, from an upstream CarePlan's own activity, gone upstream, or written in
   * the broker) is an activity described in full. Without a receiver every intervention is
   * described in full: a reference to another server's resource would not resolve.
   */
  receiver?: Principal;
  /**
   * The receiver's Conditions (`Condition/<id>`) found there just before publishing: only these
   * are referenced as `Condition/<id>`. Without it, a Condition the receiver held at the last
   * sync is, unless the intervention that names it is gone upstream.
   */
  conditionsHeld?: ReadonlySet<string>;
}

/** The FHIR R4 resources that represent one SIP. */
export interface SipResources {
  /** The SIP itself. */
  carePlan: CarePlan & { id: string };
  /** One sub-CarePlan per principal's part, in the order of `plan.parts`. */
  parts: (CarePlan & { id: string })[];
  /** The standing relatives section, as a sub-CarePlan. */
  relatives: CarePlan & { id: string };
  /** The individual's own goals, then each part's professional goals. */
  goals: (Goal & { id: string })[];
  careTeam: CareTeam & { id: string };
  /** The individual's consent to the SIP, when recorded. */
  consent: (Consent & { id: string }) | null;
  /** The relatives, once the relatives section holds them. */
  relatedPersons: (RelatedPerson & { id: string })[];
  /**
   * One per commitment proposed to a relative the relatives section holds: `owner` the
   * RelatedPerson, `basedOn` the relatives section's CarePlan and the SIP.
   */
  tasks: (Task & { id: string })[];
  /**
   * The relatives' own consents: to each commitment they have answered (`provision.data` the
   * Task), then to the home as a place of care, where given or refused.
   */
  relativeConsents: (Consent & { id: string })[];
  /**
   * What in the relatives section needs attention (a decline, a withdrawal, a review date
   * passed, a request), each a Task to the principal responsible for the plan: `requested`
   * while it is on the work list, `completed` once dealt with.
   */
  attentionTasks: (Task & { id: string })[];
  /** The change, when the context names one. */
  provenance: Provenance | null;
}

/** SIP status → CarePlan.status. */
export const carePlanStatus: Record<PlanStatus, CarePlan['status']> = {
  draft: 'draft',
  active: 'active',
  followed_up: 'active',
  // Paused until a new consent: the plan may not go on, nor is it finished.
  consent_withdrawn: 'on-hold',
  closed: 'completed',
};

/** SIP status → Goal.lifecycleStatus: goals of a draft are proposed, of a closed plan no longer sought. */
export const goalLifecycleStatus: Record<PlanStatus, Goal['lifecycleStatus']> = {
  draft: 'proposed',
  active: 'active',
  followed_up: 'active',
  consent_withdrawn: 'on-hold',
  closed: 'completed',
};

/** SIP status → CareTeam.status. */
export const careTeamStatus: Record<PlanStatus, NonNullable<CareTeam['status']>> = {
  draft: 'proposed',
  active: 'active',
  followed_up: 'active',
  consent_withdrawn: 'suspended',
  closed: 'inactive',
};

/** Intervention status → CarePlan.activity.detail.status. */
export const interventionActivityStatus = {
  planned: 'not-started',
  decided: 'scheduled',
} as const satisfies Record<string, NonNullable<CarePlanActivity['detail']>['status']>;

/** A commitment's status → Task.status: withdrawn by the relative or cancelled by staff, the Task is cancelled. */
export const commitmentTaskStatus: Record<CommitmentStatus, Task['status']> = {
  requested: 'requested',
  accepted: 'accepted',
  declined: 'rejected',
  withdrawn: 'cancelled',
  cancelled: 'cancelled',
};

/** The relative's own answer → the status of their Consent to the commitment. */
export const commitmentConsentStatus = {
  accepted: 'active',
  reconfirmed: 'active',
  declined: 'rejected',
  withdrawn: 'inactive',
} as const satisfies Partial<Record<CommitmentEvent['status'], Consent['status']>>;

type RelativeAnswer = CommitmentEvent & { status: keyof typeof commitmentConsentStatus };

/** The relative's last own answer to a commitment (accepted, declined, withdrawn or reconfirmed), if any. */
export function lastRelativeAnswer(commitment: Pick<Commitment, 'history'>): RelativeAnswer | undefined {
  for (let i = commitment.history.length - 1; i >= 0; i--) {
    const event = commitment.history[i]!;
    if (event.by === 'relative' && event.status in commitmentConsentStatus) return event as RelativeAnswer;
  }
  return undefined;
}

/**
 * The kind of the commitment a Task carries, read back from its commitment-kind extension; `systems`
 * recognises the extension and the code system in every form the broker published them in (their
 * URLs under any base it used, or their local names). Undefined when the Task carries no kind, or
 * one this version does not know.
 */
export function commitmentKindOfTask(task: Pick<Task, 'extension'>, systems?: { local(system: string | undefined): string | undefined }): CommitmentKind | undefined {
  const local = (system: string | undefined) => (systems ? systems.local(system) : system);
  const coding = task.extension?.find((e) => local(e.url) === SipExtension.commitmentKind)?.valueCoding;
  if (!coding || local(coding.system) !== COMMITMENT_KIND_SYSTEM) return undefined;
  const kind = commitmentKindSchema.safeParse(coding.code);
  return kind.success ? kind.data : undefined;
}

/** `system|value`: how an identifier is looked up, and the key of {@link ExistingResources}. */
export const identifierKey = (identifier: { system?: string; value?: string }) => `${identifier.system ?? ''}|${identifier.value ?? ''}`;

/*
 * Our identifiers, by the local names of their systems: what planToFhir builds on (and derives
 * ids from). Compare them with published resources through `SipSystems.publish`.
 */
export const planIdentifier = (plan: Pick<PlanView, 'id'>): Identifier => ({ system: SipIdentifierSystem.plan, value: plan.id });
export const partIdentifier = (partId: string): Identifier => ({ system: SipIdentifierSystem.planPart, value: partId });
/** A goal's identifier: scoped by the plan (the individual's own goals) or the part (professional goals), so item ids chosen by a client never collide. */
export const goalIdentifier = (scopeId: string, itemId: string): Identifier => ({
  system: SipIdentifierSystem.goal,
  value: `${scopeId}/${itemId}`,
});
export const careTeamIdentifier = (plan: Pick<PlanView, 'id'>): Identifier => ({ system: SipIdentifierSystem.careTeam, value: plan.id });
export const consentIdentifier = (plan: Pick<PlanView, 'id'>): Identifier => ({ system: SipIdentifierSystem.consent, value: plan.id });

export const commitmentIdentifier = (planId: string, commitmentId: string): Identifier => ({
  system: SipIdentifierSystem.commitment,
  value: `${planId}/${commitmentId}`,
});
export const commitmentConsentIdentifier = (planId: string, commitmentId: string): Identifier => ({
  system: SipIdentifierSystem.commitmentConsent,
  value: `${planId}/${commitmentId}`,
});
export const attentionIdentifier = (planId: string, itemKey: string): Identifier => ({
  system: SipIdentifierSystem.attention,
  value: `${planId}/${itemKey}`,
});
export const homeConsentIdentifier = (planId: string, relativeId: string): Identifier => ({
  system: SipIdentifierSystem.homeConsent,
  value: `${planId}/${relativeId}`,
});

/** A logical id derived from the resource's identifier: stable, and a valid FHIR id. */
const idOf = (resourceType: string, identifier: Identifier) => stableUuid(`${resourceType}|${identifierKey(identifier)}`);

/** The logical id of a goal in our own FHIR face: derived from its identifier, so it is stable and a valid FHIR id. */
export const goalResourceId = (scopeId: string, itemId: string) => stableUuid(`Goal|${goalIdentifier(scopeId, itemId).value}`);

/** The individual by personnummer or samordningsnummer, for servers whose Patient id we do not know. */
export function patientIdentifierReference(plan: Pick<PlanView, 'individual'>): PatientReference {
  return {
    identifier: { system: IdentifierSystem[plan.individual.kind], value: plan.individual.personId },
    ...(plan.individual.name ? { display: plan.individual.name } : {}),
  };
}

function patientRef(patient: PatientReference): Reference<Patient> {
  return 'reference' in patient ? { ...patient, type: 'Patient' } : { type: 'Patient', ...patient };
}

function organisationRef(org: { id: string; name?: string | undefined }): Reference<Organization> {
  return { type: 'Organization', identifier: { system: IdentifierSystem.hsaId, value: org.id }, ...(org.name ? { display: org.name } : {}) };
}

type StaffContact = { name: string; hsaId?: string | undefined; title?: string | undefined };

function practitionerRef(person: StaffContact): Reference<Practitioner> {
  return {
    type: 'Practitioner',
    ...(person.hsaId ? { identifier: { system: IdentifierSystem.hsaId, value: person.hsaId } } : {}),
    display: person.name,
  };
}

/** A reference to another resource of the SIP, by our own id. */
const localRef = <T extends Resource & { id: string }>(resource: T): Reference<T> => ({
  reference: `${resource.resourceType}/${resource.id}`,
});
const carePlanRef = (id: string): Reference<CarePlan> => ({ reference: `CarePlan/${id}` });

/** Drops undefined values, empty arrays and empty objects: FHIR allows none of them. */
function prune<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(prune).filter((v) => v !== undefined) as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pruned = prune(child);
      if (pruned === undefined) continue;
      if (Array.isArray(pruned) && pruned.length === 0) continue;
      if (pruned && typeof pruned === 'object' && !Array.isArray(pruned) && Object.keys(pruned).length === 0) continue;
      out[key] = pruned;
    }
    return out as T;
  }
  return value;
}

/** The resource with its narrative, where FHIR's JSON puts it: after the id and meta. */
function narrated<T extends Resource>(resource: T, text: Narrative): T {
  const { resourceType, id, meta, ...rest } = resource as T & { id?: string; meta?: Resource['meta'] };
  return { resourceType, ...(id !== undefined ? { id } : {}), ...(meta !== undefined ? { meta } : {}), text, ...rest } as unknown as T;
}

const carePlanStatusText: Record<CarePlan['status'], string> = {
  draft: 'Utkast',
  active: 'Aktiv',
  'on-hold': 'Vilande: samtycket till planen är återkallat',
  revoked: 'Återkallad',
  completed: 'Avslutad',
  'entered-in-error': 'Felregistrerad',
  unknown: 'Okänd',
};

const goalStatusText: Record<Goal['lifecycleStatus'], string> = {
  proposed: 'Föreslaget',
  planned: 'Planerat',
  accepted: 'Accepterat',
  active: 'Aktivt',
  'on-hold': 'Vilande',
  completed: 'Avslutat',
  cancelled: 'Avbrutet',
  'entered-in-error': 'Felregistrerat',
  rejected: 'Avvisat',
};

const careTeamStatusText: Record<NonNullable<CareTeam['status']>, string> = {
  proposed: 'Föreslaget',
  active: 'Aktivt',
  suspended: 'Vilande',
  inactive: 'Avslutat',
  'entered-in-error': 'Felregistrerat',
};

const activityStatusText: Partial<Record<NonNullable<CarePlanActivity['detail']>['status'], string>> = {
  'not-started': 'planerad, inte beslutad',
  scheduled: 'beslutad',
};

const commitmentTaskStatusText: Partial<Record<Task['status'], string>> = {
  requested: 'Föreslaget, inväntar den anhöriges svar',
  accepted: 'Åtaget av den anhörige',
  rejected: 'Avböjt av den anhörige',
  cancelled: 'Avslutat',
};

/**
 * How a relative is named in the narrative of another resource: by name and relationship, or,
 * for a relative with skyddade personuppgifter, by relationship alone.
 */
function relativeLabel(person: RelatedPerson): string {
  const relation = person.relationship?.[0]?.text;
  if (protectedIdentity(person)) return `${relation ?? 'anhörig'} (skyddade personuppgifter)`;
  const name = person.name?.[0]?.text ?? 'Anhörig';
  return relation ? `${name} (${relation})` : name;
}

/** A reference to a relative: with the name, unless their identity is protected. */
function relativeRef(person: RelatedPerson & { id: string }): Reference<RelatedPerson> {
  const name = person.name?.[0]?.text;
  return { ...localRef(person), type: 'RelatedPerson', ...(name && !protectedIdentity(person) ? { display: name } : {}) };
}

/** One activity of a CarePlan in words. */
function activityText(activity: CarePlanActivity): string {
  if (activity.reference) return activity.reference.display ?? activity.reference.reference ?? '';
  const detail = activity.detail;
  if (!detail) return '';
  const what = detail.code?.text ?? detail.description ?? detail.code?.coding?.[0]?.display ?? '';
  const when = detail.scheduledString ?? detail.scheduledTiming?.code?.text;
  const dates = periodText(detail.scheduledTiming?.repeat?.boundsPeriod);
  const performers = (detail.performer ?? []).map((p) => p.display).filter((d): d is string => !!d);
  const reasons = (detail.reasonReference ?? []).map((r) => r.reference ?? r.identifier?.value).filter((r): r is string => !!r);
  return [
    what,
    activityStatusText[detail.status],
    when,
    dates,
    performers.length ? `utförs av ${performers.join(', ')}` : undefined,
    reasons.length ? `avser tillstånd ${reasons.join(', ')}` : undefined,
    detail.code?.text && detail.description ? detail.description : undefined,
  ]
    .filter((part): part is string => !!part)
    .join('; ');
}

function organisationOf(plan: PlanView, principal: Principal | undefined) {
  return principal ? plan.parts.find((p) => p.principal === principal)?.organisation : undefined;
}

function goalNarrative(goal: Goal): Narrative {
  const own = goal.category?.some((c) => c.coding?.some((coding) => coding.system === GoalCategory.individual.system && coding.code === GoalCategory.individual.code));
  return generatedNarrative(own ? GoalCategory.individual.display : GoalCategory.professional.display, [
    ['Mål', goal.description.text],
    ['Status', goalStatusText[goal.lifecycleStatus]],
    ['Den enskilde', goal.subject.display],
    ['Uttryckt av', goal.expressedBy ? (goal.expressedBy.display ?? 'den enskilde') : undefined],
  ]);
}

function individualGoals(plan: PlanView, patient: Reference<Patient>): (Goal & { id: string })[] {
  return (plan.fields.individualGoals ?? []).map((goal, index) => {
    const itemId = goal.id ?? String(index);
    const resource = prune<Goal & { id: string }>({
      resourceType: 'Goal',
      id: goalResourceId(plan.id, itemId),
      identifier: [goalIdentifier(plan.id, itemId)],
      lifecycleStatus: goalLifecycleStatus[plan.status],
      // What matters to the individual: in LOINC's words a personal health goal.
      category: [{ coding: [{ ...GoalCategory.individual }, { ...StandardCoding.personalHealthGoal }] }],
      description: { text: goal.text },
      subject: patient,
      expressedBy: patient,
    });
    return narrated(resource, goalNarrative(resource));
  });
}

function professionalGoals(plan: PlanView, part: PartView, patient: Reference<Patient>): (Goal & { id: string })[] {
  return (part.content.goals ?? []).map((goal, index) => {
    const itemId = goal.id ?? String(index);
    return prune<Goal & { id: string }>({
      resourceType: 'Goal',
      id: goalResourceId(part.id, itemId),
      identifier: [goalIdentifier(part.id, itemId)],
      lifecycleStatus: goalLifecycleStatus[plan.status],
      category: [{ coding: [{ ...GoalCategory.professional }] }],
      description: { text: goal.text },
      subject: patient,
    });
  }).map((goal) => narrated(goal, goalNarrative(goal)));
}

/** The request types a CarePlan activity may reference (R4 CarePlan.activity.reference). */
const ACTIVITY_REFERENCE_TYPES: ReadonlySet<string> = new Set([
  'Appointment',
  'CommunicationRequest',
  'DeviceRequest',
  'MedicationRequest',
  'NutritionOrder',
  'Task',
  'ServiceRequest',
  'VisionPrescription',
  'RequestGroup',
]);

type Intervention = NonNullable<PartView['content']['interventions']>[number];

/**
 * The resource an intervention mirrors on the receiving server, when there is one: the
 * upstream's own ServiceRequest (or other request) on the receiver's side, still there. An
 * intervention from an upstream CarePlan's inline activity has no resource of its own.
 */
function sourceOnReceiver(intervention: Intervention, receiver: Principal | undefined): CarePlanActivity['reference'] {
  const source = intervention.source;
  if (!receiver || !source || source.system !== receiver || intervention.removedUpstream) return undefined;
  if (!ACTIVITY_REFERENCE_TYPES.has(source.resourceType) || !/^[A-Za-z0-9\-.]{1,64}$/.test(source.id)) return undefined;
  const type = source.resourceType as NonNullable<Resource['resourceType']>;
  return { reference: `${source.resourceType}/${source.id}`, type, display: intervention.title };
}

/** A Condition an intervention addresses, as the receiver can resolve it, and in words for the narrative. */
interface AddressedCondition {
  reference: Reference<Condition>;
  /** `Condition/<id>`, or `system|value` of its identifier: one Condition is listed once. */
  key: string;
  text: string;
}

/**
 * The Conditions an intervention addresses, as references the receiver can resolve: `Condition/<id>`
 * only to the upstream that holds it (the one the intervention came from), and only while it holds
 * it; otherwise a logical reference by the Condition's identifier, if it has one; otherwise none.
 * Nothing of what the Condition says travels with it: the record that holds it has it.
 */
function addressedConditions(plan: PlanView, intervention: Intervention, ctx: Pick<PlanToFhirContext, 'receiver' | 'conditionsHeld'>): AddressedCondition[] {
  return (intervention.addresses ?? []).flatMap((condition): AddressedCondition[] => {
    const literal = `Condition/${condition.id}`;
    const holder = organisationOf(plan, condition.system)?.name ?? PrincipalCoding[condition.system].display;
    const held = ctx.conditionsHeld ? ctx.conditionsHeld.has(literal) : !intervention.removedUpstream;
    const identifier = condition.identifier ? { system: condition.identifier.system, value: condition.identifier.value } : undefined;
    if (ctx.receiver === condition.system && held) {
      return [{ reference: { reference: literal, type: 'Condition', ...(identifier ? { identifier } : {}) }, key: literal, text: `Tillstånd ${literal} hos ${holder}` }];
    }
    if (identifier) {
      return [
        {
          reference: { type: 'Condition', identifier },
          key: identifierKey(identifier),
          text: `Tillstånd hos ${holder}, identifierare ${identifier.value} (${identifier.system})`,
        },
      ];
    }
    return [];
  });
}

/** Each Condition once, in the order first named. */
function distinctConditions(conditions: AddressedCondition[]): AddressedCondition[] {
  const seen = new Set<string>();
  return conditions.filter((c) => !seen.has(c.key) && seen.add(c.key));
}

function interventionActivity(intervention: Intervention, receiver: Principal | undefined, reasons: AddressedCondition[]): CarePlanActivity {
  // FHIR's cpl-3: a reference or a detail, never both. The receiver reads the details (its reasons too) off its own resource.
  const reference = sourceOnReceiver(intervention, receiver);
  if (reference) return prune<CarePlanActivity>({ id: intervention.id, reference });
  const hasDates = intervention.startDate !== undefined || intervention.endDate !== undefined;
  const bounds = { start: intervention.startDate, end: intervention.endDate };
  return {
    id: intervention.id,
    detail: {
      code: { coding: [{ ...ActivityKind.intervention }], text: intervention.title },
      status: interventionActivityStatus[intervention.status],
      reasonReference: reasons.length ? reasons.map((r) => r.reference) : undefined,
      description: intervention.description,
      performer: intervention.performedBy ? [{ display: intervention.performedBy }] : undefined,
      // Dates and the words for when: a Timing holds both; words alone are a string.
      ...(hasDates
        ? { scheduledTiming: { repeat: { boundsPeriod: bounds }, ...(intervention.when ? { code: { text: intervention.when } } : {}) } }
        : intervention.when
          ? { scheduledString: intervention.when }
          : {}),
    },
  };
}

function sipActivities(plan: PlanView, patient: Reference<Patient>): CarePlanActivity[] {
  const own = (plan.fields.individualOwnActions ?? []).map<CarePlanActivity>((action) => ({
    id: action.id,
    detail: {
      code: { coding: [{ ...ActivityKind.individualOwnAction }] },
      status: 'unknown',
      description: action.text,
      performer: [patient],
    },
  }));
  const others = (plan.fields.otherActorMeasures ?? []).map<CarePlanActivity>((measure) => ({
    id: measure.id,
    detail: {
      code: { coding: [{ ...ActivityKind.otherActorMeasure }] },
      status: 'unknown',
      description: measure.measure,
      performer: [{ display: measure.actor }],
      ...(measure.when ? { scheduledString: measure.when } : {}),
    },
  }));
  return [...own, ...others];
}

function sipNotes(plan: PlanView): Annotation[] {
  const needs = (plan.fields.needs ?? []).map<Annotation>((need) => ({ text: `Behov: ${need.text}` }));
  const meetings = (plan.fields.meetings ?? []).map<Annotation>((meeting) => ({
    time: meeting.at,
    text: `Möte${meeting.place ? `, ${meeting.place}` : ''}${meeting.notes ? `: ${meeting.notes}` : ''}`,
  }));
  return [...needs, ...meetings];
}

function followUpExtension(plan: PlanView): Extension[] {
  const followUp = plan.fields.followUp;
  if (!followUp) return [];
  return [
    {
      url: SipExtension.followUp,
      extension: [
        { url: 'date', valueDate: followUp.date },
        { url: 'by', valueReference: practitionerRef(followUp.by) },
      ],
    },
  ];
}

/** Whether a relative carries a commitment they have accepted (and not withdrawn): a caregiver in the team. */
const carriesCommitment = (relative: SectionRelative) => (relative.commitments ?? []).some((c) => commitmentStatus(c) === 'accepted');

/**
 * The SIP's team: the individual, both principals, their contact persons, the SIP coordinator,
 * the invited others, and the relatives who take part (those the relatives section holds and the
 * upstreams still know), each with their relationship and, while they carry a commitment they
 * accepted, as caregiver.
 */
function careTeam(plan: PlanView, patient: Reference<Patient>, relatedPersons: (RelatedPerson & { id: string })[]): CareTeam & { id: string } {
  const participants: CareTeamParticipant[] = [];
  /** Each participant in words, for the narrative: role, who, on whose behalf. */
  const lines: string[] = [];
  const add = (participant: CareTeamParticipant, line: string) => {
    participants.push(participant);
    lines.push(line);
  };
  add(
    { role: [{ coding: [{ ...CareTeamRole.individual }, { ...StandardCoding.patient }] }], member: patient },
    `${CareTeamRole.individual.display}${patient.display ? `: ${patient.display}` : ''}`,
  );
  for (const part of plan.parts) {
    add(
      { role: [{ coding: [{ ...CareTeamRole.principal }, { ...PrincipalCoding[part.principal] }] }], member: organisationRef(part.organisation) },
      `${CareTeamRole.principal.display} (${PrincipalCoding[part.principal].display.toLowerCase()}): ${part.organisation.name}`,
    );
  }
  for (const part of plan.parts) {
    const contact = part.content.contactPerson;
    if (!contact) continue;
    add(
      { role: [{ coding: [{ ...CareTeamRole.contactPerson }] }], member: practitionerRef(contact), onBehalfOf: organisationRef(part.organisation) },
      `${CareTeamRole.contactPerson.display}: ${contact.name}${contact.title ? `, ${contact.title}` : ''} (${part.organisation.name})`,
    );
  }
  const coordinator = plan.fields.coordinator;
  if (coordinator) {
    const org = plan.parts.find((p) => p.organisation.id === coordinator.organisationId)?.organisation;
    add(
      {
        role: [{ coding: [{ ...CareTeamRole.coordinator }] }],
        member: practitionerRef(coordinator),
        ...(coordinator.organisationId ? { onBehalfOf: organisationRef({ id: coordinator.organisationId, name: org?.name }) } : {}),
      },
      `${CareTeamRole.coordinator.display}: ${coordinator.name}${coordinator.title ? `, ${coordinator.title}` : ''}${org ? ` (${org.name})` : ''}`,
    );
  }
  for (const participant of plan.participants) {
    if (participant.kind !== 'invited') continue;
    add(
      {
        role: [{ coding: [{ ...CareTeamRole.invited }], ...(participant.role ? { text: participant.role } : {}) }],
        member: participant.organisationId
          ? organisationRef({ id: participant.organisationId, name: participant.name })
          : { display: participant.name },
      },
      `${CareTeamRole.invited.display}: ${participant.name}${participant.role ? `, ${participant.role}` : ''}`,
    );
  }
  for (const relative of plan.relativesSection.relatives) {
    const person = relatedPersonOf(plan.id, relative, relatedPersons);
    if (!person) continue;
    const caregiver = carriesCommitment(relative);
    add(
      {
        role: [
          { coding: [{ ...CareTeamRole.relative }, ...(caregiver ? [{ ...StandardCoding.caregiver }] : [])] },
          { ...(relative.relationship.code ? { coding: [{ system: FhirSystem.roleCode, code: relative.relationship.code }] } : {}), text: relative.relationship.text },
        ],
        member: relativeRef(person),
      },
      `${CareTeamRole.relative.display}${caregiver ? ' med åtagande' : ''}: ${relativeLabel(person)}`,
    );
  }
  const responsible = organisationOf(plan, plan.fields.overallResponsibility);
  const team = prune<CareTeam & { id: string }>({
    resourceType: 'CareTeam',
    id: plan.id,
    identifier: [careTeamIdentifier(plan)],
    status: careTeamStatus[plan.status],
    category: [{ coding: [{ ...PlanCategory.sip }] }, { coding: [{ ...StandardCoding.careCoordinationTeam }] }],
    name: plan.fields.title ? `SIP-team: ${plan.fields.title}` : 'SIP-team',
    subject: patient,
    participant: participants,
    managingOrganization: responsible ? [organisationRef(responsible)] : undefined,
  });
  return narrated(
    team,
    generatedNarrative(
      team.name ?? 'SIP-team',
      [
        ['Status', team.status ? careTeamStatusText[team.status] : undefined],
        ['Den enskilde', patient.display],
        ['Huvudman med övergripande ansvar', responsible?.name],
      ],
      [{ heading: 'Deltagare', items: lines }],
    ),
  );
}

function consentActor(plan: PlanView, name: string): Reference<Organization> {
  const org = plan.parts.find((p) => p.organisation.name === name)?.organisation;
  return org ? organisationRef(org) : { display: name };
}

/**
 * Where the individual's consent came from (IHE PCF's `Consent.source[x]`): the broker holds no
 * document or form of it, so an attachment without content that names how it was given, by whom
 * it was recorded (already on the Consent, in its extension) and when. A guardians' consent says so.
 */
function individualConsentSource(given: IndividualConsent): Consent['sourceAttachment'] {
  const form = given.form === 'written' ? 'Skriftligt' : 'Muntligt';
  const whose = given.basis === 'guardians' ? 'vårdnadshavarnas besked' : 'besked';
  // Recorded by the individual themself, signed in with their own e-ID: nobody registered it for them.
  if (given.recordedWith === 'e-id') {
    return { title: `Den enskildes eget besked om samtycke till samordnad individuell plan, lämnat med e-legitimation`, creation: given.recordedAt };
  }
  return {
    title: `${form} ${whose} om samtycke till samordnad individuell plan, registrerat av ${given.recordedBy.name}`,
    creation: given.recordedAt,
  };
}

function consent(plan: PlanView, given: IndividualConsent, patient: Reference<Patient>): Consent & { id: string } {
  const resource = prune<Consent & { id: string }>({
    resourceType: 'Consent',
    id: plan.id,
    identifier: [consentIdentifier(plan)],
    extension: [
      { url: SipExtension.consentForm, valueCode: given.form },
      { url: SipExtension.consentRecordedBy, valueReference: given.recordedWith === 'e-id' ? patient : practitionerRef(given.recordedBy) },
    ],
    status: given.revokedAt ? 'inactive' : 'active',
    scope: { coding: [{ ...ConsentCoding.patientPrivacy }] },
    category: [{ coding: [{ ...ConsentCoding.patientConsent }] }],
    patient,
    dateTime: given.recordedAt,
    performer: [patient],
    organization: plan.parts.map((p) => organisationRef(p.organisation)),
    // IHE PCF: where the consent came from, and the policy it is given under.
    sourceAttachment: individualConsentSource(given),
    policy: [{ uri: ConsentPolicy.sip }],
    policyRule: { coding: [{ ...(given.given ? ConsentCoding.optIn : ConsentCoding.optOut) }] },
    verification: (given.guardians ?? []).map((guardian) => ({
      verified: guardian.given,
      verifiedWith: { display: guardian.name },
      verificationDate: guardian.recordedAt,
    })),
    provision: {
      type: given.given ? 'permit' : 'deny',
      period: given.scope.validUntil ? { end: given.scope.validUntil } : undefined,
      actor: given.scope.actors.map((name) => ({ role: { coding: [{ ...ConsentCoding.informationRecipient }] }, reference: consentActor(plan, name) })),
      purpose: [{ ...ConsentCoding.coordinationOfCare }],
      code: given.scope.information.map((category) => ({ coding: [{ system: CONSENT_INFORMATION_SYSTEM, code: category }] })),
      provision: given.scope.excluded ? [{ type: 'deny', code: [{ text: given.scope.excluded }] }] : undefined,
    },
  });
  return narrated(
    resource,
    generatedNarrative(
      'Den enskildes samtycke till samordnad individuell plan',
      [
        ['Den enskilde', patient.display],
        ['Beslut', given.given ? 'Samtycke lämnat' : 'Samtycke nekat'],
        ['Status', given.revokedAt ? 'Återkallat' : 'Gäller'],
        ['Registrerat', dateText(given.recordedAt)],
        ['Form', given.form === 'written' ? 'Skriftligt' : 'Muntligt'],
        ['Registrerat av', given.recordedWith === 'e-id' ? `${given.recordedBy.name}, själv med e-legitimation` : given.recordedBy.name],
        ['Källa', resource.sourceAttachment?.title],
        ['Gäller till', dateText(given.scope.validUntil)],
        ['Undantaget', given.scope.excluded],
      ],
      [
        { heading: 'Får ta del av planen', items: (resource.provision?.actor ?? []).map((a) => a.reference.display ?? a.reference.identifier?.value ?? '') },
        { heading: 'Uppgifter som får delas', items: given.scope.information.map((category) => ConsentInformationText[category]) },
        {
          heading: 'Vårdnadshavares samtycke',
          items: (given.guardians ?? []).map((g) => `${g.name}: ${g.given ? 'samtycker' : 'samtycker inte'} (${dateText(g.recordedAt)})`),
        },
      ],
    ),
  );
}

function provenance(plan: PlanView, change: PlanChange): Provenance {
  const org = plan.parts.find((p) => p.organisation.id === change.organisationId)?.organisation;
  return prune<Provenance>({
    resourceType: 'Provenance',
    extension: [{ url: SipExtension.planRevision, valueInteger: change.revision }],
    // The identifier lets a receiver find this Provenance again (conditional create).
    target: [{ ...carePlanRef(plan.id), identifier: { system: SipIdentifierSystem.plan, value: plan.id } }],
    occurredDateTime: change.changedAt,
    recorded: change.changedAt,
    activity: { coding: [{ system: FhirSystem.dataOperation, code: change.revision <= 1 ? 'CREATE' : 'UPDATE' }] },
    agent: [
      change.userId.startsWith(SYSTEM_PREFIX)
        ? {
            // Recorded by the broker on its own, e.g. when a review date passed.
            type: { coding: [{ system: FhirSystem.provenanceParticipantType, code: 'assembler', display: 'Assembler' }] },
            who: { type: 'Device', identifier: { system: SipIdentifierSystem.device, value: change.userId }, display: 'SIP-broker' },
          }
        : change.userId === `${CITIZEN_PREFIX}${plan.individual.personId}`
        ? {
            // The individual's own change, with their own e-ID: the patient is the author.
            type: { coding: [{ system: FhirSystem.provenanceParticipantType, code: 'author', display: 'Author' }] },
            who: { type: 'Patient', identifier: personIdentifier(plan.individual.personId) },
          }
        : change.userId.startsWith(CITIZEN_PREFIX)
        ? {
            // A relative's own answer: the relative is the author, on nobody's behalf.
            type: { coding: [{ system: FhirSystem.provenanceParticipantType, code: 'author', display: 'Author' }] },
            who: { type: 'RelatedPerson', identifier: personIdentifier(change.userId.slice(CITIZEN_PREFIX.length)) },
          }
        : {
            type: { coding: [{ system: FhirSystem.provenanceParticipantType, code: 'author', display: 'Author' }] },
            who: { type: 'Practitioner', identifier: { system: IdentifierSystem.hsaId, value: change.userId } },
            onBehalfOf: organisationRef({ id: change.organisationId, name: org?.name }),
          },
    ],
  });
}

/**
 * The relatives of the relatives section as RelatedPersons (relationship from v3-RoleCode),
 * each with our identifier and, when known, their personnummer. Relatives the upstreams no
 * longer know are left out.
 */
export function relatedPersonsFromRelativesSection(
  planId: string,
  section: PlanView['relativesSection'],
  patient: Reference<Patient>,
): (RelatedPerson & { id: string })[] {
  return section.relatives
    .filter((r) => !r.removedUpstream)
    .map((r) => {
      const person = prune<RelatedPerson & { id: string }>({
        resourceType: 'RelatedPerson',
        id: stableUuid(`relative|${planId}|${r.id}`),
        // Skyddade personuppgifter: marked for the receiver, and no contact details at all.
        meta: r.protectedIdentity ? { security: [{ ...ProtectedIdentityLabel }] } : undefined,
        identifier: [
          relativeIdentifier(planId, r.id),
          ...(r.personId ? [{ system: parsePersonId(r.personId)?.system ?? IdentifierSystem.personnummer, value: r.personId }] : []),
        ],
        active: true,
        patient,
        relationship: [
          {
            ...(r.relationship.code ? { coding: [{ system: FhirSystem.roleCode, code: r.relationship.code }] } : {}),
            text: r.relationship.text,
          },
        ],
        name: [{ text: r.name }],
        telecom: r.protectedIdentity
          ? []
          : [
              ...(r.phone ? [{ system: 'phone' as const, value: r.phone }] : []),
              ...(r.email ? [{ system: 'email' as const, value: r.email }] : []),
            ],
      });
      // Read off the resource itself: contact details the resource does not carry are not in its narrative either.
      const telecom = (system: 'phone' | 'email') => person.telecom?.find((t) => t.system === system)?.value;
      return narrated(
        person,
        generatedNarrative(person.name?.[0]?.text ?? 'Anhörig', [
          ['Relation', person.relationship?.[0]?.text],
          ['Anhörig till', patient.display],
          ['Skyddade personuppgifter', protectedIdentity(person) ? 'Ja: kontaktuppgifter lämnas inte ut' : undefined],
          ['Telefon', telecom('phone')],
          ['E-post', telecom('email')],
        ]),
      );
    });
}

export const relativeIdentifier = (planId: string, relativeId: string): Identifier => ({
  system: SipIdentifierSystem.relative,
  value: `${planId}/${relativeId}`,
});

type SectionRelative = PlanView['relativesSection']['relatives'][number];

/** The RelatedPerson of a relative the upstreams still know, among `relatedPersons`. */
function relatedPersonOf(planId: string, relative: SectionRelative, relatedPersons: (RelatedPerson & { id: string })[]) {
  if (relative.removedUpstream) return undefined;
  const key = identifierKey(relativeIdentifier(planId, relative.id));
  return relatedPersons.find((p) => p.identifier?.some((i) => identifierKey(i) === key));
}

function commitmentTask(
  planId: string,
  relativesSectionId: string,
  commitment: Commitment,
  owner: RelatedPerson & { id: string },
  patient: Reference<Patient>,
): Task & { id: string } {
  const identifier = commitmentIdentifier(planId, commitment.id);
  const task = prune<Task & { id: string }>({
    resourceType: 'Task',
    id: idOf('Task', identifier),
    extension: [
      { url: SipExtension.reviewDate, valueDate: commitmentReviewDate(commitment) },
      ...(commitment.kind ? [{ url: SipExtension.commitmentKind, valueCoding: { ...CommitmentKindCoding[commitment.kind] } }] : []),
    ],
    identifier: [identifier],
    // The relatives section it belongs to, and the SIP that section is part of.
    basedOn: [carePlanRef(relativesSectionId), carePlanRef(planId)],
    status: commitmentTaskStatus[commitmentStatus(commitment)],
    intent: 'proposal',
    code: { coding: [{ ...TaskKind.commitment }] },
    description: commitment.what,
    for: patient,
    executionPeriod: { start: commitment.from, end: commitment.until },
    authoredOn: commitment.history[0]?.at,
    lastModified: commitment.history[commitment.history.length - 1]?.at,
    owner: localRef(owner),
    note: [{ text: commitment.howOften }],
  });
  return narrated(
    task,
    generatedNarrative(TaskKind.commitment.display, [
      ['Åtagande', task.description],
      ['Typ av åtagande', commitment.kind && CommitmentKindCoding[commitment.kind].display],
      ['Hur ofta', commitment.howOften],
      ['Anhörig', relativeLabel(owner)],
      ['Den enskilde', patient.display],
      ['Status', commitmentTaskStatusText[task.status]],
      ['Period', periodText(task.executionPeriod)],
      ['Omprövas senast', commitmentReviewDate(commitment)],
      ['Senast ändrat', dateText(task.lastModified)],
    ]),
  );
}

/** The relative's own answer to a commitment, in words. */
const relativeAnswerText: Record<keyof typeof commitmentConsentStatus, string> = {
  accepted: 'åtar sig',
  reconfirmed: 'bekräftar igen',
  declined: 'avböjer',
  withdrawn: 'återkallar',
};

const relativeConsentStatusText: Partial<Record<Consent['status'], string>> = {
  active: 'Ja, samtycker',
  rejected: 'Nej, samtycker inte',
  inactive: 'Samtycket är återkallat eller avslutat',
};

/**
 * The relative's own consent, in the shape both kinds share: scope, our category beside LOINC's
 * Patient Consent, where it came from, the policy it is given under, opt-in or opt-out.
 *
 * Scope `treatment`, not `patient-privacy`: what the relative consents to is how care is given
 * (taking on part of it, or having it given in their home), not what information may be shared
 * (that is the individual's own consent, scope `patient-privacy`), nor an advance directive
 * (`adr`, the individual's own wishes for future care). FHIR R4 then asks for a patient (ppc-5):
 * the individual whose care it is.
 * Category LOINC 59284-0 "Patient Consent", the document class of a consent to care, beside our
 * own: not 64292-6 "Release of information consent", which is a consent to disclosure.
 * Source: the relative's own statement through the portal (the relative's API), an attachment
 * without content that names it and its time; the broker keeps the answer itself, nothing more.
 */
function relativeConsent(
  fields: {
    identifier: Identifier;
    category: { system: string; code: string; display: string };
    policy: string;
    status: Consent['status'];
    dateTime: string;
    /** What the relative's own statement was about, for the title of its source. */
    statement: string;
    data?: { reference: Reference; text: string };
  },
  performer: RelatedPerson & { id: string },
  patient: Reference<Patient>,
): Consent & { id: string } {
  const given = fields.status === 'active';
  const resource = prune<Consent & { id: string }>({
    resourceType: 'Consent',
    id: idOf('Consent', fields.identifier),
    identifier: [fields.identifier],
    status: fields.status,
    scope: { coding: [{ ...ConsentCoding.treatment }] },
    category: [{ coding: [{ ...fields.category }] }, { coding: [{ ...ConsentCoding.patientConsent }] }],
    patient,
    dateTime: fields.dateTime,
    performer: [localRef(performer)],
    sourceAttachment: { title: fields.statement, creation: fields.dateTime },
    policy: [{ uri: fields.policy }],
    policyRule: { coding: [{ ...(given ? ConsentCoding.optIn : ConsentCoding.optOut) }] },
    provision: {
      type: given ? 'permit' : 'deny',
      data: fields.data ? [{ meaning: 'related', reference: fields.data.reference }] : undefined,
    },
  });
  return narrated(
    resource,
    generatedNarrative(fields.category.display, [
      ['Anhörig', relativeLabel(performer)],
      ['Den enskilde', patient.display],
      ['Åtagande', fields.data?.text],
      ['Svar', relativeConsentStatusText[fields.status]],
      ['Datum', dateText(fields.dateTime)],
      ['Källa', fields.statement],
    ]),
  );
}

function homeConsentOf(planId: string, relative: SectionRelative & { homeConsent: HomeConsent }, performer: RelatedPerson & { id: string }, patient: Reference<Patient>) {
  return relativeConsent(
    {
      identifier: homeConsentIdentifier(planId, relative.id),
      category: RelativeConsentCategory.homeAsPlaceOfCare,
      policy: ConsentPolicy.homeAsPlaceOfCare,
      status: relative.homeConsent.consent ? 'active' : 'rejected',
      dateTime: relative.homeConsent.at,
      statement: 'Den anhöriges eget svar om hemmet som vårdplats, lämnat via e-tjänsten',
    },
    performer,
    patient,
  );
}

/**
 * The relatives' commitments as Tasks and their own answers as Consents, for the relatives the
 * upstreams still know (each needs its RelatedPerson among `relatedPersons`).
 */
export function commitmentResources(
  planId: string,
  section: PlanView['relativesSection'],
  relatedPersons: (RelatedPerson & { id: string })[],
  patient: Reference<Patient>,
): { tasks: (Task & { id: string })[]; relativeConsents: (Consent & { id: string })[] } {
  const tasks: (Task & { id: string })[] = [];
  const commitmentConsents: (Consent & { id: string })[] = [];
  const homeConsents: (Consent & { id: string })[] = [];
  for (const relative of section.relatives) {
    const person = relatedPersonOf(planId, relative, relatedPersons);
    if (!person) continue;
    for (const commitment of relative.commitments ?? []) {
      const task = commitmentTask(planId, section.id, commitment, person, patient);
      tasks.push(task);
      const answer = lastRelativeAnswer(commitment);
      if (!answer) continue;
      // A staff cancel ends the consent the relative gave to the commitment; their answer stays the source.
      const answered = commitmentConsentStatus[answer.status];
      const status = answered === 'active' && commitmentStatus(commitment) === 'cancelled' ? 'inactive' : answered;
      commitmentConsents.push(
        relativeConsent(
          {
            identifier: commitmentConsentIdentifier(planId, commitment.id),
            category: RelativeConsentCategory.commitment,
            policy: ConsentPolicy.relativeCommitment,
            status,
            dateTime: answer.at,
            statement: `Den anhöriges eget svar på åtagandet (${relativeAnswerText[answer.status]}), lämnat via e-tjänsten`,
            data: { reference: localRef(task), text: commitment.what },
          },
          person,
          patient,
        ),
      );
    }
    if (relative.homeConsent) homeConsents.push(homeConsentOf(planId, { ...relative, homeConsent: relative.homeConsent }, person, patient));
  }
  return { tasks, relativeConsents: [...commitmentConsents, ...homeConsents] };
}

/** The day a plan snapshot speaks for: review dates before it have passed. */
const snapshotDay = (plan: Pick<PlanView, 'updatedAt'>) => new Date(plan.updatedAt).toISOString().slice(0, 10);

/**
 * The attention items of the relatives section as Tasks to the principal responsible for the
 * plan (`owner`; none while no principal has the overall responsibility): `focus` the
 * commitment's Task or, for a request, the relative; `requester` the relative where they asked.
 */
export function attentionTasks(
  plan: PlanView,
  relatedPersons: (RelatedPerson & { id: string })[],
  commitmentTasks: (Task & { id: string })[],
  patient: Reference<Patient>,
): (Task & { id: string })[] {
  const responsible = organisationOf(plan, plan.fields.overallResponsibility);
  const known = plan.relativesSection.relatives.filter((r) => !r.removedUpstream);
  const personOf = (relativeId: string) => {
    const key = identifierKey(relativeIdentifier(plan.id, relativeId));
    return relatedPersons.find((p) => p.identifier?.some((i) => identifierKey(i) === key));
  };
  const taskOf = (commitmentId: string) => {
    const key = identifierKey(commitmentIdentifier(plan.id, commitmentId));
    return commitmentTasks.find((t) => t.identifier?.some((i) => identifierKey(i) === key));
  };
  return attentionItems(known, snapshotDay(plan)).flatMap((item: AttentionItem) => {
    const person = personOf(item.relativeId);
    const commitmentTask = item.commitmentId ? taskOf(item.commitmentId) : undefined;
    if (!person || (item.commitmentId && !commitmentTask)) return [];
    const identifier = attentionIdentifier(plan.id, item.key);
    const coding = AttentionCoding[item.kind];
    const askedByRelative = item.kind !== 'commitment-review-due';
    const task = prune<Task & { id: string }>({
        resourceType: 'Task',
        id: idOf('Task', identifier),
        identifier: [identifier],
        basedOn: [carePlanRef(plan.id)],
        status: item.open ? 'requested' : 'completed',
        intent: 'order',
        priority: 'routine',
        code: { coding: [{ ...coding }], text: coding.display },
        description: coding.display,
        focus: commitmentTask ? localRef(commitmentTask) : localRef(person),
        for: patient,
        authoredOn: item.since,
        lastModified: item.resolvedAt ?? item.since,
        requester: askedByRelative ? localRef(person) : undefined,
        owner: responsible ? organisationRef(responsible) : undefined,
      });
    return [
      narrated(
        task,
        generatedNarrative(coding.display, [
          ['Status', item.open ? 'Att hantera' : 'Hanterat'],
          ['Anhörig', relativeLabel(person)],
          ['Den enskilde', patient.display],
          ['Åtagande', commitmentTask?.description],
          ['Sedan', dateText(item.since)],
          ['Hanterat', item.open ? undefined : dateText(item.resolvedAt)],
          ['Ansvarig huvudman', responsible?.name ?? 'ingen huvudman har ännu det övergripande ansvaret'],
        ]),
      ),
    ];
  });
}

/**
 * The FHIR R4 resources of one SIP, our own systems named by their URLs (`ctx.systems`); the
 * ids derived from identifiers are derived from the local names, so they stay the same whatever
 * the base. Resources carry our own ids (the CarePlan's id is the plan
 * id, a part's CarePlan's the part id, the CareTeam's and the Consent's the plan id; the ids of
 * Goals, commitments' Tasks and the relatives' Consents derived from their identifiers), and
 * reference each other as `Type/id`: this is our own FHIR face as it is; {@link buildPublishBundle} rewrites the references for a receiving server.
 */
export function planToFhir(plan: PlanView, ctx: PlanToFhirContext): SipResources {
  const patient = patientRef(ctx.patient);
  const status = carePlanStatus[plan.status];
  const sipRef = carePlanRef(plan.id);
  const ownGoals = individualGoals(plan, patient);
  const partGoals = new Map(plan.parts.map((part) => [part.id, professionalGoals(plan, part, patient)]));
  const relatedPersons = relatedPersonsFromRelativesSection(plan.id, plan.relativesSection, patient);
  const team = careTeam(plan, patient, relatedPersons);
  const theConsent = plan.consent ? consent(plan, plan.consent, patient) : null;
  const responsible = organisationOf(plan, plan.fields.overallResponsibility);
  const period = { start: plan.createdAt, ...(plan.status === 'closed' ? { end: plan.updatedAt } : {}) };
  const commitments = commitmentResources(plan.id, plan.relativesSection, relatedPersons, patient);
  const sipTitle = plan.fields.title ?? PlanCategory.sip.display;
  // What each part's interventions address, where the upstream record says so. The plan's own
  // needs (`fields.needs`) are words, not Conditions: they stay notes.
  const reasons = new Map(
    plan.parts.map((part) => [
      part.id,
      (part.content.interventions ?? []).map((intervention) => addressedConditions(plan, intervention, ctx)),
    ]),
  );
  const partAddresses = (part: PartView) => distinctConditions((reasons.get(part.id) ?? []).flat());
  const sipAddresses = distinctConditions(plan.parts.flatMap(partAddresses));

  const carePlan = prune<CarePlan & { id: string }>({
    resourceType: 'CarePlan',
    id: plan.id,
    // The individual has skyddade personuppgifter: the receiver must handle the plan so.
    meta: plan.protectedIdentity ? { security: [{ ...ProtectedIdentityLabel }] } : undefined,
    extension: followUpExtension(plan),
    identifier: [planIdentifier(plan)],
    status,
    intent: 'plan',
    category: [{ coding: [{ ...PlanCategory.sip }] }, { coding: [{ ...StandardCoding.carePlan }] }],
    title: sipTitle,
    subject: patient,
    period,
    created: plan.createdAt,
    author: responsible ? organisationRef(responsible) : undefined,
    contributor: plan.parts.map((p) => organisationRef(p.organisation)),
    careTeam: [localRef(team)],
    // The SIP addresses what its parts address.
    addresses: sipAddresses.map((c) => c.reference),
    supportingInfo: theConsent ? [localRef(theConsent)] : undefined,
    goal: ownGoals.map((g) => localRef(g)),
    activity: sipActivities(plan, patient),
    note: sipNotes(plan),
  });
  const activitiesOfKind = (kind: { code: string }) =>
    (carePlan.activity ?? []).filter((a) => a.detail?.code?.coding?.some((c) => c.system === ActivityKind.intervention.system && c.code === kind.code));
  const followUp = plan.fields.followUp;

  const parts = plan.parts.map((part) => {
    const goals = partGoals.get(part.id) ?? [];
    const addressed = partAddresses(part);
    const partReasons = reasons.get(part.id) ?? [];
    const resource = prune<CarePlan & { id: string }>({
      resourceType: 'CarePlan',
      id: part.id,
      identifier: [partIdentifier(part.id)],
      partOf: [sipRef],
      status,
      intent: 'plan',
      category: [{ coding: [{ ...PlanCategory.part }, { ...PrincipalCoding[part.principal] }] }, { coding: [{ ...StandardCoding.carePlan }] }],
      title: `${part.organisation.name}: del i ${plan.fields.title ?? 'SIP'}`,
      subject: patient,
      period,
      author: organisationRef(part.organisation),
      contributor: [organisationRef(part.organisation)],
      careTeam: [localRef(team)],
      addresses: addressed.map((c) => c.reference),
      goal: goals.map((g) => localRef(g)),
      activity: (part.content.interventions ?? []).map((intervention, i) => interventionActivity(intervention, ctx.receiver, partReasons[i] ?? [])),
    });
    return narrated(
      resource,
      generatedNarrative(
        resource.title ?? PlanCategory.part.display,
        [
          ['Typ', PlanCategory.part.display],
          ['Huvudman', `${part.organisation.name} (${PrincipalCoding[part.principal].display.toLowerCase()})`],
          ['Del av', sipTitle],
          ['Den enskilde', patient.display],
          ['Status', carePlanStatusText[resource.status]],
          ['Period', periodText(resource.period)],
          ['Kontaktperson', part.content.contactPerson ? `${part.content.contactPerson.name}${part.content.contactPerson.title ? `, ${part.content.contactPerson.title}` : ''}` : undefined],
        ],
        [
          { heading: 'Insatser', items: (resource.activity ?? []).map(activityText) },
          { heading: 'Tillstånd som insatserna avser', items: addressed.map((c) => c.text) },
          { heading: 'Mål', items: goals.map((g) => g.description.text ?? '') },
        ],
      ),
    );
  });

  // The commitments' Tasks are basedOn this CarePlan; its narrative sums them up.
  const relatives = prune<CarePlan & { id: string }>({
    resourceType: 'CarePlan',
    id: plan.relativesSection.id,
    identifier: [partIdentifier(plan.relativesSection.id)],
    partOf: [sipRef],
    status,
    intent: 'plan',
    category: [{ coding: [{ ...PlanCategory.relatives }] }, { coding: [{ ...StandardCoding.carePlan }] }],
    title: `Anhöriga: ${plan.fields.title ?? 'SIP'}`,
    subject: patient,
    period,
    author: responsible ? organisationRef(responsible) : undefined,
    careTeam: [localRef(team)],
    // What the relatives take on: each commitment's Task (cpl-3: a reference, so no detail).
    activity: commitments.tasks.length
      ? commitments.tasks.map((task) => ({ reference: { ...localRef(task), type: 'Task', display: task.description } }))
      : undefined,
  });
  const ownerOf = (task: Task) => relatedPersons.find((p) => task.owner?.reference === `RelatedPerson/${p.id}`);
  const narratedRelatives = narrated(
    relatives,
    generatedNarrative(
      relatives.title ?? PlanCategory.relatives.display,
      [
        ['Typ', PlanCategory.relatives.display],
        ['Del av', sipTitle],
        ['Den enskilde', patient.display],
        ['Status', carePlanStatusText[relatives.status]],
        ['Period', periodText(relatives.period)],
        ['Huvudman med övergripande ansvar', responsible?.name],
        ['Anhöriga', relatedPersons.length ? undefined : 'Ingen anhörig deltar'],
      ],
      [
        { heading: 'Anhöriga', items: relatedPersons.map(relativeLabel) },
        {
          heading: 'Frivilliga åtaganden',
          items: commitments.tasks.map((task) => {
            const owner = ownerOf(task);
            return `${task.description ?? ''}: ${commitmentTaskStatusText[task.status] ?? task.status}${owner ? ` – ${relativeLabel(owner)}` : ''}`;
          }),
        },
      ],
    ),
  );

  return ctx.systems.publish<SipResources>({
    carePlan: narrated(
      carePlan,
      generatedNarrative(
        sipTitle,
        [
          ['Typ', PlanCategory.sip.display],
          ['Den enskilde', patient.display],
          ['Status', carePlanStatusText[carePlan.status]],
          ['Period', periodText(carePlan.period)],
          ['Huvudman med övergripande ansvar', responsible?.name],
          ['Huvudmän', plan.parts.map((p) => p.organisation.name).join(', ')],
          ['SIP-samordnare', plan.fields.coordinator?.name],
          ['Uppföljning', followUp ? `${followUp.date}, ${followUp.by.name}` : undefined],
          ['Samtycke', theConsent ? (plan.consent!.revokedAt ? 'Återkallat' : plan.consent!.given ? 'Lämnat' : 'Nekat') : 'Inte registrerat'],
        ],
        [
          { heading: 'Den enskildes mål', items: ownGoals.map((g) => g.description.text ?? '') },
          { heading: 'Tillstånd som planen avser', items: sipAddresses.map((c) => c.text) },
          { heading: ActivityKind.individualOwnAction.display, items: activitiesOfKind(ActivityKind.individualOwnAction).map((a) => a.detail?.description ?? '') },
          {
            heading: 'Åtgärder av andra aktörer',
            items: activitiesOfKind(ActivityKind.otherActorMeasure).map((a) =>
              [a.detail?.performer?.[0]?.display, a.detail?.description, a.detail?.scheduledString].filter(Boolean).join(': '),
            ),
          },
          { heading: 'Behov och möten', items: (carePlan.note ?? []).map((n) => (n.time ? `${dateText(n.time)}: ${n.text}` : n.text)) },
        ],
      ),
    ),
    parts,
    relatives: narratedRelatives,
    goals: [...ownGoals, ...plan.parts.flatMap((part) => partGoals.get(part.id) ?? [])],
    careTeam: team,
    consent: theConsent,
    relatedPersons,
    ...commitments,
    attentionTasks: attentionTasks(plan, relatedPersons, commitments.tasks, patient),
    provenance: ctx.change ? provenance(plan, ctx.change) : null,
  });
}

/** The resources of a SIP that carry an identifier, in the order a bundle holds them: the SIP first. */
export function sipResourceList(resources: SipResources): (Resource & { id: string })[] {
  return [
    resources.carePlan,
    resources.careTeam,
    ...(resources.consent ? [resources.consent] : []),
    ...resources.relatedPersons,
    ...resources.goals,
    ...resources.parts,
    resources.relatives,
    ...resources.tasks,
    ...resources.relativeConsents,
    ...resources.attentionTasks,
  ];
}

function personIdentifier(personId: string): Identifier {
  return { system: parsePersonId(personId)?.system ?? IdentifierSystem.personnummer, value: personId };
}
