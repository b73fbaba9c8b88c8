import { Counter, Gauge, Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import { outboxCounts } from '../publish/outbox.worker.ts';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The service's metrics, fresh for each scrape: what waits in the outbox per upstream, what was
 * set aside, and the deliveries since start by outcome. Counts only: no ids, no personal data.
 */
export async function metricsText(db: Db, upstreams: readonly string[], totals?: ReadonlyMap<string, number>): Promise<string> {
  const registry = new Registry();
  const pending = new Gauge({ name: 'sip_publication_pending', help: 'Plan revisions waiting for delivery to an upstream', labelNames: ['upstream'], registers: [registry] });
  const setAside = new Gauge({
    name: 'sip_publication_set_aside',
    help: 'Plan revisions an upstream refused for a reason a retry will not fix (they block nothing)',
    labelNames: ['upstream'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'sip_publication_attempts_total',
    help: 'Delivery attempts since start, by upstream and outcome (delivered, withheld, failed, set-aside)',
    labelNames: ['upstream', 'outcome'],
    registers: [registry],
  });
  for (const upstream of upstreams) {
    pending.set({ upstream }, 0);
    setAside.set({ upstream }, 0);
  }
  for (const count of await outboxCounts(db)) {
    pending.set({ upstream: count.upstream }, count.pending);
    setAside.set({ upstream: count.upstream }, count.setAside);
  }
  for (const [key, value] of totals ?? []) {
    const [upstream, outcome] = key.split('|');
    deliveries.inc({ upstream: upstream ?? '', outcome: outcome ?? '' }, value);
  }
  return registry.metrics();
}
