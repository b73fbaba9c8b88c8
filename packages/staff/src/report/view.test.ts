import { relativesSupportReportSchema, reportFigureIds, reportFigures, reportPeriods, reportSectionIds, type FigureValue, type RelativesSupportReport, type ReportGranularity } from '@sip/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartGroups, periodLabel, principalView, spanLabel, spanOf } from './view.ts';

/** A report the service could send: every period of the span, every figure, the values given. */
function reportOf(from: string, to: string, by: ReportGranularity, value: (period: number, figure: number) => FigureValue): RelativesSupportReport {
  return relativesSupportReportSchema.parse({
    report: 'relatives-support',
    from,
    to,
    by,
    generatedAt: '2026-12-03T10:00:00Z',
    suppressionThreshold: 5,
    principals: [
      {
        organisation: { id: 'SE2120000099-0002', name: 'Norrviks kommun' },
        kind: 'municipality',
        periods: reportPeriods(from, to, by).map((period, p) => ({
          ...period,
          sections: reportSectionIds.map((id) => ({
            id,
            figures: reportFigureIds.filter((f) => reportFigures[f].section === id).map((f) => ({ id: f, value: value(p, reportFigureIds.indexOf(f)) })),
          })),
        })),
      },
    ],
  });
}

const valueArb: fc.Arbitrary<FigureValue> = fc.oneof(
  fc.integer({ min: 5, max: 100_000 }),
  fc.constant(0),
  fc.constant({ suppressed: true as const }),
  fc.constant({ notRecorded: true as const }),
);

describe('the report as <sip-report> shows it', () => {
  it('charts every count exactly once, and nothing that is not a count', () => {
    const charted = Object.values(chartGroups).flat(2) as string[];
    expect(new Set(charted).size).toBe(charted.length);
    expect(charted.sort()).toEqual(reportFigureIds.filter((id) => reportFigures[id].unit === 'count').sort());
    for (const [section, groups] of Object.entries(chartGroups)) for (const id of groups.flat()) expect(reportFigures[id].section).toBe(section);
  });

  it('never shows a number for a suppressed figure, nor adds one up: "färre än 5" in the table and the summary, no bar, a mark', () => {
    fc.assert(
      fc.property(fc.constantFrom<ReportGranularity>('month', 'quarter', 'year'), fc.array(valueArb, { minLength: 200, maxLength: 200 }), fc.constantFrom('sv', 'en' as const), (by, values, lang) => {
        const report = reportOf('2026-01-01', '2026-12-31', by, (p, f) => values[(p * 37 + f) % values.length]!);
        const view = principalView(report, report.principals[0]!, lang);
        const words = lang === 'sv' ? 'färre än 5' : 'fewer than 5';
        const periods = report.principals[0]!.periods;
        for (const section of view.sections) {
          for (const chart of section.charts) {
            const ids = chartGroups[section.id][Number(chart.id.split('-').at(-1)) - 1]!;
            ids.forEach((id, f) => {
              periods.forEach((period, p) => {
                const value = period.sections.find((s) => s.id === section.id)!.figures.find((x) => x.id === id)!.value;
                const cell = periods.length === 1 ? chart.table.rows[f]!.cells[0]! : chart.table.rows[p]!.cells[f]!;
                const series = periods.length === 1 ? chart.series[0]! : chart.series[f]!;
                const at = periods.length === 1 ? f : p;
                if (typeof value === 'object' && 'suppressed' in value) {
                  expect(cell.text).toBe(words);
                  expect(series.values[at]).toBeNull();
                  expect(series.marks[at]).toBe('< 5');
                } else if (typeof value === 'number') {
                  expect(series.values[at]).toBe(value);
                  expect(series.marks[at]).toBeNull();
                } else {
                  expect(series.values[at]).toBeNull();
                  expect(series.marks[at]).toBeNull();
                }
              });
            });
            // A total only where every part is published.
            chart.summary.forEach((line, f) => {
              const anySuppressed = periods.some((period) => {
                const v = period.sections.find((s) => s.id === section.id)!.figures.find((x) => x.id === ids[f])!.value;
                return typeof v === 'object' && 'suppressed' in v;
              });
              if (anySuppressed && periods.length > 1) expect(line).not.toMatch(/totalt|in all/);
            });
          }
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);

  it('writes a summary a reader takes in at a glance', () => {
    const report = reportOf('2026-01-01', '2026-12-31', 'quarter', (p, f) => (f === 0 ? [12, { suppressed: true as const }, 30, 9][p]! : 10 + p));
    const view = principalView(report, report.principals[0]!, 'sv');
    expect(view.sections[0]!.charts[0]!.summary[0]).toBe('Nya SIP: flest i kvartal 3 2026 (30); en period med färre än 5.');
    expect(view.sections[0]!.charts[0]!.summary[1]).toBe('SIP som följts upp: 46 totalt, flest i kvartal 4 2026 (13).');
    const year = reportOf('2026-01-01', '2026-12-31', 'year', () => ({ suppressed: true as const }));
    const en = principalView(year, year.principals[0]!, 'en');
    expect(en.sections[0]!.charts[0]!.summary[0]).toBe('New plans: fewer than 5.');
    expect(en.sections[0]!.charts[0]!.horizontal).toBe(true);
    expect(en.sections[0]!.charts[0]!.labels).toEqual(['New plans', 'Plans followed up', 'Plans closed']);
  });

  it('charts each outcome of the commitments by kind, named by the kind, with its table', () => {
    const report = reportOf('2026-01-01', '2026-12-31', 'year', (_p, f) => (reportFigureIds[f] === 'commitments.proposed.household' ? 12 : { suppressed: true as const }));
    const commitments = principalView(report, report.principals[0]!, 'sv').sections.find((s) => s.id === 'commitments')!;
    const proposed = commitments.charts.find((c) => c.title === 'Åtaganden föreslagna, per typ av åtagande')!;
    expect(proposed.labels).toEqual(['Personlig omvårdnad', 'Hushåll och praktisk hjälp', 'Ledsagning och resor', 'Tillsyn och sällskap', 'Kontakter med vård och myndigheter', 'Ekonomi och ärenden', 'Annat', 'Typ inte angiven']);
    expect(proposed.table.rows[1]).toEqual({ heading: 'Hushåll och praktisk hjälp', cells: [{ text: '12', value: 12, mark: null, suppressed: false }] });
    expect(proposed.table.rows[0]!.cells[0]!.text).toBe('färre än 5');
    const months = reportOf('2026-01-01', '2026-12-31', 'month', () => 7);
    const en = principalView(months, months.principals[0]!, 'en').sections.find((s) => s.id === 'commitments')!;
    const withdrawn = en.charts.find((c) => c.title === 'Commitments withdrawn, by kind of commitment')!;
    expect(withdrawn.series.map((s) => s.name)).toContain('Kind not given');
    expect(withdrawn.table.columns.slice(1, 3)).toEqual(['Personal care', 'Household and practical help']);
  });

  it('names periods and spans as people read them', () => {
    expect(periodLabel('2026-03', 'sv')).toBe('mars 2026');
    expect(periodLabel('2026-03', 'en')).toBe('March 2026');
    expect(periodLabel('2026-Q2', 'sv')).toBe('kvartal 2 2026');
    expect(periodLabel('2026-Q2', 'en', 'short')).toBe('Q2 2026');
    expect(periodLabel('2026', 'sv')).toBe('2026');
    expect(spanLabel('2026-01-01', '2026-12-31', 'sv')).toBe('2026');
    expect(spanLabel('2024-01-01', '2026-12-31', 'sv')).toBe('2024–2026');
    expect(spanLabel('2026-01-01', '2026-06-30', 'sv')).toBe('januari–juni 2026');
    expect(spanLabel('2025-10-01', '2026-03-31', 'en')).toBe('October 2025–March 2026');
  });

  it('asks for the whole periods that hold the months chosen', () => {
    expect(spanOf('2026-02', '2026-05', 'month')).toEqual({ from: '2026-02-01', to: '2026-05-31' });
    expect(spanOf('2025-11', '2026-02', 'quarter')).toEqual({ from: '2025-10-01', to: '2026-03-31' });
    expect(spanOf('2024-02', '2024-02', 'quarter')).toEqual({ from: '2024-01-01', to: '2024-03-31' });
    expect(spanOf('2025-06', '2026-02', 'year')).toEqual({ from: '2025-01-01', to: '2026-12-31' });
  });
});
