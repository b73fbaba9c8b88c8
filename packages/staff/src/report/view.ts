/**
 * What `<sip-report>` shows of a report, worked out without the DOM: for one principal, each
 * section's charts (the figures that are counts, a few to a chart), each chart's table and a
 * summary in words, and the section's other figures (medians, means) as a table. A suppressed
 * figure is never a number here: on a chart it has no bar but a mark, in a table and a summary
 * it is "färre än 5"; nothing is added up across a suppressed figure.
 */
import {
  commitmentKindFigureId,
  commitmentOutcomes,
  isSuppressed,
  reportCommitmentKindLabels,
  reportCommitmentKinds,
  reportFigures,
  reportSectionIds,
  type FigureValue,
  type RelativesSupportReport,
  type ReportCommitmentKind,
  type ReportFigureId,
  type ReportGranularity,
  type ReportPrincipal,
  type ReportSectionId,
} from '@sip/shared';
import { dateTimeFormat, numberFormat } from '@sip/shared/client';
import { locale, type Lang } from '../i18n.ts';
import { reportMessages, type ReportMessages } from './messages.ts';

/**
 * The figures each chart of a section draws, in order: the counts that are read together.
 * Medians and means are not charted; they are in the section's table of key figures.
 */
export const chartGroups = {
  plans: [
    ['plans.new', 'plans.followed-up', 'plans.closed'],
    ['plans.active', 'plans.with-relatives'],
  ],
  relatives: [['relatives.taking-part', 'relatives.children']],
  commitments: [
    ['commitments.proposed', 'commitments.accepted', 'commitments.declined'],
    ['commitments.withdrawn', 'commitments.reconfirmed', 'commitments.cancelled'],
    // One chart per outcome, by kind of commitment.
    ...commitmentOutcomes.map((outcome) => reportCommitmentKinds.map((kind) => commitmentKindFigureId(outcome, kind))),
  ],
  'home-consent': [['home-consent.given', 'home-consent.refused']],
  support: [
    ['support.offered.conversation', 'support.offered.respite', 'support.offered.groups', 'support.offered.training'],
    ['support.taken-up.conversation', 'support.taken-up.respite', 'support.taken-up.groups', 'support.taken-up.training'],
  ],
  requests: [['requests.contact-consultant', 'requests.contact-consultant.handled', 'requests.needs-assessment', 'requests.needs-assessment.handled']],
  withdrawals: [['withdrawals.commitments', 'withdrawals.replanned', 'withdrawals.leave-role']],
  'follow-ups': [['follow-ups.due', 'follow-ups.on-time']],
} as const satisfies Record<ReportSectionId, readonly (readonly ReportFigureId[])[]>;

/** A figure as shown: its number in words, or what stands for it. */
export interface Cell {
  text: string;
  /** The number charted, or null for no bar. */
  value: number | null;
  /** What the chart writes where the bar would be (`< 5`), for a suppressed figure. */
  mark: string | null;
  suppressed: boolean;
}

/** A table: the first column heads its rows; every cell is text. */
export interface Table {
  caption: string;
  /** The heading of the rows' column, then one per column. */
  columns: string[];
  rows: { heading: string; cells: Cell[] }[];
}

export interface ChartView {
  id: string;
  title: string;
  /** Categories along the axis (short), series across them. */
  labels: string[];
  series: { name: string; values: (number | null)[]; marks: (string | null)[] }[];
  horizontal: boolean;
  summary: string[];
  table: Table;
}

export interface SectionView {
  id: ReportSectionId;
  heading: string;
  charts: ChartView[];
  /** Medians and means, by period. */
  keyFigures: Table | null;
}

export interface PrincipalView {
  organisation: { id: string; name: string };
  sections: SectionView[];
}

const MONTHS = 12;

/** A period's key as people read it: `2026-03` → "mars 2026"; `2026-Q1` → "kvartal 1 2026"; `2026`. */
export function periodLabel(key: string, lang: Lang, style: 'long' | 'short' = 'long'): string {
  const m = reportMessages[lang];
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter) return m.quarter(Number(quarter[2]), quarter[1]!, style);
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month) {
    const date = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 15));
    return dateTimeFormat(locale(lang), { month: style, year: 'numeric', timeZone: 'UTC' }).format(date);
  }
  return key;
}

/** The span as people read it: "2026", "januari–juni 2026", "mars 2025–februari 2026". */
export function spanLabel(from: string, to: string, lang: Lang): string {
  const [fy, fm] = [from.slice(0, 4), Number(from.slice(5, 7))];
  const [ty, tm] = [to.slice(0, 4), Number(to.slice(5, 7))];
  if (fm === 1 && tm === MONTHS) return fy === ty ? fy : `${fy}–${ty}`;
  const month = (y: string, mo: number) => dateTimeFormat(locale(lang), { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(y), mo - 1, 15)));
  if (fy === ty) return fm === tm ? `${month(fy, fm)} ${fy}` : `${month(fy, fm)}–${month(ty, tm)} ${ty}`;
  return `${month(fy, fm)} ${fy}–${month(ty, tm)} ${ty}`;
}

/** Whether the span is whole calendar years: the yearly report. */
export const isWholeYears = (from: string, to: string) => from.slice(5) === '01-01' && to.slice(5) === '12-31';

function cellOf(value: FigureValue | undefined, unit: 'count' | 'days' | 'ratio', lang: Lang): Cell {
  const m = reportMessages[lang];
  if (value === undefined || (typeof value === 'object' && !isSuppressed(value))) {
    return { text: m.notRecorded, value: null, mark: null, suppressed: false };
  }
  if (isSuppressed(value)) return { text: m.suppressed, value: null, mark: m.suppressedMark, suppressed: true };
  const digits = unit === 'count' ? 0 : unit === 'days' ? 1 : 2;
  return { text: numberFormat(locale(lang), { maximumFractionDigits: digits }).format(value), value, mark: null, suppressed: false };
}

const label = (id: ReportFigureId, lang: Lang) => reportFigures[id][lang];

const BY_KIND = /^(commitments\.[a-z]+)\.([a-z-]+)$/;
/** The total a chart's figures are the kinds of (`commitments.<outcome>`), or null for any other chart. */
function byKindTotal(ids: readonly ReportFigureId[]): ReportFigureId | null {
  const totals = new Set(ids.map((id) => BY_KIND.exec(id)?.[1]));
  const [total] = totals;
  return totals.size === 1 && total && total in reportFigures ? (total as ReportFigureId) : null;
}

/** The chart's summary: for each figure, its total (a count of events none of whose parts is suppressed) or its highest period. */
function summaryOf(ids: readonly ReportFigureId[], periods: string[], cells: Cell[][], lang: Lang, m: ReportMessages, nameOf: (id: ReportFigureId, lang: Lang) => string = label): string[] {
  return ids.map((id, f) => {
    const name = nameOf(id, lang);
    const column = cells.map((row) => row[f]!);
    if (periods.length === 1) return m.single(name, column[0]!.text);
    const known = column.map((c, p) => ({ c, p })).filter(({ c }) => c.value !== null);
    const suppressed = column.filter((c) => c.suppressed).length;
    if (known.length === 0) return suppressed === column.length ? m.allSuppressed(name) : m.noneRecorded(name);
    const top = known.reduce((a, b) => (b.c.value! > a.c.value! ? b : a));
    const total =
      reportFigures[id].additive && known.length === column.length
        ? numberFormat(locale(lang)).format(known.reduce((sum, { c }) => sum + c.value!, 0))
        : null;
    return m.many(name, { total, top: top.c.text, topPeriod: periodLabel(periods[top.p]!, lang), suppressed });
  });
}

/** What the element shows of one principal's figures. */
export function principalView(report: Pick<RelativesSupportReport, 'by'>, principal: ReportPrincipal, lang: Lang): PrincipalView {
  const m = reportMessages[lang];
  const periods = principal.periods.map((p) => p.key);
  const single = periods.length === 1;
  const valueOf = (periodIndex: number, section: ReportSectionId, id: ReportFigureId) =>
    principal.periods[periodIndex]!.sections.find((s) => s.id === section)?.figures.find((f) => f.id === id)?.value;
  const periodHeading = m.periodColumn[report.by as ReportGranularity];

  const sections = reportSectionIds.map((section): SectionView => {
    const heading = m.sections[section];
    const charts = chartGroups[section].map((ids: readonly ReportFigureId[], c): ChartView => {
      const cells = periods.map((_, p) => ids.map((id) => cellOf(valueOf(p, section, id), reportFigures[id].unit, lang)));
      // A chart of kinds is titled by its total, and names each figure by its kind alone.
      const total = byKindTotal(ids);
      const nameOf = (id: ReportFigureId, lang: Lang) => (total ? reportCommitmentKindLabels[BY_KIND.exec(id)![2] as ReportCommitmentKind][lang] : reportFigures[id][lang]);
      const title = total ? m.byKindTitle(reportFigures[total][lang]) : chartGroups[section].length > 1 ? m.chartTitle(heading, c + 1, chartGroups[section].length) : heading;
      const table: Table = single
        ? {
            caption: m.tableCaption(title, periodLabel(periods[0]!, lang)),
            columns: [m.figureColumn, m.valueColumn],
            rows: ids.map((id, f) => ({ heading: nameOf(id, lang), cells: [cells[0]![f]!] })),
          }
        : {
            caption: m.tableCaption(title, null),
            columns: [periodHeading, ...ids.map((id) => nameOf(id, lang))],
            rows: periods.map((key, p) => ({ heading: periodLabel(key, lang), cells: cells[p]! })),
          };
      return {
        id: `${section}-${c + 1}`,
        title,
        labels: single ? ids.map((id) => nameOf(id, lang)) : periods.map((key) => periodLabel(key, lang, 'short')),
        series: single
          ? [{ name: periodLabel(periods[0]!, lang), values: cells[0]!.map((x) => x.value), marks: cells[0]!.map((x) => x.mark) }]
          : ids.map((id, f) => ({ name: nameOf(id, lang), values: cells.map((row) => row[f]!.value), marks: cells.map((row) => row[f]!.mark) })),
        horizontal: single,
        summary: summaryOf(ids, periods, cells, lang, m, nameOf),
        table,
      };
    });
    const charted = new Set<string>(chartGroups[section].flat());
    const others = (Object.keys(reportFigures) as ReportFigureId[]).filter((id) => reportFigures[id].section === section && !charted.has(id));
    const keyFigures: Table | null = others.length
      ? single
        ? {
            caption: m.keyFiguresCaption(heading, periodLabel(periods[0]!, lang)),
            columns: [m.figureColumn, m.keyValueColumn],
            rows: others.map((id) => ({ heading: label(id, lang), cells: [cellOf(valueOf(0, section, id), reportFigures[id].unit, lang)] })),
          }
        : {
            caption: m.keyFiguresCaption(heading, null),
            columns: [periodHeading, ...others.map((id) => label(id, lang))],
            rows: periods.map((key, p) => ({ heading: periodLabel(key, lang), cells: others.map((id) => cellOf(valueOf(p, section, id), reportFigures[id].unit, lang)) })),
          }
      : null;
    return { id: section, heading, charts, keyFigures };
  });
  return { organisation: principal.organisation, sections };
}

/** The whole periods of `by` that hold the months `from` to `to` (YYYY-MM): the query's span. */
export function spanOf(from: string, to: string, by: ReportGranularity): { from: string; to: string } {
  const months = by === 'month' ? 1 : by === 'quarter' ? 3 : 12;
  const first = Number(from.slice(5, 7));
  const last = Number(to.slice(5, 7));
  const firstMonth = first - ((first - 1) % months);
  const lastMonth = last + (months - 1 - ((last - 1) % months));
  const lastDay = new Date(Date.UTC(Number(to.slice(0, 4)), lastMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${from.slice(0, 4)}-${pad(firstMonth)}-01`, to: `${to.slice(0, 4)}-${pad(lastMonth)}-${pad(lastDay)}` };
}
