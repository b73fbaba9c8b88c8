import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';
import { problemSchema } from '@sip/shared';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../http/problem-response.ts';

const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const checkSchema = z.object({ ok: z.boolean(), reason: z.string().optional() });
const readySchema = z
  .object({ status: z.literal('ready'), checks: z.record(z.string(), checkSchema) })
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
      summary: 'Readiness: the database and both upstream FHIR endpoints answer',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: readySchema } } },
        503: {
          description: 'Not ready: `detail` and `checks` say what is failing',
          content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema.extend({ checks: z.record(z.string(), checkSchema) }) } },
        },
      },
    }),
    async (c) => {
      const { database, upstreams } = c.get('deps');
      const [db, region, municipality] = await Promise.all([
        database.ping().then(
          () => ({ ok: true }) as const,
          () => ({ ok: false, reason: 'does not answer' }) as const,
        ),
        upstreams.region.check(),
        upstreams.municipality.check(),
      ]);
      const checks = { database: db, region, municipality };
      const failing = Object.entries(checks).filter(([, v]) => !v.ok);
      if (failing.length === 0) return c.json({ status: 'ready' as const, checks }, 200);
      const detail = failing.map(([name, v]) => `${name}: ${'reason' in v ? v.reason : 'failing'}`).join('; ');
      // c.json would label it application/json; the 503 is a problem document.
      return c.body(JSON.stringify({ ...problemBody(c, 'not-ready', detail), checks }), 503, {
        'content-type': PROBLEM_CONTENT_TYPE,
      }) as never;
    },
  );
