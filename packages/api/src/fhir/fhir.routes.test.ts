// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import {
  describeEachDatabase,
  MUNICIPALITY,
  OTHER_REGION,
  REGION,
  staffClient,
  type TestApp,
  usePeers,
  testSystems,
} from '../test-support/index.ts';
import { validateResource } from '@medplum/core';
import type {
  Bundle,
  CapabilityStatement,
  CarePlan,
  CodeSystem,
  Composition,
  NamingSystem,
  OperationDefinition,
  OperationOutcome,
  Organization,
  Patient,
  Practitioner,
  Resource,
} from '@medplum/fhirtypes';
import { DocumentLoinc, DocumentSection, patientIdentifierReference, planToFhir, PlanCategory, referencesIn, type PlanView } from '@sip/shared';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from '../db/schema.ts';
import { createTestIssuer } from '../test-support/tokens.ts';
import { loadFhirDefinitions } from './definitions.ts';
import { addRelativeWithCommitments } from './face-fixtures.ts';
import { buildFhirTestApp, createFullPlan } from './test-support.ts';
import { validateForPublish } from './validate.ts';

const peers = usePeers({ seed: false });
/** The setup drives a whole plan through the staff and relatives' APIs: room for a busy machine. */
const SETUP_TIMEOUT_MS = 120_000;

type Client = Awaited<ReturnType<typeof staffClient>>;
type AccessEntry = { userId: string; organisationId: string; individualId: string | null; planId: string | null; action: string; requestId: string | null };

const PNR = 'http://electronichealth.se/identifier/personnummer';
const SNR = 'http://electronichealth.se/identifier/samordningsnummer';
const HSA = 'urn:oid:1.2.752.29.4.19';
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
/** Skatteverket test personnummer, one per test block so searches do not see each other's plans. */
const ERIK = '198304179859';
const MARIA = '196807059826';
const GUNNEL = '195007129827';
const TOR = '191212121212';

async function fhirBody<T = Resource>(res: Response, status = 200): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  return (await res.json()) as T;
}

async function outcome(res: Response, status: number, code: string): Promise<OperationOutcome> {
  const body = await fhirBody<OperationOutcome>(res, status);
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue[0]).toMatchObject({ severity: 'error', code });
  return body;
}

function validR4(resource: Resource) {
  loadFhirDefinitions();
  expect(() => validateResource(resource), `${resource.resourceType}/${resource.id ?? ''}`).not.toThrow();
}

describeEachDatabase('the FHIR face', (ctx) => {
  let t: TestApp;
  let regionCoordinator: Client;
  let municipalityCoordinator: Client;
  let physician: Client;
  let homecare: Client;
  let auditor: Client;
  let plan: PlanView;
  let base: string;

  beforeAll(async () => {
    t = await buildFhirTestApp({ database: ctx.database, peers: peers.urls });
    base = `${t.config.publicUrl}/fhir`;
    regionCoordinator = await staffClient(t, 'region-coordinator');
    municipalityCoordinator = await staffClient(t, 'municipality-coordinator');
    physician = await staffClient(t, 'region-physician');
    homecare = await staffClient(t, 'municipality-homecare');
    auditor = await staffClient(t, 'region-auditor');
    plan = await createFullPlan({ regionCoordinator, physician, homecare });
    plan = await addRelativeWithCommitments(t, regionCoordinator, plan);
  }, SETUP_TIMEOUT_MS);

  /** The region's access log entries of one request, through the auditor's follow-up endpoint. */
  async function logged(requestId: string | null, individual: string): Promise<AccessEntry[]> {
    const res = await auditor.request('/api/access-log/search', { method: 'POST', body: { individual, limit: 1000 } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: AccessEntry[] }).items.filter((e) => e.requestId === requestId);
  }

  /** The path of a reference or fullUrl on the face, for `app.request`. */
  const pathOf = (reference: string) => `/fhir/${reference.startsWith(base) ? reference.slice(base.length + 1) : reference}`;

  describe('GET /fhir/metadata', () => {
    it('answers without a token with a valid R4 CapabilityStatement listing exactly what is supported', async () => {
      const body = await fhirBody<CapabilityStatement>(await t.app.request('/fhir/metadata'));
      validR4(body);
      expect(body).toMatchObject({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'] });
      const [rest] = body.rest!;
      expect(rest!.mode).toBe('server');
      const resources = rest!.resource!;
      expect(resources.map((r) => r.type)).toEqual([
        'CarePlan',
        'CareTeam',
        'Goal',
        'Consent',
        'RelatedPerson',
        'Task',
        'Composition',
        'Patient',
        'Organization',
        'Practitioner',
        'OperationDefinition',
        'CodeSystem',
        'NamingSystem',
      ]);
      const carePlan = resources[0]!;
      expect(carePlan.interaction!.map((i) => i.code)).toEqual(['read', 'search-type']);
      expect(carePlan.searchParam!.map((p) => p.name)).toEqual(['patient', '_id', '_count', '_summary', '_elements', '_total']);
      expect(carePlan.operation).toEqual([expect.objectContaining({ name: 'sip', definition: `${t.config.publicUrl}/fhir/OperationDefinition/CarePlan-sip` })]);
      for (const resource of resources.slice(1, -3)) expect(resource.interaction!.map((i) => i.code), resource.type).toEqual(['read']);
      for (const resource of resources.slice(-3)) expect(resource.interaction!.map((i) => i.code), resource.type).toEqual(['read', 'search-type']);
      expect(resources.at(-3)!.searchParam!.map((p) => p.name)).toEqual(['url', '_id', '_count', '_summary', '_elements', '_total']);
      expect(resources.at(-2)!.searchParam!.map((p) => p.name)).toEqual(['url', '_id', '_count', '_summary', '_elements', '_total']);
      expect(resources.at(-1)!.searchParam!.map((p) => p.name)).toEqual(['value', '_id', '_count', '_summary', '_elements', '_total']);
    });
  });

  describe('the OperationDefinition of $sip', () => {
    it('is served without a token at its canonical URL, by id and by a search on the url, and is what the CapabilityStatement names', async () => {
      const canonical = `${t.config.fhirCanonicalBase}/OperationDefinition/CarePlan-sip`;
      expect(canonical).toBe(`${t.config.publicUrl}/fhir/OperationDefinition/CarePlan-sip`);
      const definition = await fhirBody<OperationDefinition>(await t.app.request(pathOf(canonical)));
      validR4(definition);
      expect(definition).toMatchObject({
        resourceType: 'OperationDefinition',
        id: 'CarePlan-sip',
        url: canonical,
        status: 'active',
        kind: 'operation',
        code: 'sip',
        resource: ['CarePlan'],
        system: false,
        type: false,
        instance: true,
        affectsState: false,
        parameter: [{ name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle' }],
      });
      const found = await fhirBody<Bundle>(await t.app.request(`/fhir/OperationDefinition?url=${encodeURIComponent(canonical)}`));
      expect(found).toMatchObject({ type: 'searchset', total: 1 });
      expect(found.entry).toEqual([{ fullUrl: canonical, resource: definition, search: { mode: 'match' } }]);
      const versioned = await fhirBody<Bundle>(await t.app.request(`/fhir/OperationDefinition?url=${encodeURIComponent(`${canonical}|0.1.0`)}`));
      expect(versioned.total).toBe(1);
      const none = await fhirBody<Bundle>(await t.app.request(`/fhir/OperationDefinition?url=${encodeURIComponent('https://elsewhere.example/OperationDefinition/CarePlan-sip')}`));
      expect(none).toMatchObject({ type: 'searchset', total: 0 });
      expect(none.entry).toBeUndefined();
      const counted = await fhirBody<Bundle>(await t.app.request(`/fhir/OperationDefinition?url=${encodeURIComponent(canonical)}&_summary=count`));
      expect(counted.total).toBe(1);
      expect(counted.entry).toBeUndefined();
      await outcome(await t.app.request('/fhir/OperationDefinition/other'), 404, 'not-found');
    });

    it('takes its canonical base from FHIR_CANONICAL_BASE', async () => {
      const other = await buildFhirTestApp({ database: ctx.database, peers: peers.urls, env: { FHIR_CANONICAL_BASE: 'https://fhir.sip.example/canonical/' } });
      const canonical = 'https://fhir.sip.example/canonical/OperationDefinition/CarePlan-sip';
      const definition = await fhirBody<OperationDefinition>(await other.app.request('/fhir/OperationDefinition/CarePlan-sip'));
      expect(definition.url).toBe(canonical);
      const found = await fhirBody<Bundle>(await other.app.request(`/fhir/OperationDefinition?url=${encodeURIComponent(canonical)}`));
      expect(found.entry?.map((e) => e.resource?.id)).toEqual(['CarePlan-sip']);
      const statement = await fhirBody<CapabilityStatement>(await other.app.request('/fhir/metadata'));
      expect(statement.rest![0]!.resource![0]!.operation![0]!.definition).toBe(canonical);
    });
  });

  describe('our own code systems and identifier systems', () => {
    /** Every coding and identifier system under `systemBase` in what the face gives for the plan. */
    async function systemsInFace(client: Client, systemBase: string) {
      const document = await fhirBody<Bundle>(await client.request(`/fhir/CarePlan/${plan.id}/$sip`));
      const codings = new Map<string, Set<string>>();
      const identifiers = new Set<string>();
      const walk = (value: unknown, key?: string) => {
        if (Array.isArray(value)) value.forEach((v) => walk(v, key));
        else if (value && typeof value === 'object') {
          const o = value as { system?: unknown; code?: unknown; value?: unknown };
          if (typeof o.system === 'string' && o.system.startsWith(`${systemBase}/`)) {
            if (typeof o.code === 'string') codings.set(o.system, (codings.get(o.system) ?? new Set()).add(o.code));
            else if (typeof o.value === 'string') identifiers.add(o.system);
          }
          for (const [k, v] of Object.entries(value)) walk(v, k);
        }
      };
      walk(document);
      return { codings, identifiers };
    }

    it('serves every code system the published resources use as a CodeSystem at that very URL, without a token', async () => {
      const systemBase = t.config.fhirSystems.base;
      expect(systemBase).toBe('https://sip.example/fhir');
      const { codings } = await systemsInFace(physician, systemBase);
      expect(codings.size).toBeGreaterThan(3);
      for (const [url, codes] of codings) {
        const found = await fhirBody<Bundle>(await t.app.request(`/fhir/CodeSystem?url=${encodeURIComponent(url)}`));
        expect(found, url).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
        const codeSystem = found.entry![0]!.resource as CodeSystem;
        validR4(codeSystem);
        expect(codeSystem).toMatchObject({ resourceType: 'CodeSystem', url, status: 'active', content: 'complete', id: url.split('/').at(-1) });
        expect(codeSystem.version).toBeTruthy();
        for (const code of codes) {
          const concept = codeSystem.concept?.find((c) => c.code === code);
          expect(concept, `${url}|${code}`).toBeDefined();
          expect(concept!.display && concept!.definition, `${url}|${code}`).toBeTruthy();
        }
        const read = await fhirBody<CodeSystem>(await t.app.request(`/fhir/CodeSystem/${codeSystem.id}`));
        expect(read).toEqual(codeSystem);
        const versioned = await fhirBody<Bundle>(await t.app.request(`/fhir/CodeSystem?url=${encodeURIComponent(`${url}|${codeSystem.version}`)}`));
        expect(versioned.total).toBe(1);
      }
      const all = await fhirBody<Bundle>(await t.app.request('/fhir/CodeSystem'));
      expect(all.total).toBeGreaterThanOrEqual(codings.size);
      const none = await fhirBody<Bundle>(await t.app.request(`/fhir/CodeSystem?url=${encodeURIComponent('urn:sip-broker:codesystem:plan-category')}`));
      expect(none).toMatchObject({ type: 'searchset', total: 0 });
      const counted = await fhirBody<Bundle>(await t.app.request(`/fhir/CodeSystem?_id=plan-category&_summary=count`));
      expect(counted.total).toBe(1);
      expect(counted.entry).toBeUndefined();
      await outcome(await t.app.request('/fhir/CodeSystem/nothing'), 404, 'not-found');
    });

    it('serves every identifier system the published resources carry as a NamingSystem, its URL the preferred uri, the legacy urn:sip-broker form beside it', async () => {
      const { identifiers } = await systemsInFace(physician, t.config.fhirSystems.base);
      expect(identifiers.size).toBeGreaterThan(3);
      for (const system of identifiers) {
        const found = await fhirBody<Bundle>(await t.app.request(`/fhir/NamingSystem?value=${encodeURIComponent(system)}`));
        expect(found, system).toMatchObject({ type: 'searchset', total: 1 });
        const namingSystem = found.entry![0]!.resource as NamingSystem;
        validR4(namingSystem);
        const id = system.split('/').at(-1)!;
        expect(namingSystem).toMatchObject({ resourceType: 'NamingSystem', id, status: 'active', kind: 'identifier' });
        expect(namingSystem.description).toBeTruthy();
        expect(namingSystem.uniqueId[0]).toEqual({ type: 'uri', value: system, preferred: true });
        expect(namingSystem.uniqueId.map((u) => u.value)).toContain(`urn:sip-broker:${id}`);
        expect(await fhirBody<NamingSystem>(await t.app.request(`/fhir/NamingSystem/${id}`))).toEqual(namingSystem);
        const byLegacy = await fhirBody<Bundle>(await t.app.request(`/fhir/NamingSystem?value=${encodeURIComponent(`urn:sip-broker:${id}`)}`));
        expect(byLegacy.entry?.map((e) => e.resource?.id)).toEqual([id]);
      }
      await outcome(await t.app.request('/fhir/NamingSystem/nothing'), 404, 'not-found');
      await outcome(await t.app.request('/fhir/NamingSystem/plan', { method: 'PUT', body: '{}' }), 405, 'not-supported');
      await outcome(await t.app.request('/fhir/CodeSystem', { method: 'POST', body: '{}' }), 405, 'not-supported');
    });

    it('publishes the systems under the canonical base when FHIR_SYSTEM_BASE is not set', async () => {
      const other = await buildFhirTestApp({ database: ctx.database, peers: peers.urls, env: { FHIR_SYSTEM_BASE: '', FHIR_CANONICAL_BASE: 'https://fhir.sip.example/r4' } });
      expect(other.config.fhirSystems.base).toBe('https://fhir.sip.example/r4');
      const codeSystem = await fhirBody<CodeSystem>(await other.app.request('/fhir/CodeSystem/plan-category'));
      expect(codeSystem.url).toBe('https://fhir.sip.example/r4/CodeSystem/plan-category');
      const otherPhysician = await staffClient(other, 'region-physician');
      const carePlan = await fhirBody<CarePlan>(await otherPhysician.request(`/fhir/CarePlan/${plan.id}`));
      expect(carePlan.identifier).toEqual([{ system: 'https://fhir.sip.example/r4/NamingSystem/plan', value: plan.id }]);
      expect(carePlan.category?.[0]?.coding?.[0]?.system).toBe(codeSystem.url);
    });
  });

  describe('GET /fhir/CarePlan/{id}', () => {
    it('reads the SIP CarePlan with ETag, versionId and lastUpdated from the plan revision, as planToFhir maps it, the individual a readable Patient', async () => {
      const res = await physician.request(`/fhir/CarePlan/${plan.id}`);
      const body = await fhirBody<CarePlan>(res);
      expect(res.headers.get('etag')).toBe(`W/"${plan.revision}"`);
      expect(res.headers.get('last-modified')).toBe(new Date(plan.updatedAt).toUTCString());
      const expected = planToFhir(plan, { systems: testSystems, patient: patientIdentifierReference(plan) }).carePlan;
      expect(body).toMatchObject({
        id: plan.id,
        identifier: expected.identifier,
        status: expected.status,
        intent: 'plan',
        category: expected.category,
        title: expected.title,
        activity: expected.activity,
        note: expected.note,
        careTeam: [{ reference: `CareTeam/${plan.id}` }],
        supportingInfo: [{ reference: `Consent/${plan.id}` }],
        meta: { versionId: String(plan.revision), lastUpdated: plan.updatedAt },
      });
      expect(body.subject).toEqual({ reference: `Patient/${plan.id}`, type: 'Patient', identifier: { system: PNR, value: plan.individual.personId }, display: 'Astrid Nilsson' });
      expect(body.author).toMatchObject({ type: 'Organization', identifier: { system: HSA, value: MUNICIPALITY.id }, display: MUNICIPALITY.name });
      expect(body.author!.reference).toMatch(new RegExp(`^Organization/${plan.id}\\.[0-9a-f]{20}$`));
      validateForPublish(body, testSystems);
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

    it('answers If-None-Match with the current ETag with 304 and no body, a stale one with the resource', async () => {
      const etag = `W/"${plan.revision}"`;
      for (const value of [etag, `"${plan.revision}"`, `W/"0", ${etag}`, '*']) {
        const res = await physician.request(`/fhir/CarePlan/${plan.id}`, { headers: { 'If-None-Match': value } });
        expect(res.status, value).toBe(304);
        expect(res.headers.get('etag')).toBe(etag);
        expect(await res.text()).toBe('');
      }
      const stale = await physician.request(`/fhir/CarePlan/${plan.id}`, { headers: { 'If-None-Match': `W/"${plan.revision - 1}"` } });
      expect((await fhirBody<CarePlan>(stale)).id).toBe(plan.id);
    });
  });

  describe('reads of what the SIP references', () => {
    it('resolves every reference in the $sip document and in every resource read, with a 200 read of the right type, id and version', async () => {
      const document = await fhirBody<Bundle>(await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`));
      const seen = new Map<string, Resource>();
      const queue = [...new Set([`CarePlan/${plan.id}`, ...referencesIn(document), ...document.entry!.map((e) => e.fullUrl!)])];
      while (queue.length) {
        const reference = queue.shift()!;
        const [type, id] = reference.replace(`${base}/`, '').split('/');
        const key = `${type}/${id}`;
        if (seen.has(key)) continue;
        const res = await regionCoordinator.request(pathOf(reference));
        const resource = await fhirBody<Resource>(res);
        expect(resource, reference).toMatchObject({ resourceType: type, id, meta: { versionId: String(plan.revision) } });
        expect(res.headers.get('etag')).toBe(`W/"${plan.revision}"`);
        validR4(resource);
        seen.set(key, resource);
        for (const next of referencesIn(resource)) queue.push(next);
      }
      const types = [...seen.keys()].map((key) => key.split('/')[0]);
      for (const type of ['CarePlan', 'CareTeam', 'Goal', 'Consent', 'RelatedPerson', 'Task', 'Composition', 'Patient', 'Organization', 'Practitioner']) {
        expect(types, type).toContain(type);
      }
      // The document holds exactly what the reads reach: nothing more, nothing less.
      expect(new Set(document.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`))).toEqual(new Set(seen.keys()));
      for (const entry of document.entry!) expect(seen.get(`${entry.resource!.resourceType}/${entry.resource!.id}`)).toEqual(entry.resource);
    });

    it('reads the individual as a Patient by the plan id: personnummer and name', async () => {
      const patient = await fhirBody<Patient>(await homecare.request(`/fhir/Patient/${plan.id}`));
      expect(patient).toMatchObject({ resourceType: 'Patient', id: plan.id, identifier: [{ system: PNR, value: plan.individual.personId }], name: [{ text: 'Astrid Nilsson' }] });
    });

    it('reads organisations and practitioners by HSA-id, with the names the plan gives them', async () => {
      const team = await fhirBody<Resource & { participant: { member: { reference?: string; identifier?: { value: string } } }[] }>(
        await physician.request(`/fhir/CareTeam/${plan.id}`),
      );
      const members = team.participant.map((p) => p.member).filter((m) => m.reference);
      const organization = members.find((m) => m.reference!.startsWith('Organization/') && m.identifier?.value === REGION.id)!;
      expect(await fhirBody<Organization>(await physician.request(`/fhir/${organization.reference}`))).toMatchObject({
        identifier: [{ system: HSA, value: REGION.id }],
        name: REGION.name,
      });
      const practitioner = members.find((m) => m.identifier?.value === 'SE2321000099-7P02')!;
      expect(await fhirBody<Practitioner>(await physician.request(`/fhir/${practitioner.reference}`))).toMatchObject({
        identifier: [{ system: HSA, value: 'SE2321000099-7P02' }],
        name: [{ text: 'Omar Haddad' }],
        telecom: [{ system: 'phone', value: '010-100 00 01', use: 'work' }],
      });
    });

    it('logs each read as a read of the plan, and answers If-None-Match with 304', async () => {
      const goal = (await fhirBody<CarePlan>(await physician.request(`/fhir/CarePlan/${plan.id}`))).goal![0]!.reference!;
      const res = await physician.request(`/fhir/${goal}`);
      expect(res.status).toBe(200);
      expect(await logged(res.headers.get('x-request-id'), plan.individual.personId)).toEqual([
        expect.objectContaining({ userId: 'SE2321000099-7P02', planId: plan.id, action: 'plan.read' }),
      ]);
      const again = await physician.request(`/fhir/${goal}`, { headers: { 'If-None-Match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
      expect(await logged(again.headers.get('x-request-id'), plan.individual.personId)).toEqual([expect.objectContaining({ action: 'plan.read' })]);
    });

    it('answers 404 for ids no plan of the face can hold, and for types it does not serve', async () => {
      for (const path of [
        `/fhir/Goal/${plan.id}`,
        `/fhir/Goal/${plan.id}.00000000000000000000`,
        `/fhir/RelatedPerson/${plan.id}.0123456789abcdef0123`,
        `/fhir/Task/not-an-id`,
        `/fhir/Patient/${plan.individual.personId}`,
        `/fhir/CarePlan/${plan.id}.0123456789abcdef0123`,
        `/fhir/Organization/${MUNICIPALITY.id}`,
      ]) {
        await outcome(await physician.request(path), 404, 'not-found');
      }
      await outcome(await t.app.request('/fhir/Observation/1'), 404, 'not-found');
    });
  });

  describe('$sip', () => {
    let document: Bundle;

    beforeAll(async () => {
      document = await fhirBody<Bundle>(await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`));
    });

    it('answers a valid document Bundle: identifier, timestamp, the Composition first, every reference the fullUrl of an entry', async () => {
      loadFhirDefinitions();
      expect(() => validateResource(document)).not.toThrow();
      expect(document).toMatchObject({ resourceType: 'Bundle', type: 'document', timestamp: plan.updatedAt });
      expect(document.identifier).toEqual({ system: 'urn:ietf:rfc:3986', value: expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/) });
      const fullUrls = new Set(document.entry!.map((e) => e.fullUrl));
      expect(fullUrls.size).toBe(document.entry!.length);
      for (const entry of document.entry!) expect(entry.fullUrl).toBe(`${base}/${entry.resource!.resourceType}/${entry.resource!.id}`);
      const references = referencesIn(document);
      expect(references.length).toBeGreaterThan(40);
      for (const reference of references) expect(fullUrls, reference).toContain(`${base}/${reference}`);
      for (const entry of document.entry!) validR4(entry.resource!);
      const types = document.entry!.map((e) => e.resource!.resourceType);
      expect(types.slice(0, 3)).toEqual(['Composition', 'Patient', 'CarePlan']);
      expect(document.entry![2]!.resource!.id).toBe(plan.id);
      const counts = Object.fromEntries([...new Set(types)].map((type) => [type, types.filter((x) => x === type).length]));
      // The SIP and its three sub-CarePlans; two goals of the individual's and one per part; Maria,
      // her two commitments, her two answers and the decline on the work list; the consent.
      expect(counts).toMatchObject({ Composition: 1, Patient: 1, CarePlan: 4, CareTeam: 1, Goal: 4, RelatedPerson: 1, Task: 3, Consent: 3 });
      expect(counts.Organization).toBeGreaterThanOrEqual(2);
      expect(counts.Practitioner).toBeGreaterThanOrEqual(2);
      // After the Patient and the SIP's own resources, those they name: organisations, then practitioners.
      const firstNamed = types.findIndex((type) => type === 'Organization' || type === 'Practitioner');
      expect(types.slice(firstNamed).every((type) => type === 'Organization' || type === 'Practitioner')).toBe(true);
    });

    it('opens with a final Composition: SIP type, the individual, the responsible principal as author, one section per part with narrative and entries', async () => {
      const composition = document.entry![0]!.resource as Composition;
      expect(composition).toMatchObject({
        resourceType: 'Composition',
        id: plan.id,
        status: 'final',
        type: { coding: [DocumentLoinc.planOfCare, testSystems.publish(PlanCategory.sip)] },
        subject: { reference: `Patient/${plan.id}` },
        date: plan.updatedAt,
        title: 'SIP för Astrid',
        author: [{ type: 'Organization', identifier: { system: HSA, value: MUNICIPALITY.id }, display: MUNICIPALITY.name }],
      });
      const patient = document.entry![1]!.resource as Patient;
      expect(patient).toMatchObject({ id: plan.id, identifier: [{ system: PNR, value: plan.individual.personId }], name: [{ text: 'Astrid Nilsson' }] });
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
      for (const section of sections) {
        expect(section.title).toBeTruthy();
        expect(section.text!.div).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">.+<\/div>$/);
        expect(section.entry!.length, section.title).toBeGreaterThan(0);
      }
      const byCode = (code: string) => sections.find((s) => s.code!.coding![0]!.code === code)!;
      expect(byCode('relatives').text!.div).toContain('Maria Nilsson');
      expect(byCode('relatives').text!.div).toContain('Handla mat varje vecka');
      expect(byCode('region-part').text!.div).toContain('Planerad, inte beslutad');
      expect(byCode('consent').text!.div).toContain('Uppgifter om psykiatrisk vård');
      // Every resource of the SIP is an entry of some section.
      const inSections = new Set(sections.flatMap((s) => s.entry!.map((e) => e.reference)));
      for (const entry of document.entry!.slice(2)) {
        const resource = entry.resource!;
        if (['Organization', 'Practitioner'].includes(resource.resourceType)) continue;
        expect(inSections, `${resource.resourceType}/${resource.id}`).toContain(`${resource.resourceType}/${resource.id}`);
      }
    });

    it('is the same document, with the same identifier, as long as the plan is unchanged; POST answers it too', async () => {
      const again = await fhirBody<Bundle>(await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`));
      expect(again).toEqual(document);
      const post = await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`, { method: 'POST' });
      expect(await fhirBody<Bundle>(post)).toEqual(document);
      expect(post.headers.get('etag')).toBe(`W/"${plan.revision}"`);
      const withParameters = await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`, {
        method: 'POST',
        body: { resourceType: 'Parameters' },
        headers: { 'content-type': 'application/fhir+json' },
      });
      expect(await fhirBody<Bundle>(withParameters)).toEqual(document);
      const byPart = await fhirBody<Bundle>(await regionCoordinator.request(`/fhir/CarePlan/${plan.parts[0]!.id}/$sip`));
      expect(byPart).toEqual(document);
    });

    it('refuses a POST body that is not a Parameters resource, and parameters it does not take when asked to be strict', async () => {
      const path = `/fhir/CarePlan/${plan.id}/$sip`;
      await outcome(await regionCoordinator.request(path, { method: 'POST', body: { resourceType: 'Patient' } }), 400, 'invalid');
      await outcome(await regionCoordinator.request(path, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/fhir+json' } }), 400, 'invalid');
      await outcome(await regionCoordinator.request(path, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'not-supported');
      const parameters = { resourceType: 'Parameters', parameter: [{ name: 'extra', valueString: 'x' }] };
      expect((await regionCoordinator.request(path, { method: 'POST', body: parameters })).status).toBe(200);
      await outcome(await regionCoordinator.request(path, { method: 'POST', body: parameters, headers: { Prefer: 'handling=strict' } }), 400, 'not-supported');
      await outcome(await regionCoordinator.request(`${path}?foo=1`, { headers: { Prefer: 'handling=strict' } }), 400, 'not-supported');
      expect((await regionCoordinator.request(`${path}?foo=1`)).status).toBe(200);
    });

    it('answers If-None-Match with the current ETag with 304, by GET and by POST', async () => {
      const etag = `W/"${plan.revision}"`;
      for (const method of ['GET', 'POST']) {
        const res = await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`, { method, headers: { 'If-None-Match': etag } });
        expect(res.status, method).toBe(304);
        expect(await res.text()).toBe('');
      }
    });

    it('logs it as a read of the plan', async () => {
      const res = await regionCoordinator.request(`/fhir/CarePlan/${plan.id}/$sip`);
      expect(res.status).toBe(200);
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
      expect(bundle.entry).toEqual([{ fullUrl: `${base}/CarePlan/${shared.id}`, resource: expect.objectContaining({ id: shared.id }), search: { mode: 'match' } }]);
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
        body: new URLSearchParams({ 'patient:identifier': `${PNR}|${ERIK}`, _count: '5' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const bundle = await fhirBody<Bundle>(res);
      expect(bundle.entry?.map((e) => e.resource!.id)).toEqual([shared.id]);
      expect(JSON.stringify(bundle.link)).not.toContain(ERIK);
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

    it('leaves a SIP drawn up before the individual’s consent out for the other principal, and answers its reads with 404', async () => {
      const draft = await regionCoordinator.createPlan({ individual: { personId: GUNNEL } });
      const region = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${GUNNEL}`));
      expect(region.entry?.map((e) => e.resource!.id)).toEqual([draft.id]);
      const municipality = await fhirBody<Bundle>(await homecare.request(`/fhir/CarePlan?patient:identifier=${PNR}|${GUNNEL}`));
      expect(municipality).toMatchObject({ type: 'searchset', total: 0 });
      const byId = await fhirBody<Bundle>(await homecare.request(`/fhir/CarePlan?_id=${draft.id}`));
      expect(byId).toMatchObject({ type: 'searchset', total: 0 });
      for (const path of [`CarePlan/${draft.id}`, `CarePlan/${draft.id}/$sip`, `Patient/${draft.id}`, `CareTeam/${draft.id}`, `Composition/${draft.id}`]) {
        await outcome(await homecare.request(`/fhir/${path}`), 404, 'not-found');
      }
    });

    it('answers missing or malformed criteria with 400, and bad values of the result parameters', async () => {
      await outcome(await physician.request('/fhir/CarePlan'), 400, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan?patient=Patient/1`), 400, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK},${PNR}|${MARIA}`), 400, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|`), 400, 'invalid');
      for (const bad of ['_count=-1', '_count=abc', '_count=1.5', '_offset=x', '_summary=everything', '_total=some']) {
        await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&${bad}`), 400, 'invalid');
      }
    });

    it('ignores unknown parameters and names them in an OperationOutcome entry; refuses them with Prefer: handling=strict', async () => {
      const lenient = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&status=active&_sort=date`));
      expect(lenient.total).toBe(1);
      expect(lenient.entry!.map((e) => e.search!.mode)).toEqual(['match', 'outcome']);
      const warning = lenient.entry![1]!.resource as OperationOutcome;
      expect(warning.issue).toEqual([expect.objectContaining({ severity: 'warning', code: 'not-supported', diagnostics: expect.stringContaining('"status", "_sort"') })]);
      const strict = await outcome(
        await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&status=active`, { headers: { Prefer: 'handling=strict' } }),
        400,
        'not-supported',
      );
      expect(strict.issue[0]!.diagnostics).toContain('"status"');
      const explicit = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}`, { headers: { Prefer: 'handling=strict' } }));
      expect(explicit.entry!.map((e) => e.search!.mode)).toEqual(['match']);
    });
  });

  describe('search results: _count and paging, _summary, _total, _elements, _id', () => {
    let plans: PlanView[];
    const search = (query: string) => `/fhir/CarePlan?patient:identifier=${encodeURIComponent(`${PNR}|${TOR}`)}${query}`;

    beforeAll(async () => {
      plans = [];
      for (const title of ['Första', 'Andra', 'Tredje']) plans.push(await regionCoordinator.createPlan({ individual: { personId: TOR, name: 'Tolvan Tolvansson' }, title }));
    });

    it('pages by _count with self, first, next, previous and last links that name the matches by id, never the individual', async () => {
      const first = await fhirBody<Bundle>(await physician.request(search('&_count=2')));
      expect(first.total).toBe(3);
      expect(first.entry).toHaveLength(2);
      const links = Object.fromEntries(first.link!.map((l) => [l.relation, l.url]));
      expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next', 'self']);
      expect(JSON.stringify(first)).not.toContain(`CarePlan?patient`);
      expect(JSON.stringify(first.link)).not.toContain(TOR);
      const next = new URL(links.next!);
      expect(`${next.origin}${next.pathname}`).toBe(`${base}/CarePlan`);
      expect(next.searchParams.get('_count')).toBe('2');
      const second = await fhirBody<Bundle>(await physician.request(`${next.pathname}${next.search}`));
      expect(second.total).toBe(3);
      expect(second.entry).toHaveLength(1);
      const secondLinks = Object.fromEntries(second.link!.map((l) => [l.relation, l.url]));
      expect(secondLinks.next).toBeUndefined();
      expect(secondLinks.previous).toBe(links.first);
      expect(secondLinks.last).toBe(links.next);
      const ids = [...first.entry!, ...second.entry!].map((e) => e.resource!.id);
      // Most recently changed first.
      expect(ids).toEqual(plans.map((p) => p.id).reverse());
      const back = await fhirBody<Bundle>(await physician.request(new URL(secondLinks.previous!).pathname + new URL(secondLinks.previous!).search));
      expect(back.entry!.map((e) => e.resource!.id)).toEqual(ids.slice(0, 2));
    });

    it('answers _summary=count and _count=0 with the total and no entries, and logs the plans it counted as listed', async () => {
      for (const query of ['&_summary=count', '&_count=0']) {
        const res = await physician.request(search(query));
        const bundle = await fhirBody<Bundle>(res);
        expect(bundle).toMatchObject({ type: 'searchset', total: 3 });
        expect(bundle.entry).toBeUndefined();
        const rows = await ctx.database.db.select().from(accessLog).where(eq(accessLog.requestId, res.headers.get('x-request-id')!));
        expect(rows.map((r) => [r.planId, r.action]).sort()).toEqual(plans.map((p) => [p.id, 'plan.list']).sort());
      }
      const none = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${MARIA}&_summary=count`));
      expect(none).toMatchObject({ type: 'searchset', total: 0 });
    });

    it('leaves the total out with _total=none, and gives it with estimate or accurate', async () => {
      const none = await fhirBody<Bundle>(await physician.request(search('&_total=none&_count=1')));
      expect(none.total).toBeUndefined();
      expect(none.entry).toHaveLength(1);
      expect(none.link!.find((l) => l.relation === 'next')!.url).toContain('_total=none');
      for (const mode of ['estimate', 'accurate']) expect((await fhirBody<Bundle>(await physician.request(search(`&_total=${mode}`)))).total).toBe(3);
    });

    it('keeps only the named elements and the mandatory ones with _elements, tagged SUBSETTED, in every page', async () => {
      const bundle = await fhirBody<Bundle<CarePlan>>(await physician.request(search('&_elements=title,CarePlan.period&_count=2')));
      for (const entry of bundle.entry!) {
        expect(Object.keys(entry.resource!).sort()).toEqual(['id', 'intent', 'meta', 'period', 'resourceType', 'status', 'subject', 'title']);
        expect(entry.resource!.meta!.tag).toEqual([expect.objectContaining(SUBSETTED)]);
        validR4(entry.resource!);
      }
      expect(new URL(bundle.link!.find((l) => l.relation === 'next')!.url).searchParams.get('_elements')).toBe('title,CarePlan.period');
    });

    it('cuts to the summary elements with _summary=true and drops the narrative with _summary=data', async () => {
      const bundle = await fhirBody<Bundle<CarePlan>>(await physician.request(search('&_summary=true')));
      for (const entry of bundle.entry!) {
        const resource = entry.resource!;
        expect(resource.activity).toBeUndefined();
        expect(resource.careTeam).toBeUndefined();
        expect(resource).toMatchObject({ id: expect.any(String), status: 'draft', intent: 'plan', subject: expect.anything(), category: expect.anything() });
        expect(resource.meta!.tag).toEqual([expect.objectContaining(SUBSETTED)]);
      }
      const data = await fhirBody<Bundle<CarePlan>>(await physician.request(search('&_summary=data')));
      expect(data.entry!.every((e) => e.resource!.text === undefined && e.resource!.careTeam !== undefined)).toBe(true);
      const full = await fhirBody<Bundle<CarePlan>>(await physician.request(search('&_summary=false')));
      expect(full.entry!.every((e) => e.resource!.meta!.tag === undefined)).toBe(true);
    });

    it('finds CarePlans by _id, the SIP’s or a part’s, in the order given, and answers _count beyond the end with no entries', async () => {
      const [a, b] = plans;
      const bundle = await fhirBody<Bundle<CarePlan>>(await physician.request(`/fhir/CarePlan?_id=${b!.id},${a!.parts[0]!.id},00000000-0000-4000-8000-000000000000`));
      expect(bundle.total).toBe(2);
      expect(bundle.entry!.map((e) => e.resource!.id)).toEqual([b!.id, a!.parts[0]!.id]);
      expect(bundle.entry![1]!.resource!.partOf).toEqual([{ reference: `CarePlan/${a!.id}` }]);
      const past = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan?_id=${b!.id}&_offset=5`));
      expect(past.total).toBe(1);
      expect(past.entry).toBeUndefined();
    });
  });

  describe('content negotiation', () => {
    it('answers JSON to json, application/json, application/fhir+json, a wildcard and no Accept', async () => {
      for (const accept of [undefined, 'application/json', 'application/fhir+json', 'application/fhir+json; fhirVersion=4.0', '*/*', 'text/html,application/xhtml+xml,*/*;q=0.8']) {
        const res = await physician.request(`/fhir/CarePlan/${plan.id}`, { headers: accept ? { Accept: accept } : {} });
        expect((await fhirBody<CarePlan>(res)).id, accept).toBe(plan.id);
      }
      for (const format of ['json', 'application/json', 'application/fhir+json']) {
        expect((await physician.request(`/fhir/CarePlan/${plan.id}?_format=${encodeURIComponent(format)}`)).status, format).toBe(200);
      }
    });

    it('answers 406 with an OperationOutcome to XML, Turtle or anything else it does not serve', async () => {
      for (const accept of ['application/fhir+xml', 'application/xml', 'text/turtle', 'text/html', 'application/json;q=0']) {
        await outcome(await physician.request(`/fhir/CarePlan/${plan.id}`, { headers: { Accept: accept } }), 406, 'not-supported');
        await outcome(await t.app.request('/fhir/metadata', { headers: { Accept: accept } }), 406, 'not-supported');
      }
      for (const format of ['xml', 'application/fhir+xml', 'ttl', 'text/turtle', 'html']) {
        await outcome(await physician.request(`/fhir/CarePlan/${plan.id}?_format=${encodeURIComponent(format)}`), 406, 'not-supported');
        await outcome(await physician.request(`/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_format=${encodeURIComponent(format)}`), 406, 'not-supported');
        await outcome(await t.app.request(`/fhir/metadata?_format=${encodeURIComponent(format)}`), 406, 'not-supported');
      }
      const form = await physician.request('/fhir/CarePlan/_search', {
        method: 'POST',
        body: `patient:identifier=${ERIK}&_format=xml`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await outcome(form, 406, 'not-supported');
    });

    it('indents with _pretty=true', async () => {
      const text = await (await physician.request(`/fhir/CarePlan/${plan.id}?_pretty=true`)).text();
      expect(text).toContain('\n  "resourceType": "CarePlan"');
    });
  });

  describe('errors', () => {
    it('answers 401 without a valid token, with WWW-Authenticate', async () => {
      for (const path of [
        `/fhir/CarePlan/${plan.id}`,
        `/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}`,
        `/fhir/CarePlan/${plan.id}/$sip`,
        `/fhir/Patient/${plan.id}`,
        `/fhir/CareTeam/${plan.id}`,
      ]) {
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
      await outcome(await auditor.request(`/fhir/Patient/${plan.id}`), 403, 'forbidden');
      const citizen = await t.tokenFor('bengt');
      await outcome(await t.app.request(`/fhir/CarePlan/${plan.id}`, { headers: { Authorization: `Bearer ${citizen}` } }), 403, 'forbidden');
      await outcome(await t.app.request(`/fhir/Consent/${plan.id}`, { headers: { Authorization: `Bearer ${citizen}` } }), 403, 'forbidden');
    });

    it('answers 404, revealing nothing, for any resource of a plan my organisation is not in and for unknown ids', async () => {
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
      const document = await fhirBody<Bundle>(await physician.request(`/fhir/CarePlan/${plan.id}/$sip`));
      for (const entry of document.entry!) {
        const path = pathOf(entry.fullUrl!);
        const refused = await outcome(await asForeign(path), 404, 'not-found');
        expect(refused.issue[0]!.diagnostics).toBe(`No such ${entry.resource!.resourceType}`);
      }
      await outcome(await asForeign(`/fhir/CarePlan/${plan.id}/$sip`), 404, 'not-found');
      await outcome(await physician.request('/fhir/CarePlan/not-a-uuid'), 404, 'not-found');
      const empty = await fhirBody<Bundle>(await asForeign(`/fhir/CarePlan?patient:identifier=${PNR}|${plan.individual.personId}`));
      expect(empty.total).toBe(0);
      const byId = await fhirBody<Bundle>(await asForeign(`/fhir/CarePlan?_id=${plan.id}&_summary=count`));
      expect(byId.total).toBe(0);
    });

    it('answers unknown resource types and routes with 404, other methods with 405, as OperationOutcome', async () => {
      await outcome(await physician.request('/fhir/Patient/123'), 404, 'not-found');
      await outcome(await physician.request('/fhir/Goal'), 404, 'not-found');
      await outcome(await t.app.request('/fhir'), 404, 'not-found');
      await outcome(await physician.request(`/fhir/CarePlan/${plan.id}/$everything`), 404, 'not-found');
      await outcome(await physician.request('/fhir/CarePlan', { method: 'POST', body: { resourceType: 'CarePlan' } }), 405, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan/${plan.id}`, { method: 'DELETE' }), 405, 'not-supported');
      await outcome(await physician.request(`/fhir/Goal/${plan.id}`, { method: 'PUT', body: { resourceType: 'Goal' } }), 405, 'not-supported');
      await outcome(await physician.request(`/fhir/CarePlan/${plan.id}/$sip`, { method: 'PUT' }), 405, 'not-supported');
      await outcome(await t.app.request('/fhir/OperationDefinition/CarePlan-sip', { method: 'DELETE' }), 405, 'not-supported');
      await outcome(await physician.request('/fhir/Observation/1', { method: 'DELETE' }), 404, 'not-found');
    });

    it('never answers 500: odd ids, paths, parameters and headers get an OperationOutcome below 500', async () => {
      const paths = [
        '/fhir/CarePlan/%E0%A4%A',
        '/fhir/CarePlan/%00',
        `/fhir/Goal/${plan.id}.${'f'.repeat(200)}`,
        `/fhir/Goal/${'x'.repeat(5000)}`,
        '/fhir/CarePlan?_id=,,,',
        `/fhir/CarePlan?_id=${'a'.repeat(3000)}`,
        `/fhir/CarePlan?patient:identifier=%E0%A4%A`,
        `/fhir/CarePlan?patient:identifier=|`,
        `/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_count=99999999999999999999`,
        `/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_offset=999999999`,
        `/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_elements=,,,&_summary=text`,
        `/fhir/CarePlan?patient:identifier=${PNR}|${ERIK}&_elements=${encodeURIComponent('<script>')}`,
        `/fhir/CarePlan/${plan.id}?_elements=nothing&_summary=count`,
        '/fhir/OperationDefinition?url=&_count=0',
        '/fhir/CodeSystem?url=&_count=0',
        `/fhir/CodeSystem?url=${'%E0%A4%A'}`,
        '/fhir/NamingSystem/%00',
        `/fhir/NamingSystem?value=${'x'.repeat(3000)}&_elements=,,`,
        '/fhir/metadata?_summary=true',
      ];
      for (const path of paths) {
        const res = await physician.request(path, { headers: { Prefer: 'handling=lenient, return=minimal', 'If-None-Match': 'garbage' } });
        expect(res.status, path).toBeLessThan(500);
        expect(res.headers.get('content-type'), path).toMatch(/^application\/fhir\+json/);
      }
      for (const headers of [{ Accept: ';;;,,' }, { Accept: 'application/json;q=abc' }, { Prefer: '=' }, { 'If-None-Match': 'W/' }] as Record<string, string>[]) {
        const res = await physician.request(`/fhir/CarePlan/${plan.id}`, { headers });
        expect(res.status, JSON.stringify(headers)).toBeLessThan(500);
      }
    });

    it('leaves the staff API’s errors as problem+json', async () => {
      const res = await t.app.request('/api/plans');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const missing = await physician.request('/api/nothing-here');
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
    });

    it('writes no personnummer to the logs, whatever was asked', async () => {
      const logs = t.logs.join('\n');
      for (const personId of [plan.individual.personId, ERIK, TOR, GUNNEL, MARIA]) expect(logs).not.toContain(personId);
    });
  });
});
