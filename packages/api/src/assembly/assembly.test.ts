import type { Condition, Patient, ServiceRequest } from '@medplum/fhirtypes';
import { IdentifierSystem, type PlanView } from '@sip/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, consentInput, describeEachDatabase, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

const peers = usePeers();

const part = (plan: PlanView, principal: 'region' | 'municipality') => plan.parts.find((p) => p.principal === principal)!;
const titles = (plan: PlanView, principal: 'region' | 'municipality') =>
  (part(plan, principal).content.interventions ?? []).map((i) => i.title);

describeEachDatabase('assembling a SIP from both upstreams', (ctx) => {
  let t: TestApp;
  let coordinator: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    // A slow side (the peer answers after 5 s) is given up on after 1 s.
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, env: { UPSTREAM_TIMEOUT_MS: '1000' } });
    coordinator = await staffClient(t, 'region-coordinator');
  });
  afterEach(async () => {
    await Promise.all([peers.region.setFault('none'), peers.municipality.setFault('none')]);
    // Let an opened circuit half-open, and close it with a probe, before the next test.
    await new Promise((r) => setTimeout(r, 150));
    await t.app.request('/ready');
  });

  const sync = async (planId: string) => {
    const res = await coordinator.request(`/api/plans/${planId}/sync`, { method: 'POST' });
    expect(res.status).toBe(200);
    return (await res.json()) as PlanView;
  };

  const recordConsent = async (plan: PlanView, consent: Parameters<typeof consentInput>[0] = {}) => {
    const res = await coordinator.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: plan.version, body: consentInput(consent) });
    expect(res.status).toBe(200);
    return (await res.json()) as PlanView;
  };

  it('lets nothing in from a side whose consent was withdrawn while it was being read', async () => {
    const plan = await coordinator.createSharedPlan({ individual: { personId: '195007129827' } });
    const homecare = await staffClient(t, 'municipality-homecare');
    const title = `Ledsagning till tandläkaren ${plan.id.slice(0, 8)}`;
    await peers.municipality.seed([
      { resourceType: 'ServiceRequest', status: 'active', intent: 'plan', code: { text: title }, subject: { reference: 'Patient/patient-gunnel' } } satisfies ServiceRequest,
    ]);
    peers.municipality.setLatency(300);
    try {
      const syncing = coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
      await new Promise((r) => setTimeout(r, 100));
      const withdrawn = await coordinator.request(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: plan.version,
        body: consentInput({ revokedAt: '2026-12-01T08:00:00+01:00' }),
      });
      expect(withdrawn.status).toBe(200);
      const synced = await syncing;
      expect(synced.status).toBe(200);
      expect(((await synced.json()) as PlanView).sources?.municipality.status).toBe('not-shared');
    } finally {
      peers.municipality.setLatency(0);
    }
    const own = (await (await homecare.request(`/api/plans/${plan.id}`)).json()) as PlanView;
    expect(titles(own, 'municipality')).not.toContain(title);
    expect(titles(own, 'municipality').length).toBeGreaterThan(0);
  });

  it('fills each principal’s part, the contacts and the relatives from both sides, each item keeping its source', async () => {
    const plan = await coordinator.createSharedPlan({ individual: { personId: '194003019801' } });
    expect(titles(plan, 'region')).toEqual(['Hemsjukvård: insulin morgon och kväll', 'Fysioterapi efter höftfraktur, två gånger i veckan']);
    expect(titles(plan, 'municipality')).toEqual(['Hemtjänst: hjälp med dusch två gånger i veckan', 'Trygghetslarm', 'Matdistribution, lunch dagligen']);
    expect(part(plan, 'region').content.interventions![0]!.source).toEqual({ system: 'region', resourceType: 'ServiceRequest', id: 'sr-astrid-1', version: expect.any(String) });
    expect(part(plan, 'municipality').content.contactPerson).toEqual({ name: 'Karin Ek', title: 'Biståndshandläggare, SIP-samordnare', phone: '+46101740200' });
    const relatives = plan.relativesSection.relatives.map((r) => ({ name: r.name, child: r.child, sharesHome: r.sharesHome, sources: r.sources?.map((s) => s.system) }));
    expect(relatives).toEqual([
      { name: 'Bengt Nilsson', child: false, sharesHome: true, sources: ['municipality', 'region'] },
      { name: 'Maria Nilsson', child: false, sharesHome: false, sources: ['municipality', 'region'] },
      { name: 'Elsa Nilsson', child: true, sharesHome: false, sources: ['municipality', 'region'] },
    ]);
    expect(plan.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' }, demographicConflicts: [] });
  });

  it('reads only the initiator’s upstream before the individual’s consent, and both once a consent names the other principal', async () => {
    const asked = peers.municipality.requestCount;
    const sourcesOf = (plan: PlanView) => plan.relativesSection.relatives.map((r) => [r.name, r.sources?.map((s) => s.system)]);

    const draft = await coordinator.createPlan({ individual: { personId: '194003019801' } });
    const synced = await sync(draft.id);
    for (const plan of [draft, synced]) {
      expect(plan.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'not-shared' } });
      expect(titles(plan, 'region')).toEqual(['Hemsjukvård: insulin morgon och kväll', 'Fysioterapi efter höftfraktur, två gånger i veckan']);
      expect(part(plan, 'municipality').content).toEqual({});
      expect(sourcesOf(plan)).toEqual([
        ['Bengt Nilsson', ['region']],
        ['Maria Nilsson', ['region']],
        ['Elsa Nilsson', ['region']],
      ]);
    }
    expect(peers.municipality.requestCount, 'the municipality is not asked about the individual').toBe(asked);

    // A consent in force that does not name the municipality does not let the plan reach it either.
    const regionOnly = await recordConsent(synced, { scope: { ...consentInput().scope, actors: ['Region Norrvik'] } });
    expect(regionOnly.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'not-shared' } });
    expect(part(regionOnly, 'municipality').content).toEqual({});
    expect(peers.municipality.requestCount).toBe(asked);

    const shared = await recordConsent(regionOnly);
    expect(peers.municipality.requestCount).toBeGreaterThan(asked);
    const again = await sync(draft.id);
    for (const plan of [shared, again]) {
      expect(plan.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });
      expect(titles(plan, 'region')).toHaveLength(2);
      expect(titles(plan, 'municipality')).toEqual(['Hemtjänst: hjälp med dusch två gånger i veckan', 'Trygghetslarm', 'Matdistribution, lunch dagligen']);
      expect(part(plan, 'municipality').content.contactPerson).toMatchObject({ name: 'Karin Ek' });
      expect(sourcesOf(plan)).toEqual([
        ['Bengt Nilsson', ['municipality', 'region']],
        ['Maria Nilsson', ['municipality', 'region']],
        ['Elsa Nilsson', ['municipality', 'region']],
      ]);
    }
  });

  it('follows paging to the end', async () => {
    const many: ServiceRequest[] = Array.from({ length: 45 }, (_, i) => ({
      resourceType: 'ServiceRequest',
      id: `sr-karl-extra-${i}`,
      status: 'active',
      intent: 'order',
      code: { text: `Extra insats ${i}` },
      subject: { reference: 'Patient/patient-karl' },
    }));
    await peers.region.seed(many);
    const plan = await coordinator.createPlan({ individual: { personId: '195202149836' } });
    expect(titles(plan, 'region').filter((x) => x.startsWith('Extra insats'))).toHaveLength(45);
  });

  it('updates items in place on re-sync, never duplicates, and marks what was removed upstream', async () => {
    const plan = await coordinator.createSharedPlan({ individual: { personId: '194003019801' } });
    const first = part(plan, 'municipality').content.interventions!;
    const again = await sync(plan.id);
    expect(part(again, 'municipality').content.interventions).toEqual(first);
    expect(again.revision).toBe(plan.revision);

    const alarm = (await (await fetch(`${peers.urls.municipality}/ServiceRequest/sr-astrid-2`)).json()) as ServiceRequest;
    await peers.municipality.seed([{ ...alarm!, code: { text: 'Trygghetslarm med GPS' } }]);
    await fetch(`${peers.urls.municipality}/ServiceRequest/sr-astrid-3`, { method: 'DELETE' });
    try {
      const synced = await sync(plan.id);
      const items = part(synced, 'municipality').content.interventions!;
      expect(items).toHaveLength(3);
      expect(items.map((i) => i.id)).toEqual(first.map((i) => i.id));
      expect(items[1]).toMatchObject({ title: 'Trygghetslarm med GPS' });
      expect(items[2]).toMatchObject({ title: 'Matdistribution, lunch dagligen', removedUpstream: true });
      expect(synced.revision).toBe(plan.revision + 1);
    } finally {
      await peers.municipality.seed([alarm!, { resourceType: 'ServiceRequest', id: 'sr-astrid-3', status: 'active', intent: 'plan', code: { text: 'Matdistribution, lunch dagligen' }, subject: { reference: 'Patient/patient-astrid' } }]);
    }
  });

  it('keeps on each intervention the Conditions its upstream record gives as the reason, and follows the record on re-sync', async () => {
    const plan = await coordinator.createSharedPlan({ individual: { personId: '195202149836' } });
    const condition = (n: number) => ({ system: 'region', id: `cond-karl-${n}`, identifier: { system: 'urn:norrvik:region:condition', value: `karl-${n}` } });
    // Karl's two demo requests (another test may have given him more, without reasons).
    const addresses = (p: PlanView) =>
      part(p, 'region')
        .content.interventions!.filter((i) => i.source?.id === 'sr-karl-1' || i.source?.id === 'sr-karl-2')
        .map((i) => [i.source?.id, i.addresses]);
    expect(addresses(plan)).toEqual([
      ['sr-karl-1', [condition(1)]],
      ['sr-karl-2', [condition(2)]],
    ]);
    // The municipality's record gives no reasons: its interventions address nothing.
    expect(part(plan, 'municipality').content.interventions!.every((i) => i.addresses === undefined)).toBe(true);

    // The request no longer names a reason of its own: the Conditions the region's plan addresses (it is an activity of it) stand in.
    const review = (await (await fetch(`${peers.urls.region}/ServiceRequest/sr-karl-2`)).json()) as ServiceRequest;
    const { reasonReference: _reason, ...withoutReason } = review;
    await peers.region.seed([withoutReason]);
    try {
      const synced = await sync(plan.id);
      expect(addresses(synced)).toEqual([
        ['sr-karl-1', [condition(1)]],
        ['sr-karl-2', [condition(1), condition(2)]],
      ]);
      // One entered in error is no reason at all.
      const entered = (await (await fetch(`${peers.urls.region}/Condition/cond-karl-1`)).json()) as Condition;
      const { clinicalStatus: _status, ...inError } = entered;
      await peers.region.seed([
        { ...inError, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] } },
      ]);
      try {
        expect(addresses(await sync(plan.id))).toEqual([
          ['sr-karl-1', undefined],
          ['sr-karl-2', [condition(2)]],
        ]);
      } finally {
        await peers.region.seed([entered]);
      }
    } finally {
      await peers.region.seed([review]);
    }
    expect(addresses(await sync(plan.id))).toEqual(addresses(plan));
  });

  it('keeps what staff entered by hand when syncing', async () => {
    const plan = await coordinator.createPlan({ individual: { personId: '194003019801' } });
    const regionPart = part(plan, 'region');
    const physician = await staffClient(t, 'region-physician');
    const manual = { title: 'Samtal med dietist', status: 'planned' as const };
    const res = await physician.request(`/api/plans/${plan.id}/parts/${regionPart.id}`, {
      method: 'PATCH',
      ifMatch: regionPart.version,
      body: { interventions: [...regionPart.content.interventions!, manual] },
    });
    expect(res.status).toBe(200);
    const synced = await sync(plan.id);
    expect(titles(synced, 'region')).toContain('Samtal med dietist');
    expect(titles(synced, 'region')).toHaveLength(3);
  });

  it('does not bring back a relative staff removed, until staff add them again', async () => {
    const plan = await coordinator.createSharedPlan({ individual: { personId: '194003019801' } });
    const names = (p: PlanView) => p.relativesSection.relatives.map((r) => r.name);
    const elsa = plan.relativesSection.relatives.find((r) => r.name === 'Elsa Nilsson')!;
    const removed = await coordinator.request(`/api/plans/${plan.id}/relatives/${elsa.id}`, {
      method: 'DELETE',
      ifMatch: plan.relativesSection.version,
    });
    expect(removed.status).toBe(204);

    const synced = await sync(plan.id);
    expect(names(synced)).toEqual(['Bengt Nilsson', 'Maria Nilsson']);
    expect(synced.revision).toBe(plan.revision + 1);

    const added = await coordinator.request(`/api/plans/${plan.id}/relatives`, {
      method: 'POST',
      ifMatch: synced.relativesSection.version,
      body: { name: 'Elsa Nilsson', relationship: { code: 'GRNDDAU', text: 'barnbarn' }, personId: '201209019841', child: true, sharesHome: false },
    });
    expect(added.status).toBe(201);
    const again = await sync(plan.id);
    const back = again.relativesSection.relatives.filter((r) => r.name === 'Elsa Nilsson');
    expect(back).toHaveLength(1);
    expect(back[0]!.sources?.map((s) => s.system)).toEqual(['municipality', 'region']);
  });

  it('flags conflicting demographics instead of overwriting them', async () => {
    const personId = '195607109807';
    const patient = (family: string): Patient => ({
      resourceType: 'Patient',
      id: 'patient-conflict',
      identifier: [{ system: IdentifierSystem.personnummer, value: personId }],
      name: [{ given: ['Gun'], family }],
      birthDate: '1956-07-10',
    });
    await peers.region.seed([patient('Lindqvist')]);
    await peers.municipality.seed([patient('Lindkvist')]);
    const plan = await coordinator.createSharedPlan({ individual: { personId, name: 'Gun Lindqvist' } });
    expect(plan.sources?.demographicConflicts).toEqual(['name']);
    expect(plan.individual.name).toBe('Gun Lindqvist');
  });

  describe('when one side fails, the plan still opens with the other side', () => {
    for (const fault of ['down', 'slow', 'error', 'garbage'] as const) {
      it(`${fault}: marks the municipality unavailable, keeps its last good sync time, applies the region`, async () => {
        const plan = await coordinator.createSharedPlan({ individual: { personId: '195202149836' } });
        const lastGood = plan.sources!.municipality.lastSuccessAt;
        expect(lastGood).toBeTruthy();
        await peers.municipality.setFault(fault);
        const res = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
        expect(res.status).toBe(200);
        const after = (await res.json()) as PlanView;
        expect(after.sources!.municipality).toMatchObject({ status: 'unavailable', lastSuccessAt: lastGood });
        expect(after.sources!.municipality.reason).toBeTruthy();
        expect(after.sources!.region.status).toBe('ok');
        expect(titles(after, 'municipality')).toEqual(titles(plan, 'municipality'));
        const read = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
        expect(read.sources!.municipality.status).toBe('unavailable');
      });
    }

    it('creates a plan even when a side is down, with that side marked', async () => {
      await peers.region.setFault('down');
      // Before consent only the initiator's side (here the one that is down) is read: the plan still opens, empty.
      const draft = await coordinator.createPlan({ individual: { personId: '194003019801' } });
      expect(draft.sources).toMatchObject({ region: { status: 'unavailable', lastSuccessAt: null }, municipality: { status: 'not-shared' } });
      expect(titles(draft, 'region')).toEqual([]);
      const plan = await recordConsent(draft);
      expect(plan.sources).toMatchObject({ region: { status: 'unavailable', lastSuccessAt: null }, municipality: { status: 'ok' } });
      expect(titles(plan, 'municipality')).toHaveLength(3);
      expect(titles(plan, 'region')).toEqual([]);
    });
  });
});
