import { createRoute, z } from '@hono/zod-openapi';
import { idempotencyKeyValue } from '../http/idempotency.ts';
import {
  apiToken,
  commitmentAnswerSchema as answerBody,
  homeConsentAnswerBodySchema as homeConsentBody,
  myHomeConsentAnsweredSchema,
  myCommitmentAnsweredSchema as myCommitmentAnswered,
  myPlanSchema as myPlan,
  myPlanListItemSchema as myPlanListItem,
  mySupportRequestedSchema,
  supportRequestSchema as supportRequestBody,
} from '@sip/shared';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { authz } from '../policy/authorize.ts';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/errors.ts';
import { bearerSecurity, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import { MeService, type Citizen, type StoredResponse } from './me.service.ts';

const planId = apiToken(100).openapi({ param: { name: 'planId', in: 'path' }, description: 'The plan id (UUID)' });
const commitmentId = apiToken(64).openapi({ param: { name: 'commitmentId', in: 'path' } });
const idempotencyHeader = z.object({
  'idempotency-key': idempotencyKeyValue
    .openapi({ description: 'A key you choose per answer (1–100 characters); a retry with the same key and body returns the first response' }),
});

const readErrors = problemResponses(401, 403, 404);
const answerErrors = problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 428);
const tags = ['My plans (relatives)'];

/** A missing Idempotency-Key is a 428 before the body is even read. */
const requireIdempotencyKey = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.req.header('idempotency-key')) {
    throw new ProblemError('idempotency-key-required', 'Send an Idempotency-Key header (1–100 characters), new for each answer');
  }
  await next();
});

function service(c: Context<AppEnv>) {
  const { database, clock, logger, metrics } = c.get('deps');
  return new MeService(database.db, () => clock.now(), logger, metrics?.writePath);
}

function citizen(c: Context<AppEnv>): Citizen {
  const principal = c.get('principal');
  if (principal.kind !== 'citizen') throw new Error('citizen route reached without a citizen principal');
  return { personId: principal.personId, requestId: c.get('requestId') ?? null };
}

function idempotency(c: Context<AppEnv>, key: string, requestBody: unknown) {
  return { key, request: { method: c.req.method, path: c.req.path, body: requestBody } };
}

/** The stored response: the first answer's status and body, on a replay too. */
function reply<S extends 200 | 201>(c: Context<AppEnv>, result: StoredResponse, _success: S) {
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(result.body as never, result.status as S);
}

/** The relative's own API: their plans as the individual lets them see them, and their own answers. */
export const meRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/me/plans',
      tags,
      summary: 'The plans I am the individual in, and those I am a relative in, each with my role in it',
      description:
        'A plan with `role: individual` is about me: read it at `/api/me/own-plans/{planId}`. One with `role: relative` I take part in as a relative: read it at `/api/me/plans/{planId}`.',
      security: bearerSecurity,
      middleware: [...authz('me.list')],
      responses: { 200: { description: 'My plans', content: jsonContent(z.object({ items: z.array(myPlanListItem) }), examples.mePlans.response) }, ...readErrors },
    }),
    async (c) => c.json({ items: await service(c).list(citizen(c)) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/me/plans/{planId}',
      tags,
      summary: 'A plan, as the individual lets me see it, with my own part',
      description:
        'Only the categories the individual has consented to share with me, while that consent is in force; always my own commitments, information, support and consents, the coordinator and out-of-hours guidance.',
      security: bearerSecurity,
      middleware: [...authz('me.read')],
      request: { params: z.object({ planId }) },
      responses: { 200: { description: 'The plan as I may see it', content: jsonContent(myPlan, examples.mePlan.response) }, ...readErrors },
    }),
    async (c) => c.json(await service(c).read(citizen(c), c.req.valid('param').planId), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/me/plans/{planId}/commitments/{commitmentId}/answer',
      tags,
      summary: 'Answer a commitment proposed to me: accept, decline, withdraw, or confirm it again',
      description:
        'Accept or decline a requested commitment; withdraw an accepted one; confirm an accepted one again from 14 days before its review date. A commitment cancelled by staff takes no answer (409). Children are not asked to take on commitments (422).',
      security: bearerSecurity,
      middleware: [...authz('me.answer'), requireIdempotencyKey],
      request: { params: z.object({ planId, commitmentId }), headers: idempotencyHeader, ...jsonBody(answerBody, examples.answer.request) },
      responses: { 200: { description: 'The commitment after my answer, and the receipt of the answer', content: jsonContent(myCommitmentAnswered, examples.answer.response) }, ...answerErrors },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const input = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      return reply(c, await service(c).answer(citizen(c), params.planId, params.commitmentId, input, idempotency(c, key, input)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/me/plans/{planId}/home-consent',
      tags,
      summary: 'My consent to the home as a place of care (only where I share the home)',
      security: bearerSecurity,
      middleware: [...authz('me.home-consent'), requireIdempotencyKey],
      request: { params: z.object({ planId }), headers: idempotencyHeader, ...jsonBody(homeConsentBody, examples.homeConsent.request) },
      responses: { 200: { description: 'My home consent, with its history, and the receipt of the answer', content: jsonContent(myHomeConsentAnsweredSchema, examples.homeConsent.response) }, ...answerErrors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      return reply(c, await service(c).homeConsent(citizen(c), c.req.valid('param').planId, input, idempotency(c, key, input)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/me/plans/{planId}/requests',
      tags,
      summary: "Ask to be contacted by the relatives' consultant, or for my own needs assessment",
      description: 'The request shows up on the staff work list until it is handled.',
      security: bearerSecurity,
      middleware: [...authz('me.request'), requireIdempotencyKey],
      request: { params: z.object({ planId }), headers: idempotencyHeader, ...jsonBody(supportRequestBody, examples.supportRequest.request) },
      responses: { 201: { description: 'My support, with the request added, and the receipt of the request', content: jsonContent(mySupportRequestedSchema, examples.supportRequest.response) }, ...answerErrors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      return reply(c, await service(c).request(citizen(c), c.req.valid('param').planId, input, idempotency(c, key, input)), 201);
    },
  );
