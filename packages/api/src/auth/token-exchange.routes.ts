import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { createRouter } from '../http/router.ts';
import { ACCESS_TOKEN_TYPE, OAuthError, TOKEN_EXCHANGE_GRANT } from './token-exchange.ts';

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

const oauthErrorSchema = z
  .object({
    error: z.enum(['invalid_request', 'invalid_grant', 'unsupported_grant_type', 'temporarily_unavailable']),
    error_description: z.string(),
  })
  .meta({ id: 'OAuthError' });

const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function oauthError(c: Context<AppEnv>, error: OAuthError) {
  c.get('deps').logger.info({ requestId: c.get('requestId'), error: error.error }, 'token exchange refused');
  return c.json({ error: error.error, error_description: error.description }, error.status, noStore);
}

/**
 * `POST /token`: the RFC 8693 token exchange of a SMART launch from a trusted health record.
 * Outside `/api`, which takes bearer tokens and JSON: this takes a form and gives the token.
 * Mounted when SMART launches are accepted (demo mode, or `SMART_ISSUERS`).
 */
export const tokenExchangeRoutes = createRouter().openapi(
  createRoute({
    method: 'post',
    path: '/token',
    tags: ['Session'],
    summary: 'Exchange a SMART launch for a staff token (RFC 8693)',
    description: [
      'A form (`application/x-www-form-urlencoded`) with',
      `\`grant_type=${TOKEN_EXCHANGE_GRANT}\`,`,
      '`subject_token` = the id token of a SMART launch from a health record in `SMART_ISSUERS`,',
      '`subject_token_type=urn:ietf:params:oauth:token-type:id_token`,',
      '`actor_token` = the launch’s access token, `actor_token_type=urn:ietf:params:oauth:token-type:access_token`.',
      'The user is the HSA-id of the `fhirUser` Practitioner, read from the health record with the actor token;',
      'the organisation and role are those configured for the record (`SMART_ISSUERS`), never a claim of the token.',
      'Each id token is exchanged once: a second exchange of it is refused with `invalid_grant`, and the app launches again.',
      'Errors are OAuth error JSON (RFC 6749 §5.2).',
    ].join(' '),
    responses: {
      200: {
        description: 'A staff token for the API',
        content: {
          'application/json': {
            schema: z
              .object({
                access_token: z.string(),
                issued_token_type: z.literal(ACCESS_TOKEN_TYPE),
                token_type: z.literal('Bearer'),
                expires_in: z.number().int(),
              })
              .meta({ id: 'TokenExchangeResponse' }),
          },
        },
      },
      400: { description: 'Refused (`invalid_request`, `unsupported_grant_type`; `invalid_grant`: the id token was exchanged before)', content: { 'application/json': { schema: oauthErrorSchema } } },
      503: { description: 'The health record could not be reached (`temporarily_unavailable`)', content: { 'application/json': { schema: oauthErrorSchema } } },
    },
  }),
  async (c) => {
    const { tokenExchange, logger } = c.get('deps');
    try {
      if (!tokenExchange) throw new OAuthError(400, 'invalid_request', 'SMART launches are not accepted here');
      if (!FORM.test(c.req.header('content-type') ?? '')) {
        throw new OAuthError(400, 'invalid_request', 'Send the token request as application/x-www-form-urlencoded');
      }
      const form = new URLSearchParams(await c.req.text());
      const result = await tokenExchange.exchange(form);
      logger.info(
        { requestId: c.get('requestId'), issuer: result.issuer, organisationId: result.staff.organisationId, role: result.staff.role },
        'a SMART launch was exchanged for a staff token',
      );
      const { access_token, issued_token_type, token_type, expires_in } = result;
      return c.json({ access_token, issued_token_type, token_type, expires_in }, 200, noStore);
    } catch (error) {
      if (error instanceof OAuthError) return oauthError(c, error) as never;
      throw error;
    }
  },
);
