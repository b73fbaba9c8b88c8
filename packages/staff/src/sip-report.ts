import { relativesSupportReportSchema, REPORT_MAX_YEARS, type RelativesSupportReport, type ReportGranularity } from '@sip/shared';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { errorSummary } from './error-summary.ts';
import { property, state } from 'lit/decorators.js';
import { ApiError } from './api.ts';
import { formatDate } from './i18n.ts';
import { SipListElement, type Failure } from './lists/list-element.ts';
import { listStyles } from './lists/styles.ts';
import { loadReportModule, type ReportModule } from './report/load.ts';
import { reportMessages, type ReportMessages } from './report/messages.ts';
import { isWholeYears, principalView, spanLabel, spanOf, type ChartView, type PrincipalView, type Table } from './report/view.ts';

interface ReportData {
  report: RelativesSupportReport;
  /** The charts' module, or null when it could not be loaded (the tables still show every figure). */
  charts: typeof ReportModule | null;
}

type Mode = 'year' | 'period';
type Field = 'from' | 'to';

interface Inputs {
  mode: Mode;
  year: string;
  from: string;
  to: string;
  by: ReportGranularity;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const reportStyles = css`
  .chart {
    margin: 0 0 calc(var(--_space) * 1.5);
    break-inside: avoid;
  }
  .chart-box {
    position: relative;
    height: 18rem;
    max-width: 48rem;
  }
  .chart-box.bars-1 {
    height: 8rem;
  }
  .chart-box.bars-2 {
    height: 11rem;
  }
  .chart-box.bars-3 {
    height: 14rem;
  }
  .chart-box.bars-4 {
    height: 17rem;
  }
  .chart-box canvas {
    max-width: 100%;
  }
  .summary {
    padding-inline-start: 1.25em;
  }
  td.suppressed {
    font-style: italic;
  }
  td {
    font-variant-numeric: tabular-nums;
  }
  .radios {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em var(--_space);
    margin-bottom: var(--_space);
  }
  .note {
    border-inline-start: 0.3em solid var(--_border);
    padding: 0.25em 0.75em;
  }
  .document {
    max-width: 170mm;
  }
  .document-meta {
    margin: 0 0 var(--_space);
    padding: 0;
    list-style: none;
  }
  section.report-section {
    margin-top: calc(var(--_space) * 1.5);
  }
  @media print {
    .no-print {
      display: none !important;
    }
    .base {
      padding: 0;
    }
    .document {
      max-width: none;
      font-size: 10pt;
    }
    .chart-box {
      height: 6.5cm;
      max-width: 100%;
    }
    .chart-box canvas {
      max-width: 100% !important;
      height: auto !important;
    }
    .table-wrap {
      overflow: visible;
    }
    th,
    td {
      padding: 0.2em 0.4em;
      min-width: 0;
    }
    h3,
    h4 {
      break-after: avoid;
    }
    table {
      break-inside: avoid;
    }
  }
`;

/**
 * @tag sip-report
 * @summary The yearly follow-up of relatives' support in my organisation's SIPs, as a board
 * reads it: for a calendar year or a period of my choosing, by month, quarter or year, each
 * section's figures as charts with their table and a summary in words, figures under five shown
 * as "färre än 5". A print button gives "Årsrapport: stöd till anhöriga", the report laid out
 * for A4. The charts' library is loaded only when the element is used.
 *
 * @attr {string} api-base - The broker's base URL, e.g. `https://sip.example.se`.
 * @attr {string} lang - `sv` (default) or `en`.
 * @attr {number} year - The calendar year shown first (default: this year).
 * @attr {string} by - `month` (default), `quarter` or `year`: how the period is divided.
 * @attr {string} organisation - The HSA id of the principal shown first, when the report holds several.
 * @prop {AccessTokenProvider} getAccessToken - Gives the element a staff access token; a property, never an attribute.
 *
 * @event {SipReadyEvent} sip-ready - The first report is loaded. `detail`: `{}`.
 * @event {SipErrorEvent} sip-error - Loading failed (a 403 for a role without the report). `detail`: `{ code, status?, requestId? }`.
 * @event {SipSessionExpiredEvent} sip-session-expired - The token was refused and no new one was given.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The heading.
 * @csspart filters - The form that chooses the report.
 * @csspart field - Every field.
 * @csspart error-summary - The list of problems in the form.
 * @csspart section - Each section of the report.
 * @csspart chart - Each chart with its summary and table.
 * @csspart table - Every table.
 * @csspart document - The report laid out for printing.
 * @csspart button - Every button.
 * @csspart message - Loading, empty and error messages.
 * @csspart error - Error messages.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Buttons.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring (inner).
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Focus ring (outer).
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 * @cssproperty [--sip-spacing=1rem] - The base spacing.
 */
export class SipReport extends SipListElement<ReportData> {
  static override styles = [listStyles, reportStyles];

  /** The calendar year shown first. */
  @property({ type: Number }) accessor year = new Date().getFullYear();

  /** How the period is divided: `month`, `quarter` or `year`. */
  @property() accessor by: ReportGranularity = 'month';

  /** The HSA id of the principal shown first. */
  @property() accessor organisation = '';

  @state() private accessor inputs: Inputs = { mode: 'year', year: '', from: '', to: '', by: 'month' };
  @state() private accessor errors: Partial<Record<Field, string>> = {};
  @state() private accessor printing = false;
  @state() private accessor chosen = '';

  /** The query the report was (or is being) loaded for. */
  #query: { from: string; to: string; by: ReportGranularity } | undefined;
  #announce = '';
  #charts = new Map<HTMLCanvasElement, { destroy(): void }>();
  #drawn: unknown;

  get #m(): ReportMessages {
    return reportMessages[this.language];
  }

  protected override reloadOn(): readonly PropertyKey[] {
    return ['year', 'by'];
  }

  override willUpdate(changed: PropertyValues): void {
    if (changed.has('year') || changed.has('by')) {
      const year = String(Number.isInteger(this.year) && this.year > 1900 ? this.year : new Date().getFullYear());
      const by: ReportGranularity = this.by === 'quarter' || this.by === 'year' ? this.by : 'month';
      this.inputs = { mode: 'year', year, from: `${year}-01`, to: `${year}-12`, by };
      this.#query = { from: `${year}-01-01`, to: `${year}-12-31`, by };
    }
    if (changed.has('organisation')) this.chosen = this.organisation;
    super.willUpdate(changed as never);
  }

  protected override async fetchData(signal: AbortSignal): Promise<ReportData> {
    const query = this.#query!;
    const [response, charts] = await Promise.all([
      this.api!.get<unknown>('/api/reports/relatives-support', { query, signal }),
      loadReportModule().catch(() => null),
    ]);
    const parsed = relativesSupportReportSchema.safeParse(response.body);
    if (!parsed.success) throw new ApiError('bad-response', response.status);
    return { report: parsed.data, charts };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#destroyCharts();
  }

  #destroyCharts(): void {
    for (const chart of this.#charts.values()) chart.destroy();
    this.#charts.clear();
    this.#drawn = undefined;
  }

  /** Draws the charts of what was rendered, once per view and layout. */
  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const load = this.load;
    const view = this.#view;
    if (load.kind !== 'loaded' || !load.data.charts || !view) {
      if (load.kind !== 'loading') this.#destroyCharts();
      return;
    }
    const key = [view, this.printing];
    if (Array.isArray(this.#drawn) && this.#drawn[0] === key[0] && this.#drawn[1] === key[1]) return;
    this.#destroyCharts();
    this.#drawn = key;
    const charts = new Map(view.sections.flatMap((s) => s.charts).map((c) => [c.id, c]));
    const locale = this.language === 'sv' ? 'sv-SE' : 'en-GB';
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
      const chart = charts.get(canvas.dataset.chart!);
      if (chart) this.#charts.set(canvas, load.data.charts.drawChart(canvas, { labels: chart.labels, series: chart.series, horizontal: chart.horizontal, locale }));
    }
  }

  #viewCache: { report: RelativesSupportReport; organisation: string; lang: string; view: PrincipalView | null } | undefined;

  /** The view of the chosen principal's figures, the same object while nothing it depends on changes. */
  get #view(): PrincipalView | null {
    if (this.load.kind !== 'loaded') return null;
    const { report } = this.load.data;
    const principal = report.principals.find((p) => p.organisation.id === this.chosen) ?? report.principals[0];
    const organisation = principal?.organisation.id ?? '';
    const cache = this.#viewCache;
    if (cache && cache.report === report && cache.organisation === organisation && cache.lang === this.language) return cache.view;
    const view = principal ? principalView(report, principal, this.language) : null;
    this.#viewCache = { report, organisation, lang: this.language, view };
    return view;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const get = (name: string) => String(data.get(name) ?? '').trim();
    const inputs: Inputs = {
      mode: get('mode') === 'period' ? 'period' : 'year',
      year: get('year') || this.inputs.year,
      from: get('from'),
      to: get('to'),
      by: (['month', 'quarter', 'year'] as const).find((b) => b === get('by')) ?? 'month',
    };
    if (data.has('organisation')) this.chosen = get('organisation');
    this.inputs = inputs;
    const m = this.#m;
    const errors: Partial<Record<Field, string>> = {};
    let query: { from: string; to: string; by: ReportGranularity };
    if (inputs.mode === 'year') {
      query = { from: `${inputs.year}-01-01`, to: `${inputs.year}-12-31`, by: inputs.by };
    } else {
      if (!MONTH.test(inputs.from)) errors.from = m.invalid.from;
      if (!MONTH.test(inputs.to)) errors.to = m.invalid.to;
      if (!errors.from && !errors.to && inputs.from > inputs.to) errors.to = m.invalid.order;
      query = errors.from || errors.to ? { from: '', to: '', by: inputs.by } : { ...spanOf(inputs.from, inputs.to, inputs.by), by: inputs.by };
      if (!errors.to && !errors.from && Number(query.to.slice(0, 4)) - Number(query.from.slice(0, 4)) + 1 > REPORT_MAX_YEARS) errors.to = m.invalid.span;
    }
    this.errors = errors;
    if (Object.keys(errors).length) {
      await this.focusAfterRender('#form-errors');
      return;
    }
    const same = this.#query && this.#query.from === query.from && this.#query.to === query.to && this.#query.by === query.by && this.load.kind === 'loaded';
    this.#query = query;
    this.#announce = '';
    if (!same) await this.reload();
    if (this.load.kind === 'loaded') this.#announce = this.#announcement(this.load.data.report);
    this.requestUpdate();
    await this.focusAfterRender('#result');
  }

  #announcement(report: RelativesSupportReport): string {
    const view = this.#view;
    const span = spanLabel(report.from, report.to, this.language);
    return view ? this.#m.loaded(view.organisation.name, span) : this.#m.empty(span);
  }

  async #print(): Promise<void> {
    this.printing = true;
    await this.focusAfterRender('#document-heading');
    window.print();
  }

  async #back(): Promise<void> {
    this.printing = false;
    await this.focusAfterRender('#print');
  }

  override render() {
    const m = this.#m;
    const load = this.load;
    const view = this.#view;
    if (this.printing && load.kind === 'loaded' && view) return this.#renderDocument(load.data, view, m);
    const explain = (f: Failure) => (f.code === 'forbidden' ? m.forbidden : undefined);
    const blocked = load.kind === 'error' && ['forbidden', 'config', 'session-expired'].includes(load.failure.code);
    return html`<section class="base" part="base" aria-labelledby="heading">
      <div class="toolbar">
        <h2 id="heading" part="heading">${m.heading}</h2>
        ${load.kind === 'loaded' && view
          ? html`<button id="print" type="button" part="button" class="secondary no-print" @click=${() => void this.#print()}>${m.print}</button>`
          : nothing}
      </div>
      <p>${m.intro}</p>
      ${blocked ? nothing : this.#renderForm(m, load.kind === 'loaded' ? load.data.report : undefined)}
      <p class="visually-hidden" role="status">${load.kind === 'loaded' ? this.#announce : ''}</p>
      <div id="result" tabindex="-1">
        ${load.kind === 'loading' || load.kind === 'waiting' ? this.renderLoading() : nothing}
        ${load.kind === 'error' ? this.renderFailure(load.failure, explain) : nothing}
        ${load.kind === 'loaded' ? this.#renderResult(load.data, view, m) : nothing}
      </div>
    </section>`;
  }

  #renderForm(m: ReportMessages, report: RelativesSupportReport | undefined): TemplateResult {
    const inputs = this.inputs;
    const errors = Object.entries(this.errors) as [Field, string][];
    const thisYear = new Date().getFullYear();
    const years = Array.from({ length: 6 }, (_, i) => String(thisYear - i));
    if (!years.includes(inputs.year)) years.push(inputs.year);
    const principals = report?.principals ?? [];
    const chosen = principals.find((p) => p.organisation.id === this.chosen)?.organisation.id ?? principals[0]?.organisation.id;
    const field = (id: Field, label: string) => html`<div class="field">
      <label for=${id}>${label}</label>
      <span id=${`${id}-hint`} class="hint">${m.monthHint}</span>
      ${this.errors[id] ? html`<p id=${`${id}-error`} class="field-error">${this.errors[id]}</p>` : nothing}
      <input
        id=${id}
        name=${id}
        type="month"
        part="field"
        .value=${inputs[id]}
        aria-invalid=${this.errors[id] ? 'true' : 'false'}
        aria-describedby=${this.errors[id] ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
    </div>`;
    return html`<form part="filters" class="no-print" novalidate aria-labelledby="settings-heading" @submit=${(e: SubmitEvent) => void this.#submit(e)}>
      <h3 id="settings-heading" class="visually-hidden">${m.settings}</h3>
      ${errorSummary(this.renderRoot, 'form-errors', m.summary, errors)}
      <div class="filters">
        <fieldset class="field">
          <legend>${m.periodLegend}</legend>
          <div class="radios">
            ${(['year', 'period'] as const).map(
              (mode) => html`<label class="check"
                ><input
                  type="radio"
                  name="mode"
                  value=${mode}
                  part="field"
                  .checked=${inputs.mode === mode}
                  @change=${() => (this.inputs = { ...this.inputs, mode })}
                />${mode === 'year' ? m.wholeYear : m.ownPeriod}</label
              >`,
            )}
          </div>
          ${inputs.mode === 'year'
            ? html`<label for="year">${m.year}</label>
                <select id="year" name="year" part="field">
                  ${years.map((y) => html`<option value=${y} ?selected=${y === inputs.year}>${y}</option>`)}
                </select>`
            : html`${field('from', m.fromMonth)} ${field('to', m.toMonth)}`}
        </fieldset>
        <div class="field">
          <label for="by">${m.by}</label>
          <select id="by" name="by" part="field">
            ${(['month', 'quarter', 'year'] as const).map((b) => html`<option value=${b} ?selected=${b === inputs.by}>${m.granularity[b]}</option>`)}
          </select>
        </div>
        ${principals.length > 1
          ? html`<div class="field">
              <label for="organisation">${m.organisation}</label>
              <select id="organisation" name="organisation" part="field">
                ${principals.map((p) => html`<option value=${p.organisation.id} ?selected=${p.organisation.id === chosen}>${p.organisation.name}</option>`)}
              </select>
            </div>`
          : nothing}
        <div class="field"><button id="show" type="submit" part="button" ?disabled=${this.load.kind === 'loading'}>${m.show}</button></div>
      </div>
    </form>`;
  }

  /** The report below the form (headings from h3) or in the printed document (the same). */
  #renderResult(data: ReportData, view: PrincipalView | null, m: ReportMessages): TemplateResult {
    const span = spanLabel(data.report.from, data.report.to, this.language);
    if (!view) return html`<p class="message" part="message empty">${m.empty(span)}</p>`;
    return html`${this.printing ? nothing : html`<p class="report-of"><strong>${m.of(view.organisation.name, span)}</strong></p>`}
      <p class="note">${m.suppressionNote}</p>
      ${data.charts ? nothing : html`<p class="message" part="message">${m.chartsFailed}</p>`}
      ${view.sections.map(
        (section) => html`<section class="report-section" part="section" aria-labelledby=${`section-${section.id}`}>
          <h3 id=${`section-${section.id}`}>${section.heading}</h3>
          ${section.charts.map((chart) => this.#renderChart(chart, m, !!data.charts))}
          ${section.keyFigures ? this.#renderTable(section.keyFigures, `key-${section.id}`) : nothing}
        </section>`,
      )}`;
  }

  #renderChart(chart: ChartView, m: ReportMessages, drawn: boolean): TemplateResult {
    const bars = chart.horizontal ? ` bars-${Math.min(4, chart.labels.length)}` : '';
    return html`<div class="chart" part="chart">
      <h4 id=${`chart-${chart.id}`}>${chart.title}</h4>
      ${drawn
        ? html`<div class="chart-box${bars}">
            <canvas data-chart=${chart.id} role="img" aria-label=${m.chartLabel(chart.title)} aria-describedby=${`summary-${chart.id}`}></canvas>
          </div>`
        : nothing}
      <ul class="summary" id=${`summary-${chart.id}`}>
        ${chart.summary.map((line) => html`<li>${line}</li>`)}
      </ul>
      ${this.#renderTable(chart.table, `table-${chart.id}`)}
    </div>`;
  }

  #renderTable(table: Table, id: string): TemplateResult {
    return html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby=${`${id}-caption`}>
      <table part="table">
        <caption id=${`${id}-caption`}>${table.caption}</caption>
        <thead>
          <tr>
            ${table.columns.map((c) => html`<th scope="col">${c}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${table.rows.map(
            (row) => html`<tr>
              <th scope="row">${row.heading}</th>
              ${row.cells.map((cell) => html`<td class=${cell.suppressed ? 'suppressed' : ''}>${cell.text}</td>`)}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  /** "Årsrapport: stöd till anhöriga": the report laid out for A4, with what a printed copy must say. */
  #renderDocument(data: ReportData, view: PrincipalView, m: ReportMessages): TemplateResult {
    const { report } = data;
    const span = spanLabel(report.from, report.to, this.language);
    const made = formatDate(report.generatedAt.slice(0, 10), this.language);
    return html`<section class="base" part="base" aria-labelledby="document-heading">
      <div class="toolbar no-print">
        <button id="print-again" type="button" part="button" @click=${() => window.print()}>${m.printView}</button>
        <button id="back" type="button" part="button" class="secondary" @click=${() => void this.#back()}>${m.back}</button>
      </div>
      <article class="document" part="document">
        <h2 id="document-heading" part="heading" tabindex="-1">${isWholeYears(report.from, report.to) ? m.yearlyTitle : m.title}</h2>
        <ul class="document-meta">
          <li><strong>${m.organisationLine(view.organisation.name)}</strong></li>
          <li>${m.periodLine(span)}</li>
          <li>${m.madeLine(made)}</li>
        </ul>
        ${this.#renderResult(data, view, m)}
      </article>
    </section>`;
  }
}
