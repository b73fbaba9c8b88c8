import { createRoute, z } from '@hono/zod-openapi';
import { relativesSupportReportSchema, reportQuerySchema, reportSpanProblem, type ReportFormat } from '@sip/shared';
import type { Context } from 'hono';
import { recordAccess } from '../access-log/access-log.ts';
import type { Db } from '../db/database.ts';
import { FhirValidationError, r4Issues } from '../fhir/validate.ts';
import type { AppEnv } from '../http/context.ts';
import { invalidField } from '../http/errors.ts';
import { bearerSecurity, problemResponses } from '../http/openapi.ts';
import { examples } from '../docs/examples.ts';
import { createRouter } from '../http/router.ts';
import { findOrganisations } from '../organisations/organisations.ts';
import { authz } from '../policy/authorize.ts';
import { reportCsv, reportMeasureReports } from './export.ts';
import { relativesSupportReport } from './relatives-support.ts';

/** The format asked for: `format` if given, else the first of CSV and FHIR JSON the `Accept` header names; JSON otherwise. */
function formatOf(c: Context<AppEnv>, format: ReportFormat | undefined): ReportFormat {
  if (format) return format;
  const ranges = (c.req.header('accept') ?? '')
    .split(',')
    .map((range) => range.split(';').map((s) => s.trim().toLowerCase()))
    .filter(([, ...params]) => !params.some((p) => /^q=0(\.0*)?$/.test(p)))
    .map(([type]) => type);
  for (const type of ranges) {
    if (type === 'text/csv') return 'csv';
    if (type === 'application/fhir+json') return 'fhir';
    if (type === 'application/json') return 'json';
  }
  return 'json';
}

/** The yearly follow-up of relatives' support: de-identified figures, for staff and auditors. */
export const reportsRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/api/reports/relatives-support',
    tags: ['Reports'],
    summary: 'The yearly follow-up of relatives\u2019 support: de-identified figures per period for the plans the caller\u2019s organisation takes part in',
    description:
      'Counts and medians only, never a person, an identifier or free text: a count under 5, and any count from which one under 5 could be worked out, is `{ "suppressed": true }` ("färre än 5"). ' +
      'Periods are whole calendar months, quarters or years; `from` is the first day of one, `to` the last day of one, at most 5 calendar years apart. ' +
      'JSON by default; `Accept: text/csv` (or `format=csv`) gives CSV for Swedish Excel (semicolons, UTF-8 with BOM, decimal comma); ' +
      '`Accept: application/fhir+json` (or `format=fhir`) gives a Bundle of FHIR R4 MeasureReports (summary), one per organisation and period. ' +
      'What each figure counts: docs/reports.md. Each reading is recorded in the access log.',
    security: bearerSecurity,
    middleware: [...authz('report.read')],
    request: { query: reportQuerySchema },
    responses: {
      200: {
        description: 'The report',
        content: {
          'application/json': { schema: relativesSupportReportSchema.meta({ id: 'RelativesSupportReport' }), example: examples.report.response },
          'text/csv': { schema: z.string().describe('One row per organisation, period and figure; semicolon-separated, UTF-8 with BOM, CRLF') },
          'application/fhir+json': {
            schema: z.object({ resourceType: z.literal('Bundle') }).passthrough().describe('A collection Bundle of MeasureReports'),
            example: examples.reportFhir.response,
          },
        },
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const problem = reportSpanProblem(query.from, query.to, query.by);
    if (problem) throw invalidField(problem.startsWith('`to`') ? '/query/to' : '/query/from', problem);
    const principal = c.get('principal');
    if (principal.kind !== 'staff') throw new Error('report route reached without a staff principal');
    const { database, clock, config } = c.get('deps');
    const now = clock.now();
    const report = await database.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const known = (await findOrganisations(tx, [principal.organisationId])).get(principal.organisationId);
      const organisations = known && (known.kind === 'region' || known.kind === 'municipality') ? [{ id: known.id, name: known.name, kind: known.kind }] : [];
      const built = await relativesSupportReport(tx, organisations, query, now);
      // No personal data in it, but who read the figures, and when, is kept as any reading is.
      await recordAccess(tx, [
        {
          at: now,
          userId: principal.userId,
          organisationId: principal.organisationId,
          individualId: null,
          planId: null,
          action: 'report.read',
          purpose: 'activity-follow-up',
          requestId: c.get('requestId') ?? null,
        },
      ]);
      return built;
    });
    const format = formatOf(c, query.format);
    if (format === 'csv') {
      const name = `anhorigstod-${query.from}-${query.to}.csv`;
      return c.body(reportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
    }
    if (format === 'fhir') {
      const bundle = reportMeasureReports(report, config.fhirCanonicalBase);
      const issues = bundle.entry!.flatMap((entry, i) => r4Issues(entry.resource!, `Bundle.entry[${i}].resource`));
      if (issues.length) throw new FhirValidationError('The relatives-support MeasureReports', issues);
      return c.body(JSON.stringify(bundle), 200, { 'content-type': 'application/fhir+json; charset=utf-8' });
    }
    return c.json(report, 200);
  },
);
