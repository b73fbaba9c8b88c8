import { readFile } from 'node:fs/promises';
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { pageDir } from '../files.ts';
import type { AppEnv } from '../http/context.ts';

const pages = pageDir('widget/demo-page');

const files = {
  page: { file: 'index.html', type: 'text/html; charset=utf-8' },
  script: { file: 'demo.js', type: 'text/javascript; charset=utf-8' },
  style: { file: 'demo.css', type: 'text/css; charset=utf-8' },
} as const;

/**
 * The demo portal's policy: its own script and stylesheet only, no inline code, and Trusted
 * Types with only Lit's policy, as a strict portal would embed the widget. The relatives' widget
 * and the individual's view each bring their own Lit, and each asks for that policy: a page that
 * shows both allows it twice.
 */
export const demoPageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    requireTrustedTypesFor: ["'script'"],
    trustedTypes: ['lit-html', "'allow-duplicates'"],
  },
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
});

/**
 * `/demo`: a page that plays a relatives' portal, signs in as a demo relative and embeds
 * the widget. Mounted in demo mode only.
 */
export function createDemoPageRoutes() {
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
  return new Hono<AppEnv>()
    .get('/demo', serve('page'))
    .get('/demo/demo.js', serve('script'))
    .get('/demo/demo.css', serve('style'));
}
