import { createRoute, z } from '@hono/zod-openapi';
import { knownOrganisationSchema } from '@sip/shared';
import { bearerSecurity, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import { authz } from '../policy/authorize.ts';
import { listOrganisations } from './organisations.ts';

const organisation = knownOrganisationSchema.required({ upstream: true });

/** The register of organisations: the principals a plan can name. */
export const organisationsRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/api/organisations',
    tags: ['Organisations'],
    summary: 'The known organisations: the regions and municipalities a SIP can name as its principals',
    description: 'Set by the deployment’s configuration (ORGANISATIONS). A plan’s two principals must be among them.',
    security: bearerSecurity,
    middleware: [...authz('organisations.read')],
    responses: {
      200: { description: 'Regions first, then municipalities, by name', content: jsonContent(z.object({ items: z.array(organisation) }), examples.organisations.response) },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json({ items: await listOrganisations(c.get('deps').database.db) }, 200),
);
