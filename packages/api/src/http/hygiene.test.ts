import { randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDatabase, expectProblem, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

const peers = usePeers();

type LogLine = Record<string, unknown> & { msg?: string; requestId?: string; clientRequestId?: string };
const logLines = (t: TestApp): LogLine[] => t.logs.flatMap((chunk) => chunk.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine));

/** Sends a request as raw HTTP/1.1 (so nothing adds a Content-Length), and returns the status and the body. */
function rawRequest(port: number, head: string[], body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${head.join('\r\n')}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n${body}`);
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]), text: received }));
  });
}

describeEachDatabase('HTTP hygiene', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });

  describe('request ids', () => {
    it('are the service’s own; a client’s id of safe characters is logged beside ours, marked as the client’s', async () => {
      const res = await t.app.request('/health', { headers: { 'X-Request-Id': 'portal-req-42' } });
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const line = logLines(t).find((l) => l.msg === 'request' && l.requestId === id);
      expect(line).toMatchObject({ requestId: id, clientRequestId: 'portal-req-42' });
    });

    it.each([
      ['a personnummer inside', 'req 194003019801'],
      ['a forged log field', '","level":60,"x":"'],
      ['too long', 'a'.repeat(65)],
      ['not ASCII', 'förfrågan'],
    ])('a client’s id that is not a short token of safe characters is not logged at all: %s', async (_what, sent) => {
      const res = await t.app.request('/health', { headers: { 'X-Request-Id': sent } });
      const id = res.headers.get('x-request-id')!;
      expect(id).not.toBe(sent);
      const line = logLines(t).find((l) => l.msg === 'request' && l.requestId === id);
      expect(line).toBeDefined();
      expect(line).not.toHaveProperty('clientRequestId');
      expect(t.logs.join('')).not.toContain(sent);
    });

    it('the access log records the service’s id, never the client’s', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const auditor = await staffClient(t, 'region-auditor');
      const plan = await coordinator.createPlan({ individual: { personId: '195202149836' } });
      const read = await coordinator.request(`/api/plans/${plan.id}`, { headers: { 'X-Request-Id': 'chosen-by-the-client' } });
      expect(read.status).toBe(200);
      const ours = read.headers.get('x-request-id')!;
      expect(ours).not.toBe('chosen-by-the-client');
      const res = await auditor.request('/api/access-log/search', { method: 'POST', body: { individual: '195202149836' } });
      const { items } = (await res.json()) as { items: { action: string; requestId: string | null }[] };
      expect(items.map((i) => i.requestId)).not.toContain('chosen-by-the-client');
      expect(items.find((i) => i.action === 'plan.read')?.requestId).toBe(ours);
    });
  });
  describe('caching', () => {
    /** The API's and the FHIR face's routes, each method and path once, as the app has them. */
    const routesOf = (app: TestApp['app']) => [
      ...new Map(
        app.routes
          .filter((r) => r.method !== 'ALL' && /^\/(api|fhir)(\/|$)/.test(r.path))
          .map((r) => [`${r.method} ${r.path}`, { method: r.method, path: r.path }]),
      ).values(),
    ];

    it('every response of the API and the FHIR face, success or error, carries Cache-Control: no-store', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const auditor = await staffClient(t, 'region-auditor');
      const citizen = await t.tokenFor('maria');
      const plan = await coordinator.createPlan();
      const values: Record<string, string> = { planId: plan.id, id: plan.id, partId: plan.parts[0]!.id, type: 'CarePlan', revision: '1' };
      const routes = routesOf(t.app);
      expect(routes.length).toBeGreaterThan(40);
      const statuses = new Set<number>();
      for (const route of routes) {
        const path = route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name] ?? randomUUID());
        const token = path.startsWith('/api/me') ? citizen : path.startsWith('/api/access-log') ? auditor.token : coordinator.token;
        const form = path === '/fhir/CarePlan/_search';
        const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
        for (const authorization of [`Bearer ${token}`, undefined]) {
          const res = await t.app.request(path, {
            method: route.method,
            headers: {
              ...(authorization ? { Authorization: authorization } : {}),
              ...(hasBody ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } : {}),
            },
            ...(hasBody ? { body: form ? `_id=${plan.id}` : '{}' } : {}),
          });
          statuses.add(res.status);
          expect(res.headers.get('cache-control'), `${route.method} ${path} (${res.status})`).toBe('no-store');
          await res.body?.cancel();
        }
      }
      // The walk met successes and errors alike.
      expect([...statuses]).toEqual(expect.arrayContaining([200, 401]));
    });

    it('a conditional FHIR read still answers 304 by ETag, and with no-store', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const plan = await coordinator.createPlan();
      const read = await coordinator.request(`/fhir/CarePlan/${plan.id}`);
      expect(read.status).toBe(200);
      expect(read.headers.get('cache-control')).toBe('no-store');
      const etag = read.headers.get('etag')!;
      expect(etag).toBeTruthy();
      const again = await coordinator.request(`/fhir/CarePlan/${plan.id}`, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      expect(again.headers.get('cache-control')).toBe('no-store');
      expect(again.headers.get('etag')).toBe(etag);
    });

    it('the API docs are not personal data: their own caching stays', async () => {
      expect((await t.app.request('/docs/init.js')).headers.get('cache-control')).not.toBe('no-store');
    });
  });
  describe('a method a known path does not have', () => {
    it('is a 405 problem on the API, with Allow naming the methods the path has', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const plan = await coordinator.createPlan();
      for (const [method, path, allow] of [
        ['DELETE', `/api/plans/${plan.id}`, 'GET, HEAD, PATCH'],
        ['PUT', '/api/plans', 'GET, HEAD, POST'],
        ['GET', `/api/plans/${plan.id}/sync`, 'POST'],
        ['PATCH', `/api/plans/${plan.id}/consent`, 'PUT'],
        ['POST', '/health', 'GET, HEAD'],
      ] as const) {
        const res = await coordinator.request(path, { method });
        const body = await expectProblem(res, 405);
        expect(body.type).toBe('urn:sip-broker:problem:method-not-allowed');
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      }
    });

    it('is still a 404 where the path is not known at all', async () => {
      const res = await t.app.request('/api/plans/x/nothing-here', { method: 'DELETE' });
      await expectProblem(res, 404);
      expect(res.headers.get('allow')).toBeNull();
    });

    it('is a 405 OperationOutcome on the FHIR face, with Allow', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const plan = await coordinator.createPlan();
      for (const [method, path, allow] of [
        ['DELETE', `/fhir/CarePlan/${plan.id}`, 'GET, HEAD'],
        ['PUT', `/fhir/CarePlan/${plan.id}/$sip`, 'GET, HEAD, POST'],
        ['POST', '/fhir/metadata', 'GET, HEAD'],
        ['DELETE', '/fhir/CarePlan', 'GET, HEAD'],
      ] as const) {
        const res = await coordinator.request(path, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
        const outcome = (await res.json()) as { resourceType: string; issue: { code: string }[] };
        expect(outcome.resourceType).toBe('OperationOutcome');
        expect(outcome.issue[0]?.code).toBe('not-supported');
      }
    });
  });
  describe('each face answers in its own error format', () => {
    const expectOutcome = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const outcome = (await res.json()) as { resourceType: string; issue: { code: string }[] };
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]?.code).toBe(code);
    };

    it('a body over the limit on any FHIR path is a 413 OperationOutcome', async () => {
      const huge = 'x'.repeat(t.config.bodyLimitBytes + 10);
      const coordinator = await staffClient(t, 'region-coordinator');
      const plan = await coordinator.createPlan();
      for (const path of ['/fhir', '/fhir/', `/fhir/CarePlan/${plan.id}/$sip`, '/fhir/CarePlan/_search']) {
        await expectOutcome(await coordinator.request(path, { method: 'POST', body: huge }), 413, 'too-long');
        await expectOutcome(
          await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/fhir+json', 'content-length': String(huge.length) }, body: huge }),
          413,
          'too-long',
        );
      }
    });

    it('a body over the limit on the API is still a 413 problem', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      await expectProblem(await coordinator.request('/api/plans', { method: 'POST', body: 'x'.repeat(t.config.bodyLimitBytes + 10) }), 413);
    });
  });
  describe('a POST without a body', () => {
    /** A new plan, as a JSON body. */
    const body = JSON.stringify({ individual: { personId: '195202149836' }, principals: { region: { id: 'SE2321000099-7RG1', name: 'Region Norrvik' }, municipality: { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' } }, title: 'SIP' });
    let server: ServerType;
    let port: number;
    beforeAll(async () => {
      server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      port = (server.address() as AddressInfo).port;
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('is accepted where the operation takes none: no Content-Length, no Content-Type', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const plan = await coordinator.createPlan();
      const sync = [`POST /api/plans/${plan.id}/sync HTTP/1.1`, `Authorization: Bearer ${coordinator.token}`];
      // No framing at all: a request without Content-Length or Transfer-Encoding has no body.
      const bare = await rawRequest(port, sync);
      expect(bare.status, bare.text).toBe(200);
      // Chunked, with no chunk but the last.
      const chunked = await rawRequest(port, [...sync, 'Transfer-Encoding: chunked'], '0\r\n\r\n');
      expect(chunked.status, chunked.text).toBe(200);
      // The same through fetch's Request, whose empty body has no length.
      const empty = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST', body: '', headers: { 'content-type': '' } });
      expect(empty.status).toBe(200);
    });

    it('a body that is there and not JSON is still a 415, however it is framed', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const plan = await coordinator.createPlan();
      const chunked = await rawRequest(
        port,
        [`POST /api/plans/${plan.id}/sync HTTP/1.1`, `Authorization: Bearer ${coordinator.token}`, 'Content-Type: text/plain', 'Transfer-Encoding: chunked'],
        '5\r\nhello\r\n0\r\n\r\n',
      );
      expect(chunked.status, chunked.text).toBe(415);
      expect(chunked.text).toContain('application/problem+json');
    });

    it('a body is held to the limit by its Content-Length before any of it is read; one within it reaches the operation', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const head = ['POST /api/plans HTTP/1.1', `Authorization: Bearer ${coordinator.token}`, 'Content-Type: application/json'];
      const over = await rawRequest(port, [...head, `Content-Length: ${t.config.bodyLimitBytes + 1}`]);
      expect(over.status, over.text).toBe(413);
      expect(over.text).toContain('application/problem+json');
      const within = await rawRequest(port, [...head, `Content-Length: ${Buffer.byteLength(body)}`], body);
      expect(within.status, within.text).toBe(201);
    });

    it('a JSON body read to see it is there still reaches the operation', async () => {
      const coordinator = await staffClient(t, 'region-coordinator');
      const chunk = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      const created = await rawRequest(
        port,
        ['POST /api/plans HTTP/1.1', `Authorization: Bearer ${coordinator.token}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked'],
        chunk,
      );
      expect(created.status, created.text).toBe(201);
    });
  });
});
