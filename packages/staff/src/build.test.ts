import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testElementBundleBuild } from '../../../scripts/element-bundle-tests.ts';
import { buildStaff, bundleFile, GZIP_BUDGET_BYTES, metadataFile, REPORT_GZIP_BUDGET_BYTES, reportModuleFile } from '../build.mjs';

testElementBundleBuild({
  name: 'staff elements',
  build: buildStaff,
  bundleFile,
  metadataFile,
  budget: GZIP_BUDGET_BYTES,
  packageJson: new URL('../package.json', import.meta.url),
  withoutSchemas: false,
});

describe('the report module of the staff build', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sip-staff-report-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('is a module of its own beside the bundle, named by its content and listed with its integrity; the bundle carries no chart library', async () => {
    const built = await buildStaff({ outDir });
    const metadata = JSON.parse(readFileSync(join(outDir, metadataFile), 'utf8')) as { modules: { file: string; integrity: string; gzipBytes: number }[] };
    expect(metadata.modules).toHaveLength(1);
    const [module] = metadata.modules;
    const body = readFileSync(join(outDir, module!.file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    expect(module!.file).toBe(reportModuleFile(hash));
    expect(module!.integrity).toBe(`sha384-${createHash('sha384').update(body).digest('base64')}`);
    expect(module!.gzipBytes).toBeLessThanOrEqual(REPORT_GZIP_BUDGET_BYTES);
    // Chart.js is in the module, and neither Lit nor eval-like code is.
    const text = body.toString('utf8');
    expect(text).toContain('Chart.js');
    expect(text).not.toContain('lit-html');
    expect(text).not.toMatch(/new Function\(|\beval\(/);
    // The bundle names the module by its file and integrity, and has no chart code of its own.
    const bundle = readFileSync(built.path, 'utf8');
    expect(bundle).toContain(module!.file);
    expect(bundle).toContain(module!.integrity);
    expect(bundle).not.toContain('Chart.js');
  }, 60_000);
});
