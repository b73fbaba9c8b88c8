import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDatabase, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

const peers = usePeers();

type LogLine = Record<string, unknown> & { msg?: string; requestId?: string; clientRequestId?: string };
const logLines = (t: TestApp): LogLine[] => t.logs.flatMap((chunk) => chunk.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine));

describeEachDatabase('HTTP hygiene', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });

  describe('request ids', () => {
    it('are the service’s own; a client’s id of safe characters is logged beside ours, marked as the client’s', async () => {
      const res = await t.app.request('/health', { headers: { 'X-Request-Id': 'portal-req-42' } });
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const line = logLines(t).find((l) => l.msg === 'request' && l.requestId === id);
      expect(line).toMatchObject({ requestId: id, clientRequestId: 'portal-req-42' });
    });

    it.each([
      ['a personnummer inside', 'req 194003019801'],
      ['a forged log field', '","level":60,"x":"'],
      ['too long', 'a'.repeat(65)],
      ['not ASCII', 'förfrågan'],
    ])('a client’s id that is not a short token of safe characters is not logged at all: %s', async (_what, sent) => {
      const res = await t.app.request('/health', { headers: { 'X-Request-Id': sent } });
      const id = res.headers.get('x-request-id')!;
      expect(id).not.toBe(sent);
      const line = logLines(t).find((l) => l.msg === 'request' && l.requestId === id);
      expect(line).toBeDefined();
      expect(line).not.toHaveProperty('clientRequestId');
      expect(t.logs.join('')).not.toContain(sent);
    });

    it('the access log records the service’s id, never the client’s', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const auditor = await staffClient(t, 'region-auditor');
      const plan = await coordinator.createPlan({ individual: { personId: '195202149836' } });
      const read = await coordinator.request(`/api/plans/${plan.id}`, { headers: { 'X-Request-Id': 'chosen-by-the-client' } });
      expect(read.status).toBe(200);
      const ours = read.headers.get('x-request-id')!;
      expect(ours).not.toBe('chosen-by-the-client');
      const res = await auditor.request('/api/access-log/search', { method: 'POST', body: { individual: '195202149836' } });
      const { items } = (await res.json()) as { items: { action: string; requestId: string | null }[] };
      expect(items.map((i) => i.requestId)).not.toContain('chosen-by-the-client');
      expect(items.find((i) => i.action === 'plan.read')?.requestId).toBe(ours);
    });
  });
});
