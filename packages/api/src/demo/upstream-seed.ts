import { IdentifierSystem } from '@sip/shared';
import type {
  CarePlan,
  CareTeam,
  Condition,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  RelatedPerson,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { individuals, municipalityOf, organisations, staff, type DemoIndividual, type DemoOrganisationKey } from './world.ts';

/** A demo organisation, by key: the region or one of the municipalities, each with its own upstream. */
type Side = DemoOrganisationKey;

/** The demo upstreams' own identifier systems: theirs, not the broker's. */
const localSystem = (side: Side, what: string) => `urn:norrvik:${side}:${what}`;
const roleCodeSystem = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

function organization(side: Side): Organization[] {
  const org = organisations[side];
  return [
    {
      resourceType: 'Organization',
      id: `org-${side}`,
      identifier: [{ system: IdentifierSystem.hsaId, value: org.id }],
      name: org.name,
      active: true,
    },
    {
      resourceType: 'Organization',
      id: `unit-${side}`,
      identifier: [{ system: IdentifierSystem.hsaId, value: org.unit.id }],
      name: org.unit.name,
      partOf: { reference: `Organization/org-${side}` },
      active: true,
    },
  ];
}

function practitioners(side: Side): (Practitioner | PractitionerRole)[] {
  return staff
    .filter((s) => s.organisation === side)
    .flatMap((s): (Practitioner | PractitionerRole)[] => {
      const [given, ...family] = s.name.split(' ');
      return [
        {
          resourceType: 'Practitioner',
          id: `pract-${s.id}`,
          identifier: [{ system: IdentifierSystem.hsaId, value: s.hsaId }],
          name: [{ given: [given ?? s.name], family: family.join(' ') }],
        },
        {
          resourceType: 'PractitionerRole',
          id: `role-${s.id}`,
          practitioner: { reference: `Practitioner/pract-${s.id}`, display: s.name },
          organization: { reference: `Organization/unit-${side}` },
          code: [{ text: s.title }],
          telecom: [{ system: 'phone', value: side === 'region' ? '+46101740100' : side === 'municipality' ? '+46101740200' : '+46101740400', use: 'work' }],
        },
      ];
    });
}

function person(side: Side, p: DemoIndividual): Resource[] {
  const patientId = `patient-${p.id}`;
  const patientRef = { reference: `Patient/${patientId}`, display: `${p.given} ${p.family}` };
  const patient: Patient = {
    resourceType: 'Patient',
    id: patientId,
    identifier: [{ system: IdentifierSystem.personnummer, value: p.personnummer }],
    name: [{ given: [p.given], family: p.family }],
    gender: p.gender,
    birthDate: `${p.personnummer.slice(0, 4)}-${p.personnummer.slice(4, 6)}-${p.personnummer.slice(6, 8)}`,
    address: [{ line: [p.address], city: cityOf(p), country: 'SE' }],
    managingOrganization: { reference: `Organization/org-${side}` },
  };
  const relatedPersons: RelatedPerson[] = p.relatives.map((r) => ({
    resourceType: 'RelatedPerson',
    id: `related-${p.id}-${r.id}`,
    identifier: [{ system: IdentifierSystem.personnummer, value: r.personnummer }],
    patient: patientRef,
    relationship: [{ coding: [{ system: roleCodeSystem, code: r.relationship.code, display: r.relationship.display }] }],
    name: [{ given: [r.given], family: r.family }],
    telecom: [{ system: 'phone', value: r.phone }],
    ...(r.sharesHome ? { address: [{ line: [p.address], city: cityOf(p), country: 'SE' }] } : {}),
  }));
  const members = staff.filter((s) => s.organisation === side);
  const careTeam: CareTeam = {
    resourceType: 'CareTeam',
    id: `team-${p.id}`,
    identifier: [{ system: localSystem(side, 'careteam'), value: `team-${p.id}` }],
    status: 'active',
    subject: patientRef,
    name: `${organisations[side].unit.name}: ${p.given} ${p.family}`,
    managingOrganization: [{ reference: `Organization/unit-${side}` }],
    participant: members.map((s) => ({
      member: { reference: `PractitionerRole/role-${s.id}`, display: s.name },
      role: [{ text: s.title }],
    })),
  };
  const conditions: Condition[] =
    side === 'region'
      ? p.region.conditions.map((text, i) => ({
          resourceType: 'Condition',
          id: `cond-${p.id}-${i + 1}`,
          identifier: [{ system: localSystem(side, 'condition'), value: `${p.id}-${i + 1}` }],
          clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
          code: { text },
          subject: patientRef,
        }))
      : [];
  const interventions = side === 'region' ? p.region.interventions : p.municipality.interventions;
  const serviceRequests: ServiceRequest[] = interventions.map((text, i) => ({
    resourceType: 'ServiceRequest',
    id: `sr-${p.id}-${i + 1}`,
    identifier: [{ system: localSystem(side, 'decision'), value: `${p.id}-${i + 1}` }],
    status: 'active',
    intent: side === 'region' ? 'order' : 'plan',
    code: { text },
    subject: patientRef,
    requester: { reference: `Organization/unit-${side}` },
    // The region's record says why: the intervention addresses the Condition of the same place in the list.
    ...(conditions[i] ? { reasonReference: [{ reference: `Condition/${conditions[i]!.id}` }] } : {}),
  }));
  const carePlan: CarePlan = {
    resourceType: 'CarePlan',
    id: `careplan-${p.id}`,
    identifier: [{ system: localSystem(side, 'careplan'), value: `plan-${p.id}` }],
    status: 'active',
    intent: 'plan',
    title: side === 'region' ? 'Vårdplan' : 'Genomförandeplan',
    subject: patientRef,
    careTeam: [{ reference: `CareTeam/team-${p.id}` }],
    addresses: conditions.map((c) => ({ reference: `Condition/${c.id}` })),
    activity: serviceRequests.map((sr) => ({ reference: { reference: `ServiceRequest/${sr.id}` } })),
  };
  return [patient, ...relatedPersons, careTeam, ...conditions, ...serviceRequests, carePlan];
}

const cityOf = (p: DemoIndividual) => (p.livesIn === 'sodervik' ? 'Södervik' : 'Norrvik');

/**
 * The synthetic records of one demo upstream, by its name: its organisation, staff, people and
 * interventions. The region's record knows everyone; a municipality's case system those who live there.
 */
export function demoUpstreamSeed(upstream: string): Resource[] {
  const entry = Object.entries(organisations).find(([, o]) => o.upstream === upstream);
  if (!entry) return [];
  const side = entry[0] as Side;
  const people = side === 'region' ? individuals : individuals.filter((p) => municipalityOf(p).upstream === upstream);
  return [...organization(side), ...practitioners(side), ...people.flatMap((p) => person(side, p))];
}
