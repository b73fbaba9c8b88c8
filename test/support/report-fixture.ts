import { relativesSupportReportSchema, reportFigureIds, reportFigures, reportPeriods, reportSectionIds, type RelativesSupportReport, type ReportGranularity } from '@sip/shared';

/**
 * A relatives' support report as the service answers it, for the browser tests of
 * `<sip-report>` in states the demo's data cannot give (many principals, every period): made
 * from the report's own definitions and checked against its schema, so it is a report the
 * service could send. Counts under five are suppressed, as the service does; one figure of
 * each period is one the service does not record.
 */
export function reportFixture(options: { from: string; to: string; by: ReportGranularity; principals?: number; generatedAt?: string }): RelativesSupportReport {
  const organisations = [
    { organisation: { id: 'SE2321000099-0001', name: 'Region Norrvik' }, kind: 'region' as const },
    { organisation: { id: 'SE2120000099-0002', name: 'Norrviks kommun' }, kind: 'municipality' as const },
  ].slice(0, options.principals ?? 1);
  const report = {
    report: 'relatives-support',
    from: options.from,
    to: options.to,
    by: options.by,
    generatedAt: options.generatedAt ?? '2026-12-03T10:15:00Z',
    suppressionThreshold: 5,
    principals: organisations.map((principal, o) => ({
      ...principal,
      periods: reportPeriods(options.from, options.to, options.by).map((period, p) => ({
        ...period,
        sections: reportSectionIds.map((section) => ({
          id: section,
          figures: reportFigureIds
            .filter((id) => reportFigures[id].section === section)
            .map((id) => {
              const f = reportFigureIds.indexOf(id);
              const unit = reportFigures[id].unit;
              if (id === 'withdrawals.replan-median-days') return { id, value: { notRecorded: true as const } };
              if (unit === 'days') return { id, value: 3 + ((p + f) % 4) * 1.5 };
              if (unit === 'ratio') return { id, value: 1.25 + o * 0.5 };
              const count = (p * 7 + f * 3 + o * 5) % 23;
              return { id, value: count < 5 ? { suppressed: true as const } : count };
            }),
        })),
      })),
    })),
  };
  return relativesSupportReportSchema.parse(report);
}
