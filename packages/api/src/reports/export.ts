/**
 * The relatives-support report in its other forms: CSV that Swedish Excel opens as it is
 * (semicolons, UTF-8 with a byte order mark, decimal commas, CRLF), and FHIR R4 MeasureReports
 * (type `summary`), one per organisation and period, in a `collection` Bundle.
 */
import type { Bundle, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import { reportFigures, type FigureValue, type RelativesSupportReport } from '@sip/shared';
import { stringify } from 'csv-stringify/sync';

/** What the CSV and the UI say for a figure that is not published. */
export const SUPPRESSED_TEXT = 'färre än 5';
export const NOT_RECORDED_TEXT = 'registreras inte';

/** A number as Swedish Excel reads it: a decimal comma, no grouping. */
const swedishNumber = (value: number) => String(value).replace('.', ',');

function cellText(value: FigureValue): string {
  if (typeof value === 'number') return swedishNumber(value);
  return 'suppressed' in value ? SUPPRESSED_TEXT : NOT_RECORDED_TEXT;
}

/** One row per organisation, period and figure, with a header row; Swedish labels beside the stable ids. */
export function reportCsv(report: RelativesSupportReport): string {
  const rows: string[][] = [];
  for (const principal of report.principals) {
    for (const period of principal.periods) {
      for (const section of period.sections) {
        for (const figure of section.figures) {
          rows.push([
            principal.organisation.name,
            principal.organisation.id,
            period.key,
            period.start,
            period.end,
            section.id,
            figure.id,
            reportFigures[figure.id].sv,
            cellText(figure.value),
          ]);
        }
      }
    }
  }
  return stringify(rows, {
    bom: true,
    delimiter: ';',
    record_delimiter: 'windows',
    escape_formulas: true,
    header: true,
    columns: ['Organisation', 'HSA-id', 'Period', 'Från', 'Till', 'Avsnitt', 'Mått-id', 'Mått', 'Värde'],
  });
}

/** The HSA-id's identifier system. */
const HSA_SYSTEM = 'urn:oid:1.2.752.29.4.19';
const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/**
 * The report as FHIR: one MeasureReport per organisation and period. Each figure is a group
 * coded with its stable id: a count as the group's one population count, a median or mean as
 * its measure score; a figure not published carries data-absent-reason `masked` (suppressed)
 * or `unsupported` (not recorded), and no value.
 */
export function reportMeasureReports(report: RelativesSupportReport, canonicalBase: string): Bundle<MeasureReport> {
  const figureSystem = `${canonicalBase}/CodeSystem/relatives-support-figure`;
  const entries: MeasureReport[] = [];
  for (const principal of report.principals) {
    for (const period of principal.periods) {
      const group: MeasureReportGroup[] = period.sections.flatMap((section) =>
        section.figures.map((figure): MeasureReportGroup => {
          const definition = reportFigures[figure.id];
          const code = { coding: [{ system: figureSystem, code: figure.id, display: definition.en }], text: definition.sv };
          if (typeof figure.value !== 'number') {
            return { code, extension: [{ url: DATA_ABSENT_REASON, valueCode: 'suppressed' in figure.value ? 'masked' : 'unsupported' }] };
          }
          if (definition.unit === 'count') {
            return { code, population: [{ code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-population', code: 'initial-population' }] }, count: figure.value }] };
          }
          return {
            code,
            measureScore:
              definition.unit === 'days'
                ? { value: figure.value, unit: 'd', system: 'http://unitsofmeasure.org', code: 'd' }
                : { value: figure.value, unit: '1', system: 'http://unitsofmeasure.org', code: '1' },
          };
        }),
      );
      entries.push({
        resourceType: 'MeasureReport',
        status: 'complete',
        type: 'summary',
        measure: `${canonicalBase}/Measure/relatives-support`,
        date: report.generatedAt,
        reporter: { identifier: { system: HSA_SYSTEM, value: principal.organisation.id }, display: principal.organisation.name },
        period: { start: period.start, end: period.end },
        group,
      });
    }
  }
  return { resourceType: 'Bundle', type: 'collection', timestamp: report.generatedAt, entry: entries.map((resource) => ({ resource })) };
}
