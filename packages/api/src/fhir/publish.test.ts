// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import {
  consentInput,
  describeEachDatabase,
  etagVersion,
  MARIA_RELATIVE,
  searchPeer,
  staffClient,
  type TestApp,
  usePeers,
  testSystems,
} from '../test-support/index.ts';
import type { Bundle, CarePlan, CareTeam, Consent, Goal, Resource } from '@medplum/fhirtypes';
import {
  buildPublishBundle,
  identifierQuery,
  patientIdentifierReference,
  planToFhir,
  publishTargets,
  sipResourceList,
  type ExistingResources,
  type PlanView,
  type PublishContext,
} from '@sip/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { buildFhirTestApp, createFullPlan } from './test-support.ts';
import { FhirValidationError, validateBundle, validateForPublish } from './validate.ts';

const peers = usePeers({ seed: false });

type Client = Awaited<ReturnType<typeof staffClient>>;

const FHIR_JSON = 'application/fhir+json';

async function fhir<T = Bundle>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${peers.urls.region}/${path}`, {
    method: init.method ?? 'GET',
    headers: { accept: FHIR_JSON, ...(init.body ? { 'content-type': FHIR_JSON } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function searchAll<T extends Resource>(query: string): Promise<T[]> {
  const { status, body } = await fhir(`${query}${query.includes('?') ? '&' : '?'}_count=1000`);
  expect(status).toBe(200);
  return (body.entry ?? []).map((e) => e.resource as T);
}

/** What the region peer holds of our identifiers: for `existing`. */
async function lookUp(plan: PlanView): Promise<ExistingResources> {
  const found = new Map<string, { id: string; versionId: string }>();
  for (const target of publishTargets(plan, testSystems)) {
    const [resource] = await searchAll(`${target.resourceType}?${identifierQuery(target.identifier)}`);
    if (resource) found.set(target.key, { id: resource.id!, versionId: resource.meta!.versionId! });
  }
  return found;
}

function context(plan: PlanView, patientId: string, userId = 'SE2321000099-7P01'): PublishContext {
  return {
    patient: { reference: `Patient/${patientId}` },
    systems: testSystems,
    change: { revision: plan.revision, changedAt: plan.updatedAt, userId, organisationId: 'SE2321000099-7RG1' },
  };
}

describeEachDatabase('publishing a SIP as FHIR R4', (ctx) => {
  let t: TestApp;
  let regionCoordinator: Client;
  let physician: Client;
  let homecare: Client;
  let plan: PlanView;

  beforeAll(async () => {
    t = await buildFhirTestApp({ database: ctx.database, peers: peers.urls });
    regionCoordinator = await staffClient(t, 'region-coordinator');
    physician = await staffClient(t, 'region-physician');
    homecare = await staffClient(t, 'municipality-homecare');
    plan = await createFullPlan({ regionCoordinator, physician, homecare });
  });

  describe('validation', () => {
    it('passes every resource of a full plan made through the API, and its transaction bundle', () => {
      const resources = planToFhir(plan, context(plan, 'p-1'));
      const all = [...sipResourceList(resources), resources.provenance!];
      expect(all.map((r) => r.resourceType).sort()).toEqual(
        ['CarePlan', 'CarePlan', 'CarePlan', 'CarePlan', 'CareTeam', 'Consent', 'Goal', 'Goal', 'Goal', 'Goal', 'Provenance'].sort(),
      );
      for (const resource of all) expect(() => validateForPublish(resource, testSystems)).not.toThrow();
      expect(() => validateBundle(buildPublishBundle(plan, context(plan, 'p-1')), testSystems)).not.toThrow();
      const existing: ExistingResources = new Map(publishTargets(plan, testSystems).map((target, i) => [target.key, { id: `id-${i}`, versionId: '1' }]));
      expect(() => validateBundle(buildPublishBundle(plan, context(plan, 'p-1'), existing), testSystems)).not.toThrow();
      const byIdentifier = planToFhir(plan, { systems: testSystems, patient: patientIdentifierReference(plan) });
      for (const resource of sipResourceList(byIdentifier)) expect(() => validateForPublish(resource, testSystems)).not.toThrow();
    });

    it('rejects a resource that breaks R4 (Medplum) or our own rules, listing every issue', () => {
      const resources = planToFhir(plan, context(plan, 'p-1'));
      const broken = { ...resources.carePlan, status: undefined, category: [{ text: 'SIP' }], identifier: [{ system: 'urn:other', value: '1' }], unknownField: true } as unknown as CarePlan;
      let error: unknown;
      try {
        validateForPublish(broken, testSystems);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FhirValidationError);
      const issues = (error as FhirValidationError).issues;
      expect(issues).toEqual(
        expect.arrayContaining([
          { path: 'CarePlan.status', message: 'Missing required property' },
          { path: 'CarePlan.unknownField', message: expect.stringContaining('unknownField') },
          { path: 'CarePlan.category', message: expect.stringContaining('https://sip.example/fhir/CodeSystem/plan-category|sip') },
          { path: 'CarePlan.identifier', message: expect.stringContaining('https://sip.example/fhir/NamingSystem/plan') },
        ]),
      );
      expect((error as Error).message).toMatch(/^CarePlan\/[0-9a-f-]+ failed validation \(\d+ issues\):\n- CarePlan\.status/);
    });

    it('rejects a Consent, Goal or sub-CarePlan that lacks what the SIP needs, though R4 allows it', () => {
      const resources = planToFhir(plan, context(plan, 'p-1'));
      const consent: Consent = { ...resources.consent!, scope: { text: 'privacy' }, category: [{ text: 'consent' }], provision: { ...resources.consent!.provision, purpose: [] } };
      expect(() => validateForPublish(consent, testSystems)).toThrow(/Consent\.scope: needs the coding http:\/\/terminology\.hl7\.org\/CodeSystem\/consentscope\|patient-privacy/);
      expect(() => validateForPublish(consent, testSystems)).toThrow(/Consent\.category: needs the coding http:\/\/loinc\.org\|59284-0/);
      const goal: Goal = { ...resources.goals[0]!, description: {}, identifier: [] };
      expect(() => validateForPublish(goal, testSystems)).toThrow(/Goal\.description: [\s\S]*Goal\.identifier: needs an identifier with system https:\/\/sip\.example\/fhir\/NamingSystem\/goal/);
      const stateless = { ...resources.goals[0]!, lifecycleStatus: undefined } as unknown as Goal;
      expect(() => validateForPublish(stateless, testSystems)).toThrow(/Goal\.lifecycleStatus/);
      const orphan: CarePlan = { ...resources.parts[0]!, partOf: undefined };
      expect(() => validateForPublish(orphan, testSystems)).toThrow(/CarePlan\.partOf: a CarePlan of category sip-part must be partOf the SIP/);
      const careTeam: CareTeam = { ...resources.careTeam, identifier: undefined };
      expect(() => validateForPublish(careTeam, testSystems)).toThrow(/CareTeam\.identifier/);
      expect(() => validateForPublish({ resourceType: 'Patient' }, testSystems)).toThrow(/Patient is not a resource type the SIP is published as/);
    });

    it('rejects a Consent without its source, a relative’s Consent without LOINC’s Patient Consent, and addresses that are no Condition', () => {
      const resources = planToFhir(plan, context(plan, 'p-1'));
      expect(resources.consent!.sourceAttachment).toMatchObject({ title: expect.stringContaining('samtycke'), creation: plan.consent!.recordedAt });
      const { sourceAttachment: _source, ...sourceless } = resources.consent!;
      expect(() => validateForPublish(sourceless, testSystems)).toThrow(/Consent\.source\[x\]: is required: sourceAttachment or sourceReference/);
      expect(() => validateForPublish({ ...resources.consent!, sourceAttachment: { title: 'Samtycke' } }, testSystems)).toThrow(/Consent\.sourceAttachment: names what the consent came from and when/);
      const answeredAt = '2026-11-23T10:00:00.000Z';
      const bengt = { id: 'rel-b', name: 'Bengt Nilsson', relationship: { code: 'HUSB', text: 'make' }, child: false, sharesHome: true };
      const homeConsent = { consent: true, at: answeredAt, history: [{ consent: true, at: answeredAt }] };
      const withAnswer: PlanView = { ...plan, relativesSection: { ...plan.relativesSection, relatives: [{ ...bengt, homeConsent }] } };
      const withRelatives = planToFhir(withAnswer, context(plan, 'p-1'));
      const relativeConsent = withRelatives.relativeConsents[0]!;
      expect(() => validateForPublish(relativeConsent, testSystems)).not.toThrow();
      expect(() => validateForPublish({ ...relativeConsent, category: [relativeConsent.category![0]!] }, testSystems)).toThrow(/Consent\.category: needs the coding http:\/\/loinc\.org\|59284-0 beside ours/);
      expect(() => validateForPublish({ ...relativeConsent, sourceAttachment: { title: 'Svar', creation: '2020-01-01T00:00:00Z' } }, testSystems)).toThrow(
        /Consent\.sourceAttachment\.creation: is the time of the relative’s own answer/,
      );
      const sip = resources.carePlan;
      expect(() => validateForPublish({ ...sip, addresses: [{ reference: 'Condition/cond-1', type: 'Condition' }, { type: 'Condition', identifier: { system: 'urn:x', value: '1' } }] }, testSystems)).not.toThrow();
      expect(() => validateForPublish({ ...sip, addresses: [{ reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' }] }, testSystems)).toThrow(/CarePlan\.addresses\[0\]: urn:uuid:[0-9a-f-]+ is not a Condition the receiver holds/);
      expect(() => validateForPublish({ ...sip, addresses: [{ reference: 'Observation/o-1' }] }, testSystems)).toThrow(/CarePlan\.addresses\[0\]: Observation\/o-1 is not a Condition/);
      expect(() => validateForPublish({ ...sip, addresses: [{ display: 'Diabetes' }] }, testSystems)).toThrow(/CarePlan\.addresses\[0\]: a Condition is referenced as Condition\/<id>, or by type Condition/);
      const part = resources.parts[0]!;
      const described = part.activity!.findIndex((a) => a.detail);
      const activity = structuredClone(part.activity!);
      activity[described]!.detail!.reasonReference = [{ display: 'Diabetes' }];
      expect(() => validateForPublish({ ...part, activity }, testSystems)).toThrow(new RegExp(`CarePlan\\.activity\\[${described}\\]\\.detail\\.reasonReference\\[0\\]: a Condition is referenced`));
    });

    it('rejects a bundle whose urn:uuid references resolve to no entry, or whose updates carry no If-Match', () => {
      const bundle = buildPublishBundle(plan, context(plan, 'p-1'));
      const dangling = structuredClone(bundle);
      dangling.entry![0]!.fullUrl = 'urn:uuid:00000000-0000-4000-8000-000000000000';
      expect(() => validateBundle(dangling, testSystems)).toThrow(/Bundle\.entry\[\d+\]\.resource\.partOf\[0\]\.reference: urn:uuid:[0-9a-f-]+ is the fullUrl of no entry in the bundle/);
      const existing: ExistingResources = new Map([[publishTargets(plan, testSystems)[0]!.key, { id: 'x', versionId: '1' }]]);
      const unguarded = buildPublishBundle(plan, context(plan, 'p-1'), existing);
      delete unguarded.entry![0]!.request!.ifMatch;
      unguarded.entry![1]!.request!.ifNoneExist = undefined;
      expect(() => validateBundle(unguarded, testSystems)).toThrow(/entry\[0\]\.request\.ifMatch[\s\S]*entry\[1\]\.request\.ifNoneExist/);
      const doubled = structuredClone(bundle);
      doubled.entry!.push(structuredClone(doubled.entry![3]!));
      expect(() => validateBundle(doubled, testSystems)).toThrow(/is also the (fullUrl|identifier) of entry 3/);
    });
  });

  describe('on a real FHIR server (the region peer)', () => {
    let patientId: string;
    let firstExisting: ExistingResources;

    beforeAll(async () => {
      const { status, body } = await fhir<Resource>('Patient', {
        method: 'POST',
        body: { resourceType: 'Patient', identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: plan.individual.personId }] },
      });
      expect(status).toBe(201);
      patientId = body.id!;
    });

    it('accepts the transaction, and holds the SIP as the plan says', async () => {
      const bundle = buildPublishBundle(plan, context(plan, patientId));
      validateBundle(bundle, testSystems);
      const { status, body } = await fhir('', { method: 'POST', body: bundle });
      expect(status).toBe(200);
      expect(body.type).toBe('transaction-response');
      expect(body.entry?.map((e) => e.response?.status)).toEqual(bundle.entry!.map(() => '201 Created'));

      const [sip, ...more] = await searchAll<CarePlan>(`CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      expect(more).toEqual([]);
      expect(sip).toMatchObject({
        status: 'active',
        intent: 'plan',
        title: plan.fields.title,
        subject: { reference: `Patient/${patientId}` },
        category: [{ coding: [{ code: 'sip' }] }, { coding: [{ system: 'http://snomed.info/sct', code: '734163000' }] }],
        author: { identifier: { value: 'SE2120000099-7KM1' } },
        meta: { versionId: '1' },
      });
      expect(sip!.contributor?.map((c) => c.identifier?.value).sort()).toEqual(['SE2120000099-7KM1', 'SE2321000099-7RG1']);

      const subPlans = await searchAll<CarePlan>(`CarePlan?part-of=CarePlan/${sip!.id}`);
      expect(subPlans.map((p) => p.identifier?.[0]?.value).sort()).toEqual([...plan.parts.map((p) => p.id), plan.relativesSection.id].sort());
      for (const part of plan.parts) {
        const mapped = subPlans.find((p) => p.identifier?.[0]?.value === part.id)!;
        expect(mapped.activity?.map((a) => a.detail?.code?.text)).toEqual(part.content.interventions?.map((i) => i.title));
        const goals = await Promise.all((mapped.goal ?? []).map(async (ref) => (await fhir<Goal>(ref.reference!)).body));
        expect(goals.map((g) => g.description.text)).toEqual(part.content.goals?.map((g) => g.text));
      }
      const sipGoals = await Promise.all((sip!.goal ?? []).map(async (ref) => (await fhir<Goal>(ref.reference!)).body));
      expect(sipGoals.map((g) => [g.description.text, g.expressedBy?.reference])).toEqual(
        plan.fields.individualGoals!.map((g) => [g.text, `Patient/${patientId}`]),
      );
      const careTeam = (await fhir<CareTeam>(sip!.careTeam![0]!.reference!)).body;
      expect(careTeam.identifier?.[0]).toEqual({ system: 'https://sip.example/fhir/NamingSystem/careteam', value: plan.id });
      const consent = (await fhir<Consent>(sip!.supportingInfo![0]!.reference!)).body;
      expect(consent).toMatchObject({ status: 'active', patient: { reference: `Patient/${patientId}` } });
      const provenances = await searchAll(`Provenance?target=CarePlan/${sip!.id}`);
      expect(provenances).toHaveLength(1);
    });

    it('matches every conditional create when the same bundle comes again: no duplicates, not even of the Provenance', async () => {
      const before = { carePlans: (await searchAll('CarePlan')).length, goals: (await searchAll('Goal')).length };
      const { status, body } = await fhir('', { method: 'POST', body: buildPublishBundle(plan, context(plan, patientId)) });
      expect(status).toBe(200);
      expect(body.entry?.every((e) => e.response?.status === '200 OK')).toBe(true);
      expect((await searchAll('CarePlan')).length).toBe(before.carePlans);
      expect((await searchAll('Goal')).length).toBe(before.goals);
      expect(await searchAll(`CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`)).toHaveLength(1);
      const [sip] = await searchAll<CarePlan>(`CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      expect(await searchAll(`Provenance?target=CarePlan/${sip!.id}`)).toHaveLength(1);
    });

    it('updates in place with PUT and If-Match once the caller knows what the server holds', async () => {
      firstExisting = await lookUp(plan);
      expect(firstExisting.size).toBe(publishTargets(plan, testSystems).length);
      const res = await regionCoordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'SIP för Astrid, reviderad' } });
      expect(res.status).toBe(200);
      const changed = (await res.json()) as PlanView;

      const bundle = buildPublishBundle(changed, context(changed, patientId), firstExisting);
      validateBundle(bundle, testSystems);
      expect(bundle.entry!.slice(0, -1).every((e) => e.request?.method === 'PUT' && e.request.ifMatch === 'W/"1"')).toBe(true);
      const { status, body } = await fhir('', { method: 'POST', body: bundle });
      expect(status).toBe(200);
      expect(body.entry?.slice(0, -1).every((e) => e.response?.status === '200 OK' && e.response.etag === 'W/"2"')).toBe(true);

      const sipKey = publishTargets(changed, testSystems)[0]!.key;
      const [sip, ...more] = await searchAll<CarePlan>(`CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      expect(more).toEqual([]);
      expect(sip).toMatchObject({ id: firstExisting.get(sipKey)!.id, title: 'SIP för Astrid, reviderad', meta: { versionId: '2' } });
      const subPlans = await searchAll<CarePlan>(`CarePlan?part-of=CarePlan/${sip!.id}`);
      expect(subPlans).toHaveLength(3);
      expect(subPlans.every((p) => p.title?.endsWith('SIP för Astrid, reviderad'))).toBe(true);
      plan = changed;
    });

    it('answers a stale If-Match with 412 and applies nothing of the transaction', async () => {
      const current = await lookUp(plan);
      const res = await regionCoordinator.request(`/api/plans/${plan.id}`, {
        method: 'PATCH',
        ifMatch: plan.version,
        body: { title: 'Ska inte synas', individualGoals: [...plan.fields.individualGoals!, { text: 'Ett nytt mål' }] },
      });
      expect(res.status).toBe(200);
      const changed = (await res.json()) as PlanView;
      const newGoal = publishTargets(changed, testSystems).find((t) => t.resourceType === 'Goal' && !current.has(t.key))!;
      expect(newGoal).toBeDefined();

      const { status, body } = await fhir<{ resourceType: string }>('', { method: 'POST', body: buildPublishBundle(changed, context(changed, patientId), firstExisting) });
      expect(status).toBe(412);
      expect(body.resourceType).toBe('OperationOutcome');

      const [sip] = await searchAll<CarePlan>(`CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      expect(sip).toMatchObject({ title: 'SIP för Astrid, reviderad', meta: { versionId: '2' } });
      expect(await searchAll(`Goal?${identifierQuery(newGoal.identifier)}`)).toEqual([]);
      expect(await lookUp(plan)).toEqual(current);
      expect(await searchAll(`Provenance?target=CarePlan/${sip!.id}`)).toHaveLength(2);
    });
  });
});

describeEachDatabase('publishing only as far as the individual’s consent lets the plan reach', (ctx) => {
  let t: TestApp;
  let coordinator: Client;

  beforeAll(async () => {
    t = await buildFhirTestApp({ database: ctx.database, peers: peers.urls });
    coordinator = await staffClient(t, 'region-coordinator');
    // Both records know the individuals: the broker never creates a Patient, it publishes only where one is known.
    for (const peer of [peers.region, peers.municipality]) {
      await peer.seed(
        ['195202149836', '194003019801'].map((value) => ({
          resourceType: 'Patient' as const,
          identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value }],
        })),
      );
    }
  });

  const sipOn = (side: 'region' | 'municipality', planId: string) => searchPeer<CarePlan>(peers.urls[side], `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`);
  const partOn = (side: 'region' | 'municipality', partId: string) => searchPeer<CarePlan>(peers.urls[side], `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan-part|${partId}`);

  async function outboxOf(planId: string) {
    return rowsOf<{ side: string; revision: number; delivered_at: unknown; outcome: string | null }>(
      await ctx.database.db.execute(sql`select side, revision, delivered_at, outcome from outbox where plan_id = ${planId} order by id`),
    );
  }

  async function ok<T>(res: Response): Promise<T> {
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as T;
  }

  const recordConsent = async (plan: PlanView, consent: Parameters<typeof consentInput>[0] = {}) =>
    ok<PlanView>(await coordinator.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: plan.version, body: consentInput(consent) }));

  it('publishes to the initiator’s upstream only before consent, to both after it, and after withdrawal to the initiator’s only', async () => {
    // Before consent: the region, which drew the plan up, holds it; the municipality is sent nothing.
    let plan = await coordinator.createPlan({ individual: { personId: '195202149836', name: 'Karl Johansson' }, title: 'SIP för Karl' });
    plan = await ok<PlanView>(await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'SIP för Karl, utkast' } }));
    let asked = peers.municipality.requestCount;
    await t.outbox.drain();
    expect(peers.municipality.requestCount).toBe(asked);
    expect((await sipOn('region', plan.id)).map((sip) => sip.title)).toEqual(['SIP för Karl, utkast']);
    expect(await sipOn('municipality', plan.id)).toEqual([]);
    // The newest revision delivered; the older ones superseded by it (each with its Provenance).
    expect((await outboxOf(plan.id)).map((r) => [r.side, r.outcome])).toEqual(
      Array.from({ length: plan.revision }, (_, i) => ['region', i + 1 === plan.revision ? 'delivered' : 'superseded']),
    );

    // With the individual's consent naming both: published to both.
    plan = await recordConsent(plan);
    await t.outbox.drain();
    const [municipalitySip, ...more] = await sipOn('municipality', plan.id);
    expect(more).toEqual([]);
    expect(municipalitySip).toMatchObject({ title: 'SIP för Karl, utkast', status: 'draft' });
    const [municipalityConsent] = await searchPeer<Consent>(peers.urls.municipality, `Consent?identifier=https://sip.example/fhir/NamingSystem/consent|${plan.id}`);
    expect(municipalityConsent?.status).toBe('active');

    // A change queued for both sides, then the withdrawal, before anything is delivered.
    plan = await ok<PlanView>(await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'SIP för Karl, ändrad' } }));
    const queuedBefore = plan.revision;
    expect((await outboxOf(plan.id)).filter((r) => r.revision === queuedBefore).map((r) => [r.side, r.delivered_at])).toEqual([
      ['region', null],
      ['municipality', null],
    ]);
    plan = await recordConsent(plan, { revokedAt: new Date().toISOString() });
    expect(plan.status).toBe('consent_withdrawn');
    // A further change after the withdrawal.
    plan = await ok<PlanView>(await coordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: plan.version, body: { status: 'draft' } }));

    asked = peers.municipality.requestCount;
    await t.outbox.drain();
    expect(peers.municipality.requestCount, 'nothing is sent to the municipality').toBe(asked);
    const rows = await outboxOf(plan.id);
    expect(rows.every((r) => r.delivered_at !== null)).toBe(true);
    expect(rows.filter((r) => r.revision === queuedBefore).map((r) => [r.side, r.outcome])).toEqual([
      ['region', 'superseded'],
      ['municipality', 'withheld'],
    ]);
    expect(rows.filter((r) => r.revision > queuedBefore).map((r) => [r.side, r.revision, r.outcome])).toEqual([
      ['region', queuedBefore + 1, 'superseded'],
      ['region', queuedBefore + 2, 'delivered'],
    ]);
    expect(await sipOn('municipality', plan.id)).toEqual([municipalitySip]);
    expect((await sipOn('region', plan.id)).map((sip) => [sip.title, sip.status])).toEqual([['SIP för Karl, ändrad', 'draft']]);
    const [regionConsent] = await searchPeer<Consent>(peers.urls.region, `Consent?identifier=https://sip.example/fhir/NamingSystem/consent|${plan.id}`);
    expect(regionConsent?.status).toBe('inactive');
  });

  it('keeps the region’s interventions from the municipality’s upstream, staff and every relative when the consent covers social interventions only', async () => {
    const physician = await staffClient(t, 'region-physician');
    const homecare = await staffClient(t, 'municipality-homecare');
    const regionInterventions = [
      { title: 'Hemsjukvård: insulin', status: 'decided' as const },
      { title: 'Läkemedelsgenomgång', status: 'planned' as const },
    ];
    const municipalityInterventions = [{ title: 'Hemtjänst: dusch', status: 'planned' as const }];
    const relatives = [
      { persona: 'maria', body: MARIA_RELATIVE },
      { persona: 'bengt', body: { name: 'Bengt Nilsson', relationship: { code: 'HUSB', text: 'make' }, personId: '193805129818', child: false, sharesHome: true } },
      { persona: 'elsa', body: { name: 'Elsa Nilsson', relationship: { code: 'GRNDDAU', text: 'barnbarn' }, personId: '201209019841', child: true, sharesHome: false } },
    ];
    // The relatives may see interventions as far as the individual lets them: all of them, were it up to the relatives' own sharing.
    const sharing = {
      categories: ['goals', 'interventions', 'contacts'],
      form: 'written',
      recordedAt: '2026-11-20T10:00:00+01:00',
      recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
    };

    let plan = await coordinator.createPlan({ individual: { personId: '194003019801', name: 'Astrid Nilsson' } });
    const sectionVersion = async () => etagVersion(await coordinator.request(`/api/plans/${plan.id}/relatives`));
    for (const relative of relatives) {
      const { id } = await ok<{ id: string }>(
        await coordinator.request(`/api/plans/${plan.id}/relatives`, { method: 'POST', ifMatch: await sectionVersion(), body: relative.body }),
      );
      await ok(await coordinator.request(`/api/plans/${plan.id}/relatives/${id}/sharing`, { method: 'PUT', ifMatch: await sectionVersion(), body: sharing }));
    }
    plan = await ok<PlanView>(await coordinator.request(`/api/plans/${plan.id}`));
    plan = await recordConsent(plan, {
      scope: { information: ['goals', 'social-interventions', 'contacts'], actors: ['Region Norrvik', 'Norrviks kommun'], validUntil: '2027-11-20' },
    });
    const part = (p: PlanView, principal: 'region' | 'municipality') => p.parts.find((x) => x.principal === principal)!;
    await ok(
      await physician.request(`/api/plans/${plan.id}/parts/${part(plan, 'region').id}`, {
        method: 'PATCH',
        ifMatch: part(plan, 'region').version,
        body: { goals: [{ text: 'Stabilt blodsocker' }], interventions: regionInterventions },
      }),
    );
    const asMunicipality = await ok<PlanView>(await homecare.request(`/api/plans/${plan.id}`));
    await ok(
      await homecare.request(`/api/plans/${plan.id}/parts/${part(asMunicipality, 'municipality').id}`, {
        method: 'PATCH',
        ifMatch: part(asMunicipality, 'municipality').version,
        body: { interventions: municipalityInterventions },
      }),
    );
    await t.outbox.drain();
    expect((await outboxOf(plan.id)).every((r) => r.outcome === 'delivered' || r.outcome === 'superseded')).toBe(true);

    // The upstreams: the region holds its own interventions, the municipality's peer none of them.
    const activities = async (side: 'region' | 'municipality', principal: 'region' | 'municipality') => {
      const [subPlan, ...more] = await partOn(side, part(plan, principal).id);
      expect(more).toEqual([]);
      expect(subPlan, `${principal}'s part on the ${side} peer`).toBeDefined();
      return (subPlan!.activity ?? []).map((a) => a.detail?.code?.text);
    };
    expect(await activities('region', 'region')).toEqual(regionInterventions.map((i) => i.title));
    expect(await activities('municipality', 'region')).toEqual([]);
    expect(await activities('municipality', 'municipality')).toEqual(municipalityInterventions.map((i) => i.title));
    expect(await activities('region', 'municipality')).toEqual(municipalityInterventions.map((i) => i.title));
    const municipalityPeer = JSON.stringify(peers.municipality.exportState());
    for (const { title } of regionInterventions) expect(municipalityPeer).not.toContain(title);

    // The municipality's staff: the region's part without its interventions, and told so.
    const seenByMunicipality = await ok<PlanView>(await homecare.request(`/api/plans/${plan.id}`));
    expect(part(seenByMunicipality, 'region').content.interventions).toBeUndefined();
    expect(part(seenByMunicipality, 'region').content.goals?.map((g) => g.text)).toEqual(['Stabilt blodsocker']);
    expect(part(seenByMunicipality, 'municipality').content.interventions?.map((i) => i.title)).toEqual(municipalityInterventions.map((i) => i.title));
    expect(seenByMunicipality.visibility?.withheld).toContain('region:interventions');
    // The region's staff see the municipality's social interventions.
    const seenByRegion = await ok<PlanView>(await physician.request(`/api/plans/${plan.id}`));
    expect(part(seenByRegion, 'municipality').content.interventions?.map((i) => i.title)).toEqual(municipalityInterventions.map((i) => i.title));
    expect(seenByRegion.visibility?.withheld).not.toContain('municipality:interventions');

    // Every relative: the municipality's interventions, never the region's.
    expect(plan.relativesSection.relatives).toHaveLength(relatives.length);
    for (const relative of relatives) {
      const token = await t.tokenFor(relative.persona);
      const res = await t.app.request(`/api/me/plans/${plan.id}`, { headers: { Authorization: `Bearer ${token}` } });
      const view = await ok<{ shared: { categories: string[]; interventions?: { principal: string; title: string }[] } }>(res);
      expect(view.shared.categories, relative.persona).toContain('social-interventions');
      expect(view.shared.categories, relative.persona).not.toContain('interventions');
      expect(view.shared.interventions, relative.persona).toEqual(municipalityInterventions.map((i) => ({ principal: 'municipality', title: i.title, status: i.status })));
      for (const { title } of regionInterventions) expect(JSON.stringify(view), relative.persona).not.toContain(title);
    }
  });
});
