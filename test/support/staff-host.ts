import { runAxe } from './axe.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildStaff } from '../../packages/staff/build.mjs';
import { launchBrowser } from './browser.ts';
import { escapeAttribute, hostScriptStart, pageOpener, staffApiAs, startHostServer } from './host-page.ts';
import type { HostServer, PageOptions, RecordedEvent, StaffApi } from './host-page.ts';
import { demoDataDir, runBuild, startService, type ServiceProcess } from './service.ts';

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
const HOST_SCRIPT = `${hostScriptStart('[data-sip-element]', 'window.sipStaff = { tokenCalls: [], events: [] }', [
  'sip-ready',
  'sip-open-plan',
  'sip-plan-created',
  'sip-saved',
  'sip-error',
  'sip-session-expired',
])}
const provider = async ({ renew }) => {
  state.tokenCalls.push(renew);
  if (mode === 'invalid-then-valid' && state.tokenCalls.length === 1) return 'not-a-valid-token';
  if (mode === 'invalid') {
    if (renew) return null;
    return 'not-a-valid-token';
  }
  return fetchToken();
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
  element: 'sip-plan-editor' | 'sip-plan-list' | 'sip-worklist' | 'sip-plan-history' | 'sip-access-log' | 'sip-report';
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

export type StaffHost = HostServer;

/** A system page on its own loopback origin that embeds one staff element, under a strict CSP with Trusted Types. */
export function startStaffHost(serviceUrl: string, bundlePath: string): Promise<StaffHost> {
  return startHostServer({
    serviceUrl,
    bundlePath,
    bundleName: 'sip-staff.js',
    script: HOST_SCRIPT,
    content: (q) => {
      const tag = q.get('element') ?? 'sip-plan-editor';
      if (!/^sip-[a-z-]+$/.test(tag)) return undefined;
      const attributes = [`data-sip-element`, `api-base="${escapeAttribute(serviceUrl)}"`];
      if (q.get('lang')) attributes.push(`lang="${escapeAttribute(q.get('lang')!)}"`);
      for (const [name, value] of q) {
        if (name.startsWith('attr-') && /^[a-z-]+$/.test(name.slice(5))) attributes.push(`${name.slice(5)}="${escapeAttribute(value)}"`);
      }
      return { title: q.get('system') ?? 'Verksamhetssystem', element: `<${tag} ${attributes.join(' ')}></${tag}>`, trustedTypes: 'lit-html' };
    },
  });
}

export interface StaffOpenOptions extends PageOptions {
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

export async function startStaffHarness(env: Record<string, string> = {}, options: { startTimeoutMs?: number } = {}): Promise<StaffHarness> {
  const dataDir = demoDataDir('sip-staff-');
  const built = await buildStaff();
  const [browser, service] = await Promise.all([launchBrowser(), startService({ DATA_DIR: dataDir, ...env }, options.startTimeoutMs, runBuild())]);
  const systems = (await Promise.all([startStaffHost(service.url, built.path), startStaffHost(service.url, built.path)])) as [StaffHost, StaffHost];
  const pages = pageOpener(browser);

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
    open: (options, how = {}) => pages.open(urlFor(options, how.system ?? 0), how),
    staffApi: (persona) => staffApiAs(service.url, persona),
    closePages: pages.closePages,
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

/**
 * Axe's violations on the page (or inside `include`), each as `what: rule targets`. Run in the
 * page itself (legacy mode: host pages have no frames), without the blank page axe otherwise
 * opens on every run to gather the frames' results.
 */
export async function axeViolations(page: Page, what: string, include?: string): Promise<string[]> {
  const { violations } = await runAxe(page, { tags: WCAG_TAGS, ...(include ? { include: [include] } : {}) });
  return violations.map((v) => `${what}: ${v.rule} ${v.nodes.join(', ')}`);
}

/** The section of `<sip-plan-editor>` headed `heading` (the innermost, when sections nest). */
export const editorSection = (page: Page, heading: string | RegExp): Locator =>
  page.locator('sip-plan-editor section').filter({ has: page.getByRole('heading', { name: heading, exact: typeof heading === 'string' }) }).last();
