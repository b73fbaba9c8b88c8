import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverUrl } from '@sip/api/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPlanAsCoordinator, productionSetting } from './support/production.ts';
import { BUILT, mintToken, repoRoot, startService, type ServiceProcess } from './support/service.ts';

const SHUTDOWN_TIMEOUT_MS = 3000;
/** What the process takes to exit once the shutdown is done. */
const EXIT_SLACK_MS = 1000;

/**
 * Started on plain Node: the built module and no option (`--import tsx`) before it; its environment
 * is only what the test gives it (no NODE_OPTIONS), and the module imports no tsx (checked after the build).
 */
function expectPlainNode(service: ServiceProcess) {
  expect(service.child.spawnargs).toEqual([process.execPath, ...BUILT]);
}

/** Stops it with SIGTERM: exit 0 within the shutdown bound. */
async function expectStopsInTime(service: ServiceProcess) {
  const signalled = performance.now();
  const code = await service.stop('SIGTERM');
  expect(code, service.output()).toBe(0);
  expect(performance.now() - signalled, service.output()).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
  await expect(fetch(`${service.url}/health`)).rejects.toThrow();
}

describe('the production build (npm run build), started with plain Node', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, ['scripts/run.mjs', 'build'], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    // The service is JavaScript with its dependencies imported from node_modules; tsx is not among them.
    const main = readFileSync(join(repoRoot, ...BUILT[0]!.split('/')), 'utf8');
    expect(main).not.toMatch(/\bfrom\s*["']tsx(\/[^"']*)?["']|import\(\s*["']tsx/);
    expect(main).not.toMatch(/\bfrom\s*["'][^"']*\.ts["']/);
  }, 180_000);

  it('in demo mode on the embedded database: healthy and ready, takes a demo token, serves the PDF, the widget, the pages and the API docs, and stops on SIGTERM in time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sip-built-'));
    let service: ServiceProcess | undefined;
    try {
      service = await startService({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }, 120_000, BUILT);
      expectPlainNode(service);
      expect(service.output()).toContain('DEMO MODE');
      expect(service.output()).toMatch(/embedded \(PGlite\)/);
      expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${service.url}/ready`)).json()).toMatchObject({ status: 'ready' });

      // The demo plans, seeded at start into the database its migrations made; their document needs the fonts.
      const token = await mintToken(service.url, 'region-coordinator');
      const auth = { Authorization: `Bearer ${token}` };
      const plans = (await (await fetch(`${service.url}/api/plans`, { headers: auth })).json()) as { items?: { id: string }[] };
      const planId = plans.items?.[0]?.id;
      expect(planId).toBeTruthy();
      const pdf = await fetch(`${service.url}/api/plans/${planId}/document.pdf`, { headers: auth });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

      // The elements' builds, the pages copied beside the module, and Swagger UI from its package.
      const widget = await fetch(`${service.url}/widget/sip-relative-view.js`);
      expect(widget.status).toBe(200);
      expect(Buffer.from(await widget.arrayBuffer())).toEqual(readFileSync(join(repoRoot, 'packages/widget/dist/sip-relative-view.js')));
      expect((await fetch(`${service.url}/staff/staff.json`)).status).toBe(200);
      for (const [path, file] of [
        ['/demo', 'widget/demo-page/index.html'],
        ['/demo/staff', 'staff-demo/page/index.html'],
        ['/smart/launch', 'smart/page/launch.html'],
      ] as const) {
        const page = await fetch(`${service.url}${path}`);
        expect(page.status, path).toBe(200);
        expect(await page.text(), path).toBe(readFileSync(join(repoRoot, 'packages/api/dist', file), 'utf8'));
      }
      const swagger = await fetch(`${service.url}/docs/assets/swagger-ui-bundle.js`);
      expect(swagger.status).toBe(200);
      expect((await swagger.arrayBuffer()).byteLength).toBeGreaterThan(100_000);

      await expectStopsInTime(service);
      service = undefined;
    } finally {
      await service?.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!serverUrl)(
    `in production with real settings on a Postgres server: its migrations, takes the identity provider's token, has no /dev routes${serverUrl ? '' : ' [skipped: TEST_DATABASE_URL not set]'}`,
    async () => {
      const setting = await productionSetting('sip-built-prod-');
      const { db, env, issuer, serviceUrl } = setting;
      let service: ServiceProcess | undefined;
      try {
        service = await startService(
          { ...env, DATABASE_MIGRATION_URL: db.url!, DATABASE_URL: serviceUrl, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
          60_000,
          BUILT,
        );
        expectPlainNode(service);
        expect(service.output()).not.toMatch(/DEMO MODE/);
        expect(service.output()).toContain('Postgres server (DATABASE_URL)');
        expect((await fetch(`${service.url}/dev/token`, { method: 'POST' })).status).toBe(404);
        const ready = (await (await fetch(`${service.url}/ready`)).json()) as { checks: { database: { ok: boolean } } };
        expect(ready.checks.database.ok).toBe(true);
        const created = await createPlanAsCoordinator(service.url, issuer);
        expect(created.status, await created.clone().text()).toBe(201);
        await expectStopsInTime(service);
        service = undefined;
      } finally {
        await service?.stop('SIGKILL');
        await setting.close();
      }
    },
  );
});
