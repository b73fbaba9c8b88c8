import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { collectPageErrors } from './browser.ts';
import { mintToken } from './service.ts';

/**
 * What the browser tests' host pages share (the relatives' portal in widget-host.ts, the staff
 * systems in staff-host.ts): a page on its own loopback origin that embeds an element under a
 * strict CSP with Trusted Types enforced, its script's start, opening it in a fresh context, and
 * the staff API for changing a plan the way staff do.
 */

/** An event the host page heard, as it recorded it. */
export interface RecordedEvent {
  type: string;
  bubbles: boolean;
  composed: boolean;
  detail: Record<string, unknown> | null;
}

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The start of a host page's script: `params`, the `element` (found by `selector`), its `api`
 * base, the `persona` and token `mode` from the page's query, `state` (what `stateInit` makes)
 * recording every event of `eventTypes` the document hears, and `fetchToken()`, a demo token for
 * the persona.
 */
export function hostScriptStart(selector: string, stateInit: string, eventTypes: string[]): string {
  return `
const params = new URLSearchParams(location.search);
let element = document.querySelector(${JSON.stringify(selector)});
const api = element.getAttribute('api-base');
let persona = params.get('persona');
const mode = params.get('token') ?? 'valid';
const state = (${stateInit});
for (const type of ${JSON.stringify(eventTypes)}) {
  document.addEventListener(type, (event) => {
    state.events.push({
      type,
      bubbles: event.bubbles,
      composed: event.composed,
      detail: event.detail === undefined ? null : JSON.parse(JSON.stringify(event.detail)),
    });
  });
}
async function fetchToken() {
  const response = await fetch(api + '/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona }),
  });
  return (await response.json()).access_token;
}
`;
}

/** What a host page shows for a request's query; undefined answers 400. */
export interface HostPageContent {
  title: string;
  /** The element's markup. */
  element: string;
  /** The CSP's `trusted-types` policy names. */
  trustedTypes: string;
}

export interface HostServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A host page on its own loopback origin: `/` is the page `content` describes for the query
 * (`doclang` sets its language, `zoom` a CSS zoom), `/host.js` the `script`, `/<bundleName>`
 * the element bundle at `bundlePath`, and the modules it loads on demand from beside it.
 */
export async function startHostServer(options: {
  serviceUrl: string;
  bundlePath: string;
  bundleName: string;
  script: string;
  content: (query: URLSearchParams) => HostPageContent | undefined;
}): Promise<HostServer> {
  const serviceOrigin = new URL(options.serviceUrl).origin;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    if (url.pathname === '/') {
      const q = url.searchParams;
      const content = options.content(q);
      if (!content) {
        res.writeHead(400);
        res.end();
        return;
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
        `trusted-types ${content.trustedTypes}`,
      ].join('; ');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
      res.end(`<!doctype html>
<html lang="${escapeAttribute(q.get('doclang') ?? 'sv')}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeAttribute(content.title)}</title>${
        zoom > 0 ? `<link rel="stylesheet" href="/zoom.css?zoom=${zoom}">` : ''
      }</head>
<body>
<main>
<h1>${escapeAttribute(content.title)}</h1>
${content.element}
</main>
<script type="module" src="/host.js"></script>
</body>
</html>`);
    } else if (url.pathname === '/zoom.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
      res.end(`html { zoom: ${Number(url.searchParams.get('zoom')) || 1}; }\n`);
    } else if (url.pathname === '/host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(options.script);
    } else if (url.pathname === `/${options.bundleName}`) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(await readFile(options.bundlePath));
    } else if (/^\/[\w-]+(\.[\w-]+)*\.[0-9a-f]{12}\.js$/.test(url.pathname)) {
      // A module the bundle loads on demand (a language), from beside it.
      const body = await readFile(join(dirname(options.bundlePath), url.pathname.slice(1))).catch(() => undefined);
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
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

export interface PageOptions {
  /** For the page's context: viewport, reduced motion, ... */
  context?: BrowserContextOptions;
  /** Runs before the host page is loaded: routes, media emulation. */
  before?: (page: Page) => Promise<unknown>;
}

/** Opens pages, each in a context of its own (axe needs one), with their console errors collected. */
export function pageOpener(browser: Browser) {
  const contexts: BrowserContext[] = [];
  return {
    async open(url: string, how: PageOptions = {}): Promise<{ page: Page; errors: string[] }> {
      const context = await browser.newContext(how.context);
      contexts.push(context);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await how.before?.(page);
      await page.goto(url);
      return { page, errors };
    },
    /** Closes the pages opened so far. */
    async closePages(): Promise<void> {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
  };
}

/** One call to the staff API: its status, ETag and body (parsed JSON), and the body as text for messages. */
export type StaffApi = <T = Record<string, unknown>>(
  path: string,
  init?: { method?: string; body?: unknown; ifMatch?: string | null; headers?: Record<string, string> },
) => Promise<{ status: number; etag: string | null; body: T; text: string }>;

/** The staff API of the service at `serviceUrl` as a demo persona. */
export async function staffApiAs(serviceUrl: string, persona: string): Promise<StaffApi> {
  const token = await mintToken(serviceUrl, persona);
  return async (path, init = {}) => {
    const res = await fetch(`${serviceUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.ifMatch ? { 'If-Match': init.ifMatch } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), body: text ? JSON.parse(text) : undefined, text };
  };
}
