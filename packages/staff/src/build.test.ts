import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStaff, GZIP_BUDGET_BYTES, type StaffBuildResult } from '../build.mjs';

describe('the staff elements build', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'sip-staff-a-')), mkdtempSync(join(tmpdir(), 'sip-staff-b-'))];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('gives the same bytes twice, described by staff.json, within the size budget', async () => {
    const [a, b] = await Promise.all(dirs.map((outDir) => buildStaff({ outDir })));
    expect(a!.hash).toBe(b!.hash);
    expect(a!.integrity).toBe(b!.integrity);

    const body = readFileSync(join(dirs[0]!, 'sip-staff.js'));
    const metadata = JSON.parse(readFileSync(join(dirs[0]!, 'staff.json'), 'utf8')) as Omit<StaffBuildResult, 'path'>;
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(metadata).toEqual({
      file: 'sip-staff.js',
      version: pkg.version,
      hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
      integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
      bytes: body.length,
      gzipBytes: a!.gzipBytes,
    });
    expect(metadata.gzipBytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });

  it('carries Lit, no dev-mode Lit and no inline style bindings', () => {
    const body = readFileSync(join(dirs[0]!, 'sip-staff.js'), 'utf8');
    expect(body).toContain('lit-html');
    expect(body).not.toContain('Lit is in dev mode');
    expect(body).not.toMatch(/style=\$\{/);
    expect(body).not.toMatch(/createPolicy\("(?!lit-html)/);
  });
});
