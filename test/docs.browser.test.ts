import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser } from './support/browser.ts';
import { runBuild, startService, type ServiceProcess } from './support/service.ts';

describe('the API docs page in Chromium', () => {
  let browser: Browser;
  let service: ServiceProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sip-docs-'));
    [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir }, undefined, runBuild())]);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders the operations from /openapi.json under its CSP, with no console error', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${service.url}/docs/`);
    await page.getByText('SIP broker', { exact: false }).first().waitFor();
    await page.locator('.opblock-summary-path', { hasText: '/api/session' }).first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(5);
    expect(errors).toEqual([]);
  });
});
