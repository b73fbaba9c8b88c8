import { createRoute, z } from '@hono/zod-openapi';
import { personaSchema, tokenRequestSchema, tokenResponseSchema } from '@sip/shared';
import { ProblemError } from '../http/errors.ts';
import { problemResponses } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { DEMO_TOKEN_TTL_SECONDS } from './issuer.ts';
import { demoPersonas } from './world.ts';

/** Demo-mode routes: the personas and the built-in token issuer. Mounted only in demo mode. */
export const devRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/dev/personas',
      tags: ['Demo'],
      summary: 'The demo personas a token can be minted for (demo mode only)',
      responses: {
        200: {
          description: 'Personas',
          content: { 'application/json': { schema: z.object({ personas: z.array(personaSchema.meta({ id: 'Persona' })) }) } },
        },
      },
    }),
    (c) => c.json({ personas: demoPersonas(c.get('deps').clock.now()) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/dev/token',
      tags: ['Demo'],
      summary: 'Mint an access token for a demo persona (demo mode only)',
      request: {
        body: { required: true, content: { 'application/json': { schema: tokenRequestSchema.meta({ id: 'TokenRequest' }) } } },
      },
      responses: {
        200: { description: 'A signed access token', content: { 'application/json': { schema: tokenResponseSchema } } },
        ...problemResponses(404, 415, 422),
      },
    }),
    async (c) => {
      const { demo, config, clock } = c.get('deps');
      const { persona: personaId, expiresIn = DEMO_TOKEN_TTL_SECONDS } = c.req.valid('json');
      const persona = demoPersonas(clock.now()).find((p) => p.id === personaId);
      if (!demo) throw new ProblemError('not-found');
      if (!persona) {
        throw new ProblemError('validation', `/persona: no demo persona '${personaId}'`, {
          errors: [{ path: '/persona', message: 'No such demo persona (see GET /dev/personas)' }],
        });
      }
      const accessToken = await demo.mint(persona, config.audiences, expiresIn);
      c.header('Cache-Control', 'no-store');
      return c.json({ access_token: accessToken, token_type: 'Bearer' as const, expires_in: expiresIn }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/dev/smart',
      tags: ['Demo'],
      summary: "The demo region's health record, which launches the SMART app (demo mode only)",
      description:
        'POST `{ "practitioner": "<Practitioner id>", "patient": "<Patient id>" }` to `launchEndpoint` for a `launch`, then open `launchUrl?iss=<iss>&launch=<launch>`.',
      responses: {
        200: {
          description: 'Where to launch from',
          content: {
            'application/json': {
              schema: z.object({ iss: z.string(), clientId: z.string(), launchEndpoint: z.string(), launchUrl: z.string() }).meta({ id: 'DemoSmart' }),
            },
          },
        },
        ...problemResponses(404),
      },
    }),
    (c) => {
      const { demoEhr, config } = c.get('deps');
      if (!demoEhr) throw new ProblemError('not-found', 'The demo region has no health record of its own here');
      const { iss, clientId } = demoEhr;
      return c.json({ iss, clientId, launchEndpoint: `${iss}/auth/launch`, launchUrl: `${config.publicUrl}/smart/launch` }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/dev/smart/launch',
      tags: ['Demo'],
      summary: 'Launch the SMART app from the demo region’s health record, as a user of the record would (demo mode only)',
      description: 'Makes a `launch` at the record for the practitioner and patient (resource ids of the record) and sends the browser to the app with it.',
      request: {
        query: z.object({
          practitioner: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/).default('pract-region-coordinator').openapi({ description: 'A Practitioner id of the record' }),
          patient: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/).default('patient-astrid').openapi({ description: 'A Patient id of the record' }),
          lang: z.enum(['sv', 'en']).optional(),
        }),
      },
      responses: {
        302: { description: 'To `/smart/launch?iss=…&launch=…`' },
        ...problemResponses(404, 422),
      },
    }),
    (c) => {
      const { demoEhr } = c.get('deps');
      if (!demoEhr) throw new ProblemError('not-found', 'The demo region has no health record of its own here');
      const { practitioner, patient, lang } = c.req.valid('query');
      const launch = demoEhr.createLaunch({ practitioner, patient });
      const target = new URLSearchParams({ iss: demoEhr.iss, launch, ...(lang ? { lang } : {}) });
      return c.redirect(`/smart/launch?${target}`, 302);
    },
  )
  .get('/dev/jwks.json', (c) => {
    const { demo } = c.get('deps');
    if (!demo) throw new ProblemError('not-found');
    return c.json(demo.jwks);
  });
