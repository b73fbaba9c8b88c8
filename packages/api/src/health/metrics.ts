import { Counter, Gauge, Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import { outboxCounts } from '../publish/outbox.worker.ts';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const SIDES = ['region', 'municipality'] as const;

/**
 * The service's metrics, fresh for each scrape: what waits in the outbox per upstream, what was
 * set aside, and the deliveries since start by outcome. Counts only: no ids, no personal data.
 */
export async function metricsText(db: Db, totals?: ReadonlyMap<string, number>): Promise<string> {
  const registry = new Registry();
  const pending = new Gauge({ name: 'sip_publication_pending', help: 'Plan revisions waiting for delivery to an upstream', labelNames: ['side'], registers: [registry] });
  const setAside = new Gauge({
    name: 'sip_publication_set_aside',
    help: 'Plan revisions an upstream refused for a reason a retry will not fix (they block nothing)',
    labelNames: ['side'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'sip_publication_attempts_total',
    help: 'Delivery attempts since start, by upstream and outcome (delivered, withheld, failed, set-aside)',
    labelNames: ['side', 'outcome'],
    registers: [registry],
  });
  for (const side of SIDES) {
    pending.set({ side }, 0);
    setAside.set({ side }, 0);
  }
  for (const count of await outboxCounts(db)) {
    pending.set({ side: count.side }, count.pending);
    setAside.set({ side: count.side }, count.setAside);
  }
  for (const [key, value] of totals ?? []) {
    const [side, outcome] = key.split('|');
    deliveries.inc({ side: side ?? '', outcome: outcome ?? '' }, value);
  }
  return registry.metrics();
}
