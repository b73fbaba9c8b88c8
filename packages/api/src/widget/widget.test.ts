import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestDatabase, expectProblem, type TestApp, type TestDatabase } from '../test-support/index.ts';
import { defaultWidgetDistDir, readWidgetBuild } from './widget-build.ts';

/** The widget routes never call an upstream: these addresses are never dialled. */
const noPeers = { region: 'http://127.0.0.1:9/region', municipality: 'http://127.0.0.1:9/municipality' };
const portal = 'https://portal.example';
const bundle = `// a stand-in for the widget bundle\n${'customElements.define("sip-relative-view", class extends HTMLElement {});\n'.repeat(40)}`;

function describeBuild(source: string) {
  const bytes = Buffer.from(source);
  return {
    file: 'sip-relative-view.js',
    version: '0.1.0',
    hash: createHash('sha256').update(bytes).digest('hex').slice(0, 12),
    integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
    bytes: bytes.length,
  };
}

/** A language module, as the widget build writes it beside the bundle: named by its content. */
const finnish = 'export default { loading: "Haetaan …" };\n';
const finnishModule = {
  lang: 'fi',
  file: `sip-relative-view.fi.${createHash('sha256').update(finnish).digest('hex').slice(0, 12)}.js`,
  integrity: `sha384-${createHash('sha384').update(finnish).digest('base64')}`,
};

/** A dist folder as the widget build leaves it. */
function writeBuild(dir: string, source = bundle, metadata: object = { ...describeBuild(source), modules: [finnishModule] }) {
  writeFileSync(join(dir, finnishModule.file), finnish);
  writeFileSync(join(dir, 'sip-relative-view.js'), source);
  writeFileSync(join(dir, 'widget.json'), JSON.stringify(metadata));
}

describe('the widget module', () => {
  let database: TestDatabase;
  let dist: string;
  let t: TestApp;
  const built = describeBuild(bundle);

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    dist = mkdtempSync(join(tmpdir(), 'sip-widget-dist-'));
    writeBuild(dist);
    t = await buildTestApp({ database: database.database, peers: noPeers, env: { ALLOWED_ORIGINS: portal, WIDGET_DIST_DIR: dist } });
  });
  afterAll(async () => {
    await t?.events.close();
    await database?.drop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves the bundle as JavaScript, without a token, revalidated by ETag', async () => {
    const res = await t.app.request('/widget/sip-relative-view.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toBe(`"${built.hash}"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe(bundle);
  });

  it('answers 304 to a client that has the current bundle', async () => {
    const first = await t.app.request('/widget/sip-relative-view.js');
    const etag = first.headers.get('etag') ?? '';
    const res = await t.app.request('/widget/sip-relative-view.js', { headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe('');

    const stale = await t.app.request('/widget/sip-relative-view.js', { headers: { 'If-None-Match': '"000000000000"' } });
    expect(stale.status).toBe(200);
  });

  it('serves the same bytes at the versioned URL, cached for a year', async () => {
    const res = await t.app.request(`/widget/${built.hash}/sip-relative-view.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('etag')).toBe(`"${built.hash}"`);
    expect(await res.text()).toBe(bundle);
  });

  it('answers a versioned URL of another build with a 404 problem naming the current one', async () => {
    const res = await t.app.request('/widget/0123456789ab/sip-relative-view.js');
    const body = await expectProblem(res, 404);
    expect(body.detail).toContain(`/widget/${built.hash}/sip-relative-view.js`);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the bundle brotli-compressed when the client accepts it, gzipped when it accepts only that, and as built when it refuses both', async () => {
    const br = await t.app.request('/widget/sip-relative-view.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toContain('Accept-Encoding');
    const brotli = Buffer.from(await br.arrayBuffer());
    expect(brotliDecompressSync(brotli).toString()).toBe(bundle);
    expect(br.headers.get('etag')).toBe(`"${built.hash}-br"`);
    const brCached = await t.app.request('/widget/sip-relative-view.js', {
      headers: { 'Accept-Encoding': 'br', 'If-None-Match': br.headers.get('etag') ?? '' },
    });
    expect(brCached.status).toBe(304);
    const brRefused = await t.app.request('/widget/sip-relative-view.js', { headers: { 'Accept-Encoding': 'br;q=0, gzip' } });
    expect(brRefused.headers.get('content-encoding')).toBe('gzip');

    const res = await t.app.request('/widget/sip-relative-view.js', { headers: { 'Accept-Encoding': 'gzip, deflate' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const compressed = Buffer.from(await res.arrayBuffer());
    expect(compressed.length).toBeLessThan(Buffer.byteLength(bundle));
    expect(brotli.length).toBeLessThan(compressed.length);
    expect(gunzipSync(compressed).toString()).toBe(bundle);
    expect(res.headers.get('etag')).not.toBe(`"${built.hash}"`);

    const cached = await t.app.request('/widget/sip-relative-view.js', {
      headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': res.headers.get('etag') ?? '' },
    });
    expect(cached.status).toBe(304);

    const refused = await t.app.request('/widget/sip-relative-view.js', { headers: { 'Accept-Encoding': 'gzip;q=0, identity' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toBe(bundle);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await t.app.request('/widget/sip-relative-view.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${built.hash}"`);
    expect(await res.text()).toBe('');
  });

  it('describes the current build in widget.json: version, hash, integrity and versioned path', async () => {
    const res = await t.app.request('/widget/widget.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const path = `/widget/${built.hash}/sip-relative-view.js`;
    expect(await res.json()).toEqual({
      file: 'sip-relative-view.js',
      version: '0.1.0',
      hash: built.hash,
      integrity: built.integrity,
      path,
      url: `${t.config.publicUrl}${path}`,
    });
    const again = await t.app.request('/widget/widget.json', { headers: { 'If-None-Match': res.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('serves the modules the bundle loads on demand beside it, versioned or not, cached for a year', async () => {
    for (const path of [`/widget/${built.hash}/${finnishModule.file}`, `/widget/${finnishModule.file}`]) {
      const res = await t.app.request(path, { headers: { Origin: portal } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('access-control-allow-origin')).toBe(portal);
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(await res.text()).toBe(finnish);
      const zipped = await t.app.request(path, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(finnish);
      const brotli = await t.app.request(path, { headers: { 'Accept-Encoding': 'br' } });
      expect(brotli.headers.get('content-encoding')).toBe('br');
      expect(brotliDecompressSync(Buffer.from(await brotli.arrayBuffer())).toString()).toBe(finnish);
    }
  });

  it('answers a module the build does not have, or of another build, with a 404 problem', async () => {
    for (const path of [
      '/widget/sip-relative-view.fi.0123456789ab.js',
      `/widget/${built.hash}/sip-relative-view.sv.0123456789ab.js`,
      `/widget/0123456789ab/${finnishModule.file}`,
    ]) {
      const res = await t.app.request(path);
      await expectProblem(res, 404);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    // Only a file of the build: never one beside it.
    await expectProblem(await t.app.request('/widget/..%2Fwidget.json.js'), 404);
    await expectProblem(await t.app.request(`/widget/${built.hash}/..%2F..%2Fpackage.json.js`), 404);
  });

  it('lists widget.json in the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/widget/widget.json');
  });

  describe('embedding from another site', () => {
    it('lets a listed origin load the module, by name', async () => {
      for (const path of ['/widget/sip-relative-view.js', `/widget/${built.hash}/sip-relative-view.js`, '/widget/widget.json']) {
        const res = await t.app.request(path, { headers: { Origin: portal } });
        expect(res.status).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBe(portal);
        expect(res.headers.get('vary')).toContain('Origin');
        if (path.endsWith('.js')) expect(res.headers.get('vary')).toContain('Accept-Encoding');
      }
    });

    it('gives an origin that is not listed no Access-Control-Allow-Origin', async () => {
      const res = await t.app.request('/widget/sip-relative-view.js', { headers: { Origin: 'https://evil.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('lets a loopback origin load the module in demo mode', async () => {
      const res = await t.app.request('/widget/sip-relative-view.js', { headers: { Origin: 'http://localhost:5173' } });
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    });

    it('marks every widget response Cross-Origin-Resource-Policy: cross-origin, and the API stays same-site', async () => {
      const etag = `"${built.hash}"`;
      const responses = await Promise.all([
        t.app.request('/widget/sip-relative-view.js'),
        t.app.request('/widget/sip-relative-view.js', { headers: { 'If-None-Match': etag } }),
        t.app.request(`/widget/${built.hash}/sip-relative-view.js`),
        t.app.request('/widget/ffffffffffff/sip-relative-view.js'),
        t.app.request('/widget/widget.json'),
      ]);
      expect(responses.map((r) => r.status)).toEqual([200, 304, 200, 404, 200]);
      for (const res of responses) expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      const api = await t.app.request('/health');
      expect(api.headers.get('cross-origin-resource-policy')).toBe('same-site');
    });
  });

  describe('outside demo mode', () => {
    let strict: TestApp;
    let strictDatabase: TestDatabase;
    beforeAll(async () => {
      strictDatabase = await createTestDatabase('pglite');
      strict = await buildTestApp({
        database: strictDatabase.database,
        peers: noPeers,
        env: {
          DEMO_MODE: 'false',
          STAFF_TOKEN_ISSUER: 'https://idp.example',
          STAFF_JWKS_URL: 'https://idp.example/jwks.json',
          ALLOWED_ORIGINS: portal,
          WIDGET_DIST_DIR: dist,
        },
      });
    });
    afterAll(async () => {
      await strict?.events.close();
      await strictDatabase?.drop();
    });

    it('still serves the module to a listed origin, and no loopback origin', async () => {
      const listed = await strict.app.request('/widget/sip-relative-view.js', { headers: { Origin: portal } });
      expect(listed.status).toBe(200);
      expect(listed.headers.get('access-control-allow-origin')).toBe(portal);
      const loopback = await strict.app.request('/widget/sip-relative-view.js', { headers: { Origin: 'http://localhost:5173' } });
      expect(loopback.status).toBe(200);
      expect(loopback.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

describe('the widget before it is built', () => {
  let database: TestDatabase;
  let dist: string;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    dist = mkdtempSync(join(tmpdir(), 'sip-widget-empty-'));
    t = await buildTestApp({ database: database.database, peers: noPeers, env: { WIDGET_DIST_DIR: dist } });
  });
  afterAll(async () => {
    await t?.events.close();
    await database?.drop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers a 503 widget-not-built problem that says to build it, never a 500', async () => {
    for (const path of ['/widget/sip-relative-view.js', '/widget/0123456789ab/sip-relative-view.js', '/widget/widget.json']) {
      const res = await t.app.request(path);
      const body = await expectProblem(res, 503);
      expect(body.type).toBe('urn:sip-broker:problem:widget-not-built');
      expect(body.detail).toMatch(/build/i);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    }
  });

  it('does not serve a bundle that widget.json does not describe', async () => {
    writeBuild(dist, bundle, { ...describeBuild('something else'), file: 'sip-relative-view.js' });
    const body = await expectProblem(await t.app.request('/widget/sip-relative-view.js'), 503);
    expect(body.type).toBe('urn:sip-broker:problem:widget-not-built');
  });

  it('does not serve a build whose modules are missing or not the ones widget.json describes', async () => {
    for (const module of [
      { ...finnishModule, file: 'sip-relative-view.fi.0123456789ab.js' },
      { ...finnishModule, integrity: describeBuild('something else').integrity },
    ]) {
      writeBuild(dist, bundle, { ...describeBuild(bundle), modules: [module] });
      const body = await expectProblem(await t.app.request(`/widget/${finnishModule.file}`), 503);
      expect(body.type).toBe('urn:sip-broker:problem:widget-not-built');
    }
  });

  it('serves the build once it is there, without a restart', async () => {
    writeBuild(dist);
    const res = await t.app.request('/widget/sip-relative-view.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(bundle);
  });
});

describe('where the widget build is read from', () => {
  it("defaults to the widget package's dist folder", () => {
    const root = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
    expect(resolve(defaultWidgetDistDir)).toBe(join(root, 'packages', 'widget', 'dist'));
  });
});

describe('a build read into memory', () => {
  /** A build in a folder of its own: the bundle, one module it loads, and the metadata naming both. */
  function writeBuild(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'sip-widget-read-'));
    const body = Buffer.from(`export const bundle = ${JSON.stringify(text)};\n`.repeat(200));
    const module = Buffer.from(`export const part = ${JSON.stringify(text)};\n`.repeat(50));
    const moduleFile = `sip-relative-view.part.${createHash('sha256').update(module).digest('hex').slice(0, 12)}.js`;
    writeFileSync(join(dir, 'sip-relative-view.js'), body);
    writeFileSync(join(dir, moduleFile), module);
    writeFileSync(
      join(dir, 'widget.json'),
      JSON.stringify({
        version: '1.0.0',
        hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
        integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
        modules: [{ file: moduleFile, integrity: `sha384-${createHash('sha384').update(module).digest('base64')}` }],
      }),
    );
    return dir;
  }

  it('is compressed once per content: two folders holding the same build share the bytes, a different build has its own, and each decompresses to what was built', async () => {
    const dirs = [writeBuild('one'), writeBuild('one'), writeBuild('two')];
    try {
      const [a, b, c] = await Promise.all(dirs.map((dir) => readWidgetBuild(dir)));
      if (!a!.built || !b!.built || !c!.built) throw new Error('the builds were not read');
      expect(b!.build.br).toBe(a!.build.br);
      expect(b!.build.gzip).toBe(a!.build.gzip);
      expect([...b!.build.modules.values()][0]!.br).toBe([...a!.build.modules.values()][0]!.br);
      expect(c!.build.br).not.toBe(a!.build.br);
      for (const { build } of [a!, c!]) {
        expect(Buffer.compare(brotliDecompressSync(build.br), build.body)).toBe(0);
        expect(Buffer.compare(gunzipSync(build.gzip), build.body)).toBe(0);
        for (const m of build.modules.values()) {
          expect(Buffer.compare(brotliDecompressSync(m.br), m.body)).toBe(0);
          expect(Buffer.compare(gunzipSync(m.gzip), m.body)).toBe(0);
        }
      }
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});
