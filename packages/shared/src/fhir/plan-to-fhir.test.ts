import type { Narrative, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdentifierSystem } from '../identifiers.ts';
import type { PlanStatus } from '../plan.ts';
import { CareTeamRole, ConsentCoding, ConsentPolicy, FhirSystem, GoalCategory, PlanCategory, SipExtension, SipIdentifierSystem, StandardCoding } from './codesystems.ts';
import { fullPlan, MUNICIPALITY_ORG, planWithRelatives, publishContext, REGION_ORG, fixtureSystems } from './fixture.ts';
import { goalResourceId, patientIdentifierReference, planToFhir, relatedPersonsFromRelativesSection, sipResourceList } from './plan-to-fhir.ts';
import { loadDefinitions, publishIssues, r4Issues } from './test-support.ts';

const hsa = (value: string) => ({ system: IdentifierSystem.hsaId, value });

describe('planToFhir', () => {
  const plan = fullPlan();
  const fhir = planToFhir(plan, publishContext);

  it('maps the SIP to a CarePlan: intent plan, the SIP category, our identifier, the subject from the context, both principals as contributors, the responsible one as author', () => {
    const cp = fhir.carePlan;
    expect(cp).toMatchObject({
      resourceType: 'CarePlan',
      id: plan.id,
      identifier: [{ system: 'https://sip.example/fhir/NamingSystem/plan', value: plan.id }],
      status: 'active',
      intent: 'plan',
      category: [
        { coding: [{ system: 'https://sip.example/fhir/CodeSystem/plan-category', code: 'sip', display: 'Samordnad individuell plan' }] },
        { coding: [{ system: 'http://snomed.info/sct', code: '734163000', display: 'Care plan' }] },
      ],
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
        url: fixtureSystems.url(SipExtension.followUp),
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
      identifier: [{ system: 'https://sip.example/fhir/NamingSystem/plan-part', value: plan.parts[0]!.id }],
      partOf: [{ reference: `CarePlan/${plan.id}` }],
      intent: 'plan',
      subject: { reference: 'Patient/astrid-in-region' },
      author: { identifier: hsa(MUNICIPALITY_ORG.id) },
      category: [{ coding: [{ code: PlanCategory.part.code }, { code: 'municipality' }] }, { coding: [StandardCoding.carePlan] }],
    });
    expect(municipality.activity).toEqual([
      {
        id: 'int-m1',
        detail: {
          code: { coding: [{ system: 'https://sip.example/fhir/CodeSystem/activity-kind', code: 'intervention', display: 'Insats' }], text: 'Hemtjänst: dusch' },
          status: 'not-started',
          performer: [{ display: 'Hemtjänsten Norrvik centrum' }],
          scheduledString: 'tisdag och fredag',
        },
      },
      {
        id: 'int-m2',
        detail: {
          code: { coding: [{ system: 'https://sip.example/fhir/CodeSystem/activity-kind', code: 'intervention', display: 'Insats' }], text: 'Trygghetslarm' },
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
      identifier: [{ system: fixtureSystems.url(SipIdentifierSystem.planPart), value: plan.relativesSection.id }],
      partOf: [{ reference: `CarePlan/${plan.id}` }],
      category: [{ coding: [{ code: PlanCategory.relatives.code }] }, { coding: [StandardCoding.carePlan] }],
    });
    expect(fhir.relatives.activity).toBeUndefined();
    expect(fhir.relatives.text?.div).toContain('Ingen anhörig deltar');
    expect(fhir.relatedPersons).toEqual([]);
  });

  it('maps each relative to a RelatedPerson with our identifier, personnummer, relationship and contact; leaves out those gone upstream', () => {
    const bengt = { id: 'rel-1', name: 'Bengt Nilsson', personId: '193805129818', phone: '+46701740001', relationship: { code: 'HUSB', text: 'make' }, child: false, sharesHome: true };
    const gone = { id: 'rel-2', name: 'Nils Nilsson', relationship: { text: 'bror' }, child: false, sharesHome: false, removedUpstream: true };
    const [related, ...rest] = relatedPersonsFromRelativesSection(plan.id, { ...plan.relativesSection, relatives: [bengt, gone] }, { reference: 'Patient/x' });
    expect(rest).toEqual([]);
    expect(fixtureSystems.publish(related)).toMatchObject({
      resourceType: 'RelatedPerson',
      identifier: [
        { system: 'https://sip.example/fhir/NamingSystem/relative', value: `${plan.id}/rel-1` },
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
      identifier: [{ system: 'https://sip.example/fhir/NamingSystem/goal', value: `${plan.id}/${plan.fields.individualGoals![0]!.id}` }],
      lifecycleStatus: 'active',
      category: [{ coding: [fixtureSystems.publish(GoalCategory.individual), StandardCoding.personalHealthGoal] }],
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

  it('builds the CareTeam from the individual, both principals, the contact persons, the coordinator and invited participants', () => {
    const team = fhir.careTeam;
    expect(team).toMatchObject({
      id: plan.id,
      identifier: [{ system: 'https://sip.example/fhir/NamingSystem/careteam', value: plan.id }],
      subject: { reference: 'Patient/astrid-in-region' },
      managingOrganization: [{ identifier: hsa(MUNICIPALITY_ORG.id) }],
    });
    const roles = team.participant?.map((p) => [p.role?.[0]?.coding?.[0]?.code, p.member?.display, p.member?.identifier?.value, p.onBehalfOf?.identifier?.value]);
    expect(roles).toEqual([
      [CareTeamRole.individual.code, undefined, undefined, undefined],
      [CareTeamRole.principal.code, MUNICIPALITY_ORG.name, MUNICIPALITY_ORG.id, undefined],
      [CareTeamRole.principal.code, REGION_ORG.name, REGION_ORG.id, undefined],
      [CareTeamRole.contactPerson.code, 'Jonas Berg', 'SE2120000099-7P02', MUNICIPALITY_ORG.id],
      [CareTeamRole.contactPerson.code, 'Omar Haddad', undefined, REGION_ORG.id],
      [CareTeamRole.coordinator.code, 'Karin Ek', 'SE2120000099-7P01', MUNICIPALITY_ORG.id],
      [CareTeamRole.invited.code, 'Försäkringskassan', undefined, undefined],
    ]);
    expect(team.participant?.[0]).toEqual({
      role: [{ coding: [fixtureSystems.publish(CareTeamRole.individual), { system: 'http://snomed.info/sct', code: '116154003', display: 'Patient' }] }],
      member: { reference: 'Patient/astrid-in-region', type: 'Patient' },
    });
    expect(team.category).toEqual([
      { coding: [fixtureSystems.publish(PlanCategory.sip)] },
      { coding: [{ system: 'http://loinc.org', code: 'LA28865-6', display: 'Longitudinal care-coordination focused care team' }] },
    ]);
  });

  it('maps the individual’s consent IHE PCF style: patient-privacy, LOINC 59284-0, IRCP actors, purpose COC, valid until', () => {
    expect(fhir.consent).toMatchObject({
      resourceType: 'Consent',
      identifier: [{ system: 'https://sip.example/fhir/NamingSystem/consent', value: plan.id }],
      status: 'active',
      scope: { coding: [ConsentCoding.patientPrivacy] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: 'Patient/astrid-in-region' },
      dateTime: '2026-11-20T10:00:00+01:00',
      policy: [{ uri: 'https://sip.example/fhir/policy/sip-consent' }],
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
    // IHE PCF's source: no document of the consent is held, so an attachment naming how it was given, by whom and when.
    expect(fhir.consent!.sourceAttachment).toEqual({
      title: 'Skriftligt besked om samtycke till samordnad individuell plan, registrerat av Sara Lind',
      creation: '2026-11-20T10:00:00+01:00',
    });
    expect(fhir.consent!.sourceReference).toBeUndefined();
    expect(fhir.consent!.text!.div).toContain('<p><b>Källa:</b> Skriftligt besked om samtycke till samordnad individuell plan, registrerat av Sara Lind</p>');
  });

  it('names an oral consent, and one that rests on the guardians, as such in its source', () => {
    const oral = planToFhir(fullPlan({ consent: { ...fullPlan().consent!, form: 'oral', recordedBy: { name: 'Omar Haddad' } } }), publishContext).consent!;
    expect(oral.sourceAttachment).toEqual({ title: 'Muntligt besked om samtycke till samordnad individuell plan, registrerat av Omar Haddad', creation: '2026-11-20T10:00:00+01:00' });
    const guardians = planToFhir(
      fullPlan({ consent: { ...fullPlan().consent!, basis: 'guardians', guardians: [{ name: 'Anna Nilsson', given: true, recordedAt: '2026-11-19T09:00:00+01:00' }] } }),
      publishContext,
    ).consent!;
    expect(guardians.sourceAttachment?.title).toBe('Skriftligt vårdnadshavarnas besked om samtycke till samordnad individuell plan, registrerat av Sara Lind');
    // Nothing beyond what the Consent already carries: the recorder is named in its extension too.
    expect(JSON.stringify(oral.extension)).toContain('Omar Haddad');
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
      extension: [{ url: fixtureSystems.url(SipExtension.planRevision), valueInteger: 7 }],
      target: [{ reference: `CarePlan/${plan.id}`, identifier: { system: 'https://sip.example/fhir/NamingSystem/plan', value: plan.id } }],
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
    expect(planToFhir(plan, { systems: fixtureSystems, patient: publishContext.patient }).provenance).toBeNull();
  });

  it('names a relative who answered for themself as a RelatedPerson author, on nobody’s behalf', () => {
    const change = { ...publishContext.change, userId: 'citizen:196807059826', organisationId: 'citizen' };
    const { provenance } = planToFhir(plan, { systems: fixtureSystems, patient: publishContext.patient, change });
    expect(provenance?.agent).toEqual([
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' }] },
        who: { type: 'RelatedPerson', identifier: { system: 'http://electronichealth.se/identifier/personnummer', value: '196807059826' } },
      },
    ]);
  });

  it('names the individual who changed their own plan with their e-ID as the Patient author', () => {
    const change = { ...publishContext.change, userId: `citizen:${plan.individual.personId}`, organisationId: 'citizen' };
    const { provenance } = planToFhir(plan, { systems: fixtureSystems, patient: publishContext.patient, change });
    expect(provenance?.agent).toEqual([
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' }] },
        who: { type: 'Patient', identifier: { system: 'http://electronichealth.se/identifier/personnummer', value: plan.individual.personId } },
      },
    ]);
  });

  it('names a consent the individual gave themself with their e-ID as theirs, not as registered by staff', () => {
    const own = planToFhir(
      fullPlan({ consent: { ...fullPlan().consent!, recordedBy: { name: 'Astrid Nilsson' }, recordedWith: 'e-id', recordedAt: '2026-12-01T10:00:00.000Z' } }),
      publishContext,
    ).consent!;
    expect(own.sourceAttachment).toEqual({
      title: 'Den enskildes eget besked om samtycke till samordnad individuell plan, lämnat med e-legitimation',
      creation: '2026-12-01T10:00:00.000Z',
    });
    expect(own.extension?.find((e) => e.url.endsWith('consent-recorded-by'))?.valueReference).toEqual(own.patient);
    expect(own.text!.div).toContain('Astrid Nilsson, själv med e-legitimation');
  });

  it('references the individual by personnummer or samordningsnummer when no Patient id is known', () => {
    const byIdentifier = planToFhir(plan, { systems: fixtureSystems, patient: patientIdentifierReference(plan) });
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

describe('planToFhir, in a shape a receiving record can use (IHE Dynamic Care Planning)', () => {
  const plan = planWithRelatives({ fields: { ...fullPlan().fields, title: `<script>alert("SIP")</script> & 'Astrid'` } });
  const fhir = planToFhir(plan, publishContext);
  const all = [...sipResourceList(fhir), fhir.provenance!];
  const personOf = (relativeId: string) => fhir.relatedPersons.find((p) => p.identifier?.[0]?.value === `${plan.id}/${relativeId}`);
  const taskOf = (commitmentId: string) => fhir.tasks.find((t) => t.identifier?.[0]?.value === `${plan.id}/${commitmentId}`)!;
  beforeAll(loadDefinitions, 60_000);

  it('produces valid FHIR R4 for every resource, narratives included', { timeout: 30_000 }, () => {
    expect(new Set(all.map((r) => r.resourceType))).toEqual(new Set(['CarePlan', 'CareTeam', 'Consent', 'RelatedPerson', 'Goal', 'Task', 'Provenance']));
    for (const resource of sipResourceList(fhir)) expect(publishIssues(resource), `${resource.resourceType}/${resource.id}`).toEqual([]);
    expect(r4Issues(fhir.provenance!)).toEqual([]);
    for (const status of ['draft', 'followed_up', 'consent_withdrawn', 'closed'] as const) {
      const other = planToFhir(planWithRelatives({ status, consent: null }), { systems: fixtureSystems, patient: patientIdentifierReference(plan) });
      for (const resource of sipResourceList(other)) expect(publishIssues(resource), `${status}: ${resource.resourceType}/${resource.id}`).toEqual([]);
    }
  });

  it('gives every resource it builds, the attention Tasks included, a generated XHTML narrative', () => {
    // Past the review date of Maria's commitment: the responsible principal is asked to act.
    const planAsItStood = planToFhir(planWithRelatives({ updatedAt: '2027-06-05T07:00:00.000Z' }), publishContext);
    expect(planAsItStood.attentionTasks.length).toBeGreaterThan(0);
    for (const resource of [...sipResourceList(fhir), ...planAsItStood.attentionTasks] as (Resource & { id: string; text?: Narrative })[]) {
      expect(resource.text?.status, `${resource.resourceType}/${resource.id}`).toBe('generated');
      expect(resource.text?.div).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml"><p><b>[^<]+<\/b><\/p>.*<\/div>$/);
      // Where FHIR's JSON has it: after id and meta, before the rest.
      expect(Object.keys(resource).filter((k) => k !== 'meta').slice(0, 3)).toEqual(['resourceType', 'id', 'text']);
    }
  });

  it('escapes what users wrote: a title with <script> comes out as text, never as markup', () => {
    const escaped = '&lt;script&gt;alert(&quot;SIP&quot;)&lt;/script&gt; &amp; &#39;Astrid&#39;';
    for (const resource of [fhir.carePlan, ...fhir.parts, fhir.relatives, fhir.careTeam]) {
      expect(resource.text!.div).toContain(escaped);
      expect(resource.text!.div).not.toMatch(/<script|alert\("/);
    }
    expect(taskOf('c-shopping').text!.div).toContain('Handla mat &lt;varje&gt; fredag &amp; lördag');
    expect(JSON.stringify(all.map((r) => (r as { text?: { div: string } }).text?.div ?? ''))).not.toContain('<script');
  });

  it('summarises each resource in Swedish: title, status, period, who and what', () => {
    expect(fhir.carePlan.text!.div).toContain('<p><b>Status:</b> Aktiv</p>');
    expect(fhir.carePlan.text!.div).toContain('<p><b>Period:</b> från 2026-11-01</p>');
    expect(fhir.carePlan.text!.div).toContain('<p><b>Huvudman med övergripande ansvar:</b> Norrviks kommun</p>');
    expect(fhir.carePlan.text!.div).toContain('<li>Kunna bo kvar hemma</li>');
    expect(fhir.parts[0]!.text!.div).toContain(
      '<li>Trygghetslarm; beslutad; dygnet runt; från 2026-12-01 till 2027-06-30; Larm kopplat till larmcentralen</li>',
    );
    expect(fhir.relatives.text!.div).toContain('<li>Handla mat &lt;varje&gt; fredag &amp; lördag: Åtaget av den anhörige – Maria Nilsson (dotter)</li>');
    expect(fhir.careTeam.text!.div).toContain('<li>Anhörig med åtagande: Maria Nilsson (dotter)</li>');
    expect(taskOf('c-shopping').text!.div).toContain('<p><b>Period:</b> från 2026-12-01 till 2027-11-30</p>');
    expect(fhir.consent!.text!.div).toContain('<p><b>Registrerat:</b> 2026-11-20 10:00</p>');
    expect(fhir.goals[0]!.text!.div).toContain('<p><b>Mål:</b> Kunna bo kvar hemma</p>');
  });

  it('writes the same resources, narratives and all, from the same plan', () => {
    expect(JSON.stringify(planToFhir(structuredClone(plan), publishContext))).toBe(JSON.stringify(fhir));
  });

  it('keeps out of the narrative what the resource itself withholds: no contact details, nor name elsewhere, of a relative with skyddade personuppgifter', () => {
    const sven = personOf('rel-sven')!;
    expect(sven.telecom).toBeUndefined();
    expect(sven.text!.div).toContain('Skyddade personuppgifter');
    const everything = JSON.stringify(all);
    expect(everything).not.toContain('+46701749999');
    expect(everything).not.toContain('sven@example.se');
    const elsewhere = all.filter((r) => r !== sven).map((r) => (r as { text?: { div: string } }).text?.div ?? '');
    for (const div of elsewhere) expect(div).not.toContain('Sven');
    expect(fhir.careTeam.text!.div).toContain('son (skyddade personuppgifter)');
    // Maria's contact details are carried by her RelatedPerson, and shown there only.
    const maria = personOf('rel-maria')!;
    expect(maria.text!.div).toContain('<p><b>Telefon:</b> +46701740002</p>');
    const notMaria = all.filter((r) => r !== sven && r !== maria).map((r) => (r as { text?: { div: string } }).text?.div ?? '');
    expect(notMaria.some((div) => div.includes('+46701740002') || div.includes('maria@example.se'))).toBe(false);
  });

  it('puts the individual and the relatives who take part in the SIP’s CareTeam: caregivers where they carry a commitment, their relationship from v3-RoleCode', () => {
    const participants = fhir.careTeam.participant!;
    expect(participants[0]).toMatchObject({ role: [{ coding: [fixtureSystems.publish(CareTeamRole.individual), StandardCoding.patient] }], member: { reference: 'Patient/astrid-in-region' } });
    const relatives = participants.filter((p) => p.member?.type === 'RelatedPerson');
    expect(relatives.map((p) => p.member?.reference)).toEqual(['rel-maria', 'rel-bengt', 'rel-sven'].map((id) => `RelatedPerson/${personOf(id)!.id}`));
    expect(relatives[0]).toEqual({
      role: [
        { coding: [fixtureSystems.publish(CareTeamRole.relative), { system: 'http://snomed.info/sct', code: '133932002', display: 'Caregiver' }] },
        { coding: [{ system: FhirSystem.roleCode, code: 'DAU' }], text: 'dotter' },
      ],
      member: { reference: `RelatedPerson/${personOf('rel-maria')!.id}`, type: 'RelatedPerson', display: 'Maria Nilsson' },
    });
    expect(relatives[1]!.role).toEqual([{ coding: [fixtureSystems.publish(CareTeamRole.relative)] }, { coding: [{ system: FhirSystem.roleCode, code: 'HUSB' }], text: 'make' }]);
    // A protected relative is in the team, named nowhere but on their own RelatedPerson.
    expect(relatives[2]!.member).toEqual({ reference: `RelatedPerson/${personOf('rel-sven')!.id}`, type: 'RelatedPerson' });
  });

  it('bases each commitment Task on the relatives section’s CarePlan, and on the SIP it is part of', () => {
    expect(fhir.tasks).toHaveLength(2);
    for (const task of fhir.tasks) {
      expect(task.basedOn).toEqual([{ reference: `CarePlan/${fhir.relatives.id}` }, { reference: `CarePlan/${plan.id}` }]);
      expect(task.code).toEqual({ coding: [{ system: 'https://sip.example/fhir/CodeSystem/task-kind', code: 'relative-commitment', display: 'Anhörigs frivilliga åtagande' }] });
    }
    expect(fhir.relatives.partOf).toEqual([{ reference: `CarePlan/${plan.id}` }]);
  });

  it('gives the relatives’ own consents their own statement through the portal as source, with the time of the answer', () => {
    const commitmentConsent = fhir.relativeConsents.find((c) => c.identifier?.[0]?.value === `${plan.id}/c-shopping`)!;
    expect(commitmentConsent.sourceAttachment).toEqual({
      title: 'Den anhöriges eget svar på åtagandet (åtar sig), lämnat via e-tjänsten',
      creation: '2026-11-21T08:00:00.000Z',
    });
    expect(commitmentConsent.dateTime).toBe('2026-11-21T08:00:00.000Z');
    const homeConsents = fhir.relativeConsents.filter((c) => c.identifier?.[0]?.system === fixtureSystems.url(SipIdentifierSystem.homeConsent));
    expect(homeConsents.map((c) => c.sourceAttachment)).toEqual([
      { title: 'Den anhöriges eget svar om hemmet som vårdplats, lämnat via e-tjänsten', creation: '2026-11-23T10:00:00.000Z' },
      { title: 'Den anhöriges eget svar om hemmet som vårdplats, lämnat via e-tjänsten', creation: '2026-11-24T10:00:00.000Z' },
    ]);
    expect(homeConsents[0]!.text!.div).toContain('<p><b>Källa:</b> Den anhöriges eget svar om hemmet som vårdplats, lämnat via e-tjänsten</p>');
    // Nothing of the relative's comment or contact details travels in it.
    expect(JSON.stringify(fhir.relativeConsents.map((c) => c.sourceAttachment))).not.toMatch(/Maria|Bengt|\+467/);
    for (const consent of fhir.relativeConsents) expect(publishIssues(consent), consent.id).toEqual([]);
  });

  it('gives the relatives’ own consents IHE PCF’s policy, scope treatment and LOINC’s Patient Consent beside our category', () => {
    const commitmentConsent = fhir.relativeConsents.find((c) => c.identifier?.[0]?.system === fixtureSystems.url(SipIdentifierSystem.commitmentConsent))!;
    expect(commitmentConsent).toMatchObject({
      scope: { coding: [ConsentCoding.treatment] },
      category: [{ coding: [{ code: 'relative-commitment' }] }, { coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
      policy: [{ uri: fixtureSystems.url(ConsentPolicy.relativeCommitment) }],
      provision: { data: [{ meaning: 'related', reference: { reference: `Task/${taskOf('c-shopping').id}` } }] },
    });
    const homeConsents = fhir.relativeConsents.filter((c) => c.identifier?.[0]?.system === fixtureSystems.url(SipIdentifierSystem.homeConsent));
    expect(homeConsents.map((c) => [c.status, c.policy, c.category?.[1]?.coding?.[0]?.code])).toEqual([
      ['active', [{ uri: 'https://sip.example/fhir/policy/home-as-place-of-care' }], '59284-0'],
      ['rejected', [{ uri: 'https://sip.example/fhir/policy/home-as-place-of-care' }], '59284-0'],
    ]);
    expect(fhir.consent!.policy).toEqual([{ uri: fixtureSystems.url(ConsentPolicy.sip) }]);
  });

  it('keeps our own codings, with standard ones beside them', () => {
    const codings = (concepts: { coding?: { system?: string; code?: string }[] }[] | undefined) => (concepts ?? []).flatMap((c) => c.coding ?? []).map((c) => `${c.system}|${c.code}`);
    for (const carePlan of [fhir.carePlan, ...fhir.parts, fhir.relatives]) {
      expect(codings(carePlan.category)).toContain('http://snomed.info/sct|734163000');
      expect(codings(carePlan.category).some((c) => c.startsWith('https://sip.example/fhir/CodeSystem/plan-category|'))).toBe(true);
    }
    expect(codings(fhir.goals[0]!.category)).toEqual(['https://sip.example/fhir/CodeSystem/goal-category|individual', 'http://loinc.org|87528-6']);
    expect(codings(fhir.careTeam.category)).toEqual(['https://sip.example/fhir/CodeSystem/plan-category|sip', 'http://loinc.org|LA28865-6']);
    expect(fhir.relativeConsents.every((c) => codings(c.category).includes('http://loinc.org|59284-0'))).toBe(true);
  });

  it('references the ServiceRequest an intervention mirrors on the server that holds it, and describes it in full everywhere else', () => {
    const source = { system: 'region' as const, resourceType: 'ServiceRequest', id: 'sr-insulin', version: '2' };
    const regionPart = plan.parts[1]!;
    const withSources = {
      ...plan,
      parts: [
        plan.parts[0]!,
        {
          ...regionPart,
          content: {
            ...regionPart.content,
            interventions: [
              { ...regionPart.content.interventions![0]!, source },
              { id: 'int-r2', title: 'Fotvård', status: 'planned' as const, source: { system: 'region' as const, resourceType: 'CarePlan', id: 'cp-1#activity-0' } },
              { id: 'int-r3', title: 'Borttagen', status: 'decided' as const, source: { ...source, id: 'sr-gone' }, removedUpstream: true },
            ],
          },
        },
      ],
    };
    const forRegion = planToFhir(withSources, { ...publishContext, receiver: 'region' }).parts[1]!;
    expect(forRegion.activity![0]).toEqual({ id: 'int-r1', reference: { reference: 'ServiceRequest/sr-insulin', type: 'ServiceRequest', display: 'Hemsjukvård: insulin' } });
    expect(forRegion.activity!.slice(1).map((a) => [a.reference, a.detail?.code?.text])).toEqual([
      [undefined, 'Fotvård'],
      [undefined, 'Borttagen'],
    ]);
    expect(forRegion.text!.div).toContain('<li>Hemsjukvård: insulin</li>');
    for (const ctx of [{ ...publishContext, receiver: 'municipality' as const }, publishContext]) {
      const elsewhere = planToFhir(withSources, ctx).parts[1]!;
      expect(elsewhere.activity!.every((a) => a.reference === undefined && a.detail?.status)).toBe(true);
    }
    expect(publishIssues(forRegion)).toEqual([]);
  });

  it('leaves CarePlan.addresses out where no intervention names a Condition: the needs are the plan’s own words, published as notes', () => {
    expect([fhir.carePlan, ...fhir.parts, fhir.relatives].every((p) => p.addresses === undefined)).toBe(true);
    expect(fhir.carePlan.note?.[0]).toEqual({ text: 'Behov: Hjälp med personlig hygien' });
  });

  describe('CarePlan.addresses: the Conditions the interventions stem from, as the receiver can resolve them', () => {
    const regionPart = plan.parts[1]!;
    const municipalityPart = plan.parts[0]!;
    const diabetes = { system: 'region' as const, id: 'cond-diabetes', identifier: { system: 'urn:norrvik:region:condition', value: 'astrid-1' } };
    const fracture = { system: 'region' as const, id: 'cond-fracture' };
    const withReasons: typeof plan = {
      ...plan,
      parts: [
        {
          ...municipalityPart,
          content: {
            ...municipalityPart.content,
            // A municipal intervention hand-entered, naming the region's Condition as its reason too.
            interventions: [{ ...municipalityPart.content.interventions![0]!, addresses: [diabetes] }],
          },
        },
        {
          ...regionPart,
          content: {
            ...regionPart.content,
            interventions: [
              { ...regionPart.content.interventions![0]!, source: { system: 'region', resourceType: 'ServiceRequest', id: 'sr-insulin' }, addresses: [diabetes] },
              { id: 'int-r2', title: 'Fysioterapi', status: 'decided', source: { system: 'region', resourceType: 'ServiceRequest', id: 'sr-physio' }, addresses: [fracture, diabetes] },
            ],
          },
        },
      ],
    };
    const forRegion = planToFhir(withReasons, { ...publishContext, receiver: 'region' });
    const forMunicipality = planToFhir(withReasons, { ...publishContext, receiver: 'municipality' });

    it('references Condition/<id> to the upstream that holds it, each Condition once, on the SIP and on the part', () => {
      const expected = [
        { reference: 'Condition/cond-diabetes', type: 'Condition', identifier: diabetes.identifier },
        { reference: 'Condition/cond-fracture', type: 'Condition' },
      ];
      expect(forRegion.parts[1]!.addresses).toEqual(expected);
      expect(forRegion.carePlan.addresses).toEqual([expected[0], expected[1]]);
      // The municipality's part names only what its own intervention addresses.
      expect(forRegion.parts[0]!.addresses).toEqual([expected[0]]);
      expect(forRegion.relatives.addresses).toBeUndefined();
      for (const resource of [forRegion.carePlan, ...forRegion.parts]) expect(publishIssues(resource), resource.id).toEqual([]);
    });

    it('names a Condition by its identifier to the other side, and leaves out one without an identifier: never a reference that does not resolve', () => {
      expect(forMunicipality.carePlan.addresses).toEqual([{ type: 'Condition', identifier: diabetes.identifier }]);
      expect(forMunicipality.parts[1]!.addresses).toEqual([{ type: 'Condition', identifier: diabetes.identifier }]);
      expect(JSON.stringify(sipResourceList(forMunicipality))).not.toContain('Condition/');
      expect(JSON.stringify(sipResourceList(forMunicipality))).not.toContain('cond-fracture');
      // Our own FHIR face has no receiver: only logical references.
      const face = planToFhir(withReasons, publishContext);
      expect(face.carePlan.addresses).toEqual([{ type: 'Condition', identifier: diabetes.identifier }]);
      for (const resource of [forMunicipality.carePlan, ...forMunicipality.parts]) expect(publishIssues(resource), resource.id).toEqual([]);
    });

    it('references only the Conditions the receiver was found to hold, when the publisher looked', () => {
      const looked = planToFhir(withReasons, { ...publishContext, receiver: 'region', conditionsHeld: new Set(['Condition/cond-fracture']) });
      expect(looked.carePlan.addresses).toEqual([
        { type: 'Condition', identifier: diabetes.identifier },
        { reference: 'Condition/cond-fracture', type: 'Condition' },
      ]);
      const none = planToFhir(withReasons, { ...publishContext, receiver: 'region', conditionsHeld: new Set() });
      expect(none.parts[1]!.addresses).toEqual([{ type: 'Condition', identifier: diabetes.identifier }]);
    });

    it('gives an activity described in full its reasons as detail.reasonReference; one referencing the receiver’s own request carries none (the request holds them)', () => {
      expect(forRegion.parts[1]!.activity!.map((a) => [a.reference?.reference, a.detail?.reasonReference])).toEqual([
        ['ServiceRequest/sr-insulin', undefined],
        ['ServiceRequest/sr-physio', undefined],
      ]);
      expect(forRegion.parts[0]!.activity![0]!.detail!.reasonReference).toEqual([{ reference: 'Condition/cond-diabetes', type: 'Condition', identifier: diabetes.identifier }]);
      expect(forMunicipality.parts[1]!.activity!.map((a) => a.detail?.reasonReference)).toEqual([
        [{ type: 'Condition', identifier: diabetes.identifier }],
        [{ type: 'Condition', identifier: diabetes.identifier }],
      ]);
    });

    it('lists the Conditions in the narratives of the SIP and the part, and the reasons of each activity', () => {
      expect(forRegion.carePlan.text!.div).toContain(
        '<p><b>Tillstånd som planen avser</b></p><ul><li>Tillstånd Condition/cond-diabetes hos Region Norrvik</li><li>Tillstånd Condition/cond-fracture hos Region Norrvik</li></ul>',
      );
      expect(forRegion.parts[1]!.text!.div).toContain('<p><b>Tillstånd som insatserna avser</b></p>');
      expect(forMunicipality.parts[1]!.text!.div).toContain('<li>Tillstånd hos Region Norrvik, identifierare astrid-1 (urn:norrvik:region:condition)</li>');
      expect(forMunicipality.parts[1]!.text!.div).toContain('<li>Fysioterapi; beslutad; avser tillstånd astrid-1</li>');
      expect(forMunicipality.parts[1]!.text!.div).not.toContain('cond-fracture');
      expect(fhir.carePlan.text!.div).not.toContain('Tillstånd som');
    });
  });
});
