import type { PlanView } from '@sip/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAccessLog } from '../access-log/access-log.ts';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  etagVersion,
  expectProblem,
  MUNICIPALITY,
  OTHER_REGION,
  planInput,
  REGION,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { createTestIssuer } from '../test-support/tokens.ts';

const peers = usePeers({ seed: false });

type Client = Awaited<ReturnType<typeof staffClient>>;
const part = (plan: PlanView, principal: 'region' | 'municipality') => plan.parts.find((p) => p.principal === principal)!;


describeEachDatabase('the shared SIP', (ctx) => {
  let t: TestApp;
  let regionCoordinator: Client;
  let municipalityCoordinator: Client;
  let physician: Client;
  let homecare: Client;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    regionCoordinator = await staffClient(t, 'region-coordinator');
    municipalityCoordinator = await staffClient(t, 'municipality-coordinator');
    physician = await staffClient(t, 'region-physician');
    homecare = await staffClient(t, 'municipality-homecare');
  });

  /** How many plans each coordinator's organisation sees. */
  const totals = async () => {
    const count = async (client: Client) => ((await (await client.request('/api/plans?limit=1')).json()) as { total: number }).total;
    return { region: await count(regionCoordinator), municipality: await count(municipalityCoordinator) };
  };

  describe('creating a plan', () => {
    it('answers 201 with Location and ETag, in draft, with both parts and an empty relatives section', async () => {
      const res = await regionCoordinator.request('/api/plans', {
        method: 'POST',
        body: {
          individual: { personId: '19400301-9801' },
          principals: { region: REGION, municipality: MUNICIPALITY },
          title: 'SIP för Astrid',
          individualGoals: [{ text: 'Kunna bo kvar hemma' }],
          needs: [{ text: 'Hjälp med personlig hygien' }],
        },
      });
      expect(res.status).toBe(201);
      const plan = (await res.json()) as PlanView;
      expect(res.headers.get('location')).toBe(`/api/plans/${plan.id}`);
      expect(res.headers.get('etag')).toBe('W/"1"');
      expect(plan.status).toBe('draft');
      expect(plan.initiator).toBe('region');
      expect(plan.individual).toEqual({ personId: '194003019801', kind: 'personnummer' });
      expect(plan.parts.map((p) => [p.principal, p.organisation.id, p.version])).toEqual([
        ['municipality', MUNICIPALITY.id, 1],
        ['region', REGION.id, 1],
      ]);
      expect(plan.relativesSection).toMatchObject({ version: 1, relatives: [] });
      expect(plan.fields.individualGoals?.[0]).toMatchObject({ text: 'Kunna bo kvar hemma', id: expect.any(String) });
      expect(plan.revision).toBe(1);
    });

    it('accepts a samordningsnummer', async () => {
      const plan = await regionCoordinator.createPlan({ individual: { personId: '195202749833' } });
      expect(plan.individual.kind).toBe('samordningsnummer');
    });

    it('is refused for an organisation that is not one of the principals', async () => {
      const res = await regionCoordinator.request('/api/plans', {
        method: 'POST',
        body: { individual: { personId: '194003019801' }, principals: { region: OTHER_REGION, municipality: MUNICIPALITY } },
      });
      await expectProblem(res, 403);
    });

    it('is for coordinators only: staff get 403, and nothing is stored', async () => {
      const before = await totals();
      for (const client of [physician, homecare]) {
        const res = await client.request('/api/plans', { method: 'POST', body: planInput({ title: 'Ska inte finnas' }) });
        await expectProblem(res, 403);
      }
      expect(await totals()).toEqual(before);
    });

    it('is refused with 422 when a principal is not a known organisation of its kind, and nothing is stored', async () => {
      const before = await totals();
      const unknownMunicipality = { id: 'SE2120000099-7KM5', name: 'Okänd kommun' };
      let body = await expectProblem(
        await regionCoordinator.request('/api/plans', { method: 'POST', body: planInput({ principals: { region: REGION, municipality: unknownMunicipality } }) }),
        422,
      );
      expect(body.errors?.map((e) => e.path)).toEqual(['/principals/municipality/id']);
      const unknownRegion = { id: 'SE2321000099-7XX5', name: 'Okänd region' };
      body = await expectProblem(
        await municipalityCoordinator.request('/api/plans', { method: 'POST', body: planInput({ principals: { region: unknownRegion, municipality: MUNICIPALITY } }) }),
        422,
      );
      expect(body.errors?.map((e) => e.path)).toEqual(['/principals/region/id']);
      // Known, but a region named as the municipality.
      body = await expectProblem(
        await regionCoordinator.request('/api/plans', { method: 'POST', body: planInput({ principals: { region: REGION, municipality: OTHER_REGION } }) }),
        422,
      );
      expect(body.errors?.map((e) => e.path)).toEqual(['/principals/municipality/id']);
      expect(await totals()).toEqual(before);
    });
  });

  describe('reading and listing', () => {
    it('reads a plan with its ETag, for both principals once the individual has consented', async () => {
      const plan = await municipalityCoordinator.createSharedPlan();
      for (const client of [municipalityCoordinator, homecare, regionCoordinator, physician]) {
        const res = await client.request(`/api/plans/${plan.id}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('etag')).toBe(`W/"${plan.version}"`);
        expect(((await res.json()) as PlanView).id).toBe(plan.id);
      }
    });

    it('lists the plans my organisation takes part in, paged, filtered by status and follow-up due', async () => {
      const before = (await (await regionCoordinator.request('/api/plans?limit=1')).json()) as { total: number };
      const created: PlanView[] = [];
      for (let i = 0; i < 3; i++) created.push(await regionCoordinator.createPlan({ title: `Listad ${i}` }));
      const page1 = (await (await regionCoordinator.request('/api/plans?limit=2&offset=0')).json()) as { items: { id: string }[]; total: number };
      expect(page1.total).toBe(before.total + 3);
      expect(page1.items).toHaveLength(2);
      const page2 = (await (await regionCoordinator.request('/api/plans?limit=2&offset=2')).json()) as { items: { id: string }[] };
      expect(page2.items.map((i) => i.id)).not.toContain(page1.items[0]!.id);

      // Follow-up due: an active plan whose follow-up date has passed.
      const due = created[0]!;
      let res = await regionCoordinator.request(`/api/plans/${due.id}`, {
        method: 'PATCH',
        ifMatch: 1,
        body: { overallResponsibility: 'municipality', followUp: { date: '2020-01-01', by: { name: 'Sara Lind' } } },
      });
      expect(res.status).toBe(200);
      res = await regionCoordinator.request(`/api/plans/${due.id}/consent`, { method: 'PUT', ifMatch: 2, body: consentInput() });
      expect(res.status).toBe(200);
      res = await regionCoordinator.request(`/api/plans/${due.id}/status`, { method: 'POST', ifMatch: 3, body: { status: 'active' } });
      expect(res.status).toBe(200);
      const dueList = (await (await regionCoordinator.request('/api/plans?followUpDue=true&limit=100')).json()) as { items: { id: string }[] };
      expect(dueList.items.map((i) => i.id)).toContain(due.id);
      expect(dueList.items.map((i) => i.id)).not.toContain(created[1]!.id);
      const active = (await (await regionCoordinator.request('/api/plans?status=active&limit=100')).json()) as { items: { id: string; status: string }[] };
      expect(active.items.every((i) => i.status === 'active')).toBe(true);
      expect(active.items.map((i) => i.id)).toContain(due.id);
    });

    it('pages by `next` through every plan once, most recently changed first, while plans change between pages', async () => {
      type Page = { items: { id: string; updatedAt: string }[]; total: number; next: string | null };
      const person = { personId: '195202149836', name: 'Karl Johansson' };
      const search = async (body: Record<string, unknown>): Promise<Page> => {
        const res = await regionCoordinator.request('/api/plans/search', { method: 'POST', body: { personId: person.personId, ...body } });
        expect(res.status).toBe(200);
        return (await res.json()) as Page;
      };
      const created: PlanView[] = [];
      for (let i = 0; i < 7; i++) created.push(await regionCoordinator.createPlan({ individual: person, title: `Sidad ${i}` }));
      const whole = await search({ limit: 100 });
      expect(whole.next).toBeNull();
      // Most recently changed first: the last made comes first.
      expect(whole.items[0]!.id).toBe(created[6]!.id);
      const walk = async (between?: (page: number) => Promise<void>) => {
        const seen: string[] = [];
        let page = await search({ limit: 3 });
        for (let n = 1; ; n++) {
          expect(page.total).toBe(whole.total);
          seen.push(...page.items.map((i) => i.id));
          if (!page.next) break;
          await between?.(n);
          page = await search({ limit: 3, after: page.next });
        }
        return seen;
      };
      expect(await walk()).toEqual(whole.items.map((i) => i.id));
      // A plan changed between pages moves to the top, behind the reader: every other plan is
      // still read once, and none twice (paging by offset would read one of them again).
      const moved = whole.items.at(-1)!.id;
      const seen = await walk(async (n) => {
        if (n !== 1) return;
        const res = await regionCoordinator.request(`/api/plans/${moved}`, { method: 'PATCH', ifMatch: 1, body: { title: 'Ändrad under läsningen' } });
        expect(res.status).toBe(200);
      });
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => id !== moved)).toEqual(whole.items.map((i) => i.id).filter((id) => id !== moved));
      // The same through the query string.
      const first = (await (await regionCoordinator.request('/api/plans?limit=1')).json()) as Page;
      const second = (await (await regionCoordinator.request(`/api/plans?limit=1&after=${first.next}`)).json()) as Page;
      expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
      expect(Date.parse(second.items[0]!.updatedAt)).toBeLessThanOrEqual(Date.parse(first.items[0]!.updatedAt));
    });

    it('refuses an `after` it did not give, and `after` with `offset`, naming the parameter', async () => {
      const key = (text: string) => Buffer.from(text).toString('base64url');
      for (const after of ['not a key', key('2026-01-01T00:00:00.000000Z'), key('2026-02-30T10:00:00.000000Z/00000000-0000-4000-8000-000000000000'), 'A'.repeat(200)]) {
        const body = await expectProblem(await regionCoordinator.request(`/api/plans?after=${encodeURIComponent(after)}`), 422);
        expect(body.errors?.map((e) => e.path)).toEqual(['/query/after']);
      }
      const first = (await (await regionCoordinator.request('/api/plans?limit=1')).json()) as { next: string };
      const both = await expectProblem(await regionCoordinator.request(`/api/plans?offset=1&after=${first.next}`), 422);
      expect(both.errors?.map((e) => e.path)).toEqual(['/query/offset']);
      const body = await expectProblem(await regionCoordinator.request('/api/plans/search', { method: 'POST', body: { after: 'bm90IGEga2V5' } }), 422);
      expect(body.errors?.map((e) => e.path)).toEqual(['/after']);
    });

    it('answers 404, revealing nothing, for a plan my organisation is not in, and for unknown ids', async () => {
      const plan = await regionCoordinator.createPlan();
      const foreignIssuer = await createTestIssuer('https://idp.soderå.example');
      const foreign = await buildTestApp({
        database: ctx.database,
        peers: peers.urls,
        extraIssuers: [{ kind: 'staff', issuer: foreignIssuer.issuer, audience: 'sip-broker-staff', keys: foreignIssuer.keys }],
      });
      const token = await foreignIssuer.sign({ sub: 'SE2321000099-7Z01', org: OTHER_REGION.id, role: 'coordinator' });
      const res = await foreign.app.request(`/api/plans/${plan.id}`, { headers: { Authorization: `Bearer ${token}` } });
      const body = await expectProblem(res, 404);
      const unknown = await expectProblem(await regionCoordinator.request('/api/plans/00000000-0000-4000-8000-000000000000'), 404);
      expect(body).toEqual({ ...unknown, requestId: expect.any(String) });
      await expectProblem(await regionCoordinator.request('/api/plans/not-a-uuid'), 404);
    });
  });

  describe('co-editing', () => {
    it('lets the region and the municipality edit their own parts with the same starting ETags, without conflict', async () => {
      const plan = await regionCoordinator.createSharedPlan();
      const regionVersion = part(plan, 'region').version;
      const municipalityVersion = part(plan, 'municipality').version;
      const [r, m] = await Promise.all([
        physician.request(`/api/plans/${plan.id}/parts/${part(plan, 'region').id}`, {
          method: 'PATCH',
          ifMatch: regionVersion,
          body: { interventions: [{ title: 'Hemsjukvård: insulin', status: 'decided', performedBy: 'Distriktssköterska' }] },
        }),
        homecare.request(`/api/plans/${plan.id}/parts/${part(plan, 'municipality').id}`, {
          method: 'PATCH',
          ifMatch: municipalityVersion,
          body: { interventions: [{ title: 'Hemtjänst: dusch', status: 'planned', when: 'tisdag och fredag' }] },
        }),
      ]);
      expect([r.status, m.status]).toEqual([200, 200]);
      expect(r.headers.get('etag')).toBe(`W/"${regionVersion + 1}"`);
      expect(m.headers.get('etag')).toBe(`W/"${municipalityVersion + 1}"`);
      // Both sides see both edits: the consent covers interventions.
      for (const client of [physician, homecare]) {
        const after = (await (await client.request(`/api/plans/${plan.id}`)).json()) as PlanView;
        expect(part(after, 'region').content.interventions?.[0]?.title).toBe('Hemsjukvård: insulin');
        expect(part(after, 'municipality').content.interventions?.[0]?.title).toBe('Hemtjänst: dusch');
        expect(after.revision).toBe(plan.revision + 2);
        expect(after.version).toBe(plan.version);
      }
    });

    it('lets exactly one of two concurrent updates with the same ETag win; the other gets 412 with the current ETag', async () => {
      const plan = await regionCoordinator.createPlan();
      const url = `/api/plans/${plan.id}/parts/${part(plan, 'region').id}`;
      const results = await Promise.all(
        ['A', 'B', 'C', 'D'].map((who) => physician.request(url, { method: 'PATCH', ifMatch: 1, body: { goals: [{ text: `Mål ${who}` }] } })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 412, 412, 412]);
      const loser = results.find((r) => r.status === 412)!;
      expect(loser.headers.get('etag')).toBe('W/"2"');
      const current = (await (await physician.request(url)).json()) as { version: number };
      expect(current.version).toBe(2);
    });

    it('requires If-Match on every update, before reading the body: 428 when missing, 412 when stale', async () => {
      const plan = await regionCoordinator.createPlan();
      const partUrl = `/api/plans/${plan.id}/parts/${part(plan, 'region').id}`;
      for (const [path, method] of [
        [`/api/plans/${plan.id}`, 'PATCH'],
        [partUrl, 'PATCH'],
        [`/api/plans/${plan.id}/consent`, 'PUT'],
        [`/api/plans/${plan.id}/status`, 'POST'],
        [`/api/plans/${plan.id}/participants`, 'POST'],
      ] as const) {
        await expectProblem(await regionCoordinator.request(path, { method, body: '{not json' }), 428);
        await expectProblem(await regionCoordinator.request(path, { method, body: { nonsense: true } }), 428);
      }
      const stale = await expectProblem(await physician.request(partUrl, { method: 'PATCH', ifMatch: 7, body: { goals: [] } }), 412);
      expect(stale.detail).toMatch(/version 1/);
      await expectProblem(await physician.request(partUrl, { method: 'PATCH', ifMatch: '*', body: { goals: [] } }), 428);
      await expectProblem(await physician.request(partUrl, { method: 'PATCH', ifMatch: 'garbage', body: { goals: [] } }), 412);
    });

    it('lets only that principal edit its part', async () => {
      const plan = await regionCoordinator.createSharedPlan();
      const regionPart = part(plan, 'region');
      await expectProblem(
        await homecare.request(`/api/plans/${plan.id}/parts/${regionPart.id}`, { method: 'PATCH', ifMatch: regionPart.version, body: { goals: [] } }),
        403,
      );
      const after = (await (await physician.request(`/api/plans/${plan.id}/parts/${regionPart.id}`)).json()) as { version: number };
      expect(after.version).toBe(regionPart.version);
    });

    it('clears a field sent as null and replaces one sent with a value', async () => {
      const plan = await regionCoordinator.createPlan({ needs: [{ text: 'Behov' }] });
      const res = await regionCoordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: 1, body: { title: null, needs: [{ text: 'Nytt behov' }] } });
      const after = (await res.json()) as PlanView;
      expect(after.fields.title).toBeUndefined();
      expect(after.fields.needs?.map((n) => n.text)).toEqual(['Nytt behov']);
      expect(res.headers.get('etag')).toBe('W/"2"');
    });

    it('answers a change that leaves the plan as it is on the same ETag: no new version, nothing published', async () => {
      const plan = await regionCoordinator.createPlan({ title: 'SIP för Elsa', needs: [{ text: 'Behov' }] });
      const versions = async () => ((await (await regionCoordinator.request(`/api/plans/${plan.id}/versions`)).json()) as { versions: unknown[] }).versions.length;
      const before = await versions();
      const logged = async () =>
        (await searchAccessLog(ctx.database.db, { planId: plan.id, limit: 10_000, offset: 0 })).items.filter((e) => e.action === 'plan.update').length;
      const loggedBefore = await logged();
      // The title it has, the needs as they are (with their ids), nothing at all: each pressed twice.
      for (const body of [{ title: 'SIP för Elsa' }, { needs: plan.fields.needs }, {}, { title: 'SIP för Elsa' }]) {
        const res = await regionCoordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: 1, body });
        expect(res.status).toBe(200);
        expect(res.headers.get('etag')).toBe('W/"1"');
        expect(((await res.json()) as PlanView).fields).toEqual(plan.fields);
      }
      expect(await versions()).toBe(before);
      // Each was an access to the plan, and is logged as one.
      expect(await logged()).toBe(loggedBefore + 4);
      // Needs sent without their ids are new needs: that is a change.
      const res = await regionCoordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: 1, body: { needs: [{ text: 'Behov' }] } });
      expect(res.headers.get('etag')).toBe('W/"2"');
      expect(await versions()).toBe(before + 1);
    });
  });

  describe('participants', () => {
    it('adds an invited participant and removes them again; a principal cannot be removed', async () => {
      const plan = await regionCoordinator.createPlan();
      let res = await regionCoordinator.request(`/api/plans/${plan.id}/participants`, {
        method: 'POST',
        ifMatch: 1,
        body: { kind: 'invited', name: 'Försäkringskassan', role: 'Handläggare' },
      });
      const withFk = (await res.json()) as PlanView;
      const invited = withFk.participants.find((p) => p.kind === 'invited')!;
      expect(invited.name).toBe('Försäkringskassan');
      res = await regionCoordinator.request(`/api/plans/${plan.id}/participants/${plan.participants[0]!.id}`, { method: 'DELETE', ifMatch: 2 });
      await expectProblem(res, 409);
      res = await regionCoordinator.request(`/api/plans/${plan.id}/participants/${invited.id}`, { method: 'DELETE', ifMatch: 2 });
      expect(res.status).toBe(200);
      expect(((await res.json()) as PlanView).participants).toHaveLength(2);
    });
  });

  describe('the lifecycle', () => {
    it('cannot become active without consent and overall responsibility; then runs draft → active → followed up → closed', async () => {
      const plan = await municipalityCoordinator.createPlan();
      const url = `/api/plans/${plan.id}`;
      const early = await expectProblem(await municipalityCoordinator.request(`${url}/status`, { method: 'POST', ifMatch: 1, body: { status: 'active' } }), 409);
      expect(early.errors?.map((e) => e.path)).toEqual(['/consent', '/fields/overallResponsibility']);

      await municipalityCoordinator.request(`${url}/consent`, { method: 'PUT', ifMatch: 1, body: consentInput({ form: 'oral' }) });
      const stillNo = await expectProblem(await municipalityCoordinator.request(`${url}/status`, { method: 'POST', ifMatch: 2, body: { status: 'active' } }), 409);
      expect(stillNo.errors?.map((e) => e.path)).toEqual(['/fields/overallResponsibility']);

      await municipalityCoordinator.request(url, { method: 'PATCH', ifMatch: 2, body: { overallResponsibility: 'municipality' } });
      for (const [status, version] of [['active', 3], ['followed_up', 4], ['closed', 5]] as const) {
        const res = await municipalityCoordinator.request(`${url}/status`, { method: 'POST', ifMatch: version, body: { status } });
        expect(res.status).toBe(200);
        expect(((await res.json()) as PlanView).status).toBe(status);
      }
      const closed = await expectProblem(await municipalityCoordinator.request(`${url}/status`, { method: 'POST', ifMatch: 6, body: { status: 'active' } }), 409);
      expect(closed.detail).toMatch(/closed cannot become active/);
    });

    it('refuses a jump that is not a transition', async () => {
      const plan = await municipalityCoordinator.createPlan();
      const body = await expectProblem(
        await municipalityCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: 1, body: { status: 'followed_up' } }),
        409,
      );
      expect(body.detail).toMatch(/draft cannot become followed_up; it can become active or closed/);
    });

    it('refuses activation once the consent is revoked', async () => {
      const plan = await municipalityCoordinator.createPlan({ overallResponsibility: 'region' });
      await municipalityCoordinator.request(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: 1,
        body: consentInput({ revokedAt: '2026-11-21T09:00:00+01:00' }),
      });
      await expectProblem(await municipalityCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: 2, body: { status: 'active' } }), 409);
    });
  });

  describe("the individual's consent", () => {
    /** Every staff read of one plan: the plan, both parts, its versions, one version, a diff, its events. */
    const reads = (plan: PlanView) => [
      `/api/plans/${plan.id}`,
      `/api/plans/${plan.id}/parts/${part(plan, 'region').id}`,
      `/api/plans/${plan.id}/parts/${part(plan, 'municipality').id}`,
      `/api/plans/${plan.id}/versions`,
      `/api/plans/${plan.id}/versions/1`,
      `/api/plans/${plan.id}/diff?from=1&to=1`,
      `/api/plans/${plan.id}/events`,
    ];
    const listed = async (client: Client) =>
      ((await (await client.request('/api/plans?limit=100')).json()) as { items: { id: string }[] }).items.map((i) => i.id);

    it("keeps a plan from the other principal until the individual's consent names it; then its coordinator and staff see it", async () => {
      const plan = await regionCoordinator.createPlan({ title: 'Före samtycket' });
      const unknown = await expectProblem(await municipalityCoordinator.request('/api/plans/00000000-0000-4000-8000-000000000000'), 404);
      const notVisible = async () => {
        for (const client of [municipalityCoordinator, homecare]) {
          for (const path of reads(plan)) {
            const body = await expectProblem(await client.request(path), 404);
            expect(body).toEqual({ ...unknown, requestId: expect.any(String) });
          }
          expect(await listed(client)).not.toContain(plan.id);
        }
        // Its own part cannot be edited either: the municipality does not know of the plan.
        await expectProblem(
          await homecare.request(`/api/plans/${plan.id}/parts/${part(plan, 'municipality').id}`, { method: 'PATCH', ifMatch: 1, body: { goals: [] } }),
          404,
        );
      };
      await notVisible();
      // The initiator's staff see it, and the municipality's upstream is not read.
      const own = (await (await physician.request(`/api/plans/${plan.id}`)).json()) as PlanView;
      expect(own.sources?.municipality?.status).toBe('not-shared');
      expect(await listed(physician)).toContain(plan.id);

      // A consent that names only the region does not let the plan reach the municipality.
      let res = await regionCoordinator.request(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: plan.version,
        body: consentInput({ scope: { ...consentInput().scope, actors: ['Region Norrvik'] } }),
      });
      expect(res.status).toBe(200);
      await notVisible();

      // One that names the municipality (by HSA-id, in any case) does.
      res = await regionCoordinator.request(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: res.headers.get('etag')!,
        body: consentInput({ scope: { ...consentInput().scope, actors: ['Region Norrvik', MUNICIPALITY.id.toLowerCase()] } }),
      });
      expect(res.status).toBe(200);
      const shared = (await res.json()) as PlanView;
      expect(shared.visibility?.consent).toBe('in-force');
      for (const client of [municipalityCoordinator, homecare]) {
        for (const path of reads(plan)) {
          const read = await client.request(path);
          expect([path, read.status]).toEqual([path, 200]);
          await read.body?.cancel();
        }
        expect(await listed(client)).toContain(plan.id);
        const seen = (await (await client.request(`/api/plans/${plan.id}`)).json()) as PlanView;
        expect(seen.fields.title).toBe('Före samtycket');
        expect(seen.visibility).toMatchObject({ as: 'municipality', consent: 'in-force' });
        expect(seen.sources?.municipality?.status).not.toBe('not-shared');
      }
    });

    it('moves an active plan to consent_withdrawn when the consent is withdrawn; it cannot become active, nor its parts change, until a new consent is in force', async () => {
      const plan = await regionCoordinator.createSharedPlan({ overallResponsibility: 'region' });
      const regionUrl = `/api/plans/${plan.id}/parts/${part(plan, 'region').id}`;
      const municipalityUrl = `/api/plans/${plan.id}/parts/${part(plan, 'municipality').id}`;
      let res = await physician.request(regionUrl, { method: 'PATCH', ifMatch: part(plan, 'region').version, body: { goals: [{ text: 'Stabilt blodsocker' }] } });
      expect(res.status).toBe(200);
      const regionVersion = etagVersion(res);
      const municipalityVersion = part(plan, 'municipality').version;
      res = await regionCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: plan.version, body: { status: 'active' } });
      expect(res.status).toBe(200);
      const seenBefore = (await (await homecare.request(`/api/plans/${plan.id}`)).json()) as PlanView;
      expect(part(seenBefore, 'region').content.goals?.map((g) => g.text)).toEqual(['Stabilt blodsocker']);

      res = await regionCoordinator.request(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: res.headers.get('etag')!,
        body: consentInput({ revokedAt: '2026-11-25T09:00:00+01:00' }),
      });
      expect(res.status).toBe(200);
      const withdrawn = (await res.json()) as PlanView;
      expect(withdrawn.status).toBe('consent_withdrawn');
      expect(withdrawn.visibility?.consent).toBe('withdrawn');
      const history = (await (await regionCoordinator.request(`/api/plans/${plan.id}/versions`)).json()) as { versions: { change: string }[] };
      expect(history.versions.at(-1)?.change).toBe('consent.withdrawn');

      // Nothing crosses any more: the municipality sees its own part only.
      const seenAfter = (await (await homecare.request(`/api/plans/${plan.id}`)).json()) as PlanView;
      expect(part(seenAfter, 'region').content).toEqual({});
      expect(seenAfter.fields).toEqual({});

      // It cannot become active again on the withdrawn consent, and neither part can change.
      let version = etagVersion(res);
      const refused = await expectProblem(
        await regionCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: version, body: { status: 'active' } }),
        409,
      );
      expect(refused.errors?.map((e) => e.path)).toEqual(['/consent']);
      await expectProblem(await physician.request(regionUrl, { method: 'PATCH', ifMatch: regionVersion, body: { goals: [] } }), 409);
      await expectProblem(await homecare.request(municipalityUrl, { method: 'PATCH', ifMatch: municipalityVersion, body: { goals: [] } }), 409);
      const regionPart = (await (await physician.request(regionUrl)).json()) as PlanView['parts'][number];
      expect(regionPart).toMatchObject({ version: regionVersion, content: { goals: [{ text: 'Stabilt blodsocker' }] } });

      // A new consent in force: the plan stays withdrawn until it is made active again, and then it can be worked on.
      res = await regionCoordinator.request(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: version,
        body: consentInput({ recordedAt: '2026-11-28T10:00:00+01:00' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as PlanView).status).toBe('consent_withdrawn');
      version = etagVersion(res);
      res = await regionCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: version, body: { status: 'active' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as PlanView).status).toBe('active');
      res = await homecare.request(municipalityUrl, { method: 'PATCH', ifMatch: municipalityVersion, body: { goals: [{ text: 'Trygg i hemmet' }] } });
      expect(res.status).toBe(200);
    });

    it('rests a child’s consent on the guardians: refused without them, recorded with basis guardians; an adult’s rests on the individual', async () => {
      const child = await regionCoordinator.createPlan({ individual: { personId: '201209019841', name: 'Ella Ek' }, title: 'SIP för Ella' });
      const url = `/api/plans/${child.id}/consent`;
      const guardian = (name: string, given: boolean) => ({ name, given, recordedAt: '2026-11-20T09:00:00+01:00' });

      let body = await expectProblem(await regionCoordinator.request(url, { method: 'PUT', ifMatch: child.version, body: consentInput() }), 422);
      expect(body.errors?.map((e) => e.path)).toEqual(['/guardians']);
      body = await expectProblem(
        await regionCoordinator.request(url, { method: 'PUT', ifMatch: child.version, body: consentInput({ guardians: [guardian('Anna Ek', true), guardian('Per Ek', false)] }) }),
        422,
      );
      expect(body.errors?.map((e) => e.path)).toEqual(['/guardians']);
      let stored = (await (await regionCoordinator.request(`/api/plans/${child.id}`)).json()) as PlanView;
      expect([stored.consent, stored.version]).toEqual([null, child.version]);

      const res = await regionCoordinator.request(url, {
        method: 'PUT',
        ifMatch: child.version,
        body: consentInput({ guardians: [guardian('Anna Ek', true), guardian('Per Ek', true)] }),
      });
      expect(res.status).toBe(200);
      stored = (await (await regionCoordinator.request(`/api/plans/${child.id}`)).json()) as PlanView;
      expect(stored.consent).toMatchObject({ given: true, basis: 'guardians' });

      // An adult's consent rests on the individual, whatever the caller says.
      const adult = await regionCoordinator.createSharedPlan({}, { basis: 'guardians' });
      expect(adult.consent?.basis).toBe('individual');
    });
  });

  describe('versions', () => {
    it('keeps every version, serves any past one, and diffs two as JSON Patch', async () => {
      const plan = await regionCoordinator.createSharedPlan();
      let res = await physician.request(`/api/plans/${plan.id}/parts/${part(plan, 'region').id}`, {
        method: 'PATCH',
        ifMatch: part(plan, 'region').version,
        body: { goals: [{ id: 'g1', text: 'Stabilt blodsocker' }] },
      });
      expect(res.status).toBe(200);
      res = await regionCoordinator.request(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'Ny titel' } });
      expect(res.status).toBe(200);

      // The upstream peers hold nothing for Astrid: the syncs change nothing and leave no version.
      const shared = plan.revision;
      type Version = {
        revision: number;
        change: string;
        partId: string | null;
        changedBy: { userId: string; organisationId: string; name: string | null; organisationName: string | null };
        changedAt: string;
      };
      const versions = (await (await homecare.request(`/api/plans/${plan.id}/versions`)).json()) as { versions: Version[] };
      // Who changed what: the staff member's HSA-id and organisation, for each version.
      expect(versions.versions.map((v) => [v.revision, v.change, v.changedBy.userId, v.changedBy.organisationId])).toEqual([
        [1, 'plan.created', 'SE2321000099-7P01', REGION.id],
        [2, 'consent.updated', 'SE2321000099-7P01', REGION.id],
        [3, 'part.updated', 'SE2321000099-7P02', REGION.id],
        [4, 'plan.updated', 'SE2321000099-7P01', REGION.id],
      ]);
      // And by name: the name each token gave (\`name\`), the organisation's as the service knew it, kept with the version.
      const names = (v: Version) => [v.changedBy.name, v.changedBy.organisationName];
      expect(versions.versions.map(names)).toEqual([
        ['Sara Lind', 'Region Norrvik'],
        ['Sara Lind', 'Region Norrvik'],
        ['Omar Haddad', 'Region Norrvik'],
        ['Sara Lind', 'Region Norrvik'],
      ]);
      expect(versions.versions[2]).toMatchObject({ partId: part(plan, 'region').id, changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      // Before the consent nothing of the region's plan had crossed to the municipality, nor does it in the history.
      const v1 = (await (await homecare.request(`/api/plans/${plan.id}/versions/1`)).json()) as PlanView;
      expect(v1.fields).toEqual({});
      const atConsent = (await (await homecare.request(`/api/plans/${plan.id}/versions/${shared}`)).json()) as PlanView;
      expect(atConsent.fields.title).toBe('SIP för Astrid');
      expect(part(atConsent, 'region').content).toEqual({});

      const diff = (await (await homecare.request(`/api/plans/${plan.id}/diff?from=${shared}&to=${shared + 2}`)).json()) as {
        operations: { op: string; path: string; value?: unknown }[];
        versions: Version[];
      };
      // The diff says who made the changes it spans: the versions after `from`, up to `to`.
      expect(diff.versions).toEqual(versions.versions.slice(shared, shared + 2));
      const backwards = (await (await homecare.request(`/api/plans/${plan.id}/diff?from=${shared + 2}&to=${shared + 1}`)).json()) as { versions: Version[] };
      expect(backwards.versions).toEqual([versions.versions[shared + 1]]);
      const none = (await (await homecare.request(`/api/plans/${plan.id}/diff?from=${shared}&to=${shared}`)).json()) as { operations: unknown[]; versions: Version[] };
      expect(none).toMatchObject({ operations: [], versions: [] });
      const regionIndex = atConsent.parts.findIndex((p) => p.principal === 'region');
      expect(diff.operations).toEqual(
        expect.arrayContaining([
          { op: 'replace', path: '/fields/title', value: 'Ny titel' },
          { op: 'add', path: `/parts/${regionIndex}/content/goals`, value: [{ id: 'g1', text: 'Stabilt blodsocker' }] },
        ]),
      );
      await expectProblem(await homecare.request(`/api/plans/${plan.id}/versions/99`), 404);
      await expectProblem(await homecare.request(`/api/plans/${plan.id}/diff?from=1`), 422);
    });

    it('describes who changed each version in the OpenAPI document, for the versions and the diff', async () => {
      type Schema = { properties?: Record<string, Schema>; items?: Schema; $ref?: string; required?: string[] };
      const doc = (await (await t.app.request('/openapi.json')).json()) as {
        paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: Schema }> }> } }>;
        components: { schemas: Record<string, Schema> };
      };
      const version = doc.components.schemas['PlanVersion'];
      expect(Object.keys(version?.properties?.['changedBy']?.properties ?? {})).toEqual(['userId', 'organisationId', 'name', 'organisationName', 'role']);
      expect(version?.required).toEqual(expect.arrayContaining(['revision', 'change', 'changedBy', 'changedAt']));
      const body = (path: string) => doc.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema;
      expect(body('/api/plans/{planId}/versions')?.properties?.['versions']?.items?.$ref).toBe('#/components/schemas/PlanVersion');
      expect(body('/api/plans/{planId}/diff')?.properties?.['versions']?.items?.$ref).toBe('#/components/schemas/PlanVersion');
    });
  });

  describe('bad input', () => {
    const create = (body: unknown) => regionCoordinator.request('/api/plans', { method: 'POST', body });

    it('malformed JSON: 400', async () => {
      await expectProblem(await create('{"individual": {'), 400);
    });

    it('an unknown field: 422 naming it', async () => {
      const body = await expectProblem(await create({ individual: { personId: '194003019801' }, principals: { region: REGION, municipality: MUNICIPALITY }, colour: 'blue' }), 422);
      expect(body.errors).toContainEqual({ path: '/colour', message: expect.stringMatching(/Unknown field/) });
    });

    it('a wrong type: 422 naming the field', async () => {
      const body = await expectProblem(await create({ individual: { personId: 194003019801 }, principals: { region: REGION, municipality: MUNICIPALITY } }), 422);
      expect(body.errors?.[0]?.path).toBe('/individual/personId');
    });

    it('an invalid personnummer: 422 naming the field', async () => {
      const body = await expectProblem(await create({ individual: { personId: '194003019802' }, principals: { region: REGION, municipality: MUNICIPALITY } }), 422);
      expect(body.errors).toContainEqual({ path: '/individual/personId', message: expect.stringMatching(/personnummer/) });
    });

    it('oversize text: 422 naming the field', async () => {
      const body = await expectProblem(
        await create({ individual: { personId: '194003019801' }, principals: { region: REGION, municipality: MUNICIPALITY }, needs: [{ text: 'x'.repeat(5000) }] }),
        422,
      );
      expect(body.errors?.[0]?.path).toBe('/needs/0/text');
    });

    it('a wrong enum value in a part: 422 naming it, and nothing written', async () => {
      const plan = await regionCoordinator.createPlan();
      const url = `/api/plans/${plan.id}/parts/${part(plan, 'region').id}`;
      const body = await expectProblem(await physician.request(url, { method: 'PATCH', ifMatch: 1, body: { interventions: [{ title: 'X', status: 'maybe' }] } }), 422);
      expect(body.errors?.[0]?.path).toBe('/interventions/0/status');
      const after = (await (await physician.request(url)).json()) as { version: number; content: object };
      expect(after).toMatchObject({ version: 1, content: {} });
    });

    it('an expired token or one from a foreign issuer: 401', async () => {
      const foreign = await createTestIssuer('https://idp.foreign.example');
      const res = await t.app.request('/api/plans', { headers: { Authorization: `Bearer ${await foreign.sign({ sub: 'x', org: REGION.id, role: 'coordinator' })}` } });
      await expectProblem(res, 401);
      const clockBefore = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date(Date.now() - 2 * 3600_000) } });
      const expired = await clockBefore.tokenFor('region-coordinator');
      await expectProblem(await t.app.request('/api/plans', { headers: { Authorization: `Bearer ${expired}` } }), 401);
    });

    it('a citizen token on the staff API: 403', async () => {
      const citizen = await t.tokenFor('maria');
      await expectProblem(await t.app.request('/api/plans', { headers: { Authorization: `Bearer ${citizen}` } }), 403);
    });

    it('leaves nothing half-written when a change fails midway', async () => {
      const before = (await (await regionCoordinator.request('/api/plans?limit=1')).json()) as { total: number };
      await expectProblem(await create({ individual: { personId: '194003019801' }, principals: { region: REGION, municipality: REGION } }), 422);
      const after = (await (await regionCoordinator.request('/api/plans?limit=1')).json()) as { total: number };
      expect(after.total).toBe(before.total);
    });
  });
});
