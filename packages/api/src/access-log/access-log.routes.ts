import { createRoute, z } from '@hono/zod-openapi';
import { apiDateTime, apiToken, personIdSchema } from '@sip/shared';
import type { Context } from 'hono';
import { authz } from '../policy/authorize.ts';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/errors.ts';
import { bearerSecurity, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import type { Db } from '../db/database.ts';
import { kickAccessLogChainer, recordAccess, searchAccessLog, type AccessLogQuery } from './access-log.ts';
import { verifyWithCheckpoints } from './checkpoints.ts';

const entry = z
  .object({
    seq: z.number().int().nullable().meta({ description: "the entry's place in the hash chain; null for the moment between its commit and the chainer linking it" }),
    at: z.string(),
    userId: z.string(),
    organisationId: z.string(),
    individualId: z.string().nullable(),
    planId: z.string().nullable(),
    action: z.string(),
    purpose: z.string(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AccessLogEntry' });

const page = z.object({ items: z.array(entry), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
const isoDateTime = apiDateTime();
const paging = { limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) };

// Personal identity numbers travel in the body, never in the URL.
const searchSchema = z
  .strictObject({
    individual: personIdSchema.optional(),
    userId: apiToken(64).optional(),
    planId: z
      .uuid()
      .transform((v) => v.toLowerCase())
      .optional()
      .openapi({ description: 'Only entries of this plan (its id)' }),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    ...paging,
  })
  .meta({ id: 'AccessLogSearch' });
const extractSchema = z.strictObject({ individual: personIdSchema, ...paging }).meta({ id: 'AccessLogExtract' });

/** The auditor behind a request that passed `authz('access-log.read')`. */
function auditor(c: Context<AppEnv>) {
  const principal = c.get('principal');
  if (principal.kind !== 'staff') throw new Error('access-log route reached without a staff principal');
  return principal;
}


/**
 * Runs a follow-up query over the auditor's own organisation's entries and logs, in the
 * same transaction, that those individuals' entries were read.
 */
async function followUp(
  c: Context<AppEnv>,
  query: Omit<AccessLogQuery, 'organisationId'>,
  purpose: 'log-follow-up' | 'individual-extract',
) {
  const principal = auditor(c);
  const { database, clock } = c.get('deps');
  // What has committed is linked first, so the entries come with their place in the chain.
  await kickAccessLogChainer(database.db);
  return database.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const found = await searchAccessLog(tx, { ...query, organisationId: principal.organisationId });
    const individuals = query.individualId
      ? [query.individualId]
      : [...new Set(found.items.map((i) => i.individualId).filter((v): v is string => v !== null))];
    await recordAccess(
      tx,
      (individuals.length ? individuals : [null]).map((individualId) => ({
        at: clock.now(),
        userId: principal.userId,
        organisationId: principal.organisationId,
        individualId,
        planId: null,
        action: purpose === 'individual-extract' ? ('access-log.extract' as const) : ('access-log.read' as const),
        purpose,
        requestId: c.get('requestId') ?? null,
      })),
    );
    return found;
  });
}


/** Systematic follow-up of the access log, by an organisation's auditors, over its own entries. */
export const accessLogRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/access-log/search',
      tags: ['Access log'],
      summary: "Follow up my organisation's access log: filter by individual, user, plan and time",
      security: bearerSecurity,
      middleware: [...authz('access-log.read')],
      request: jsonBody(searchSchema, examples.accessLogSearch.request),
      responses: { 200: { description: 'Entries, oldest first', content: jsonContent(page, examples.accessLogSearch.response) }, ...problemResponses(401, 403, 415, 422) },
    }),
    async (c) => {
      const q = c.req.valid('json');
      const result = await followUp(
        c,
        {
          ...(q.individual ? { individualId: q.individual } : {}),
          ...(q.userId ? { userId: q.userId } : {}),
          ...(q.planId ? { planId: q.planId } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          limit: q.limit,
          offset: q.offset,
        },
        'log-follow-up',
      );
      return c.json({ ...result, limit: q.limit, offset: q.offset }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/api/access-log/extract',
      tags: ['Access log'],
      summary: 'The extract one individual has a right to: every access to their data in my organisation',
      security: bearerSecurity,
      middleware: [...authz('access-log.read')],
      request: jsonBody(extractSchema, examples.accessLogExtract.request),
      responses: { 200: { description: 'Entries, oldest first', content: jsonContent(page, examples.accessLogExtract.response) }, ...problemResponses(401, 403, 415, 422) },
    }),
    async (c) => {
      const q = c.req.valid('json');
      const result = await followUp(c, { individualId: q.individual, limit: q.limit, offset: q.offset }, 'individual-extract');
      return c.json({ ...result, limit: q.limit, offset: q.offset }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/access-log/verify',
      tags: ['Access log'],
      summary: 'Check the whole access log: hash chain, numbering without gaps, and the checkpoints kept outside the database; reports the first broken entry',
      description: 'What has committed is linked into the chain first; entries written while the check runs are counted as not yet linked, never as broken.',
      security: bearerSecurity,
      middleware: [...authz('access-log.read')],
      responses: {
        200: {
          description: 'The verdict',
          content: {
            'application/json': {
              schema: z
                .object({
                  ok: z.boolean(),
                  rows: z.number().int().meta({ description: 'entries read' }),
                  newest: z.number().int().nullable().optional().meta({ description: 'the newest entry, when intact' }),
                  brokenAt: z.number().int().optional().meta({ description: 'the first entry that is broken, missing or differs from a checkpoint' }),
                  reason: z
                    .enum(['hash', 'link', 'gap', 'checkpoint', 'missing', 'checkpoints'])
                    .optional()
                    .meta({
                      description:
                        'hash: contents do not match the hash; link: not linked to the entry before; gap: the entry is missing from the numbering; checkpoint: differs from what a checkpoint recorded; missing: entries a checkpoint names are gone; checkpoints: the checkpoints cannot be read or their signatures do not verify',
                    }),
                  detail: z.string().optional(),
                  checkpoint: z
                    .object({ seq: z.number().int(), hash: z.string(), writtenAt: z.string() })
                    .nullable()
                    .meta({ description: 'the newest checkpoint kept outside the database, compared with the log' }),
                  checkpointsKept: z.boolean().meta({ description: 'whether checkpoints are kept at all (ACCESS_LOG_CHECKPOINTS)' }),
                  unchained: z.number().int().optional().meta({ description: 'entries written but not yet linked into the chain (not broken: not yet verifiable)' }),
                  unchainedIds: z
                    .object({ first: z.number().int(), last: z.number().int() })
                    .nullable()
                    .optional()
                    .meta({ description: 'the write-order ids of the oldest and newest entry not yet linked' }),
                })
                .meta({ id: 'AccessLogVerdict' }),
              example: examples.accessLogVerify.response,
            },
          },
        },
        ...problemResponses(401, 403),
      },
    }),
    async (c) => {
      auditor(c);
      const { database, accessLogCheckpoints } = c.get('deps');
      await kickAccessLogChainer(database.db);
      return c.json(await verifyWithCheckpoints(database.db, accessLogCheckpoints), 200);
    },
  );
