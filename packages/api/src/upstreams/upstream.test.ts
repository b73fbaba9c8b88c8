import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Patient, Resource } from '@medplum/fhirtypes';
import { createFhirPeer, type FhirPeer, type PeerServer } from '@sip/fhir-peer';
import { IdentifierSystem } from '@sip/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startTokenServer, type TokenServer } from '../test-support/token-server.ts';
import { createUpstream, UpstreamError } from './upstream.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function peerWith(options: Parameters<typeof createFhirPeer>[0] = {}): Promise<{ peer: FhirPeer; server: PeerServer }> {
  const peer = createFhirPeer({ name: 'region', ...options });
  const server = await peer.listen();
  cleanups.push(() => server.close());
  return { peer, server };
}

const patient = (id: string): Patient => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: IdentifierSystem.personnummer, value: '194003019801' }],
});

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('an upstream behind SMART Backend Services', () => {
  let tokens: TokenServer;

  async function setup(expiresIn = 300, now: () => number = Date.now) {
    tokens = await startTokenServer({ expiresIn });
    cleanups.push(() => tokens.close());
    const { peer, server } = await peerWith({ authorize: (h) => tokens.accepts(h) });
    await peer.seed([patient('p1')]);
    const upstream = createUpstream(
      {
        name: 'region',
        baseUrl: server.baseUrl,
        auth: { kind: 'smart-backend', tokenUrl: tokens.tokenUrl, clientId: tokens.clientId, privateKey: tokens.privateKey, scope: 'system/*.rs' },
      },
      2000,
      {},
      now,
    );
    return { peer, upstream };
  }

  it('gets a token with a signed client assertion, sends it, and reuses it until it expires', async () => {
    const { upstream } = await setup();
    const [a, b, c] = await Promise.all([upstream.read<Patient>('Patient', 'p1'), upstream.read<Patient>('Patient', 'p1'), upstream.read<Patient>('Patient', 'p1')]);
    expect([a.id, b.id, c.id]).toEqual(['p1', 'p1', 'p1']);
    expect(tokens.issued).toHaveLength(1);
  });

  it('fetches a new token once the cached one has expired', async () => {
    // The upstream's clock, a minute behind (its assertions are not signed in the token server's
    // future), moved on by hand rather than waited for.
    let clock = Date.now() - 60_000;
    const { upstream } = await setup(31, () => clock); // kept for 1 s (30 s margin)
    await upstream.read('Patient', 'p1');
    clock += 900;
    await upstream.read('Patient', 'p1');
    expect(tokens.issued).toHaveLength(1);
    clock += 200;
    await upstream.read('Patient', 'p1');
    expect(tokens.issued).toHaveLength(2);
  });

  it('reports an auth failure when the token endpoint refuses', async () => {
    const { upstream } = await setup();
    tokens.setRefuse(true);
    const error = await failure(upstream.read('Patient', 'p1'));
    expect(error.reason).toBe('auth');
  });
});

describe('upstream resilience', () => {
  it('times out a slow upstream', async () => {
    const { peer, server } = await peerWith({ slowMs: 3000 });
    await peer.setFault('slow');
    const upstream = createUpstream({ name: 'region', baseUrl: server.baseUrl, auth: { kind: 'none' } }, 200, { maxAttempts: 1 });
    const started = Date.now();
    expect((await failure(upstream.read('Patient', 'x'))).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('retries an idempotent read with backoff until the upstream recovers', async () => {
    const { peer, server } = await peerWith();
    await peer.seed([patient('p1')]);
    await peer.setFault('error');
    const upstream = createUpstream({ name: 'region', baseUrl: server.baseUrl, auth: { kind: 'none' } }, 1000, {
      maxAttempts: 5,
      initialDelayMs: 100,
    });
    const before = peer.requestCount;
    setTimeout(() => void peer.setFault('none'), 150);
    const read = await upstream.read<Patient>('Patient', 'p1');
    expect(read.id).toBe('p1');
    expect(peer.requestCount - before).toBeGreaterThan(1);
  });

  it('does not retry a transaction', async () => {
    const { peer, server } = await peerWith();
    await peer.setFault('error');
    const upstream = createUpstream({ name: 'region', baseUrl: server.baseUrl, auth: { kind: 'none' } }, 1000, { maxAttempts: 5 });
    const before = peer.requestCount;
    const error = await failure(upstream.transaction({ resourceType: 'Bundle', type: 'transaction', entry: [] }));
    expect(error.reason).toBe('refused');
    expect(peer.requestCount - before).toBe(1);
  });

  it('opens the circuit after repeated failures, fails fast, then lets a probe through', async () => {
    const { peer, server } = await peerWith();
    await peer.seed([patient('p1')]);
    await peer.setFault('error');
    const upstream = createUpstream({ name: 'region', baseUrl: server.baseUrl, auth: { kind: 'none' } }, 1000, {
      maxAttempts: 1,
      breakerThreshold: 3,
      halfOpenAfterMs: 300,
    });
    for (let i = 0; i < 3; i++) expect((await failure(upstream.read('Patient', 'p1'))).reason).toBe('refused');
    const before = peer.requestCount;
    expect((await failure(upstream.read('Patient', 'p1'))).reason).toBe('circuit-open');
    expect(peer.requestCount).toBe(before);
    await peer.setFault('none');
    await new Promise((r) => setTimeout(r, 350));
    expect((await upstream.read<Patient>('Patient', 'p1')).id).toBe('p1');
    expect(peer.requestCount).toBe(before + 1);
  });

  it('reports garbage and an unreachable upstream for what they are', async () => {
    const { peer, server } = await peerWith();
    const upstream = createUpstream({ name: 'region', baseUrl: server.baseUrl, auth: { kind: 'none' } }, 1000, { maxAttempts: 1 });
    await peer.setFault('garbage');
    expect((await failure(upstream.read('Patient', 'p1'))).reason).toBe('bad-response');
    await peer.setFault('down');
    expect((await failure(upstream.read('Patient', 'p1'))).reason).toBe('unreachable');
    await peer.setFault('none');
  });
});

describe('searching an upstream', () => {
  it('follows the next links to the end', async () => {
    const { peer, server } = await peerWith({ defaultPageSize: 20 });
    const tasks: Resource[] = Array.from({ length: 45 }, (_, i) => ({
      resourceType: 'Task',
      id: `t${i}`,
      status: 'requested',
      intent: 'proposal',
      for: { reference: 'Patient/p1' },
    }));
    await peer.seed(tasks);
    const upstream = createUpstream({ name: 'region', baseUrl: server.baseUrl, auth: { kind: 'none' } }, 2000);
    const before = peer.requestCount;
    const found = await upstream.searchAll('Task', { patient: 'Patient/p1' });
    expect(new Set(found.map((t) => t.id)).size).toBe(45);
    expect(peer.requestCount - before).toBe(3);
  });

  it('takes many searches at once, as a busy sync does, without piling listeners on one shared signal', async () => {
    const { peer, server } = await peerWith();
    await peer.seed([patient('p1')]);
    const upstream = createUpstream({ name: 'region', baseUrl: server.baseUrl, auth: { kind: 'none' } }, 2000);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const found = await Promise.all(Array.from({ length: 24 }, () => upstream.searchAll<Patient>('Patient', { identifier: `${IdentifierSystem.personnummer}|194003019801` })));
      expect(found.map((f) => f.map((p) => p.id))).toEqual(Array.from({ length: 24 }, () => ['p1']));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

describe('a next link that leads off the upstream', () => {
  it('is not followed: its credentials and our request go to no other host', async () => {
    const peer = createFhirPeer({ name: 'region' });
    await peer.seed([patient('p1')]);
    const elsewhere: { url: string; authorization: string | undefined }[] = [];
    const other = createServer((req, res) => {
      elsewhere.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: [] }));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => other.close(() => resolve())));
    const otherPort = (other.address() as AddressInfo).port;
    // The upstream answers its search with a next page on another host (or, once, on itself with a password in it).
    let nextLink = `http://127.0.0.1:${otherPort}/Patient?page=2`;
    const front = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await peer.fetch(
        new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        }),
      );
      const bundle = (await answer.json()) as { link?: { relation: string; url: string }[] };
      bundle.link = [...(bundle.link ?? []), { relation: 'next', url: nextLink }];
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(bundle));
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => front.close(() => resolve())));
    const { port } = front.address() as AddressInfo;
    const upstream = createUpstream({ name: 'region', baseUrl: `http://127.0.0.1:${port}`, auth: { kind: 'bearer', token: 'upstream-secret' } }, 2000, {
      maxAttempts: 1,
    });
    for (const link of [nextLink, `http://user:pw@127.0.0.1:${port}/Patient?page=2`, `http://127.0.0.1:${otherPort}/`]) {
      nextLink = link;
      expect((await failure(upstream.searchAll('Patient', { identifier: `${IdentifierSystem.personnummer}|194003019801` }))).reason).toBe('bad-response');
    }
    expect(elsewhere).toEqual([]);
  });
});

describe('what an upstream search puts on the wire', () => {
  it('sends the personnummer in a POST _search body, never in a URL', async () => {
    const peer = createFhirPeer({ name: 'region' });
    await peer.seed([patient('p1')]);
    const seen: { method: string; url: string }[] = [];
    // The peer behind a recording front: every request's method and URL, as a web server's log has them.
    const server = createServer(async (req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '' });
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const answer = await peer.fetch(
        new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method,
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        }),
      );
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const upstream = createUpstream({ name: 'region', baseUrl: `http://127.0.0.1:${port}`, auth: { kind: 'none' } }, 2000);
    const found = await upstream.searchAll<Patient>('Patient', { identifier: `${IdentifierSystem.personnummer}|194003019801` });
    expect(found.map((p) => p.id)).toEqual(['p1']);
    expect(seen).toEqual([{ method: 'POST', url: '/Patient/_search' }]);
    expect(JSON.stringify(seen)).not.toContain('194003019801');
  });
});
