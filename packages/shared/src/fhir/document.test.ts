import { referencesIn } from './publish-bundle.ts';
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { IdentifierSystem } from '../identifiers.ts';
import type { PlanView } from '../plan.ts';
import { DocumentSection, SIP_DOCUMENT_TYPE, sipComposition, sipDocument, sipDocumentResources, withParticipants, type ParticipantIds } from './document.ts';
import { fullPlan, MUNICIPALITY_ORG, REGION_ORG, fixtureSystems } from './fixture.ts';
import { patientIdentifierReference, planToFhir, sipResourceList } from './plan-to-fhir.ts';
import { ProtectedIdentityLabel } from './provenance-marks.ts';

const ids: ParticipantIds = {
  patient: 'the-patient',
  organization: (identifier) => `org-${identifier.value}`,
  practitioner: (identifier) => `pract-${identifier.value}`,
};

const BASE = 'https://sip.example/fhir';

function withRelative(plan: PlanView): PlanView {
  return {
    ...plan,
    relativesSection: {
      ...plan.relativesSection,
      relatives: [
        {
          id: 'rel-1',
          name: 'Maria <Nilsson>',
          relationship: { code: 'DAU', text: 'dotter' },
          personId: '196807059826',
          child: false,
          sharesHome: false,
          commitments: [
            {
              id: 'c-1',
              what: 'Handla mat & hushållsartiklar',
              howOften: 'En gång i veckan',
              from: '2026-12-01',
              reviewDate: '2027-06-01',
              history: [
                { at: '2026-11-21T10:00:00+01:00', status: 'requested', by: 'staff' },
                { at: '2026-11-22T10:00:00+01:00', status: 'accepted', by: 'relative' },
              ],
            },
          ],
        },
      ],
    },
  };
}

function build(plan: PlanView) {
  const mapped = planToFhir(plan, { systems: fixtureSystems, patient: patientIdentifierReference(plan) });
  const { resources, participants } = withParticipants(plan, mapped, ids);
  const composition = sipComposition(plan, resources, participants, { systems: fixtureSystems, id: plan.id });
  const bundle = sipDocument(composition, sipDocumentResources(resources, participants), {
    fullUrl: (resource) => `${BASE}/${resource.resourceType}/${resource.id}`,
    timestamp: plan.updatedAt,
  });
  return { mapped, resources, participants, composition, bundle };
}

describe('withParticipants', () => {
  const plan = withRelative(fullPlan());

  it('gives every reference by identifier to the individual, an organisation or a practitioner a literal one, keeping identifier and display', () => {
    const { mapped, resources } = build(plan);
    expect(resources.carePlan.subject).toEqual({
      reference: 'Patient/the-patient',
      type: 'Patient',
      identifier: { system: IdentifierSystem.personnummer, value: plan.individual.personId },
      display: 'Astrid Nilsson',
    });
    expect(resources.carePlan.author).toEqual({
      reference: `Organization/org-${MUNICIPALITY_ORG.id}`,
      type: 'Organization',
      identifier: { system: IdentifierSystem.hsaId, value: MUNICIPALITY_ORG.id },
      display: MUNICIPALITY_ORG.name,
    });
    // Only references with neither a literal reference nor an identifier (a display alone) stay as they were.
    const json = JSON.stringify(sipResourceList(resources));
    for (const type of ['Patient', 'Organization', 'Practitioner']) {
      const logical = json.match(new RegExp(`\\{"type":"${type}","identifier"`, 'g')) ?? [];
      expect(logical, type).toEqual([]);
    }
    // The given resources are not changed.
    expect(mapped.carePlan.subject).toEqual({ type: 'Patient', identifier: { system: IdentifierSystem.personnummer, value: plan.individual.personId }, display: 'Astrid Nilsson' });
  });

  it('builds the Patient from the individual, and each organisation and practitioner once, by HSA-id, with the name the plan gives them', () => {
    const { participants } = build(plan);
    expect(participants.patient).toEqual({
      resourceType: 'Patient',
      id: 'the-patient',
      identifier: [{ system: IdentifierSystem.personnummer, value: plan.individual.personId }],
      name: [{ text: 'Astrid Nilsson' }],
    });
    expect(participants.organizations.map((o) => [o.id, o.name]).sort()).toEqual(
      [
        [`org-${MUNICIPALITY_ORG.id}`, MUNICIPALITY_ORG.name],
        [`org-${REGION_ORG.id}`, REGION_ORG.name],
      ].sort(),
    );
    const jonas = participants.practitioners.find((p) => p.identifier?.[0]?.value === 'SE2120000099-7P02');
    expect(jonas).toMatchObject({ name: [{ text: 'Jonas Berg' }], telecom: [{ system: 'phone', value: '010-123 45 67', use: 'work' }] });
    expect(new Set(participants.practitioners.map((p) => p.id)).size).toBe(participants.practitioners.length);
  });

  it('marks the Patient and the Composition of an individual with skyddade personuppgifter', () => {
    const { participants, composition, bundle } = build({ ...plan, protectedIdentity: true });
    expect(participants.patient.meta?.security).toEqual([ProtectedIdentityLabel]);
    expect(composition.meta?.security).toEqual([ProtectedIdentityLabel]);
    expect(composition.confidentiality).toBe('R');
    expect(bundle.meta?.security).toEqual([ProtectedIdentityLabel]);
  });
});

describe('sipComposition', () => {
  const plan = withRelative(fullPlan());

  it('is final, of the SIP document type, about the individual, by the responsible principal, dated by the plan', () => {
    const { composition } = build(plan);
    expect(composition).toMatchObject({
      resourceType: 'Composition',
      id: plan.id,
      status: 'final',
      type: fixtureSystems.publish(SIP_DOCUMENT_TYPE),
      subject: { reference: 'Patient/the-patient' },
      date: plan.updatedAt,
      title: 'SIP för Astrid',
      author: [{ reference: `Organization/org-${MUNICIPALITY_ORG.id}`, display: MUNICIPALITY_ORG.name }],
      custodian: { reference: `Organization/org-${MUNICIPALITY_ORG.id}` },
      confidentiality: 'N',
    });
  });

  it('has one section per part of the SIP, the responsible principal’s part first, each with narrative and its resources', () => {
    const { composition, resources } = build(plan);
    const sections = composition.section!;
    expect(sections.map((s) => s.code!.coding![0]!.code)).toEqual([
      DocumentSection.plan.code,
      DocumentSection.goals.code,
      DocumentSection.municipalityPart.code,
      DocumentSection.regionPart.code,
      DocumentSection.relatives.code,
      DocumentSection.careTeam.code,
      DocumentSection.consent.code,
    ]);
    for (const section of sections) expect(section.text?.div, section.title).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">/);
    const entries = new Set(sections.flatMap((s) => (s.entry ?? []).map((e) => e.reference)));
    for (const resource of sipResourceList(resources)) expect(entries, `${resource.resourceType}/${resource.id}`).toContain(`${resource.resourceType}/${resource.id}`);
  });

  it('writes the narrative as escaped XHTML, and says what is planned, not decided', () => {
    const { composition } = build(plan);
    const div = (code: string) => composition.section!.find((s) => s.code!.coding![0]!.code === code)!.text!.div;
    expect(div('relatives')).toContain('Maria &lt;Nilsson&gt;');
    expect(div('relatives')).toContain('Handla mat &amp; hushållsartiklar');
    expect(div('relatives')).not.toContain('<Nilsson>');
    expect(div('municipality-part')).toContain('Hemtjänst: dusch');
    expect(div('municipality-part')).toContain('Planerad, inte beslutad');
    expect(div('consent')).toContain('Uppgifter om psykiatrisk vård');
  });

  it('says so when there is no consent, no goal and no relative', () => {
    const bare = fullPlan({ consent: null, fields: { ...fullPlan().fields, individualGoals: [] } });
    const { composition } = build({ ...bare, parts: bare.parts.map((p) => ({ ...p, content: { ...p.content, goals: [] } })) });
    const section = (code: string) => composition.section!.find((s) => s.code!.coding![0]!.code === code)!;
    expect(section('consent')).toMatchObject({ emptyReason: { coding: [{ code: 'notasked' }] } });
    expect(section('consent').entry).toBeUndefined();
    expect(section('goals')).toMatchObject({ emptyReason: { coding: [{ code: 'nilknown' }] } });
    expect(section('relatives').text!.div).toContain('Ingen anhörig deltar i planen.');
  });
});

describe('sipDocument', () => {
  const plan = withRelative(fullPlan());

  it('is a document Bundle: the Composition first, every reference the fullUrl of an entry, identifier and timestamp', () => {
    const { bundle } = build(plan);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document', timestamp: plan.updatedAt });
    expect(bundle.identifier).toEqual({ system: 'urn:ietf:rfc:3986', value: expect.stringMatching(/^urn:uuid:/) });
    expect(bundle.entry![0]!.resource!.resourceType).toBe('Composition');
    expect(bundle.entry![1]!.resource!.resourceType).toBe('Patient');
    const fullUrls = new Set(bundle.entry!.map((e) => e.fullUrl));
    expect(fullUrls.size).toBe(bundle.entry!.length);
    const references = referencesIn(bundle);
    expect(references.length).toBeGreaterThan(20);
    for (const reference of references) expect(fullUrls, reference).toContain(`${BASE}/${reference}`);
  });

  it('has the same identifier for the same content, another for another', () => {
    const a = build(plan).bundle;
    expect(build(plan).bundle.identifier).toEqual(a.identifier);
    const changed = build({ ...plan, revision: plan.revision + 1, fields: { ...plan.fields, title: 'Ny titel' } }).bundle;
    expect(changed.identifier).not.toEqual(a.identifier);
    expect((changed.entry![0]!.resource as Resource & { title: string }).title).toBe('Ny titel');
  });
});
