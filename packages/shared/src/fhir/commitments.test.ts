import type { BundleEntry, Consent, Task } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitmentKindSchema, type Commitment, type CommitmentEvent, type PlanView } from '../plan.ts';
import { ConsentCoding, RelativeConsentCategory, SipExtension, SipIdentifierSystem } from './codesystems.ts';
import { fullPlan, publishContext, fixtureSystems } from './fixture.ts';
import { commitmentKindOfTask, identifierKey, planToFhir, sipResourceList } from './plan-to-fhir.ts';
import { sipSystems } from './systems.ts';
import { buildPublishBundle, publishTargets, sipIdentifierOf, type ExistingResources } from './publish-bundle.ts';
import { stableUuid } from './stable-uuid.ts';

type Relative = PlanView['relativesSection']['relatives'][number];

const staff = (at: string, status: CommitmentEvent['status'], extra: Partial<CommitmentEvent> = {}): CommitmentEvent => ({ at, status, by: 'staff', ...extra });
const own = (at: string, status: CommitmentEvent['status'], extra: Partial<CommitmentEvent> = {}): CommitmentEvent => ({ at, status, by: 'relative', ...extra });

const commitment = (id: string, history: CommitmentEvent[], extra: Partial<Commitment> = {}): Commitment => ({
  id,
  what: `Åtagande ${id}`,
  howOften: 'En gång i veckan',
  from: '2026-12-01',
  reviewDate: '2027-06-01',
  history,
  ...extra,
});

const requested = staff('2026-11-20T10:00:00.000Z', 'requested');

/** One commitment in each end state its history can have. */
const commitments = {
  requested: commitment('c-requested', [requested], { until: '2027-12-31' }),
  accepted: commitment('c-accepted', [requested, own('2026-11-21T08:00:00.000Z', 'accepted')]),
  declined: commitment('c-declined', [requested, own('2026-11-21T09:00:00.000Z', 'declined', { comment: 'Hinner inte' })]),
  withdrawn: commitment('c-withdrawn', [requested, own('2026-11-21T08:00:00.000Z', 'accepted'), own('2027-01-10T12:00:00.000Z', 'withdrawn')]),
  cancelled: commitment('c-cancelled', [requested, staff('2026-11-22T10:00:00.000Z', 'cancelled')]),
  reconfirmed: commitment('c-reconfirmed', [
    requested,
    own('2026-11-21T08:00:00.000Z', 'accepted'),
    own('2027-05-25T09:00:00.000Z', 'reconfirmed', { reviewDate: '2027-11-23' }),
  ]),
};

const maria: Relative = {
  id: 'rel-maria',
  name: 'Maria Nilsson',
  personId: '196807059826',
  relationship: { code: 'DAU', text: 'dotter' },
  child: false,
  sharesHome: false,
  commitments: Object.values(commitments),
};
const bengt: Relative = {
  id: 'rel-bengt',
  name: 'Bengt Nilsson',
  relationship: { code: 'HUSB', text: 'make' },
  child: false,
  sharesHome: true,
  homeConsent: { consent: true, at: '2026-11-23T10:00:00.000Z', history: [{ consent: true, at: '2026-11-23T10:00:00.000Z' }] },
};
const refusing: Relative = {
  id: 'rel-nils',
  name: 'Nils Nilsson',
  relationship: { text: 'bror' },
  child: false,
  sharesHome: true,
  homeConsent: {
    consent: false,
    at: '2026-11-24T10:00:00.000Z',
    history: [
      { consent: true, at: '2026-11-23T10:00:00.000Z' },
      { consent: false, at: '2026-11-24T10:00:00.000Z' },
    ],
  },
};
const gone: Relative = {
  id: 'rel-gone',
  name: 'Gunnar Nilsson',
  relationship: { text: 'bror' },
  child: false,
  sharesHome: true,
  removedUpstream: true,
  commitments: [commitment('c-gone', [requested, own('2026-11-21T08:00:00.000Z', 'accepted')])],
  homeConsent: { consent: true, at: '2026-11-23T10:00:00.000Z', history: [{ consent: true, at: '2026-11-23T10:00:00.000Z' }] },
};

const base = fullPlan();
const plan = fullPlan({ relativesSection: { ...base.relativesSection, relatives: [maria, bengt, refusing, gone] } });
const fhir = planToFhir(plan, publishContext);
const relatedPersonOf = (relativeId: string) =>
  fhir.relatedPersons.find((p) => p.identifier?.some((i) => i.system === fixtureSystems.url(SipIdentifierSystem.relative) && i.value === `${plan.id}/${relativeId}`))!;
const taskOf = (id: string) => fhir.tasks.find((t) => t.identifier?.[0]?.value === `${plan.id}/${id}`);
const consentOf = (system: string, id: string) =>
  fhir.relativeConsents.find((c) => c.identifier?.[0]?.system === system && c.identifier[0].value === `${plan.id}/${id}`);

describe("a relative's commitments as FHIR R4", () => {
  it('lists every commitment Task as an activity of the relatives section, by reference only (cpl-3)', () => {
    expect(fhir.relatives.activity).toEqual(
      fhir.tasks.map((task) => ({ reference: { reference: `Task/${task.id}`, type: 'Task', display: task.description } })),
    );
    expect(fhir.tasks.length).toBeGreaterThan(0);
  });

  it('maps each commitment to a Task: our identifier, a proposal for the individual, owned by the RelatedPerson, based on the relatives section and the SIP', () => {
    const task = taskOf('c-requested')!;
    const identifier = { system: 'https://sip.example/fhir/NamingSystem/commitment', value: `${plan.id}/c-requested` };
    // The id derives from the identifier by its local name: the same whatever base the systems are published under.
    const local = { system: 'urn:sip-broker:commitment', value: identifier.value };
    expect(task).toEqual<Task>({
      resourceType: 'Task',
      id: stableUuid(`Task|${identifierKey(local)}`),
      text: { status: 'generated', div: expect.stringContaining('<p><b>Åtagande:</b> Åtagande c-requested</p>') },
      extension: [{ url: 'https://sip.example/fhir/StructureDefinition/review-date', valueDate: '2027-06-01' }],
      identifier: [identifier],
      basedOn: [{ reference: `CarePlan/${plan.relativesSection.id}` }, { reference: `CarePlan/${plan.id}` }],
      status: 'requested',
      intent: 'proposal',
      code: { coding: [{ system: 'https://sip.example/fhir/CodeSystem/task-kind', code: 'relative-commitment', display: 'Anhörigs frivilliga åtagande' }] },
      description: 'Åtagande c-requested',
      for: { reference: 'Patient/astrid-in-region', type: 'Patient' },
      executionPeriod: { start: '2026-12-01', end: '2027-12-31' },
      authoredOn: '2026-11-20T10:00:00.000Z',
      lastModified: '2026-11-20T10:00:00.000Z',
      owner: { reference: `RelatedPerson/${relatedPersonOf('rel-maria').id}` },
      note: [{ text: 'En gång i veckan' }],
    });
  });

  it('carries the kind of a commitment as a coding of our commitment-kind code system, and reads it back as it was, under any base published (property)', () => {
    const task = planToFhir(
      fullPlan({ relativesSection: { ...base.relativesSection, relatives: [{ ...maria, commitments: [{ ...commitments.requested, kind: 'accompanying' }] }] } }),
      publishContext,
    ).tasks[0]!;
    expect(task.extension).toContainEqual({
      url: 'https://sip.example/fhir/StructureDefinition/commitment-kind',
      valueCoding: { system: 'https://sip.example/fhir/CodeSystem/commitment-kind', code: 'accompanying', display: 'Ledsagning och resor' },
    });
    expect(task.text?.div).toContain('<p><b>Typ av åtagande:</b> Ledsagning och resor</p>');
    // Without a kind, no extension: nothing is made up.
    expect(taskOf('c-requested')!.extension?.map((e) => e.url)).toEqual([fixtureSystems.url(SipExtension.reviewDate)]);
    expect(commitmentKindOfTask(taskOf('c-requested')!, fixtureSystems)).toBeUndefined();
    // A deployment that moved to another base still reads what it published under the first.
    const moved = sipSystems('https://other.example/fhir', [fixtureSystems.base]);
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...commitmentKindSchema.options), { nil: undefined }), (kind) => {
        const withKind = { ...commitments.accepted, ...(kind ? { kind } : {}) };
        const published = planToFhir(fullPlan({ relativesSection: { ...base.relativesSection, relatives: [{ ...maria, commitments: [withKind] }] } }), publishContext).tasks[0]!;
        expect(commitmentKindOfTask(published, fixtureSystems)).toBe(kind);
        expect(commitmentKindOfTask(published, moved)).toBe(kind);
        expect(commitmentKindOfTask(moved.publish(published), moved)).toBe(kind);
      }),
    );
  });

  it.each([
    ['c-requested', 'requested'],
    ['c-accepted', 'accepted'],
    ['c-declined', 'rejected'],
    ['c-withdrawn', 'cancelled'],
    ['c-cancelled', 'cancelled'],
    ['c-reconfirmed', 'accepted'],
  ])('gives the Task of commitment %s the status %s', (id, status) => {
    expect(taskOf(id)?.status).toBe(status);
  });

  it('stamps the Task with its last event, and the review date in force (a reconfirmation’s, else the one proposed)', () => {
    expect(taskOf('c-withdrawn')!.lastModified).toBe('2027-01-10T12:00:00.000Z');
    expect(taskOf('c-reconfirmed')!.extension).toEqual([{ url: fixtureSystems.url(SipExtension.reviewDate), valueDate: '2027-11-23' }]);
    expect(taskOf('c-accepted')!.extension).toEqual([{ url: fixtureSystems.url(SipExtension.reviewDate), valueDate: '2027-06-01' }]);
    expect(taskOf('c-accepted')!.executionPeriod).toEqual({ start: '2026-12-01' });
    expect(taskOf('c-reconfirmed')!.text!.div).toContain('<p><b>Omprövas senast:</b> 2027-11-23</p>');
  });

  it.each([
    ['c-accepted', 'active', ConsentCoding.optIn.code, 'permit', '2026-11-21T08:00:00.000Z'],
    ['c-declined', 'rejected', ConsentCoding.optOut.code, 'deny', '2026-11-21T09:00:00.000Z'],
    ['c-withdrawn', 'inactive', ConsentCoding.optOut.code, 'deny', '2027-01-10T12:00:00.000Z'],
    ['c-reconfirmed', 'active', ConsentCoding.optIn.code, 'permit', '2027-05-25T09:00:00.000Z'],
  ])("maps the relative's answer to commitment %s to a Consent %s (%s, %s) dated by that answer", (id, status, rule, type, at) => {
    const consent = consentOf(fixtureSystems.url(SipIdentifierSystem.commitmentConsent), id)!;
    expect(consent).toMatchObject<Consent>({
      resourceType: 'Consent',
      identifier: [{ system: 'https://sip.example/fhir/NamingSystem/commitment-consent', value: `${plan.id}/${id}` }],
      status: status as Consent['status'],
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }] },
      category: [
        { coding: [{ system: 'https://sip.example/fhir/CodeSystem/consent-category', code: 'relative-commitment' }] },
        { coding: [{ system: 'http://loinc.org', code: '59284-0' }] },
      ],
      patient: { reference: 'Patient/astrid-in-region' },
      dateTime: at,
      performer: [{ reference: `RelatedPerson/${relatedPersonOf('rel-maria').id}` }],
      policy: [{ uri: 'https://sip.example/fhir/policy/relative-commitment' }],
      policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: rule }] },
      provision: { type: type as 'permit' | 'deny', data: [{ meaning: 'related', reference: { reference: `Task/${taskOf(id)!.id}` } }] },
    });
    expect(consent.text!.div).toContain(`<p><b>Anhörig:</b> Maria Nilsson (dotter)</p><p><b>Åtagande:</b> Åtagande ${id}</p>`);
  });

  it('ends the relative’s consent when staff cancel a commitment they accepted: inactive, their own answer still its date and source', () => {
    const cancelled = commitment('c-accepted-cancelled', [requested, own('2026-11-21T08:00:00.000Z', 'accepted'), staff('2026-12-02T10:00:00.000Z', 'cancelled')]);
    const mapped = planToFhir(fullPlan({ relativesSection: { ...base.relativesSection, relatives: [{ ...maria, commitments: [cancelled] }] } }), publishContext);
    expect(mapped.tasks.map((t) => t.status)).toEqual(['cancelled']);
    expect(mapped.relativeConsents).toHaveLength(1);
    expect(mapped.relativeConsents[0]).toMatchObject({
      status: 'inactive',
      dateTime: '2026-11-21T08:00:00.000Z',
      policyRule: { coding: [{ code: ConsentCoding.optOut.code }] },
      provision: { type: 'deny' },
      sourceAttachment: { title: 'Den anhöriges eget svar på åtagandet (åtar sig), lämnat via e-tjänsten', creation: '2026-11-21T08:00:00.000Z' },
    });
  });

  it('makes no Consent for a commitment the relative never answered, whether still requested or cancelled by staff', () => {
    expect(consentOf(fixtureSystems.url(SipIdentifierSystem.commitmentConsent), 'c-requested')).toBeUndefined();
    expect(consentOf(fixtureSystems.url(SipIdentifierSystem.commitmentConsent), 'c-cancelled')).toBeUndefined();
  });

  it('maps the home as a place of care to a Consent of its own category: active when given, rejected when refused', () => {
    expect(consentOf(fixtureSystems.url(SipIdentifierSystem.homeConsent), 'rel-bengt')).toMatchObject({
      identifier: [{ system: 'https://sip.example/fhir/NamingSystem/home-consent', value: `${plan.id}/rel-bengt` }],
      status: 'active',
      category: [{ coding: [fixtureSystems.publish(RelativeConsentCategory.homeAsPlaceOfCare)] }, { coding: [ConsentCoding.patientConsent] }],
      policy: [{ uri: 'https://sip.example/fhir/policy/home-as-place-of-care' }],
      dateTime: '2026-11-23T10:00:00.000Z',
      performer: [{ reference: `RelatedPerson/${relatedPersonOf('rel-bengt').id}` }],
      policyRule: { coding: [ConsentCoding.optIn] },
      provision: { type: 'permit' },
    });
    expect(consentOf(fixtureSystems.url(SipIdentifierSystem.homeConsent), 'rel-bengt')!.provision?.data).toBeUndefined();
    expect(consentOf(fixtureSystems.url(SipIdentifierSystem.homeConsent), 'rel-nils')).toMatchObject({
      status: 'rejected',
      dateTime: '2026-11-24T10:00:00.000Z',
      policyRule: { coding: [ConsentCoding.optOut] },
      provision: { type: 'deny' },
    });
  });

  it('leaves out the commitments and consents of relatives the upstreams no longer know', () => {
    expect(taskOf('c-gone')).toBeUndefined();
    expect(consentOf(fixtureSystems.url(SipIdentifierSystem.commitmentConsent), 'c-gone')).toBeUndefined();
    expect(consentOf(fixtureSystems.url(SipIdentifierSystem.homeConsent), 'rel-gone')).toBeUndefined();
    expect(fhir.tasks).toHaveLength(6);
    expect(fhir.relativeConsents).toHaveLength(6);
  });

  it('lists the Tasks and Consents in sipResourceList, after the relatives section, with stable distinct ids', () => {
    const list = sipResourceList(fhir);
    const attention = fhir.attentionTasks.length;
    expect(list.slice(-12 - attention, list.length - attention).map((r) => r.resourceType)).toEqual([...Array(6).fill('Task'), ...Array(6).fill('Consent')]);
    expect(list.slice(list.length - attention)).toEqual(fhir.attentionTasks);
    expect(new Set(list.map((r) => `${r.resourceType}/${r.id}`)).size).toBe(list.length);
    expect(planToFhir(plan, publishContext).tasks.map((t) => t.id)).toEqual(fhir.tasks.map((t) => t.id));
  });

  it('maps no Task or relative Consent for a plan without commitments or home consents', () => {
    const bare = planToFhir(base, publishContext);
    expect(bare.tasks).toEqual([]);
    expect(bare.relativeConsents).toEqual([]);
  });
});

describe("publishing a relative's commitments", () => {
  const entries = buildPublishBundle(plan, publishContext).entry!;
  const keyOf = (entry: BundleEntry) => identifierKey(sipIdentifierOf(entry.resource!, fixtureSystems)!);
  const entryOf = (list: BundleEntry[], system: string, value: string) =>
    list.find((e) => e.resource && sipIdentifierOf(e.resource, fixtureSystems) && keyOf(e) === `${system}|${value}`)!;

  it('lists every Task and relative Consent in publishTargets, with its type', () => {
    const carried = entries.filter((e) => e.resource?.resourceType !== 'Provenance');
    const targets = publishTargets(plan, fixtureSystems);
    expect(new Set(targets.map((t) => t.key))).toEqual(new Set(carried.map(keyOf)));
    expect(targets).toHaveLength(carried.length);
    const types = new Map(carried.map((e) => [keyOf(e), e.resource!.resourceType]));
    for (const target of targets) expect(types.get(target.key)).toBe(target.resourceType);
    expect(targets.filter((t) => t.identifier.system === fixtureSystems.url(SipIdentifierSystem.commitment))).toHaveLength(6);
    expect(targets.filter((t) => t.identifier.system === fixtureSystems.url(SipIdentifierSystem.attention))).toHaveLength(planToFhir(plan, publishContext).attentionTasks.length);
    expect(targets.filter((t) => t.resourceType === 'Consent').map((t) => t.identifier.system).sort()).toEqual(
      [fixtureSystems.url(SipIdentifierSystem.consent), ...Array(4).fill(fixtureSystems.url(SipIdentifierSystem.commitmentConsent)), ...Array(2).fill(fixtureSystems.url(SipIdentifierSystem.homeConsent))].sort(),
    );
  });

  it('creates them conditionally and rewrites owner, basedOn, performer and provision.data to the urn:uuids of the bundle', () => {
    const fullUrl = (system: string, value: string) => entryOf(entries, system, value).fullUrl;
    const task = entryOf(entries, fixtureSystems.url(SipIdentifierSystem.commitment), `${plan.id}/c-withdrawn`);
    expect(task.request).toEqual({ method: 'POST', url: 'Task', ifNoneExist: `identifier=https://sip.example/fhir/NamingSystem/commitment|${plan.id}/c-withdrawn` });
    expect((task.resource as Task).id).toBeUndefined();
    expect((task.resource as Task).owner).toEqual({ reference: fullUrl(fixtureSystems.url(SipIdentifierSystem.relative), `${plan.id}/rel-maria`) });
    expect((task.resource as Task).basedOn).toEqual([
      { reference: fullUrl(fixtureSystems.url(SipIdentifierSystem.planPart), plan.relativesSection.id) },
      { reference: fullUrl(fixtureSystems.url(SipIdentifierSystem.plan), plan.id) },
    ]);
    const consent = entryOf(entries, fixtureSystems.url(SipIdentifierSystem.commitmentConsent), `${plan.id}/c-withdrawn`);
    expect(consent.request?.ifNoneExist).toBe(`identifier=https://sip.example/fhir/NamingSystem/commitment-consent|${plan.id}/c-withdrawn`);
    expect((consent.resource as Consent).performer).toEqual([{ reference: fullUrl(fixtureSystems.url(SipIdentifierSystem.relative), `${plan.id}/rel-maria`) }]);
    expect((consent.resource as Consent).provision?.data).toEqual([{ meaning: 'related', reference: { reference: task.fullUrl } }]);
    const references = JSON.stringify(entries).match(/"reference":"[^"]+"/g) ?? [];
    const fullUrls = new Set(entries.map((e) => e.fullUrl));
    for (const ref of references) {
      const value = ref.slice('"reference":"'.length, -1);
      if (value.startsWith('urn:uuid:')) expect(fullUrls).toContain(value);
      else expect(value).toBe('Patient/astrid-in-region');
    }
  });

  it('updates the ones the server holds with If-Match, and references them by their ids there', () => {
    const targets = publishTargets(plan, fixtureSystems);
    const existing: ExistingResources = new Map(targets.map((t, i) => [t.key, { id: `srv-${i}`, versionId: '3' }]));
    const updated = buildPublishBundle(plan, publishContext, existing).entry!;
    const idOf = (system: string, value: string) => existing.get(`${system}|${value}`)!.id;
    const task = entryOf(updated, fixtureSystems.url(SipIdentifierSystem.commitment), `${plan.id}/c-accepted`);
    const taskId = idOf(fixtureSystems.url(SipIdentifierSystem.commitment), `${plan.id}/c-accepted`);
    expect(task.request).toEqual({ method: 'PUT', url: `Task/${taskId}`, ifMatch: 'W/"3"' });
    expect((task.resource as Task).owner).toEqual({ reference: `RelatedPerson/${idOf(fixtureSystems.url(SipIdentifierSystem.relative), `${plan.id}/rel-maria`)}` });
    expect((task.resource as Task).basedOn).toEqual([
      { reference: `CarePlan/${idOf(fixtureSystems.url(SipIdentifierSystem.planPart), plan.relativesSection.id)}` },
      { reference: `CarePlan/${idOf(fixtureSystems.url(SipIdentifierSystem.plan), plan.id)}` },
    ]);
    const consent = entryOf(updated, fixtureSystems.url(SipIdentifierSystem.commitmentConsent), `${plan.id}/c-accepted`);
    expect(consent.request).toMatchObject({ method: 'PUT', ifMatch: 'W/"3"' });
    expect((consent.resource as Consent).provision?.data?.[0]?.reference).toEqual({ reference: `Task/${taskId}` });
    const home = entryOf(updated, fixtureSystems.url(SipIdentifierSystem.homeConsent), `${plan.id}/rel-bengt`);
    expect((home.resource as Consent).performer).toEqual([{ reference: `RelatedPerson/${idOf(fixtureSystems.url(SipIdentifierSystem.relative), `${plan.id}/rel-bengt`)}` }]);
  });
});
