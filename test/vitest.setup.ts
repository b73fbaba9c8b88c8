// Before the end-to-end files: the migrated test databases (as for the API's files); one build of
// the service (packages/api/build.mjs), which the files that need a running service but test
// neither `npm start` nor the build start on plain Node (support/service.ts, runBuild); one
// Chromium, which every browser file connects to and opens fresh contexts in (support/browser.ts);
// and the demo's data directory as the broker leaves it after its first start (PGlite created and
// migrated, the demo upstreams and plans made, the demo's plans published), which each browser
// harness copies instead of making its own. Files about a first start start from nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildService } from '../packages/api/build.mjs';
import setupDatabases from '../packages/api/vitest.setup.ts';
import { launchBrowserServer } from './support/browser.ts';
import { repoRoot, startService } from './support/service.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A data directory left by a first start of the demo, to copy. */
    demoDataDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: (() => unknown)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    // In the API package itself (the service finds its migrations and pages from there), in a
    // folder git ignores and the type check leaves out.
    const buildDir = mkdtempSync(join(repoRoot, 'packages', 'api', '.test-build-'));
    cleanups.push(() => rmSync(buildDir, { recursive: true, force: true }));
    const build = buildService({ outDir: buildDir });
    // Without the browser files (TEST_WITHOUT_BROWSER=1), no Chromium.
    const browser = process.env.TEST_WITHOUT_BROWSER === '1' ? undefined : launchBrowserServer();
    const dir = mkdtempSync(join(tmpdir(), 'sip-demo-data-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [, built, server] = await Promise.all([setupDatabases(), build, browser]);
    if (server) cleanups.push(() => server.close());
    const service = await startService({ DATA_DIR: dir }, 180_000, [built.path]);
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const ready = await fetch(`${service.url}/ready`).catch(() => undefined);
        if (ready?.status === 200) break;
        if (Date.now() > deadline) throw new Error(`the demo was not ready within 120 s:\n${service.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      const code = await service.stop();
      if (code !== 0) throw new Error(`the demo stopped with ${code}:\n${service.output()}`);
    }
    project.provide('demoDataDir', dir);
    project.provide('serviceBuild', buildDir);
    project.provide('chromiumEndpoint', server?.wsEndpoint() ?? '');
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
