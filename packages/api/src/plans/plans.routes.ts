import { createRoute, z } from '@hono/zod-openapi';
import { idempotencyKeyValue } from '../http/idempotency.ts';
import { plansService, staffActor } from './context.ts';
import {
  apiToken,
  createPlanSchema,
  individualConsentSchema,
  personIdSchema,
  participantSchema,
  partContentPatchSchema,
  planFieldsPatchSchema,
  planStatusSchema,
  planViewSchema,
  statusChangeSchema,
} from '@sip/shared';
import { createPatch } from 'rfc6902';
import { authz } from '../policy/authorize.ts';
import type { AppEnv } from '../http/context.ts';
import { requireIfMatch } from '../http/if-match.ts';
import { bearerSecurity, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { invalidField } from '../http/errors.ts';
import { listKeySchema } from './list-cursor.ts';
import { createRouter } from '../http/router.ts';
import type { Context } from 'hono';
import { SyncService } from '../assembly/sync.service.ts';
import { etag, idempotencyKey, parseIfMatch } from './plans.service.ts';

const planView = planViewSchema.meta({ id: 'Plan' });
const partView = planViewSchema.shape.parts.element.meta({ id: 'PlanPart' });
const planId = apiToken(100).openapi({ param: { name: 'planId', in: 'path' }, description: 'The plan id (UUID)' });
const partId = apiToken(100).openapi({ param: { name: 'partId', in: 'path' } });
const ifMatchHeader = z.object({
  'if-match': apiToken(100).optional().openapi({ description: 'The ETag you read, e.g. W/"3" (required)' }),
});
const idempotencyHeader = z.object({
  'idempotency-key': idempotencyKeyValue
    .optional()
    .openapi({ description: 'A key you choose per plan (1–100 characters); a retry with the same key and body returns the plan the first request created' }),
});
const etagHeader = { ETag: { schema: { type: 'string' as const }, description: 'W/"<version>"' } };

const planSummary = z
  .object({
    id: z.uuid(),
    status: planStatusSchema,
    individual: z.object({ personId: z.string(), name: z.string().optional() }),
    title: z.string().nullable(),
    followUpDate: z.string().nullable(),
    version: z.number().int(),
    revision: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PlanSummary' });

const listQuery = z.object({
  status: planStatusSchema.optional(),
  followUpDue: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .openapi({ description: 'Only active or followed-up plans whose follow-up date has come' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  after: listKeySchema.optional().openapi({ description: "The next page: a page's `next`. Not with `offset`." }),
});

/** The same filters in a body, with the individual's personnummer: personal data is never put in a URL. */
const searchBody = z
  .strictObject({
    personId: personIdSchema.optional().openapi({ description: "Only the individual's plans: a personnummer or samordningsnummer" }),
    status: planStatusSchema.optional(),
    followUpDue: z.boolean().optional().openapi({ description: 'Only active or followed-up plans whose follow-up date has come' }),
    limit: z.number().int().min(1).max(100).default(20),
    offset: z.number().int().min(0).max(1_000_000).default(0),
    after: listKeySchema.optional().openapi({ description: "The next page: a page's `next`. Not with `offset`." }),
  })
  .meta({ id: 'PlanSearch' });

const planPage = z.object({
  items: z.array(planSummary),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  next: z.string().nullable().openapi({ description: 'For `after`, to read the next page; null on the last page' }),
});

/** `after` and `offset` are two ways to the same page: one at a time. */
function pageOf<Q extends { offset: number; after?: unknown }>(query: Q, where: '/query' | ''): Q {
  if (query.after !== undefined && query.offset > 0) throw invalidField(`${where}/offset`, '`offset` cannot be used with `after`: `after` already says where the page starts');
  return query;
}

const versionEntry = z
  .object({
    revision: z.number().int().openapi({ description: 'The revision of the whole plan this change made' }),
    change: z.string().openapi({ description: 'What kind of change: the live event type (`part.updated`, `plan.updated`, `consent.updated`, …)', example: 'part.updated' }),
    partId: z.string().nullable().openapi({ description: 'The part that changed; null for plan-level changes' }),
    changedBy: z
      .object({
        userId: z.string().openapi({ description: 'HSA-id of the staff member who made the change', example: 'SE2120000099-7P02' }),
        organisationId: z.string().openapi({ description: 'HSA-id of the organisation they acted for', example: 'SE2120000099-7KM1' }),
        name: z.string().nullable().openapi({ description: "Their name, as their token gave it when they made the change (`name`); null when it gave none", example: 'Sara Lind' }),
        organisationName: z
          .string()
          .nullable()
          .openapi({ description: "The organisation's name, as the service knew it when the change was made; null when it did not", example: 'Norrviks kommun' }),
        role: z.enum(['staff', 'individual', 'relative']).openapi({
          description:
            'Who acted: staff (by HSA-id), or the individual or one of their relatives themselves, signed in with their own e-ID (then `userId` is `citizen:<personnummer>` and `name` is their name as the plan gives it now)',
        }),
      })
      .openapi({ description: 'Who made the change' }),
    changedAt: z.string().openapi({ description: 'When the change was made (RFC 3339)' }),
  })
  .openapi('PlanVersion', { description: 'One version of the plan: which change made it, who made it and when.' });

const revisionParam = z.coerce.number().int().min(1).max(1_000_000_000);

const actor = staffActor;

const service = plansService;

function syncService(c: Context<AppEnv>) {
  const { database, clock, upstreams, config } = c.get('deps');
  return new SyncService(database.db, upstreams, config.fhirSystems, () => clock.now());
}

const ifMatch = (c: Context<AppEnv>) => parseIfMatch(c.req.header('if-match') ?? '');
const errors = problemResponses(400, 401, 403, 404, 415, 422);
const updateErrors = problemResponses(400, 401, 403, 404, 409, 412, 415, 422, 428);

/** The staff API for SIPs. */
export const plansRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans',
      tags: ['Plans'],
      summary: 'Create a SIP (as one of its two principals)',
      description:
        'Creates the plan and assembles it from the creating principal’s own upstream, as one: a failure leaves no plan behind. With an Idempotency-Key, a retry of the same request returns the plan the first one created (marked `Idempotent-Replayed: true`) instead of a second plan.',
      security: bearerSecurity,
      middleware: [...authz('plan.create')],
      request: { headers: idempotencyHeader, ...jsonBody(createPlanSchema.meta({ id: 'CreatePlan' }), examples.created.request) },
      responses: {
        201: {
          description: 'Created (or, on a retry under the same Idempotency-Key, the plan the first request created)',
          headers: { ...etagHeader, Location: { schema: { type: 'string' } } },
          content: jsonContent(planView, examples.created.response),
        },
        ...errors,
      },
    }),
    async (c) => {
      const who = actor(c);
      const input = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      // Filled from the upstream it reaches, in the same transaction; a side that is down is marked, and the plan still opens.
      const { plan, replayed } = await syncService(c).create(
        who,
        input,
        key === undefined ? undefined : idempotencyKey(key, { method: c.req.method, path: c.req.path, body: input }),
      );
      if (replayed) c.header('Idempotent-Replayed', 'true');
      c.header('Location', `/api/plans/${plan.id}`);
      c.header('ETag', etag(plan.version));
      return c.json(plan, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans',
      tags: ['Plans'],
      summary: 'The plans my organisation takes part in',
      security: bearerSecurity,
      middleware: [...authz('plan.list')],
      request: { query: listQuery },
      responses: {
        200: {
          description: 'A page of plans, most recently changed first',
          content: jsonContent(planPage, examples.plansList.response),
        },
        ...errors,
      },
    }),
    async (c) => {
      const query = pageOf(c.req.valid('query'), '/query');
      const page = await service(c).list(actor(c), query);
      return c.json({ ...page, limit: query.limit, offset: query.offset }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/search',
      tags: ['Plans'],
      summary: "The plans my organisation takes part in, searched by a body: also by the individual's personnummer",
      description: 'As `GET /api/plans`, with the filters in the body, so that a personnummer never appears in a URL.',
      security: bearerSecurity,
      middleware: [...authz('plan.list')],
      request: jsonBody(searchBody, examples.plansSearch.request),
      responses: {
        200: { description: 'A page of plans, most recently changed first', content: jsonContent(planPage, examples.plansSearch.response) },
        ...errors,
      },
    }),
    async (c) => {
      const search = pageOf(c.req.valid('json'), '');
      const page = await service(c).list(actor(c), search);
      return c.json({ ...page, limit: search.limit, offset: search.offset }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{planId}',
      tags: ['Plans'],
      summary: 'Read a plan',
      security: bearerSecurity,
      middleware: [...authz('plan.read')],
      request: { params: z.object({ planId }) },
      responses: { 200: { description: 'The plan', headers: etagHeader, content: jsonContent(planView, examples.plan.response) }, ...errors },
    }),
    async (c) => {
      const plan = await service(c).get(actor(c), c.req.valid('param').planId);
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/api/plans/{planId}',
      tags: ['Plans'],
      summary: 'Change plan-level fields (the SIP coordinator)',
      description: 'A field present replaces the stored one; null clears it. Requires If-Match with the plan ETag. A change that leaves the fields as they are is answered with the plan as it is, on the same ETag: no new version, nothing published.',
      security: bearerSecurity,
      middleware: [...authz('plan.update'), requireIfMatch],
      request: { params: z.object({ planId }), headers: ifMatchHeader, ...jsonBody(planFieldsPatchSchema.meta({ id: 'PlanFieldsPatch' }), examples.planPatch.request) },
      responses: { 200: { description: 'The plan after the change', headers: etagHeader, content: jsonContent(planView, examples.planPatch.response) }, ...updateErrors },
    }),
    async (c) => {
      const plan = await service(c).updateFields(actor(c), c.req.valid('param').planId, ifMatch(c), c.req.valid('json'));
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/plans/{planId}/consent',
      tags: ['Plans'],
      summary: "Record the individual's consent to the SIP, or its revocation (the SIP coordinator)",
      security: bearerSecurity,
      middleware: [...authz('consent.update'), requireIfMatch],
      request: { params: z.object({ planId }), headers: ifMatchHeader, ...jsonBody(individualConsentSchema.meta({ id: 'IndividualConsent' }), examples.consent.request) },
      responses: { 200: { description: 'The plan after the change', headers: etagHeader, content: jsonContent(planView, examples.consent.response) }, ...updateErrors },
    }),
    async (c) => {
      const who = actor(c);
      let plan = await service(c).setConsent(who, c.req.valid('param').planId, ifMatch(c), c.req.valid('json'));
      // A consent in force may let the plan reach the other side: assemble it from there too.
      if (plan.visibility?.consent === 'in-force') plan = (await syncService(c).sync(who, plan.id)).plan;
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{planId}/participants',
      tags: ['Plans'],
      summary: 'Add a participant: a summoned principal or an invited other (the SIP coordinator)',
      security: bearerSecurity,
      middleware: [...authz('participants.update'), requireIfMatch],
      request: { params: z.object({ planId }), headers: ifMatchHeader, ...jsonBody(participantSchema.meta({ id: 'Participant' }), examples.participantAdd.request) },
      responses: { 200: { description: 'The plan after the change', headers: etagHeader, content: jsonContent(planView, examples.participantAdd.response) }, ...updateErrors },
    }),
    async (c) => {
      const plan = await service(c).addParticipant(actor(c), c.req.valid('param').planId, ifMatch(c), c.req.valid('json'));
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/api/plans/{planId}/participants/{participantId}',
      tags: ['Plans'],
      summary: 'Remove an invited participant (the SIP coordinator)',
      security: bearerSecurity,
      middleware: [...authz('participants.update'), requireIfMatch],
      request: {
        params: z.object({ planId, participantId: apiToken(64).openapi({ param: { name: 'participantId', in: 'path' } }) }),
        headers: ifMatchHeader,
      },
      responses: { 200: { description: 'The plan after the change', headers: etagHeader, content: jsonContent(planView, examples.participantRemove.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, participantId } = c.req.valid('param');
      const plan = await service(c).removeParticipant(actor(c), id, ifMatch(c), participantId);
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{planId}/status',
      tags: ['Plans'],
      summary: 'Move the plan through draft → active → followed up → closed (the SIP coordinator)',
      description: 'A plan becomes active only with the individual’s consent and a principal with overall responsibility.',
      security: bearerSecurity,
      middleware: [...authz('status.change'), requireIfMatch],
      request: { params: z.object({ planId }), headers: ifMatchHeader, ...jsonBody(statusChangeSchema.meta({ id: 'StatusChange' }), examples.status.request) },
      responses: { 200: { description: 'The plan after the change', headers: etagHeader, content: jsonContent(planView, examples.status.response) }, ...updateErrors },
    }),
    async (c) => {
      const plan = await service(c).changeStatus(actor(c), c.req.valid('param').planId, ifMatch(c), c.req.valid('json').status);
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{planId}/parts/{partId}',
      tags: ['Plans'],
      summary: "Read one principal's part",
      security: bearerSecurity,
      middleware: [...authz('part.read')],
      request: { params: z.object({ planId, partId }) },
      responses: { 200: { description: 'The part', headers: etagHeader, content: jsonContent(partView, examples.part.response) }, ...errors },
    }),
    async (c) => {
      const { planId: id, partId: part } = c.req.valid('param');
      const view = await service(c).getPart(actor(c), id, part);
      c.header('ETag', etag(view.version));
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/api/plans/{planId}/parts/{partId}',
      tags: ['Plans'],
      summary: "Change one principal's part (that principal's staff)",
      description:
        'Each part versions on its own: the region editing its part never conflicts with the municipality editing its own. Requires If-Match with the part ETag. A change that leaves the part as it is (the same content sent again) is answered with the part as it is, on the same ETag: no new version of the plan, nothing published.',
      security: bearerSecurity,
      middleware: [...authz('part.update'), requireIfMatch],
      request: { params: z.object({ planId, partId }), headers: ifMatchHeader, ...jsonBody(partContentPatchSchema.meta({ id: 'PartPatch' }), examples.partPatch.request) },
      responses: { 200: { description: 'The part after the change', headers: etagHeader, content: jsonContent(partView, examples.partPatch.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, partId: part } = c.req.valid('param');
      const plan = await service(c).updatePart(actor(c), id, part, ifMatch(c), c.req.valid('json'));
      const view = plan.parts.find((p) => p.id === part)!;
      c.header('ETag', etag(view.version));
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{planId}/versions',
      tags: ['Versions'],
      summary: 'Every version of the plan: who changed what, when',
      security: bearerSecurity,
      middleware: [...authz('versions.read')],
      request: { params: z.object({ planId }) },
      responses: { 200: { description: 'Versions, oldest first', content: jsonContent(z.object({ versions: z.array(versionEntry) }), examples.versions.response) }, ...errors },
    }),
    async (c) => c.json({ versions: await service(c).versions(actor(c), c.req.valid('param').planId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{planId}/versions/{revision}',
      tags: ['Versions'],
      summary: 'The plan as it was at a past version',
      security: bearerSecurity,
      middleware: [...authz('versions.read')],
      request: { params: z.object({ planId, revision: revisionParam.openapi({ param: { name: 'revision', in: 'path' } }) }) },
      responses: { 200: { description: 'The plan at that version', content: jsonContent(planView, examples.version.response) }, ...errors },
    }),
    async (c) => {
      const { planId: id, revision } = c.req.valid('param');
      const snapshots = await service(c).snapshots(actor(c), id, [revision]);
      return c.json(snapshots.get(revision)!, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{planId}/diff',
      tags: ['Versions'],
      summary: 'What changed between two versions, as RFC 6902 JSON Patch operations',
      security: bearerSecurity,
      middleware: [...authz('versions.read')],
      request: { params: z.object({ planId }), query: z.object({ from: revisionParam, to: revisionParam }) },
      responses: {
        200: {
          description: 'Operations that turn version `from` into version `to`',
          content: jsonContent(
            z.object({
              from: z.number().int(),
              to: z.number().int(),
              operations: z.array(z.object({ op: z.string(), path: z.string(), value: z.unknown().optional(), from: z.string().optional() })),
              versions: z.array(versionEntry).openapi({
                description: 'Who changed what in between: the versions after the older of `from` and `to`, up to and including the newer, oldest first',
              }),
            }),
            examples.diff.response,
          ),
        },
        ...errors,
      },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query');
      const { snapshots, versions } = await service(c).diff(actor(c), c.req.valid('param').planId, from, to);
      const operations = createPatch(snapshots.get(from), snapshots.get(to));
      return c.json({ from, to, operations, versions }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{planId}/sync',
      tags: ['Plans'],
      summary: 'Assemble the plan again from the regional health record and the municipal case system',
      description:
        'Fetches both sides in parallel and updates the items that mirror upstream records in place; items gone upstream are marked, not deleted. A side that is down or answers garbage is marked unavailable with its last successful sync time, and the other side is still applied.',
      security: bearerSecurity,
      middleware: [...authz('plan.sync')],
      request: { params: z.object({ planId }) },
      responses: { 200: { description: 'The plan after the sync', headers: etagHeader, content: jsonContent(planView, examples.sync.response) }, ...errors },
    }),
    async (c) => {
      const who = actor(c);
      const id = c.req.valid('param').planId;
      const { plan } = await syncService(c).sync(who, id);
      c.header('ETag', etag(plan.version));
      return c.json(plan, 200);
    },
  );
