// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import { buildTestApp, consentInput, describeEachDatabase, searchPeer, staffClient, type TestApp, usePeers } from '../test-support/index.ts';
import type { CarePlan, Patient, Provenance } from '@medplum/fhirtypes';
import type { PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { searchAccessLog } from '../access-log/access-log.ts';
import { LOOKUP_USER } from '../assembly/sync.service.ts';
import { rowsOf } from '../db/rows.ts';

const peers = usePeers();

const REGION_HSA = 'SE2321000099-7RG1';
const MUNICIPALITY_HSA = 'SE2120000099-7KM1';
const PLAN_SYSTEM = 'https://sip.example/fhir/NamingSystem/plan';

describeEachDatabase('a delivery looks the individual up again where the plan knows no record of them', (ctx) => {
  /** The clock every part of the app reads; tests move it forward. */
  let now = new Date('2026-11-23T09:00:00Z');
  const clock = { now: () => now };
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock });
  });

  async function outboxOf(planId: string) {
    return rowsOf<{ side: string; revision: number; delivered: boolean; set_aside: boolean; last_error: string | null }>(
      await ctx.database.db.execute(
        sql`select side, revision, delivered_at is not null as delivered, set_aside_at is not null as set_aside, last_error from outbox where plan_id = ${planId} order by id`,
      ),
    );
  }

  async function sourceOf(planId: string, side: string) {
    const [row] = rowsOf<{ status: string; patient_id: string | null }>(
      await ctx.database.db.execute(sql`select status, patient_id from plan_sources where plan_id = ${planId} and side = ${side}`),
    );
    return row;
  }

  const lookUps = async (planId: string) =>
    (await searchAccessLog(ctx.database.db, { userId: LOOKUP_USER, limit: 1000, offset: 0 })).items.filter((e) => e.planId === planId);

  const sipAt = async (base: string, planId: string) => searchPeer<CarePlan>(base, `CarePlan?identifier=${PLAN_SYSTEM}|${planId}`);

  /**
   * Runs `during` with the side's upstream down, then brings it back, lets its circuit let a probe
   * through, and delivers what waits. Resolves with what `during` resolved.
   */
  async function whileDown<T>(side: 'region' | 'municipality', during: () => Promise<T>): Promise<T> {
    await peers[side].setFault('down');
    let result: T;
    try {
      result = await during();
    } finally {
      await peers[side].setFault('none');
    }
    await new Promise((r) => setTimeout(r, 150));
    await t.outbox.drain();
    return result;
  }

  it('reads a side its consent-time sync could not reach, once it answers, and then delivers every revision there', async () => {
    const coordinator = await staffClient(t, 'municipality-coordinator');
    const created = await coordinator.createPlan({ individual: { personId: '195202149836' }, overallResponsibility: 'municipality' });
    const plan = await whileDown('region', async () => {
      // The consent lets the plan reach the region, but the region does not answer the sync it brings.
      const res = await coordinator.request(`/api/plans/${created.id}/consent`, { method: 'PUT', ifMatch: created.version, body: consentInput() });
      expect(res.status).toBe(200);
      const consented = (await res.json()) as PlanView;
      expect(await sourceOf(consented.id, 'region')).toEqual({ status: 'unavailable', patient_id: null });
      expect(consented.parts.find((p) => p.principal === 'region')!.content.interventions ?? []).toEqual([]);

      await t.outbox.drain();
      const waiting = (await outboxOf(consented.id)).filter((r) => !r.delivered);
      // Retried, not set aside: a lookup that got no answer says nothing of the record.
      expect(waiting.map((r) => [r.side, r.set_aside, r.last_error])).toEqual([['region', false, 'individual-not-looked-up']]);
      return consented;
    });

    // The delivery read the region: the plan knows the record, and holds what the region holds.
    expect(await sourceOf(plan.id, 'region')).toEqual({ status: 'ok', patient_id: 'patient-karl' });
    const after = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
    expect(after.revision).toBe(plan.revision + 1);
    expect(after.parts.find((p) => p.principal === 'region')!.content.interventions?.length).toBeGreaterThan(0);
    // Each attempt, the ones that got no answer too, is recorded as the broker's own read of the
    // region's record, under the region.
    const logged = await lookUps(plan.id);
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(new Set(logged.map((e) => `${e.action} ${e.organisationId}`))).toEqual(new Set([`plan.sync ${REGION_HSA}`]));

    // Every revision from the consent on reached the region, the lookup's own too; nothing waits.
    expect((await outboxOf(plan.id)).every((r) => r.delivered)).toBe(true);
    const [regionSip, ...more] = await sipAt(peers.urls.region, plan.id);
    expect(more).toEqual([]);
    expect(regionSip!.subject?.reference).toBe('Patient/patient-karl');
    const provenances = await searchPeer<Provenance>(peers.urls.region, `Provenance?target=CarePlan/${regionSip!.id}`);
    const revisions = provenances.map((p) => p.extension?.[0]?.valueInteger).sort((a, b) => a! - b!);
    expect(revisions).toEqual(Array.from({ length: after.revision - created.revision }, (_, i) => created.revision + 1 + i));
    // The lookup's revision is the broker's own, as its record says.
    const lookedUp = provenances.find((p) => p.extension?.[0]?.valueInteger === after.revision)!;
    expect(lookedUp.agent?.[0]?.who).toMatchObject({ type: 'Device', identifier: { value: LOOKUP_USER } });

    // The next delivery needs no lookup: the record is known.
    const res = await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: after.version, body: { title: 'SIP efter uppslag' } });
    expect(res.status).toBe(200);
    await t.outbox.drain();
    expect(await lookUps(plan.id)).toHaveLength(logged.length);
    expect((await sipAt(peers.urls.region, plan.id))[0]!.title).toBe('SIP efter uppslag');

    // Publish, sync, publish again: staff's own sync finds nothing new to take in (what the lookup
    // took in is not taken in twice, nor is what the broker published read back), and the region
    // holds no second copy of anything.
    const count = async () => {
      const counts: Record<string, number> = {};
      for (const type of ['CarePlan', 'Goal', 'RelatedPerson', 'Provenance', 'Consent', 'Task']) counts[type] = (await searchPeer(peers.urls.region, type)).length;
      return counts;
    };
    const before = await count();
    const synced = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
    expect(synced.status).toBe(200);
    const resynced = (await synced.json()) as PlanView;
    // The title's change made the one revision since the lookup's; the sync makes none.
    expect(resynced.revision).toBe(after.revision + 1);
    const interventions = (view: PlanView) => view.parts.map((p) => (p.content.interventions ?? []).map((i) => i.id));
    expect(interventions(resynced)).toEqual(interventions(after));
    await t.outbox.drain();
    expect(await count()).toEqual(before);
  });

  it('sets aside a side that answered it holds no record, asks it again after a while, and delivers once the record is there', async () => {
    // Someone known to neither side when the plan is made (another on each database: the peers are shared).
    const personId = ctx.kind === 'pglite' ? '191212121212' : '195505050509';
    const coordinator = await staffClient(t, 'municipality-coordinator');
    const plan = await coordinator.createPlan({ individual: { personId }, overallResponsibility: 'municipality' });
    expect(await sourceOf(plan.id, 'municipality')).toEqual({ status: 'not-found', patient_id: null });
    await t.outbox.drain();
    expect((await outboxOf(plan.id)).map((r) => [r.side, r.set_aside, r.last_error])).toEqual([['municipality', true, 'individual-unknown-upstream']]);
    // Just asked: not asked again for a change made a few minutes on.
    now = new Date(now.getTime() + 3 * 60_000);
    let res = await coordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'Första ändringen' } });
    expect(res.status).toBe(200);
    const changed = (await res.json()) as PlanView;
    await t.outbox.drain();
    expect(await lookUps(plan.id)).toEqual([]);
    expect((await outboxOf(plan.id)).filter((r) => !r.delivered).map((r) => r.last_error)).toEqual(['individual-unknown-upstream', 'individual-unknown-upstream']);

    // The municipality opens a record of them meanwhile.
    res = await fetch(`${peers.urls.municipality}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Patient',
        identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: personId }],
        name: [{ family: 'Tolvansson', given: ['Tolvan'] }],
      } satisfies Patient),
    });
    expect(res.status).toBe(201);
    const patient = (await res.json()) as Patient;

    // The set-aside delivery comes round again, asks again, and is made.
    now = new Date(now.getTime() + 16 * 60_000);
    await t.outbox.drain();
    expect(await sourceOf(plan.id, 'municipality')).toEqual({ status: 'ok', patient_id: patient.id });
    expect((await lookUps(plan.id)).map((e) => [e.action, e.organisationId])).toEqual([['plan.sync', MUNICIPALITY_HSA]]);
    expect((await outboxOf(plan.id)).every((r) => r.delivered)).toBe(true);
    const [sip] = await sipAt(peers.urls.municipality, plan.id);
    expect(sip!.subject?.reference).toBe(`Patient/${patient.id}`);
    expect(sip!.title).toBe(changed.fields.title);
  });

  it('marks the plan protected when the side read late marks the individual, before anything leaves for that side', async () => {
    // Skyddade personuppgifter, known only to the municipality's case system (Skatteverket's test series).
    const ingrid = { personId: '194506129982', address: 'Skyddsgränd 3', phone: '+46709990101' };
    const label = { system: 'http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel', code: 'skyddadFolkbokforing' };
    const patient = (side: 'region' | 'municipality'): Patient => ({
      resourceType: 'Patient',
      id: `patient-ingrid-${side}`,
      ...(side === 'municipality' ? { meta: { security: [label] } } : {}),
      identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: ingrid.personId }],
      name: [{ family: 'Holm', given: ['Ingrid'] }],
      address: [{ line: [ingrid.address], city: 'Norrvik' }],
      telecom: [{ system: 'phone', value: ingrid.phone }],
    });
    await peers.region.seed([patient('region')]);
    await peers.municipality.seed([patient('municipality')]);

    const coordinator = await staffClient(t, 'region-coordinator');
    const created = await coordinator.createPlan({ individual: { personId: ingrid.personId, name: 'Ingrid Holm' }, title: 'SIP för Ingrid' });
    expect(created.protectedIdentity).toBe(false);
    const plan = await whileDown('municipality', async () => {
      const res = await coordinator.request(`/api/plans/${created.id}/consent`, { method: 'PUT', ifMatch: created.version, body: consentInput() });
      expect(res.status).toBe(200);
      const consented = (await res.json()) as PlanView;
      // Only the region, which does not mark her, has been read.
      expect(consented.protectedIdentity).toBe(false);
      await t.outbox.drain();
      return consented;
    });

    const after = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
    expect(after.protectedIdentity).toBe(true);
    expect((await outboxOf(plan.id)).every((r) => r.delivered)).toBe(true);
    // Both sides now hold the plan labelled; the municipality never held it unlabelled, since the
    // revision queued before the mark left for it only after the lookup had marked the plan.
    for (const base of [peers.urls.region, peers.urls.municipality]) {
      const [sip] = await sipAt(base, plan.id);
      expect(sip!.meta?.security?.some((l) => l.system === label.system && l.code === label.code), base).toBe(true);
      expect(JSON.stringify(sip)).not.toContain(ingrid.address);
    }
    const [sip] = await sipAt(peers.urls.municipality, plan.id);
    const history = await fetch(`${peers.urls.municipality}/CarePlan/${sip!.id}/_history`);
    expect(history.status).toBe(200);
    const versions = (((await history.json()) as { entry?: { resource?: CarePlan }[] }).entry ?? []).map((e) => e.resource!);
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(version.meta?.security?.some((l) => l.code === label.code)).toBe(true);
  });

  it('takes nothing into a closed plan when it looks up its record: the closed plan reaches the side as it was closed', async () => {
    const coordinator = await staffClient(t, 'municipality-coordinator');
    const created = await coordinator.createPlan({ individual: { personId: '195202149836' }, overallResponsibility: 'municipality' });
    const closed = await whileDown('region', async () => {
      let res = await coordinator.request(`/api/plans/${created.id}/consent`, { method: 'PUT', ifMatch: created.version, body: consentInput() });
      expect(res.status).toBe(200);
      const consented = (await res.json()) as PlanView;
      res = await coordinator.request(`/api/plans/${created.id}/status`, { method: 'POST', ifMatch: consented.version, body: { status: 'closed' } });
      expect(res.status).toBe(200);
      const closing = (await res.json()) as PlanView;
      expect(await sourceOf(closing.id, 'region')).toEqual({ status: 'unavailable', patient_id: null });
      await t.outbox.drain();
      return closing;
    });

    expect(await sourceOf(closed.id, 'region')).toEqual({ status: 'ok', patient_id: 'patient-karl' });
    const after = (await (await coordinator.request(`/api/plans/${closed.id}`)).json()) as PlanView;
    expect([after.status, after.revision]).toEqual(['closed', closed.revision]);
    expect(after.parts).toEqual(closed.parts);
    expect((await lookUps(closed.id)).length).toBeGreaterThan(0);
    expect((await outboxOf(closed.id)).every((r) => r.delivered)).toBe(true);
    const [sip] = await sipAt(peers.urls.region, closed.id);
    expect([sip!.subject?.reference, sip!.status]).toEqual(['Patient/patient-karl', 'completed']);
  });
});
