import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFhirPeer } from '@sip/fhir-peer';
import { createTestDatabase, serverUrl } from '@sip/api/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanAsCoordinator, productionSetting } from './support/production.ts';
import { mintToken, repoRoot, startService, type ServiceProcess } from './support/service.ts';

const session = (url: string, token: string) => fetch(`${url}/api/session`, { headers: { Authorization: `Bearer ${token}` } });

describe('the start command on embedded defaults', () => {
  let dataDir: string;
  let service: ServiceProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sip-start-'));
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health within 60 seconds with no external server, and is ready with its demo upstreams', async () => {
    const started = Date.now();
    service = await startService({ DATA_DIR: dataDir });
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(service.output()).toMatch(/API docs: +http:\/\/\S+\/docs\//);
    expect(service.output()).toMatch(/Demo region FHIR upstream: http:\/\/127\.0\.0\.1:\d+/);
    const ready = await fetch(`${service.url}/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('lets the demo personas mint tokens the service accepts', async () => {
    const token = await mintToken(service!.url, 'region-coordinator');
    const res = await session(service!.url, token);
    expect(await res.json()).toMatchObject({ kind: 'staff', role: 'coordinator' });
  });

  it('keeps its data across a restart: tokens minted before still verify, demo upstream writes remain', async () => {
    const token = await mintToken(service!.url, 'maria');
    const upstreamUrl = /Demo municipality FHIR upstream: (\S+)/.exec(service!.output())?.[1];
    expect(upstreamUrl).toBeTruthy();
    const created = await fetch(`${upstreamUrl}/Task`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Task', status: 'requested', intent: 'proposal', description: 'Handla en gång i veckan' }),
    });
    expect(created.status).toBe(201);
    const taskId = ((await created.json()) as { id: string }).id;

    const port = new URL(service!.url).port;
    expect(await service!.stop('SIGTERM')).toBe(0);
    service = await startService({ DATA_DIR: dataDir, PORT: port });

    expect((await session(service.url, token)).status).toBe(200);
    const upstreamAfter = /Demo municipality FHIR upstream: (\S+)/.exec(service.output())?.[1];
    const task = await fetch(`${upstreamAfter}/Task/${taskId}`);
    expect(task.status).toBe(200);
    // One Patient per demo individual, none seeded twice by the restart: Norrviks kommun's case
    // system knows those who live there (Astrid, Karl, Gunnel), Söderviks kommun's its own (Ingrid),
    // and the region's record all four.
    const { personas } = (await (await fetch(`${service.url}/dev/personas`)).json()) as { personas: { kind: string }[] };
    expect(personas.filter((p) => p.kind === 'individual')).toHaveLength(4);
    const patientsIn = async (name: string) => {
      const url = new RegExp(`Demo ${name} FHIR upstream: (\\S+)`).exec(service!.output())?.[1];
      const bundle = (await (await fetch(`${url}/Patient?_count=100`)).json()) as { entry?: { resource: { id: string } }[] };
      return (bundle.entry ?? []).map((e) => e.resource.id).sort();
    };
    expect(await patientsIn('municipality')).toEqual(['patient-astrid', 'patient-gunnel', 'patient-karl']);
    expect(await patientsIn('sodervik')).toEqual(['patient-ingrid']);
    expect(await patientsIn('region')).toEqual(['patient-astrid', 'patient-gunnel', 'patient-ingrid', 'patient-karl']);
    // Every upstream answers, Söderviks kommun's own among them.
    const ready = (await (await fetch(`${service.url}/ready`)).json()) as { checks: Record<string, { ok: boolean }> };
    expect(Object.keys(ready.checks).sort()).toEqual(['database', 'municipality', 'region', 'sodervik']);
    // Ingrid's SIP, made with Söderviks kommun, is published to its case system (and the region's record).
    const sodervik = /Demo sodervik FHIR upstream: (\S+)/.exec(service.output())?.[1];
    const sipTitles = async () => {
      const bundle = (await (await fetch(`${sodervik}/CarePlan?subject=Patient/patient-ingrid&_count=100`)).json()) as {
        entry?: { resource: { title?: string } }[];
      };
      return (bundle.entry ?? []).map((e) => e.resource.title);
    };
    const deadline = Date.now() + 30_000;
    while (!(await sipTitles()).includes('SIP för Ingrid Berg') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await sipTitles()).toContain('SIP för Ingrid Berg');
  });
});

describe('graceful shutdown on SIGTERM', () => {
  /** Long enough that stopping at the timeout cannot pass for stopping when the request was done. */
  const SHUTDOWN_TIMEOUT_MS = 20_000;

  async function untilReady(url: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await fetch(`${url}/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return;
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms: HTTP ${res.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('finishes the request in flight, then stops accepting and exits 0', async () => {
    const region = createFhirPeer({ name: 'region', slowMs: 1500 });
    const municipality = createFhirPeer({ name: 'municipality' });
    const [r, m] = await Promise.all([region.listen(), municipality.listen()]);
    const dataDir = mkdtempSync(join(tmpdir(), 'sip-stop-'));
    try {
      const service = await startService({
        DATA_DIR: dataDir,
        // Upstreams configured: demo mode only when asked for.
        DEMO_MODE: 'on',
        REGION_FHIR_BASE_URL: r.baseUrl,
        MUNICIPALITY_FHIR_BASE_URL: m.baseUrl,
        UPSTREAM_TIMEOUT_MS: '10000',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      });
      // Ready first: the demo plans it seeds at start are assembled, and their publication under way.
      await untilReady(service.url);
      region.setFault('slow');
      const inFlight = fetch(`${service.url}/ready`).then(async (res) => ({ status: res.status, body: await res.text(), at: Date.now() }));
      await new Promise((resolve) => setTimeout(resolve, 400));
      service.child.kill('SIGTERM');
      const signalled = Date.now();
      const exited = service.exited.then((code) => ({ code, at: Date.now() }));
      const answered = await inFlight;
      expect(answered.status, answered.body).toBe(200);
      // It was still in flight at the signal: the region answers after 1.5 s.
      expect(answered.at).toBeGreaterThan(signalled);
      const exit = await exited;
      expect(exit.code).toBe(0);
      // It stopped once the request was done, not at the shutdown timeout.
      expect(exit.at - answered.at).toBeLessThan(5000);
      expect(exit.at - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      await expect(fetch(`${service.url}/health`)).rejects.toThrow();
    } finally {
      region.setFault('none');
      await Promise.all([r.close(), m.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!serverUrl)(
  `the start command with DATABASE_URL${serverUrl ? '' : ' [skipped: TEST_DATABASE_URL not set]'}`,
  () => {
    it('runs against a Postgres server, migrating it at start', async () => {
      const db = await createTestDatabase('postgres', { migrate: false });
      const dataDir = mkdtempSync(join(tmpdir(), 'sip-pg-'));
      let service: ServiceProcess | undefined;
      try {
        service = await startService({ DATA_DIR: dataDir, DATABASE_URL: db.url! });
        expect(service.output()).toContain('Postgres server (DATABASE_URL)');
        const ready = await fetch(`${service.url}/ready`);
        expect(((await ready.json()) as { checks: { database: { ok: boolean } } }).checks.database.ok).toBe(true);
        const token = await mintToken(service.url, 'municipality-homecare');
        expect((await session(service.url, token)).status).toBe(200);
        expect(await service.stop()).toBe(0);
      } finally {
        await service?.stop('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
        await db.drop();
      }
    });

    it('in production: refuses to run as a role that could change the access log; as its own role, with real settings, has no /dev routes and keeps checkpoints', async () => {
      const setting = await productionSetting('sip-prod-');
      const { db, env, issuer, checkpoints, serviceUrl } = setting;
      let service: ServiceProcess | undefined;
      try {
        // As the owner of the tables (here a superuser): refused, saying why.
        await expect(startService({ ...env, DATABASE_URL: db.url! })).rejects.toThrow(
          /exited with 78[\s\S]*Refusing to start: the access log is no evidence: the role postgres is a superuser/,
        );

        service = await startService({ ...env, DATABASE_MIGRATION_URL: db.url!, DATABASE_URL: serviceUrl });
        expect(service.output()).not.toMatch(/DEMO MODE/);
        for (const [method, path] of [['POST', '/dev/token'], ['GET', '/dev/personas'], ['GET', '/dev/jwks.json']] as const) {
          expect((await fetch(`${service.url}${path}`, { method })).status, path).toBe(404);
        }
        const created = await createPlanAsCoordinator(service.url, issuer);
        expect(created.status, await created.clone().text()).toBe(201);
        expect(await service.stop()).toBe(0);
        service = undefined;

        // The last checkpoint, written as it stopped, is signed and names the newest entry.
        const lines = readFileSync(checkpoints, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; jws?: string });
        expect(lines.at(-1)).toMatchObject({ seq: expect.any(Number), jws: expect.any(String) });
        const verify = spawnSync(process.execPath, ['--import', 'tsx', 'packages/api/src/cli/verify-access-log.ts'], {
          cwd: repoRoot,
          env: { PATH: process.env.PATH ?? '', ...env, DATABASE_MIGRATION_URL: db.url!, DATABASE_URL: serviceUrl },
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(verify.stdout).toMatch(new RegExp(`newest checkpoint \\(entry ${lines.at(-1)!.seq}, written .*\\) agrees`));
        expect(verify.status).toBe(0);
      } finally {
        await service?.stop('SIGKILL');
        await setting.close();
      }
    });
  },
);
