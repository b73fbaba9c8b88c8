import type { CarePlan, CareTeam, Patient, PractitionerRole, RelatedPerson, ServiceRequest } from '@medplum/fhirtypes';
import { IdentifierSystem, parsePersonId } from '@sip/shared';
import type { Upstream } from '../upstreams/upstream.ts';

/** What one upstream holds about the individual. */
export interface SideRecord {
  patient: Patient | undefined;
  serviceRequests: ServiceRequest[];
  carePlans: CarePlan[];
  careTeams: CareTeam[];
  practitionerRoles: PractitionerRole[];
  relatedPersons: RelatedPerson[];
}

/**
 * Fetches the individual's Patient, then, in parallel, their interventions and decisions,
 * contacts and related persons, following paging to the end. Throws UpstreamError.
 */
export async function fetchSide(upstream: Upstream, personId: string): Promise<SideRecord> {
  const person = parsePersonId(personId);
  const system = person?.system ?? IdentifierSystem.personnummer;
  const [patient] = await upstream.searchAll<Patient>('Patient', { identifier: `${system}|${personId}` });
  if (!patient?.id) {
    return { patient: undefined, serviceRequests: [], carePlans: [], careTeams: [], practitionerRoles: [], relatedPersons: [] };
  }
  const subject = `Patient/${patient.id}`;
  const [serviceRequests, carePlans, careTeams, relatedPersons] = await Promise.all([
    upstream.searchAll<ServiceRequest>('ServiceRequest', { subject }),
    upstream.searchAll<CarePlan>('CarePlan', { subject }),
    upstream.searchAll<CareTeam>('CareTeam', { subject }),
    upstream.searchAll<RelatedPerson>('RelatedPerson', { patient: subject }),
  ]);
  const roleIds = [
    ...new Set(
      careTeams
        .flatMap((team) => team.participant ?? [])
        .map((p) => p.member?.reference)
        .filter((ref): ref is string => !!ref?.startsWith('PractitionerRole/'))
        .map((ref) => ref.slice('PractitionerRole/'.length)),
    ),
  ];
  const practitionerRoles = roleIds.length
    ? await upstream.searchAll<PractitionerRole>('PractitionerRole', { _id: roleIds.join(',') })
    : [];
  return { patient, serviceRequests, carePlans, careTeams, practitionerRoles, relatedPersons };
}
