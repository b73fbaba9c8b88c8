/**
 * The tests both element bundles' builds pass (packages/widget/src/build.test.ts,
 * packages/staff/src/build.test.ts): the same bytes twice, described by the metadata, within the
 * gzip budget; Lit inside, in its production build, with no inline style bindings.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BundleBuildResult } from './element-bundle.mjs';

export interface ElementBundleBuild {
  /** What the build is called in the test names: `widget`, `staff elements`. */
  name: string;
  build: (options: { outDir: string }) => Promise<BundleBuildResult>;
  bundleFile: string;
  metadataFile: string;
  budget: number;
  /** The package's package.json. */
  packageJson: URL;
  /** Whether the bundle must carry no schema code (zod). */
  withoutSchemas: boolean;
}

export function testElementBundleBuild({ name, build, bundleFile, metadataFile, budget, packageJson, withoutSchemas }: ElementBundleBuild): void {
  describe(`the ${name} build`, () => {
    const prefix = name.split(' ')[0];
    const dirs = [mkdtempSync(join(tmpdir(), `sip-${prefix}-a-`)), mkdtempSync(join(tmpdir(), `sip-${prefix}-b-`))];
    afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

    it(`gives the same bytes twice, described by ${metadataFile}, within the size budget`, async () => {
      const [a, b] = await Promise.all(dirs.map((outDir) => build({ outDir })));
      expect(a!.hash).toBe(b!.hash);
      expect(a!.integrity).toBe(b!.integrity);

      const body = readFileSync(join(dirs[0]!, bundleFile));
      const metadata = JSON.parse(readFileSync(join(dirs[0]!, metadataFile), 'utf8')) as Omit<BundleBuildResult, 'path'>;
      const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
      expect(metadata).toMatchObject({
        file: bundleFile,
        version: pkg.version,
        hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
        integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
        bytes: body.length,
        gzipBytes: a!.gzipBytes,
      });
      expect(metadata.gzipBytes).toBeLessThanOrEqual(budget);
    }, 60_000);

    it(`carries Lit${withoutSchemas ? ' but no schema code' : ''}, no dev-mode Lit and no inline style bindings`, () => {
      const body = readFileSync(join(dirs[0]!, bundleFile), 'utf8');
      expect(body).toContain('lit-html');
      if (withoutSchemas) expect(body).not.toMatch(/\bzod\b|ZodError|safeParse/);
      expect(body).not.toContain('Lit is in dev mode');
      expect(body).not.toMatch(/style=\$\{/);
      expect(body).not.toMatch(/createPolicy\("(?!lit-html)/);
    });
  });
}
