// Before the end-to-end files: the migrated test databases (as for the API's files), and the
// demo's data directory as the broker leaves it after its first start (PGlite created and
// migrated, the demo upstreams and plans made, the demo's plans published), which each browser
// harness copies instead of making its own. Files about a first start start from nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import setupDatabases from '../packages/api/vitest.setup.ts';
import { startService } from './support/service.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A data directory left by a first start of the demo, to copy. */
    demoDataDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'sip-demo-data-'));
  const [, service] = await Promise.all([setupDatabases(), startService({ DATA_DIR: dir }, 180_000)]);
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
  return () => rmSync(dir, { recursive: true, force: true });
}
