import { runAxe } from './support/axe.ts';
import { relativesSupportReportSchema, reportCommitmentKinds, reportFigures, type RelativesSupportReport } from '@sip/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reportFixture } from './support/report-fixture.ts';
import { staffHostState, startStaffHarness, type StaffHarness, type StaffHostOptions } from './support/staff-host.ts';

/**
 * `<sip-report>` in real Chromium, embedded in a system page on its own origin under a strict
 * CSP with Trusted Types, against the real service in demo mode: the charts' module loaded on
 * demand with its integrity, the charts drawn, every figure in a table, "färre än 5" for a
 * suppressed figure, the printable annual report, the keyboard alone, axe in every state and
 * reflow at 320 px. Against the service's own report first; where a state needs figures the
 * demo's plans cannot give (every period, two principals, a failure), the report is a fixture the
 * report's own schema accepts.
 */

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const REPORT = '**/api/reports/relatives-support*';
const EXPECTED_NETWORK_ERRORS = /status of (403|503)/;
const YEAR = new Date().getFullYear();

describe('<sip-report> in Chromium', () => {
  let harness: StaffHarness;

  // The service starts slowly on a busy machine: give it time rather than fail for it.
  beforeAll(async () => {
    harness = await startStaffHarness({}, { startTimeoutMs: 240_000 });
  }, 300_000);
  afterEach(async () => {
    await harness.closePages();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const options = (lang: 'sv' | 'en' = 'sv', attributes: Record<string, string> = {}): StaffHostOptions => ({
    element: 'sip-report',
    persona: 'municipality-coordinator',
    lang,
    attributes,
  });

  /** Answers the report's requests from fixtures made for each query, and records the queries. */
  function serveFixture(page: Page, make: (q: URLSearchParams) => RelativesSupportReport | { status: number }, delay?: Promise<unknown>) {
    const queries: URLSearchParams[] = [];
    const done = page.route(REPORT, async (route) => {
      if (route.request().method() === 'OPTIONS') return route.continue();
      const q = new URL(route.request().url()).searchParams;
      queries.push(q);
      await delay;
      const answer = make(q);
      const headers = { 'access-control-allow-origin': '*' };
      if ('status' in answer) {
        return route.fulfill({
          status: answer.status,
          contentType: 'application/problem+json',
          headers,
          body: JSON.stringify({ type: 'about:blank', title: 'Problem', status: answer.status, requestId: 'req-report-1' }),
        });
      }
      return route.fulfill({ status: 200, contentType: 'application/json', headers, body: JSON.stringify(answer) });
    });
    return { queries, done };
  }

  const fixtureFor = (principals = 1) => (q: URLSearchParams) =>
    reportFixture({ from: q.get('from')!, to: q.get('to')!, by: q.get('by') as 'month', principals });

  async function openWith(make: Parameters<typeof serveFixture>[1], how: { lang?: 'sv' | 'en'; viewport?: { width: number; height: number }; delay?: Promise<unknown> } = {}) {
    let served: ReturnType<typeof serveFixture> | undefined;
    const opened = await harness.open(options(how.lang), {
      ...(how.viewport ? { context: { viewport: how.viewport } } : {}),
      before: async (page) => {
        await page.addInitScript(() => {
          (window as unknown as { printed: number }).printed = 0;
          window.print = () => {
            (window as unknown as { printed: number }).printed += 1;
          };
        });
        served = serveFixture(page, make, how.delay);
        await served.done;
      },
    });
    return { ...opened, queries: served!.queries };
  }

  const ready = (page: Page) => page.waitForFunction(() => window.sipStaff?.events.some((e) => e.type === 'sip-ready'));

  async function axe(page: Page) {
    const { violations } = await runAxe(page, { tags: AXE_TAGS });
    return violations.map((v) => `${v.rule}: ${v.nodes.join(', ')}`);
  }

  const pageScrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

  /** For each canvas: how many of its pixels are drawn in a colour other than white. */
  const inkedPixels = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelector('sip-report')!.shadowRoot!.querySelectorAll('canvas')].map((canvas) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200)) inked++;
        return inked;
      }),
    );

  /** A table's caption, column headings and rows as text. */
  const tableOf = (page: Page, id: string) =>
    page.evaluate((tableId) => {
      const table = document.querySelector('sip-report')!.shadowRoot!.querySelector(`#${tableId}-caption`)!.closest('table')!;
      const text = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();
      return {
        caption: text(table.caption!),
        columns: [...table.querySelectorAll('thead th')].map((th) => ({ text: text(th), scope: th.getAttribute('scope') })),
        rows: [...table.querySelectorAll('tbody tr')].map((tr) => ({
          heading: text(tr.querySelector('th')!),
          scope: tr.querySelector('th')!.getAttribute('scope'),
          cells: [...tr.querySelectorAll('td')].map(text),
        })),
      };
    }, id);

  /** How the element must show a figure of the fixture. */
  const shown = (report: RelativesSupportReport, period: number, id: keyof typeof reportFigures, lang: 'sv' | 'en') => {
    const section = report.principals[0]!.periods[period]!.sections.find((s) => s.id === reportFigures[id].section)!;
    const value = section.figures.find((f) => f.id === id)!.value;
    if (typeof value === 'number') return new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 2 }).format(value);
    return 'suppressed' in value ? (lang === 'sv' ? 'färre än 5' : 'fewer than 5') : lang === 'sv' ? 'registreras inte' : 'not recorded';
  };

  it('loads this year by month, draws every chart from a module loaded on demand, and shows each figure in a table, "färre än 5" for a suppressed one', async () => {
    const { page, errors, queries } = await openWith(fixtureFor(), {});
    await ready(page);
    expect(queries.map((q) => Object.fromEntries(q))).toEqual([{ from: `${YEAR}-01-01`, to: `${YEAR}-12-31`, by: 'month' }]);
    const report = page.locator('sip-report');
    await expect.poll(() => report.locator('h3').allInnerTexts()).toEqual(
      expect.arrayContaining(['Samordnade individuella planer', 'Anhöriga i planerna', 'Stöd till anhöriga', 'Uppföljning']),
    );
    // Every chart drawn (not blank), each an image named for what it shows, described by its summary.
    const canvases = report.locator('canvas');
    expect(await canvases.count()).toBe(16);
    expect((await inkedPixels(page)).every((n) => n > 500)).toBe(true);
    expect(await canvases.first().getAttribute('role')).toBe('img');
    expect(await canvases.first().getAttribute('aria-label')).toBe('Diagram: Samordnade individuella planer, diagram 1 av 2. Siffrorna finns i tabellen under diagrammet.');
    // The table under the first chart: a period a row, a figure a column, each as the fixture has it.
    const fixture = reportFixture({ from: `${YEAR}-01-01`, to: `${YEAR}-12-31`, by: 'month' });
    const table = await tableOf(page, 'table-plans-1');
    expect(table.caption).toBe('Samordnade individuella planer, diagram 1 av 2, per period');
    expect(table.columns).toEqual([
      { text: 'Månad', scope: 'col' },
      { text: 'Nya SIP', scope: 'col' },
      { text: 'SIP som följts upp', scope: 'col' },
      { text: 'Avslutade SIP', scope: 'col' },
    ]);
    expect(table.rows).toHaveLength(12);
    expect(table.rows[0]!.heading).toBe(`januari ${YEAR}`);
    expect(table.rows.every((r) => r.scope === 'row')).toBe(true);
    table.rows.forEach((row, p) => expect(row.cells).toEqual(['plans.new', 'plans.followed-up', 'plans.closed'].map((id) => shown(fixture, p, id as 'plans.new', 'sv'))));
    // Suppressed figures read "färre än 5", never 0; one never recorded says so.
    const suppressed = await report.locator('td.suppressed').allInnerTexts();
    expect(suppressed.length).toBeGreaterThan(10);
    expect(new Set(suppressed)).toEqual(new Set(['färre än 5']));
    expect(await report.locator('td').filter({ hasText: /^registreras inte$/ }).count()).toBe(12);
    // The summary in words beside the chart, and the note on suppression.
    expect(await report.locator('#summary-plans-1 li').first().innerText()).toMatch(/^Nya SIP: .*flest i \w+ \d{4} \(\d+\)/);
    expect(await report.locator('.note').innerText()).toContain('Antal under 5 redovisas inte');
    // The charts' module was preloaded from beside the bundle with its integrity.
    expect(await page.evaluate(() => [...document.querySelectorAll('link[rel=modulepreload]')].map((l) => (l as HTMLLinkElement).integrity))).toEqual([
      expect.stringMatching(/^sha384-/),
    ]);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('against the service: shows this year’s figures for the coordinator’s organisation exactly as the service gives them', async () => {
    const { page, errors } = await harness.open(options('sv'));
    await ready(page);
    const api = await harness.staffApi('municipality-coordinator');
    const res = await api(`/api/reports/relatives-support?from=${YEAR}-01-01&to=${YEAR}-12-31&by=month`);
    expect(res.status).toBe(200);
    const report = relativesSupportReportSchema.parse(res.body);
    expect(report.principals.map((p) => p.organisation.name)).toEqual(['Norrviks kommun']);
    const element = page.locator('sip-report');
    await expect.poll(() => element.locator('.report-of').innerText()).toBe(`Norrviks kommun, ${YEAR}`);
    for (const [table, ids] of [
      ['table-plans-1', ['plans.new', 'plans.followed-up', 'plans.closed']],
      ['table-relatives-1', ['relatives.taking-part', 'relatives.children']],
      ['table-support-2', ['support.taken-up.conversation', 'support.taken-up.respite', 'support.taken-up.groups', 'support.taken-up.training']],
      ['table-commitments-3', reportCommitmentKinds.map((kind) => `commitments.proposed.${kind}` as const)],
    ] as const) {
      const shownTable = await tableOf(page, table);
      expect(shownTable.rows).toHaveLength(12);
      shownTable.rows.forEach((row, p) => expect(row.cells, `${table} ${row.heading}`).toEqual(ids.map((id) => shown(report, p, id, 'sv'))));
    }
    // The demo's few plans: suppressed figures read "färre än 5", never 0.
    const suppressed = await element.locator('td.suppressed').allInnerTexts();
    expect(new Set(suppressed.length ? suppressed : ['färre än 5'])).toEqual(new Set(['färre än 5']));
    expect((await inkedPixels(page)).every((n) => n > 500)).toBe(true);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('in English: the figures’ names, "fewer than 5", and axe', async () => {
    const { page, errors } = await openWith(fixtureFor(), { lang: 'en' });
    await ready(page);
    const report = page.locator('sip-report');
    await expect.poll(() => report.locator('h2').innerText()).toBe('Support to relatives in SIPs');
    const table = await tableOf(page, 'table-support-1');
    expect(table.columns.map((c) => c.text)).toEqual(['Month', 'Offered conversation support', 'Offered respite', 'Offered support groups', 'Offered training']);
    expect(new Set(await report.locator('td.suppressed').allInnerTexts())).toEqual(new Set(['fewer than 5']));
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('with the keyboard alone: chooses quarters and another organisation, shows the report, prints it and comes back', async () => {
    const { page, errors, queries } = await openWith(fixtureFor(2), {});
    await ready(page);
    const report = page.locator('sip-report');
    await report.locator('#by').focus();
    await page.keyboard.press('ArrowDown');
    expect(await report.locator('#by').inputValue()).toBe('quarter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('sip-report')!.shadowRoot!.activeElement?.id)).toBe('organisation');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('sip-report')!.shadowRoot!.activeElement?.id)).toBe('show');
    await page.keyboard.press('Enter');
    await expect.poll(() => queries.length).toBe(2);
    expect(Object.fromEntries(queries[1]!)).toEqual({ from: `${YEAR}-01-01`, to: `${YEAR}-12-31`, by: 'quarter' });
    await expect.poll(() => report.locator('.report-of').innerText()).toBe(`Norrviks kommun, ${YEAR}`);
    // Focus moved to the result, and the change was announced.
    expect(await page.evaluate(() => document.querySelector('sip-report')!.shadowRoot!.activeElement?.id)).toBe('result');
    expect(await report.getByRole('status').filter({ hasText: 'Rapporten för' }).innerText()).toBe(`Rapporten för Norrviks kommun, ${YEAR}, visas.`);
    expect((await tableOf(page, 'table-plans-1')).rows.map((r) => r.heading)).toEqual([1, 2, 3, 4].map((n) => `kvartal ${n} ${YEAR}`));
    // Print, from the button beside the heading.
    await report.locator('#print').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    expect(await page.evaluate(() => document.querySelector('sip-report')!.shadowRoot!.activeElement?.id)).toBe('document-heading');
    // The print view's buttons come before its heading.
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.querySelector('sip-report')!.shadowRoot!.activeElement?.id)).toBe('back');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.querySelector('sip-report')!.shadowRoot!.activeElement?.id)).toBe('print');
    expect(errors).toEqual([]);
  });

  it('prints "Årsrapport: stöd till anhöriga" with the organisation, the period, the date it was made and the note on suppression, fitting A4, and passes axe', async () => {
    const { page, errors } = await openWith(fixtureFor(), {});
    await ready(page);
    const report = page.locator('sip-report');
    await report.locator('#print').click();
    const printed = report.locator('[part="document"]');
    await printed.waitFor();
    expect(await printed.locator('h2').innerText()).toBe('Årsrapport: stöd till anhöriga');
    const meta = await printed.locator('.document-meta li').allInnerTexts();
    expect(meta).toEqual(['Organisation: Region Norrvik', `Period: ${YEAR}`, 'Framtagen: 3 december 2026']);
    expect(await printed.locator('.note').innerText()).toContain('färre än 5');
    expect(await axe(page)).toEqual([]);
    // As printed: the buttons gone, every chart drawn and within an A4 page's width (210 mm less margins).
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    expect(await report.locator('#back').isVisible()).toBe(false);
    expect(await report.locator('form').count()).toBe(0);
    const widths = await page.evaluate(() => [...document.querySelector('sip-report')!.shadowRoot!.querySelectorAll('canvas, table')].map((el) => el.getBoundingClientRect().right));
    expect(widths.length).toBeGreaterThan(20);
    expect(Math.max(...widths)).toBeLessThanOrEqual(794);
    expect((await inkedPixels(page)).every((n) => n > 500)).toBe(true);
    const pdf = await page.pdf({ format: 'A4', margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(errors).toEqual([]);
  });

  it('shows every figure in its table, and says why there are no charts, when the charts’ module cannot be had', async () => {
    const { page, errors } = await openWith(fixtureFor(), {});
    await page.route('**/sip-staff-report.*.js', (route) => route.fulfill({ status: 404, body: '' }));
    await page.reload();
    await ready(page);
    const report = page.locator('sip-report');
    await expect.poll(() => report.locator('[part~="message"]').innerText()).toBe('Diagrammen kunde inte visas just nu. Alla siffror finns i tabellerna.');
    expect(await report.locator('canvas').count()).toBe(0);
    expect(await report.locator('table').count()).toBeGreaterThan(10);
    expect(await axe(page)).toEqual([]);
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });

  it('checks an own period before asking: the error summary links each problem to its field, and passes axe', async () => {
    const { page, errors, queries } = await openWith(fixtureFor(), {});
    await ready(page);
    const report = page.locator('sip-report');
    await report.getByLabel('Egen period').check();
    await report.locator('#from').fill('2026-06');
    await report.locator('#to').fill('2026-02');
    await report.locator('#show').click();
    const summary = report.locator('#form-errors');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('Från och med månad måste vara före Till och med månad');
    expect(await report.locator('#to').getAttribute('aria-invalid')).toBe('true');
    expect(await axe(page)).toEqual([]);
    expect(queries).toHaveLength(1);
    // Months not at a quarter's edges become the whole quarters that hold them.
    await report.locator('#from').fill('2025-11');
    await report.locator('#to').fill('2026-02');
    await report.locator('#by').selectOption('quarter');
    await report.locator('#show').click();
    await expect.poll(() => queries.length).toBe(2);
    expect(Object.fromEntries(queries[1]!)).toEqual({ from: '2025-10-01', to: '2026-03-31', by: 'quarter' });
    await expect.poll(() => report.locator('.report-of').innerText()).toBe('Region Norrvik, oktober 2025–mars 2026');
    expect(errors).toEqual([]);
  });

  for (const lang of ['sv', 'en'] as const) {
    it(`(${lang}) passes axe while loading, when empty, when the service fails (and tries again) and when forbidden`, async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const loading = await openWith(fixtureFor(), { lang, delay: held });
      const report = loading.page.locator('sip-report');
      await report.getByRole('status').filter({ hasText: lang === 'sv' ? 'Hämtar' : 'Loading' }).waitFor();
      expect(await axe(loading.page)).toEqual([]);
      release();
      await ready(loading.page);

      const empty = await openWith((q) => ({ ...fixtureFor()(q), principals: [] }), { lang });
      await ready(empty.page);
      const emptyText = await empty.page.locator('sip-report [part~="empty"]').innerText();
      expect(emptyText).toBe(lang === 'sv' ? `Det finns inga siffror för ${YEAR}: organisationen deltog inte i någon SIP under perioden.` : `There are no figures for ${YEAR}: the organisation took part in no SIP in the period.`);
      expect(await empty.page.locator('sip-report #print').count()).toBe(0);
      expect(await axe(empty.page)).toEqual([]);

      let fail = true;
      const failing = await openWith((q) => (fail ? { status: 503 } : fixtureFor()(q)), { lang });
      const alert = failing.page.locator('sip-report').getByRole('alert');
      await alert.getByText(lang === 'sv' ? 'Referens: req-report-1' : 'Reference: req-report-1').waitFor();
      expect(await axe(failing.page)).toEqual([]);
      fail = false;
      await alert.getByRole('button', { name: lang === 'sv' ? 'Försök igen' : 'Try again' }).click();
      await ready(failing.page);
      expect((await staffHostState(failing.page)).events.filter((e) => e.type === 'sip-error')).toEqual([
        expect.objectContaining({ detail: { code: 'unavailable', status: 503, requestId: 'req-report-1' } }),
      ]);

      const forbidden = await openWith(() => ({ status: 403 }), { lang });
      await forbidden.page.locator('sip-report').getByRole('alert').waitFor();
      expect(await forbidden.page.locator('sip-report form').count()).toBe(0);
      expect(await axe(forbidden.page)).toEqual([]);

      for (const opened of [loading, empty]) expect(opened.errors).toEqual([]);
      for (const opened of [failing, forbidden]) expect(opened.errors.filter((e) => !EXPECTED_NETWORK_ERRORS.test(e))).toEqual([]);
    });

    it(`(${lang}) reflows at 320 px, with data and in the print view, and passes axe there`, async () => {
      const { page, errors } = await openWith(fixtureFor(), { lang, viewport: { width: 320, height: 640 } });
      await ready(page);
      expect(await pageScrollsSideways(page)).toBe(false);
      expect((await inkedPixels(page)).every((n) => n > 200)).toBe(true);
      expect(await axe(page)).toEqual([]);
      await page.locator('sip-report #print').click();
      await page.locator('sip-report [part="document"]').waitFor();
      expect(await pageScrollsSideways(page)).toBe(false);
      expect(await axe(page)).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});
