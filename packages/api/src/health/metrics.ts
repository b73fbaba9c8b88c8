import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import { outboxCounts } from '../publish/outbox.worker.ts';
import type { Upstreams } from '../upstreams/upstream.ts';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The service's own metrics, kept for the life of the process: requests by route pattern (the
 * pattern a route was declared with, `/api/plans/:planId`, never the path asked: no ids, no
 * personal data), and the review watcher's runs. Counted in memory: a request costs a counter
 * and a histogram observation.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'sip_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'sip_http_request_errors_total',
    help: 'HTTP requests answered with a 5xx status, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'sip_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (to its headers; an event stream counts until it opens), by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly reviewRuns = new Counter({
    name: 'sip_review_watcher_runs_total',
    help: 'Runs of the review-due watcher, by outcome (ok, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly writePaths = new Counter({
    name: 'sip_write_path_total',
    help: 'Changes, by operation (part.update; a relative\'s me.answer, me.home-consent, me.request) and path: at-once (one read and one statement), locked (another change came between its read and its write) or unchanged (the change left the part as it was: nothing written)',
    labelNames: ['operation', 'path'] as const,
    registers: [this.registry],
  });

  /** Middleware counting every request by its route pattern. */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // The pattern of the last route matched; a path no route has counts under the catch-all's.
      const route = routePath(c, -1) || '/*';
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      const status = c.res.status;
      this.requests.inc({ method, route, status: String(status) });
      if (status >= 500) this.errors.inc({ method, route });
      this.duration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };

  reviewWatcherRun(outcome: 'ok' | 'failed'): void {
    this.reviewRuns.inc({ outcome });
  }

  /** A change written, and by which path: a rising share of `locked` is contention on the same plans. */
  readonly writePath: WritePathObserver = (operation, path) => {
    this.writePaths.inc({ operation, path });
  };
}

/**
 * Told which path a change took: the one-statement path, the locked path it falls back to, or
 * none, when the change left what it changes as it was (nothing written but the access log).
 */
export type WritePathObserver = (operation: WriteOperation, path: WritePath) => void;

export type WritePath = 'at-once' | 'locked' | 'unchanged';

/** The changes counted by path: a principal's part, and what a relative writes in their own name. */
export type WriteOperation = 'part.update' | 'me.answer' | 'me.home-consent' | 'me.request';

/** Methods kept as they are in labels; anything else a client sends is `OTHER` (label values stay few). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What the scrape reads at the moment it is asked. */
export interface ScrapeSources {
  db: Db;
  /** The reading clients by upstream name. */
  upstreams: Upstreams;
  /** The publishing clients by upstream name, where they are apart from the reading ones. */
  publishing?: Upstreams | undefined;
  /** Delivery attempts since start by `upstream|outcome`. */
  totals?: ReadonlyMap<string, number> | undefined;
  /** Open event streams. */
  eventStreams: number;
  now: Date;
}

/**
 * The metrics text: the service's own, and what is read at the scrape: what waits in the
 * outbox per upstream and since when, what was set aside, the deliveries since start by outcome,
 * the circuit breakers, the open event streams. Counts only: no ids, no personal data.
 */
export async function metricsText(service: ServiceMetrics, sources: ScrapeSources): Promise<string> {
  const registry = new Registry();
  const pending = new Gauge({ name: 'sip_publication_pending', help: 'Plan revisions waiting for delivery to an upstream', labelNames: ['upstream'], registers: [registry] });
  const oldest = new Gauge({
    name: 'sip_publication_oldest_pending_seconds',
    help: 'Age of the oldest plan revision waiting for delivery to an upstream (0 when none waits)',
    labelNames: ['upstream'],
    registers: [registry],
  });
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
  const circuit = new Gauge({
    name: 'sip_upstream_circuit_state',
    help: "State of an upstream client's circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated; by upstream and use (read, publish)",
    labelNames: ['upstream', 'use'],
    registers: [registry],
  });
  const streams = new Gauge({ name: 'sip_event_streams', help: 'Open plan event streams (server-sent events)', registers: [registry] });
  const names = Object.keys(sources.upstreams);
  for (const upstream of names) {
    pending.set({ upstream }, 0);
    oldest.set({ upstream }, 0);
    setAside.set({ upstream }, 0);
  }
  const nowSeconds = sources.now.getTime() / 1000;
  for (const count of await outboxCounts(sources.db)) {
    pending.set({ upstream: count.upstream }, count.pending);
    setAside.set({ upstream: count.upstream }, count.setAside);
    oldest.set({ upstream: count.upstream }, count.oldestPendingAt === null ? 0 : Math.max(0, nowSeconds - count.oldestPendingAt));
  }
  for (const [key, value] of sources.totals ?? []) {
    const [upstream, outcome] = key.split('|');
    deliveries.inc({ upstream: upstream ?? '', outcome: outcome ?? '' }, value);
  }
  for (const [use, clients] of [['read', sources.upstreams], ['publish', sources.publishing]] as const) {
    for (const [upstream, client] of Object.entries(clients ?? {})) {
      const state = client?.circuitState?.();
      if (state !== undefined) circuit.set({ upstream, use }, state);
    }
  }
  streams.set(sources.eventStreams);
  return (await service.registry.metrics()) + (await registry.metrics());
}
