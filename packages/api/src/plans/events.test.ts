import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { planPresenceSchema, type PlanPresence, type PlanView } from '@sip/shared';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.ts';
import { accessLog, planEvents, planPresence } from '../db/schema.ts';
import { createLogger } from '../logger.ts';
import { startServer } from '../server.ts';
import {
  buildTestApp,
  consentInput,
  createTestDatabase,
  createTestIssuer,
  describeEachDatabase,
  expectProblem,
  OTHER_MUNICIPALITY,
  type TestApp,
  testConfig,
  type TestDatabase,
  usePeers,
} from '../test-support/index.ts';

const REGION = { id: 'SE2321000099-7RG1', name: 'Region Norrvik' };
const MUNICIPALITY = { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' };
const PERSON_ID = '194003019801';
const PERSON_NAME = 'Astrid Nilsson';
/** How long a live event may take to arrive: far below the 15 s heartbeat, so only NOTIFY can deliver it in time. */
const LIVE_MS = 3000;

const peers = usePeers({ seed: false });

/** Every stream a test opened; closed after each test, even one that failed half-way. */
const opened: SseStream[] = [];
afterEach(() => {
  for (const stream of opened.splice(0)) stream.close();
});

// --- a real HTTP server, and a small SSE client -------------------------------------------

interface Served {
  url: string;
  close(): Promise<void>;
}

async function serveApp(t: TestApp): Promise<Served> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
  /** The event's lines as received. */
  raw: string;
}

/** Reads an event stream as EventSource would: events, comments, and when it ends. */
class SseStream {
  /** The stored plan events, in order. */
  readonly events: SseEvent[] = [];
  /** The `presence` events, kept apart: they are not stored events and come in between. */
  readonly presence: SseEvent[] = [];
  /** Every event, stored or presence, in the order received. */
  readonly all: SseEvent[] = [];
  private presenceRead = 0;
  readonly comments: string[] = [];
  readonly ended: Promise<void>;
  done = false;
  private read = 0;
  private wake: (() => void) | undefined;

  constructor(
    readonly res: Response,
    private readonly abortController: AbortController,
  ) {
    this.ended = this.pump();
  }

  private async pump() {
    const reader = this.res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let lines: string[] = [];
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            this.dispatch(lines);
            lines = [];
          } else if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
            this.signal();
          } else {
            lines.push(line);
          }
        }
      }
    } catch {
      // Aborted by the test.
    } finally {
      this.done = true;
      this.signal();
    }
  }

  private dispatch(lines: string[]) {
    const event: SseEvent = { id: undefined, event: undefined, data: '', raw: lines.join('\n') };
    const data: string[] = [];
    for (const line of lines) {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
    }
    if (data.length === 0) return; // a retry-only block dispatches nothing
    event.data = data.join('\n');
    this.all.push(event);
    if (event.event === 'presence') this.presence.push(event);
    else this.events.push(event);
    this.signal();
  }

  private signal() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves when `condition` holds, checked on every chunk; rejects after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The next event not yet taken. */
  async next(timeoutMs = LIVE_MS): Promise<SseEvent & { json: Record<string, unknown> }> {
    await this.until(() => this.events.length > this.read || this.done, timeoutMs, 'the next event');
    const event = this.events[this.read++];
    if (!event) throw new Error('the stream ended');
    return { ...event, json: JSON.parse(event.data) as Record<string, unknown> };
  }

  /** The next presence event not yet taken. */
  async nextPresence(timeoutMs = LIVE_MS): Promise<SseEvent & { json: PlanPresence }> {
    await this.until(() => this.presence.length > this.presenceRead || this.done, timeoutMs, 'the next presence event');
    const event = this.presence[this.presenceRead++];
    if (!event) throw new Error('the stream ended');
    return { ...event, json: JSON.parse(event.data) as PlanPresence };
  }

  /** Waits until the latest presence event counts exactly `organisations`, and returns it. */
  async presenceOf(organisations: PlanPresence['organisations'], timeoutMs = LIVE_MS): Promise<PlanPresence> {
    const latest = () => {
      const last = this.presence.at(-1);
      return last ? (JSON.parse(last.data) as PlanPresence) : undefined;
    };
    try {
      await this.until(() => JSON.stringify(latest()?.organisations) === JSON.stringify(organisations), timeoutMs, 'presence');
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(organisations)}, last seen ${JSON.stringify(latest())}`);
    }
    this.presenceRead = this.presence.length;
    return latest()!;
  }

  /** Asserts that no further event arrives within `ms`. */
  async expectQuiet(ms: number) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    expect(this.events.slice(this.read)).toEqual([]);
  }

  close() {
    this.abortController.abort();
  }
}

async function openEvents(baseUrl: string, planId: string, token: string, lastEventId?: string): Promise<SseStream> {
  const abortController = new AbortController();
  const res = await fetch(`${baseUrl}/api/plans/${planId}/events`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'Last-Event-ID': lastEventId } : {}) },
    signal: abortController.signal,
  });
  expect(res.status).toBe(200);
  const stream = new SseStream(res, abortController);
  opened.push(stream);
  return stream;
}

// --- the staff API, as personas ----------------------------------------------------------

type Api = (path: string, init?: { method?: string; body?: unknown; ifMatch?: number; lastEventId?: string }) => Promise<Response>;

function apiAs(t: TestApp, token: string | undefined): Api {
  return async (path, init = {}) =>
    t.app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.ifMatch !== undefined ? { 'If-Match': `W/"${init.ifMatch}"` } : {}),
        ...(init.lastEventId !== undefined ? { 'Last-Event-ID': init.lastEventId } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
}

async function createPlan(api: Api, municipality = MUNICIPALITY): Promise<PlanView> {
  const res = await api('/api/plans', {
    method: 'POST',
    body: { individual: { personId: PERSON_ID, name: PERSON_NAME }, principals: { region: REGION, municipality }, title: 'SIP för Astrid' },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as PlanView;
}

/** Creates a plan and records the individual's consent naming both principals: then it reaches the municipality. */
async function createSharedPlan(api: Api, municipality = MUNICIPALITY): Promise<PlanView> {
  const created = await createPlan(api, municipality);
  const res = await api(`/api/plans/${created.id}/consent`, { method: 'PUT', ifMatch: created.version, body: consentInput() });
  expect(res.status).toBe(200);
  return (await res.json()) as PlanView;
}

const partOf = (plan: PlanView, principal: 'region' | 'municipality') => plan.parts.find((p) => p.principal === principal)!;

async function editPart(api: Api, planId: string, partId: string, version: number, body: unknown) {
  const res = await api(`/api/plans/${planId}/parts/${partId}`, { method: 'PATCH', ifMatch: version, body });
  expect(res.status).toBe(200);
  return (await res.json()) as PlanView['parts'][number];
}

/** Waits until the hub holds `n` subscriptions: a disconnect is noticed by the server a moment later. */
async function expectSubscriptions(hub: TestApp['events'], n: number) {
  const deadline = Date.now() + 2000;
  while (hub.size !== n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(hub.size).toBe(n);
}

async function storedEvents(database: Database, planId: string) {
  return database.db.select().from(planEvents).where(eq(planEvents.planId, planId)).orderBy(asc(planEvents.id));
}


// --- the tests --------------------------------------------------------------------------

describeEachDatabase('live plan events', (ctx) => {
  let t: TestApp;
  let served: Served;
  const tokens: Record<string, string> = {};
  const api = (persona: string) => apiAs(t, tokens[persona]);

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    served = await serveApp(t);
    for (const persona of ['region-coordinator', 'region-physician', 'region-auditor', 'municipality-coordinator', 'municipality-homecare', 'maria']) {
      tokens[persona] = await t.tokenFor(persona);
    }
  });
  afterAll(async () => {
    await t?.events.close();
    await served?.close();
  });

  it('tells an open editor when the other principal edits its part: ids and versions, no content, no personal data', async () => {
    const plan = await createSharedPlan(api('region-coordinator'));
    const part = partOf(plan, 'municipality');
    const stream = await openEvents(served.url, plan.id, tokens['region-physician']!);
    try {
      expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
      expect(stream.res.headers.get('cache-control')).toBe('no-store');
      expect(stream.res.headers.get('x-accel-buffering')).toBe('no');

      const edited = await editPart(api('municipality-homecare'), plan.id, part.id, part.version, {
        contactPerson: { name: 'Jonas Berg', phone: '+46701740009' },
        goals: [{ text: 'Astrid klarar morgonrutinen själv' }],
      });
      expect(edited.version).toBe(part.version + 1);

      const event = await stream.next();
      const [stored] = (await storedEvents(ctx.database, plan.id)).filter((e) => e.type === 'part.updated');
      expect(event.event).toBe('part.updated');
      expect(event.id).toBe(String(stored!.id));
      expect(event.json).toEqual({
        planId: plan.id,
        type: 'part.updated',
        partId: part.id,
        version: part.version + 1,
        revision: plan.revision + 1,
        organisationId: MUNICIPALITY.id,
        at: stored!.at.toISOString(),
      });
      for (const secret of [PERSON_ID, '19400301', PERSON_NAME, 'Astrid', 'morgonrutinen', 'Jonas', '+4670']) {
        expect(event.raw).not.toContain(secret);
      }
      // Without Last-Event-ID only new events come: plan.created and consent.updated were not replayed.
      expect(stream.events).toHaveLength(1);

      // Following the plan is a read of it, in the access log.
      const logged = await ctx.database.db
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.planId, plan.id), eq(accessLog.action, 'events.read')));
      expect(logged.map((r) => [r.userId, r.organisationId])).toEqual([['SE2321000099-7P02', REGION.id]]);
    } finally {
      stream.close();
    }
  });

  it('resumes from Last-Event-ID: replays exactly the missed events in order, then continues live', async () => {
    const plan = await createSharedPlan(api('region-coordinator'));
    const region = partOf(plan, 'region');
    const municipality = partOf(plan, 'municipality');
    const physician = tokens['region-physician']!;

    const first = await openEvents(served.url, plan.id, physician);
    await editPart(api('region-physician'), plan.id, region.id, region.version, { goals: [{ text: 'Blodtrycket under kontroll' }] });
    const seen = await first.next();
    expect(seen.json).toMatchObject({ type: 'part.updated', partId: region.id, version: region.version + 1 });
    first.close();
    await first.ended;

    // Missed while disconnected: two changes by two organisations.
    await editPart(api('municipality-homecare'), plan.id, municipality.id, municipality.version, { goals: [{ text: 'Trygg i hemmet' }] });
    const patched = await api('region-coordinator')(`/api/plans/${plan.id}`, { method: 'PATCH', ifMatch: plan.version, body: { title: 'SIP för Astrid, hösten' } });
    expect(patched.status).toBe(200);

    const resumed = await openEvents(served.url, plan.id, physician, seen.id);
    try {
      const missed = [await resumed.next(), await resumed.next()];
      expect(missed.map((e) => [e.event, e.json.partId, e.json.version, e.json.organisationId])).toEqual([
        ['part.updated', municipality.id, municipality.version + 1, MUNICIPALITY.id],
        ['plan.updated', null, plan.version + 1, REGION.id],
      ]);

      await editPart(api('region-physician'), plan.id, region.id, region.version + 1, { goals: [{ text: 'Blodtrycket under kontroll, varje vecka' }] });
      const live = await resumed.next();
      expect(live.json).toMatchObject({ type: 'part.updated', partId: region.id, version: region.version + 2, revision: plan.revision + 4 });

      // Exactly the stored events after the one seen, in id order, each once.
      await resumed.expectQuiet(300);
      const stored = (await storedEvents(ctx.database, plan.id)).filter((e) => e.id > Number(seen.id));
      expect(resumed.events.map((e) => e.id)).toEqual(stored.map((e) => String(e.id)));
      expect(stored).toHaveLength(3);
    } finally {
      resumed.close();
    }
  });

  it("replays only this plan's events, from the start with Last-Event-ID 0", async () => {
    const plan = await createSharedPlan(api('region-coordinator'));
    const other = await createSharedPlan(api('region-coordinator'));
    const otherRegion = partOf(other, 'region');
    await editPart(api('region-physician'), other.id, otherRegion.id, otherRegion.version, { goals: [{ text: 'Annan plan' }] });
    const municipality = partOf(plan, 'municipality');
    await editPart(api('municipality-homecare'), plan.id, municipality.id, municipality.version, { goals: [{ text: 'Trygg i hemmet' }] });

    const stream = await openEvents(served.url, plan.id, tokens['municipality-coordinator']!, '0');
    try {
      const replayed = [await stream.next(), await stream.next(), await stream.next()];
      expect(replayed.map((e) => [e.event, e.json.planId])).toEqual([
        ['plan.created', plan.id],
        ['consent.updated', plan.id],
        ['part.updated', plan.id],
      ]);
      await stream.expectQuiet(200);
    } finally {
      stream.close();
    }
  });

  it('refuses before streaming, as problem+json: 404 outside the plan, 403 auditor or citizen, 401 without a token', async () => {
    await expectSubscriptions(t.events, 0);
    const plan = await createPlan(api('region-coordinator'), OTHER_MUNICIPALITY);
    const path = `/api/plans/${plan.id}/events`;

    await expectProblem(await api('municipality-coordinator')(path), 404);
    await expectProblem(await api('municipality-homecare')('/api/plans/not-a-uuid/events'), 404);
    await expectProblem(await api('region-auditor')(path), 403);
    await expectProblem(await api('maria')(path), 403);
    const anonymous = await apiAs(t, undefined)(path);
    await expectProblem(anonymous, 401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const malformed = await expectProblem(await api('region-physician')(path, { lastEventId: 'latest' }), 422);
    expect(JSON.stringify(malformed)).toContain('last-event-id');

    // Over HTTP too, and none of these opened a stream.
    const res = await fetch(`${served.url}${path}`, { headers: { Authorization: `Bearer ${tokens['municipality-coordinator']}` } });
    await expectProblem(res, 404);
    expect(t.events.size).toBe(0);
  });

  it('lets go of the subscription as soon as the client disconnects', async () => {
    await expectSubscriptions(t.events, 0);
    const plan = await createPlan(api('region-coordinator'));
    const stream = await openEvents(served.url, plan.id, tokens['region-physician']!);
    expect(t.events.size).toBe(1);
    stream.close();
    // Well before the next heartbeat (15 s) would notice.
    await expectSubscriptions(t.events, 0);
  });

  it('tells both principals when the individual withdraws the consent: consent.withdrawn, with ids only', async () => {
    const plan = await createSharedPlan(api('region-coordinator'));
    const streams = [
      await openEvents(served.url, plan.id, tokens['region-physician']!),
      await openEvents(served.url, plan.id, tokens['municipality-homecare']!),
    ];
    try {
      const res = await api('region-coordinator')(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: plan.version,
        body: consentInput({ revokedAt: '2026-11-25T09:00:00+01:00' }),
      });
      expect(res.status).toBe(200);
      const [stored] = (await storedEvents(ctx.database, plan.id)).filter((e) => e.type === 'consent.withdrawn');
      for (const stream of streams) {
        const event = await stream.next();
        expect(event.event).toBe('consent.withdrawn');
        expect(event.id).toBe(String(stored!.id));
        expect(event.json).toEqual({
          planId: plan.id,
          type: 'consent.withdrawn',
          partId: null,
          version: plan.version + 1,
          revision: plan.revision + 1,
          organisationId: REGION.id,
          at: stored!.at.toISOString(),
        });
        await stream.expectQuiet(100);
      }
      // Recording the withdrawal again is an update of the consent, not a second withdrawal.
      const again = await api('region-coordinator')(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: plan.version + 1,
        body: consentInput({ revokedAt: '2026-11-25T09:00:00+01:00', form: 'oral' }),
      });
      expect(again.status).toBe(200);
      expect((await streams[0]!.next()).event).toBe('consent.updated');
      expect((await storedEvents(ctx.database, plan.id)).map((e) => e.type)).toEqual(['plan.created', 'consent.updated', 'consent.withdrawn', 'consent.updated']);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('is described in the OpenAPI document as an event stream', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    const op = doc.paths['/api/plans/{planId}/events']?.get;
    expect(Object.keys(op?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    // Presence is part of the contract: its event and its schema.
    expect((op as { description?: string } | undefined)?.description).toContain('`presence`');
    const schemas = (doc as unknown as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }).components.schemas;
    expect(Object.keys(schemas['PlanPresence']?.properties ?? {})).toEqual(['planId', 'organisations']);
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403', '404']));
  });

  describe('presence: who else has the plan open', () => {
    const present = (...counts: [string, number][]) => counts.map(([organisationId, count]) => ({ organisationId, count }));
    /** What a presence event must never carry: the readers, their names, the individual. */
    const personal = ['7P01', '7P02', 'Sara', 'Omar', 'Karin', 'Jonas', 'Lind', 'Haddad', PERSON_ID, '19400301', PERSON_NAME, 'Astrid', 'userId', 'name'];

    it('counts every open stream of the plan per organisation, the reader’s own included, as streams open and close', async () => {
      const plan = await createSharedPlan(api('region-coordinator'));
      const other = await createSharedPlan(api('region-coordinator'));

      const physician = await openEvents(served.url, plan.id, tokens['region-physician']!);
      const first = await physician.nextPresence();
      expect(first.id).toBeUndefined();
      expect(first.raw).not.toMatch(/^id:/m);
      expect(first.json).toEqual({ planId: plan.id, organisations: present([REGION.id, 1]) });

      // The municipality opens it: both see both, sorted by organisation id.
      const homecare = await openEvents(served.url, plan.id, tokens['municipality-homecare']!);
      expect((await homecare.nextPresence()).json).toEqual({ planId: plan.id, organisations: present([MUNICIPALITY.id, 1], [REGION.id, 1]) });
      expect(await physician.presenceOf(present([MUNICIPALITY.id, 1], [REGION.id, 1]))).toEqual({
        planId: plan.id,
        organisations: present([MUNICIPALITY.id, 1], [REGION.id, 1]),
      });

      // A second region stream counts as two; a stream of another plan counts there only.
      const coordinator = await openEvents(served.url, plan.id, tokens['region-coordinator']!);
      const elsewhere = await openEvents(served.url, other.id, tokens['municipality-coordinator']!);
      expect((await elsewhere.nextPresence()).json).toEqual({ planId: other.id, organisations: present([MUNICIPALITY.id, 1]) });
      await physician.presenceOf(present([MUNICIPALITY.id, 1], [REGION.id, 2]));
      await homecare.presenceOf(present([MUNICIPALITY.id, 1], [REGION.id, 2]));
      expect((await coordinator.nextPresence()).json.organisations).toEqual(present([MUNICIPALITY.id, 1], [REGION.id, 2]));

      // The municipality closes it: the others see it go, well before any heartbeat.
      homecare.close();
      await physician.presenceOf(present([REGION.id, 2]));
      await coordinator.presenceOf(present([REGION.id, 2]));
      coordinator.close();
      await physician.presenceOf(present([REGION.id, 1]));
      // The other plan's reader was told nothing of this plan.
      await elsewhere.expectQuiet(100);
      expect(elsewhere.presence).toHaveLength(1);

      // Ids and counts only.
      for (const stream of [physician, homecare, coordinator, elsewhere]) {
        for (const event of stream.presence) {
          expect(event.id).toBeUndefined();
          expect(Object.keys(JSON.parse(event.data) as object)).toEqual(['planId', 'organisations']);
          // As the shared schema says, which the staff elements read it with.
          expect(planPresenceSchema.parse(JSON.parse(event.data))).toEqual(JSON.parse(event.data));
          for (const secret of personal) expect(event.raw).not.toContain(secret);
        }
      }
      // Presence is not stored as a plan event.
      expect((await storedEvents(ctx.database, plan.id)).map((e) => e.type)).toEqual(['plan.created', 'consent.updated']);
      // Every stream is a read of the plan, in the access log.
      const logged = await ctx.database.db
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.planId, plan.id), eq(accessLog.action, 'events.read')))
        .orderBy(asc(accessLog.id));
      expect(logged.map((r) => [r.userId, r.organisationId])).toEqual([
        ['SE2321000099-7P02', REGION.id],
        ['SE2120000099-7P02', MUNICIPALITY.id],
        ['SE2321000099-7P01', REGION.id],
      ]);
    });

    it('a resumed stream gets exactly the missed stored events, then presence, which leaves Last-Event-ID where it was', async () => {
      const plan = await createSharedPlan(api('region-coordinator'));
      const region = partOf(plan, 'region');
      const municipality = partOf(plan, 'municipality');
      const first = await openEvents(served.url, plan.id, tokens['region-physician']!);
      await first.nextPresence();
      await editPart(api('region-physician'), plan.id, region.id, region.version, { goals: [{ text: 'Blodtrycket under kontroll' }] });
      const seen = await first.next();
      // A presence change in between: the municipality looks in, and leaves.
      const homecare = await openEvents(served.url, plan.id, tokens['municipality-homecare']!);
      await first.presenceOf(present([MUNICIPALITY.id, 1], [REGION.id, 1]));
      homecare.close();
      await first.presenceOf(present([REGION.id, 1]));
      first.close();
      await first.ended;
      // What an EventSource would send on reconnect: the last `id` it saw, which presence never set.
      const lastEventId = first.all.filter((e) => e.id !== undefined).at(-1)?.id;
      expect(lastEventId).toBe(seen.id);

      await editPart(api('municipality-homecare'), plan.id, municipality.id, municipality.version, { goals: [{ text: 'Trygg i hemmet' }] });
      await editPart(api('region-physician'), plan.id, region.id, region.version + 1, { goals: [{ text: 'Promenad varje dag' }] });

      const resumed = await openEvents(served.url, plan.id, tokens['region-physician']!, lastEventId);
      // The server may notice the old stream is gone only just after the new one opened: then it counts one moment longer.
      expect(await resumed.presenceOf(present([REGION.id, 1]))).toEqual({ planId: plan.id, organisations: present([REGION.id, 1]) });
      // Nothing more comes: no stored event twice.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stored = (await storedEvents(ctx.database, plan.id)).filter((e) => e.id > Number(seen.id));
      expect(stored).toHaveLength(2);
      expect(resumed.events.map((e) => e.id)).toEqual(stored.map((e) => String(e.id)));
      // In that order: the backlog first, presence after it.
      expect(resumed.all.slice(0, 3).map((e) => e.event)).toEqual(['part.updated', 'part.updated', 'presence']);
      expect(resumed.all.slice(2).every((e) => e.event === 'presence' && e.id === undefined)).toBe(true);
    });

    it('two instances on one database see each other’s streams', async () => {
      const other = await buildTestApp({ database: ctx.database, peers: peers.urls });
      const otherServed = await serveApp(other);
      try {
        const plan = await createSharedPlan(api('region-coordinator'));
        const onA = await openEvents(served.url, plan.id, tokens['region-physician']!);
        await onA.presenceOf(present([REGION.id, 1]));
        const onB = await openEvents(otherServed.url, plan.id, await other.tokenFor('municipality-homecare'));
        expect((await onB.nextPresence()).json.organisations).toEqual(present([MUNICIPALITY.id, 1], [REGION.id, 1]));
        await onA.presenceOf(present([MUNICIPALITY.id, 1], [REGION.id, 1]));
        // Each instance keeps its own streams.
        expect([t.events.size, other.events.size]).toEqual([1, 1]);
        onB.close();
        await onA.presenceOf(present([REGION.id, 1]));
        // An instance shutting down takes its streams with it.
        const again = await openEvents(otherServed.url, plan.id, await other.tokenFor('municipality-coordinator'));
        await onA.presenceOf(present([MUNICIPALITY.id, 1], [REGION.id, 1]));
        await other.events.close();
        await again.ended;
        await onA.presenceOf(present([REGION.id, 1]));
        const left = await ctx.database.db.select().from(planPresence).where(eq(planPresence.instanceId, other.events.instanceId));
        expect(left).toEqual([]);
      } finally {
        await other.events.close();
        await otherServed.close();
      }
    });

    it('stops counting the streams of an instance that stopped without closing them, once they expire, and removes them', async () => {
      let offsetMs = 0;
      const live = await buildTestApp({
        database: ctx.database,
        peers: peers.urls,
        eventHeartbeatMs: 100,
        clock: { now: () => new Date(Date.now() + offsetMs) },
      });
      const liveServed = await serveApp(live);
      try {
        const plan = await createSharedPlan(api('region-coordinator'));
        // What an instance that crashed leaves behind: two municipality streams it last renewed just now.
        const deadInstance = randomUUID();
        const now = new Date();
        await ctx.database.db.insert(planPresence).values(
          [randomUUID(), randomUUID()].map((streamId) => ({
            streamId,
            planId: plan.id,
            organisationId: MUNICIPALITY.id,
            instanceId: deadInstance,
            openedAt: now,
            seenAt: now,
            expiresAt: new Date(now.getTime() + live.events.presenceTtlMs),
          })),
        );
        const stream = await openEvents(liveServed.url, plan.id, tokens['region-physician']!);
        expect((await stream.nextPresence()).json.organisations).toEqual(present([MUNICIPALITY.id, 2], [REGION.id, 1]));
        // Within the bound they count: heartbeats come and go, and nothing changes (nor is sent again).
        await stream.until(() => stream.comments.filter((c) => c === 'heartbeat').length >= 3, 2000, 'three heartbeats');
        expect(stream.presence).toHaveLength(1);

        // Past the bound they no longer count, and are removed; the live stream, renewed, still counts.
        offsetMs = live.events.presenceTtlMs + 1000;
        await stream.presenceOf(present([REGION.id, 1]));
        const deadline = Date.now() + 2000;
        let left = await ctx.database.db.select().from(planPresence).where(eq(planPresence.instanceId, deadInstance));
        while (left.length > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          left = await ctx.database.db.select().from(planPresence).where(eq(planPresence.instanceId, deadInstance));
        }
        expect(left).toEqual([]);
        const mine = await ctx.database.db.select().from(planPresence).where(eq(planPresence.planId, plan.id));
        expect(mine.map((r) => [r.instanceId, r.organisationId])).toEqual([[live.events.instanceId, REGION.id]]);
        expect(mine[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + offsetMs);
        // Still one stream of the region, several heartbeats later.
        await stream.expectQuiet(400);
        expect(JSON.parse(stream.presence.at(-1)!.data)).toEqual({ planId: plan.id, organisations: present([REGION.id, 1]) });
      } finally {
        await live.events.close();
        await liveServed.close();
      }
    });

    it('writes its open streams again when another instance removed them as expired, after this one was held up', async () => {
      const live = await buildTestApp({ database: ctx.database, peers: peers.urls, eventHeartbeatMs: 100 });
      const liveServed = await serveApp(live);
      try {
        const plan = await createSharedPlan(api('region-coordinator'));
        const stream = await openEvents(liveServed.url, plan.id, tokens['municipality-homecare']!);
        await stream.presenceOf(present([MUNICIPALITY.id, 1]));
        // What another instance does to rows it finds expired.
        await ctx.database.db.delete(planPresence).where(eq(planPresence.instanceId, live.events.instanceId));
        // At its next heartbeat the instance writes the stream again: it counts, as it is still open.
        const rowsOfPlan = () => ctx.database.db.select().from(planPresence).where(eq(planPresence.planId, plan.id));
        const deadline = Date.now() + 2000;
        let rows = await rowsOfPlan();
        while (rows.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          rows = await rowsOfPlan();
        }
        expect(rows.map((r) => [r.instanceId, r.organisationId])).toEqual([[live.events.instanceId, MUNICIPALITY.id]]);
        await stream.presenceOf(present([MUNICIPALITY.id, 1]));
      } finally {
        await live.events.close();
        await liveServed.close();
      }
    });

    it('refuses presence with the stream: nobody outside the plan is counted or told', async () => {
      const plan = await createPlan(api('region-coordinator'), OTHER_MUNICIPALITY);
      const stream = await openEvents(served.url, plan.id, tokens['region-physician']!);
      await stream.presenceOf(present([REGION.id, 1]));
      // The municipality does not see the plan: 404, and it is not counted.
      await expectProblem(await api('municipality-coordinator')(`/api/plans/${plan.id}/events`), 404);
      await expectProblem(await api('region-auditor')(`/api/plans/${plan.id}/events`), 403);
      await stream.expectQuiet(200);
      expect(stream.presence).toHaveLength(1);
      const rows = await ctx.database.db.select().from(planPresence).where(eq(planPresence.planId, plan.id));
      expect(rows.map((r) => r.organisationId)).toEqual([REGION.id]);
    });
  });

  describe('stream lifetime', () => {
    let short: TestApp;
    let shortServed: Served;
    let plan: PlanView;

    const staffIdp = createTestIssuer('https://idp.region.example');

    beforeAll(async () => {
      short = await buildTestApp({
        database: ctx.database,
        peers: peers.urls,
        eventHeartbeatMs: 100,
        extraIssuers: [{ kind: 'staff', issuer: (await staffIdp).issuer, audience: 'sip-broker-staff', keys: (await staffIdp).keys }],
      });
      shortServed = await serveApp(short);
      plan = await createSharedPlan(api('region-coordinator'));
    });
    afterAll(async () => {
      await short?.events.close();
      await shortServed?.close();
    });

    it('sends a comment heartbeat while nothing happens', async () => {
      const stream = await openEvents(shortServed.url, plan.id, tokens['region-physician']!);
      try {
        await stream.until(() => stream.comments.filter((c) => c === 'heartbeat').length >= 2, 2000, 'two heartbeats');
        expect(stream.events).toEqual([]);
        // Presence once, when it opened: not again with each heartbeat, as nothing changed.
        expect(stream.presence).toHaveLength(1);
      } finally {
        stream.close();
      }
    });

    it('ends when its token expires, and not before; a stream opened with a longer-lived token goes on', async () => {
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = await (await staffIdp).sign({ sub: 'SE2321000099-7P02', org: REGION.id, role: 'staff' }, { expiresIn: exp });
      const expiring = await openEvents(shortServed.url, plan.id, token);
      const lasting = await openEvents(shortServed.url, plan.id, tokens['region-physician']!);
      await expiring.until(() => expiring.comments.includes('heartbeat'), 2000, 'a heartbeat before the token expires');
      await expiring.until(() => expiring.done, 5000, 'the stream to end when its token expires');
      expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
      expect(Date.now()).toBeLessThan(exp * 1000 + 1500);
      expect(expiring.comments).toContain('token expired');
      // The other stream is still open and still told of changes.
      expect(lasting.done).toBe(false);
      const region = partOf(plan, 'region');
      await editPart(api('region-physician'), plan.id, region.id, region.version, { goals: [{ text: 'Promenad varje dag' }] });
      expect((await lasting.next()).event).toBe('part.updated');
      lasting.close();
      await expectSubscriptions(short.events, 0);
      // Reconnecting with the expired token is refused.
      const again = await fetch(`${shortServed.url}/api/plans/${plan.id}/events`, { headers: { Authorization: `Bearer ${token}` } });
      expect(again.status).toBe(401);
    }, 15_000);

    it('ends every open stream promptly when the hub closes, and refuses new ones with 503', async () => {
      const streams = [
        await openEvents(shortServed.url, plan.id, tokens['region-physician']!),
        await openEvents(shortServed.url, plan.id, tokens['municipality-homecare']!, '0'),
      ];
      await streams[1]!.next();
      const started = Date.now();
      await short.events.close();
      await Promise.all(streams.map((s) => s.ended));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(short.events.size).toBe(0);
      // Their presence went with them.
      expect(await ctx.database.db.select().from(planPresence).where(eq(planPresence.instanceId, short.events.instanceId))).toEqual([]);

      const res = await fetch(`${shortServed.url}/api/plans/${plan.id}/events`, {
        headers: { Authorization: `Bearer ${tokens['region-physician']}` },
      });
      await expectProblem(res, 503);
    });
  });

  if (ctx.kind === 'postgres') {
    describe('on a Postgres server: several instances, one database', () => {
      let shared: TestDatabase;
      let second: Database;
      let a: TestApp;
      let b: TestApp;
      let servedA: Served;
      let servedB: Served;

      beforeAll(async () => {
        // Two pools, two LISTEN connections: as two broker processes would have.
        shared = await createTestDatabase('postgres');
        second = await openDatabase({ kind: 'postgres', url: shared.url!, max: 2 });
        a = await buildTestApp({ database: shared.database, peers: peers.urls });
        b = await buildTestApp({ database: second, peers: peers.urls });
        [servedA, servedB] = await Promise.all([serveApp(a), serveApp(b)]);
      });
      afterAll(async () => {
        await Promise.all([a?.events.close(), b?.events.close()]);
        await Promise.all([servedA?.close(), servedB?.close()]);
        await second?.close();
        await shared?.drop();
      });

      it('an editor connected to instance B sees an edit made through instance A', async () => {
        const coordinatorA = apiAs(a, await a.tokenFor('region-coordinator'));
        const homecareA = apiAs(a, await a.tokenFor('municipality-homecare'));
        const plan = await createSharedPlan(coordinatorA);
        const part = partOf(plan, 'municipality');

        const stream = await openEvents(servedB.url, plan.id, await b.tokenFor('region-physician'));
        try {
          const started = Date.now();
          await editPart(homecareA, plan.id, part.id, part.version, { goals: [{ text: 'Trygg i hemmet' }] });
          const event = await stream.next();
          expect(Date.now() - started).toBeLessThan(LIVE_MS);
          expect(event.json).toMatchObject({ planId: plan.id, type: 'part.updated', partId: part.id, version: part.version + 1, organisationId: MUNICIPALITY.id });
          expect(b.events.heartbeatMs).toBeGreaterThan(LIVE_MS);
        } finally {
          stream.close();
        }
      });

      it('a stream opened on instance A counts in the presence seen on instance B, and its close too', async () => {
        const plan = await createSharedPlan(apiAs(a, await a.tokenFor('region-coordinator')));
        const onB = await openEvents(servedB.url, plan.id, await b.tokenFor('region-physician'));
        expect((await onB.nextPresence()).json.organisations).toEqual([{ organisationId: REGION.id, count: 1 }]);
        const onA = await openEvents(servedA.url, plan.id, await a.tokenFor('municipality-homecare'));
        const started = Date.now();
        await onB.presenceOf([
          { organisationId: MUNICIPALITY.id, count: 1 },
          { organisationId: REGION.id, count: 1 },
        ]);
        expect(Date.now() - started).toBeLessThan(LIVE_MS);
        expect((await onA.nextPresence()).json.organisations).toEqual([
          { organisationId: MUNICIPALITY.id, count: 1 },
          { organisationId: REGION.id, count: 1 },
        ]);
        onA.close();
        await onB.presenceOf([{ organisationId: REGION.id, count: 1 }]);
        onB.close();
      });

      // The whole server, as main.ts starts it: one more instance on the same database. On the
      // server database, as a file-backed PGlite takes seconds to initialise (the e2e start tests cover that).
      it("the server's graceful close ends open streams at once, not at the shutdown timeout", async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'sip-events-'));
        const sink = new Writable({ write: (_chunk, _enc, done) => done() });
        const config = testConfig(peers.urls, { DATA_DIR: dataDir, DATABASE_URL: shared.url!, PORT: '0', SHUTDOWN_TIMEOUT_MS: '10000' });
        const server = await startServer(config, createLogger('info', sink));
        try {
          const tokenRes = await fetch(`${server.url}/dev/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ persona: 'region-coordinator' }),
          });
          const token = ((await tokenRes.json()) as { access_token: string }).access_token;
          const created = await fetch(`${server.url}/api/plans`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ individual: { personId: PERSON_ID }, principals: { region: REGION, municipality: MUNICIPALITY } }),
          });
          const plan = (await created.json()) as PlanView;
          const stream = await openEvents(server.url, plan.id, token, '0');
          await stream.next();

          const started = Date.now();
          await server.close();
          await stream.ended;
          expect(Date.now() - started).toBeLessThan(2000);
        } finally {
          await server.close();
          rmSync(dataDir, { recursive: true, force: true });
        }
      });
    });
  }
});
