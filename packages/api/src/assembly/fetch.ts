import type { CarePlan, CareTeam, Patient, PractitionerRole, RelatedPerson, ServiceRequest } from '@medplum/fhirtypes';
import { IdentifierSystem, parsePersonId, publishedByBroker } from '@sip/shared';
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

/** What the upstream holds of its own: never what the broker published there, which a sync must not read back. */
const theirs = <T extends object>(resources: T[]): T[] => resources.filter((r) => !publishedByBroker(r));

/**
 * Fetches, in one parallel round, the individual's Patient and, chained on the Patient's
 * identifier, their interventions and decisions, care teams (with the PractitionerRoles
 * they name, through `_include`) and related persons, following paging to the end. The
 * resources the broker itself published there (its SIP CarePlans, CareTeam, RelatedPersons)
 * are left out: they are the plan, not the upstream's own record of the individual.
 * Throws UpstreamError.
 */
export async function fetchSide(upstream: Upstream, personId: string): Promise<SideRecord> {
  const person = parsePersonId(personId);
  const identifier = `${person?.system ?? IdentifierSystem.personnummer}|${personId}`;
  const bySubject = { 'subject:Patient.identifier': identifier };
  const [patients, serviceRequests, carePlans, careTeams, relatedPersons] = await Promise.all([
    upstream.searchAll<Patient>('Patient', { identifier }),
    upstream.searchAll<ServiceRequest>('ServiceRequest', bySubject),
    upstream.searchAll<CarePlan>('CarePlan', bySubject),
    upstream.searchWithIncludes<CareTeam>('CareTeam', { ...bySubject, _include: 'CareTeam:participant' }),
    upstream.searchAll<RelatedPerson>('RelatedPerson', { 'patient:Patient.identifier': identifier }),
  ]);
  const patient = patients[0];
  if (!patient?.id) {
    return { patient: undefined, serviceRequests: [], carePlans: [], careTeams: [], practitionerRoles: [], relatedPersons: [] };
  }
  return {
    patient,
    serviceRequests: theirs(serviceRequests),
    carePlans: theirs(carePlans),
    careTeams: theirs(careTeams.matches),
    practitionerRoles: careTeams.included.filter((r): r is PractitionerRole => r.resourceType === 'PractitionerRole'),
    relatedPersons: theirs(relatedPersons),
  };
}
