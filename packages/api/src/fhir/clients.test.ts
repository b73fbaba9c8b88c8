// The app first: @hono/zod-openapi must extend zod before @sip/shared builds its schemas.
import { describeEachDatabase, staffClient, type TestApp, usePeers } from '../test-support/index.ts';
import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { MedplumClient, validateResource } from '@medplum/core';
import type { Bundle, CarePlan, Composition, Reference, Resource } from '@medplum/fhirtypes';
import { referencesIn, type PlanView } from '@sip/shared';
import smart from 'fhirclient';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFhirDefinitions } from './definitions.ts';
import { addRelativeWithCommitments } from './face-fixtures.ts';
import { buildFhirTestApp, createFullPlan } from './test-support.ts';

/**
 * The face as two independent FHIR client libraries use it, each against a broker of its own
 * listening on loopback HTTP (on the same database), which counts the calls it answers: search
 * with `_count` and paging, searchOne, `_summary=count`, read, resolving every reference of the
 * SIP, and `$sip`. Every call must succeed.
 */

const peers = usePeers({ seed: false });
/** The setup drives a whole plan through the staff and relatives' APIs: room for a busy machine. */
const SETUP_TIMEOUT_MS = 120_000;

const PNR = 'http://electronichealth.se/identifier/personnummer';
const ASTRID = '194003019801';
/** Skatteverket's test personnummer for the individual with three SIPs, for paging. */
const TOLVAN = '191212121212';

interface Call {
  method: string;
  path: string;
  status: number;
}

/** A broker over HTTP at its own address (its PUBLIC_URL, so the links it writes lead back to it), counting the calls it answers. */
interface RunningBroker {
  url: string;
  t: TestApp;
  calls: Call[];
  close(): Promise<void>;
}

async function startBroker(database: Parameters<typeof buildFhirTestApp>[0]['database']): Promise<RunningBroker> {
  const calls: Call[] = [];
  let app: TestApp['app'] | undefined;
  let server!: Server;
  await new Promise<void>((resolve) => {
    server = serve(
      {
        fetch: async (request: Request) => {
          const response = await app!.fetch(request);
          const url = new URL(request.url);
          calls.push({ method: request.method, path: url.pathname, status: response.status });
          return response;
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(),
    ) as Server;
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await buildFhirTestApp({ database, peers: peers.urls, env: { PUBLIC_URL: url } });
  app = t.app;
  return {
    url,
    t,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The dotted path (`goal.0`, `participant.2.member`) of every Reference in a resource, as fhirclient's `resolveReferences` takes them. */
function referencePaths(value: unknown, path: string[] = [], out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((child, i) => referencePaths(child, [...path, String(i)], out));
  else if (value && typeof value === 'object') {
    if (typeof (value as Reference).reference === 'string' && path.length) out.push(path.join('.'));
    for (const [key, child] of Object.entries(value)) if (typeof child !== 'string') referencePaths(child, [...path, key], out);
  }
  return out;
}

function at(resource: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], resource);
}

const keyOf = (resource: Resource) => `${resource.resourceType}/${resource.id}`;

/** What a `$sip` document must be: valid R4, a Composition first, every reference the fullUrl of an entry. */
function expectDocument(bundle: Bundle, base: string, plan: PlanView) {
  loadFhirDefinitions();
  expect(() => validateResource(bundle)).not.toThrow();
  expect(bundle).toMatchObject({ type: 'document', identifier: { system: 'urn:ietf:rfc:3986' }, timestamp: plan.updatedAt });
  const composition = bundle.entry![0]!.resource as Composition;
  expect(composition).toMatchObject({ resourceType: 'Composition', status: 'final', subject: { reference: `Patient/${plan.id}` } });
  const fullUrls = new Set(bundle.entry!.map((e) => e.fullUrl));
  for (const reference of referencesIn(bundle)) expect(fullUrls, reference).toContain(`${base}/${reference}`);
}

/** The ids of the CarePlans a document holds: the SIP and its sub-CarePlans. */
const carePlansIn = (bundle: Bundle) => bundle.entry!.map((e) => e.resource!).filter((r) => r.resourceType === 'CarePlan').map((r) => r.id!);

describeEachDatabase('two independent FHIR client libraries against the face', (ctx) => {
  let medplumBroker: RunningBroker;
  let fhirclientBroker: RunningBroker;
  let plan: PlanView;
  let tolvan: PlanView[];

  beforeAll(async () => {
    medplumBroker = await startBroker(ctx.database);
    fhirclientBroker = await startBroker(ctx.database);
    const t = medplumBroker.t;
    const regionCoordinator = await staffClient(t, 'region-coordinator');
    plan = await createFullPlan({ regionCoordinator, physician: await staffClient(t, 'region-physician'), homecare: await staffClient(t, 'municipality-homecare') }, ASTRID);
    plan = await addRelativeWithCommitments(t, regionCoordinator, plan);
    tolvan = [];
    for (const title of ['Första', 'Andra', 'Tredje']) tolvan.push(await regionCoordinator.createPlan({ individual: { personId: TOLVAN }, title }));
    // What the tests themselves made is not what the libraries did.
    medplumBroker.calls.length = 0;
    fhirclientBroker.calls.length = 0;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await medplumBroker?.close();
    await fhirclientBroker?.close();
  });

  describe('@medplum/core MedplumClient', () => {
    let medplum: MedplumClient;
    let base: string;
    /** The calls the test asks of the library, each one HTTP request. */
    let expected = 0;

    beforeAll(async () => {
      base = `${medplumBroker.url}/fhir`;
      medplum = new MedplumClient({ baseUrl: `${medplumBroker.url}/`, fhirUrlPath: 'fhir', fetch: (input, init) => fetch(input, init), cacheTime: 0 });
      medplum.setAccessToken(await medplumBroker.t.tokenFor('region-coordinator'));
    });

    it('searches with _count and pages through every SIP of the individual', async () => {
      const pages: CarePlan[][] = [];
      for await (const page of medplum.searchResourcePages('CarePlan', { 'patient:identifier': `${PNR}|${TOLVAN}`, _count: '1' })) pages.push([...page]);
      expected += 3;
      expect(pages.map((page) => page.length)).toEqual([1, 1, 1]);
      expect(pages.flat().map((p) => p.id)).toEqual(tolvan.map((p) => p.id).reverse());
    });

    it('finds one SIP with searchOne, and counts with _summary=count', async () => {
      const one = await medplum.searchOne('CarePlan', { 'patient:identifier': `${PNR}|${ASTRID}` });
      expect(one?.id).toBe(plan.id);
      const counted = await medplum.search('CarePlan', { 'patient:identifier': `${PNR}|${TOLVAN}`, _summary: 'count' });
      expect(counted).toMatchObject({ type: 'searchset', total: 3 });
      expect(counted.entry).toBeUndefined();
      expected += 2;
    });

    it('reads the SIP CarePlan, and resolves every reference of it, its parts, its document’s Composition and what they reference with readReference', async () => {
      const carePlan = await medplum.readResource('CarePlan', plan.id);
      expected += 1;
      expect(carePlan).toMatchObject({ id: plan.id, subject: { reference: `Patient/${plan.id}` }, careTeam: [{ reference: `CareTeam/${plan.id}` }] });
      const parts = [...plan.parts.map((p) => p.id), plan.relativesSection.id];
      const seen = new Map<string, Resource>([[keyOf(carePlan), carePlan]]);
      // The parts point to the SIP, not it to them; the Composition of its document points to every part of it.
      const queue: Reference[] = [...referencesIn(carePlan), ...parts.map((id) => `CarePlan/${id}`), `Composition/${plan.id}`].map((reference) => ({ reference }));
      while (queue.length) {
        const reference = queue.shift()!;
        if (seen.has(reference.reference!)) continue;
        const resource = await medplum.readReference(reference);
        expected += 1;
        expect(keyOf(resource)).toBe(reference.reference);
        seen.set(reference.reference!, resource);
        for (const next of referencesIn(resource)) queue.push({ reference: next });
      }
      const types = new Set([...seen.keys()].map((key) => key.split('/')[0]));
      for (const type of ['CarePlan', 'CareTeam', 'Goal', 'Consent', 'RelatedPerson', 'Task', 'Patient', 'Organization', 'Practitioner']) expect(types, type).toContain(type);
      expect([...seen.keys()].filter((key) => key.startsWith('CarePlan/')).sort()).toEqual([plan.id, ...parts].map((id) => `CarePlan/${id}`).sort());
    });

    it('gets the $sip document by GET and by POST', async () => {
      const url = medplum.fhirUrl('CarePlan', plan.id, '$sip');
      const got = (await medplum.get(url)) as Bundle;
      const posted = (await medplum.post(url, { resourceType: 'Parameters' })) as Bundle;
      expected += 2;
      expectDocument(got, base, plan);
      expect(posted).toEqual(got);
      expect(carePlansIn(got).sort()).toEqual([plan.id, ...plan.parts.map((p) => p.id), plan.relativesSection.id].sort());
    });

    it('made every call it was asked for as one HTTP request, and every one succeeded', () => {
      const calls = medplumBroker.calls;
      expect(calls.length).toBe(expected);
      expect(calls.filter((c) => c.status >= 200 && c.status < 300).length).toBe(calls.length);
    });
  });

  describe('fhirclient (SMART on FHIR JavaScript client)', () => {
    let client: ReturnType<ReturnType<typeof smart>['client']>;
    let base: string;

    beforeAll(async () => {
      base = `${fhirclientBroker.url}/fhir`;
      // The Node entry wants the request and response of a SMART launch; a plain client uses neither.
      const request = new IncomingMessage(new Socket());
      const api = smart(request, new ServerResponse(request));
      client = api.client({ serverUrl: base, tokenResponse: { access_token: await fhirclientBroker.t.tokenFor('region-coordinator') } });
    });

    it('searches with _count and follows the next links to the end (pageLimit 0)', async () => {
      const all = (await client.request(`CarePlan?patient:identifier=${encodeURIComponent(`${PNR}|${TOLVAN}`)}&_count=1`, { pageLimit: 0, flat: true })) as CarePlan[];
      expect(all.map((p) => p.id)).toEqual(tolvan.map((p) => p.id).reverse());
    });

    it('finds one SIP with _count=1 (one page), and counts with _summary=count', async () => {
      const one = (await client.request(`CarePlan?patient:identifier=${encodeURIComponent(`${PNR}|${ASTRID}`)}&_count=1`, { flat: true })) as CarePlan[];
      expect(one.map((p) => p.id)).toEqual([plan.id]);
      const counted = (await client.request(`CarePlan?patient:identifier=${encodeURIComponent(`${PNR}|${TOLVAN}`)}&_summary=count`)) as Bundle;
      expect(counted).toMatchObject({ type: 'searchset', total: 3 });
      expect(counted.entry).toBeUndefined();
    });

    it('reads the SIP CarePlan with every reference resolved in place, then its parts, its document’s Composition and what they reference, the same way', async () => {
      const seen = new Map<string, Resource>();
      const queue = [`CarePlan/${plan.id}`, ...plan.parts.map((p) => `CarePlan/${p.id}`), `CarePlan/${plan.relativesSection.id}`, `Composition/${plan.id}`];
      while (queue.length) {
        const reference = queue.shift()!;
        if (seen.has(reference)) continue;
        const bare = (await client.request(reference)) as Resource;
        const paths = referencePaths(bare);
        const resolved = (await client.request(reference, { resolveReferences: paths, graph: true })) as Resource;
        expect(keyOf(resolved)).toBe(reference);
        seen.set(reference, bare);
        for (const path of paths) {
          const mounted = at(resolved, path) as Resource;
          const target = (at(bare, path) as Reference).reference!;
          // Resolved in place: the Reference replaced by the resource it names.
          expect(mounted?.resourceType, `${reference} ${path}`).toBe(target.split('/')[0]);
          expect(keyOf(mounted)).toBe(target);
          queue.push(target);
        }
      }
      const types = new Set([...seen.keys()].map((key) => key.split('/')[0]));
      for (const type of ['CarePlan', 'CareTeam', 'Goal', 'Consent', 'RelatedPerson', 'Task', 'Patient', 'Organization', 'Practitioner']) expect(types, type).toContain(type);
    });

    it('gets the $sip document by GET and by POST', async () => {
      const got = (await client.request(`CarePlan/${plan.id}/$sip`)) as Bundle;
      const posted = (await client.request({
        url: `CarePlan/${plan.id}/$sip`,
        method: 'POST',
        body: JSON.stringify({ resourceType: 'Parameters' }),
        headers: { 'content-type': 'application/fhir+json' },
      })) as Bundle;
      expectDocument(got, base, plan);
      expect(posted).toEqual(got);
    });

    it('made only calls that succeeded', () => {
      const calls = fhirclientBroker.calls;
      expect(calls.length).toBeGreaterThan(20);
      expect(calls.filter((c) => c.status >= 200 && c.status < 300).length).toBe(calls.length);
      expect(calls.every((c) => c.path.startsWith('/fhir/'))).toBe(true);
    });
  });
});
