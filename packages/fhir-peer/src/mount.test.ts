import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFhirPeer } from './index.ts';
import { personnummerToken, send, TEST_PERSONNUMMER, testCarePlan, testPatient } from './test-support.ts';

const [TOLVAN] = TEST_PERSONNUMMER;
const peer = createFhirPeer({ name: 'mounted', basePath: '/upstream/region' });
let server: Server;
let origin: string;
let base: string;

beforeAll(async () => {
  const app = new Hono();
  app.get('/health', (c) => c.text('host app'));
  app.all('/upstream/region', (c) => peer.fetch(c.req.raw));
  app.all('/upstream/region/*', (c) => peer.fetch(c.req.raw));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false }, () =>
      resolve()
    ) as Server;
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `${origin}/upstream/region`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('mounted in another Hono app', () => {
  it('serves FHIR under its base path with links and Location that include it', async () => {
    expect(await (await fetch(`${origin}/health`)).text()).toBe('host app');
    const created = await send(`${base}/Patient`, { method: 'POST', json: testPatient(TOLVAN) });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${base}/Patient/${created.body.id}/_history/1`);

    const transaction = await send(base, {
      method: 'POST',
      json: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [1, 2, 3].map(() => ({
          resource: testCarePlan(`Patient/${created.body.id}`),
          request: { method: 'POST', url: 'CarePlan' },
        })),
      },
    });
    expect(transaction.status).toBe(200);

    const firstPage = await send(`${base}/CarePlan?patient.identifier=${personnummerToken(TOLVAN)}&_count=2`);
    const next = firstPage.body.link.find((l: { relation: string }) => l.relation === 'next').url;
    expect(next.startsWith(`${base}/CarePlan?`)).toBe(true);
    const secondPage = await send(next);
    expect(secondPage.body.entry).toHaveLength(1);
    expect((await send(`${base}/metadata`)).body.implementation.url).toBe(base);
  });
});
