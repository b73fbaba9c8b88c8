/**
 * The widget's size and speed, measured: the gzip (and brotli) size of the module as the service
 * serves it (its core: the element with Lit and Swedish, what every page that embeds it loads)
 * beside a bare Lit element's, against its 20 KB budget (20,480 B), the plan view's module it
 * fetches alongside the first plan it opens, and the time from script load to the first rendered plan in Chromium, beside a
 * bare Lit element that does the same single fetch and renders the title: the two in turn
 * (A B A B …), and the ratio of each pair's times as min/median/max.
 *
 *   npm run bench:widget            (WIDGET_RUNS=N for more runs per element; default 15)
 *
 * Both run against the real service in demo mode (its own temporary data directory), each
 * run in a fresh browser context (nothing cached), embedded in a host page on another origin:
 * first on loopback as it is, then with WIDGET_LATENCY_MS (default 40) added to every request.
 * On bare loopback the answer is back before the page's main thread has done its own work, so
 * that work (compiling the modules, ICU's first date formatter, the render) is all the widget's
 * time; with a network between, the element does part of it while it waits.
 *
 * On loopback, in the same runs and with no target, the widget also loads on a host page that has
 * formatted a date of its own before it (as a portal that shows any date has): the page's ICU
 * already started, which shows how much of the widget's time is ICU's first start.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { GZIP_BUDGET_BYTES as STAFF_GZIP_BUDGET_BYTES, buildStaff } from '../../packages/staff/build.mjs';
import { GZIP_BUDGET_BYTES, PLAN_GZIP_BUDGET_BYTES, buildWidget } from '../../packages/widget/build.mjs';
import { launchBrowser } from '../support/browser.ts';
import { startService } from '../support/service.ts';

const RUNS = Math.max(3, Number(process.env.WIDGET_RUNS ?? 15));
/** The second measure's delay on every request, in ms (WIDGET_LATENCY_MS). */
const LATENCY_MS = Math.max(1, Number(process.env.WIDGET_LATENCY_MS ?? 40));
const here = fileURLToPath(new URL('.', import.meta.url));

/** The bare element: Lit, one fetch of the plan, its title rendered. */
async function bareModule(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'bare-plan.ts')],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
    conditions: ['production'],
  });
  return result.outputFiles[0]!.text;
}

type HostKind = 'widget' | 'bare' | 'widget-after-intl';

/**
 * A host page on its own origin: starts the clock, loads the module, stops it at first render.
 * `widget-after-intl`: the page formats a date of its own first, before the clock starts.
 */
function hostPage(kind: HostKind, service: string, token: string, planId: string): string {
  const load =
    kind !== 'bare'
      ? `import('${service}/widget/sip-relative-view.js').then(() => {
           const el = document.createElement('sip-relative-view');
           el.setAttribute('api-base', '${service}');
           el.setAttribute('plan-id', '${planId}');
           el.accessToken = '${token}';
           el.addEventListener('sip-ready', () => { window.rendered = performance.now() - start; }, { once: true });
           document.body.append(el);
         });`
      : `import('/bare-plan.js').then(() => {
           const el = document.createElement('bare-plan');
           el.apiBase = '${service}';
           el.planId = '${planId}';
           el.token = '${token}';
           el.addEventListener('bare-ready', () => { window.rendered = performance.now() - start; }, { once: true });
           document.body.append(el);
         });`;
  const own = kind === 'widget-after-intl' ? `document.body.append(new Intl.DateTimeFormat('sv', { dateStyle: 'long' }).format(new Date()));` : '';
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${kind}</title></head><body>
<script>${own} const start = performance.now(); ${load}</script></body></html>`;
}

function serve(routes: Record<string, { type: string; body: string }>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    }),
  );
}

/** "min 1.10× median 1.30× max 1.60×", of ratios sorted ascending. */
const spreadOf = (ratios: number[]) =>
  `min ${ratios[0]!.toFixed(2)}× median ${median(ratios).toFixed(2)}× max ${ratios[ratios.length - 1]!.toFixed(2)}×`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)]!;

async function main() {
  const [widget] = await Promise.all([buildWidget(), buildStaff()]);
  const dataDir = await mkdtemp(join(tmpdir(), 'sip-widget-metrics-'));
  const service = await startService({ DATA_DIR: dataDir, DEMO_MODE: 'true', LOG_LEVEL: 'warn' });
  const browser = await launchBrowser();
  let host: Server | undefined;
  try {
    const served = await fetch(`${service.url}/widget/sip-relative-view.js`);
    if (served.status !== 200) throw new Error(`the service answered ${served.status} for the widget module`);
    const module = Buffer.from(await served.arrayBuffer());
    const gzipBytes = gzipSync(module, { level: 9 }).length;
    const planModule = widget.modules.find((m) => 'part' in m && m.part === 'plan');
    if (!planModule) throw new Error('the widget build names no plan view module');
    const servedPlan = await fetch(`${service.url}/widget/${planModule.file}`);
    if (servedPlan.status !== 200) throw new Error(`the service answered ${servedPlan.status} for the plan view's module`);
    const planGzipBytes = gzipSync(Buffer.from(await servedPlan.arrayBuffer()), { level: 9 }).length;
    const servedStaff = await fetch(`${service.url}/staff/sip-staff.js`);
    if (servedStaff.status !== 200) throw new Error(`the service answered ${servedStaff.status} for the staff module`);
    const staffModule = Buffer.from(await servedStaff.arrayBuffer());
    const staffGzipBytes = gzipSync(staffModule, { level: 9 }).length;

    const tokenRes = await fetch(`${service.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persona: 'maria' }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const plans = (await (await fetch(`${service.url}/api/me/plans`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      items: { planId: string }[];
    };
    const planId = plans.items[0]!.planId;

    const bare = await bareModule();
    const started = await serve({
      '/widget.html': { type: 'text/html; charset=utf-8', body: hostPage('widget', service.url, token, planId) },
      '/bare.html': { type: 'text/html; charset=utf-8', body: hostPage('bare', service.url, token, planId) },
      '/widget-after-intl.html': { type: 'text/html; charset=utf-8', body: hostPage('widget-after-intl', service.url, token, planId) },
      '/bare-plan.js': { type: 'text/javascript; charset=utf-8', body: bare },
    });
    host = started.server;

    /**
     * Each run loads the widget, then the bare element, each in a fresh context; the first run of
     * each warms the service and the browser process, not the page, and is left out. With a
     * latency, Chromium holds every request back that long (its network emulation), as on a
     * network between the portal's reader and the service.
     */
    const measure = async (latencyMs: number, kinds: HostKind[] = ['widget', 'bare']) => {
      const timings: Record<HostKind, number[]> = { widget: [], bare: [], 'widget-after-intl': [] };
      for (let run = 0; run < RUNS + 1; run++) {
        for (const kind of kinds) {
          const context = await browser.newContext();
          const page = await context.newPage();
          if (latencyMs > 0) {
            const cdp = await context.newCDPSession(page);
            await cdp.send('Network.enable');
            await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: latencyMs, downloadThroughput: -1, uploadThroughput: -1 });
          }
          await page.goto(`${started.url}/${kind}.html`);
          const ms = await page.waitForFunction(() => (window as unknown as { rendered?: number }).rendered, undefined, { timeout: 30_000 });
          if (run > 0) timings[kind].push(Number(await ms.jsonValue()));
          await context.close();
        }
      }
      // Each run's widget time over the bare element's time in the same run (they alternate).
      const ratios = timings.widget.map((ms, i) => ms / timings.bare[i]!).sort((a, b) => a - b);
      const afterIntlRatios = timings['widget-after-intl'].map((ms, i) => ms / timings.bare[i]!).sort((a, b) => a - b);
      return { timings, ratios, afterIntlRatios };
    };
    const { timings, ratios, afterIntlRatios } = await measure(0, ['widget', 'bare', 'widget-after-intl']);
    const delayed = await measure(LATENCY_MS);

    const bareGzip = gzipSync(Buffer.from(bare), { level: 9 }).length;
    const brotli = (bytes: Buffer) => brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY } }).length;
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const row = (name: string, bytes: number, gz: number, xs: number[]) =>
      `${name.padEnd(34)} ${kb(bytes).padStart(9)} ${kb(gz).padStart(9)} ${`${median(xs).toFixed(1)} ms`.padStart(10)} ${`${p90(xs).toFixed(1)} ms`.padStart(10)}`;
    process.stdout.write(
      [
        `widget metrics: ${RUNS} cold loads each in Chromium, loopback (then with ${LATENCY_MS} ms added to every request), host page on its own origin`,
        '',
        `${'module'.padEnd(34)} ${'size'.padStart(9)} ${'gzip'.padStart(9)} ${'p50 render'.padStart(10)} ${'p90 render'.padStart(10)}`,
        row('<sip-relative-view> (served)', module.length, gzipBytes, timings.widget),
        row('bare Lit element, one fetch', Buffer.byteLength(bare), bareGzip, timings.bare),
        '',
        'modules fetched on demand: each language besides Swedish (Swedish is in the core) when asked for, the plan view alongside the first plan:',
        ...widget.modules.map((m) => `${`  ${'lang' in m ? m.lang : m.part}`.padEnd(34)} ${kb(m.bytes).padStart(9)} ${kb(m.gzipBytes).padStart(9)}`),
        '',
        `core (element, Lit, Swedish): ${gzipBytes} B gzip, ${brotli(module)} B brotli; bare Lit element: ${bareGzip} B gzip, ${brotli(Buffer.from(bare))} B brotli`,
        `gzip budget ${GZIP_BUDGET_BYTES} B (20 KB) for the core: ${gzipBytes <= GZIP_BUDGET_BYTES ? 'PASS' : `FAIL, ${gzipBytes - GZIP_BUDGET_BYTES} B over`} (${((gzipBytes / GZIP_BUDGET_BYTES) * 100).toFixed(0)}% of it)`,
        `plan view (served): ${planGzipBytes} B gzip, budget ${PLAN_GZIP_BUDGET_BYTES} B: ${planGzipBytes <= PLAN_GZIP_BUDGET_BYTES ? 'PASS' : 'FAIL'}; core and plan view, a Swedish page's first plan: ${gzipBytes + planGzipBytes} B gzip`,
        `time to first rendered plan, widget/bare per run (${ratios.length} runs, alternating): ${spreadOf(ratios)} (aim ≤ 1.20×)`,
        `  reference, no target: on a host page that formatted a date before loading the widget (ICU started), widget p50 ${median(timings['widget-after-intl']).toFixed(1)} ms; widget/bare per run ${spreadOf(afterIntlRatios)}`,
        `the same with ${LATENCY_MS} ms added to every request: widget p50 ${median(delayed.timings.widget).toFixed(1)} ms, bare p50 ${median(delayed.timings.bare).toFixed(1)} ms; per run ${spreadOf(delayed.ratios)}`,
        '',
        `${'staff elements (served), all five'.padEnd(34)} ${kb(staffModule.length).padStart(9)} ${kb(staffGzipBytes).padStart(9)}`,
        `staff gzip budget ${kb(STAFF_GZIP_BUDGET_BYTES)}: ${staffGzipBytes <= STAFF_GZIP_BUDGET_BYTES ? 'PASS' : 'FAIL'} (${((staffGzipBytes / STAFF_GZIP_BUDGET_BYTES) * 100).toFixed(0)}% of it; ${(staffGzipBytes / gzipBytes).toFixed(1)}× the relatives' widget)`,
        '',
      ].join('\n'),
    );
    if (gzipBytes > GZIP_BUDGET_BYTES || planGzipBytes > PLAN_GZIP_BUDGET_BYTES || staffGzipBytes > STAFF_GZIP_BUDGET_BYTES) process.exitCode = 1;
  } finally {
    await browser.close();
    host?.close();
    await service.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
