import AxeBuilder from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { buildStaff } from '../../packages/staff/build.mjs';
import { collectPageErrors, launchBrowser } from './browser.ts';
import { mintToken, startService, type ServiceProcess } from './service.ts';
import type { RecordedEvent, StaffApi } from './widget-host.ts';

/**
 * The staff elements embedded in a "system" page (a case system, a health record) on its own
 * loopback origin, under a strict CSP with Trusted Types enforced, against the real service in
 * demo mode: the set-up the staff elements' browser tests share. Two systems on two origins can
 * have the same plan open.
 */

export interface StaffHostState {
  tokenCalls: boolean[];
  events: RecordedEvent[];
}

declare global {
  interface Window {
    sipStaff: StaffHostState & { setPersona(persona: string): void };
  }
}

/** The system page's script: hands each element a token callback and records the events it hears. */
const HOST_SCRIPT = `
const params = new URLSearchParams(location.search);
let element = document.querySelector('[data-sip-element]');
const api = element.getAttribute('api-base');
let persona = params.get('persona');
const mode = params.get('token') ?? 'valid';
const state = (window.sipStaff = { tokenCalls: [], events: [] });
for (const type of ['sip-ready', 'sip-open-plan', 'sip-plan-created', 'sip-saved', 'sip-error', 'sip-session-expired']) {
  document.addEventListener(type, (event) => {
    state.events.push({
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
  return (await response.json()).access_token;
}
const provider = async ({ renew }) => {
  state.tokenCalls.push(renew);
  if (mode === 'invalid-then-valid' && state.tokenCalls.length === 1) return 'not-a-valid-token';
  if (mode === 'invalid') {
    if (renew) return null;
    return 'not-a-valid-token';
  }
  return mint();
};
state.setPersona = (next) => {
  persona = next;
  element.getAccessToken = async (request) => provider(request);
};
element.getAccessToken = provider;
if (params.get('opens') === 'editor') {
  // As a system that shows a plan where the list was: the plan a list opens (or starts) opens in the editor.
  document.addEventListener('sip-open-plan', (event) => {
    const editor = document.createElement('sip-plan-editor');
    editor.setAttribute('data-sip-element', '');
    editor.setAttribute('api-base', api);
    if (element.hasAttribute('lang')) editor.setAttribute('lang', element.getAttribute('lang'));
    editor.setAttribute('plan-id', event.detail.planId);
    if (event.detail.focus) editor.setAttribute('focus', event.detail.focus);
    editor.getAccessToken = element.getAccessToken;
    element.replaceWith(editor);
    element = editor;
  });
}
await import('/sip-staff.js');
`;

export interface StaffHostOptions {
  /** The element to embed, e.g. `sip-plan-editor`. */
  element: 'sip-plan-editor' | 'sip-plan-list' | 'sip-worklist' | 'sip-plan-history' | 'sip-access-log';
  /** The demo persona whose token the system hands over. */
  persona: string;
  /** Attributes of the element besides `api-base` (e.g. `{ 'plan-id': id }`). */
  attributes?: Record<string, string>;
  lang?: string;
  token?: 'valid' | 'invalid-then-valid' | 'invalid';
  /** CSS `zoom` on the page's `<html>`. */
  zoom?: number;
  /** The system's name in its page heading. */
  system?: string;
  /** The system opens the plan a list opens (`sip-open-plan`) in `<sip-plan-editor>`, in the list's place. */
  opensPlans?: boolean;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export interface StaffHost {
  url: string;
  close(): Promise<void>;
}

/** A system page on its own loopback origin that embeds one staff element, under a strict CSP with Trusted Types. */
export async function startStaffHost(serviceUrl: string, bundlePath: string): Promise<StaffHost> {
  const serviceOrigin = new URL(serviceUrl).origin;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    if (url.pathname === '/') {
      const q = url.searchParams;
      const tag = q.get('element') ?? 'sip-plan-editor';
      if (!/^sip-[a-z-]+$/.test(tag)) {
        res.writeHead(400);
        res.end();
        return;
      }
      const attributes = [`data-sip-element`, `api-base="${escapeAttribute(serviceUrl)}"`];
      if (q.get('lang')) attributes.push(`lang="${escapeAttribute(q.get('lang')!)}"`);
      for (const [name, value] of q) {
        if (name.startsWith('attr-') && /^[a-z-]+$/.test(name.slice(5))) attributes.push(`${name.slice(5)}="${escapeAttribute(value)}"`);
      }
      const zoom = Number(q.get('zoom'));
      const csp = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src ${serviceOrigin}`,
        "base-uri 'none'",
        "form-action 'none'",
        "require-trusted-types-for 'script'",
        'trusted-types lit-html',
      ].join('; ');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
      res.end(`<!doctype html>
<html lang="${escapeAttribute(q.get('doclang') ?? 'sv')}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeAttribute(q.get('system') ?? 'Verksamhetssystem')}</title>${
        zoom > 0 ? `<link rel="stylesheet" href="/zoom.css?zoom=${zoom}">` : ''
      }</head>
<body>
<main>
<h1>${escapeAttribute(q.get('system') ?? 'Verksamhetssystem')}</h1>
<${tag} ${attributes.join(' ')}></${tag}>
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
    } else if (url.pathname === '/sip-staff.js') {
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

export interface StaffOpenOptions {
  context?: BrowserContextOptions;
  before?: (page: Page) => Promise<unknown>;
  /** Which of the two systems (origins) embeds it: 0 the health record, 1 the case system. */
  system?: 0 | 1;
}

/** One build of the staff elements, one service, two system pages on two origins and one browser, shared by a test file. */
export interface StaffHarness {
  browser: Browser;
  service: ServiceProcess;
  systems: [StaffHost, StaffHost];
  urlFor(options: StaffHostOptions, system?: 0 | 1): string;
  /** A new page in a context of its own, on one system's page; console errors collected. */
  open(options: StaffHostOptions, how?: StaffOpenOptions): Promise<{ page: Page; errors: string[] }>;
  /** The staff API as a demo persona. */
  staffApi(persona: string): Promise<StaffApi>;
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function startStaffHarness(env: Record<string, string> = {}): Promise<StaffHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sip-staff-'));
  const built = await buildStaff();
  const [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir, ...env })]);
  const systems = (await Promise.all([startStaffHost(service.url, built.path), startStaffHost(service.url, built.path)])) as [StaffHost, StaffHost];
  const contexts: BrowserContext[] = [];

  const urlFor = (options: StaffHostOptions, system: 0 | 1 = 0) => {
    const q = new URLSearchParams({ element: options.element, persona: options.persona });
    if (options.lang) q.set('lang', options.lang);
    if (options.token) q.set('token', options.token);
    if (options.zoom) q.set('zoom', String(options.zoom));
    if (options.system) q.set('system', options.system);
    if (options.opensPlans) q.set('opens', 'editor');
    for (const [name, value] of Object.entries(options.attributes ?? {})) q.set(`attr-${name}`, value);
    return `${systems[system].url}/?${q}`;
  };

  return {
    browser,
    service,
    systems,
    urlFor,
    async open(options, how = {}) {
      const context = await browser.newContext(how.context);
      contexts.push(context);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await how.before?.(page);
      await page.goto(urlFor(options, how.system ?? 0));
      return { page, errors };
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
      await Promise.all(systems.map((s) => s?.close()));
      await service?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const staffHostState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify(window.sipStaff)) as StaffHostState);

/** A test personnummer (birth number 980–999) with a valid check digit, for a person the demo does not know. */
export function testPersonnummer(date: string, birth: number): string {
  const base = `${date.slice(2)}${birth}`;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(base[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `${date.slice(0, 2)}${base}${(10 - (sum % 10)) % 10}`;
}

/** The WCAG 2.2 AA rules the staff elements are checked against. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Axe's violations on the page (or inside `include`), each as `what: rule targets`. */
export async function axeViolations(page: Page, what: string, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  const results = await (include ? builder.include(include) : builder).analyze();
  return results.violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The section of `<sip-plan-editor>` headed `heading` (the innermost, when sections nest). */
export const editorSection = (page: Page, heading: string | RegExp): Locator =>
  page.locator('sip-plan-editor section').filter({ has: page.getByRole('heading', { name: heading, exact: typeof heading === 'string' }) }).last();
