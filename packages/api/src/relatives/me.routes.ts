import { createRoute, z } from '@hono/zod-openapi';
import {
  commitmentSchema,
  homeConsentSchema,
  informedEntrySchema,
  planStatusSchema,
  principalSchema,
  relativeInformationSchema,
  relativeSchema,
  relativeSharingSchema,
  relativeSupportSchema,
} from '@sip/shared';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { requireAuth } from '../auth/middleware.ts';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/errors.ts';
import { bearerSecurity, problemResponses } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { MeService, type Citizen, type StoredResponse } from './me.service.ts';

const COMMENT_MAX = 2000;
/** Control characters other than tab and newline. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

const freeText = z
  .string()
  .max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters other than newline and tab')
  .transform((s) => s.trim())
  .optional();

const isoDate = z.iso.date();

const answerBody = z
  .strictObject({ answer: z.enum(['accept', 'decline', 'withdraw', 'reconfirm']), comment: freeText })
  .meta({ id: 'CommitmentAnswer' });
const homeConsentBody = z.strictObject({ consent: z.boolean(), comment: freeText }).meta({ id: 'HomeConsentAnswer' });
const supportRequestBody = z
  .strictObject({ kind: z.enum(['contact-consultant', 'needs-assessment']), note: freeText })
  .meta({ id: 'SupportRequest' });

const myCommitment = commitmentSchema
  .extend({ status: z.enum(['requested', 'accepted', 'declined', 'withdrawn', 'cancelled']), currentReviewDate: isoDate })
  .meta({ id: 'MyCommitment' });

const myPlanSummary = z
  .object({ planId: z.uuid(), title: z.string().nullable(), status: planStatusSchema, relativeId: z.string() })
  .meta({ id: 'MyPlanSummary' });

const sharedItem = { principal: principalSchema };
const myPlan = z
  .object({
    planId: z.uuid(),
    title: z.string().nullable(),
    status: planStatusSchema,
    coordinator: z
      .object({ name: z.string(), title: z.string().optional(), unit: z.string().optional(), phone: z.string().optional() })
      .nullable()
      .describe('The SIP coordinator: the one way in'),
    outOfHours: z.string().describe('Where to turn out of office hours'),
    me: z.object({
      relativeId: z.string(),
      name: z.string(),
      relationship: relativeSchema.shape.relationship,
      child: z.boolean(),
      sharesHome: z.boolean(),
      sharing: relativeSharingSchema.nullable().describe('What the individual has consented to share with me'),
      sharingInEffect: z.boolean(),
      information: z.array(relativeInformationSchema),
      informed: z.array(informedEntrySchema),
      commitments: z.array(myCommitment),
      support: relativeSupportSchema.nullable(),
      homeConsent: homeConsentSchema.nullable(),
    }),
    shared: z
      .object({
        categories: z.array(z.string()).describe('The categories shared with me today'),
        goals: z
          .object({
            individual: z.array(z.object({ text: z.string() })),
            professional: z.array(z.object({ ...sharedItem, organisation: z.string(), goals: z.array(z.object({ text: z.string() })) })),
          })
          .optional(),
        interventions: z
          .array(
            z.object({
              ...sharedItem,
              title: z.string(),
              status: z.string(),
              performedBy: z.string().optional(),
              when: z.string().optional(),
              startDate: z.string().optional(),
              endDate: z.string().optional(),
            }),
          )
          .optional(),
        contacts: z
          .array(z.object({ ...sharedItem, organisation: z.string(), name: z.string(), title: z.string().optional(), unit: z.string().optional(), phone: z.string().optional() }))
          .optional(),
        followUp: z.object({ date: z.string() }).nullable().optional(),
        needs: z.array(z.object({ text: z.string() })).optional(),
        meetings: z.array(z.object({ at: z.string(), place: z.string().optional() })).optional(),
      })
      .describe('Only what the individual has consented to share with me, while the consent is in force'),
  })
  .meta({ id: 'MyPlan' });

const planId = z.string().openapi({ param: { name: 'planId', in: 'path' }, description: 'The plan id (UUID)' });
const commitmentId = z.string().min(1).max(64).openapi({ param: { name: 'commitmentId', in: 'path' } });
const idempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\x21-\x7E]+$/, 'must be visible ASCII characters')
    .openapi({ description: 'A key you choose per answer (1–100 characters); a retry with the same key and body returns the first response' }),
});
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: json(schema) } });

const citizenOnly = requireAuth('citizen');
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
  const { database, clock } = c.get('deps');
  return new MeService(database.db, () => clock.now());
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
      summary: 'The plans I am a relative in',
      security: bearerSecurity,
      middleware: [citizenOnly],
      responses: { 200: { description: 'My plans', content: json(z.object({ items: z.array(myPlanSummary) })) }, ...readErrors },
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
      middleware: [citizenOnly],
      request: { params: z.object({ planId }) },
      responses: { 200: { description: 'The plan as I may see it', content: json(myPlan) }, ...readErrors },
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
      middleware: [citizenOnly, requireIdempotencyKey],
      request: { params: z.object({ planId, commitmentId }), headers: idempotencyHeader, ...body(answerBody) },
      responses: { 200: { description: 'The commitment after my answer', content: json(myCommitment) }, ...answerErrors },
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
      middleware: [citizenOnly, requireIdempotencyKey],
      request: { params: z.object({ planId }), headers: idempotencyHeader, ...body(homeConsentBody) },
      responses: { 200: { description: 'My home consent, with its history', content: json(homeConsentSchema.meta({ id: 'HomeConsent' })) }, ...answerErrors },
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
      middleware: [citizenOnly, requireIdempotencyKey],
      request: { params: z.object({ planId }), headers: idempotencyHeader, ...body(supportRequestBody) },
      responses: { 201: { description: 'My support, with the request added', content: json(relativeSupportSchema) }, ...answerErrors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      return reply(c, await service(c).request(citizen(c), c.req.valid('param').planId, input, idempotency(c, key, input)), 201);
    },
  );
