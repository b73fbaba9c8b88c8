import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { escapeAttribute, pageOpener, startHostServer, type HostServer } from './support/host-page.ts';
import { runBuild, startService, type ServiceProcess } from './support/service.ts';

/**
 * `@sip/widget/react` in a React 18 page, as a vendor builds one: the page (test/react/page.tsx)
 * bundled with esbuild, the element from the package's sources, on a host page of its own origin
 * under a strict CSP with Trusted Types, against the real service in demo mode. React 18 sets only
 * attributes on a custom element; through the wrapper, the token function passed as a prop reaches
 * the element.
 */
describe('<SipRelativeView> from @sip/widget/react in a React 18 page', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sip-widget-react-'));
  let service: ServiceProcess;
  let browser: Browser;
  let host: HostServer;
  let pages: ReturnType<typeof pageOpener>;

  beforeAll(async () => {
    const page = await build({
      entryPoints: [fileURLToPath(new URL('react/page.tsx', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      conditions: ['production'],
      write: false,
      logLevel: 'silent',
    });
    [service, browser] = await Promise.all([startService({ DATA_DIR: dataDir }, undefined, runBuild()), launchBrowser()]);
    host = await startHostServer({
      serviceUrl: service.url,
      // The page carries the element itself: no bundle of the widget's is served.
      bundlePath: fileURLToPath(new URL('react/page.tsx', import.meta.url)),
      bundleName: 'page.tsx',
      script: page.outputFiles[0]!.text,
      content: (q) => ({
        title: 'Mina sidor',
        element: `<div id="root" data-api="${escapeAttribute(service.url)}" data-persona="${escapeAttribute(q.get('persona') ?? '')}"></div>`,
        trustedTypes: 'lit-html',
      }),
    });
    pages = pageOpener(browser);
  }, 120_000);
  afterAll(async () => {
    await pages?.closePages();
    await browser?.close();
    await host?.close();
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes getAccessToken to the element, which calls it and shows the plan; lang as a prop changes the language', async () => {
    const { page, errors } = await pages.open(`${host.url}/?persona=maria`);
    // Maria is a relative in one plan: it opens directly.
    await page.getByRole('heading', { name: 'Dina åtaganden', level: 3 }).waitFor();
    await page.getByRole('heading', { name: 'SIP för Astrid Nilsson', level: 2 }).waitFor();
    const seen = await page.evaluate(() => JSON.parse(JSON.stringify(window.react)) as Window['react']);
    // Called once for the first request, not to renew; the element never had a token attribute.
    expect(seen.tokenCalls).toEqual([false]);
    expect(seen.events.map((e) => e.type)).toEqual(['sip-ready']);
    expect(seen.events[0]!.detail).toMatchObject({ view: 'plan' });
    // Every prop was set as a property: no attribute but the element's language carries anything.
    expect(await page.locator('sip-relative-view').evaluate((el) => [...el.attributes].map((a) => a.name))).toEqual(['lang']);

    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('heading', { name: 'Your commitments', level: 3 }).waitFor();
    expect(errors).toEqual([]);
  });
});
