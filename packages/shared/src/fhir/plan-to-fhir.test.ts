import { describe, expect, it } from 'vitest';
import { IdentifierSystem } from '../identifiers.ts';
import type { PlanStatus } from '../plan.ts';
import { CareTeamRole, ConsentCoding, GoalCategory, PlanCategory, SipExtension, SipIdentifierSystem } from './codesystems.ts';
import { fullPlan, MUNICIPALITY_ORG, publishContext, REGION_ORG } from './fixture.ts';
import { goalResourceId, patientIdentifierReference, planToFhir, relatedPersonsFromRelativesSection, sipResourceList } from './plan-to-fhir.ts';

const hsa = (value: string) => ({ system: IdentifierSystem.hsaId, value });

describe('planToFhir', () => {
  const plan = fullPlan();
  const fhir = planToFhir(plan, publishContext);

  it('maps the SIP to a CarePlan: intent plan, the SIP category, our identifier, the subject from the context, both principals as contributors, the responsible one as author', () => {
    const cp = fhir.carePlan;
    expect(cp).toMatchObject({
      resourceType: 'CarePlan',
      id: plan.id,
      identifier: [{ system: 'urn:sip-broker:plan', value: plan.id }],
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ system: 'urn:sip-broker:codesystem:plan-category', code: 'sip', display: 'Samordnad individuell plan' }] }],
      title: 'SIP för Astrid',
      subject: { reference: 'Patient/astrid-in-region', type: 'Patient' },
      period: { start: plan.createdAt },
      created: plan.createdAt,
      author: { type: 'Organization', identifier: hsa(MUNICIPALITY_ORG.id), display: MUNICIPALITY_ORG.name },
      careTeam: [{ reference: `CareTeam/${plan.id}` }],
      supportingInfo: [{ reference: `Consent/${plan.id}` }],
    });
    expect(cp.contributor?.map((c) => c.identifier)).toEqual([hsa(MUNICIPALITY_ORG.id), hsa(REGION_ORG.id)]);
    expect(cp.goal).toEqual([{ reference: `Goal/${fhir.goals[0]!.id}` }]);
    expect(cp.partOf).toBeUndefined();
  });

  it('carries the follow-up as an extension, needs and meetings as notes, own actions and other actors’ measures as activities', () => {
    const cp = fhir.carePlan;
    expect(cp.extension).toEqual([
      {
        url: SipExtension.followUp,
        extension: [
          { url: 'date', valueDate: '2027-02-01' },
          { url: 'by', valueReference: { type: 'Practitioner', identifier: hsa('SE2321000099-7P01'), display: 'Sara Lind' } },
        ],
      },
    ]);
    expect(cp.note).toEqual([
      { text: 'Behov: Hjälp med personlig hygien' },
      { time: '2026-11-20T10:00:00+01:00', text: 'Möte, Hemma hos Astrid: Första SIP-mötet' },
    ]);
    expect(cp.activity?.map((a) => [a.detail?.code?.coding?.[0]?.code, a.detail?.description, a.detail?.performer?.[0]?.display ?? a.detail?.performer?.[0]?.type])).toEqual([
      ['individual-own-action', 'Promenerar varje dag', 'Patient'],
      ['other-actor-measure', 'Besöksverksamhet', 'PRO Norrvik'],
    ]);
    expect(cp.activity?.[1]?.detail?.scheduledString).toBe('varje torsdag');
  });

  it.each([
    ['draft', 'draft', 'proposed', 'proposed'],
    ['active', 'active', 'active', 'active'],
    ['followed_up', 'active', 'active', 'active'],
    ['closed', 'completed', 'completed', 'inactive'],
  ] as const)('maps a %s plan to CarePlan %s, Goals %s, CareTeam %s', (status, carePlan, goal, team) => {
    const mapped = planToFhir(fullPlan({ status: status as PlanStatus }), publishContext);
    expect([mapped.carePlan, ...mapped.parts, mapped.relatives].map((p) => p.status)).toEqual([carePlan, carePlan, carePlan, carePlan]);
    expect(new Set(mapped.goals.map((g) => g.lifecycleStatus))).toEqual(new Set([goal]));
    expect(mapped.careTeam.status).toBe(team);
    expect(mapped.carePlan.period?.end).toBe(status === 'closed' ? fullPlan().updatedAt : undefined);
  });

  it('gives each principal’s part a sub-CarePlan partOf the SIP, with its interventions as activities and its professional goals', () => {
    expect(fhir.parts.map((p) => p.id)).toEqual(plan.parts.map((p) => p.id));
    const municipality = fhir.parts[0]!;
    expect(municipality).toMatchObject({
      identifier: [{ system: 'urn:sip-broker:plan-part', value: plan.parts[0]!.id }],
      partOf: [{ reference: `CarePlan/${plan.id}` }],
      intent: 'plan',
      subject: { reference: 'Patient/astrid-in-region' },
      author: { identifier: hsa(MUNICIPALITY_ORG.id) },
      category: [{ coding: [{ code: PlanCategory.part.code }, { code: 'municipality' }] }],
    });
    expect(municipality.activity).toEqual([
      {
        id: 'int-m1',
        detail: {
          code: { coding: [{ system: 'urn:sip-broker:codesystem:activity-kind', code: 'intervention', display: 'Insats' }], text: 'Hemtjänst: dusch' },
          status: 'not-started',
          performer: [{ display: 'Hemtjänsten Norrvik centrum' }],
          scheduledString: 'tisdag och fredag',
        },
      },
      {
        id: 'int-m2',
        detail: {
          code: { coding: [{ system: 'urn:sip-broker:codesystem:activity-kind', code: 'intervention', display: 'Insats' }], text: 'Trygghetslarm' },
          status: 'scheduled',
          description: 'Larm kopplat till larmcentralen',
          scheduledTiming: { repeat: { boundsPeriod: { start: '2026-12-01', end: '2027-06-30' } }, code: { text: 'dygnet runt' } },
        },
      },
    ]);
    expect(municipality.goal).toEqual([{ reference: `Goal/${goalResourceId(plan.parts[0]!.id, 'goal-m1')}` }]);
    expect(fhir.parts[1]!.goal).toHaveLength(2);
  });

  it('keeps the standing relatives section as a sub-CarePlan even when empty', () => {
    expect(fhir.relatives).toMatchObject({
      id: plan.relativesSection.id,
      identifier: [{ system: SipIdentifierSystem.planPart, value: plan.relativesSection.id }],
      partOf: [{ reference: `CarePlan/${plan.id}` }],
      category: [{ coding: [{ code: PlanCategory.relatives.code }] }],
    });
    expect(fhir.relatedPersons).toEqual([]);
  });

  it('maps each relative to a RelatedPerson with our identifier, personnummer, relationship and contact; leaves out those gone upstream', () => {
    const bengt = { id: 'rel-1', name: 'Bengt Nilsson', personId: '193805129818', phone: '+46701740001', relationship: { code: 'HUSB', text: 'make' }, child: false, sharesHome: true };
    const gone = { id: 'rel-2', name: 'Nils Nilsson', relationship: { text: 'bror' }, child: false, sharesHome: false, removedUpstream: true };
    const [related, ...rest] = relatedPersonsFromRelativesSection(plan.id, { ...plan.relativesSection, relatives: [bengt, gone] }, { reference: 'Patient/x' });
    expect(rest).toEqual([]);
    expect(related).toMatchObject({
      resourceType: 'RelatedPerson',
      identifier: [
        { system: 'urn:sip-broker:relative', value: `${plan.id}/rel-1` },
        { system: 'http://electronichealth.se/identifier/personnummer', value: '193805129818' },
      ],
      patient: { reference: 'Patient/x' },
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'HUSB' }], text: 'make' }],
      name: [{ text: 'Bengt Nilsson' }],
      telecom: [{ system: 'phone', value: '+46701740001' }],
    });
  });

  it('makes the individual’s own goals Goals expressed by the individual, and professional goals Goals of their own category, with identifiers scoped so equal item ids never collide', () => {
    const [own, ...professional] = fhir.goals;
    expect(own).toMatchObject({
      resourceType: 'Goal',
      identifier: [{ system: 'urn:sip-broker:goal', value: `${plan.id}/${plan.fields.individualGoals![0]!.id}` }],
      lifecycleStatus: 'active',
      category: [{ coding: [GoalCategory.individual] }],
      description: { text: 'Kunna bo kvar hemma' },
      subject: { reference: 'Patient/astrid-in-region' },
      expressedBy: { reference: 'Patient/astrid-in-region' },
    });
    expect(professional.map((g) => g.identifier?.[0]?.value)).toEqual([
      `${plan.parts[0]!.id}/goal-m1`,
      `${plan.parts[1]!.id}/goal-r1`,
      `${plan.parts[1]!.id}/goal-m1`,
    ]);
    expect(professional.every((g) => g.category?.[0]?.coding?.[0]?.code === 'professional' && !g.expressedBy)).toBe(true);
    const ids = fhir.goals.map((g) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[A-Za-z0-9\-.]{1,64}$/.test(id))).toBe(true);
  });

  it('builds the CareTeam from both principals, the contact persons, the coordinator and invited participants', () => {
    const team = fhir.careTeam;
    expect(team).toMatchObject({
      id: plan.id,
      identifier: [{ system: 'urn:sip-broker:careteam', value: plan.id }],
      subject: { reference: 'Patient/astrid-in-region' },
      managingOrganization: [{ identifier: hsa(MUNICIPALITY_ORG.id) }],
    });
    const roles = team.participant?.map((p) => [p.role?.[0]?.coding?.[0]?.code, p.member?.display, p.member?.identifier?.value, p.onBehalfOf?.identifier?.value]);
    expect(roles).toEqual([
      [CareTeamRole.principal.code, MUNICIPALITY_ORG.name, MUNICIPALITY_ORG.id, undefined],
      [CareTeamRole.principal.code, REGION_ORG.name, REGION_ORG.id, undefined],
      [CareTeamRole.contactPerson.code, 'Jonas Berg', 'SE2120000099-7P02', MUNICIPALITY_ORG.id],
      [CareTeamRole.contactPerson.code, 'Omar Haddad', undefined, REGION_ORG.id],
      [CareTeamRole.coordinator.code, 'Karin Ek', 'SE2120000099-7P01', MUNICIPALITY_ORG.id],
      [CareTeamRole.invited.code, 'Försäkringskassan', undefined, undefined],
    ]);
  });

  it('maps the individual’s consent IHE PCF style: patient-privacy, LOINC 59284-0, IRCP actors, purpose COC, valid until', () => {
    expect(fhir.consent).toMatchObject({
      resourceType: 'Consent',
      identifier: [{ system: 'urn:sip-broker:consent', value: plan.id }],
      status: 'active',
      scope: { coding: [ConsentCoding.patientPrivacy] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: 'Patient/astrid-in-region' },
      dateTime: '2026-11-20T10:00:00+01:00',
      policyRule: { coding: [{ code: 'OPTIN' }] },
      provision: {
        type: 'permit',
        period: { end: '2027-11-20' },
        purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'COC' }],
        provision: [{ type: 'deny', code: [{ text: 'Uppgifter om psykiatrisk vård' }] }],
      },
    });
    const actors = fhir.consent!.provision!.actor!;
    expect(actors.every((a) => a.role.coding?.[0]?.code === 'IRCP')).toBe(true);
    expect(actors.map((a) => a.reference.identifier?.value ?? a.reference.display)).toEqual([REGION_ORG.id, MUNICIPALITY_ORG.id, 'Försäkringskassan']);
    expect(fhir.consent!.provision!.code?.map((c) => c.coding?.[0]?.code)).toEqual(['goals', 'interventions', 'contacts']);
  });

  it('marks a revoked consent inactive, a refused one as deny/OPTOUT, and maps no Consent without one', () => {
    const revoked = planToFhir(fullPlan({ consent: { ...fullPlan().consent!, revokedAt: '2027-01-10T09:00:00+01:00' } }), publishContext);
    expect(revoked.consent?.status).toBe('inactive');
    const refused = planToFhir(fullPlan({ consent: { ...fullPlan().consent!, given: false } }), publishContext);
    expect(refused.consent).toMatchObject({ status: 'active', policyRule: { coding: [{ code: 'OPTOUT' }] }, provision: { type: 'deny' } });
    const none = planToFhir(fullPlan({ consent: null }), publishContext);
    expect(none.consent).toBeNull();
    expect(none.carePlan.supportingInfo).toBeUndefined();
  });

  it('records the change as a Provenance: the SIP as target, when, who on behalf of which organisation', () => {
    expect(fhir.provenance).toEqual({
      resourceType: 'Provenance',
      extension: [{ url: SipExtension.planRevision, valueInteger: 7 }],
      target: [{ reference: `CarePlan/${plan.id}`, identifier: { system: 'urn:sip-broker:plan', value: plan.id } }],
      occurredDateTime: '2026-11-21T10:00:00.000Z',
      recorded: '2026-11-21T10:00:00.000Z',
      activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE' }] },
      agent: [
        {
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' }] },
          who: { type: 'Practitioner', identifier: hsa('SE2321000099-7P02') },
          onBehalfOf: { type: 'Organization', identifier: hsa(REGION_ORG.id), display: REGION_ORG.name },
        },
      ],
    });
    expect(planToFhir(plan, { patient: publishContext.patient }).provenance).toBeNull();
  });

  it('names a relative who answered for themself as a RelatedPerson author, on nobody’s behalf', () => {
    const change = { ...publishContext.change, userId: 'citizen:196807059826', organisationId: 'citizen' };
    const { provenance } = planToFhir(plan, { patient: publishContext.patient, change });
    expect(provenance?.agent).toEqual([
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' }] },
        who: { type: 'RelatedPerson', identifier: { system: 'http://electronichealth.se/identifier/personnummer', value: '196807059826' } },
      },
    ]);
  });

  it('references the individual by personnummer or samordningsnummer when no Patient id is known', () => {
    const byIdentifier = planToFhir(plan, { patient: patientIdentifierReference(plan) });
    expect(byIdentifier.carePlan.subject).toEqual({
      type: 'Patient',
      identifier: { system: 'http://electronichealth.se/identifier/personnummer', value: '194003019801' },
      display: 'Astrid Nilsson',
    });
    const samordning = fullPlan({ individual: { personId: '195202749833', kind: 'samordningsnummer' } });
    expect(patientIdentifierReference(samordning)).toEqual({
      identifier: { system: 'http://electronichealth.se/identifier/samordningsnummer', value: '195202749833' },
    });
  });

  it('maps a bare new plan: no goals, consent, activities or notes, nothing empty left behind', () => {
    const bare = fullPlan({
      status: 'draft',
      fields: { title: 'Ny' },
      consent: null,
      participants: [],
      parts: fullPlan().parts.map((p) => ({ ...p, content: {} })),
    });
    const mapped = planToFhir(bare, publishContext);
    expect(sipResourceList(mapped).map((r) => r.resourceType)).toEqual(['CarePlan', 'CareTeam', 'CarePlan', 'CarePlan', 'CarePlan']);
    const json = JSON.stringify(sipResourceList(mapped));
    expect(json).not.toMatch(/\[\]|\{\}|null/);
    expect(mapped.carePlan.author).toBeUndefined();
  });
});
