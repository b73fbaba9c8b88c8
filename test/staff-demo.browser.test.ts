import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStaff } from '../packages/staff/build.mjs';
import { collectPageErrors, launchBrowser } from './support/browser.ts';
import { runBuild, startService, type ServiceProcess } from './support/service.ts';

/**
 * `/demo/staff` as `npm start` serves it: the region's coordinator and the municipality's, each in
 * their own system on its own origin, with the same plan open. An edit in one shows in the other.
 */
describe('the two-pane staff demo in Chromium', () => {
  let browser: Browser;
  let service: ServiceProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'sip-staff-demo-'));

  beforeAll(async () => {
    await buildStaff();
    [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir }, 240_000, runBuild())]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const section = (frame: FrameLocator, heading: string) =>
    frame.locator('sip-plan-editor section').filter({ has: frame.getByRole('heading', { name: heading, exact: true }) }).last();

  async function openDemo(): Promise<{ page: Page; errors: string[]; region: FrameLocator; municipality: FrameLocator }> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${service.url}/demo/staff`);
    return { page, errors, region: page.frameLocator('#region'), municipality: page.frameLocator('#municipality') };
  }

  it('puts the two systems on two origins, each signed in as its coordinator, with Astrid’s plan open in both', async () => {
    const { page, errors, region, municipality } = await openDemo();
    const origins = await page.evaluate(() => [...document.querySelectorAll('iframe')].map((f) => new URL(f.src).origin));
    expect(new Set(origins).size).toBe(2);
    await expect.poll(() => region.locator('#signed-in').innerText(), { timeout: 20_000 }).toContain('Sara Lind');
    await expect.poll(() => municipality.locator('#signed-in').innerText(), { timeout: 20_000 }).toContain('Karin Ek');
    for (const frame of [region, municipality]) {
      await expect.poll(() => frame.locator('sip-plan-editor').getAttribute('plan-id'), { timeout: 20_000 }).toMatch(/^[0-9a-f-]{36}$/);
      await expect.poll(() => section(frame, 'Behov').count(), { timeout: 20_000 }).toBe(1);
    }
    expect(await region.locator('sip-plan-editor').getAttribute('plan-id')).toBe(await municipality.locator('sip-plan-editor').getAttribute('plan-id'));
    // Each sees that the other has the plan open.
    await expect.poll(() => region.locator('sip-plan-editor [part~="presence"]').innerText(), { timeout: 20_000 }).toContain('Norrviks kommun');
    await expect.poll(() => municipality.locator('sip-plan-editor [part~="presence"]').innerText(), { timeout: 20_000 }).toContain('Region Norrvik');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows an edit made in the region’s system in the municipality’s, marked as the region’s', async () => {
    const { page, errors, region, municipality } = await openDemo();
    await expect.poll(() => section(region, 'Kontakt utanför kontorstid').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => section(municipality, 'Kontakt utanför kontorstid').count(), { timeout: 20_000 }).toBe(1);
    const here = section(region, 'Kontakt utanför kontorstid');
    await here.getByRole('button', { name: /^Ändra kontakt/ }).click();
    await here.getByLabel('Vart närstående vänder sig utanför kontorstid').fill('Ring Trygghetsjouren, dygnet runt');
    await here.getByRole('button', { name: 'Spara' }).click();
    const there = section(municipality, 'Kontakt utanför kontorstid');
    await expect.poll(() => there.innerText(), { timeout: 10_000 }).toContain('Ring Trygghetsjouren, dygnet runt');
    await expect.poll(() => there.innerText()).toContain('Ändrad av Region Norrvik just nu');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the annual report on relatives’ support from a system’s menu, its charts drawn under the page’s strict CSP', async () => {
    const { page, errors, municipality } = await openDemo();
    await municipality.locator('#show-report').click();
    const report = municipality.locator('sip-report');
    await expect.poll(() => report.locator('.report-of').innerText(), { timeout: 20_000 }).toMatch(/^Norrviks kommun, \d{4}$/);
    expect(await report.locator('h3[id^="section-"]').count()).toBe(8);
    expect(await report.locator('canvas').count()).toBeGreaterThan(0);
    expect(await municipality.locator('sip-plan-editor').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('has no axe violation on the two-pane page itself', async () => {
    const { page, errors } = await openDemo();
    await page.frameLocator('#region').locator('sip-plan-editor').waitFor();
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).exclude('iframe').analyze();
    expect(results.violations.map((v) => v.id)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
