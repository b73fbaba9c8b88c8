import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PERSONNUMMER,
  personnummerToken,
  send,
  TEST_PERSONNUMMER,
  testCarePlan,
  testPatient,
  usePeer,
} from './test-support.ts';

const [TOLVAN, SECOND] = TEST_PERSONNUMMER;
const INDEX_SYSTEM = 'urn:sip:test:paging-index';
const INDEX_TOKEN = encodeURIComponent(`${INDEX_SYSTEM}|`);
const running = usePeer();

beforeAll(async () => {
  const pagingPatients: Resource[] = Array.from({ length: 45 }, (_, i) => ({
    resourceType: 'Patient',
    identifier: [{ system: INDEX_SYSTEM, value: String(i) }],
    name: [{ family: `Testperson ${i}` }],
  }));
  await running.peer.seed([
    ...pagingPatients,
    { ...testPatient(TOLVAN, 'Tolvansson'), id: 'tolvan' },
    { ...testPatient(SECOND, 'Åkesson'), id: 'second' },
    testCarePlan('Patient/tolvan', { id: 'plan-tolvan' }),
    testCarePlan('Patient/second', { id: 'plan-second', status: 'draft' }),
    {
      resourceType: 'Observation',
      id: 'obs-tolvan',
      status: 'final',
      code: { text: 'Vikt' },
      subject: { reference: 'Patient/tolvan' },
      effectiveDateTime: '2024-03-01',
    },
    {
      resourceType: 'Observation',
      id: 'obs-logical',
      status: 'preliminary',
      code: { text: 'Längd' },
      subject: { identifier: { system: PERSONNUMMER, value: SECOND } },
    },
  ]);
});

function ids(bundle: { entry?: { resource: { id: string } }[] }): string[] {
  return (bundle.entry ?? []).map((entry) => entry.resource.id);
}

function link(bundle: { link?: { relation: string; url: string }[] }, relation: string): string | undefined {
  return bundle.link?.find((l) => l.relation === relation)?.url;
}

describe('paging', () => {
  it('follows next links through 45 patients in pages of 20 and stops', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let url: string | undefined = `${running.base}/Patient?identifier=${INDEX_TOKEN}&_count=20`;
    while (url) {
      const page = await send(url);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(45);
      pageSizes.push(page.body.entry.length);
      seen.push(...ids(page.body));
      url = link(page.body, 'next');
      expect(pageSizes.length).toBeLessThan(10);
    }
    expect(pageSizes).toEqual([20, 20, 5]);
    expect(new Set(seen).size).toBe(45);
  });

  it('gives self, first, previous and last links as absolute URLs', async () => {
    const page = await send(`${running.base}/Patient?identifier=${INDEX_TOKEN}&_count=20&_offset=20`);
    expect(link(page.body, 'self')).toMatch(new RegExp(`^${running.base}/Patient\\?.*_offset=20`));
    expect(link(page.body, 'first')).toContain('_offset=0');
    expect(link(page.body, 'previous')).toContain('_offset=0');
    expect(link(page.body, 'next')).toContain('_offset=40');
    expect(link(page.body, 'last')).toContain('_offset=40');
    const first = await send(link(page.body, 'first') as string);
    expect(link(first.body, 'previous')).toBeUndefined();
  });

  it('uses a default page size of 20 and caps _count at 1000', async () => {
    const defaultPage = await send(`${running.base}/Patient`);
    expect(defaultPage.body.entry).toHaveLength(20);
    expect(defaultPage.body.total).toBe(47);
    const capped = await send(`${running.base}/Patient?_count=5000`);
    expect(capped.body.entry).toHaveLength(47);
    expect(link(capped.body, 'self')).toContain('_count=1000');
    expect((await send(`${running.base}/Patient?_count=-1`)).status).toBe(400);
  });

  it('answers _summary=count with the total only', async () => {
    const reply = await send(`${running.base}/Patient?_summary=count`);
    expect(reply.body.total).toBe(47);
    expect(reply.body.entry).toBeUndefined();
  });
});

describe('search parameters', () => {
  it('finds by identifier system|value and by value alone', async () => {
    const bySystem = await send(`${running.base}/Patient?identifier=${personnummerToken(TOLVAN)}`);
    expect(ids(bySystem.body)).toEqual(['tolvan']);
    expect(bySystem.body.entry[0].fullUrl).toBe(`${running.base}/Patient/tolvan`);
    expect(bySystem.body.entry[0].search).toEqual({ mode: 'match' });
    const byValue = await send(`${running.base}/Patient?identifier=${SECOND}`);
    expect(ids(byValue.body)).toEqual(['second']);
    const wrongSystem = await send(`${running.base}/Patient?identifier=${encodeURIComponent(`urn:other|${TOLVAN}`)}`);
    expect(wrongSystem.body.total).toBe(0);
  });

  it('finds by patient and subject, as Type/id or a bare id', async () => {
    expect(ids((await send(`${running.base}/CarePlan?patient=Patient/tolvan`)).body)).toEqual(['plan-tolvan']);
    expect(ids((await send(`${running.base}/CarePlan?subject=Patient/second`)).body)).toEqual(['plan-second']);
    expect(ids((await send(`${running.base}/CarePlan?patient=tolvan`)).body)).toEqual(['plan-tolvan']);
    expect(ids((await send(`${running.base}/Observation?subject=tolvan`)).body)).toEqual(['obs-tolvan']);
  });

  it('follows one level of chaining: patient.identifier and subject:Patient.identifier', async () => {
    const token = personnummerToken(SECOND);
    expect(ids((await send(`${running.base}/CarePlan?patient.identifier=${token}`)).body)).toEqual(['plan-second']);
    expect(ids((await send(`${running.base}/CarePlan?subject:Patient.identifier=${token}`)).body)).toEqual(['plan-second']);
  });

  it('combines parameters with AND and matches strings by prefix, ignoring case and accents', async () => {
    expect(ids((await send(`${running.base}/CarePlan?status=active&patient=second`)).body)).toEqual([]);
    const sorted = await send(`${running.base}/CarePlan?status=draft,active&_sort=status`);
    expect(ids(sorted.body)).toEqual(['plan-tolvan', 'plan-second']);
    expect(ids((await send(`${running.base}/Patient?family=akess`)).body)).toEqual(['second']);
    expect(ids((await send(`${running.base}/Patient?family=kesson`)).body)).toEqual([]);
    expect(ids((await send(`${running.base}/Patient?family:contains=kesson`)).body)).toEqual(['second']);
    expect(ids((await send(`${running.base}/Patient?family:exact=akesson`)).body)).toEqual([]);
  });

  it('supports :missing, :not and reference:identifier', async () => {
    expect(ids((await send(`${running.base}/Observation?date:missing=true`)).body)).toEqual(['obs-logical']);
    expect(ids((await send(`${running.base}/Observation?status:not=final`)).body)).toEqual(['obs-logical']);
    const byIdentifier = await send(`${running.base}/Observation?subject:identifier=${personnummerToken(SECOND)}`);
    expect(ids(byIdentifier.body)).toEqual(['obs-logical']);
  });

  it('searches dates with prefixes', async () => {
    expect(ids((await send(`${running.base}/Observation?date=ge2024-01-01`)).body)).toEqual(['obs-tolvan']);
    expect(ids((await send(`${running.base}/Observation?date=lt2024-01-01`)).body)).toEqual([]);
  });

  it('adds _include and _revinclude resources after the matches', async () => {
    const included = await send(`${running.base}/CarePlan?_id=plan-tolvan&_include=CarePlan:subject`);
    expect(included.body.total).toBe(1);
    expect(included.body.entry.map((e: any) => [e.resource.id, e.search.mode])).toEqual([
      ['plan-tolvan', 'match'],
      ['tolvan', 'include'],
    ]);
    const revIncluded = await send(`${running.base}/Patient?_id=tolvan&_revinclude=Observation:subject`);
    expect(revIncluded.body.entry.map((e: any) => [e.resource.id, e.search.mode])).toEqual([
      ['tolvan', 'match'],
      ['obs-tolvan', 'include'],
    ]);
  });

  it('searches within a patient compartment: GET Patient/[id]/[type]', async () => {
    const carePlans = await send(`${running.base}/Patient/tolvan/CarePlan`);
    expect(ids(carePlans.body)).toEqual(['plan-tolvan']);
    expect(link(carePlans.body, 'self')).toMatch(new RegExp(`^${running.base}/Patient/tolvan/CarePlan\\?`));
    expect(ids((await send(`${running.base}/Patient/tolvan/Observation?date=ge2024-01-01`)).body)).toEqual(['obs-tolvan']);
    expect(ids((await send(`${running.base}/Patient/second/Observation`)).body)).toEqual([]);
    expect((await send(`${running.base}/Patient/tolvan/Organization`)).status).toBe(400);
  });

  it('searches with POST [type]/_search and a form body', async () => {
    const response = await fetch(`${running.base}/Patient/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ identifier: `${PERSONNUMMER}|${TOLVAN}` }).toString(),
    });
    const bundle = await response.json();
    expect(response.status).toBe(200);
    expect(ids(bundle)).toEqual(['tolvan']);
    expect(link(bundle, 'self')).toMatch(new RegExp(`^${running.base}/Patient\\?identifier=`));
  });

  it('rejects unknown and unsupported parameters instead of ignoring them', async () => {
    const unknown = await send(`${running.base}/Patient?favourite-colour=blue`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.resourceType).toBe('OperationOutcome');
    expect((await send(`${running.base}/Observation?value-quantity=5`)).status).toBe(400);
    expect((await send(`${running.base}/Patient?_has:Observation:subject:status=final`)).status).toBe(400);
  });

  it('leaves deleted resources out of searches', async () => {
    const created = await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(TOLVAN, 'Raderad') });
    const family = `${running.base}/Patient?family=Raderad`;
    expect((await send(family)).body.total).toBe(1);
    await send(`${running.base}/Patient/${created.body.id}`, { method: 'DELETE' });
    expect((await send(family)).body.total).toBe(0);
  });
});
