import { parsePersonId } from '@sip/shared';
import { describe, expect, it } from 'vitest';
import {
  countByPersonnummer,
  PERSONNUMMER,
  send,
  TEST_PERSONNUMMER,
  testPatient,
  usePeer,
} from './test-support.ts';

const [TOLVAN, SECOND] = TEST_PERSONNUMMER;
const running = usePeer({ name: 'rest-test' });

async function createPatient(personnummer: string, family?: string): Promise<{ id: string; etag: string }> {
  const reply = await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(personnummer, family) });
  expect(reply.status).toBe(201);
  return { id: reply.body.id, etag: reply.headers.get('etag') as string };
}

describe('fixtures', () => {
  it('use only test personnummer with a valid check digit', () => {
    expect(TEST_PERSONNUMMER.map((p) => parsePersonId(p)?.kind)).toEqual(['personnummer', 'personnummer']);
  });
});

describe('metadata', () => {
  it('answers a CapabilityStatement for FHIR 4.0.1 in server mode', async () => {
    const reply = await send(`${running.base}/metadata`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('application/fhir+json');
    expect(reply.body.resourceType).toBe('CapabilityStatement');
    expect(reply.body.fhirVersion).toBe('4.0.1');
    expect(reply.body.implementation).toEqual({ description: 'rest-test', url: running.base });
    const rest = reply.body.rest[0];
    expect(rest.mode).toBe('server');
    expect(rest.interaction.map((i: { code: string }) => i.code)).toEqual(['transaction', 'batch']);
    const carePlan = rest.resource.find((r: { type: string }) => r.type === 'CarePlan');
    expect(carePlan.interaction.map((i: { code: string }) => i.code)).toEqual(
      expect.arrayContaining(['read', 'vread', 'create', 'update', 'patch', 'delete', 'history-instance'])
    );
    expect(carePlan.searchParam).toContainEqual(expect.objectContaining({ name: 'patient', type: 'reference' }));
  });
});

describe('create and read', () => {
  it('creates with 201, Location and ETag, and reads back the same version', async () => {
    const created = await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(TOLVAN) });
    expect(created.status).toBe(201);
    const { id, meta } = created.body;
    expect(meta.versionId).toBe('1');
    expect(created.headers.get('location')).toBe(`${running.base}/Patient/${id}/_history/1`);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(new Date(created.headers.get('last-modified') as string).getTime()).toBeGreaterThan(0);

    const read = await send(`${running.base}/Patient/${id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(created.headers.get('etag'));
    expect(read.headers.get('last-modified')).toBe(created.headers.get('last-modified'));
    expect(read.body.identifier).toEqual([{ system: PERSONNUMMER, value: TOLVAN }]);

    const location = await send(created.headers.get('location') as string);
    expect(location.status).toBe(200);
    expect(location.body.id).toBe(id);
  });

  it('ignores a client id on POST and keeps it on PUT (update as create, 201)', async () => {
    const posted = await send(`${running.base}/Patient`, { method: 'POST', json: { ...testPatient(TOLVAN), id: 'chosen' } });
    expect(posted.status).toBe(201);
    expect(posted.body.id).not.toBe('chosen');

    const put = await send(`${running.base}/Patient/chosen-by-client`, {
      method: 'PUT',
      json: { ...testPatient(TOLVAN), id: 'chosen-by-client' },
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`${running.base}/Patient/chosen-by-client/_history/1`);
    expect((await send(`${running.base}/Patient/chosen-by-client`)).status).toBe(200);
  });

  it('answers 304 to If-None-Match with the current version', async () => {
    const { id, etag } = await createPatient(TOLVAN);
    const unchanged = await send(`${running.base}/Patient/${id}`, { headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    const stale = await send(`${running.base}/Patient/${id}`, { headers: { 'if-none-match': 'W/"0"' } });
    expect(stale.status).toBe(200);
  });

  it('honours Prefer: return=minimal', async () => {
    const reply = await send(`${running.base}/Patient`, {
      method: 'POST',
      json: testPatient(TOLVAN),
      headers: { prefer: 'return=minimal' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toBeUndefined();
    expect(reply.headers.get('location')).toMatch(/\/Patient\/[^/]+\/_history\/1$/);
  });
});

describe('update, vread and history', () => {
  it('numbers versions and keeps every version readable', async () => {
    const { id } = await createPatient(TOLVAN, 'First');
    const updated = await send(`${running.base}/Patient/${id}`, {
      method: 'PUT',
      json: { ...testPatient(TOLVAN, 'Second'), id },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('W/"2"');
    expect(updated.headers.get('location')).toBeNull();

    const first = await send(`${running.base}/Patient/${id}/_history/1`);
    expect(first.status).toBe(200);
    expect(first.body.name[0].family).toBe('First');
    expect(first.headers.get('etag')).toBe('W/"1"');

    const history = await send(`${running.base}/Patient/${id}/_history`);
    expect(history.body.type).toBe('history');
    expect(history.body.total).toBe(2);
    expect(history.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['2', '1']);
    expect(history.body.entry[0].fullUrl).toBe(`${running.base}/Patient/${id}`);
    expect((await send(`${running.base}/Patient/${id}/_history/3`)).status).toBe(404);
  });
});

describe('If-Match', () => {
  it('rejects a stale If-Match on PUT with 412 and changes nothing', async () => {
    const { id } = await createPatient(TOLVAN, 'Original');
    const first = await send(`${running.base}/Patient/${id}`, {
      method: 'PUT',
      json: { ...testPatient(TOLVAN, 'Changed'), id },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(first.status).toBe(200);

    const stale = await send(`${running.base}/Patient/${id}`, {
      method: 'PUT',
      json: { ...testPatient(TOLVAN, 'Lost update'), id },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');

    const read = await send(`${running.base}/Patient/${id}`);
    expect(read.body.name[0].family).toBe('Changed');
    expect(read.body.meta.versionId).toBe('2');
  });

  it('rejects a stale If-Match on PATCH and DELETE', async () => {
    const { id } = await createPatient(TOLVAN);
    await send(`${running.base}/Patient/${id}`, { method: 'PUT', json: { ...testPatient(TOLVAN, 'Newer'), id } });
    const patch = await send(`${running.base}/Patient/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json', 'if-match': 'W/"1"' },
      body: JSON.stringify([{ op: 'replace', path: '/name/0/family', value: 'Patched' }]),
    });
    expect(patch.status).toBe(412);
    const del = await send(`${running.base}/Patient/${id}`, { method: 'DELETE', headers: { 'if-match': 'W/"1"' } });
    expect(del.status).toBe(412);
    const read = await send(`${running.base}/Patient/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.name[0].family).toBe('Newer');
  });

  it('lets exactly one of ten concurrent updates with the same If-Match win', async () => {
    const { id, etag } = await createPatient(TOLVAN);
    const families = Array.from({ length: 10 }, (_, i) => `Concurrent${i}`);
    const replies = await Promise.all(
      families.map((family) =>
        send(`${running.base}/Patient/${id}`, {
          method: 'PUT',
          json: { ...testPatient(TOLVAN, family), id },
          headers: { 'if-match': etag },
        })
      )
    );
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(9);
    const winner = replies.find((reply) => reply.status === 200);
    const read = await send(`${running.base}/Patient/${id}`);
    expect(read.body.meta.versionId).toBe('2');
    expect(read.body.name[0].family).toBe(winner?.body.name[0].family);
  });
});

describe('patch and delete', () => {
  it('applies a JSON Patch as a new version', async () => {
    const { id, etag } = await createPatient(TOLVAN);
    const reply = await send(`${running.base}/Patient/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json', 'if-match': etag },
      body: JSON.stringify([
        { op: 'test', path: '/name/0/family', value: 'Tolvansson' },
        { op: 'add', path: '/gender', value: 'male' },
        { op: 'replace', path: '/name/0/given/0', value: 'Tolvar' },
      ]),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('etag')).toBe('W/"2"');
    expect(reply.body.gender).toBe('male');
    expect(reply.body.name[0].given).toEqual(['Tolvar']);
  });

  it('rejects a patch whose test fails or whose result is invalid, changing nothing', async () => {
    const { id } = await createPatient(TOLVAN);
    const failedTest = await send(`${running.base}/Patient/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([
        { op: 'add', path: '/gender', value: 'female' },
        { op: 'test', path: '/name/0/family', value: 'Someone else' },
      ]),
    });
    expect(failedTest.status).toBe(400);
    const invalid = await send(`${running.base}/Patient/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'add', path: '/birthDate', value: 'yesterday' }]),
    });
    expect(invalid.status).toBe(400);
    const read = await send(`${running.base}/Patient/${id}`);
    expect(read.body.meta.versionId).toBe('1');
    expect(read.body.gender).toBeUndefined();
  });

  it('answers 410 for a deleted resource and records the deletion in its history', async () => {
    const { id } = await createPatient(TOLVAN);
    const deleted = await send(`${running.base}/Patient/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const read = await send(`${running.base}/Patient/${id}`);
    expect(read.status).toBe(410);
    expect(read.body.resourceType).toBe('OperationOutcome');
    const history = await send(`${running.base}/Patient/${id}/_history`);
    expect(history.body.entry[0].request).toEqual({ method: 'DELETE', url: `Patient/${id}` });
    expect(history.body.entry[0].resource).toBeUndefined();
    expect((await send(`${running.base}/Patient/${id}/_history/1`)).status).toBe(200);
  });
});

describe('conditional create and update', () => {
  it('creates once for the same If-None-Exist and then answers 200 with the existing resource', async () => {
    const ifNoneExist = `identifier=${PERSONNUMMER}|${SECOND}`;
    const first = await send(`${running.base}/Patient`, {
      method: 'POST',
      json: testPatient(SECOND),
      headers: { 'if-none-exist': ifNoneExist },
    });
    expect(first.status).toBe(201);
    const second = await send(`${running.base}/Patient`, {
      method: 'POST',
      json: testPatient(SECOND, 'Duplicate'),
      headers: { 'if-none-exist': ifNoneExist },
    });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.meta.versionId).toBe('1');
    expect(second.body.name[0].family).toBe('Tolvansson');
    expect(await countByPersonnummer(running.base, SECOND)).toBe(1);
  });

  it('answers 412 to a conditional create that matches more than one resource', async () => {
    const identifier = { system: 'urn:oid:1.2.752.129.2.1.3.1', value: 'shared-case-number' };
    for (let i = 0; i < 2; i++) {
      await send(`${running.base}/Patient`, { method: 'POST', json: { resourceType: 'Patient', identifier: [identifier] } });
    }
    const reply = await send(`${running.base}/Patient`, {
      method: 'POST',
      json: { resourceType: 'Patient', identifier: [identifier] },
      headers: { 'if-none-exist': `identifier=${identifier.system}|${identifier.value}` },
    });
    expect(reply.status).toBe(412);
  });

  it('creates, then updates, by identifier with PUT [type]?identifier=', async () => {
    const system = 'urn:oid:1.2.752.129.2.1.3.1';
    const url = `${running.base}/CarePlan?identifier=${encodeURIComponent(`${system}|plan-17`)}`;
    const plan = (title: string) => ({
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      title,
      identifier: [{ system, value: 'plan-17' }],
      subject: { reference: 'Patient/chosen-by-client' },
    });
    const created = await send(url, { method: 'PUT', json: plan('Draft') });
    expect(created.status).toBe(201);
    const updated = await send(url, { method: 'PUT', json: plan('Agreed') });
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(created.body.id);
    expect(updated.body.meta.versionId).toBe('2');
    const search = await send(url);
    expect(search.body.total).toBe(1);
    expect(search.body.entry[0].resource.title).toBe('Agreed');

    await send(`${running.base}/CarePlan`, { method: 'POST', json: plan('Second copy') });
    expect((await send(url, { method: 'PUT', json: plan('Ambiguous') })).status).toBe(412);
  });
});

describe('errors', () => {
  it('rejects an invalid resource with 400 and its issues, storing nothing', async () => {
    const reply = await send(`${running.base}/Patient`, {
      method: 'POST',
      json: { ...testPatient(SECOND), birthDate: 'not a date', unknownField: true },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    const expressions = reply.body.issue.flatMap((issue: { expression?: string[] }) => issue.expression ?? []);
    expect(expressions).toEqual(expect.arrayContaining(['Patient.birthDate', 'Patient.unknownField']));
    const required = await send(`${running.base}/Observation`, { method: 'POST', json: { resourceType: 'Observation' } });
    expect(required.status).toBe(400);
    expect(await countByPersonnummer(running.base, SECOND)).toBe(1);
  });

  it('rejects a body whose resourceType does not match the URL', async () => {
    const post = await send(`${running.base}/Observation`, { method: 'POST', json: testPatient(TOLVAN) });
    expect(post.status).toBe(400);
    expect(post.body.resourceType).toBe('OperationOutcome');
    const put = await send(`${running.base}/Observation/x`, { method: 'PUT', json: { ...testPatient(TOLVAN), id: 'x' } });
    expect(put.status).toBe(400);
  });

  it('rejects malformed JSON and unsupported media types', async () => {
    const malformed = await send(`${running.base}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: '{"resourceType":"Patient",',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.resourceType).toBe('OperationOutcome');
    const xml = await send(`${running.base}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+xml' },
      body: '<Patient xmlns="http://hl7.org/fhir"/>',
    });
    expect(xml.status).toBe(415);
  });

  it('answers 404 with an OperationOutcome for unknown types and ids', async () => {
    const unknownId = await send(`${running.base}/Patient/does-not-exist`);
    expect(unknownId.status).toBe(404);
    expect(unknownId.body.resourceType).toBe('OperationOutcome');
    const unknownType = await send(`${running.base}/Patinet/1`);
    expect(unknownType.status).toBe(404);
    expect(unknownType.body.resourceType).toBe('OperationOutcome');
  });
});
