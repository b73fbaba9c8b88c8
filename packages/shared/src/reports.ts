/**
 * The yearly follow-up of relatives' support (`GET /api/reports/relatives-support`): its query,
 * its response, and the figures it holds, named once. The service computes the figures, the
 * staff element `<sip-report>` draws them, the CSV and FHIR MeasureReport exports carry them:
 * all by the ids below, which are stable (a figure that changes meaning gets a new id).
 *
 * De-identified: organisations and counts only, never a person, an identifier or free text.
 * Any count under {@link SUPPRESSION_THRESHOLD}, and any count from which one under it could be
 * computed (a total minus its parts, a year minus its months), is published as the suppressed
 * marker `{ suppressed: true }`; the UI says the words ("färre än 5", "fewer than 5").
 * docs/reports.md says what each figure counts and which date places it in a period.
 */
import { z } from 'zod';
import { apiDate, apiDateTime, apiText, apiToken } from './fhir-types.ts';
import { commitmentKindLabels, commitmentKindSchema, type CommitmentKind } from './plan.ts';

/** Counts under this are never published, nor anything they could be computed from. */
export const SUPPRESSION_THRESHOLD = 5;

/** How the report's span is divided. */
export const reportGranularitySchema = z.enum(['month', 'quarter', 'year']);
export type ReportGranularity = z.infer<typeof reportGranularitySchema>;

/** The most calendar years a report may span (its first day to its last). */
export const REPORT_MAX_YEARS = 5;

/** The formats the report is exported in: `json` (default), `csv` (Swedish Excel), `fhir` (a FHIR R4 MeasureReport). */
export const reportFormatSchema = z.enum(['json', 'csv', 'fhir']);
export type ReportFormat = z.infer<typeof reportFormatSchema>;

/**
 * The query. `from` must be the first day of a period of `by` (a month, quarter or year), `to`
 * the last day of one, `from` ≤ `to`, at most {@link REPORT_MAX_YEARS} calendar years apart.
 * Every period is reported whole, by the calendar, whatever else was asked: a figure for a
 * period is the same in every report that holds it. `format` is an alternative to `Accept`.
 */
export const reportQuerySchema = z.strictObject({
  from: apiDate().describe('First day of the first period (YYYY-MM-DD): the first day of a month, quarter or year as `by` says'),
  to: apiDate().describe('Last day of the last period (YYYY-MM-DD), inclusive'),
  by: reportGranularitySchema.default('month').describe('The length of each period'),
  format: reportFormatSchema.optional().describe('Instead of `Accept`: `json`, `csv` or `fhir`'),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** A figure not published because it is under the threshold, or would let one under it be computed. */
export const suppressedSchema = z
  .strictObject({ suppressed: z.literal(true) })
  .describe('Fewer than 5 ("färre än 5"), or a figure from which such a count could be computed');
/** A figure the service does not record (yet): the slot is kept so the report's layout is stable. */
export const notRecordedSchema = z.strictObject({ notRecorded: z.literal(true) }).describe('The service does not record what this figure would count');

export const figureValueSchema = z.union([z.number().nonnegative(), suppressedSchema, notRecordedSchema]);
export type FigureValue = z.infer<typeof figureValueSchema>;

export const reportSectionIds = ['plans', 'relatives', 'commitments', 'home-consent', 'support', 'requests', 'withdrawals', 'follow-ups'] as const;
export const reportSectionSchema = z.enum(reportSectionIds);
export type ReportSectionId = z.infer<typeof reportSectionSchema>;

/** `count`: a whole number; `days`: a median number of days (may end in .5); `ratio`: a mean, two decimals. */
export type FigureUnit = 'count' | 'days' | 'ratio';

export interface FigureDefinition {
  section: ReportSectionId;
  unit: FigureUnit;
  /** A count of events in the period: a longer period's count is the sum of its parts. */
  additive: boolean;
  sv: string;
  en: string;
}

/** The bucket of commitments proposed without a kind: with it, the kinds sum to the total. */
export const UNSPECIFIED_KIND = 'unspecified';
/** The kinds commitments are counted by: every kind of commitment, then the commitments without one. */
export const reportCommitmentKinds = [...commitmentKindSchema.options, UNSPECIFIED_KIND] as const;
export type ReportCommitmentKind = CommitmentKind | typeof UNSPECIFIED_KIND;
/** The names of the kinds commitments are counted by. */
export const reportCommitmentKindLabels: Record<ReportCommitmentKind, { sv: string; en: string }> = {
  ...commitmentKindLabels,
  [UNSPECIFIED_KIND]: { sv: 'Typ inte angiven', en: 'Kind not given' },
};

/** The outcomes commitments are counted by kind for, each with its total figure. */
export const commitmentOutcomesByKind = {
  proposed: { sv: 'föreslagna', en: 'proposed' },
  accepted: { sv: 'accepterade', en: 'accepted' },
  declined: { sv: 'avböjda', en: 'declined' },
  withdrawn: { sv: 'återtagna', en: 'withdrawn' },
  reconfirmed: { sv: 'bekräftade på nytt', en: 'confirmed again' },
} as const;
export type CommitmentOutcome = keyof typeof commitmentOutcomesByKind;
export const commitmentOutcomes = Object.keys(commitmentOutcomesByKind) as CommitmentOutcome[];

/** A by-kind figure's id: `commitments.<outcome>.<kind>`. */
export type CommitmentKindFigureId = `commitments.${CommitmentOutcome}.${ReportCommitmentKind}`;
export const commitmentKindFigureId = (outcome: CommitmentOutcome, kind: ReportCommitmentKind): CommitmentKindFigureId => `commitments.${outcome}.${kind}`;

/** Commitments by outcome and kind: the kinds of an outcome sum to its total (`commitments.<outcome>`). */
const commitmentKindFigures = Object.fromEntries(
  commitmentOutcomes.flatMap((outcome) =>
    reportCommitmentKinds.map((kind) => [
      commitmentKindFigureId(outcome, kind),
      {
        section: 'commitments',
        unit: 'count',
        additive: true,
        sv: `Åtaganden ${commitmentOutcomesByKind[outcome].sv}: ${reportCommitmentKindLabels[kind].sv.toLowerCase()}`,
        en: `Commitments ${commitmentOutcomesByKind[outcome].en}: ${reportCommitmentKindLabels[kind].en.toLowerCase()}`,
      } satisfies FigureDefinition,
    ]),
  ),
) as Record<CommitmentKindFigureId, FigureDefinition>;

/**
 * Every figure, in the order the report gives them. The meaning of each is in docs/reports.md;
 * the labels are the ones the CSV export and the UI use.
 */
export const reportFigures = {
  // Plans the organisation takes part in.
  'plans.new': { section: 'plans', unit: 'count', additive: true, sv: 'Nya SIP', en: 'New plans' },
  'plans.active': { section: 'plans', unit: 'count', additive: false, sv: 'Aktiva SIP', en: 'Active plans' },
  'plans.with-relatives': { section: 'plans', unit: 'count', additive: false, sv: 'Aktiva SIP med minst en anhörig', en: 'Active plans with at least one relative' },
  'plans.followed-up': { section: 'plans', unit: 'count', additive: true, sv: 'SIP som följts upp', en: 'Plans followed up' },
  'plans.closed': { section: 'plans', unit: 'count', additive: true, sv: 'Avslutade SIP', en: 'Plans closed' },
  // Relatives in those plans.
  'relatives.taking-part': { section: 'relatives', unit: 'count', additive: false, sv: 'Anhöriga som deltar', en: 'Relatives taking part' },
  'relatives.children': { section: 'relatives', unit: 'count', additive: false, sv: 'Barn som anhöriga', en: 'Children as relatives' },
  'relatives.per-plan': { section: 'relatives', unit: 'ratio', additive: false, sv: 'Anhöriga per SIP med anhöriga', en: 'Relatives per plan with relatives' },
  // Voluntary commitments: events in the period, by outcome.
  'commitments.proposed': { section: 'commitments', unit: 'count', additive: true, sv: 'Åtaganden föreslagna', en: 'Commitments proposed' },
  'commitments.accepted': { section: 'commitments', unit: 'count', additive: true, sv: 'Åtaganden accepterade', en: 'Commitments accepted' },
  'commitments.declined': { section: 'commitments', unit: 'count', additive: true, sv: 'Åtaganden avböjda', en: 'Commitments declined' },
  'commitments.withdrawn': { section: 'commitments', unit: 'count', additive: true, sv: 'Åtaganden återtagna', en: 'Commitments withdrawn' },
  'commitments.reconfirmed': { section: 'commitments', unit: 'count', additive: true, sv: 'Åtaganden bekräftade på nytt', en: 'Commitments confirmed again' },
  'commitments.cancelled': { section: 'commitments', unit: 'count', additive: true, sv: 'Åtaganden avslutade av personal', en: 'Commitments cancelled by staff' },
  'commitments.answer-median-days': { section: 'commitments', unit: 'days', additive: false, sv: 'Dagar till svar (median)', en: 'Days to an answer (median)' },
  // The same, by kind of commitment.
  ...commitmentKindFigures,
  // The relative's own consent to the home as a place of care.
  'home-consent.given': { section: 'home-consent', unit: 'count', additive: true, sv: 'Samtycke till hemmet som vårdplats givet', en: 'Consent to the home as place of care given' },
  'home-consent.refused': { section: 'home-consent', unit: 'count', additive: true, sv: 'Samtycke till hemmet som vårdplats nekat', en: 'Consent to the home as place of care refused' },
  // Support for the relative's own needs, by kind.
  'support.offered.conversation': { section: 'support', unit: 'count', additive: true, sv: 'Erbjudits stödsamtal', en: 'Offered conversation support' },
  'support.offered.respite': { section: 'support', unit: 'count', additive: true, sv: 'Erbjudits avlösning', en: 'Offered respite' },
  'support.offered.groups': { section: 'support', unit: 'count', additive: true, sv: 'Erbjudits anhöriggrupp', en: 'Offered support groups' },
  'support.offered.training': { section: 'support', unit: 'count', additive: true, sv: 'Erbjudits utbildning', en: 'Offered training' },
  'support.taken-up.conversation': { section: 'support', unit: 'count', additive: true, sv: 'Tagit emot stödsamtal', en: 'Took up conversation support' },
  'support.taken-up.respite': { section: 'support', unit: 'count', additive: true, sv: 'Tagit emot avlösning', en: 'Took up respite' },
  'support.taken-up.groups': { section: 'support', unit: 'count', additive: true, sv: 'Tagit emot anhöriggrupp', en: 'Took up support groups' },
  'support.taken-up.training': { section: 'support', unit: 'count', additive: true, sv: 'Tagit emot utbildning', en: 'Took up training' },
  // Relatives' requests: to the relatives' consultant, and for an own needs assessment.
  'requests.contact-consultant': { section: 'requests', unit: 'count', additive: true, sv: 'Begäran om kontakt med anhörigkonsulent', en: 'Requests for the relatives\u2019 consultant' },
  'requests.contact-consultant.handled': { section: 'requests', unit: 'count', additive: true, sv: 'Begäran om anhörigkonsulent hanterade', en: 'Requests for the consultant dealt with' },
  'requests.contact-consultant.median-days': { section: 'requests', unit: 'days', additive: false, sv: 'Dagar till hanterad, anhörigkonsulent (median)', en: 'Days until dealt with, consultant (median)' },
  'requests.needs-assessment': { section: 'requests', unit: 'count', additive: true, sv: 'Begäran om egen behovsbedömning', en: 'Requests for an own needs assessment' },
  'requests.needs-assessment.handled': { section: 'requests', unit: 'count', additive: true, sv: 'Begäran om behovsbedömning hanterade', en: 'Needs-assessment requests dealt with' },
  'requests.needs-assessment.median-days': { section: 'requests', unit: 'days', additive: false, sv: 'Dagar till hanterad, behovsbedömning (median)', en: 'Days until dealt with, needs assessment (median)' },
  // Relatives stepping back, and how soon the responsible principal planned anew.
  'withdrawals.commitments': { section: 'withdrawals', unit: 'count', additive: true, sv: 'Återtagna åtaganden', en: 'Commitments withdrawn by relatives' },
  'withdrawals.replanned': { section: 'withdrawals', unit: 'count', additive: true, sv: 'Återtagna åtaganden som planerats om', en: 'Withdrawn commitments re-planned' },
  'withdrawals.replan-median-days': { section: 'withdrawals', unit: 'days', additive: false, sv: 'Dagar till ny planering (median)', en: 'Days to re-planning (median)' },
  'withdrawals.leave-role': { section: 'withdrawals', unit: 'count', additive: true, sv: 'Begäran att lämna anhörigrollen', en: 'Requests to leave the relative role' },
  // Follow-ups of the plans.
  'follow-ups.due': { section: 'follow-ups', unit: 'count', additive: true, sv: 'Uppföljningar planerade', en: 'Follow-ups due' },
  'follow-ups.on-time': { section: 'follow-ups', unit: 'count', additive: true, sv: 'Uppföljningar gjorda i tid', en: 'Follow-ups done on time' },
} as const satisfies Record<string, FigureDefinition>;

/** The by-kind figures whose sum is each total: `commitments.<outcome>` = Σ `commitments.<outcome>.<kind>`. */
export const reportKindSums: { total: ReportFigureId; parts: ReportFigureId[] }[] = commitmentOutcomes.map((outcome) => ({
  total: `commitments.${outcome}` as ReportFigureId,
  parts: reportCommitmentKinds.map((kind) => commitmentKindFigureId(outcome, kind)),
}));

export type ReportFigureId = keyof typeof reportFigures;
export const reportFigureIds = Object.keys(reportFigures) as ReportFigureId[];
export const reportFigureIdSchema = z.enum(reportFigureIds as [ReportFigureId, ...ReportFigureId[]]);

export const reportFigureSchema = z.strictObject({
  id: reportFigureIdSchema,
  value: figureValueSchema,
});
export type ReportFigure = z.infer<typeof reportFigureSchema>;

export const reportSectionBlockSchema = z.strictObject({
  id: reportSectionSchema,
  figures: z.array(reportFigureSchema),
});

/** One period: `key` is `2026` for a year, `2026-Q1` for a quarter, `2026-01` for a month. */
export const reportPeriodSchema = z.strictObject({
  key: z.string().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/),
  start: apiDate(),
  end: apiDate().describe('Inclusive'),
  sections: z.array(reportSectionBlockSchema).describe('Every section, in the order of `reportSectionIds`'),
});
export type ReportPeriod = z.infer<typeof reportPeriodSchema>;

/** The figures for one principal (an organisation): the plans it takes part in. */
export const reportPrincipalSchema = z.strictObject({
  organisation: z.strictObject({ id: apiToken(64).describe('HSA-id of the organisation'), name: apiText(200) }),
  kind: z.enum(['region', 'municipality']),
  periods: z.array(reportPeriodSchema),
});
export type ReportPrincipal = z.infer<typeof reportPrincipalSchema>;

export const relativesSupportReportSchema = z.strictObject({
  report: z.literal('relatives-support'),
  from: apiDate(),
  to: apiDate(),
  by: reportGranularitySchema,
  generatedAt: apiDateTime().describe('When the figures were computed (RFC 3339)'),
  suppressionThreshold: z.literal(SUPPRESSION_THRESHOLD),
  principals: z.array(reportPrincipalSchema).describe('Sorted by organisation id'),
});
export type RelativesSupportReport = z.infer<typeof relativesSupportReportSchema>;

/** Whether a published value is the suppressed marker. */
export const isSuppressed = (value: FigureValue): value is { suppressed: true } => typeof value === 'object' && 'suppressed' in value;

/** The calendar periods of `by` from `from` to `to` (both aligned to them), in order. */
export function reportPeriods(from: string, to: string, by: ReportGranularity): { key: string; start: string; end: string }[] {
  const months = by === 'month' ? 1 : by === 'quarter' ? 3 : 12;
  const periods: { key: string; start: string; end: string }[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  for (;;) {
    const start = `${year}-${String(month).padStart(2, '0')}-01`;
    if (start > to) break;
    const endMonth = month + months - 1;
    const lastDay = new Date(Date.UTC(year, endMonth, 0)).getUTCDate();
    const end = `${year}-${String(endMonth).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
    const key = by === 'year' ? `${year}` : by === 'quarter' ? `${year}-Q${(month + 2) / 3}` : start.slice(0, 7);
    periods.push({ key, start, end });
    month += months;
    if (month > 12) {
      month -= 12;
      year += 1;
    }
  }
  return periods;
}

/** Why the query's span is not one the report answers, or null when it is. */
export function reportSpanProblem(from: string, to: string, by: ReportGranularity): string | null {
  if (from > to) return '`from` must not be after `to`';
  const months = by === 'month' ? 1 : by === 'quarter' ? 3 : 12;
  const month = Number(from.slice(5, 7));
  if (from.slice(8) !== '01' || (month - 1) % months !== 0) return `\`from\` must be the first day of a ${by}`;
  const periods = reportPeriods(from, to, by);
  if (periods.at(-1)?.end !== to) return `\`to\` must be the last day of a ${by}`;
  if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1 > REPORT_MAX_YEARS) return `The report spans at most ${REPORT_MAX_YEARS} calendar years`;
  return null;
}
