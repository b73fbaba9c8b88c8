import type { CarePlan, Condition, HumanName, Patient, Reference, RelatedPerson } from '@medplum/fhirtypes';
import {
  conditionRefSchema,
  IdentifierSystem,
  interventionSchema,
  isChildOn,
  parsePersonId,
  protectedIdentity,
  relativeSchema,
  staffContactSchema,
  TEXT_LONG,
  TEXT_SHORT,
  type PartContent,
  type Principal,
  type ConditionRef,
  type Relative,
  type SourceRef,
} from '@sip/shared';
import type { z } from 'zod';
import { InvalidUpstreamAnswer, type SideRecord } from './fetch.ts';

type Intervention = NonNullable<PartContent['interventions']>[number];

const source = (system: Principal, resource: { resourceType: string; id?: string; meta?: { versionId?: string } }): SourceRef => ({
  system,
  resourceType: resource.resourceType,
  id: resource.id ?? '',
  ...(resource.meta?.versionId ? { version: resource.meta.versionId } : {}),
});

export function nameOf(names: HumanName[] | undefined): string | undefined {
  const name = names?.[0];
  if (!name) return undefined;
  return name.text ?? [...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

/** Cuts text to at most `max` UTF-16 units, ending in an ellipsis, never between the two halves of a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Upstream text as the plan keeps it: trimmed and clipped; nothing when nothing is left. */
function words(text: string | undefined, max: number): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? clip(trimmed, max) : undefined;
}

/** An optional value kept only in a form the plan's own schema takes (a phone number too short, an address that is none, is left out). */
function fit<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const shortWords = (text: string | undefined) => words(text, TEXT_SHORT);

/** The most Conditions an item keeps (the plan's schema holds it to as many). */
const MAX_ADDRESSED = 20;

/** The id in a reference to a Condition of the same server (`Condition/<id>`, perhaps with `/_history/<v>`); nothing for anything else. */
function conditionIdOf(reference: Reference | undefined): string | undefined {
  return /^Condition\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference?.reference ?? '')?.[1];
}

/** The Conditions an item may address: the individual's own at this upstream, not entered in error or refuted. */
function addressable(record: SideRecord): Map<string, Condition> {
  const usable = (c: Condition) => !c.verificationStatus?.coding?.some((coding) => coding.code === 'entered-in-error' || coding.code === 'refuted');
  return new Map(record.conditions.filter((c) => c.id && usable(c)).map((c) => [c.id!, c]));
}

/**
 * The Conditions the references name, as the plan keeps them: only the individual's own
 * Conditions this upstream answered with (a reference to anything else, or to a Condition it
 * does not hold, is not kept: it would not resolve), each once, with its identifier if it has one.
 */
function conditionRefs(system: Principal, references: (Reference | undefined)[], conditions: Map<string, Condition>): ConditionRef[] {
  const refs: ConditionRef[] = [];
  for (const reference of references) {
    const id = conditionIdOf(reference);
    const condition = id ? conditions.get(id) : undefined;
    if (!id || !condition || refs.some((r) => r.id === id)) continue;
    const identifier = (condition.identifier ?? [])
      .map((i) => fit(conditionRefSchema.shape.identifier, i.system && i.value ? { system: i.system, value: i.value } : undefined))
      .find((i) => i !== undefined);
    refs.push({ system, id, ...(identifier ? { identifier } : {}) });
    if (refs.length === MAX_ADDRESSED) break;
  }
  return refs;
}

/**
 * An item's `addresses`: the Conditions among the reasons it gives itself; only when it gives no
 * reason at all, those of the plan it is an activity of.
 */
function addressesOf(
  system: Principal,
  reasons: Reference[] | undefined,
  plans: () => ConditionRef[],
  conditions: Map<string, Condition>,
): { addresses?: ConditionRef[] } {
  const refs = reasons?.length ? conditionRefs(system, reasons, conditions) : plans();
  return refs.length ? { addresses: refs } : {};
}

/**
 * Interventions and decisions as the upstream has them: each ServiceRequest, and each inline
 * CarePlan activity. Each addresses the Conditions the upstream gives as its reason: a
 * ServiceRequest's `reasonReference`, an activity's `detail.reasonReference`, and where an item
 * gives none, the `addresses` of the upstream CarePlan it is an activity of.
 */
export function mapInterventions(system: Principal, record: SideRecord): Intervention[] {
  const conditions = addressable(record);
  /** What the plans address, for an item of theirs that gives no reason of its own. */
  const addressedBy = (plans: CarePlan[]) => () => conditionRefs(system, plans.flatMap((plan) => plan.addresses ?? []), conditions);
  /** The plans a request is an activity of (`activity.reference`). */
  const plansOf = (id: string) => record.carePlans.filter((plan) => plan.activity?.some((a) => a.reference?.reference === `ServiceRequest/${id}`));
  const fromRequests = record.serviceRequests
    .filter((sr) => sr.id && sr.status !== 'entered-in-error')
    .map((sr): Intervention => {
      const description = words(sr.note?.[0]?.text, TEXT_LONG);
      const when = shortWords(sr.occurrenceTiming?.code?.text);
      return {
        title: shortWords(sr.code?.text) ?? shortWords(sr.code?.coding?.[0]?.display) ?? 'Insats',
        status: sr.status === 'draft' ? 'planned' : 'decided',
        ...(description ? { description } : {}),
        ...(when ? { when } : {}),
        ...addressesOf(system, sr.reasonReference, addressedBy(plansOf(sr.id!)), conditions),
        source: source(system, sr),
      };
    });
  const fromActivities = record.carePlans.flatMap((plan) =>
    (plan.activity ?? [])
      .map((activity, index) => ({ activity, index, title: shortWords(activity.detail?.code?.text) ?? shortWords(activity.detail?.description) }))
      .filter((a): a is typeof a & { title: string } => a.title !== undefined)
      .map(({ activity, index, title }): Intervention => ({
        title,
        status: activity.detail?.status === 'not-started' ? 'planned' : 'decided',
        ...addressesOf(system, activity.detail?.reasonReference, addressedBy([plan]), conditions),
        source: { ...source(system, plan), id: `${plan.id}#activity-${index}` },
      })),
  );
  return [...fromRequests, ...fromActivities];
}

/** The first contact person of the individual's care team at this upstream. */
export function mapContact(record: SideRecord): PartContent['contactPerson'] {
  for (const team of record.careTeams) {
    for (const participant of team.participant ?? []) {
      const ref = participant.member?.reference;
      const role = record.practitionerRoles.find((r) => ref === `PractitionerRole/${r.id}`);
      const name = shortWords(participant.member?.display) ?? shortWords(role?.practitioner?.display);
      if (!name) continue;
      const phone = fit(staffContactSchema.shape.phone, role?.telecom?.find((t) => t.system === 'phone')?.value);
      const title = shortWords(role?.code?.[0]?.text ?? participant.role?.[0]?.text);
      const unit = shortWords(role?.organization?.display ?? team.managingOrganization?.[0]?.display);
      return {
        name,
        ...(title ? { title } : {}),
        ...(unit ? { unit } : {}),
        ...(phone ? { phone } : {}),
      };
    }
  }
  return undefined;
}

function samePlace(a: RelatedPerson['address'], b: Patient['address']): boolean {
  const key = (x: { line?: string[]; postalCode?: string; city?: string } | undefined) =>
    x ? `${(x.line ?? []).join(' ')}|${x.postalCode ?? ''}|${x.city ?? ''}`.toLowerCase() : '';
  const mine = key(a?.[0]);
  return mine !== '' && mine === key(b?.[0]);
}

/** The individual's relatives as this upstream knows them. */
export function mapRelatives(system: Principal, record: SideRecord, today: Date): Relative[] {
  return record.relatedPersons
    .filter((rp) => rp.id && rp.active !== false)
    .map((rp): Relative => {
      const personId = rp.identifier?.find(
        (i) => i.system === IdentifierSystem.personnummer || i.system === IdentifierSystem.samordningsnummer,
      )?.value;
      const valid = personId && parsePersonId(personId) ? personId : undefined;
      const coding = rp.relationship?.[0]?.coding?.[0];
      const code = fit(relativeSchema.shape.relationship.shape.code, coding?.code);
      const child = isChildOn({ ...(valid ? { personId: valid } : {}), ...(rp.birthDate ? { birthDate: rp.birthDate } : {}) }, today);
      // Skyddade personuppgifter: the broker keeps no contact details of the person at all.
      const guarded = protectedIdentity(rp);
      const phone = guarded ? undefined : fit(relativeSchema.shape.phone, rp.telecom?.find((t) => t.system === 'phone')?.value);
      const email = guarded ? undefined : fit(relativeSchema.shape.email, rp.telecom?.find((t) => t.system === 'email')?.value);
      return {
        name: shortWords(nameOf(rp.name)) ?? 'Anhörig',
        relationship: {
          ...(code ? { code } : {}),
          text: shortWords(rp.relationship?.[0]?.text) ?? shortWords(coding?.display) ?? 'anhörig',
        },
        ...(valid ? { personId: valid } : {}),
        ...(phone ? { phone } : {}),
        ...(email ? { email } : {}),
        child,
        sharesHome: samePlace(rp.address, record.patient?.address),
        ...(guarded ? { protectedIdentity: true } : {}),
        sources: [source(system, rp)],
      };
    });
}

export interface Demographics {
  name?: string;
  birthDate?: string;
}

/** Whether the upstream marks the individual as having protected personal data. */
export function individualProtected(record: SideRecord): boolean {
  return record.patient !== undefined && protectedIdentity(record.patient);
}

export function mapDemographics(record: SideRecord): Demographics | undefined {
  if (!record.patient) return undefined;
  const name = nameOf(record.patient.name);
  return { ...(name ? { name } : {}), ...(record.patient.birthDate ? { birthDate: record.patient.birthDate } : {}) };
}

/** What one upstream contributes to the plan, mapped into the plan's own terms. */
export interface SideContent {
  /** Whether the upstream knows the individual at all. */
  found: boolean;
  patientId: string | null;
  demographics: Demographics | undefined;
  /** The upstream marks the individual as having skyddade personuppgifter. */
  protectedIdentity: boolean;
  interventions: Intervention[];
  contact: PartContent['contactPerson'];
  relatives: Relative[];
}

/**
 * Maps what one upstream holds into the plan's terms, and holds the result to the schemas the
 * API holds its own input to: what a sync writes into the plan is what a client could have
 * written, and can be published as it is. Throws {@link InvalidUpstreamAnswer} when it is not.
 */
export function mapSide(system: Principal, record: SideRecord, today: Date): SideContent {
  const content: SideContent = {
    found: record.patient !== undefined,
    patientId: record.patient?.id ?? null,
    demographics: mapDemographics(record),
    protectedIdentity: individualProtected(record),
    interventions: mapInterventions(system, record),
    contact: mapContact(record),
    relatives: mapRelatives(system, record, today),
  };
  const valid =
    content.interventions.every((i) => interventionSchema.safeParse(i).success) &&
    (content.contact === undefined || staffContactSchema.safeParse(content.contact).success) &&
    content.relatives.every((r) => relativeSchema.safeParse(r).success);
  if (!valid) throw new InvalidUpstreamAnswer(system);
  return content;
}
