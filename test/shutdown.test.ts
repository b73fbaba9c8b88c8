import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFhirPeer } from '@sip/fhir-peer';
import { describe, expect, it } from 'vitest';
import { mintToken, startService } from './support/service.ts';

describe('shutdown within SHUTDOWN_TIMEOUT_MS in all', () => {
  const SHUTDOWN_TIMEOUT_MS = 3000;
  /** What the process takes to exit once the sequence is done. */
  const EXIT_SLACK_MS = 1000;

  it('exits 0 within the bound with an event stream open, a request held by a slow upstream and deliveries to it under way', async () => {
    const region = createFhirPeer({ name: 'region', slowMs: 20_000 });
    const municipality = createFhirPeer({ name: 'municipality' });
    const [r, m] = await Promise.all([region.listen(), municipality.listen()]);
    const dataDir = mkdtempSync(join(tmpdir(), 'sip-shutdown-'));
    try {
      const service = await startService({
        DATA_DIR: dataDir,
        DEMO_MODE: 'on',
        REGION_FHIR_BASE_URL: r.baseUrl,
        MUNICIPALITY_FHIR_BASE_URL: m.baseUrl,
        UPSTREAM_TIMEOUT_MS: '30000',
        READY_TIMEOUT_MS: '30000',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      }, 180_000);
      const token = await mintToken(service.url, 'municipality-homecare');
      const plans = (await (await fetch(`${service.url}/api/plans`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        items?: { id: string }[];
      };
      const planId = plans.items?.[0]?.id;
      expect(planId).toBeTruthy();

      // The region now holds every request 20 s: the demo plans' deliveries to it hang, and so does /ready.
      region.setFault('slow');
      const stream = await fetch(`${service.url}/api/plans/${planId}/events`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } });
      expect(stream.status).toBe(200);
      const reading = (async () => {
        const reader = stream.body!.getReader();
        try {
          while (!(await reader.read()).done);
        } catch {
          // cut off: fine
        }
      })();
      const held = fetch(`${service.url}/ready`).then(
        (res) => res.status,
        () => 'cut off',
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      const signalled = performance.now();
      service.child.kill('SIGTERM');
      const code = await service.exited;
      const tookMs = performance.now() - signalled;
      expect(code, service.output()).toBe(0);
      expect(tookMs, service.output()).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
      await reading;
      expect(await held).toBe('cut off');
    } finally {
      region.setFault('none');
      await Promise.all([r.close(), m.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
