import { crawlTypedValue, OperationOutcomeError, toTypedValue, validateResource } from '@medplum/core';
import type { CarePlan, CareTeam, Condition, Patient, PractitionerRole, RelatedPerson, Resource, ServiceRequest } from '@medplum/fhirtypes';
import {
  IdentifierSystem,
  isFhirDate,
  isFhirDateTime,
  isFhirInstant,
  isFhirString,
  isFhirTime,
  parsePersonId,
  publishedByBroker,
  type SipSystems,
} from '@sip/shared';
import { loadFhirDefinitions } from '../fhir/definitions.ts';
import type { Upstream } from '../upstreams/upstream.ts';

/** What one upstream holds about the individual. */
export interface SideRecord {
  patient: Patient | undefined;
  serviceRequests: ServiceRequest[];
  carePlans: CarePlan[];
  careTeams: CareTeam[];
  practitionerRoles: PractitionerRole[];
  relatedPersons: RelatedPerson[];
  /** The individual's Conditions: what the interventions and plans there may address. */
  conditions: Condition[];
}

/**
 * An upstream answered with something that is not valid FHIR R4: a resource that does not
 * validate, or a value that is not of its FHIR type. The side counts as unavailable for this
 * sync; the reason says nothing of the data.
 */
export class InvalidUpstreamAnswer extends Error {
  readonly reason = 'invalid-answer';
  constructor(readonly upstream: string) {
    super(`${upstream}: an answer that is not valid FHIR R4`);
    this.name = 'InvalidUpstreamAnswer';
  }
}

/** The FHIR primitive types whose values the checks of `fhir-types` hold to more than Medplum does. */
const primitiveChecks: Record<string, (value: string) => boolean> = {
  date: isFhirDate,
  dateTime: isFhirDateTime,
  instant: isFhirInstant,
  time: isFhirTime,
};

/** Every string in a JSON value, keys too: FHIR allows no lone surrogates and no control characters anywhere. */
function stringsValid(value: unknown): boolean {
  if (typeof value === 'string') return isFhirString(value);
  if (Array.isArray(value)) return value.every(stringsValid);
  if (value && typeof value === 'object') return Object.entries(value).every(([key, child]) => isFhirString(key) && stringsValid(child));
  return true;
}

/**
 * Whether a resource from an upstream is valid FHIR R4: its structure, cardinality, required
 * elements, types and invariants (Medplum's validator), every string well-formed text, and
 * every date, dateTime, instant and time a real one (the types of `fhir-types`).
 */
export function validUpstreamResource(resource: Resource): boolean {
  if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') return false;
  if (!stringsValid(resource)) return false;
  loadFhirDefinitions();
  try {
    const issues = validateResource(resource);
    if (issues.some((i) => i.severity === 'error' || i.severity === 'fatal')) return false;
  } catch (error) {
    if (error instanceof OperationOutcomeError) return false;
    throw error;
  }
  let valid = true;
  crawlTypedValue(toTypedValue(resource), {
    visitProperty(_parent, _key, _path, values) {
      for (const value of values.flat()) {
        const check = primitiveChecks[value.type];
        if (check && typeof value.value === 'string' && !check(value.value)) valid = false;
      }
    },
  });
  return valid;
}

/**
 * What the upstream holds of its own: never what the broker published there (under our systems
 * in any form, the legacy `urn:sip-broker:…` ones included), which a sync must not read back.
 */
const theirsOf = (systems: SipSystems) => <T extends object>(resources: T[]): T[] => resources.filter((r) => !publishedByBroker(r, systems));

/**
 * Fetches, in one parallel round, the individual's Patient and, chained on the Patient's
 * identifier, their interventions and decisions, care teams (with the PractitionerRoles
 * they name, through `_include`), related persons and conditions (which the requests and plans
 * may give as their reason), following paging to the end. The
 * resources the broker itself published there (its SIP CarePlans, CareTeam, RelatedPersons)
 * are left out: they are the plan, not the upstream's own record of the individual.
 * Throws UpstreamError, and {@link InvalidUpstreamAnswer} when any resource it would read is
 * not valid FHIR R4.
 */
export async function fetchSide(upstream: Upstream, personId: string, systems: SipSystems): Promise<SideRecord> {
  const theirs = theirsOf(systems);
  const person = parsePersonId(personId);
  const identifier = `${person?.system ?? IdentifierSystem.personnummer}|${personId}`;
  const bySubject = { 'subject:Patient.identifier': identifier };
  const [patients, serviceRequests, carePlans, careTeams, relatedPersons, conditions] = await Promise.all([
    upstream.searchAll<Patient>('Patient', { identifier }),
    upstream.searchAll<ServiceRequest>('ServiceRequest', bySubject),
    upstream.searchAll<CarePlan>('CarePlan', bySubject),
    upstream.searchWithIncludes<CareTeam>('CareTeam', { ...bySubject, _include: 'CareTeam:participant' }),
    upstream.searchAll<RelatedPerson>('RelatedPerson', { 'patient:Patient.identifier': identifier }),
    upstream.searchAll<Condition>('Condition', bySubject),
  ]);
  const patient = patients[0];
  if (!patient?.id) {
    if (!patients.every(validUpstreamResource)) throw new InvalidUpstreamAnswer(upstream.name);
    return { patient: undefined, serviceRequests: [], carePlans: [], careTeams: [], practitionerRoles: [], relatedPersons: [], conditions: [] };
  }
  const record: SideRecord = {
    patient,
    serviceRequests: theirs(serviceRequests),
    carePlans: theirs(carePlans),
    careTeams: theirs(careTeams.matches),
    practitionerRoles: careTeams.included.filter((r): r is PractitionerRole => r?.resourceType === 'PractitionerRole'),
    relatedPersons: theirs(relatedPersons),
    conditions: theirs(conditions),
  };
  const read: Resource[] = [
    ...patients,
    ...record.serviceRequests,
    ...record.carePlans,
    ...record.careTeams,
    ...record.practitionerRoles,
    ...record.relatedPersons,
    ...record.conditions,
  ];
  if (!read.every(validUpstreamResource)) throw new InvalidUpstreamAnswer(upstream.name);
  return record;
}
