import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStaff, type StaffBuildResult } from '../../../staff/build.mjs';
import { buildTestApp, createTestDatabase, expectProblem, type TestApp, type TestDatabase } from '../test-support/index.ts';
import { defaultStaffDistDir } from './widget-build.ts';

const noPeers = { region: 'http://127.0.0.1:9/region', municipality: 'http://127.0.0.1:9/municipality' };
const caseSystem = 'https://case-system.example';

describe('the staff elements module, as served', () => {
  let database: TestDatabase;
  let dist: string;
  let empty: string;
  let built: StaffBuildResult;
  let t: TestApp;
  let unbuilt: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    dist = mkdtempSync(join(tmpdir(), 'sip-staff-dist-'));
    empty = mkdtempSync(join(tmpdir(), 'sip-staff-empty-'));
    built = await buildStaff({ outDir: dist });
    t = await buildTestApp({ database: database.database, peers: noPeers, env: { ALLOWED_ORIGINS: caseSystem, STAFF_DIST_DIR: dist } });
    unbuilt = await buildTestApp({ database: database.database, peers: noPeers, env: { STAFF_DIST_DIR: empty } });
  }, 120_000);
  afterAll(async () => {
    await t?.events.close();
    await unbuilt?.events.close();
    await database?.drop();
    for (const dir of [dist, empty]) rmSync(dir, { recursive: true, force: true });
  });

  it('names the current build, its versioned URL and its integrity', async () => {
    const res = await t.app.request('/staff/staff.json');
    expect(res.status).toBe(200);
    const metadata = (await res.json()) as Record<string, string>;
    expect(metadata).toMatchObject({ file: 'sip-staff.js', hash: built.hash, integrity: built.integrity, path: `/staff/${built.hash}/sip-staff.js` });
  });

  it('serves the versioned bundle for a year, gzipped when asked, to a host system on another site', async () => {
    const res = await t.app.request(`/staff/${built.hash}/sip-staff.js`, { headers: { 'Accept-Encoding': 'gzip', Origin: caseSystem } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-allow-origin')).toBe(caseSystem);
    const body = gunzipSync(Buffer.from(await res.arrayBuffer()));
    expect(body.toString('utf8')).toContain('customElements.define');
    expect(body.length).toBe(built.bytes);
  });

  it('serves the report module (the charts) beside the bundle, immutable, to a host system on another site; no other name', async () => {
    const [module] = built.modules;
    const res = await t.app.request(`/staff/${built.hash}/${module!.file}`, { headers: { Origin: caseSystem } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe(caseSystem);
    const body = Buffer.from(await res.arrayBuffer());
    expect(`sha384-${createHash('sha384').update(body).digest('base64')}`).toBe(module!.integrity);
    await expectProblem(await t.app.request(`/staff/${built.hash}/sip-staff-report.000000000000.js`), 404);
  });

  it('answers an old build with 404 and an unbuilt one with 503, as problems', async () => {
    await expectProblem(await t.app.request('/staff/000000000000/sip-staff.js'), 404);
    const res = await unbuilt.app.request('/staff/sip-staff.js');
    const problem = await expectProblem(res, 503);
    expect(problem.detail).toContain('node packages/staff/build.mjs');
  });

  it('reads the staff package’s own dist by default', () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    expect(resolve(defaultStaffDistDir)).toBe(join(root, 'packages', 'staff', 'dist'));
  });
});
