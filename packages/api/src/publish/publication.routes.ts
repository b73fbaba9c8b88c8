import { createRoute, z } from '@hono/zod-openapi';
import { apiToken } from '@sip/shared';
import type { Db } from '../db/database.ts';
import { bearerSecurity, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import { plansService, staffActor } from '../plans/context.ts';
import { authz } from '../policy/authorize.ts';
import { publicationOf } from './publication.ts';

const sidePublication = z
  .object({
    side: z.enum(['region', 'municipality']),
    upstream: z.string().describe('The configured upstream the side goes to: the one of the plan’s organisation on that side'),
    state: z.enum(['published', 'pending', 'set-aside', 'never']),
    deliveredRevision: z.number().int().nullable(),
    waitingRevision: z.number().int().nullable(),
    reason: z.string().nullable().describe('Short reason code of the last failure, e.g. `entries-refused 400`'),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    withheld: z.boolean().describe('The consent no longer lets the plan reach this side'),
  })
  .meta({ id: 'SidePublication' });

export const publicationRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/api/plans/{planId}/publication',
    tags: ['Plans'],
    summary: 'How the plan’s publication to each upstream stands',
    description:
      'Per upstream: the newest revision delivered, the one waiting, and whether it was set aside (refused for a reason a retry will not fix: it blocks nothing and is tried again when the cause is fixed or a later revision comes).',
    security: bearerSecurity,
    middleware: [...authz('plan.read')],
    request: { params: z.object({ planId: apiToken(100).openapi({ param: { name: 'planId', in: 'path' } }) }) },
    responses: {
      200: { description: 'Per upstream', content: jsonContent(z.object({ sides: z.array(sidePublication) }), examples.publication.response) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const plans = plansService(c);
    const actor = staffActor(c);
    const { database } = c.get('deps');
    const sides = await database.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan } = await plans.authorized(tx, actor, c.req.valid('param').planId, 'plan.read');
      return publicationOf(tx, plan.id);
    });
    return c.json({ sides }, 200);
  },
);
