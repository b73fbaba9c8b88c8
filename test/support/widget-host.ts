import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MyPlan } from '@sip/shared';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildWidget } from '../../packages/widget/build.mjs';
import { launchBrowser } from './browser.ts';
import { escapeAttribute, hostScriptStart, pageOpener, staffApiAs, startHostServer } from './host-page.ts';
import type { HostServer, PageOptions, RecordedEvent, StaffApi } from './host-page.ts';
import { demoDataDir, mintToken, runBuild, startService, type ServiceProcess } from './service.ts';

/**
 * <sip-relative-view> embedded in a host page on its own loopback origin, under a strict CSP
 * with Trusted Types enforced, against the real service in demo mode: the set-up the browser
 * tests of the widget share.
 */

export type { RecordedEvent, StaffApi } from './host-page.ts';

export interface HostState {
  tokenCalls: boolean[];
  events: RecordedEvent[];
  newGlobals: string[];
  lastToken: string | undefined;
  sameClass?: boolean;
}

declare global {
  interface Window {
    sip: HostState & { signIn(): void; setToken(valid: boolean): Promise<void> };
  }
}

/** The host page's script: a portal that hands the element a token callback, and records what it hears. */
const HOST_SCRIPT = `${hostScriptStart('sip-relative-view', 'window.sip = { tokenCalls: [], events: [], newGlobals: [], lastToken: undefined }', [
  'sip-ready',
  'sip-consent-change',
  'sip-error',
  'sip-session-expired',
])}
const sip = state;
async function mint() {
  sip.lastToken = await fetchToken();
  return sip.lastToken;
}
sip.setToken = async (valid) => {
  element.accessToken = valid ? await mint() : 'not-a-valid-token';
};
// Set before the element is defined, as a portal may.
if (mode === 'property') await sip.setToken(true);
else if (mode === 'property-invalid') await sip.setToken(false);
else if (mode === 'none') {
  // The portal has not signed the relative in yet.
} else element.getAccessToken = async ({ renew }) => {
  sip.tokenCalls.push(renew);
  if (mode === 'invalid-then-valid' && sip.tokenCalls.length === 1) return 'not-a-valid-token';
  if (mode === 'invalid') {
    if (renew) throw new Error('signed out');
    return 'not-a-valid-token';
  }
  return mint();
};
sip.signIn = () => {
  element.getAccessToken = () => mint();
};
const before = new Set(Object.getOwnPropertyNames(window));
if (params.has('twice')) {
  const first = await import('/sip-relative-view.js?copy=1');
  const second = await import('/sip-relative-view.js?copy=2');
  sip.sameClass = customElements.get('sip-relative-view') === first.SipRelativeView && first.SipRelativeView !== second.SipRelativeView;
} else {
  await import('/sip-relative-view.js');
}
sip.newGlobals = Object.getOwnPropertyNames(window).filter((name) => !before.has(name));
`;

/** What Lit itself registers on the global object (its version and metadata registries). */
export const LIT_GLOBALS = ['litPropertyMetadata', 'reactiveElementVersions', 'litHtmlVersions', 'litElementVersions'];

export interface HostOptions {
  persona: string;
  lang?: string;
  docLang?: string;
  planId?: string;
  /** How the host hands over the token; `none`: not at all (the relative is not signed in yet). */
  token?: 'valid' | 'invalid-then-valid' | 'invalid' | 'property' | 'property-invalid' | 'none';
  twice?: boolean;
  /** CSS `zoom` on the host page's `<html>`, as a reader who zooms the text. */
  zoom?: number;
  /** The element's `heading-level` attribute. */
  headingLevel?: string;
  /** The portal's help line on the element: {@link HELP}. */
  help?: boolean;
}

/** The help line the test portal configures with `help`. */
export const HELP = { phone: '0771-11 22 33', hours: 'vardagar 8–17', text: 'Du kan också besöka kommunens kontaktcenter.' } as const;

export type Host = HostServer;

/** A portal on its own loopback origin that embeds the widget, under a strict CSP with Trusted Types. */
export function startHost(serviceUrl: string, bundlePath: string): Promise<Host> {
  return startHostServer({
    serviceUrl,
    bundlePath,
    bundleName: 'sip-relative-view.js',
    script: HOST_SCRIPT,
    content: (q) => {
      const attributes = [`api-base="${escapeAttribute(serviceUrl)}"`];
      if (q.get('lang')) attributes.push(`lang="${escapeAttribute(q.get('lang')!)}"`);
      if (q.get('plan')) attributes.push(`plan-id="${escapeAttribute(q.get('plan')!)}"`);
      if (q.get('heading-level')) attributes.push(`heading-level="${escapeAttribute(q.get('heading-level')!)}"`);
      if (q.has('help')) attributes.push(...Object.entries(HELP).map(([name, value]) => `help-${name}="${escapeAttribute(value)}"`));
      return {
        title: 'Mina sidor',
        element: `<sip-relative-view ${attributes.join(' ')}></sip-relative-view>`,
        // Two copies of Lit each ask for the lit-html policy.
        trustedTypes: `lit-html${q.has('twice') ? " 'allow-duplicates'" : ''}`,
      };
    },
  });
}

export type OpenOptions = PageOptions;

/** One built widget, one service, one host page server and one browser, shared by a test file. */
export interface WidgetHarness {
  browser: Browser;
  service: ServiceProcess;
  host: Host;
  /** The host page's address for these options. */
  urlFor(options: HostOptions): string;
  /** A new page, in a context of its own (axe needs one), on the host page; console errors collected. */
  open(options: HostOptions, how?: OpenOptions): Promise<{ page: Page; errors: string[] }>;
  /** The relative's own view of their first plan, read from the API directly. */
  myPlan(persona: string): Promise<MyPlan>;
  /** The staff API as a demo persona (a coordinator, say), to change a plan the way staff do. */
  staffApi(persona: string): Promise<StaffApi>;
  /** Closes the pages opened so far: after each test. */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function startWidgetHarness(): Promise<WidgetHarness> {
  const dataDir = demoDataDir('sip-widget-');
  const built = await buildWidget();
  const [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir }, undefined, runBuild())]);
  const host = await startHost(service.url, built.path);
  const pages = pageOpener(browser);

  const urlFor = (options: HostOptions) => {
    const q = new URLSearchParams({ persona: options.persona });
    if (options.lang) q.set('lang', options.lang);
    if (options.docLang) q.set('doclang', options.docLang);
    if (options.planId) q.set('plan', options.planId);
    if (options.token) q.set('token', options.token);
    if (options.twice) q.set('twice', '');
    if (options.zoom) q.set('zoom', String(options.zoom));
    if (options.headingLevel) q.set('heading-level', options.headingLevel);
    if (options.help) q.set('help', '');
    return `${host.url}/?${q}`;
  };

  return {
    browser,
    service,
    host,
    urlFor,
    open: (options, how = {}) => pages.open(urlFor(options), how),
    async myPlan(persona) {
      const token = await mintToken(service.url, persona);
      const headers = { Authorization: `Bearer ${token}` };
      const list = (await (await fetch(`${service.url}/api/me/plans`, { headers })).json()) as { items: { planId: string }[] };
      const planId = list.items[0]!.planId;
      return (await (await fetch(`${service.url}/api/me/plans/${planId}`, { headers })).json()) as MyPlan;
    },
    staffApi: (persona) => staffApiAs(service.url, persona),
    closePages: pages.closePages,
    async close() {
      await browser?.close();
      await host?.close();
      await service?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const hostState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify(window.sip)) as HostState);

export const eventsOf = async (page: Page, type: string) => (await hostState(page)).events.filter((e) => e.type === type);

/** The id of the element focused inside the widget's shadow root. */
export const focusedId = (page: Page) =>
  page.evaluate(() => document.querySelector('sip-relative-view')!.shadowRoot!.activeElement?.id ?? null);

/** The card of one commitment, found by its heading. */
export const commitmentCard = (page: Page, what: string): Locator =>
  page.locator('[part~="commitment"]').filter({ has: page.getByRole('heading', { name: what }) });

/** A calendar date as the widget writes it. */
export const utcDate = (day: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

/**
 * Makes Maria (Astrid's daughter) a relative in Karl's plan too, as staff add her: she then has
 * two plans, and sees them listed. Everyone else in the demo has one, which opens directly.
 * Astrid's plan, the older, stays her first.
 */
export async function giveMariaTwoPlans(harness: WidgetHarness): Promise<void> {
  const api = await harness.staffApi('region-coordinator');
  const list = await api<{ items: { id: string; individual: { personId: string } }[] }>('/api/plans?limit=100');
  const karls = list.body.items.find((p) => p.individual.personId === '195202149836');
  if (!karls) throw new Error("Karl's plan is not in the demo");
  const section = await api(`/api/plans/${karls.id}/relatives`);
  const added = await api(`/api/plans/${karls.id}/relatives`, {
    method: 'POST',
    ifMatch: section.etag,
    body: { name: 'Maria Nilsson', relationship: { code: 'FRND', text: 'vän' }, personId: '196807059826', child: false, sharesHome: false },
  });
  if (added.status !== 201) throw new Error(`adding Maria to Karl's plan: HTTP ${added.status} ${added.text}`);
}
