// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import {
  buildTestApp,
  describeEachDatabase,
  etagVersion,
  MARIA_RELATIVE,
  searchPeer,
  staffClient,
  type TestApp,
  usePeers,
  bothSides,
  testSystems,
} from '../test-support/index.ts';
import type { Consent, RelatedPerson, Resource, Task } from '@medplum/fhirtypes';
import { buildPublishBundle, commitmentKindOfTask, patientIdentifierReference, planToFhir, SipExtension, sipResourceList, type PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { validateBundle, validateForPublish } from './validate.ts';

const peers = usePeers();

type Client = Awaited<ReturnType<typeof staffClient>>;

const MARIA = MARIA_RELATIVE;
const COMMITMENT = { kind: 'household', what: 'Handla mat varje vecka', howOften: 'En gång i veckan', from: '2026-12-01', until: '2027-11-30', reviewDate: '2027-06-01' };

const search = searchPeer;

async function read<T extends Resource>(base: string, reference: string): Promise<T> {
  const res = await fetch(`${base}/${reference}`);
  expect(res.status, reference).toBe(200);
  return (await res.json()) as T;
}

describeEachDatabase("publishing a relative's commitment and their own consent to it", (ctx) => {
  let t: TestApp;
  let staff: Client;
  let maria: string;
  let plan: PlanView;
  let ids: { relative: string; commitment: string };
  let keyNo = 0;

  async function sectionVersion() {
    return etagVersion(await staff.request(`/api/plans/${plan.id}/relatives`));
  }

  async function staffWrite(path: string, body: unknown) {
    const res = await staff.request(`/api/plans/${plan.id}/relatives${path}`, { method: 'POST', ifMatch: await sectionVersion(), body });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as { id: string };
  }

  async function answer(body: { answer: string; comment?: string }) {
    const res = await t.app.request(`/api/me/plans/${plan.id}/commitments/${ids.commitment}/answer`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${maria}`, 'content-type': 'application/json', 'Idempotency-Key': `commit-${ctx.kind}-${++keyNo}` },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  const taskQuery = () => `Task?identifier=https://sip.example/fhir/NamingSystem/commitment|${plan.id}/${ids.commitment}`;
  const consentQuery = () => `Consent?identifier=https://sip.example/fhir/NamingSystem/commitment-consent|${plan.id}/${ids.commitment}`;

  async function current() {
    return (await (await staff.request(`/api/plans/${plan.id}`)).json()) as PlanView;
  }

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    staff = await staffClient(t, 'region-coordinator');
    maria = await t.tokenFor('maria');
    // With the individual's consent naming both principals: the plan, and the relatives section with it, reaches both upstreams.
    plan = await staff.createSharedPlan({ individual: { personId: '194003019801' }, individualGoals: [{ text: 'Bo kvar hemma' }] });
    // The upstreams may already know Maria as the individual's relative.
    const known = plan.relativesSection.relatives.find((r) => r.personId === MARIA.personId);
    const relative = known ?? (await staffWrite('', MARIA));
    const commitment = await staffWrite(`/${relative.id}/commitments`, COMMITMENT);
    ids = { relative: relative.id, commitment: commitment.id };
  });

  it('publishes the proposed commitment as a requested Task, and no Consent before the relative answers', async () => {
    await t.outbox.drain();
    for (const [side, base] of bothSides(peers.urls)) {
      const tasks = await search<Task>(base, taskQuery());
      expect(tasks.map((task) => task.status), side).toEqual(['requested']);
      expect(await search<Consent>(base, consentQuery()), side).toEqual([]);
    }
  });

  describe('once the relative accepts', () => {
    const before: Record<string, { task: Task; consent: Consent }> = {};

    beforeAll(async () => {
      await answer({ answer: 'accept', comment: 'Jag handlar på lördagar' });
      await t.outbox.drain();
    });

    it('holds on both peers one accepted Task, owned by the RelatedPerson and based on the relatives section and the SIP, and one active Consent on it by the relative', async () => {
      for (const [side, base] of bothSides(peers.urls)) {
        const [task, ...moreTasks] = await search<Task>(base, taskQuery());
        expect(moreTasks, side).toEqual([]);
        expect(task, side).toMatchObject({
          status: 'accepted',
          intent: 'proposal',
          description: COMMITMENT.what,
          note: [{ text: COMMITMENT.howOften }],
          executionPeriod: { start: COMMITMENT.from, end: COMMITMENT.until },
          extension: [
            { url: 'https://sip.example/fhir/StructureDefinition/review-date', valueDate: COMMITMENT.reviewDate },
            {
              url: 'https://sip.example/fhir/StructureDefinition/commitment-kind',
              valueCoding: { system: 'https://sip.example/fhir/CodeSystem/commitment-kind', code: 'household', display: 'Hushåll och praktisk hjälp' },
            },
          ],
        });
        // What the peer stores reads back as the kind proposed.
        expect(commitmentKindOfTask(task!, testSystems), side).toBe('household');
        const owner = await read<RelatedPerson>(base, task!.owner!.reference!);
        // One relative, one record: where the upstream knows Maria, the Task is hers there; elsewhere ours, by our identifier.
        const own = (await current()).relativesSection.relatives.find((r) => r.id === ids.relative)?.sources?.find((s) => s.system === side);
        if (own) expect(task!.owner!.reference, side).toBe(`RelatedPerson/${own.id}`);
        else expect(owner.identifier?.[0], side).toEqual({ system: 'https://sip.example/fhir/NamingSystem/relative', value: `${plan.id}/${ids.relative}` });
        expect(owner.identifier?.some((i) => i.value === MARIA.personId), side).toBe(true);
        const [sip] = await search(base, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
        const [section] = await search(base, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan-part|${plan.relativesSection.id}`);
        expect(task!.basedOn, side).toEqual([{ reference: `CarePlan/${section!.id}` }, { reference: `CarePlan/${sip!.id}` }]);

        const [consent, ...moreConsents] = await search<Consent>(base, consentQuery());
        expect(moreConsents, side).toEqual([]);
        expect(consent, side).toMatchObject({
          status: 'active',
          scope: { coding: [{ code: 'treatment' }] },
          category: [
            { coding: [{ system: 'https://sip.example/fhir/CodeSystem/consent-category', code: 'relative-commitment' }] },
            { coding: [{ system: 'http://loinc.org', code: '59284-0' }] },
          ],
          performer: [{ reference: task!.owner!.reference }],
          policy: [{ uri: 'https://sip.example/fhir/policy/relative-commitment' }],
          policyRule: { coding: [{ code: 'OPTIN' }] },
          provision: { type: 'permit', data: [{ meaning: 'related', reference: { reference: `Task/${task!.id}` } }] },
        });
        before[side] = { task: task!, consent: consent! };
      }
    });

    it('updates both in place when the relative withdraws: the Task cancelled, the Consent inactive', async () => {
      await answer({ answer: 'withdraw', comment: 'Jag flyttar' });
      await t.outbox.drain();
      for (const [side, base] of bothSides(peers.urls)) {
        const tasks = await search<Task>(base, taskQuery());
        expect(tasks.map((task) => [task.id, task.status]), side).toEqual([[before[side]!.task.id, 'cancelled']]);
        expect(tasks[0]!.meta?.versionId, side).not.toBe(before[side]!.task.meta?.versionId);
        const consents = await search<Consent>(base, consentQuery());
        expect(consents.map((consent) => [consent.id, consent.status]), side).toEqual([[before[side]!.consent.id, 'inactive']]);
        expect(consents[0]).toMatchObject({ policyRule: { coding: [{ code: 'OPTOUT' }] }, provision: { type: 'deny' } });
        // Found by the ordinary owner search; her record may carry Tasks of other plans too.
        const owned = await search<Task>(base, `Task?owner=${tasks[0]!.owner!.reference}`);
        expect(owned.filter((task) => task.identifier?.some((i) => i.value?.startsWith(`${plan.id}/`))).map((task) => task.id), side).toEqual([
          before[side]!.task.id,
        ]);
      }
    });

    it('adds nothing when every change is delivered again', async () => {
      const count = async (base: string) => ({
        tasks: (await search(base, 'Task')).length,
        consents: (await search(base, 'Consent')).length,
        relatives: (await search(base, 'RelatedPerson')).length,
        plans: (await search(base, 'CarePlan')).length,
        provenances: (await search(base, 'Provenance')).length,
      });
      const counts = { region: await count(peers.urls.region), municipality: await count(peers.urls.municipality) };
      const revision = (await current()).revision;
      // Every change went to the region (the initiator), and to the municipality from the consent on.
      const queued = rowsOf<{ side: string; revision: number }>(
        await ctx.database.db.execute(sql`select side, revision from outbox where plan_id = ${plan.id} order by id`),
      );
      const revisionsTo = (side: string) => queued.filter((r) => r.side === side).map((r) => r.revision);
      expect(revisionsTo('region')).toEqual(Array.from({ length: revision }, (_, i) => i + 1));
      expect(revisionsTo('municipality')).toEqual(revisionsTo('region').slice(-revisionsTo('municipality').length));
      expect(revisionsTo('municipality').length).toBeGreaterThan(0);
      // Due a second ago: the database's clock may run a fraction of a millisecond ahead of ours.
      await ctx.database.db.execute(
        sql`update outbox set delivered_at = null, next_attempt_at = now() - interval '1 second' where plan_id = ${plan.id}`,
      );
      // The newest revision per side supersedes the older ones.
      expect(await t.outbox.drain(), t.logs.filter((line) => line.includes('publish failed')).join('\n')).toBe(2);
      for (const side of ['region', 'municipality'] as const) {
        expect(await count(peers.urls[side]), side).toEqual(counts[side]);
        expect((await search<Task>(peers.urls[side], taskQuery())).map((task) => task.status)).toEqual(['cancelled']);
        expect((await search<Consent>(peers.urls[side], consentQuery())).map((consent) => consent.status)).toEqual(['inactive']);
      }
    });
  });

  describe('validation', () => {
    it('passes the Task and Consent of the plan as it is, in our own face and in the transaction bundle', async () => {
      const now = await current();
      const resources = planToFhir(now, { systems: testSystems, patient: patientIdentifierReference(now) });
      expect(resources.tasks).toHaveLength(1);
      expect(resources.relativeConsents).toHaveLength(1);
      for (const resource of sipResourceList(resources)) expect(() => validateForPublish(resource, testSystems)).not.toThrow();
      const change = { revision: now.revision, changedAt: now.updatedAt, userId: 'SE2321000099-7P01', organisationId: 'SE2321000099-7RG1' };
      expect(() => validateBundle(buildPublishBundle(now, { systems: testSystems, patient: { reference: 'Patient/p-1' }, change }), testSystems)).not.toThrow();
    });

    it('rejects a Task or relative Consent that lacks what the SIP needs, and references that resolve to nothing in the bundle', async () => {
      const now = await current();
      const resources = planToFhir(now, { systems: testSystems, patient: patientIdentifierReference(now) });
      const task: Task = { ...resources.tasks[0]!, intent: 'order', owner: undefined, basedOn: undefined, extension: undefined };
      expect(() => validateForPublish(task, testSystems)).toThrow(/Task\.intent: must be 'proposal'[\s\S]*Task\.owner[\s\S]*Task\.basedOn[\s\S]*https:\/\/sip\.example\/fhir\/StructureDefinition\/review-date/);
      const unknownKind: Task = {
        ...resources.tasks[0]!,
        extension: [
          ...resources.tasks[0]!.extension!.filter((e) => !e.url.endsWith('/commitment-kind')),
          { url: testSystems.url(SipExtension.commitmentKind), valueCoding: { system: testSystems.url('urn:sip-broker:codesystem:commitment-kind'), code: 'cooking' } },
        ],
      };
      expect(() => validateForPublish(unknownKind, testSystems)).toThrow(/commitment-kind must carry a valueCoding of a kind of commitment/);
      const consent: Consent = {
        ...resources.relativeConsents[0]!,
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
        category: [{ text: 'samtycke' }],
        performer: undefined,
        policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
        provision: { type: 'deny' },
      };
      expect(() => validateForPublish(consent, testSystems)).toThrow(
        /Consent\.scope: needs the coding [^\n]*\|treatment[\s\S]*Consent\.category: needs the coding https:\/\/sip\.example\/fhir\/CodeSystem\/consent-category\|relative-commitment[\s\S]*Consent\.performer[\s\S]*Consent\.policyRule[\s\S]*Consent\.provision\.data/,
      );

      const change = { revision: now.revision, changedAt: now.updatedAt, userId: 'SE2321000099-7P01', organisationId: 'SE2321000099-7RG1' };
      const bundle = buildPublishBundle(now, { systems: testSystems, patient: { reference: 'Patient/p-1' }, change });
      const stray = structuredClone(bundle);
      const taskEntry = stray.entry!.find((e) => e.resource?.resourceType === 'Task')!;
      (taskEntry.resource as Task).owner = { reference: 'RelatedPerson/elsewhere' };
      const consentEntry = stray.entry!.find((e) => e.resource?.resourceType === 'Consent' && e.resource.identifier?.[0]?.system === 'https://sip.example/fhir/NamingSystem/commitment-consent')!;
      (consentEntry.resource as Consent).provision!.data![0]!.reference = { reference: (taskEntry.resource as Task).basedOn![0]!.reference! };
      expect(() => validateBundle(stray, testSystems)).toThrow(/owner\.reference: RelatedPerson\/elsewhere is no RelatedPerson in the bundle[\s\S]*provision\.data\[0\]\.reference\.reference: urn:uuid:[0-9a-f-]+ is a CarePlan, not a Task/);
    });
  });
});
