import { createRoute, z } from '@hono/zod-openapi';
import {
  apiToken,
  commitmentCancelSchema,
  commitmentProposalSchema,
  commitmentSchema,
  informedEntrySchema,
  principalSchema,
  relativeInformationSchema,
  relativeSchema,
  relativeSharingSchema,
  relativeSupportSchema,
  relativesSectionViewSchema,
  type PlanView,
} from '@sip/shared';
import type { Context } from 'hono';
import { authz } from '../policy/authorize.ts';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/errors.ts';
import { requireIfMatch } from '../http/if-match.ts';
import { bearerSecurity, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import { staffActor } from '../plans/context.ts';
import { etag, parseIfMatch } from '../plans/plans.service.ts';
import { commitmentView, RelativesService } from './relatives.service.ts';


const sectionView = relativesSectionViewSchema.meta({ id: 'RelativesSection' });
const relativeView = relativeSchema.extend({ id: z.string() }).meta({ id: 'Relative' });
const commitmentResponse = commitmentSchema
  .extend({
    status: z.enum(['requested', 'accepted', 'declined', 'withdrawn', 'cancelled']),
    currentReviewDate: commitmentProposalSchema.shape.reviewDate,
  })
  .meta({ id: 'RelativeCommitment' });

const newRelative = z
  .strictObject({
    name: relativeSchema.shape.name,
    relationship: relativeSchema.shape.relationship,
    personId: relativeSchema.shape.personId,
    phone: relativeSchema.shape.phone,
    email: relativeSchema.shape.email,
    child: relativeSchema.shape.child,
    sharesHome: relativeSchema.shape.sharesHome,
    information: relativeSchema.shape.information,
  })
  .meta({ id: 'NewRelative' });

const relativePatch = z
  .strictObject({
    name: relativeSchema.shape.name.optional(),
    relationship: relativeSchema.shape.relationship.optional(),
    personId: relativeSchema.shape.personId.unwrap().nullable().optional(),
    phone: relativeSchema.shape.phone.unwrap().nullable().optional(),
    email: relativeSchema.shape.email.unwrap().nullable().optional(),
    child: relativeSchema.shape.child.optional(),
    sharesHome: relativeSchema.shape.sharesHome.optional(),
    information: z.array(relativeInformationSchema).max(100).nullable().optional(),
  })
  .meta({ id: 'RelativePatch', description: 'A field present replaces the stored one; null clears an optional one.' });

// One schema with the shared one (FHIR's own date and string types): what is accepted here can be published.
const newCommitment = commitmentProposalSchema.meta({ id: 'NewCommitment' });

const cancelBody = commitmentCancelSchema.meta({ id: 'CommitmentCancel' });

const worklistItem = z
  .object({
    planId: z.uuid(),
    relativeId: z.string().nullable().describe('Null for what concerns the plan as a whole'),
    relativeName: z.string().nullable(),
    commitmentId: z.string().nullable(),
    kind: z
      .enum([
        'commitment-declined',
        'commitment-withdrawn',
        'commitment-review-due',
        'contact-request',
        'needs-assessment-request',
        'leave-role-request',
        'consent-withdrawn',
        'consent-expired',
      ])
      .describe(
        '`consent-withdrawn`: the individual withdrew the consent to the SIP, and the plan must be re-planned; `consent-expired`: the consent ran out while the plan is in force, and nothing crosses until it is renewed',
      ),
    since: z.string().describe('When it started needing attention: a date-time, or the review date'),
    overallResponsibility: principalSchema.nullable().describe('The principal with overall responsibility for the plan'),
  })
  .meta({ id: 'WorklistItem' });

const itemIdParam = (name: string) => apiToken(64).openapi({ param: { name, in: 'path' } });
const planId = apiToken(100).openapi({ param: { name: 'planId', in: 'path' }, description: 'The plan id (UUID)' });
const relativeParams = z.object({ planId, relativeId: itemIdParam('relativeId') });
const commitmentParams = relativeParams.extend({ commitmentId: itemIdParam('commitmentId') });
const ifMatchHeader = z.object({
  'if-match': apiToken(100).optional().openapi({ description: 'The relatives section ETag you read, e.g. W/"3" (required)' }),
});
const etagHeader = { ETag: { schema: { type: 'string' as const }, description: 'W/"<relatives section version>"' } };
const created = { ...etagHeader, Location: { schema: { type: 'string' as const } } };

const errors = problemResponses(400, 401, 403, 404, 415, 422);
const updateErrors = problemResponses(400, 401, 403, 404, 409, 412, 415, 422, 428);
const tags = ['Relatives'];

function service(c: Context<AppEnv>) {
  const { database, clock } = c.get('deps');
  return new RelativesService(database.db, () => clock.now());
}

const ifMatch = (c: Context<AppEnv>) => parseIfMatch(c.req.header('if-match') ?? '');

function relativeIn(plan: PlanView, relativeId: string) {
  const relative = plan.relativesSection.relatives.find((r) => r.id === relativeId);
  if (!relative) throw new ProblemError('not-found', 'No such relative in this plan');
  return relative;
}

function commitmentIn(plan: PlanView, relativeId: string, commitmentId: string) {
  const commitment = relativeIn(plan, relativeId).commitments?.find((c) => c.id === commitmentId);
  if (!commitment) throw new ProblemError('not-found', 'No such commitment for this relative');
  return commitmentView(commitment);
}

/** The staff API for the standing relatives section, and the staff work list. */
export const relativesRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{planId}/relatives',
      tags,
      summary: 'Read the relatives section',
      security: bearerSecurity,
      middleware: [...authz('relatives.read')],
      request: { params: z.object({ planId }) },
      responses: { 200: { description: 'The relatives section', headers: etagHeader, content: jsonContent(sectionView, examples.relatives.response) }, ...errors },
    }),
    async (c) => {
      const section = await service(c).section(staffActor(c), c.req.valid('param').planId);
      c.header('ETag', etag(section.version));
      return c.json(section, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{planId}/relatives',
      tags,
      summary: 'Add a relative (staff of either principal)',
      description:
        'When a personnummer is given, `child` must agree with the age it gives. Requires If-Match with the relatives section ETag.',
      security: bearerSecurity,
      middleware: [...authz('relatives.update'), requireIfMatch],
      request: { params: z.object({ planId }), headers: ifMatchHeader, ...jsonBody(newRelative, examples.relativeAdd.request) },
      responses: { 201: { description: 'The relative added', headers: created, content: jsonContent(relativeView, examples.relativeAdd.response) }, ...updateErrors },
    }),
    async (c) => {
      const id = c.req.valid('param').planId;
      const { plan, relativeId } = await service(c).add(staffActor(c), id, ifMatch(c), c.req.valid('json'));
      c.header('ETag', etag(plan.relativesSection.version));
      c.header('Location', `/api/plans/${id}/relatives/${relativeId}`);
      return c.json(relativeIn(plan, relativeId), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/api/plans/{planId}/relatives/{relativeId}',
      tags,
      summary: 'Change a relative: name, relationship, contact, child, shared home, information',
      description:
        'Requires If-Match with the relatives section ETag. A change that leaves the relative as they are (the same sent again) is answered with the relative as they are, on the same ETag: no new version of the plan, nothing published.',
      security: bearerSecurity,
      middleware: [...authz('relatives.update'), requireIfMatch],
      request: { params: relativeParams, headers: ifMatchHeader, ...jsonBody(relativePatch, examples.relativePatch.request) },
      responses: { 200: { description: 'The relative after the change', headers: etagHeader, content: jsonContent(relativeView, examples.relativePatch.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, relativeId } = c.req.valid('param');
      const plan = await service(c).update(staffActor(c), id, ifMatch(c), relativeId, c.req.valid('json'));
      c.header('ETag', etag(plan.relativesSection.version));
      return c.json(relativeIn(plan, relativeId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/api/plans/{planId}/relatives/{relativeId}',
      tags,
      summary: 'Remove a relative',
      description: 'A relative who has accepted a commitment cannot be removed (409): cancel it and re-plan first.',
      security: bearerSecurity,
      middleware: [...authz('relatives.update'), requireIfMatch],
      request: { params: relativeParams, headers: ifMatchHeader },
      responses: { 204: { description: 'Removed', headers: etagHeader }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, relativeId } = c.req.valid('param');
      const plan = await service(c).remove(staffActor(c), id, ifMatch(c), relativeId);
      c.header('ETag', etag(plan.relativesSection.version));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/plans/{planId}/relatives/{relativeId}/sharing',
      tags,
      summary: "Record the individual's consent to share with this relative, or its revocation",
      description: 'Per category of information, time-limited, documented. A `revokedAt` ends the sharing at once.',
      security: bearerSecurity,
      middleware: [...authz('relatives.update'), requireIfMatch],
      request: { params: relativeParams, headers: ifMatchHeader, ...jsonBody(relativeSharingSchema.meta({ id: 'RelativeSharing' }), examples.sharing.request) },
      responses: { 200: { description: 'The relative after the change', headers: etagHeader, content: jsonContent(relativeView, examples.sharing.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, relativeId } = c.req.valid('param');
      const plan = await service(c).setSharing(staffActor(c), id, ifMatch(c), relativeId, c.req.valid('json'));
      c.header('ETag', etag(plan.relativesSection.version));
      return c.json(relativeIn(plan, relativeId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{planId}/relatives/{relativeId}/informed',
      tags,
      summary: 'Log that the relative was informed',
      security: bearerSecurity,
      middleware: [...authz('relatives.update'), requireIfMatch],
      request: { params: relativeParams, headers: ifMatchHeader, ...jsonBody(informedEntrySchema.omit({ id: true }).meta({ id: 'InformedEntry' }), examples.informed.request) },
      responses: { 201: { description: 'The relative with the entry added', headers: etagHeader, content: jsonContent(relativeView, examples.informed.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, relativeId } = c.req.valid('param');
      const plan = await service(c).recordInformed(staffActor(c), id, ifMatch(c), relativeId, c.req.valid('json'));
      c.header('ETag', etag(plan.relativesSection.version));
      return c.json(relativeIn(plan, relativeId), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/api/plans/{planId}/relatives/{relativeId}/support',
      tags,
      summary: "Support for the relative's own needs: offered support, support taken up, requests, referral to the relatives' consultant",
      security: bearerSecurity,
      middleware: [...authz('relatives.update'), requireIfMatch],
      request: { params: relativeParams, headers: ifMatchHeader, ...jsonBody(relativeSupportSchema.meta({ id: 'RelativeSupport' }), examples.support.request) },
      responses: { 200: { description: 'The relative after the change', headers: etagHeader, content: jsonContent(relativeView, examples.support.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, relativeId } = c.req.valid('param');
      const plan = await service(c).setSupport(staffActor(c), id, ifMatch(c), relativeId, c.req.valid('json'));
      c.header('ETag', etag(plan.relativesSection.version));
      return c.json(relativeIn(plan, relativeId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{planId}/relatives/{relativeId}/commitments',
      tags,
      summary: 'Propose a voluntary commitment to the relative',
      description:
        'The commitment starts as `requested`: nothing counts as committed until the relative accepts. Children are not asked to take on commitments (422).',
      security: bearerSecurity,
      middleware: [...authz('commitment.propose'), requireIfMatch],
      request: { params: relativeParams, headers: ifMatchHeader, ...jsonBody(newCommitment, examples.commitmentAdd.request) },
      responses: { 201: { description: 'The commitment proposed', headers: created, content: jsonContent(commitmentResponse, examples.commitmentAdd.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, relativeId } = c.req.valid('param');
      const { plan, commitmentId } = await service(c).propose(staffActor(c), id, ifMatch(c), relativeId, c.req.valid('json'));
      c.header('ETag', etag(plan.relativesSection.version));
      c.header('Location', `/api/plans/${id}/relatives/${relativeId}/commitments/${commitmentId}`);
      return c.json(commitmentIn(plan, relativeId, commitmentId), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/plans/{planId}/relatives/{relativeId}/commitments/{commitmentId}/cancel',
      tags,
      summary: 'Cancel a commitment (staff withdraw it, or close one the relative declined or withdrew)',
      description: 'Appends a `cancelled` event to the history; the history is never rewritten.',
      security: bearerSecurity,
      middleware: [...authz('commitment.cancel'), requireIfMatch],
      request: { params: commitmentParams, headers: ifMatchHeader, ...jsonBody(cancelBody, examples.commitmentCancel.request) },
      responses: { 200: { description: 'The commitment after the change', headers: etagHeader, content: jsonContent(commitmentResponse, examples.commitmentCancel.response) }, ...updateErrors },
    }),
    async (c) => {
      const { planId: id, relativeId, commitmentId } = c.req.valid('param');
      const plan = await service(c).cancel(staffActor(c), id, ifMatch(c), relativeId, commitmentId, c.req.valid('json').comment);
      c.header('ETag', etag(plan.relativesSection.version));
      return c.json(commitmentIn(plan, relativeId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/worklist',
      tags,
      summary: "What needs attention in the relatives sections of my organisation's plans",
      description:
        'Commitments declined or withdrawn (until cancelled), commitments past their review date, and open requests for contact or a needs assessment; oldest first.',
      security: bearerSecurity,
      middleware: [...authz('worklist.read')],
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
      },
      responses: {
        200: {
          description: 'A page of the work list',
          content: jsonContent(z.object({ items: z.array(worklistItem), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }), examples.worklist.response),
        },
        ...errors,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await service(c).worklist(staffActor(c), query);
      return c.json({ ...page, limit: query.limit, offset: query.offset }, 200);
    },
  );
