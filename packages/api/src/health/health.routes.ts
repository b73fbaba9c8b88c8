import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';
import { problemSchema } from '@sip/shared';
import { PROBLEM_CONTENT_TYPE, problemBody, problemResponse } from '../http/problem-response.ts';
import { outboxCounts } from '../publish/outbox.worker.ts';
import { metricsText, METRICS_CONTENT_TYPE } from './metrics.ts';

/** The promise's value, or a rejection once `ms` have passed: every check of `/ready` is bounded. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const checkSchema = z.object({ ok: z.boolean(), reason: z.string().optional() });
/** Publication per upstream: shown, never failing readiness (a refusal is the upstream's or the data's, not ours). */
const publicationSchema = z.record(
  z.string(),
  z.object({
    pending: z.number().int().describe('Revisions waiting for delivery, retrying included'),
    setAside: z.number().int().describe('Refused for a reason a retry will not fix; they block nothing'),
  }),
);
const readySchema = z
  .object({ status: z.literal('ready'), checks: z.record(z.string(), checkSchema), publication: publicationSchema })
  .meta({ id: 'Ready' });

export const healthRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['Operations'],
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: healthSchema } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/ready',
      tags: ['Operations'],
      summary: 'Readiness: the database and every configured upstream FHIR endpoint answer (each check within READY_TIMEOUT_MS)',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: readySchema } } },
        503: {
          description: 'Not ready: `detail` and `checks` say what is failing',
          content: {
            [PROBLEM_CONTENT_TYPE]: { schema: problemSchema.extend({ checks: z.record(z.string(), checkSchema), publication: publicationSchema }) },
          },
        },
      },
    }),
    async (c) => {
      const { database, upstreams, config } = c.get('deps');
      const names = Object.keys(upstreams);
      const bound = config.readyTimeoutMs;
      const [db, ...answers] = await Promise.all([
        within(
          database.ping().then(() => ({ ok: true }) as const),
          bound,
        ).catch(() => ({ ok: false, reason: 'does not answer' }) as const),
        ...names.map((name) => within(upstreams[name]!.check(), bound).catch(() => ({ ok: false, reason: `no answer within ${bound} ms` }) as const)),
      ]);
      // The database, then every configured upstream by name (`region`, `municipality`, and those `UPSTREAMS` adds).
      const checks: Record<string, { ok: boolean; reason?: string }> = { database: db };
      const publication: Record<string, { pending: number; setAside: number }> = {};
      for (const [i, name] of names.entries()) {
        checks[name] = answers[i]!;
        publication[name] = { pending: 0, setAside: 0 };
      }
      if (db.ok) {
        for (const count of await within(outboxCounts(database.db), bound).catch(() => [])) {
          publication[count.upstream] = { pending: count.pending, setAside: count.setAside };
        }
      }
      const failing = Object.entries(checks).filter(([, v]) => !v.ok);
      if (failing.length === 0) return c.json({ status: 'ready' as const, checks, publication }, 200);
      const detail = failing.map(([name, v]) => `${name}: ${'reason' in v ? v.reason : 'failing'}`).join('; ');
      // c.json would label it application/json; the 503 is a problem document.
      return c.body(JSON.stringify({ ...problemBody(c, 'not-ready', detail), checks, publication }), 503, {
        'content-type': PROBLEM_CONTENT_TYPE,
      }) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['Operations'],
      summary: 'Metrics in the Prometheus text format: requests by route pattern, publication and circuit breakers per upstream, event streams, review-watcher runs (counts only, no data)',
      description:
        'With `METRICS_TOKEN` configured, a scraper presents it as a bearer token; without it the metrics are open outside production and not served in production.',
      responses: {
        200: { description: 'Metrics', content: { [METRICS_CONTENT_TYPE]: { schema: z.string() } } },
        401: { description: 'The metrics token is missing or wrong', content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } },
        404: { description: 'Not served: production without METRICS_TOKEN', content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } },
      },
    }),
    async (c) => {
      const { database, outbox, upstreams, publishing, config, events, metrics, clock } = c.get('deps');
      if (config.metricsToken === undefined) {
        if (config.env === 'production') return problemResponse(c, 'not-found', `No route for ${c.req.method} ${c.req.path}`) as never;
      } else if (!sameSecret(/^Bearer (\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '', config.metricsToken)) {
        return problemResponse(c, 'unauthenticated', 'The metrics token is required', { headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } }) as never;
      }
      const text = await metricsText(metrics!, {
        db: database.db,
        upstreams,
        publishing,
        totals: outbox?.totals,
        eventStreams: events.size,
        now: clock.now(),
      });
      return c.body(text, 200, { 'content-type': METRICS_CONTENT_TYPE }) as never;
    },
  );

/** Whether two secrets are equal, in time that does not depend on where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
