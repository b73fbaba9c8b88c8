import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A relatives' portal for end-to-end tests: a small HTTP server on its own loopback origin
 * that signs a relative in (a form and a session cookie, standing for the portal's e-ID
 * session), serves its own pages, stylesheet and script, and embeds <sip-relative-view> the
 * way the README tells a portal to: the module from the service under its versioned URL with
 * `integrity` and `crossorigin="anonymous"`, and a token callback that asks the portal's own
 * server for the relative's token, so the token never appears in a URL or in the HTML.
 */

/** The current widget build as `GET /widget/widget.json` names it. */
export interface WidgetMetadata {
  version: string;
  hash: string;
  integrity: string;
  path: string;
}

export interface PortalPerson {
  /** The demo persona (or the portal's own user id). */
  id: string;
  name: string;
}

/** What a page template gets to render. */
export interface PageContext {
  serviceUrl: string;
  /** The module's versioned URL, absolute, and its Subresource Integrity. */
  module: { src: string; integrity: string };
  /** The signed-in relative; undefined on the sign-in page. */
  user?: PortalPerson;
  people: PortalPerson[];
}

export interface PortalDesign {
  /** Response headers of every page and file (a Content-Security-Policy, say). */
  headers(serviceOrigin: string): Record<string, string>;
  signInPage(context: PageContext): string;
  myPage(context: PageContext & { user: PortalPerson }): string;
  /** The portal's own static files, by path. */
  files: Record<string, { type: string; body: string }>;
}

export interface PortalOptions {
  serviceUrl: string;
  design: PortalDesign;
  people: PortalPerson[];
  /** Mints the relative's token for the broker, as the portal's e-ID session would hold it. */
  issueToken(person: PortalPerson): Promise<{ accessToken: string; expiresIn: number }>;
}

export interface Portal {
  url: string;
  origin: string;
  /** Every token the portal's server handed to its page, in order. */
  issued: string[];
  /** The token requests its page made: `renew` as the widget asked. */
  tokenRequests: { renew: boolean }[];
  close(): Promise<void>;
}

const SESSION_COOKIE = 'portal_session';

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

/** The service's current widget build, read the way a portal's page template would. */
export async function currentWidget(serviceUrl: string): Promise<WidgetMetadata> {
  const res = await fetch(`${serviceUrl}/widget/widget.json`);
  if (res.status !== 200) throw new Error(`GET /widget/widget.json: HTTP ${res.status}`);
  return (await res.json()) as WidgetMetadata;
}

/** A token from the service's demo issuer (`POST /dev/token`), for a portal in demo mode. */
export function demoTokens(serviceUrl: string): PortalOptions['issueToken'] {
  return async (person) => {
    const res = await fetch(`${serviceUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persona: person.id }),
    });
    if (res.status !== 200) throw new Error(`POST /dev/token for ${person.id}: HTTP ${res.status}`);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    return { accessToken: body.access_token, expiresIn: body.expires_in };
  };
}

export async function startPortal(options: PortalOptions): Promise<Portal> {
  const serviceOrigin = new URL(options.serviceUrl).origin;
  const sessions = new Map<string, { person: PortalPerson; token?: { value: string; expiresAt: number } }>();
  const issued: string[] = [];
  const tokenRequests: { renew: boolean }[] = [];
  const headers = options.design.headers(serviceOrigin);

  const sessionOf = (req: IncomingMessage) => {
    const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    return cookie ? sessions.get(cookie.slice(SESSION_COOKIE.length + 1)) : undefined;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://portal.invalid');
      const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
        res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': 'no-store', ...extra });
        res.end(body);
      };
      const session = sessionOf(req);
      if (req.method === 'GET' && url.pathname === '/') {
        const widget = await currentWidget(options.serviceUrl);
        const context: PageContext = {
          serviceUrl: options.serviceUrl,
          module: { src: `${options.serviceUrl}${widget.path}`, integrity: widget.integrity },
          people: options.people,
          ...(session ? { user: session.person } : {}),
        };
        const html = session ? options.design.myPage({ ...context, user: session.person }) : options.design.signInPage(context);
        send(200, 'text/html; charset=utf-8', html);
      } else if (req.method === 'POST' && url.pathname === '/logga-in') {
        const chosen = new URLSearchParams(await readBody(req)).get('person');
        const person = options.people.find((p) => p.id === chosen);
        if (!person) return send(400, 'text/plain; charset=utf-8', 'Okänd person');
        const id = randomBytes(18).toString('base64url');
        sessions.set(id, { person });
        send(303, 'text/plain; charset=utf-8', '', {
          location: '/',
          'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`,
        });
      } else if (req.method === 'POST' && url.pathname === '/logga-ut') {
        const cookie = (req.headers.cookie ?? '').match(new RegExp(`${SESSION_COOKIE}=([^;]+)`));
        if (cookie?.[1]) sessions.delete(cookie[1]);
        send(303, 'text/plain; charset=utf-8', '', { location: '/', 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` });
      } else if (req.method === 'POST' && url.pathname === '/session/token') {
        // The page's token callback: the session's token, or a fresh one when the widget asks to renew.
        const { renew } = JSON.parse((await readBody(req)) || '{}') as { renew?: boolean };
        tokenRequests.push({ renew: renew === true });
        if (!session) return send(401, 'application/json', JSON.stringify({ error: 'signed out' }));
        if (renew || !session.token || session.token.expiresAt - 30_000 < Date.now()) {
          const token = await options.issueToken(session.person);
          session.token = { value: token.accessToken, expiresAt: Date.now() + token.expiresIn * 1000 };
          issued.push(token.accessToken);
        }
        send(200, 'application/json', JSON.stringify({ access_token: session.token.value }));
      } else if (req.method === 'GET' && options.design.files[url.pathname]) {
        const file = options.design.files[url.pathname]!;
        send(200, file.type, file.body);
      } else if (url.pathname === '/favicon.ico') {
        send(204, 'image/x-icon', '');
      } else {
        send(404, 'text/plain; charset=utf-8', 'Sidan finns inte');
      }
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    origin: url,
    issued,
    tokenRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The sign-in form both portals use: a select of people and a submit button, no script. */
function signInForm(context: PageContext, label: string, button: string): string {
  const options = context.people.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name)}</option>`).join('');
  return `<form method="post" action="/logga-in">
  <label for="person">${escapeHtml(label)}</label>
  <select id="person" name="person">${options}</select>
  <button type="submit">${escapeHtml(button)}</button>
</form>`;
}

function moduleTag(context: PageContext): string {
  return `<script type="module" src="${escapeHtml(context.module.src)}" integrity="${escapeHtml(context.module.integrity)}" crossorigin="anonymous"></script>`;
}

/** The token callback both portals' scripts share: the relative's token from the portal's own server. */
const TOKEN_CALLBACK = `async function portalToken({ renew }) {
  const response = await fetch('/session/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ renew }),
  });
  // Signed out: nothing to give, and the element says the session expired.
  if (!response.ok) return undefined;
  return (await response.json()).access_token;
}`;

/**
 * "Mina sidor, Norrviks kommun": a municipality's e-service under a strict Content Security
 * Policy (no inline script or style, Trusted Types with only Lit's policy), a wide layout, a
 * sans-serif font and the municipality's colours. The element is in the page's HTML.
 */
export const norrvikPortal: PortalDesign = {
  headers: (serviceOrigin) => ({
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'self' ${serviceOrigin}`,
      "style-src 'self'",
      `connect-src ${serviceOrigin} 'self'`,
      "form-action 'self'",
      "require-trusted-types-for 'script'",
      'trusted-types lit-html',
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
  }),
  signInPage: (context) => `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logga in – Mina sidor, Norrviks kommun</title>
<link rel="stylesheet" href="/norrvik.css">
</head>
<body>
<header class="site-header"><p class="site-name">Norrviks kommun</p></header>
<main>
<h1>Logga in på Mina sidor</h1>
${signInForm(context, 'Logga in med e-legitimation som', 'Logga in')}
</main>
</body>
</html>`,
  myPage: (context) => `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mina sidor – Norrviks kommun</title>
<link rel="stylesheet" href="/norrvik.css">
${moduleTag(context)}
<script type="module" src="/norrvik.js"></script>
</head>
<body>
<header class="site-header">
  <p class="site-name">Norrviks kommun</p>
  <form method="post" action="/logga-ut"><button type="submit" class="sign-out">Logga ut</button></form>
</header>
<main>
<h1>Mina sidor</h1>
<p class="signed-in">Inloggad som ${escapeHtml(context.user.name)}</p>
<p id="portal-notice" class="notice" role="status"></p>
<section class="card" aria-labelledby="sip-heading">
<h2 id="sip-heading">Samordnad individuell plan</h2>
<sip-relative-view api-base="${escapeHtml(context.serviceUrl)}" lang="sv"></sip-relative-view>
</section>
</main>
</body>
</html>`,
  files: {
    '/norrvik.css': {
      type: 'text/css; charset=utf-8',
      body: `:root { font-family: "DejaVu Sans", Arial, sans-serif; color: #1b1f24; background: #f2f4f5; }
body { margin: 0; }
.site-header { display: flex; justify-content: space-between; align-items: center; padding: 0.75rem 2rem; background: #0b4f6c; color: #ffffff; }
.site-name { margin: 0; font-weight: 700; font-size: 1.25rem; }
.sign-out { font: inherit; color: #0b4f6c; background: #ffffff; border: 0; border-radius: 0.25rem; padding: 0.25rem 0.75rem; }
main { width: min(100% - 2rem, 60rem); margin: 0 auto; padding: 2rem 0; }
.card { background: #ffffff; border: 1px solid #c4ccd3; border-radius: 0.5rem; padding: 1rem; }
.notice:empty { display: none; }
sip-relative-view {
  --sip-color-primary: #0b4f6c;
  --sip-color-primary-text: #ffffff;
  --sip-color-border: #5b6770;
  --sip-color-focus: #ffbf47;
  --sip-radius: 0.375rem;
}
`,
    },
    '/norrvik.js': {
      type: 'text/javascript; charset=utf-8',
      body: `// Mina sidor: hands the element the relative's token and tells the relative when an answer reached the municipality.
${TOKEN_CALLBACK}
const view = document.querySelector('sip-relative-view');
const notice = document.getElementById('portal-notice');
view.getAccessToken = portalToken;
view.addEventListener('sip-consent-change', (event) => {
  notice.textContent = 'Mina sidor: ditt svar är registrerat (' + event.detail.status + ').';
});
view.addEventListener('sip-session-expired', () => location.assign('/'));
`,
    },
  },
};

/**
 * A 1177-like regional portal: no Content Security Policy, a narrow column, a serif body font,
 * its own colours and spacing through the `--sip-*` properties, and `::part()` rules for the
 * element's headings and buttons. Its script creates the element.
 */
export const vardguidenPortal: PortalDesign = {
  headers: () => ({ 'x-content-type-options': 'nosniff' }),
  signInPage: (context) => `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logga in – Vårdguiden Norrvik</title>
<link rel="stylesheet" href="/assets/vardguiden.css">
</head>
<body>
<div class="column">
<h1>Logga in</h1>
${signInForm(context, 'Välj vem du är', 'Fortsätt')}
</div>
</body>
</html>`,
  myPage: (context) => `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Min vårdplan – Vårdguiden Norrvik</title>
<link rel="stylesheet" href="/assets/vardguiden.css">
<style>.brand { letter-spacing: 0.04em; }</style>
${moduleTag(context)}
<script type="module" src="/assets/vardguiden.js"></script>
</head>
<body>
<nav class="brand" aria-label="Vårdguiden">Vårdguiden Norrvik</nav>
<div class="column">
<main>
<h1>Min vårdplan</h1>
<p>Hej ${escapeHtml(context.user.name)}! Här ser du planen du är anhörig i.</p>
<div id="sip-slot" data-api-base="${escapeHtml(context.serviceUrl)}"></div>
</main>
</div>
</body>
</html>`,
  files: {
    '/assets/vardguiden.css': {
      type: 'text/css; charset=utf-8',
      body: `body { margin: 0; font-family: "DejaVu Serif", Georgia, serif; font-size: 18px; color: #212121; background: #ffffff; }
.brand { background: #396291; color: #ffffff; padding: 1rem; font-family: "DejaVu Sans", sans-serif; font-weight: 700; }
.column { max-width: 32rem; margin: 0 auto; padding: 0 1rem; }
sip-relative-view {
  --sip-color-primary: #005595;
  --sip-color-primary-text: #ffffff;
  --sip-color-text: #212121;
  --sip-color-background: #f6f9fc;
  --sip-color-border: #4a6377;
  --sip-color-focus: #fcd015;
  --sip-radius: 0;
  --sip-spacing: 1.25rem;
  border-top: 4px solid #005595;
}
sip-relative-view::part(heading) {
  font-family: "DejaVu Sans", Verdana, sans-serif;
  color: #00365f;
}
sip-relative-view::part(button) {
  border-radius: 2rem;
}
`,
    },
    '/assets/vardguiden.js': {
      type: 'text/javascript; charset=utf-8',
      body: `// Vårdguiden: creates the element where the page wants it, with the relative's token from the portal's own session.
${TOKEN_CALLBACK}
const slot = document.getElementById('sip-slot');
const view = document.createElement('sip-relative-view');
view.setAttribute('api-base', slot.dataset.apiBase);
view.getAccessToken = portalToken;
view.addEventListener('sip-session-expired', () => location.assign('/'));
slot.append(view);
`,
    },
  },
};
