import { createServer, connect, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createTestDatabase,
  planInput,
  serverUrl,
  startTestPeers,
  type TestApp,
  type TestDatabase,
  type TestPeers,
} from '../test-support/index.ts';
import { openDatabase, type Database } from './database.ts';
import { isUnavailable } from './refusal.ts';

/**
 * A TCP proxy between the service and the Postgres server that the test controls: it forwards,
 * refuses (stops listening and cuts every open connection), or black-holes (accepts
 * connections and never forwards a byte).
 */
class DatabaseProxy {
  mode: 'forward' | 'blackhole' = 'forward';
  private server: Server = createServer((socket) => this.accept(socket));
  private readonly open = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(port = 0): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  private accept(client: Socket): void {
    this.open.add(client);
    client.on('close', () => this.open.delete(client));
    client.on('error', () => {});
    if (this.mode === 'blackhole') return;
    const upstream = connect(this.target.port, this.target.host);
    this.open.add(upstream);
    upstream.on('close', () => this.open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private cutAll(): void {
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  /** Connections are refused and every open one is cut, as when the server goes down. */
  async refuse(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cutAll();
    await closed;
  }

  /** Listening again on the same port, accepting connections that go nowhere. */
  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    await this.listen(this.port);
  }

  /** Forwarding again; connections held in the black hole are cut, so the client reconnects. */
  forward(): void {
    this.mode = 'forward';
    this.cutAll();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('classifying database errors', () => {
  it('counts lost, refused and closing connections as unavailable, and real errors not', () => {
    const wrapped = (cause: unknown) => Object.assign(new Error('Failed query'), { cause });
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', '57P01', '57P03', '08006', '08001', '53300']) {
      expect(isUnavailable(wrapped(Object.assign(new Error(code), { code }))), code).toBe(true);
    }
    expect(isUnavailable(new AggregateError([Object.assign(new Error(), { code: 'ECONNREFUSED' }), Object.assign(new Error(), { code: 'ECONNREFUSED' })]))).toBe(true);
    for (const code of ['23505', '22P02', '42P01', '40001', '57014', 'ERR_INVALID_ARG_TYPE']) {
      expect(isUnavailable(wrapped(Object.assign(new Error(code), { code }))), code).toBe(false);
    }
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});

describe.skipIf(!serverUrl)(`while the Postgres server cannot be reached${serverUrl ? '' : ' [skipped: TEST_DATABASE_URL not set]'}`, () => {
  const READY_TIMEOUT_MS = 1000;
  let test: TestDatabase;
  let proxy: DatabaseProxy;
  let database: Database;
  let peers: TestPeers;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    test = await createTestDatabase('postgres', { as: 'service' });
    const direct = new URL(test.url!);
    proxy = new DatabaseProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.listen();
    const viaProxy = new URL(direct);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    viaProxy.username = 'sip_service_test';
    viaProxy.password = '';
    database = await openDatabase({ kind: 'postgres', url: viaProxy.toString(), max: 4 });
    peers = await startTestPeers();
    t = await buildTestApp({ database, peers: peers.urls, env: { READY_TIMEOUT_MS: String(READY_TIMEOUT_MS), LOG_LEVEL: 'silent' } });
    token = await t.tokenFor('region-coordinator');
  }, 120_000);

  afterAll(async () => {
    await t?.events.close();
    await proxy?.close();
    await database?.close().catch(() => {});
    await peers?.close();
    await test?.drop();
  });

  const create = (title: string, key: string) =>
    t.app.request('/api/plans', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(planInput({ title })),
    });

  const timedReady = async () => {
    const started = performance.now();
    const res = await t.app.request('/ready');
    const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
    return { status: res.status, body, ms: performance.now() - started };
  };

  it('answers writes 503 with Retry-After (never 500), commits none half-way, /ready within its bound, and works again after', async () => {
    const writes: { title: string; key: string; status: number; retryAfter: string | null; type?: string; id?: string }[] = [];
    const write = async (i: number) => {
      const title = `SIP ${i}`;
      const key = `outage-${i}-${crypto.randomUUID()}`;
      const res = await create(title, key);
      const body = (await res.json()) as { type?: string; id?: string };
      writes.push({ title, key, status: res.status, retryAfter: res.headers.get('retry-after'), type: body.type, id: body.id });
      if (res.status === 503) expect(res.headers.get('content-type')).toBe('application/problem+json');
    };

    // Writes in flight while the connections are cut and the server refuses new ones.
    let i = 0;
    const writer = async () => {
      for (let n = 0; n < 8; n++) await write(i++);
    };
    const running = Promise.all([writer(), writer(), writer(), writer()]);
    // Cut once some have been made, with others under way.
    while (writes.filter((w) => w.status === 201).length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await proxy.refuse();
    await running;
    // And more while it stays down, a read and the FHIR face among them.
    for (let n = 0; n < 4; n++) await write(i++);
    const made = writes.find((w) => w.status === 201)!;
    const read = await t.app.request(`/api/plans/${made.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toMatch(/^\d+$/);
    const fhir = await t.app.request(`/fhir/CarePlan/${made.id}/$sip`, { headers: { Authorization: `Bearer ${token}` } });
    expect(fhir.status).toBe(503);
    expect(((await fhir.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');

    const statuses = writes.map((w) => w.status);
    expect(statuses.filter((s) => s !== 201 && s !== 503), JSON.stringify(writes)).toEqual([]);
    const refused = writes.filter((w) => w.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(4);
    for (const w of refused) {
      expect(w.retryAfter).toMatch(/^\d+$/);
      expect(w.type).toBe('urn:sip-broker:problem:unavailable');
    }

    // Refused: /ready says so, at once.
    const down = await timedReady();
    expect(down.status).toBe(503);
    expect(down.body.checks.database?.ok).toBe(false);
    // Black-holed: connections are accepted and never answered; /ready still answers within its bound.
    await proxy.blackhole();
    const hung = await timedReady();
    expect(hung.status).toBe(503);
    expect(hung.body.checks.database?.ok).toBe(false);
    expect(hung.ms).toBeLessThan(READY_TIMEOUT_MS + 1500);
    expect(hung.body.checks.region?.ok).toBe(true);

    // Back: ready again, and every refused write, retried under its key, is made once.
    proxy.forward();
    const deadline = Date.now() + 30_000;
    while ((await timedReady()).status !== 200) {
      if (Date.now() > deadline) throw new Error('not ready again within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const w of refused) {
      const res = await create(w.title, w.key);
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const rows = await test.asOwner(
      async (db) => (await db.execute(sql`select id, fields->>'title' as title from plans where fields->>'title' like 'SIP %'`)) as unknown as { id: string; title: string }[],
    );
    expect(rows.map((r) => r.title).sort()).toEqual(writes.map((w) => w.title).sort());
    // Each plan is whole: it reads back.
    for (const { id } of rows) {
      const res = await t.app.request(`/api/plans/${id}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, id).toBe(200);
    }
  }, 90_000);
});
