import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CarePlan, Provenance } from '@medplum/fhirtypes';
import { searchPeer, startTestPeers, TEST_SYSTEM_BASE, type TestPeers } from '@sip/api/test-support';
import type { PlanView } from '@sip/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, startService, type ServiceProcess } from './support/service.ts';

const search = searchPeer;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a crash between commit and delivery', () => {
  let peers: TestPeers;
  let dataDir: string;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    peers = await startTestPeers();
    dataDir = mkdtempSync(join(tmpdir(), 'sip-crash-'));
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await peers?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers the committed change exactly once after a restart', async () => {
    const env = { DATA_DIR: dataDir, DEMO_MODE: 'on', REGION_FHIR_BASE_URL: peers.urls.region, MUNICIPALITY_FHIR_BASE_URL: peers.urls.municipality, FHIR_SYSTEM_BASE: TEST_SYSTEM_BASE };
    service = await startService(env);
    const port = new URL(service.url).port;
    const token = await mintToken(service.url, 'municipality-coordinator');
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${service!.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

    // The demo plans are published at start; take Astrid's.
    const list = (await (await api('/api/plans?limit=10')).json()) as { items: { id: string; individual: { personId: string } }[] };
    const planId = list.items.find((p) => p.individual.personId === '194003019801')!.id;
    await until('the first publication', async () =>
      (await search<CarePlan>(peers.urls.region, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`))[0],
    );

    await peers.region.setFault('down');
    const current = (await (await api(`/api/plans/${planId}`)).json()) as PlanView;
    const res = await api(`/api/plans/${planId}`, { method: 'PATCH', headers: { 'If-Match': `W/"${current.version}"` }, body: JSON.stringify({ title: 'SIP efter omstart' }) });
    expect(res.status).toBe(200);
    const changed = (await res.json()) as PlanView;
    // Delivered to the municipality; the region is down, so its delivery is still pending.
    await until('delivery to the municipality', async () => {
      const [sip] = await search<CarePlan>(peers.urls.municipality, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`);
      return sip?.title === 'SIP efter omstart' ? sip : undefined;
    });

    expect(await service.stop('SIGKILL')).toBeNull();
    await peers.region.setFault('none');
    const [stale] = await search<CarePlan>(peers.urls.region, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`);
    expect(stale!.title).not.toBe('SIP efter omstart');

    service = await startService({ ...env, PORT: port });
    const sip = await until('delivery to the region after the restart', async () => {
      const [found] = await search<CarePlan>(peers.urls.region, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`);
      return found?.title === 'SIP efter omstart' ? found : undefined;
    });

    // The plan reached the region with Astrid's consent (the municipality drew it up): every
    // revision from then on is published there, none before.
    const { versions } = (await (await api(`/api/plans/${planId}/versions`)).json()) as { versions: { revision: number; change: string }[] };
    const shared = versions.find((v) => v.change === 'consent.updated')!.revision;
    expect(shared).toBeGreaterThan(1);
    const sharedRevisions = Array.from({ length: changed.revision - shared + 1 }, (_, i) => shared + i);

    // Exactly once in effect: one SIP, and one Provenance for each revision that reached the region.
    expect(await search(peers.urls.region, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`)).toHaveLength(1);
    const provenances = await until('every revision', async () => {
      const found = await search<Provenance>(peers.urls.region, `Provenance?target=CarePlan/${sip.id}`);
      return found.length >= sharedRevisions.length ? found : undefined;
    });
    const revisions = provenances.map((p) => p.extension?.[0]?.valueInteger).sort((a, b) => a! - b!);
    expect(revisions).toEqual(sharedRevisions);

    // The municipality, whose plan it is, has every revision, from the draft on, each once. Its
    // last delivery may have been cut by the kill between two of its transactions (the CarePlan
    // written, the Provenance not yet): then it is delivered again after the restart, beside the
    // region's, and is waited for here as the region's is.
    const [own] = await search<CarePlan>(peers.urls.municipality, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${planId}`);
    const ownProvenances = await until('every revision at the municipality', async () => {
      const found = await search<Provenance>(peers.urls.municipality, `Provenance?target=CarePlan/${own!.id}`);
      return found.length >= changed.revision ? found : undefined;
    });
    expect(ownProvenances.map((p) => p.extension?.[0]?.valueInteger).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: changed.revision }, (_, i) => i + 1),
    );
  });
});
