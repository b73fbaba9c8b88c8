/**
 * One bad upstream answer never breaks a plan: an answer that is not valid FHIR R4 (a lone
 * surrogate, a control character, a day that does not exist, a missing required element …)
 * marks that side unavailable for the sync, with a reason that says nothing of the data; the
 * other side still applies; and creating a plan is one transaction, idempotent under a key.
 */
import type { Patient, RelatedPerson, Resource, ServiceRequest } from '@medplum/fhirtypes';
import type { FhirPeer } from '@sip/fhir-peer';
import { IdentifierSystem, type PlanView } from '@sip/shared';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planRevisions, plans } from '../db/schema.ts';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  expectProblem,
  planInput,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';

const peers = usePeers();

/** Skatteverket's test personnummer, one individual per part of this file. */
const GUN = '195607109807';
const OLLE = '198704129835';

const patient = (id: string, personId: string): Patient => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: IdentifierSystem.personnummer, value: personId }],
  name: [{ given: ['Gun'], family: 'Ek' }],
  birthDate: '1956-07-10',
});
const subject = { reference: 'Patient/gun' };
const relative = (name: RelatedPerson['name'], extra: Partial<RelatedPerson> = {}): RelatedPerson & { id: string } => ({
  resourceType: 'RelatedPerson',
  id: 'rp-bad',
  patient: subject,
  relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SON' }], text: 'son' }],
  name,
  ...extra,
});
const intervention = (fields: Partial<ServiceRequest>): ServiceRequest & { id: string } =>
  ({ resourceType: 'ServiceRequest', id: 'sr-bad', status: 'active', intent: 'order', subject, code: { text: 'Ledsagning' }, ...fields }) as ServiceRequest & { id: string };

/** Answers a FHIR server would never give, each as the region's record holds it. */
const badAnswers: [string, Resource & { id: string }][] = [
  ['a lone surrogate in a relative’s name', relative([{ text: 'Bo \uD800 Ek' }])],
  ['a lone low surrogate in a relative’s given name', relative([{ given: ['\uDC00Bo'], family: 'Ek' }])],
  ['a control character in a relative’s name', relative([{ text: 'Bo\u0007 Ek' }])],
  ['an empty string', relative([{ text: '' }])],
  ['a relative born on 30 February', relative([{ text: 'Bo Ek' }], { birthDate: '1980-02-30' })],
  ['a relative born in year 0000', relative([{ text: 'Bo Ek' }], { birthDate: '0000-01-01' })],
  ['an intervention without its status', intervention({ status: undefined })],
  ['an intervention without its intent', intervention({ intent: undefined })],
  ['an intervention authored at +15:00', intervention({ authoredOn: '2026-11-20T10:00:00+15:00' })],
  ['an intervention authored without seconds', intervention({ authoredOn: '2026-11-20T10:00+01:00' })],
  ['an intervention with an element FHIR does not have', intervention({ colour: 'red' } as Partial<ServiceRequest>)],
];

/**
 * Puts a resource into a peer's store as it is: the peer validates what is written through it,
 * so an answer no FHIR server would give is planted in its state directly.
 */
function plant(peer: FhirPeer, resource: Resource & { id: string }) {
  const state = peer.exportState();
  state.histories[`${resource.resourceType}/${resource.id}`] = [
    { resource: { ...resource, meta: { versionId: '1', lastUpdated: new Date().toISOString() } }, deleted: false },
  ];
  peer.importState(state);
}

function uproot(peer: FhirPeer, resource: Resource & { id: string }) {
  const state = peer.exportState();
  delete state.histories[`${resource.resourceType}/${resource.id}`];
  peer.importState(state);
}

describeEachDatabase('upstream answers that are not valid FHIR R4', (ctx) => {
  let t: TestApp;
  let coordinator: Awaited<ReturnType<typeof staffClient>>;

  const plansOf = async (personId: string) =>
    Number((await ctx.database.db.select({ n: count() }).from(plans).where(eq(plans.individualId, personId)))[0]?.n ?? 0);
  const unhandled = () => t.logs.filter((line) => line.includes('unhandled error'));

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    coordinator = await staffClient(t, 'region-coordinator');
    await peers.region.seed([
      patient('gun', GUN),
      { resourceType: 'ServiceRequest', id: 'sr-gun-region', status: 'active', intent: 'order', subject, code: { text: 'Hemsjukvård' } },
    ]);
    await peers.municipality.seed([
      patient('gun', GUN),
      { resourceType: 'ServiceRequest', id: 'sr-gun-municipality', status: 'active', intent: 'order', subject, code: { text: 'Hemtjänst' } },
      { resourceType: 'RelatedPerson', id: 'rp-gun-daughter', patient: subject, name: [{ text: 'Lisa Ek' }], relationship: [{ text: 'dotter' }] },
    ]);
  });

  const titles = (plan: PlanView, principal: 'region' | 'municipality') =>
    (plan.parts.find((p) => p.principal === principal)!.content.interventions ?? []).map((i) => i.title);

  for (const [name, bad] of badAnswers) {
    it(`${name}: creating the plan marks the region unavailable, stores the plan once, and a retry under the same key returns it`, async () => {
      plant(peers.region, bad);
      try {
        const before = await plansOf(GUN);
        const key = crypto.randomUUID();
        const body = planInput({ individual: { personId: GUN, name: 'Gun Ek' } });
        const res = await coordinator.request('/api/plans', { method: 'POST', body, headers: { 'Idempotency-Key': key } });
        expect(res.status, await res.clone().text()).toBe(201);
        const plan = (await res.json()) as PlanView;
        expect(plan.sources?.region).toEqual({ status: 'unavailable', reason: 'invalid-answer', lastAttemptAt: expect.any(String), lastSuccessAt: null });
        expect(plan.sources?.municipality.status).toBe('not-shared');
        expect(titles(plan, 'region')).toEqual([]);
        expect(plan.relativesSection.relatives).toEqual([]);
        expect(await plansOf(GUN)).toBe(before + 1);

        const retry = await coordinator.request('/api/plans', { method: 'POST', body, headers: { 'Idempotency-Key': key } });
        expect(retry.status).toBe(201);
        expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
        expect(((await retry.json()) as PlanView).id).toBe(plan.id);
        expect(await plansOf(GUN)).toBe(before + 1);

        // The consent lets the plan reach the municipality: its side applies, the region's stays unavailable.
        const consented = await coordinator.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: plan.version, body: consentInput() });
        expect(consented.status, await consented.clone().text()).toBe(200);
        const shared = (await consented.json()) as PlanView;
        expect(shared.sources?.region).toMatchObject({ status: 'unavailable', reason: 'invalid-answer' });
        expect(shared.sources?.municipality.status).toBe('ok');
        expect(titles(shared, 'municipality')).toEqual(['Hemtjänst']);
        expect(shared.relativesSection.relatives.map((r) => r.name)).toEqual(['Lisa Ek']);

        const synced = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
        expect(synced.status).toBe(200);
        expect(((await synced.json()) as PlanView).sources?.region).toMatchObject({ status: 'unavailable', reason: 'invalid-answer' });

        // Only this sync counted the answer out: once the upstream holds valid FHIR again, the side is read.
        uproot(peers.region, bad);
        const again = (await (await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' })).json()) as PlanView;
        expect(again.sources?.region.status).toBe('ok');
        expect(titles(again, 'region')).toEqual(['Hemsjukvård']);
        expect(unhandled()).toEqual([]);
      } finally {
        uproot(peers.region, bad);
      }
    });
  }

  it('says nothing of the data: not in the reason, not in the log', async () => {
    const bad = relative([{ text: 'Bosse \uD800 Eksson' }]);
    plant(peers.region, bad);
    try {
      const plan = await coordinator.createPlan({ individual: { personId: GUN } });
      expect(plan.sources?.region.reason).toBe('invalid-answer');
      expect(t.logs.join('\n')).not.toContain('Bosse');
    } finally {
      uproot(peers.region, bad);
    }
  });

  describe('creating a plan is one transaction, idempotent under a key', () => {
    afterEach(() => peers.region.setLatency(0));

    it('shows no plan until it is assembled, and then the plan with its creation and its first sync', async () => {
      await peers.region.seed([
        patient('olle', OLLE),
        { resourceType: 'ServiceRequest', id: 'sr-olle', status: 'active', intent: 'order', subject: { reference: 'Patient/olle' }, code: { text: 'Fysioterapi' } },
      ]);
      peers.region.setLatency(400);
      const creating = coordinator.request('/api/plans', { method: 'POST', body: planInput({ individual: { personId: OLLE } }) });
      await new Promise((r) => setTimeout(r, 150));
      expect(await plansOf(OLLE), 'nothing is stored while the upstream is read').toBe(0);
      const res = await creating;
      expect(res.status).toBe(201);
      const plan = (await res.json()) as PlanView;
      expect(await plansOf(OLLE)).toBe(1);
      const versions = await ctx.database.db
        .select({ revision: planRevisions.revision, change: planRevisions.change })
        .from(planRevisions)
        .where(eq(planRevisions.planId, plan.id))
        .orderBy(planRevisions.revision);
      expect(versions.map((v) => v.change)).toEqual(['plan.created', 'plan.synced']);
    });

    it('two requests under one key at the same time make one plan', async () => {
      const before = await plansOf(OLLE);
      peers.region.setLatency(200);
      const key = crypto.randomUUID();
      const body = planInput({ individual: { personId: OLLE } });
      const [a, b] = await Promise.all(
        [0, 1].map(() => coordinator.request('/api/plans', { method: 'POST', body, headers: { 'Idempotency-Key': key } })),
      );
      expect([a!.status, b!.status]).toEqual([201, 201]);
      const [planA, planB] = (await Promise.all([a!.json(), b!.json()])) as PlanView[];
      expect(planA!.id).toBe(planB!.id);
      expect([a!.headers.get('Idempotent-Replayed'), b!.headers.get('Idempotent-Replayed')].sort()).toEqual(['true', null].sort());
      expect(await plansOf(OLLE)).toBe(before + 1);
    });

    it('refuses a key used for another request, naming the header, and creates nothing', async () => {
      const key = crypto.randomUUID();
      const first = await coordinator.request('/api/plans', { method: 'POST', body: planInput({ individual: { personId: OLLE } }), headers: { 'Idempotency-Key': key } });
      expect(first.status).toBe(201);
      const before = await plansOf(OLLE);
      const other = await coordinator.request('/api/plans', {
        method: 'POST',
        body: planInput({ individual: { personId: OLLE }, title: 'En annan plan' }),
        headers: { 'Idempotency-Key': key },
      });
      const problem = await expectProblem(other, 422);
      expect(problem.errors?.map((e) => e.path)).toEqual(['/header/idempotency-key']);
      expect(await plansOf(OLLE)).toBe(before);
    });

    it('keys are each user’s own: another coordinator’s same key makes their own plan', async () => {
      const key = crypto.randomUUID();
      const municipality = await staffClient(t, 'municipality-coordinator');
      const body = planInput({ individual: { personId: OLLE } });
      const mine = (await (await coordinator.request('/api/plans', { method: 'POST', body, headers: { 'Idempotency-Key': key } })).json()) as PlanView;
      const theirs = await municipality.request('/api/plans', { method: 'POST', body, headers: { 'Idempotency-Key': key } });
      expect(theirs.status).toBe(201);
      expect(theirs.headers.get('Idempotent-Replayed')).toBeNull();
      expect(((await theirs.json()) as PlanView).id).not.toBe(mine.id);
    });
  });
});
