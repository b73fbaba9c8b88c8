import { createRoute, z } from '@hono/zod-openapi';
import { apiToken, planEventSchema, planPresenceSchema, type PlanEvent, type PlanPresence } from '@sip/shared';
import { plansService, staffActor } from './context.ts';
import { and, asc, eq, gt, max } from 'drizzle-orm';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { authz } from '../policy/authorize.ts';
import type { Db } from '../db/database.ts';
import { planEvents } from '../db/schema.ts';
import type { AppEnv } from '../http/context.ts';
import { bearerSecurity, problemResponses } from '../http/openapi.ts';
import { ProblemError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import type { PlanEventSubscription } from './events.ts';


/** How many stored events one read sends at most; a longer backlog is read in several. */
const BATCH = 200;
/** How long an EventSource waits before it reconnects after the stream ends. */
const RETRY_MS = 3000;
/** The longest delay a timer takes (about 24 days); a token lives a day at most. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const planEvent = planEventSchema.meta({
  id: 'PlanEvent',
  description: 'The `data` of each change event: ids and versions only, never content or personal data. Read the plan or part to see what changed.',
});
const planPresence = planPresenceSchema.meta({
  id: 'PlanPresence',
  description:
    "The `data` of a `presence` event: who else has the plan open, as the plan's open event streams counted per organisation. Organisation ids and counts only, never users or other personal data.",
});

const params = z.object({
  planId: apiToken(100).openapi({ param: { name: 'planId', in: 'path' }, description: 'The plan id (UUID)' }),
});
const headers = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,15}$/, 'must be an event id you received')
    .optional()
    .openapi({ description: 'The id of the last event you received: the events after it are sent first. EventSource sends it on reconnect.' }),
});

const actor = staffActor;

type EventRow = typeof planEvents.$inferSelect;

function toData(row: EventRow): PlanEvent {
  return {
    planId: row.planId,
    type: row.type,
    partId: row.partId,
    version: row.version,
    revision: row.revision,
    organisationId: row.organisationId,
    at: row.at.toISOString(),
  };
}

async function latestEventId(db: Db, planId: string): Promise<number> {
  const [row] = await db.select({ id: max(planEvents.id) }).from(planEvents).where(eq(planEvents.planId, planId));
  return Number(row?.id ?? 0);
}

/**
 * Sends the plan's stored events after `after`, in id order, and returns the last id sent.
 * A plan's events are written under the lock on its `plans` row, so their ids grow in
 * commit order: reading `id > last sent` neither skips nor repeats one.
 */
async function sendAfter(
  db: Db,
  stream: SSEStreamingApi,
  subscription: PlanEventSubscription,
  planId: string,
  after: number,
): Promise<number> {
  let last = after;
  for (;;) {
    const rows = await db
      .select()
      .from(planEvents)
      .where(and(eq(planEvents.planId, planId), gt(planEvents.id, last)))
      .orderBy(asc(planEvents.id))
      .limit(BATCH);
    for (const row of rows) {
      if (subscription.closed || stream.aborted) return last;
      await stream.writeSSE({ id: String(row.id), event: row.type, data: JSON.stringify(toData(row)) });
      last = row.id;
    }
    if (rows.length < BATCH) return last;
  }
}

/** Live co-editing: tells every open editor of a plan that something in it changed. */
export const planEventsRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/api/plans/{planId}/events',
    tags: ['Plans'],
    summary: 'Follow changes to a plan live (Server-Sent Events)',
    description: [
      'An event stream: one event per change to the plan, from any instance of the broker.',
      'Event `id` is the event id, `event` its type (`part.updated`, `plan.updated`, `consent.updated`, `status.changed`, `participants.updated`), `data` a PlanEvent as JSON.',
      'With `Last-Event-ID`, the events after that id are sent first, in order, then new ones as they happen; without it, only new ones.',
      'Presence: an event `presence`, without an `id` (so it never moves Last-Event-ID), whose `data` is a PlanPresence: every open event stream of the plan, on any instance of the broker, counted per organisation, the reader\'s own included.',
      'It is sent once when the stream opens (after the events sent first) and again whenever those counts change, as streams open and close anywhere; a stream of an instance that stopped without closing it stops counting within three heartbeats (45 s).',
      'A comment line is sent when nothing has happened for a while, so that proxies keep the stream open.',
      "The stream ends when the access token it was opened with expires (after a comment line `: token expired`): reconnect with a new token and Last-Event-ID.",
      'Authorised as reading the plan, and logged in the access log.',
    ].join(' '),
    security: bearerSecurity,
    middleware: [...authz('events.read')],
    request: { params, headers },
    responses: {
      200: {
        description: 'The event stream; it ends when the access token expires or the service shuts down (reconnect with a valid token and Last-Event-ID)',
        headers: {
          'Cache-Control': { schema: { type: 'string' }, description: 'no-store' },
          'X-Accel-Buffering': { schema: { type: 'string' }, description: 'no: proxies must not buffer the stream' },
        },
        content: { 'text/event-stream': { schema: z.union([planEvent, planPresence]) } },
      },
      ...problemResponses(401, 403, 404, 422, 503),
    },
  }),
  async (c) => {
    const { planId } = c.req.valid('param');
    const lastEventId = c.req.valid('header')['last-event-id'];
    const { database, events, logger, clock } = c.get('deps');
    const db = database.db;
    const expiresAt = c.get('tokenExpiresAt');
    // Other requests allow the issuer's clock some skew past `exp`; a stream is opened only with
    // a token still live, or it would end at once and the client reconnect with it again.
    if (expiresAt !== undefined && expiresAt.getTime() <= clock.now().getTime()) {
      throw new ProblemError('unauthenticated', 'The token has expired: open the stream with a new token', {
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The token has expired"' },
      });
    }
    const reader = actor(c);
    await plansService(c).authorizeEvents(reader, planId);

    // Subscribe before reading where the stream starts: whatever commits after that read wakes it.
    const subscription = events.subscribe(planId);
    let cursor: number;
    try {
      const latest = await latestEventId(db, planId);
      cursor = lastEventId === undefined ? latest : Math.min(Number(lastEventId), latest);
      // A staff member's stream counts as present for their organisation, on every instance, until it ends.
      if (reader.principal.kind === 'staff') await events.enter(subscription, reader.principal.organisationId);
    } catch (error) {
      subscription.close();
      throw error;
    }

    const requestId = c.get('requestId');
    const response = streamSSE(c, async (stream) => {
      stream.onAbort(() => subscription.close());
      // The stream speaks for its token no longer than the token lives: at its `exp` it ends,
      // and the client reconnects with a new token (and Last-Event-ID, so nothing is missed).
      let expired = false;
      const expiry =
        expiresAt === undefined
          ? undefined
          : setTimeout(
              () => {
                expired = true;
                subscription.close();
              },
              Math.min(MAX_TIMER_MS, Math.max(0, expiresAt.getTime() - clock.now().getTime())),
            );
      // Presence is sent when it differs from what this stream was last sent: however many
      // streams open or close at once, one event per change the stream sees.
      let presenceSent: string | undefined;
      const sendPresence = async () => {
        const organisations = await events.presence(planId);
        if (subscription.closed || stream.aborted) return;
        const data = JSON.stringify({ planId, organisations } satisfies PlanPresence);
        if (data === presenceSent) return;
        presenceSent = data;
        // No id: presence is not stored, and must not move the client's Last-Event-ID.
        await stream.writeSSE({ event: 'presence', data });
      };
      try {
        await stream.write(`: plan events\nretry: ${RETRY_MS}\n\n`);
        cursor = await sendAfter(db, stream, subscription, planId, cursor);
        await sendPresence();
        for (;;) {
          const signal = await subscription.next();
          if (signal === 'closed' || stream.aborted) break;
          if (signal === 'heartbeat') await stream.write(': heartbeat\n\n');
          // A heartbeat also reads: a notification lost while the listener reconnected is caught up.
          if (signal !== 'presence') cursor = await sendAfter(db, stream, subscription, planId, cursor);
          // And presence is read again: a stopped instance's streams stop counting as they expire.
          if (signal !== 'changed') await sendPresence();
        }
        if (expired && !stream.aborted) await stream.write(': token expired\n\n');
      } catch (error) {
        if (!stream.aborted) logger.error({ err: error, requestId }, 'plan event stream failed');
      } finally {
        clearTimeout(expiry);
        subscription.close();
      }
    });
    // After streamSSE, which sets its own Cache-Control; on the context and on the response,
    // as the context's headers are copied onto the response it returns.
    for (const [name, value] of [
      ['Cache-Control', 'no-store'],
      ['X-Accel-Buffering', 'no'],
    ] as const) {
      c.header(name, value);
      response.headers.set(name, value);
    }
    return response;
  },
);
