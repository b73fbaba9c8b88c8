import { describe, expect, it } from 'vitest';
import { cspDirectives, expectProblem, useDemoApp } from '../test-support/index.ts';

const pages = ['/demo/staff', '/demo/staff/system'] as const;
const assets = ['/demo/staff/staff-demo.js', '/demo/staff/system.js', '/demo/staff/staff-demo.css'] as const;

describe('the /demo/staff page in demo mode', () => {
  const t = useDemoApp({ demoMode: true });

  it('serves its pages and files under a strict CSP with Trusted Types', async () => {
    for (const path of [...pages, ...assets]) {
      const res = await t().app.request(path);
      expect(res.status, path).toBe(200);
      const csp = cspDirectives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src'), path).toBe("'none'");
      expect(csp.get('script-src'), path).toBe("'self'");
      expect(csp.get('style-src'), path).toBe("'self'");
      expect(csp.get('require-trusted-types-for'), path).toBe("'script'");
      expect(csp.get('trusted-types'), path).toBe('lit-html');
    }
  });

  it('frames the two systems from loopback only, and a system page may be framed only there', async () => {
    const panes = await t().app.request('/demo/staff');
    const paneCsp = cspDirectives(panes.headers.get('content-security-policy'));
    expect(paneCsp.get('frame-src')).toBe('http://localhost:* http://127.0.0.1:*');
    expect(paneCsp.get('frame-ancestors')).toBe("'none'");

    const system = await t().app.request('/demo/staff/system');
    const systemCsp = cspDirectives(system.headers.get('content-security-policy'));
    expect(systemCsp.get('frame-ancestors')).toBe('http://localhost:* http://127.0.0.1:*');
    expect(systemCsp.get('connect-src')).toBe("'self' http://localhost:* http://127.0.0.1:*");
    expect(system.headers.get('x-frame-options')).toBeNull();
  });

  it('has no inline script, style or event handler, and its scripts write no HTML strings', async () => {
    for (const path of pages) {
      const html = await (await t().app.request(path)).text();
      for (const [tag, body] of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
        expect(tag, path).toMatch(/type="module" src="\/demo\/staff\/[a-z-]+\.js"/);
        expect(body?.trim(), path).toBe('');
      }
      expect(html, path).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/);
      expect(html, path).toMatch(/<html lang="sv">/);
    }
    for (const path of ['/demo/staff/staff-demo.js', '/demo/staff/system.js']) {
      const script = await (await t().app.request(path)).text();
      expect(script, path).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    }
  });

  it('gives each pane a title, so a screen reader user knows which system is which', async () => {
    const html = await (await t().app.request('/demo/staff')).text();
    expect(html).toMatch(/<iframe id="region" title="[^"]+Region[^"]+"/);
    expect(html).toMatch(/<iframe id="municipality" title="[^"]+kommun[^"]*"/);
  });
});

describe('the /demo/staff page outside demo mode', () => {
  const t = useDemoApp({ demoMode: false });

  it('is not there', async () => {
    for (const path of [...pages, ...assets]) await expectProblem(await t().app.request(path), 404);
  });
});
