import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSmartLaunch, SMART_GZIP_BUDGET_BYTES } from '../build.mjs';

describe('the SMART launch app build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sip-smart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles the SMART client into one module within its budget, without eval, HTML strings or the schemas', async () => {
    const built = await buildSmartLaunch({ outDir: dir });
    expect(built.gzipBytes).toBeLessThanOrEqual(SMART_GZIP_BUDGET_BYTES);
    const body = readFileSync(join(dir, 'smart-launch.js'), 'utf8');
    expect(built.bytes).toBe(Buffer.byteLength(body));
    // fhirclient's authorisation and ready, PKCE required.
    expect(body).toContain('code_challenge');
    expect(body).toContain('"required"');
    // Nothing a strict CSP with Trusted Types would refuse, and no copy of the API's schemas (the service tells it the systems).
    expect(body).not.toMatch(/\beval\(|new Function\(|\.innerHTML\s*=|insertAdjacentHTML|document\.write\(/);
    expect(body).not.toContain('ZodError');
  });
});
