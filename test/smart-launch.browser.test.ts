import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAxe } from './support/axe.ts';
import { IdentifierSystem } from '@sip/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSmartLaunch, buildStaff } from '../packages/staff/build.mjs';
import { collectPageErrors, launchBrowser } from './support/browser.ts';
import { mintToken, runBuild, startService, type ServiceProcess } from './support/service.ts';

/**
 * The broker's SMART app in real Chromium: launched from the demo region's health record (a FHIR
 * peer acting as the EHR, with its SMART authorisation server), against the real service in demo
 * mode. The pages run under the service's strict CSP with Trusted Types.
 */

const ASTRID = '194003019801';
const GUNNEL = '195007129827';
const KARL = '195202149836';
const REGION = 'SE2321000099-7RG1';
const SARA_LIND = 'SE2321000099-7P01';

interface DemoSmart {
  iss: string;
  clientId: string;
  launchEndpoint: string;
  launchUrl: string;
}

describe('the SMART app, launched from the health record', () => {
  let browser: Browser;
  let service: ServiceProcess;
  let dataDir: string;
  let smart: DemoSmart;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sip-smart-'));
    await buildStaff();
    await buildSmartLaunch();
    [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir }, undefined, runBuild())]);
    const res = await fetch(`${service.url}/dev/smart`);
    expect(res.status).toBe(200);
    smart = (await res.json()) as DemoSmart;
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A `launch` of the region's record for Sara Lind (region-coordinator) with the patient open. */
  async function ehrLaunch(patient: string): Promise<string> {
    const res = await fetch(smart.launchEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ practitioner: 'pract-region-coordinator', patient }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { launch: string }).launch;
  }

  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    return { page, errors: collectPageErrors(page) };
  }

  /** Opens the launch URL as the record would, and returns the staff token the app was given. */
  async function launchInto(page: Page, query: Record<string, string>): Promise<string> {
    const exchanged = page.waitForResponse((r) => new URL(r.url()).pathname === '/token' && r.request().method() === 'POST');
    await page.goto(`${service.url}/smart/launch?${new URLSearchParams(query)}`);
    const response = await exchanged;
    expect(response.status()).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function plansFor(persona: string, personId: string): Promise<string[]> {
    const token = await mintToken(service.url, persona);
    const res = await fetch(`${service.url}/api/plans/search`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personId }),
    });
    return ((await res.json()) as { items: { id: string }[] }).items.map((p) => p.id);
  }

  async function sessionOf(token: string) {
    return (await fetch(`${service.url}/api/session`, { headers: { Authorization: `Bearer ${token}` } })).json();
  }

  /** Nothing of the launch is left where a page or an extension could read it later. */
  async function expectNoTokenKept(page: Page, token: string) {
    const kept = await page.evaluate(() => ({
      session: JSON.stringify({ ...sessionStorage }),
      local: JSON.stringify({ ...localStorage }),
      cookie: document.cookie,
      url: location.href,
      attributes: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.value)).join(' '),
    }));
    expect(kept.session).not.toMatch(/access_token|id_token|codeVerifier/);
    expect(kept.local).not.toMatch(/access_token|id_token/);
    expect(kept.cookie).toBe('');
    expect(kept.url).toBe(`${service.url}/smart/app`);
    expect(kept.attributes).not.toContain(token);
  }

  const axe = async (page: Page) => {
    const { violations } = await runAxe(page, { tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] });
    expect(violations.map((v) => `${v.rule}: ${v.nodes.join(', ')}`)).toEqual([]);
  };

  it("opens Astrid's SIP in <sip-plan-editor> for the region's coordinator, with a staff token of her own", async () => {
    const [astridsPlan] = await plansFor('region-coordinator', ASTRID);
    expect(astridsPlan).toBeDefined();
    const { page, errors } = await openPage();
    const token = await launchInto(page, { iss: smart.iss, launch: await ehrLaunch('patient-astrid') });

    const editor = page.locator('sip-plan-editor');
    await expect.poll(() => editor.getAttribute('plan-id'), { timeout: 20_000 }).toBe(astridsPlan);
    expect(await editor.getAttribute('api-base')).toBe(service.url);
    expect(await editor.getAttribute('lang')).toBe('sv');
    // The staff module is loaded from its versioned URL and defines the element.
    expect(await page.evaluate(() => customElements.get('sip-plan-editor') !== undefined)).toBe(true);
    // The token is handed over as a callback, never as an attribute.
    expect(await page.evaluate(async () => typeof (document.querySelector('sip-plan-editor') as unknown as { getAccessToken?: unknown }).getAccessToken)).toBe('function');
    expect(await page.evaluate(async () => (await (document.querySelector('sip-plan-editor') as unknown as { getAccessToken: () => Promise<string> }).getAccessToken()).length > 0)).toBe(true);
    await expect.poll(() => page.locator('h1').textContent()).toBe('SIP för Astrid Nilsson');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    expect(await sessionOf(token)).toEqual({ kind: 'staff', userId: SARA_LIND, organisationId: REGION, role: 'coordinator' });
    await expectNoTokenKept(page, token);
    await axe(page);

    // When the editor says the session has expired, the page says to launch again and forgets the token.
    await page.evaluate(() => document.querySelector('sip-plan-editor')!.dispatchEvent(new Event('sip-session-expired', { bubbles: true, composed: true })));
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Din inloggning har gått ut. Starta appen från journalen igen.');
    expect(await page.locator('sip-plan-editor').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('says beside the plan, five minutes before the staff token runs out, to save and launch again, and keeps the editor', async () => {
    const { page, errors } = await openPage();
    await page.clock.install();
    const token = await launchInto(page, { iss: smart.iss, launch: await ehrLaunch('patient-astrid'), lang: 'en' });
    const editor = page.locator('sip-plan-editor');
    await expect.poll(() => editor.getAttribute('plan-id'), { timeout: 20_000 }).toBeTruthy();
    const expiry = page.locator('#expiry');
    expect(await expiry.getAttribute('role')).toBe('status');
    expect(await expiry.textContent()).toBe('');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    const lifetime = claims.exp - claims.iat;
    // Not yet six minutes before.
    await page.clock.runFor((lifetime - 360) * 1000);
    expect(await expiry.textContent()).toBe('');
    await page.clock.runFor(61_000);
    await expect.poll(() => expiry.textContent()).toBe('Your sign-in runs out in a few minutes. Save what you have written, then start the app from the health record again.');
    // The plan and the editor stay; the warning stays in the other language too.
    expect(await editor.count()).toBe(1);
    await page.getByRole('button', { name: 'På svenska' }).click();
    await expect.poll(() => expiry.textContent()).toBe('Din inloggning går ut om några minuter. Spara det du har skrivit och starta sedan appen från journalen igen.');
    expect(await page.locator('sip-plan-editor').count()).toBe(1);
    await axe(page);
    expect(errors).toEqual([]);
  });

  it('offers to start a SIP for a patient who has none the region takes part in, and opens the new one', async () => {
    // Gunnel's plan is the municipality's draft: the region does not take part in it.
    expect(await plansFor('region-coordinator', GUNNEL)).toEqual([]);
    const { page, errors } = await openPage();
    await launchInto(page, { iss: smart.iss, launch: await ehrLaunch('patient-gunnel'), lang: 'en' });

    await expect.poll(() => page.locator('h1').textContent(), { timeout: 20_000 }).toBe('SIP for Gunnel Persson');
    await expect.poll(() => page.getByText('There is no SIP for this patient that your organisation takes part in.').count()).toBe(1);
    const partner = page.getByLabel('The other principal (municipality)');
    expect(await partner.locator('option').allTextContents()).toContain('Norrviks kommun');
    await axe(page);

    // Keyboard only: to the list, choose, on to the button, and start.
    await partner.focus();
    await partner.selectOption({ label: 'Norrviks kommun' });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Start a SIP');
    await page.keyboard.press('Enter');

    const editor = page.locator('sip-plan-editor');
    await expect.poll(() => editor.getAttribute('plan-id'), { timeout: 20_000 }).toMatch(/^[0-9a-f-]{36}$/);
    expect(await plansFor('region-coordinator', GUNNEL)).toEqual([await editor.getAttribute('plan-id')]);
    expect(await editor.getAttribute('lang')).toBe('en');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await axe(page);
    expect(errors).toEqual([]);
  });

  it('runs a standalone launch for the user and patient the record has signed in', async () => {
    const res = await fetch(`${smart.iss}/auth/standalone`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ practitioner: 'pract-region-coordinator', patient: 'patient-karl' }),
    });
    expect(res.status).toBe(200);
    const [karlsPlan] = await plansFor('region-coordinator', KARL);
    const { page, errors } = await openPage();
    await launchInto(page, { iss: smart.iss });
    await expect.poll(() => page.locator('sip-plan-editor').getAttribute('plan-id'), { timeout: 20_000 }).toBe(karlsPlan);
    expect(errors).toEqual([]);
  });

  it("launches from the demo's own link, and reflows at 320 px wide without scrolling sideways", async () => {
    const INGRID = '194411079827';
    const [ingridsPlan] = await plansFor('region-coordinator', INGRID);
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${service.url}/dev/smart/launch?patient=patient-ingrid`);
    await expect.poll(() => page.locator('sip-plan-editor').getAttribute('plan-id'), { timeout: 20_000 }).toBe(ingridsPlan);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await axe(page);
    // A patient new to the record, without a SIP: the offer reflows too.
    const created = await fetch(`${smart.iss}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Patient',
        identifier: [{ system: IdentifierSystem.personnummer, value: '191212121212' }],
        name: [{ given: ['Tolvan'], family: 'Tolvansson' }],
      }),
    });
    expect(created.status).toBe(201);
    const tolvan = ((await created.json()) as { id: string }).id;
    await page.goto(`${service.url}/dev/smart/launch?${new URLSearchParams({ patient: tolvan, lang: 'en' })}`);
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 20_000 }).toBe('SIP for Tolvan Tolvansson');
    await expect.poll(() => page.getByRole('button', { name: 'Start a SIP' }).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(errors).toEqual([]);
  });

  it('never sends the user to a record it does not trust, and says so', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${service.url}/smart/launch?${new URLSearchParams({ iss: 'https://ehr.elsewhere.example/fhir', launch: 'x' })}`);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Journalen som appen startades från är inte ansluten till SIP-tjänsten.');
    expect(new URL(page.url()).origin).toBe(service.url);
    await axe(page);
    // The language can be switched from the keyboard, and focus stays on the switch.
    await page.getByRole('button', { name: 'In English' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The health record the app was started from is not connected to the SIP service.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('På svenska');
    expect(errors).toEqual([]);
  });

  it('serves its pages under a strict policy: own scripts, Trusted Types, requests only to the service and the record', async () => {
    const res = await fetch(`${service.url}/smart/app`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).toContain(`connect-src 'self' ${new URL(smart.iss).origin}`);
    expect(csp).not.toContain('unsafe-inline');
  });
});
