import { createRoute, z } from '@hono/zod-openapi';
import {
  apiToken,
  ownAccessLogSchema,
  ownConsentDecisionSchema,
  ownGoalsSchema,
  ownPlanSchema,
  type OwnPlan,
  ownSharingDecisionSchema,
} from '@sip/shared';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/errors.ts';
import { idempotencyKeyValue } from '../http/idempotency.ts';
import { requireIfMatch } from '../http/if-match.ts';
import { bearerSecurity, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import { etag, parseIfMatch } from '../plans/plans.service.ts';
import { authz } from '../policy/authorize.ts';
import { citizenRecorder, type Citizen, type StoredResponse } from '../relatives/me.service.ts';
import { SyncService } from '../assembly/sync.service.ts';
import { OwnPlansService } from './own.service.ts';

const planId = apiToken(100).openapi({ param: { name: 'planId', in: 'path' }, description: 'The plan id (UUID)' });
const relativeId = apiToken(64).openapi({ param: { name: 'relativeId', in: 'path' }, description: 'The relative, as `relatives[].relativeId` names them' });
const idempotencyKey = idempotencyKeyValue.openapi({
  description: 'A key you choose per decision (1–100 characters); a retry with the same key and body returns the first answer',
});
const keyHeader = z.object({ 'idempotency-key': idempotencyKey });
const keyAndVersionHeaders = (required: boolean) =>
  z.object({
    'idempotency-key': idempotencyKey,
    'if-match': apiToken(100)
      .optional()
      .openapi({ description: `The plan's ETag as you read it, e.g. W/"3" (${required ? 'required' : 'optional'}): a stale one is a 412` }),
  });
const etagHeader = { ETag: { schema: { type: 'string' as const }, description: 'W/"<version>": the plan\u2019s `version`' } };

const readErrors = problemResponses(401, 403, 404);
const changeErrors = problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 428);
const tags = ['My own plans (the individual)'];
const SAID = 'Only the individual the plan is about, with their own e-ID: a relative cannot act for them here (404), nor can staff (403).';

/** A missing Idempotency-Key is a 428 before the body is even read. */
const requireIdempotencyKey = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.req.header('idempotency-key')) {
    throw new ProblemError('idempotency-key-required', 'Send an Idempotency-Key header (1–100 characters), new for each decision');
  }
  await next();
});

function service(c: Context<AppEnv>) {
  const { database, clock } = c.get('deps');
  return new OwnPlansService(database.db, () => clock.now());
}

function citizen(c: Context<AppEnv>): Citizen {
  const principal = c.get('principal');
  if (principal.kind !== 'citizen') throw new Error('citizen route reached without a citizen principal');
  return { personId: principal.personId, requestId: c.get('requestId') ?? null };
}

function idempotency(c: Context<AppEnv>, key: string, requestBody: unknown) {
  return { key, request: { method: c.req.method, path: c.req.path, body: requestBody } };
}

/** The stored answer (the plan after the change), on a replay too, with its version as the ETag. */
function reply(c: Context<AppEnv>, result: StoredResponse) {
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
  const version = (result.body as { version?: unknown } | null)?.version;
  if (typeof version === 'number') c.header('ETag', etag(version));
  return c.json(result.body as never, 200);
}

/** The individual's own API: their SIP whole, their consent and each relative's sharing, their own goals, who read their plan. */
export const ownRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/me/own-plans/{planId}',
      tags,
      summary: 'My own SIP, whole: my goals, needs, each principal\u2019s part, my consent and what each relative sees',
      description: SAID,
      security: bearerSecurity,
      middleware: [...authz('own.read')],
      request: { params: z.object({ planId }) },
      responses: { 200: { description: 'My plan', headers: etagHeader, content: jsonContent(ownPlanSchema, examples.ownPlan.response) }, ...readErrors },
    }),
    async (c) => {
      const plan = await service(c).read(citizen(c), c.req.valid('param').planId);
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/me/own-plans/{planId}/consent',
      tags,
      summary: 'Give, narrow or withdraw my consent to the SIP myself',
      description: `Effective at once, recorded as given by me with my e-ID; the plan changes as when staff record it (withdrawn, it can no longer be active). Under 18, the consent rests on my guardians: I can withdraw it, not give it (422). ${SAID}`,
      security: bearerSecurity,
      middleware: [...authz('own.consent.give'), requireIdempotencyKey],
      request: { params: z.object({ planId }), headers: keyAndVersionHeaders(false), ...jsonBody(ownConsentDecisionSchema, examples.ownConsent.request) },
      responses: { 200: { description: 'My plan after the decision', headers: etagHeader, content: jsonContent(ownPlanSchema, examples.ownConsent.response) }, ...changeErrors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const headers = c.req.valid('header');
      const expected = headers['if-match'] === undefined ? undefined : parseIfMatch(headers['if-match']);
      const who = citizen(c);
      const planId = c.req.valid('param').planId;
      const result = await service(c).consent(who, planId, input, expected, idempotency(c, headers['idempotency-key'], input));
      // A consent in force may let the plan reach the other side: assemble it from there too, as when staff record it.
      if (!result.replayed && (result.body as OwnPlan).consent?.state === 'in-force') {
        const { database, clock, upstreams, config } = c.get('deps');
        await new SyncService(database.db, upstreams, config.fhirSystems, () => clock.now()).syncAfterOwnConsent(citizenRecorder(who), planId);
      }
      return reply(c, result);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/me/own-plans/{planId}/relatives/{relativeId}/sharing',
      tags,
      summary: 'Share with a relative, narrow what they see, or withdraw it',
      description: `Effective at once: the relative\u2019s next read shows it. Recorded as given by me with my e-ID. Under 18, I can withdraw a sharing, not give one (422). ${SAID}`,
      security: bearerSecurity,
      middleware: [...authz('own.sharing.give'), requireIdempotencyKey],
      request: { params: z.object({ planId, relativeId }), headers: keyHeader, ...jsonBody(ownSharingDecisionSchema, examples.ownSharing.request) },
      responses: { 200: { description: 'My plan after the decision', headers: etagHeader, content: jsonContent(ownPlanSchema, examples.ownSharing.response) }, ...changeErrors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const params = c.req.valid('param');
      const key = c.req.valid('header')['idempotency-key'];
      return reply(c, await service(c).sharing(citizen(c), params.planId, params.relativeId, input, idempotency(c, key, input)));
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/me/own-plans/{planId}/own-goals',
      tags,
      summary: 'Write my own goals and what I do myself, in my own words',
      description: `A list sent replaces the one in the plan; staff see it in the plan. Send If-Match with the version read: a stale one is a 412 and nothing is written. Lists sent as they are (with the ids they were given) change nothing: the answer is the plan as it is, on the same version. ${SAID}`,
      security: bearerSecurity,
      middleware: [...authz('own.goals'), requireIfMatch, requireIdempotencyKey],
      request: { params: z.object({ planId }), headers: keyAndVersionHeaders(true), ...jsonBody(ownGoalsSchema, examples.ownGoals.request) },
      responses: { 200: { description: 'My plan after the change', headers: etagHeader, content: jsonContent(ownPlanSchema, examples.ownGoals.response) }, ...changeErrors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const headers = c.req.valid('header');
      const expected = parseIfMatch(headers['if-match'] ?? '');
      return reply(c, await service(c).goals(citizen(c), c.req.valid('param').planId, input, expected, idempotency(c, headers['idempotency-key'], input)));
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/me/own-plans/{planId}/access-log',
      tags,
      summary: 'Who has read my plan: my extract of the access log (Patientdatalagen)',
      description: `Newest first: who (staff by organisation, an auditor, a relative, I myself, the service), when, what. Reading it is itself logged. ${SAID}`,
      security: bearerSecurity,
      middleware: [...authz('own.access-log')],
      request: {
        params: z.object({ planId }),
        query: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
      },
      responses: { 200: { description: 'The entries', content: jsonContent(ownAccessLogSchema, examples.ownAccessLog.response) }, ...problemResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => c.json(await service(c).accessLog(citizen(c), c.req.valid('param').planId, c.req.valid('query')), 200),
  );
