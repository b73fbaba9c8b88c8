import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCurrentWidget,
  END,
  readmePath,
  renderSnippet,
  snippetIn,
  START,
  withSnippet,
  type WidgetBuildName,
} from '../../../../scripts/widget-snippet.mjs';
import { buildTestApp, createTestDatabase, type TestApp, type TestDatabase } from '../test-support/index.ts';

/** The widget routes never call an upstream: these addresses are never dialled. */
const noPeers = { region: 'http://127.0.0.1:9/region', municipality: 'http://127.0.0.1:9/municipality' };

describe("the README's embedding snippet", () => {
  let build: WidgetBuildName;
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    build = await buildCurrentWidget();
    database = await createTestDatabase('pglite');
    t = await buildTestApp({ database: database.database, peers: noPeers });
  }, 120_000);
  afterAll(async () => {
    await t?.events.close();
    await database?.drop();
  });

  it('names the build a fresh build gives: its versioned URL and integrity (npm run widget:snippet)', async () => {
    const readme = await readFile(readmePath, 'utf8');
    expect(snippetIn(readme), 'the README names another build: run npm run widget:snippet').toBe(renderSnippet(build));
  });

  it('is the build the service serves from the widget package', async () => {
    const res = await t.app.request('/widget/widget.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ hash: build.hash, integrity: build.integrity });
    const versioned = await t.app.request(`/widget/${build.hash}/sip-relative-view.js`);
    expect(versioned.status).toBe(200);
  });

  it('is rewritten between its markers only', () => {
    const readme = ['# Title', START, 'old', END, 'after'].join('\n');
    const updated = withSnippet(readme, 'new');
    expect(snippetIn(updated)).toBe('new');
    expect(updated.startsWith('# Title\n')).toBe(true);
    expect(updated.endsWith('\nafter')).toBe(true);
  });
});
