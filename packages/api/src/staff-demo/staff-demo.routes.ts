import { readFile } from 'node:fs/promises';
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { pageDir } from '../files.ts';
import type { AppEnv } from '../http/context.ts';

const pages = pageDir('staff-demo/page');

const files = {
  '/demo/staff': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/demo/staff/system': { file: 'system.html', type: 'text/html; charset=utf-8' },
  '/demo/staff/staff-demo.js': { file: 'staff-demo.js', type: 'text/javascript; charset=utf-8' },
  '/demo/staff/system.js': { file: 'system.js', type: 'text/javascript; charset=utf-8' },
  '/demo/staff/staff-demo.css': { file: 'staff-demo.css', type: 'text/css; charset=utf-8' },
} as const;

/** The broker on its other loopback name: the demo's two systems are on two origins. */
const LOOPBACK = ['http://localhost:*', 'http://127.0.0.1:*'];

const policy = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  requireTrustedTypesFor: ["'script'"],
  trustedTypes: ['lit-html'],
};

/** The two-pane page: frames the two systems, one on each origin. */
const paneHeaders = secureHeaders({
  contentSecurityPolicy: { ...policy, frameSrc: LOOPBACK, frameAncestors: ["'none'"] },
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
});

/**
 * A system page: the staff elements under a strict CSP with Trusted Types, calling the broker
 * across origins, framed only by the two-pane page on loopback.
 */
const systemHeaders = secureHeaders({
  contentSecurityPolicy: { ...policy, connectSrc: ["'self'", ...LOOPBACK], frameAncestors: LOOPBACK },
  xFrameOptions: false,
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
});

/** Security headers for the staff demo's paths: the system page may be framed, the rest not. */
export function staffDemoHeaders(c: Context<AppEnv>, next: () => Promise<void>) {
  const path = c.req.path.replace(/\/$/, '');
  return path === '/demo/staff/system' || path.endsWith('.js') || path.endsWith('.css') ? systemHeaders(c, next) : paneHeaders(c, next);
}

/**
 * `/demo/staff`: the region's coordinator and the municipality's, each in their own "system" on
 * its own origin, with the same plan open. Mounted in demo mode only.
 */
export function createStaffDemoRoutes() {
  const cache = new Map<string, Promise<string>>();
  const app = new Hono<AppEnv>();
  for (const [path, { file, type }] of Object.entries(files)) {
    const serve = async (c: Context<AppEnv>) => {
      let text = cache.get(file);
      if (!text) {
        text = readFile(new URL(file, pages), 'utf8');
        text.catch(() => cache.delete(file));
        cache.set(file, text);
      }
      return c.body(await text, 200, { 'content-type': type, 'cache-control': 'no-cache' });
    };
    app.get(path, serve);
    if (file.endsWith('.html')) app.get(`${path}/`, serve);
  }
  return app;
}
