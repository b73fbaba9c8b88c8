import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runAxe } from './axe.ts';
import type { OwnPlan } from '@sip/shared';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildIndividualView } from '../../packages/widget/build-individual.mjs';
import { buildWidget } from '../../packages/widget/build.mjs';
import { launchBrowser } from './browser.ts';
import { escapeAttribute, hostScriptStart, pageOpener, staffApiAs, startHostServer } from './host-page.ts';
import type { HostServer, PageOptions, RecordedEvent, StaffApi } from './host-page.ts';
import { demoDataDir, mintToken, runBuild, startService, type ServiceProcess } from './service.ts';
import { startHost as startRelativeHost } from './widget-host.ts';

/**
 * <sip-individual-view> embedded in a host page on its own loopback origin, under a strict CSP
 * with Trusted Types enforced, against the real service in demo mode; beside it, the relatives'
 * widget on a host page of its own, to see what a relative sees after the individual's change.
 */

export interface IndividualHostState {
  tokenCalls: boolean[];
  events: RecordedEvent[];
}

declare global {
  interface Window {
    individual: IndividualHostState;
  }
}

/** The host page's script: a portal that hands the element a token callback for the signed-in individual. */
const HOST_SCRIPT = `${hostScriptStart('sip-individual-view', 'window.individual = { tokenCalls: [], events: [] }', [
  'sip-ready',
  'sip-change',
  'sip-error',
  'sip-session-expired',
])}
// token=none: the portal has not signed the individual in yet.
if (mode !== 'none') {
  element.getAccessToken = async ({ renew }) => {
    state.tokenCalls.push(renew);
    return fetchToken();
  };
}
await import('/sip-individual-view.js');
`;

export interface IndividualHostOptions {
  persona: string;
  lang?: string;
  /** `none`: the host gives no token (the individual is not signed in yet). */
  token?: 'none';
}

export interface IndividualHarness {
  browser: Browser;
  service: ServiceProcess;
  /** The individual's portal page for these options. */
  urlFor(options: IndividualHostOptions): string;
  /** The relatives' portal page for a relative persona. */
  relativeUrlFor(persona: string): string;
  open(url: string, how?: PageOptions): Promise<{ page: Page; errors: string[] }>;
  staffApi(persona: string): Promise<StaffApi>;
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function startIndividualHarness(): Promise<IndividualHarness> {
  const dataDir = demoDataDir('sip-individual-');
  const [individual, relative] = await Promise.all([buildIndividualView(), buildWidget()]);
  const [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir }, 150_000, runBuild())]);
  const [host, relativeHost]: HostServer[] = await Promise.all([
    startHostServer({
      serviceUrl: service.url,
      bundlePath: individual.path,
      bundleName: 'sip-individual-view.js',
      script: HOST_SCRIPT,
      content: (q) => ({
        title: 'Mina sidor',
        element: `<sip-individual-view api-base="${escapeAttribute(service.url)}"${q.get('lang') ? ` lang="${escapeAttribute(q.get('lang')!)}"` : ''}></sip-individual-view>`,
        trustedTypes: 'lit-html',
      }),
    }),
    startRelativeHost(service.url, relative.path),
  ]);
  const pages = pageOpener(browser);
  return {
    browser,
    service,
    urlFor: ({ persona, lang, token }) => `${host!.url}/?${new URLSearchParams({ persona, ...(lang ? { lang } : {}), ...(token ? { token } : {}) })}`,
    relativeUrlFor: (persona) => `${relativeHost!.url}/?${new URLSearchParams({ persona })}`,
    open: (url, how = {}) => pages.open(url, how),
    staffApi: (persona) => staffApiAs(service.url, persona),
    closePages: pages.closePages,
    async close() {
      await browser?.close();
      await host?.close();
      await relativeHost?.close();
      await service?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The events the individual's host page heard. */
export const individualEvents = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify(window.individual.events)) as RecordedEvent[]);

/** The id of the element focused inside the individual's view's shadow root. */
export const focusedInView = (page: Page) =>
  page.evaluate(() => document.querySelector('sip-individual-view')!.shadowRoot!.activeElement?.id ?? null);

/** The individual's view on the page. */
export const view = (page: Page) => page.locator('sip-individual-view');

/** Astrid's token and her one plan as the individual, read through the service as her view reads it. */
export async function astridsOwnPlan(serviceUrl: string): Promise<{ token: string; plan: OwnPlan }> {
  const token = await mintToken(serviceUrl, 'astrid');
  const headers = { Authorization: `Bearer ${token}` };
  const { items } = (await (await fetch(`${serviceUrl}/api/me/plans`, { headers })).json()) as { items: { planId: string; role: string }[] };
  const own = items.filter((i) => i.role === 'individual');
  expect(own).toHaveLength(1);
  const plan = (await (await fetch(`${serviceUrl}/api/me/own-plans/${own[0]!.planId}`, { headers })).json()) as OwnPlan;
  return { token, plan };
}

/** Axe on the page as it is: WCAG 2.2 AA, no violation, named by the state. */
export async function expectAxeClean(page: Page, state: string) {
  const { violations } = await runAxe(page, { tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] });
  expect(violations, state).toEqual([]);
}

/** Whether the page scrolls sideways, or anything of the view reaches past the viewport. */
export const sideways = (page: Page) =>
  page.evaluate(() => {
    const width = window.innerWidth;
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width) problems.push(`page ${document.documentElement.scrollWidth} > ${width}`);
    for (const el of document.querySelector('sip-individual-view')!.shadowRoot!.querySelectorAll('*')) {
      if (el.closest('.visually-hidden, dialog:not([open])')) continue;
      const box = el.getBoundingClientRect();
      if (box.width > 0 && (box.left < -0.5 || box.right > width + 0.5)) problems.push(`${el.localName}#${el.id} ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
    return problems;
  });
