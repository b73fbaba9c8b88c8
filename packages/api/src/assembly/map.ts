import type { HumanName, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { IdentifierSystem, isChildOn, parsePersonId, protectedIdentity, type PartContent, type Principal, type Relative, type SourceRef } from '@sip/shared';
import type { SideRecord } from './fetch.ts';

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

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Interventions and decisions as the upstream has them: each ServiceRequest, and each inline CarePlan activity. */
export function mapInterventions(system: Principal, record: SideRecord): Intervention[] {
  const fromRequests = record.serviceRequests
    .filter((sr) => sr.id && sr.status !== 'entered-in-error')
    .map((sr): Intervention => ({
      title: clip(sr.code?.text ?? sr.code?.coding?.[0]?.display ?? 'Insats', 200),
      status: sr.status === 'draft' ? 'planned' : 'decided',
      ...(sr.note?.[0]?.text ? { description: clip(sr.note[0].text, 4000) } : {}),
      ...(sr.occurrenceTiming?.code?.text ? { when: clip(sr.occurrenceTiming.code.text, 200) } : {}),
      source: source(system, sr),
    }));
  const fromActivities = record.carePlans.flatMap((plan) =>
    (plan.activity ?? [])
      .map((activity, index) => ({ activity, index }))
      .filter(({ activity }) => activity.detail?.code?.text || activity.detail?.description)
      .map(({ activity, index }): Intervention => ({
        title: clip(activity.detail?.code?.text ?? activity.detail?.description ?? 'Insats', 200),
        status: activity.detail?.status === 'not-started' ? 'planned' : 'decided',
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
      const name = participant.member?.display ?? role?.practitioner?.display;
      if (!name) continue;
      const phone = role?.telecom?.find((t) => t.system === 'phone')?.value;
      const title = role?.code?.[0]?.text ?? participant.role?.[0]?.text;
      const unit = role?.organization?.display ?? team.managingOrganization?.[0]?.display;
      return {
        name: clip(name, 200),
        ...(title ? { title: clip(title, 200) } : {}),
        ...(unit ? { unit: clip(unit, 200) } : {}),
        ...(phone ? { phone: clip(phone, 40) } : {}),
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
      const child = isChildOn({ ...(valid ? { personId: valid } : {}), ...(rp.birthDate ? { birthDate: rp.birthDate } : {}) }, today);
      // Skyddade personuppgifter: the broker keeps no contact details of the person at all.
      const guarded = protectedIdentity(rp);
      const phone = guarded ? undefined : rp.telecom?.find((t) => t.system === 'phone')?.value;
      const email = guarded ? undefined : rp.telecom?.find((t) => t.system === 'email')?.value;
      return {
        name: clip(nameOf(rp.name) ?? 'Anhörig', 200),
        relationship: {
          ...(coding?.code ? { code: coding.code } : {}),
          text: clip(rp.relationship?.[0]?.text ?? coding?.display ?? 'anhörig', 200),
        },
        ...(valid ? { personId: valid } : {}),
        ...(phone ? { phone: clip(phone, 40) } : {}),
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
