import { describe, expect, it } from 'vitest';
import type { FhirPeer, PeerState } from './index.ts';
import { createFhirPeer } from './index.ts';
import {
  countByPersonnummer,
  invalidResource,
  send,
  TEST_PERSONNUMMER,
  testCarePlan,
  testPatient,
  usePeer,
} from './test-support.ts';

const [TOLVAN, SECOND] = TEST_PERSONNUMMER;
const running = usePeer({ name: 'regional-record' });

describe('seed', () => {
  it('keeps given ids and assigns new ones to resources without', async () => {
    const stored = await running.peer.seed([
      { ...testPatient(TOLVAN), id: 'demo-tolvan' },
      testCarePlan('Patient/demo-tolvan', { id: 'demo-plan' }),
      testPatient(SECOND),
    ]);
    expect(stored.map((resource) => resource.id).slice(0, 2)).toEqual(['demo-tolvan', 'demo-plan']);
    expect(stored[2]?.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await send(`${running.base}/Patient/demo-tolvan`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    const plans = await send(`${running.base}/CarePlan?patient=demo-tolvan`);
    expect(plans.body.entry.map((e: any) => e.resource.id)).toEqual(['demo-plan']);
  });

  it('stores nothing when one seed resource is invalid', async () => {
    const invalidPlan = invalidResource({ resourceType: 'CarePlan', id: 'bad-plan' });
    await expect(running.peer.seed([{ ...testPatient(SECOND), id: 'never-stored' }, invalidPlan])).rejects.toThrow();
    expect((await send(`${running.base}/Patient/never-stored`)).status).toBe(404);
  });
});

describe('exportState and importState', () => {
  it('round-trips ids, versions, history and deletions into a fresh peer', async () => {
    const created = await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(SECOND, 'Version1') });
    const id = created.body.id;
    await send(`${running.base}/Patient/${id}`, { method: 'PUT', json: { ...testPatient(SECOND, 'Version2'), id } });
    const removed = await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(SECOND, 'Removed') });
    await send(`${running.base}/Patient/${removed.body.id}`, { method: 'DELETE' });

    const state: PeerState = JSON.parse(JSON.stringify(running.peer.exportState()));
    const restored = createFhirPeer();
    restored.importState(state);
    const server = await restored.listen();
    try {
      const read = await send(`${server.baseUrl}/Patient/${id}`);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('W/"2"');
      expect(read.body.name[0].family).toBe('Version2');
      expect((await send(`${server.baseUrl}/Patient/${id}/_history/1`)).body.name[0].family).toBe('Version1');
      expect((await send(`${server.baseUrl}/Patient/${removed.body.id}`)).status).toBe(410);
      expect((await send(`${server.baseUrl}/Patient/demo-tolvan`)).status).toBe(200);
      expect(await countByPersonnummer(server.baseUrl, SECOND)).toBe(await countByPersonnummer(running.base, SECOND));
      expect(restored.exportState()).toEqual(state);

      const next = await send(`${server.baseUrl}/Patient/${id}`, {
        method: 'PUT',
        json: { ...testPatient(SECOND, 'Version3'), id },
        headers: { 'if-match': 'W/"2"' },
      });
      expect(next.status).toBe(200);
      expect(next.headers.get('etag')).toBe('W/"3"');
    } finally {
      await restored.close();
    }
  });

  it('rejects a malformed snapshot and keeps the current state', () => {
    const peer = createFhirPeer();
    peer.importState(running.peer.exportState());
    const before = peer.exportState();
    const wrongType = { resource: { resourceType: 'Observation', id: 'x' }, deleted: false };
    const broken = { histories: { 'Patient/x': [wrongType] } };
    expect(() => peer.importState(broken as unknown as PeerState)).toThrow(TypeError);
    expect(peer.exportState()).toEqual(before);
  });
});

describe('onChange', () => {
  it('is called after each successful write and not after reads or failed writes', async () => {
    const peer: FhirPeer = running.peer;
    let changes = 0;
    const stop = peer.onChange(() => {
      changes++;
    });
    try {
      await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(TOLVAN, 'Change') });
      expect(changes).toBe(1);
      await send(`${running.base}/Patient?family=Change`);
      await send(`${running.base}/Patient`, { method: 'POST', json: { resourceType: 'Patient', birthDate: 'invalid' } });
      await send(running.base, {
        method: 'POST',
        json: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            { resource: testPatient(TOLVAN), request: { method: 'POST', url: 'Patient' } },
            { resource: { resourceType: 'CarePlan' }, request: { method: 'POST', url: 'CarePlan' } },
          ],
        },
      });
      expect(changes).toBe(1);
      await peer.seed([testPatient(TOLVAN, 'Seeded')]);
      expect(changes).toBe(2);
    } finally {
      stop();
    }
    await send(`${running.base}/Patient`, { method: 'POST', json: testPatient(TOLVAN, 'After') });
    expect(changes).toBe(2);
  });
});
