import type { PlanView } from '../plan.ts';
import type { PublishContext } from './publish-bundle.ts';
import { sipSystems } from './systems.ts';

export const REGION_ORG = { id: 'SE2321000099-7RG1', name: 'Region Norrvik' };
export const MUNICIPALITY_ORG = { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' };

/** A plan with every field filled in, as the API returns it. */
export function fullPlan(overrides: Partial<PlanView> = {}): PlanView {
  return {
    id: '0b7d8c1e-4a0f-4c39-9a55-3f1d2b6c7e01',
    status: 'active',
    initiator: 'municipality',
    protectedIdentity: false,
    individual: { personId: '194003019801', kind: 'personnummer', name: 'Astrid Nilsson' },
    fields: {
      title: 'SIP för Astrid',
      overallResponsibility: 'municipality',
      coordinator: { name: 'Karin Ek', title: 'Biståndshandläggare', hsaId: 'SE2120000099-7P01', organisationId: MUNICIPALITY_ORG.id },
      individualGoals: [{ id: 'c2f1a7e0-1b2c-4d3e-8f40-5a6b7c8d9e01', text: 'Kunna bo kvar hemma' }],
      needs: [{ id: 'n-1', text: 'Hjälp med personlig hygien' }],
      individualOwnActions: [{ id: 'own-1', text: 'Promenerar varje dag' }],
      otherActorMeasures: [{ id: 'other-1', actor: 'PRO Norrvik', measure: 'Besöksverksamhet', when: 'varje torsdag' }],
      meetings: [{ id: 'meet-1', at: '2026-11-20T10:00:00+01:00', place: 'Hemma hos Astrid', notes: 'Första SIP-mötet' }],
      followUp: { date: '2027-02-01', by: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' } },
    },
    consent: {
      given: true,
      form: 'written',
      recordedAt: '2026-11-20T10:00:00+01:00',
      recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
      scope: {
        information: ['goals', 'interventions', 'contacts'],
        actors: [REGION_ORG.name, MUNICIPALITY_ORG.name, 'Försäkringskassan'],
        validUntil: '2027-11-20',
        excluded: 'Uppgifter om psykiatrisk vård',
      },
    },
    participants: [
      { id: 'p-region', kind: 'principal', name: REGION_ORG.name, organisationId: REGION_ORG.id },
      { id: 'p-municipality', kind: 'principal', name: MUNICIPALITY_ORG.name, organisationId: MUNICIPALITY_ORG.id },
      { id: 'p-fk', kind: 'invited', name: 'Försäkringskassan', role: 'Handläggare' },
    ],
    version: 4,
    revision: 7,
    parts: [
      {
        id: '5e0c2a4b-9d8f-4e7a-b6c5-d4e3f2a1b001',
        principal: 'municipality',
        organisation: MUNICIPALITY_ORG,
        version: 2,
        content: {
          contactPerson: { name: 'Jonas Berg', hsaId: 'SE2120000099-7P02', phone: '010-123 45 67' },
          goals: [{ id: 'goal-m1', text: 'Trygg i hemmet' }],
          interventions: [
            { id: 'int-m1', title: 'Hemtjänst: dusch', status: 'planned', when: 'tisdag och fredag', performedBy: 'Hemtjänsten Norrvik centrum' },
            { id: 'int-m2', title: 'Trygghetslarm', description: 'Larm kopplat till larmcentralen', status: 'decided', startDate: '2026-12-01', endDate: '2027-06-30', when: 'dygnet runt' },
          ],
        },
        updatedAt: '2026-11-21T09:00:00.000Z',
      },
      {
        id: '5e0c2a4b-9d8f-4e7a-b6c5-d4e3f2a1b002',
        principal: 'region',
        organisation: REGION_ORG,
        version: 3,
        content: {
          contactPerson: { name: 'Omar Haddad' },
          goals: [{ id: 'goal-r1', text: 'Stabilt blodsocker' }, { id: 'goal-m1', text: 'Samma id som i kommunens del' }],
          interventions: [{ id: 'int-r1', title: 'Hemsjukvård: insulin', status: 'decided', performedBy: 'Distriktssköterska', when: 'morgon och kväll' }],
        },
        updatedAt: '2026-11-21T10:00:00.000Z',
      },
    ],
    relativesSection: { id: '5e0c2a4b-9d8f-4e7a-b6c5-d4e3f2a1b003', version: 1, relatives: [] },
    createdAt: '2026-11-01T08:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    ...overrides,
  };
}

/** The systems the fixtures publish under. */
export const fixtureSystems = sipSystems('https://sip.example/fhir');

export const publishContext: PublishContext = {
  patient: { reference: 'Patient/astrid-in-region' },
  systems: fixtureSystems,
  change: { revision: 7, changedAt: '2026-11-21T10:00:00.000Z', userId: 'SE2321000099-7P02', organisationId: REGION_ORG.id },
};

type SectionRelative = PlanView['relativesSection']['relatives'][number];

/**
 * Relatives who take part, in the states a receiving record must tell apart: Maria has accepted
 * a commitment and been asked for another; Bengt shares the home and consents to it as a place of
 * care; Sven has skyddade personuppgifter (the broker holds no contact details of his, whatever
 * an upstream sent); Nils is gone upstream.
 */
export const fixtureRelatives: SectionRelative[] = [
  {
    id: 'rel-maria',
    name: 'Maria Nilsson',
    personId: '196807059826',
    phone: '+46701740002',
    email: 'maria@example.se',
    relationship: { code: 'DAU', text: 'dotter' },
    child: false,
    sharesHome: false,
    commitments: [
      {
        id: 'c-shopping',
        what: 'Handla mat <varje> fredag & lördag',
        howOften: 'En gång i veckan',
        from: '2026-12-01',
        until: '2027-11-30',
        reviewDate: '2027-06-01',
        history: [
          { at: '2026-11-20T10:00:00.000Z', status: 'requested', by: 'staff', userId: 'SE2120000099-7P01', organisationId: MUNICIPALITY_ORG.id },
          { at: '2026-11-21T08:00:00.000Z', status: 'accepted', by: 'relative' },
        ],
      },
      {
        id: 'c-appointments',
        what: 'Följa med till vårdcentralen',
        howOften: 'Vid behov',
        from: '2026-12-01',
        reviewDate: '2027-06-01',
        history: [{ at: '2026-11-20T10:00:00.000Z', status: 'requested', by: 'staff', userId: 'SE2120000099-7P01', organisationId: MUNICIPALITY_ORG.id }],
      },
    ],
  },
  {
    id: 'rel-bengt',
    name: 'Bengt Nilsson',
    personId: '193805129818',
    relationship: { code: 'HUSB', text: 'make' },
    child: false,
    sharesHome: true,
    homeConsent: { consent: true, at: '2026-11-23T10:00:00.000Z', history: [{ consent: true, at: '2026-11-23T10:00:00.000Z' }] },
  },
  {
    id: 'rel-sven',
    name: 'Sven Nilsson',
    phone: '+46701749999',
    email: 'sven@example.se',
    relationship: { code: 'SON', text: 'son' },
    child: false,
    sharesHome: true,
    protectedIdentity: true,
    homeConsent: { consent: false, at: '2026-11-24T10:00:00.000Z', history: [{ consent: false, at: '2026-11-24T10:00:00.000Z' }] },
  },
  { id: 'rel-nils', name: 'Nils Nilsson', relationship: { text: 'bror' }, child: false, sharesHome: false, removedUpstream: true },
];

/** {@link fullPlan} with the relatives above in its relatives section. */
export function planWithRelatives(overrides: Partial<PlanView> = {}): PlanView {
  const plan = fullPlan(overrides);
  return { ...plan, relativesSection: { ...plan.relativesSection, relatives: fixtureRelatives } };
}
