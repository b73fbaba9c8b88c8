import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import type { FhirPeer } from './index.ts';
import { createFhirPeer } from './index.ts';
import {
  countByPersonnummer,
  invalidResource,
  PERSONNUMMER,
  personnummerToken,
  send,
  type Reply,
  TEST_PERSONNUMMER,
  testCarePlan,
  testPatient,
  usePeer,
} from './test-support.ts';

const [TOLVAN, SECOND] = TEST_PERSONNUMMER;
const PATIENT_URN = 'urn:uuid:2b7d4c1e-8f3a-4e6b-9c0d-1a2b3c4d5e6f';
const SERIALIZATION_TEXT = 'could not serialize access due to read/write dependencies among transactions';
const TOO_MANY_ENTRIES_TEXT = 'Transaction requires strict isolation but has too many entries';
const running = usePeer();

afterEach(() => {
  running.peer.setStrictness({
    transactions: undefined,
    maxTransactionEntries: undefined,
    serializationFailures: undefined,
    rateLimit: undefined,
  });
});

function transaction(entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

/** A transaction of `count` CarePlan creates; with `conditional`, the first is a conditional create. */
function carePlans(count: number, conditional: boolean): Bundle {
  return transaction(
    Array.from({ length: count }, (_, index) => ({
      resource: testCarePlan('Patient/limit', { title: `plan ${index}` }),
      request: {
        method: 'POST' as const,
        url: 'CarePlan',
        ...(conditional && index === 0 ? { ifNoneExist: 'identifier=urn:test|never-matches' } : undefined),
      },
    }))
  );
}

async function total(query: string): Promise<number> {
  return (await send(`${running.base}/${query}`)).body.total;
}

async function createPatient(family: string): Promise<Reply> {
  return send(`${running.base}/Patient`, { method: 'POST', json: testPatient(SECOND, family) });
}

/** Sends a request straight to a peer's fetch handler and reads the JSON body. */
async function viaFetch(
  peer: FhirPeer,
  path: string,
  init: { method?: string; json?: unknown } = {}
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await peer.fetch(
    new Request(`http://peer.test/${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/fhir+json' },
      ...(init.json === undefined ? undefined : { body: JSON.stringify(init.json) }),
    })
  );
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('strictness settings', () => {
  it('are all off by default', () => {
    expect(createFhirPeer().strictness).toEqual({
      transactions: 'atomic',
      maxTransactionEntries: undefined,
      serializationFailures: undefined,
      rateLimit: undefined,
    });
  });

  it('are taken from the options and changed one at a time at run time', () => {
    const peer = createFhirPeer({ transactions: 'batch', maxTransactionEntries: 8 });
    expect(peer.strictness).toMatchObject({ transactions: 'batch', maxTransactionEntries: 8 });
    peer.setStrictness({ serializationFailures: { every: 3 } });
    expect(peer.strictness).toMatchObject({ transactions: 'batch', serializationFailures: { every: 3 } });
    peer.setStrictness({ transactions: undefined, maxTransactionEntries: undefined });
    expect(peer.strictness).toMatchObject({ transactions: 'atomic', maxTransactionEntries: undefined });
  });

  it('rejects invalid values and then changes nothing', () => {
    const peer = createFhirPeer();
    expect(() => peer.setStrictness({ transactions: 'eventual' as never, maxTransactionEntries: 3 })).toThrow(
      TypeError
    );
    expect(() => peer.setStrictness({ maxTransactionEntries: 0 })).toThrow(TypeError);
    expect(() => peer.setStrictness({ serializationFailures: { every: 1.5 } })).toThrow(TypeError);
    expect(() => peer.failNextWrites(-1)).toThrow(TypeError);
    expect(() => peer.throttleNext(1, Number.NaN)).toThrow(TypeError);
    expect(() => createFhirPeer({ rateLimit: { retryAfterSeconds: -1 } })).toThrow(TypeError);
    expect(peer.strictness).toEqual(createFhirPeer().strictness);
  });
});

describe("transactions: 'batch'", () => {
  it('answers 200 with each entry’s own status, storing the good entries and not the bad one', async () => {
    running.peer.setStrictness({ transactions: 'batch' });
    const failedBefore = running.peer.strictnessCounters.failedTransactionEntries;
    const observationsBefore = await total('Observation');
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        { fullUrl: PATIENT_URN, resource: testPatient(TOLVAN), request: { method: 'POST', url: 'Patient' } },
        {
          resource: testCarePlan(PATIENT_URN),
          request: { method: 'POST', url: 'CarePlan' },
        },
        {
          resource: invalidResource({ resourceType: 'Observation', subject: { reference: PATIENT_URN } }),
          request: { method: 'POST', url: 'Observation' },
        },
      ]),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.type).toBe('transaction-response');
    const [patient, plan, observation] = reply.body.entry;
    expect(reply.body.entry.map((entry: any) => entry.response.status)).toEqual([
      '201 Created',
      '201 Created',
      '400 Bad Request',
    ]);
    expect(observation.resource).toBeUndefined();
    expect(observation.response.outcome.resourceType).toBe('OperationOutcome');
    expect(observation.response.outcome.issue[0].severity).toBe('error');
    expect(plan.resource.subject.reference).toBe(`Patient/${patient.resource.id}`);
    expect((await send(`${running.base}/CarePlan/${plan.resource.id}`)).status).toBe(200);
    expect(await countByPersonnummer(running.base, TOLVAN)).toBe(1);
    expect(await total('Observation')).toBe(observationsBefore);
    expect(running.peer.strictnessCounters.failedTransactionEntries).toBe(failedBefore + 1);
  });

  it('stores a dangling reference to the placeholder of an entry that failed, as Medplum does', async () => {
    running.peer.setStrictness({ transactions: 'batch' });
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        {
          fullUrl: PATIENT_URN,
          resource: invalidResource({ resourceType: 'Patient', birthDate: 'last spring' }),
          request: { method: 'POST', url: 'Patient' },
        },
        { resource: testCarePlan(PATIENT_URN), request: { method: 'POST', url: 'CarePlan' } },
      ]),
    });
    expect(reply.status).toBe(200);
    const [patient, plan] = reply.body.entry;
    expect(patient.response.status).toBe('400 Bad Request');
    expect(plan.response.status).toBe('201 Created');
    const subject = plan.resource.subject.reference;
    expect(subject).toMatch(/^Patient\/[0-9a-f-]{36}$/);
    expect((await send(`${running.base}/${subject}`)).status).toBe(404);
  });

  it('still honours conditional creates and ifMatch, failing only the stale entry', async () => {
    running.peer.setStrictness({ transactions: 'batch' });
    const existing = (await send(`${running.base}/Patient?identifier=${personnummerToken(TOLVAN)}`)).body.entry[0]
      .resource;
    const other = (await createPatient('Före')).body;
    const update = { ...testPatient(SECOND, 'Nu'), id: other.id };
    await send(`${running.base}/Patient/${other.id}`, { method: 'PUT', json: update });
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction([
        {
          fullUrl: PATIENT_URN,
          resource: testPatient(TOLVAN, 'Ignored'),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${PERSONNUMMER}|${TOLVAN}` },
        },
        { resource: testCarePlan(PATIENT_URN), request: { method: 'POST', url: 'CarePlan' } },
        {
          resource: { ...testPatient(SECOND, 'Senare'), id: other.id },
          request: { method: 'PUT', url: `Patient/${other.id}`, ifMatch: 'W/"1"' },
        },
      ]),
    });
    expect(reply.status).toBe(200);
    const [patient, plan, stale] = reply.body.entry;
    expect(patient.response.status).toBe('200 OK');
    expect(patient.resource.id).toBe(existing.id);
    expect(plan.resource.subject.reference).toBe(`Patient/${existing.id}`);
    expect(stale.response.status).toBe('412 Precondition Failed');
    expect(stale.response.outcome.issue[0].code).toBe('processing');
    expect((await send(`${running.base}/Patient/${other.id}`)).body.name[0].family).toBe('Nu');
    expect(await countByPersonnummer(running.base, TOLVAN)).toBe(1);
  });

  it('works the same through peer.fetch, switched on at run time', async () => {
    const peer = createFhirPeer();
    peer.setStrictness({ transactions: 'batch' });
    const reply = await viaFetch(peer, '', {
      method: 'POST',
      json: transaction([
        { resource: testCarePlan('Patient/x'), request: { method: 'POST', url: 'CarePlan' } },
        { resource: invalidResource({ resourceType: 'CarePlan' }), request: { method: 'POST', url: 'CarePlan' } },
      ]),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.entry.map((entry: any) => entry.response.status)).toEqual(['201 Created', '400 Bad Request']);
    expect(peer.repo.current('CarePlan')).toHaveLength(1);
    peer.setStrictness({ transactions: 'atomic' });
    const atomic = await viaFetch(peer, '', {
      method: 'POST',
      json: transaction([
        { resource: testCarePlan('Patient/x'), request: { method: 'POST', url: 'CarePlan' } },
        { resource: invalidResource({ resourceType: 'CarePlan' }), request: { method: 'POST', url: 'CarePlan' } },
      ]),
    });
    expect(atomic.status).toBe(400);
    expect(peer.repo.current('CarePlan')).toHaveLength(1);
  });
});

describe('maxTransactionEntries', () => {
  it('refuses a transaction with a conditional entry and too many entries, writing nothing', async () => {
    running.peer.setStrictness({ maxTransactionEntries: 8 });
    const before = await total('CarePlan');
    const refusedBefore = running.peer.strictnessCounters.refusedTransactions;
    const reply = await send(running.base, { method: 'POST', json: carePlans(11, true) });
    expect(reply.status).toBe(400);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    expect(reply.body.issue[0]).toMatchObject({
      severity: 'error',
      code: 'invalid',
      diagnostics: TOO_MANY_ENTRIES_TEXT,
    });
    expect(await total('CarePlan')).toBe(before);
    expect(running.peer.strictnessCounters.refusedTransactions).toBe(refusedBefore + 1);

    const accepted = await send(running.base, { method: 'POST', json: carePlans(3, true) });
    expect(accepted.status).toBe(200);
    expect(await total('CarePlan')).toBe(before + 3);
  });

  it('lets larger transactions without conditional entries through, as Medplum does', async () => {
    running.peer.setStrictness({ maxTransactionEntries: 8 });
    const before = await total('CarePlan');
    const reply = await send(running.base, { method: 'POST', json: carePlans(11, false) });
    expect(reply.status).toBe(200);
    expect(await total('CarePlan')).toBe(before + 11);
  });

  it('does not limit transactions processed as batches', async () => {
    const peer = createFhirPeer({ maxTransactionEntries: 8, transactions: 'batch' });
    const reply = await viaFetch(peer, '', { method: 'POST', json: carePlans(11, true) });
    expect(reply.status).toBe(200);
    expect(peer.repo.current('CarePlan')).toHaveLength(11);
  });

  it('refuses through peer.fetch too', async () => {
    const peer = createFhirPeer({ maxTransactionEntries: 8 });
    const reply = await viaFetch(peer, '', { method: 'POST', json: carePlans(11, true) });
    expect(reply.status).toBe(400);
    expect(reply.body.issue[0].diagnostics).toBe(TOO_MANY_ENTRIES_TEXT);
    expect(peer.repo.current('CarePlan')).toHaveLength(0);
  });
});

describe('serialization failures', () => {
  it('fail exactly the next N writes with 409, not reads, then let writes through', async () => {
    const countedBefore = running.peer.strictnessCounters.serializationFailures;
    running.peer.failNextWrites(2);
    expect(running.peer.strictness.serializationFailures).toEqual({ next: 2 });
    const first = await createPatient('Första');
    expect(first.status).toBe(409);
    expect(first.body.issue[0]).toMatchObject({
      severity: 'error',
      code: 'conflict',
      details: { coding: [{ code: '40001' }], text: SERIALIZATION_TEXT },
      diagnostics: SERIALIZATION_TEXT,
    });
    expect((await send(`${running.base}/Patient?family=Första`)).status).toBe(200);
    const searchByPost = await send(`${running.base}/Patient/_search`, {
      method: 'POST',
      body: 'family=Första',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(searchByPost.status).toBe(200);
    expect(running.peer.strictness.serializationFailures).toEqual({ next: 1 });
    expect((await createPatient('Andra')).status).toBe(409);
    expect(running.peer.strictness.serializationFailures).toBeUndefined();
    const third = await createPatient('Tredje');
    expect(third.status).toBe(201);
    expect(await total('Patient?family=Första')).toBe(0);
    expect(await total('Patient?family=Tredje')).toBe(1);
    expect(running.peer.strictnessCounters.serializationFailures).toBe(countedBefore + 2);
  });

  it('fail every k-th write: creates, updates and deletes alike', async () => {
    running.peer.setStrictness({ serializationFailures: { every: 3 } });
    const created = await createPatient('Var tredje');
    expect(created.status).toBe(201);
    const id = created.body.id;
    const statuses = [created.status];
    for (const family of ['Två', 'Tre', 'Fyra', 'Fem', 'Sex']) {
      const reply = await send(`${running.base}/Patient/${id}`, {
        method: 'PUT',
        json: { ...testPatient(SECOND, family), id },
      });
      statuses.push(reply.status);
    }
    statuses.push((await send(`${running.base}/Patient/${id}`, { method: 'DELETE' })).status);
    expect(statuses).toEqual([201, 200, 409, 200, 200, 409, 200]);
    expect(running.peer.strictness.serializationFailures).toEqual({ every: 3 });
  });

  it('fail the whole atomic transaction with 409, which succeeds when retried', async () => {
    const before = await total('CarePlan');
    running.peer.failNextWrites(1);
    const bundle = transaction([
      { resource: testCarePlan('Patient/a'), request: { method: 'POST', url: 'CarePlan' } },
      { resource: testCarePlan('Patient/b'), request: { method: 'POST', url: 'CarePlan' } },
    ]);
    const failed = await send(running.base, { method: 'POST', json: bundle });
    expect(failed.status).toBe(409);
    expect(failed.body.issue[0].diagnostics).toBe(SERIALIZATION_TEXT);
    expect(await total('CarePlan')).toBe(before);
    const retried = await send(running.base, { method: 'POST', json: bundle });
    expect(retried.status).toBe(200);
    expect(await total('CarePlan')).toBe(before + 2);
  });

  it('fail only the chosen entries of a transaction processed as a batch', async () => {
    running.peer.setStrictness({ transactions: 'batch', serializationFailures: { every: 2 } });
    const before = await total('CarePlan');
    const reply = await send(running.base, {
      method: 'POST',
      json: transaction(
        ['a', 'b', 'c', 'd'].map((patient) => ({
          resource: testCarePlan(`Patient/${patient}`),
          request: { method: 'POST' as const, url: 'CarePlan' },
        }))
      ),
    });
    expect(reply.status).toBe(200);
    const responses = reply.body.entry.map((entry: any) => entry.response);
    expect(responses.map((response: any) => response.status)).toEqual([
      '201 Created',
      '409 Conflict',
      '201 Created',
      '409 Conflict',
    ]);
    expect(responses[1].outcome.issue[0].diagnostics).toBe(SERIALIZATION_TEXT);
    expect(await total('CarePlan')).toBe(before + 2);
  });

  it('work through peer.fetch, configured as an option', async () => {
    const peer = createFhirPeer({ serializationFailures: { next: 1 } });
    const first = await viaFetch(peer, 'Patient', { method: 'POST', json: testPatient(TOLVAN) });
    expect(first.status).toBe(409);
    expect(first.body.issue[0].code).toBe('conflict');
    const second = await viaFetch(peer, 'Patient', { method: 'POST', json: testPatient(TOLVAN) });
    expect(second.status).toBe(201);
    expect(peer.strictnessCounters.serializationFailures).toBe(1);
  });
});

describe('rate limiting', () => {
  it('answers the next N requests 429 with Retry-After, then handles requests again', async () => {
    const before = running.peer.strictnessCounters.throttledRequests;
    running.peer.throttleNext(2, 7);
    for (const url of [`${running.base}/metadata`, `${running.base}/Patient`]) {
      const reply = await send(url);
      expect(reply.status).toBe(429);
      expect(reply.headers.get('retry-after')).toBe('7');
      expect(reply.headers.get('content-type')).toContain('application/fhir+json');
      expect(reply.body.resourceType).toBe('OperationOutcome');
      expect(reply.body.issue[0]).toMatchObject({ severity: 'error', code: 'throttled' });
    }
    expect(running.peer.strictness.rateLimit).toBeUndefined();
    const after = await send(`${running.base}/Patient`);
    expect(after.status).toBe(200);
    expect(running.peer.strictnessCounters.throttledRequests).toBe(before + 2);
  });

  it('writes nothing for a throttled write', async () => {
    running.peer.throttleNext(1);
    const reply = await createPatient('Strypt');
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(await total('Patient?family=Strypt')).toBe(0);
  });

  it('answers every request 429 while switched on, through peer.fetch too', async () => {
    const peer = createFhirPeer({ rateLimit: { retryAfterSeconds: 30 } });
    for (let i = 0; i < 3; i++) {
      const reply = await viaFetch(peer, 'Patient');
      expect(reply.status).toBe(429);
      expect(reply.headers.get('retry-after')).toBe('30');
    }
    expect(peer.strictness.rateLimit).toEqual({ retryAfterSeconds: 30 });
    peer.setStrictness({ rateLimit: undefined });
    expect((await viaFetch(peer, 'Patient')).status).toBe(200);
    expect(peer.strictnessCounters.throttledRequests).toBe(3);
  });
});
