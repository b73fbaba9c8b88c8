import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWidget, GZIP_BUDGET_BYTES, type WidgetBuildResult } from '../build.mjs';

describe('the widget build', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'sip-widget-a-')), mkdtempSync(join(tmpdir(), 'sip-widget-b-'))];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('gives the same bytes twice, described by widget.json, within the size budget', async () => {
    const [a, b] = await Promise.all(dirs.map((outDir) => buildWidget({ outDir })));
    expect(a!.hash).toBe(b!.hash);
    expect(a!.integrity).toBe(b!.integrity);

    const body = readFileSync(join(dirs[0]!, 'sip-relative-view.js'));
    const metadata = JSON.parse(readFileSync(join(dirs[0]!, 'widget.json'), 'utf8')) as Omit<WidgetBuildResult, 'path'>;
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(metadata).toEqual({
      file: 'sip-relative-view.js',
      version: pkg.version,
      hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
      integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
      bytes: body.length,
      gzipBytes: a!.gzipBytes,
    });
    expect(metadata.gzipBytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });

  it('carries Lit but no schema code, no dev-mode Lit and no inline style bindings', () => {
    const body = readFileSync(join(dirs[0]!, 'sip-relative-view.js'), 'utf8');
    expect(body).toContain('lit-html');
    expect(body).not.toMatch(/\bzod\b|ZodError|safeParse/);
    expect(body).not.toContain('Lit is in dev mode');
    expect(body).not.toMatch(/style=\$\{/);
    expect(body).not.toMatch(/createPolicy\("(?!lit-html)/);
  });
});
