import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  countByPersonnummer,
  invalidResource,
  PERSONNUMMER,
  personnummerToken,
  send,
  TEST_PERSONNUMMER,
  testCarePlan,
  testPatient,
  usePeer,
} from './test-support.ts';

const [TOLVAN, SECOND] = TEST_PERSONNUMMER;
const PATIENT_URN = 'urn:uuid:6c1e2f0a-3b1d-4e8f-9a51-0d6f2b7c8e11';
const PLAN_URN = 'urn:uuid:9f0b8a2e-1c4d-4b7a-8e3f-5a6d7c8b9e22';
const running = usePeer();

function transaction(entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

async function total(query: string): Promise<number> {
  return (await send(`${running.base}/${query}`)).body.total;
}

describe('transaction', () => {
  it('creates resources and resolves urn:uuid references between entries', async () => {
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        {
          fullUrl: PLAN_URN,
          resource: {
            resourceType: 'CarePlan',
            status: 'active',
            intent: 'plan',
            subject: { reference: PATIENT_URN },
          },
          request: { method: 'POST', url: 'CarePlan' },
        },
        {
          resource: {
            resourceType: 'Goal',
            lifecycleStatus: 'active',
            description: { text: 'Bo kvar hemma' },
            subject: { reference: PATIENT_URN },
          },
          request: { method: 'POST', url: 'Goal' },
        },
        {
          fullUrl: PATIENT_URN,
          resource: testPatient(TOLVAN),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${PERSONNUMMER}|${TOLVAN}` },
        },
      ]),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.type).toBe('transaction-response');
    const [plan, goal, patient] = reply.body.entry;
    for (const entry of [plan, goal, patient]) {
      expect(entry.response.status).toBe('201 Created');
      expect(entry.response.etag).toBe('W/"1"');
      expect(entry.response.location).toBe(
        `${running.base}/${entry.resource.resourceType}/${entry.resource.id}/_history/1`
      );
    }
    const patientReference = `Patient/${patient.resource.id}`;
    expect(plan.resource.subject.reference).toBe(patientReference);
    const storedGoal = await send(`${running.base}/Goal/${goal.resource.id}`);
    expect(storedGoal.body.subject.reference).toBe(patientReference);
    const carePlans = await send(`${running.base}/CarePlan?patient.identifier=${personnummerToken(TOLVAN)}`);
    expect(carePlans.body.entry.map((e: any) => e.resource.id)).toEqual([plan.resource.id]);
  });

  it('reuses the resource an ifNoneExist entry matches and points references at it', async () => {
    const existing = (await send(`${running.base}/Patient?identifier=${personnummerToken(TOLVAN)}`)).body
      .entry[0].resource;
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        {
          fullUrl: PATIENT_URN,
          resource: testPatient(TOLVAN, 'Ignored'),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${PERSONNUMMER}|${TOLVAN}` },
        },
        {
          resource: { resourceType: 'CarePlan', status: 'draft', intent: 'plan', subject: { reference: PATIENT_URN } },
          request: { method: 'POST', url: 'CarePlan' },
        },
      ]),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.entry[0].response.status).toBe('200 OK');
    expect(reply.body.entry[0].resource.id).toBe(existing.id);
    expect(reply.body.entry[1].resource.subject.reference).toBe(`Patient/${existing.id}`);
    expect(await countByPersonnummer(running.base, TOLVAN)).toBe(1);
  });

  it('leaves nothing behind when the third entry is invalid', async () => {
    const carePlansBefore = await total('CarePlan');
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        { fullUrl: PATIENT_URN, resource: testPatient(SECOND), request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: PATIENT_URN } },
          request: { method: 'POST', url: 'CarePlan' },
        },
        {
          resource: invalidResource({ resourceType: 'Observation', subject: { reference: PATIENT_URN } }),
          request: { method: 'POST', url: 'Observation' },
        },
      ]),
    });
    expect(reply.status).toBe(400);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    expect(reply.body.issue.at(-1).expression).toEqual(['Bundle.entry[2]']);
    expect(await countByPersonnummer(running.base, SECOND)).toBe(0);
    expect(await total('CarePlan')).toBe(carePlansBefore);
    expect(await total('Observation')).toBe(0);
  });

  it('rolls back earlier entries, including updates, when an ifMatch is stale', async () => {
    const patient = (await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(SECOND, 'Före') })).body;
    await send(`${running.base}/Patient/${patient.id}`, {
      method: 'PUT',
      json: { ...testPatient(SECOND, 'Nu'), id: patient.id },
    });
    const carePlansBefore = await total('CarePlan');
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        {
          resource: testCarePlan(`Patient/${patient.id}`),
          request: { method: 'POST', url: 'CarePlan' },
        },
        {
          resource: { ...testPatient(SECOND, 'Senare'), id: patient.id },
          request: { method: 'PUT', url: `Patient/${patient.id}`, ifMatch: 'W/"1"' },
        },
      ]),
    });
    expect(reply.status).toBe(412);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    expect(await total('CarePlan')).toBe(carePlansBefore);
    const read = await send(`${running.base}/Patient/${patient.id}`);
    expect(read.body.name[0].family).toBe('Nu');
    expect(read.body.meta.versionId).toBe('2');
  });

  it('honours a current ifMatch and PATCH entries as Binary JSON Patch', async () => {
    const patient = (await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(SECOND, 'Patchad') })).body;
    const patch = [{ op: 'add', path: '/gender', value: 'female' }];
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        {
          resource: {
            resourceType: 'Binary',
            contentType: 'application/json-patch+json',
            data: Buffer.from(JSON.stringify(patch)).toString('base64'),
          },
          request: { method: 'PATCH', url: `Patient/${patient.id}`, ifMatch: 'W/"1"' },
        },
      ]),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.entry[0].response).toMatchObject({ status: '200 OK', etag: 'W/"2"' });
    expect((await send(`${running.base}/Patient/${patient.id}`)).body.gender).toBe('female');
  });

  it('rejects a reference to a placeholder that no entry defines', async () => {
    const before = await total('CarePlan');
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        {
          resource: {
            resourceType: 'CarePlan',
            status: 'active',
            intent: 'plan',
            subject: { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' },
          },
          request: { method: 'POST', url: 'CarePlan' },
        },
      ]),
    });
    expect(reply.status).toBe(400);
    expect(await total('CarePlan')).toBe(before);
  });
});

describe('batch', () => {
  it('processes each entry on its own and reports each outcome', async () => {
    const before = await total('CarePlan');
    const reply = await send(running.base, {
      method: 'POST',
      json: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            resource: testCarePlan('Patient/x'),
            request: { method: 'POST', url: 'CarePlan' },
          },
          { resource: { resourceType: 'CarePlan' }, request: { method: 'POST', url: 'CarePlan' } },
          { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.type).toBe('batch-response');
    const statuses = reply.body.entry.map((e: any) => e.response.status);
    expect(statuses).toEqual(['201 Created', '400 Bad Request', '404 Not Found']);
    expect(reply.body.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect(await total('CarePlan')).toBe(before + 1);
  });

  it('rejects a body that is not a transaction or batch Bundle', async () => {
    const reply = await send(running.base, { method: 'POST', json: { resourceType: 'Bundle', type: 'collection' } });
    expect(reply.status).toBe(400);
    expect(reply.body.resourceType).toBe('OperationOutcome');
  });
});
