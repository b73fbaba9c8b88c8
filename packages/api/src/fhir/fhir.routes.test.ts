// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import {
  describeEachDatabase,
  MUNICIPALITY,
  OTHER_REGION,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { validateResource } from '@medplum/core';
import type { Bundle, CapabilityStatement, CarePlan, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { patientIdentifierReference, planToFhir, type PlanView } from '@sip/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from '../db/schema.ts';
import { createTestIssuer } from '../test-support/tokens.ts';
import { loadFhirDefinitions } from './definitions.ts';
import { buildFhirTestApp, createFullPlan } from './test-support.ts';
import { validateBundle, validateForPublish } from './validate.ts';

const peers = usePeers({ seed: false });

type Client = Awaited<ReturnType<typeof staffClient>>;
type AccessEntry = { userId: string; organisationId: string; individualId: string | null; planId: string | null; action: string; requestId: string | null };

const PNR = 'http://electronichealth.se/identifier/personnummer';
const SNR = 'http://electronichealth.se/identifier/samordningsnummer';
/** Skatteverket test personnummer, one per test block so searches do not see each other's plans. */
const ERIK = '198304179859';
const MARIA = '196807059826';

async function fhirBody<T = Resource>(res: Response, status = 200): Promise<T> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  return (await res.json()) as T;
}

async function outcome(res: Response, status: number, code: string): Promise<OperationOutcome> {
  const body = await fhirBody<OperationOutcome>(res, status);
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue[0]).toMatchObject({ severity: 'error', code });
  return body;
}

describeEachDatabase('the FHIR face', (ctx) => {
  let t: TestApp;
  let regionCoordinator: Client;
  let municipalityCoordinator: Client;
  let physician: Client;
  let homecare: Client;
  let auditor: Client;
  let plan: PlanView;

  beforeAll(async () => {
    t = await buildFhirTestApp({ database: ctx.database, peers: peers.urls });
    regionCoordinator = await staffClient(t, 'region-coordinator');
    municipalityCoordinator = await staffClient(t, 'municipality-coordinator');
    physician = await staffClient(t, 'region-physician');
    homecare = await staffClient(t, 'municipality-homecare');
    auditor = await staffClient(t, 'region-auditor');
    plan = await createFullPlan({ regionCoordinator, physician, homecare });
  });

  /** The region's access log entries of one request, through the auditor's follow-up endpoint. */
  async function logged(requestId: string | null, individual: string): Promise<AccessEntry[]> {
    const res = await auditor.request('/api/access-log/search', { method: 'POST', body: { individual, limit: 1000 } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: AccessEntry[] }).items.filter((e) => e.requestId === requestId);
  }

  describe('GET /fhir/metadata', () => {
    it('answers without a token with a valid R4 CapabilityStatement listing exactly what is supported', async () => {
      const res = await t.app.request('/fhir/metadata');
      const body = await fhirBody<CapabilityStatement>(res);
      loadFhirDefinitions();
      expect(() => validateResource(body)).not.toThrow();
      expect(body).toMatchObject({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'] });
      const [rest] = body.rest!;
      expect(rest!.mode).toBe('server');
      expect(rest!.resource!.map((r) => r.type)).toEqual(['CarePlan']);
      const carePlan = rest!.resource![0]!;
      expect(carePlan.interaction!.map((i) => i.code)).toEqual(['read', 'search-type']);
      expect(carePlan.searchParam!.map((p) => p.name)).toEqual(['patient']);
      expect(carePlan.operation!.map((o) => o.name)).toEqual(['sip']);
    });
  });

  describe('GET /fhir/CarePlan/{id}', () => {
    it('reads the SIP CarePlan with ETag, versionId and lastUpdated from the plan revision, as planToFhir maps it', async () => {
      const res = await physician.request(`/fhir/CarePlan/${plan.id}`);
      const body = await fhirBody<CarePlan>(res);
      expect(res.headers.get('etag')).toBe(`W/"${plan.revision}"`);
      expect(res.headers.get('last-modified')).toBe(new Date(plan.updatedAt).toUTCString());
      const expected = planToFhir(plan, { patient: patientIdentifierReference(plan) }).carePlan;
      expect(body).toEqual({ ...expected, meta: { versionId: String(plan.revision), lastUpdated: plan.updatedAt } });
      expect(body.subject).toEqual({ type: 'Patient', identifier: { system: PNR, value: plan.individual.personId }, display: 'Astrid Nilsson' });
      validateForPublish(body);
    });

    it('reads a part’s and the relatives section’s sub-CarePlan by its id, partOf the SIP', async () => {
      for (const id of [...plan.parts.map((p) => p.id), plan.relativesSection.id]) {
        const res = await homecare.request(`/fhir/CarePlan/${id}`);
        const body = await fhirBody<CarePlan>(res);
        expect(body.id).toBe(id);
        expect(body.partOf).toEqual([{ reference: `CarePlan/${plan.id}` }]);
        expect(res.headers.get('etag')).toBe(`W/"${plan.revision}"`);
      }
    });

    it('logs every read in the access log, with the request id', async () => {
      const res = await physician.request(`/fhir/CarePlan/${plan.id}`);
      expect(res.status).toBe(200);
      expect(await logged(res.headers.get('x-request-id'), plan.individual.personId)).toEqual([
        expect.objectContaining({ userId: 'SE2321000099-7P02', organisationId: 'SE2321000099-7RG1', planId: plan.id, action: 'plan.read' }),
      ]);
      const part = await physician.request(`/fhir/CarePlan/${plan.parts[0]!.id}`);
      expect(await logged(part.headers.get('x-request-id'), plan.individual.personId)).toEqual([
        expect.objectContaining({ planId: plan.id, action: 'plan.read' }),
      ]);
    });
  });

  describe('GET /fhir/CarePlan/{id}/$sip', () => {
    it('answers with the whole SIP as one collection Bundle whose references all resolve inside it', async () => {
      const res = await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`);
      const bundle = await fhirBody<Bundle>(res);
      expect(res.headers.get('etag')).toBe(`W/"${plan.revision}"`);
      expect(bundle.type).toBe('collection');
      const resources = bundle.entry!.map((e) => e.resource!);
      expect(resources.map((r) => r.resourceType)).toEqual(['CarePlan', 'CareTeam', 'Consent', 'Goal', 'Goal', 'Goal', 'Goal', 'CarePlan', 'CarePlan', 'CarePlan']);
      expect(resources[0]!.id).toBe(plan.id);
      const fullUrls = new Set(bundle.entry!.map((e) => e.fullUrl));
      for (const entry of bundle.entry!) expect(entry.fullUrl).toBe(`${t.config.publicUrl}/fhir/${entry.resource!.resourceType}/${entry.resource!.id}`);
      const references = JSON.stringify(resources).match(/"reference":"[^"]+"/g) ?? [];
      expect(references.length).toBeGreaterThan(10);
      for (const ref of references) expect(fullUrls).toContain(`${t.config.publicUrl}/fhir/${ref.slice('"reference":"'.length, -1)}`);
      expect(resources.every((r) => r.meta?.versionId === String(plan.revision))).toBe(true);
      validateBundle(bundle);
      expect(await logged(res.headers.get('x-request-id'), plan.individual.personId)).toEqual([expect.objectContaining({ planId: plan.id, action: 'plan.read' })]);
    });
  });

  describe('GET /fhir/CarePlan?patient:identifier=', () => {
    let shared: PlanView;
    let municipalityOnly: PlanView;

    beforeAll(async () => {
      // The individual's consent names both principals: the municipality takes part in it too.
      shared = await regionCoordinator.createSharedPlan({ individual: { personId: ERIK } });
      municipalityOnly = await municipalityCoordinator.createPlan({
        individual: { personId: ERIK },
        principals: { region: OTHER_REGION, municipality: MUNICIPALITY },
      });
    });

    it('finds only the SIPs of that individual my organisation takes part in, as a searchset', async () => {
      const res = await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}`);
      const bundle = await fhirBody<Bundle<CarePlan>>(res);
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
      expect(bundle.entry).toEqual([
        { fullUrl: `${t.config.publicUrl}/fhir/CarePlan/${shared.id}`, resource: expect.objectContaining({ id: shared.id }), search: { mode: 'match' } },
      ]);
      const municipality = await fhirBody<Bundle<CarePlan>>(await homecare.request(`/fhir/CarePlan?patient:identifier=${encodeURIComponent(`${PNR}|${ERIK}`)}`));
      expect(municipality.entry!.map((e) => e.resource!.id).sort()).toEqual([shared.id, municipalityOnly.id].sort());
      expect(municipality.entry!.every((e) => e.resource!.category?.[0]?.coding?.[0]?.code === 'sip')).toBe(true);
    });

    it('logs each plan it returns, and never writes the personnummer in the query string to the request log', async () => {
      const res = await homecare.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}`);
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id');
      const entries = (await (await auditor.request('/api/access-log/search', { method: 'POST', body: { individual: ERIK, limit: 1000 } })).json()) as { items: AccessEntry[] };
      // The region's auditor sees the region's entries only; the municipality's are in the database.
      expect(entries.items.filter((e) => e.requestId === requestId)).toEqual([]);
      const rows = await ctx.database.db.select().from(accessLog).where(eq(accessLog.requestId, requestId!));
      expect(rows.map((r) => [r.planId, r.action, r.organisationId, r.individualId]).sort()).toEqual(
        [
          [shared.id, 'plan.read', MUNICIPALITY.id, ERIK],
          [municipalityOnly.id, 'plan.read', MUNICIPALITY.id, ERIK],
        ].sort(),
      );
      const line = t.logs.find((l) => l.includes(requestId!) && l.includes('"request"'));
      expect(line).toContain('"route":"/fhir/CarePlan"');
      expect(t.logs.join('\n')).not.toContain(ERIK);
      expect(t.logs.join('\n')).not.toContain('patient:identifier');
    });

    it('takes the search as a form body too (POST _search), keeping the personnummer out of the URL', async () => {
      const res = await physician.request('/fhir/CarePlan/_search', {
        method: 'POST',
        body: new URLSearchParams({ 'patient:identifier': `${PNR}|${ERIK}` }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const bundle = await fhirBody<Bundle>(res);
      expect(bundle.entry?.map((e) => e.resource!.id)).toEqual([shared.id]);
    });

    it('finds nothing for another system, an invalid number, or a plan-less individual; a plain value matches any system', async () => {
      for (const token of [`${SNR}|${ERIK}`, `${PNR}|198304179850`, `${PNR}|${MARIA}`, `urn:other|${ERIK}`]) {
        const bundle = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?patient:identifier=${encodeURIComponent(token)}`));
        expect(bundle).toMatchObject({ type: 'searchset', total: 0 });
        expect(bundle.entry).toBeUndefined();
      }
      const plain = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?patient:identifier=19830417-9859`));
      expect(plain.total).toBe(1);
    });

    it('leaves a SIP drawn up before the individual’s consent out for the other principal, and answers its read with 404', async () => {
      const GUNNEL = '195007129827';
      const draft = await regionCoordinator.createPlan({ individual: { personId: GUNNEL } });
      const region = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${GUNNEL}`));
      expect(region.entry?.map((e) => e.resource!.id)).toEqual([draft.id]);
      const municipality = await fhirBody<Bundle>(await homecare.request(`/fhir/CarePlan?patient:identifier=${PNR}|${GUNNEL}`));
      expect(municipality).toMatchObject({ type: 'searchset', total: 0 });
      await outcome(await homecare.request(`/fhir/CarePlan/${draft.id}`), 404, 'not-found');
      await outcome(await homecare.request(`/fhir/CarePlan/${draft.id}/$sip`), 404, 'not-found');
    });

    it('answers unsupported or missing search parameters with 400', async () => {
      const unsupported = await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_count=5&status=active`), 400, 'not-supported');
      expect(unsupported.issue[0]!.diagnostics).toContain('_count, status');
      await outcome(await physician.request('/fhir/CarePlan'), 400, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan?patient=Patient/1`), 400, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK},${PNR}|${MARIA}`), 400, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|`), 400, 'invalid');
      await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_format=xml`), 400, 'not-supported');
      expect((await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_format=json`)).status).toBe(200);
    });
  });

  describe('errors', () => {
    it('answers 401 without a valid token, with WWW-Authenticate', async () => {
      for (const path of [`/fhir/CarePlan/${plan.id}`, `/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}`, `/fhir/CarePlan/${plan.id}/$sip`]) {
        const res = await t.app.request(path);
        await outcome(res, 401, 'login');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
      await outcome(await t.app.request(`/fhir/CarePlan/${plan.id}`, { headers: { Authorization: 'Bearer not.a.token' } }), 401, 'login');
    });

    it('answers 403 to an auditor, and to a citizen token', async () => {
      await outcome(await auditor.request(`/fhir/CarePlan/${plan.id}`), 403, 'forbidden');
      await outcome(await auditor.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}`), 403, 'forbidden');
      await outcome(await auditor.request(`/fhir/CarePlan/${plan.id}/$sip`), 403, 'forbidden');
      const citizen = await t.tokenFor('bengt');
      await outcome(await t.app.request(`/fhir/CarePlan/${plan.id}`, { headers: { Authorization: `Bearer ${citizen}` } }), 403, 'forbidden');
    });

    it('answers 404, revealing nothing, for a plan or part my organisation is not in and for unknown ids', async () => {
      const foreignIssuer = await createTestIssuer('https://idp.sodera.example');
      const foreign = await buildFhirTestApp({
        database: ctx.database,
        peers: peers.urls,
        extraIssuers: [{ kind: 'staff', issuer: foreignIssuer.issuer, audience: 'sip-broker-staff', keys: foreignIssuer.keys }],
      });
      const token = await foreignIssuer.sign({ sub: 'SE2321000099-7Z01', org: OTHER_REGION.id, role: 'coordinator' });
      const asForeign = (path: string) => foreign.app.request(path, { headers: { Authorization: `Bearer ${token}` } });
      const other = await outcome(await asForeign(`/fhir/CarePlan/${plan.id}`), 404, 'not-found');
      const unknown = await outcome(await physician.request('/fhir/CarePlan/00000000-0000-4000-8000-000000000000'), 404, 'not-found');
      expect(other).toEqual(unknown);
      await outcome(await asForeign(`/fhir/CarePlan/${plan.parts[0]!.id}`), 404, 'not-found');
      await outcome(await asForeign(`/fhir/CarePlan/${plan.id}/$sip`), 404, 'not-found');
      await outcome(await physician.request('/fhir/CarePlan/not-a-uuid'), 404, 'not-found');
      const empty = await fhirBody<Bundle>(await asForeign(`/fhir/CarePlan?patient:identifier=${PNR}|${plan.individual.personId}`));
      expect(empty.total).toBe(0);
    });

    it('answers unknown resource types and routes with 404, other methods with 405, as OperationOutcome', async () => {
      await outcome(await physician.request('/fhir/Patient/123'), 404, 'not-found');
      await outcome(await physician.request('/fhir/Goal'), 404, 'not-found');
      await outcome(await t.app.request('/fhir'), 404, 'not-found');
      await outcome(await physician.request(`/fhir/CarePlan/${plan.id}/$everything`), 404, 'not-found');
      await outcome(await physician.request('/fhir/CarePlan', { method: 'POST', body: { resourceType: 'CarePlan' } }), 405, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan/${plan.id}`, { method: 'DELETE' }), 405, 'not-supported');
    });

    it('leaves the staff API’s errors as problem+json', async () => {
      const res = await t.app.request('/api/plans');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const missing = await physician.request('/api/nothing-here');
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
    });
  });
});
