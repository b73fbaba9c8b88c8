import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { ReviewDueWatcher } from '../relatives/review-due.ts';
import { buildTestApp, createTestDatabase, staffClient, usePeers, type TestApp, type TestDatabase } from '../test-support/index.ts';
import { ServiceMetrics } from './metrics.ts';

const TOKEN = 'scrape-token-0123456789abcdef';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A Swedish personal or coordination number, with or without the century and the hyphen. */
const PERSONNUMMER = /\b(?:\d{2})?\d{6}[-+]?\d{4}\b/;

/** The value of one series in the metrics text, 0 when absent. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('metrics', () => {
  const peers = usePeers();
  let test: TestDatabase;
  let t: TestApp;
  const metrics = new ServiceMetrics();

  beforeAll(async () => {
    test = await createTestDatabase('pglite', { as: 'service' });
    t = await buildTestApp({ database: test.database, peers: peers.urls, env: { METRICS_TOKEN: TOKEN }, metrics });
  }, 120_000);
  afterAll(async () => {
    await t?.events.close();
    await test?.drop();
  });

  const scrape = async () => {
    const res = await t.app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('asks for the metrics token when one is configured, and is not served in production without one', async () => {
    expect((await t.app.request('/metrics')).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: { Authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const { env, metricsToken } = t.config;
    try {
      t.config.env = 'production';
      t.config.metricsToken = undefined;
      expect((await t.app.request('/metrics')).status).toBe(404);
      t.config.env = 'test';
      expect((await t.app.request('/metrics')).status).toBe(200);
    } finally {
      t.config.env = env;
      t.config.metricsToken = metricsToken;
    }
  });

  it('counts requests by route pattern, never by the path asked: no ids, no personal numbers in any label', async () => {
    const staff = await staffClient(t, 'region-coordinator');
    const plan = await staff.createPlan();
    const before = await scrape();
    const read = 'sip_http_requests_total{method="GET",route="/api/plans/:planId",status="200"}';
    const readsBefore = valueOf(before, read);
    expect((await staff.request(`/api/plans/${plan.id}`)).status).toBe(200);
    expect((await staff.request(`/api/plans/${plan.id}`)).status).toBe(200);
    expect((await staff.request(`/api/plans/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await staff.request('/api/plans/194003019801')).status).toBeGreaterThanOrEqual(400);
    expect((await t.app.request('/no/such/path/194003019801')).status).toBe(404);
    expect((await staff.request(`/fhir/CarePlan/${plan.id}/$sip`)).status).toBe(200);

    const after = await scrape();
    expect(valueOf(after, read) - readsBefore).toBe(2);
    expect(valueOf(after, 'sip_http_requests_total{method="GET",route="/api/plans/:planId",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'sip_http_request_duration_seconds_count{method="GET",route="/api/plans/:planId"}')).toBeGreaterThanOrEqual(3);
    expect(valueOf(after, 'sip_http_requests_total{method="POST",route="/api/plans",status="201"}')).toBeGreaterThanOrEqual(1);
    // The plan's revisions wait for delivery to both sides (the test's outbox does not run).
    expect(valueOf(after, 'sip_publication_pending{upstream="region"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'sip_publication_oldest_pending_seconds{upstream="region"}')).toBeGreaterThanOrEqual(0);
    expect(valueOf(after, 'sip_upstream_circuit_state{upstream="region",use="read"}')).toBe(0);
    expect(after).toContain('sip_upstream_circuit_state{upstream="municipality",use="publish"} 0');
    expect(after).not.toMatch(UUID);
    expect(after).not.toMatch(PERSONNUMMER);
    expect(after).not.toContain('Astrid');
  });

  it('counts open event streams and the review watcher’s runs', async () => {
    const staff = await staffClient(t, 'region-coordinator');
    const plan = await staff.createPlan();
    const stream = await staff.request(`/api/plans/${plan.id}/events`, { headers: { Accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(valueOf(await scrape(), 'sip_event_streams')).toBe(1);
    await stream.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(valueOf(await scrape(), 'sip_event_streams')).toBe(0);

    const watcher = new ReviewDueWatcher(test.database, createLogger('silent'), () => new Date(), {
      intervalMs: 60_000,
      onRun: (outcome) => metrics.reviewWatcherRun(outcome),
    });
    watcher.start();
    await watcher.stop();
    expect(valueOf(await scrape(), 'sip_review_watcher_runs_total{outcome="ok"}')).toBe(1);
  });
});
