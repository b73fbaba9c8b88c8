import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentifierSystem } from '@sip/shared';
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { pageDir } from '../files.ts';
import type { AppDeps, AppEnv } from '../http/context.ts';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../http/problem-response.ts';

const pages = pageDir('smart/page');
const SMART_LAUNCH_FILE = 'smart-launch.js';

/** The health records the app may be launched from: configured, and in demo mode the demo region's. */
export function smartIssuersOf(deps: Pick<AppDeps, 'config' | 'demoEhr'>): { iss: string; clientId: string }[] {
  return [...deps.config.smartIssuers.map(({ iss, clientId }) => ({ iss, clientId })), ...(deps.demoEhr ? [{ iss: deps.demoEhr.iss, clientId: deps.demoEhr.clientId }] : [])];
}

/**
 * The SMART app's policy: its own scripts and stylesheet only, no inline code, Trusted Types
 * with only Lit's policy (the staff elements'), requests to the service and to the health
 * records it trusts, and framed only by those records (an EHR may launch the app in a frame).
 */
export function smartPageHeaders(deps: Pick<AppDeps, 'config' | 'demoEhr'>) {
  const records = [...new Set(smartIssuersOf(deps).map((i) => new URL(i.iss).origin))];
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", ...records],
      frameAncestors: records.length > 0 ? ["'self'", ...records] : ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      requireTrustedTypesFor: ["'script'"],
      trustedTypes: ['lit-html'],
    },
    // Framed by a record on another origin: the frame-ancestors above decide, not this header.
    xFrameOptions: false,
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: 'max-age=31536000; includeSubDomains',
  });
}

const files = {
  launch: { file: 'launch.html', type: 'text/html; charset=utf-8' },
  app: { file: 'app.html', type: 'text/html; charset=utf-8' },
  style: { file: 'smart.css', type: 'text/css; charset=utf-8' },
} as const;

/**
 * `/smart/launch` (the launch URL a health record registers), `/smart/app` (the redirect URI),
 * their script (the staff package's `dist/smart-launch.js`) and stylesheet, and
 * `/smart/config.json` (the records the app may be launched from, and the identifier systems of
 * a personnummer). Mounted in demo mode and when `SMART_ISSUERS` is set.
 */
export function createSmartRoutes(options: { distDir: string }) {
  const cache = new Map<keyof typeof files, Promise<string>>();
  const serve = (name: keyof typeof files) => async (c: Context<AppEnv>) => {
    let text = cache.get(name);
    if (!text) {
      text = readFile(new URL(files[name].file, pages), 'utf8');
      text.catch(() => cache.delete(name));
      cache.set(name, text);
    }
    return c.body(await text, 200, { 'content-type': files[name].type, 'cache-control': 'no-cache' });
  };
  let script: { mtimeMs: number; body: Buffer } | undefined;
  return new Hono<AppEnv>()
    .get('/smart/launch', serve('launch'))
    .get('/smart/app', serve('app'))
    .get('/smart/smart.css', serve('style'))
    .get('/smart/config.json', (c) =>
      c.json(
        { issuers: smartIssuersOf(c.get('deps')), personIdSystems: [IdentifierSystem.personnummer, IdentifierSystem.samordningsnummer] },
        200,
        { 'cache-control': 'no-cache' },
      ),
    )
    .get(`/smart/${SMART_LAUNCH_FILE}`, async (c) => {
      const path = join(options.distDir, SMART_LAUNCH_FILE);
      try {
        const { mtimeMs } = await stat(path);
        if (script?.mtimeMs !== mtimeMs) script = { mtimeMs, body: await readFile(path) };
      } catch {
        const body = {
          ...problemBody(c, 'not-ready', 'The SMART launch app has not been built. Build it with: node packages/staff/build.mjs'),
          type: 'urn:sip-broker:problem:widget-not-built',
          title: 'The SMART launch app has not been built',
        };
        return c.body(JSON.stringify(body), 503, { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' });
      }
      return c.body(script.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    });
}
