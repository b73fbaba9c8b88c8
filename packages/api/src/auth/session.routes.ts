import { createRoute, z } from '@hono/zod-openapi';
import { staffRoleSchema } from '@sip/shared';
import { bearerSecurity, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import { requireAuth } from './middleware.ts';

const sessionSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('staff'), userId: z.string(), organisationId: z.string(), role: staffRoleSchema }),
    z.object({ kind: z.literal('citizen') }),
  ])
  .meta({ id: 'Session' });

/** Who the caller is, as the service sees the token: lets a client check its token. */
export const sessionRoutes = createRouter();
sessionRoutes.use('/api/session', requireAuth());
sessionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/api/session',
    tags: ['Session'],
    summary: 'The verified identity behind the access token',
    security: bearerSecurity,
    responses: {
      200: { description: 'The caller', content: jsonContent(sessionSchema, examples.session.response) },
      ...problemResponses(401),
    },
  }),
  (c) => {
    const principal = c.get('principal');
    if (principal.kind === 'staff') {
      const { userId, organisationId, role } = principal;
      return c.json({ kind: 'staff' as const, userId, organisationId, role }, 200);
    }
    return c.json({ kind: 'citizen' as const }, 200);
  },
);
