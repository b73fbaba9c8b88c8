import { describe, expect, it } from 'vitest';
import { cspDirectives, expectProblem, useDemoApp } from '../test-support/index.ts';

describe('the /demo portal page in demo mode', () => {
  const t = useDemoApp({ demoMode: true });

  it('serves the page, its script and its stylesheet, each under the strict CSP', async () => {
    for (const [path, type] of [
      ['/demo', 'text/html; charset=utf-8'],
      ['/demo/', 'text/html; charset=utf-8'],
      ['/demo/demo.js', 'text/javascript; charset=utf-8'],
      ['/demo/demo.css', 'text/css; charset=utf-8'],
    ] as const) {
      const res = await t().app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      const csp = cspDirectives(res.headers.get('content-security-policy'));
      expect(csp.get('script-src'), path).toBe("'self'");
      expect(csp.get('style-src'), path).toBe("'self'");
      expect(csp.get('connect-src'), path).toBe("'self'");
      expect(csp.get('frame-ancestors'), path).toBe("'none'");
      expect(csp.get('require-trusted-types-for'), path).toBe("'script'");
      // Lit's policy only; twice, as both citizen elements bring their own Lit.
      expect(csp.get('trusted-types'), path).toBe("lit-html 'allow-duplicates'");
      expect(csp.get('default-src'), path).toBe("'none'");
    }
  });

  it('has no inline script, style or event handler: everything comes from its own files', async () => {
    const html = await (await t().app.request('/demo')).text();
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => m[0].match(/src="([^"]+)"/)?.[1])).toEqual(['/widget/sip-relative-view.js', '/demo/demo.js']);
    for (const [tag, body] of scripts) {
      expect(tag).toContain('type="module"');
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).toContain('<link rel="stylesheet" href="/demo/demo.css">');
  });

  it('is a Swedish page with a main landmark, headings and a labelled persona picker', async () => {
    const html = await (await t().app.request('/demo')).text();
    expect(html).toMatch(/<html lang="sv">/);
    expect(html).toMatch(/<main\b/);
    expect(html).toMatch(/<h1\b/);
    expect(html).toMatch(/<label for="persona"/);
    expect(html).toMatch(/<select id="persona"/);
    expect(html).toMatch(/<button type="submit"/);
    expect(html).toMatch(/<nav[^>]+aria-label="Språk"/);
  });

  it('offers the five languages both citizen elements speak, each button named in its own language', async () => {
    const html = await (await t().app.request('/demo')).text();
    const buttons = [...html.matchAll(/<button type="button" lang="([^"]+)"(?: dir="rtl")? data-lang="([^"]+)"[^>]*>([^<]+)<\/button>/g)].map((m) => [m[2], m[1], m[3]]);
    expect(buttons).toEqual([
      ['sv', 'sv', 'Svenska'],
      ['sv-x-lattlast', 'sv', 'Lättläst'],
      ['en', 'en', 'English'],
      ['fi', 'fi', 'Suomi'],
      ['ar', 'ar', 'العربية'],
    ]);
    expect(html).toContain('dir="rtl" data-lang="ar"');
    // The page's own texts in each of them.
    const script = await (await t().app.request('/demo/demo.js')).text();
    for (const lang of ["  sv: {", "  'sv-x-lattlast': {", '  en: {', '  fi: {', '  ar: {']) expect(script).toContain(`\n${lang}\n`);
  });

  it('its script writes no HTML strings, as Trusted Types demand, and calls only its own origin', async () => {
    const script = await (await t().app.request('/demo/demo.js')).text();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    expect(script).toContain("'/dev/personas'");
    expect(script).toContain("'/dev/token'");
    // The individual's view comes from its own module, loaded only when an individual signs in.
    expect(script).toContain("'/widget/individual/individual-view.json'");
    expect(script).not.toMatch(/https?:\/\//);
  });

  it('offers the personas the page picks from, relatives and individuals, and mints their tokens', async () => {
    const { personas } = (await (await t().app.request('/dev/personas')).json()) as { personas: { id: string; kind: string }[] };
    for (const kind of ['relative', 'individual']) {
      const persona = personas.find((p) => p.kind === kind);
      expect(persona, kind).toBeDefined();
      const token = await t().tokenFor(persona?.id ?? '');
      expect(token.split('.')).toHaveLength(3);
    }
  });
});

describe('the /demo page outside demo mode', () => {
  const t = useDemoApp({ demoMode: false });

  it('is not there: 404 for the page and its files', async () => {
    for (const path of ['/demo', '/demo/demo.js', '/demo/demo.css']) {
      const res = await t().app.request(path);
      await expectProblem(res, 404);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });
});
