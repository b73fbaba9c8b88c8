import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndividualView, type IndividualViewBuildResult } from '../../../widget/build-individual.mjs';
import { buildWidget, type WidgetBuildResult } from '../../../widget/build.mjs';
import { buildTestApp, createTestDatabase, expectProblem, type TestApp, type TestDatabase } from '../test-support/index.ts';

const noPeers = { region: 'http://127.0.0.1:9/region', municipality: 'http://127.0.0.1:9/municipality' };
const portal = 'https://portal.example';

describe("the individual's view module, as served", () => {
  let database: TestDatabase;
  let dist: string;
  let onlyRelatives: string;
  let built: IndividualViewBuildResult;
  let relatives: WidgetBuildResult;
  let t: TestApp;
  let unbuilt: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    dist = mkdtempSync(join(tmpdir(), 'sip-individual-dist-'));
    onlyRelatives = mkdtempSync(join(tmpdir(), 'sip-individual-missing-'));
    [built, relatives] = await Promise.all([buildIndividualView({ outDir: dist }), buildWidget({ outDir: dist }), buildWidget({ outDir: onlyRelatives })]);
    t = await buildTestApp({ database: database.database, peers: noPeers, env: { ALLOWED_ORIGINS: portal, WIDGET_DIST_DIR: dist } });
    unbuilt = await buildTestApp({ database: database.database, peers: noPeers, env: { WIDGET_DIST_DIR: onlyRelatives } });
  });
  afterAll(async () => {
    await t?.events.close();
    await unbuilt?.events.close();
    await database?.drop();
    for (const dir of [dist, onlyRelatives]) rmSync(dir, { recursive: true, force: true });
  });

  it("names the current build, its versioned URL and its integrity, beside the relatives' widget's own", async () => {
    const res = await t.app.request('/widget/individual/individual-view.json');
    expect(res.status).toBe(200);
    const metadata = (await res.json()) as Record<string, string>;
    expect(metadata).toMatchObject({
      file: 'sip-individual-view.js',
      hash: built.hash,
      integrity: built.integrity,
      path: `/widget/individual/${built.hash}/sip-individual-view.js`,
    });
    expect(metadata.url).toMatch(new RegExp(`/widget/individual/${built.hash}/sip-individual-view\\.js$`));
    const widget = (await (await t.app.request('/widget/widget.json')).json()) as Record<string, string>;
    expect(widget).toMatchObject({ file: 'sip-relative-view.js', hash: relatives.hash });
  });

  it('serves the current bundle, revalidated, at its own name beside the relatives’ widget’s', async () => {
    const res = await t.app.request('/widget/individual/sip-individual-view.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toBe(`"${built.hash}"`);
    expect((await res.arrayBuffer()).byteLength).toBe(built.bytes);
    const widget = await t.app.request('/widget/sip-relative-view.js');
    expect(widget.status).toBe(200);
    expect(widget.headers.get('etag')).toBe(`"${relatives.hash}"`);
  });

  it('serves the versioned bundle for a year, gzipped when asked, to a portal on another site', async () => {
    const res = await t.app.request(`/widget/individual/${built.hash}/sip-individual-view.js`, { headers: { 'Accept-Encoding': 'gzip', Origin: portal } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-allow-origin')).toBe(portal);
    const body = gunzipSync(Buffer.from(await res.arrayBuffer()));
    expect(body.toString('utf8')).toContain('sip-individual-view');
    expect(body.length).toBe(built.bytes);
    // The relatives' widget's hash names no build of this module.
    await expectProblem(await t.app.request(`/widget/individual/${relatives.hash}/sip-individual-view.js`), 404);
  });

  it('answers an old build with 404 and an unbuilt one with 503, as problems', async () => {
    await expectProblem(await t.app.request('/widget/individual/000000000000/sip-individual-view.js'), 404);
    const problem = await expectProblem(await unbuilt.app.request('/widget/individual/sip-individual-view.js'), 503);
    expect(problem.detail).toContain('node packages/widget/build-individual.mjs');
    // The relatives' widget is served all the same.
    expect((await unbuilt.app.request('/widget/sip-relative-view.js')).status).toBe(200);
  });

  it('serves each of its languages beside it, at the versioned path and beside the revalidated one, for a year', async () => {
    expect(built.modules.map((m) => m.lang).sort()).toEqual(['ar', 'en', 'fi', 'sv-x-lattlast']);
    for (const module of built.modules) {
      const bytes = readFileSync(join(dist, module.file));
      for (const path of [`/widget/individual/${built.hash}/${module.file}`, `/widget/individual/${module.file}`]) {
        const res = await t.app.request(path, { headers: { 'Accept-Encoding': 'gzip', Origin: portal } });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(res.headers.get('access-control-allow-origin')).toBe(portal);
        expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
        expect(gunzipSync(Buffer.from(await res.arrayBuffer())).equals(bytes), path).toBe(true);
      }
    }
    // Not under the relatives' widget, nor the relatives' languages under the individual's view.
    const finnish = built.modules.find((m) => m.lang === 'fi')!;
    await expectProblem(await t.app.request(`/widget/${relatives.hash}/${finnish.file}`), 404);
    await expectProblem(await t.app.request(`/widget/individual/${built.hash}/${relatives.modules.find((m) => m.lang === 'fi')!.file}`), 404);
    await expectProblem(await t.app.request(`/widget/individual/${relatives.hash}/${finnish.file}`), 404);
  });

  it('serves no build whose language module is not the bytes its metadata names', async () => {
    const tampered = mkdtempSync(join(tmpdir(), 'sip-individual-tampered-'));
    try {
      cpSync(dist, tampered, { recursive: true });
      const arabic = built.modules.find((m) => m.lang === 'ar')!;
      writeFileSync(join(tampered, arabic.file), 'export default { myPlans: "خططي" };');
      const app = await buildTestApp({ database: database.database, peers: noPeers, env: { WIDGET_DIST_DIR: tampered } });
      try {
        for (const path of [`/widget/individual/${built.hash}/${arabic.file}`, '/widget/individual/sip-individual-view.js']) {
          const problem = await expectProblem(await app.app.request(path), 503);
          expect(problem.type, path).toBe('urn:sip-broker:problem:widget-not-built');
          expect(problem.detail, path).toContain(`does not describe ${arabic.file}`);
        }
      } finally {
        await app.events.close();
      }
    } finally {
      rmSync(tampered, { recursive: true, force: true });
    }
  });
});
