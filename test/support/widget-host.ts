import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MyPlan } from '@sip/shared';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { buildWidget } from '../../packages/widget/build.mjs';
import { collectPageErrors, launchBrowser } from './browser.ts';
import { mintToken, startService, type ServiceProcess } from './service.ts';

/**
 * <sip-relative-view> embedded in a host page on its own loopback origin, under a strict CSP
 * with Trusted Types enforced, against the real service in demo mode: the set-up the browser
 * tests of the widget share.
 */

export interface RecordedEvent {
  type: string;
  bubbles: boolean;
  composed: boolean;
  detail: Record<string, unknown> | null;
}

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
const HOST_SCRIPT = `
const params = new URLSearchParams(location.search);
const element = document.querySelector('sip-relative-view');
const api = element.getAttribute('api-base');
const persona = params.get('persona');
const mode = params.get('token') ?? 'valid';
const sip = (window.sip = { tokenCalls: [], events: [], newGlobals: [], lastToken: undefined });
for (const type of ['sip-ready', 'sip-consent-change', 'sip-error', 'sip-session-expired']) {
  document.addEventListener(type, (event) => {
    sip.events.push({
      type,
      bubbles: event.bubbles,
      composed: event.composed,
      detail: event.detail === undefined ? null : JSON.parse(JSON.stringify(event.detail)),
    });
  });
}
async function mint() {
  const response = await fetch(api + '/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona }),
  });
  sip.lastToken = (await response.json()).access_token;
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
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export interface Host {
  url: string;
  close(): Promise<void>;
}

/** A portal on its own loopback origin that embeds the widget, under a strict CSP with Trusted Types. */
export async function startHost(serviceUrl: string, bundlePath: string): Promise<Host> {
  const serviceOrigin = new URL(serviceUrl).origin;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    if (url.pathname === '/') {
      const q = url.searchParams;
      const attributes = [`api-base="${escapeAttribute(serviceUrl)}"`];
      if (q.get('lang')) attributes.push(`lang="${escapeAttribute(q.get('lang')!)}"`);
      if (q.get('plan')) attributes.push(`plan-id="${escapeAttribute(q.get('plan')!)}"`);
      const zoom = Number(q.get('zoom'));
      const csp = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src ${serviceOrigin}`,
        "base-uri 'none'",
        "form-action 'none'",
        "require-trusted-types-for 'script'",
        // Two copies of Lit each ask for the lit-html policy.
        `trusted-types lit-html${q.has('twice') ? " 'allow-duplicates'" : ''}`,
      ].join('; ');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
      res.end(`<!doctype html>
<html lang="${escapeAttribute(q.get('doclang') ?? 'sv')}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Mina sidor</title>${
        zoom > 0 ? `<link rel="stylesheet" href="/zoom.css?zoom=${zoom}">` : ''
      }</head>
<body>
<main>
<h1>Mina sidor</h1>
<sip-relative-view ${attributes.join(' ')}></sip-relative-view>
</main>
<script type="module" src="/host.js"></script>
</body>
</html>`);
    } else if (url.pathname === '/zoom.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
      res.end(`html { zoom: ${Number(url.searchParams.get('zoom')) || 1}; }\n`);
    } else if (url.pathname === '/host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(HOST_SCRIPT);
    } else if (url.pathname === '/sip-relative-view.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(await readFile(bundlePath));
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface OpenOptions {
  /** For the page's context: viewport, reduced motion, ... */
  context?: BrowserContextOptions;
  /** Runs before the host page is loaded: routes, media emulation. */
  before?: (page: Page) => Promise<unknown>;
}

/** One call to the staff API: its status, ETag and body (parsed JSON), and the body as text for messages. */
export type StaffApi = <T = Record<string, unknown>>(
  path: string,
  init?: { method?: string; body?: unknown; ifMatch?: string | null },
) => Promise<{ status: number; etag: string | null; body: T; text: string }>;

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
  const dataDir = mkdtempSync(join(tmpdir(), 'sip-widget-'));
  const built = await buildWidget();
  const [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir })]);
  const host = await startHost(service.url, built.path);
  const contexts: BrowserContext[] = [];

  const urlFor = (options: HostOptions) => {
    const q = new URLSearchParams({ persona: options.persona });
    if (options.lang) q.set('lang', options.lang);
    if (options.docLang) q.set('doclang', options.docLang);
    if (options.planId) q.set('plan', options.planId);
    if (options.token) q.set('token', options.token);
    if (options.twice) q.set('twice', '');
    if (options.zoom) q.set('zoom', String(options.zoom));
    return `${host.url}/?${q}`;
  };

  return {
    browser,
    service,
    host,
    urlFor,
    async open(options, how = {}) {
      const context = await browser.newContext(how.context);
      contexts.push(context);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await how.before?.(page);
      await page.goto(urlFor(options));
      return { page, errors };
    },
    async myPlan(persona) {
      const token = await mintToken(service.url, persona);
      const headers = { Authorization: `Bearer ${token}` };
      const list = (await (await fetch(`${service.url}/api/me/plans`, { headers })).json()) as { items: { planId: string }[] };
      const planId = list.items[0]!.planId;
      return (await (await fetch(`${service.url}/api/me/plans/${planId}`, { headers })).json()) as MyPlan;
    },
    async staffApi(persona) {
      const token = await mintToken(service.url, persona);
      return async (path, init = {}) => {
        const res = await fetch(`${service.url}${path}`, {
          method: init.method ?? 'GET',
          headers: {
            Authorization: `Bearer ${token}`,
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(init.ifMatch ? { 'If-Match': init.ifMatch } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
        const text = await res.text();
        return { status: res.status, etag: res.headers.get('etag'), body: text ? JSON.parse(text) : undefined, text };
      };
    },
    async closePages() {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
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
