/**
 * The texts of `<sip-report>`, Swedish and English. The figures' own names come from the
 * report's definitions in `@sip/shared` (the same the CSV export uses).
 */
import type { ReportGranularity, ReportSectionId } from '@sip/shared';
import type { Lang } from '../i18n.ts';

export type ReportMessages = {
  heading: string;
  yearlyTitle: string;
  title: string;
  intro: string;
  settings: string;
  periodLegend: string;
  wholeYear: string;
  ownPeriod: string;
  year: string;
  fromMonth: string;
  toMonth: string;
  monthHint: string;
  by: string;
  granularity: Record<ReportGranularity, string>;
  organisation: string;
  show: string;
  summary: string;
  invalid: { from: string; to: string; span: string; order: string };
  forbidden: string;
  empty: (span: string) => string;
  sections: Record<ReportSectionId, string>;
  chartTitle: (section: string, n: number, of: number) => string;
  byKindTitle: (total: string) => string;
  tableCaption: (title: string, period: string | null) => string;
  keyFiguresCaption: (section: string, period: string | null) => string;
  periodColumn: Record<ReportGranularity, string>;
  figureColumn: string;
  valueColumn: string;
  keyValueColumn: string;
  suppressed: string;
  suppressedMark: string;
  notRecorded: string;
  suppressionNote: string;
  single: (name: string, value: string) => string;
  many: (name: string, f: { total: string | null; top: string; topPeriod: string; suppressed: number }) => string;
  allSuppressed: (name: string) => string;
  noneRecorded: (name: string) => string;
  chartLabel: (title: string) => string;
  chartsFailed: string;
  quarter: (n: number, year: string, style: 'long' | 'short') => string;
  of: (organisation: string, span: string) => string;
  print: string;
  printView: string;
  back: string;
  organisationLine: (name: string) => string;
  periodLine: (span: string) => string;
  madeLine: (date: string) => string;
  loaded: (organisation: string, span: string) => string;
};

export const reportMessages = {
  sv: {
    heading: 'Stöd till anhöriga i SIP',
    yearlyTitle: 'Årsrapport: stöd till anhöriga',
    title: 'Rapport: stöd till anhöriga',
    intro: 'Siffror om anhörigas deltagande och stöd i de samordnade individuella planer som organisationen deltar i. Inga personuppgifter.',
    settings: 'Välj rapport',
    periodLegend: 'Period',
    wholeYear: 'Ett kalenderår',
    ownPeriod: 'Egen period',
    year: 'År',
    fromMonth: 'Från och med månad',
    toMonth: 'Till och med månad',
    monthHint: 'År och månad, till exempel 2026-01.',
    by: 'Dela upp per',
    granularity: { month: 'Månad', quarter: 'Kvartal', year: 'År' },
    organisation: 'Organisation',
    show: 'Visa rapporten',
    summary: 'Det finns problem',
    invalid: {
      from: 'Skriv Från och med månad som år och månad, till exempel 2026-01',
      to: 'Skriv Till och med månad som år och månad, till exempel 2026-12',
      span: 'Perioden får vara högst 5 kalenderår',
      order: 'Från och med månad måste vara före Till och med månad',
    },
    forbidden: 'Rapporten är för personal i en organisation som deltar i SIP, och för granskare. Din roll ger inte tillgång till den.',
    empty: (span) => `Det finns inga siffror för ${span}: organisationen deltog inte i någon SIP under perioden.`,
    sections: {
      plans: 'Samordnade individuella planer',
      relatives: 'Anhöriga i planerna',
      commitments: 'Anhörigas åtaganden',
      'home-consent': 'Samtycke till hemmet som vårdplats',
      support: 'Stöd till anhöriga',
      requests: 'Anhörigas önskemål',
      withdrawals: 'När anhöriga kliver av',
      'follow-ups': 'Uppföljning',
    },
    chartTitle: (section, n, of) => `${section}, diagram ${n} av ${of}`,
    byKindTitle: (total) => `${total}, per typ av åtagande`,
    tableCaption: (title, period) => (period ? `${title}, ${period}` : `${title}, per period`),
    keyFiguresCaption: (section, period) => `${section}: nyckeltal${period ? `, ${period}` : ', per period'}`,
    periodColumn: { month: 'Månad', quarter: 'Kvartal', year: 'År' },
    figureColumn: 'Uppgift',
    valueColumn: 'Antal',
    keyValueColumn: 'Värde',
    suppressed: 'färre än 5',
    suppressedMark: '< 5',
    notRecorded: 'registreras inte',
    suppressionNote:
      'Antal under 5 redovisas inte, och inte heller siffror som ett sådant antal skulle kunna räknas fram ur. De står som ”färre än 5” i tabellerna och som ”< 5” i diagrammen.',
    single: (name, value) => `${name}: ${value}.`,
    many: (name, f) =>
      `${name}: ${f.total ? `${f.total} totalt, ` : ''}flest i ${f.topPeriod} (${f.top})${f.suppressed ? `; ${f.suppressed === 1 ? 'en period' : `${f.suppressed} perioder`} med färre än 5` : ''}.`,
    allSuppressed: (name) => `${name}: färre än 5 i varje period.`,
    noneRecorded: (name) => `${name}: registreras inte.`,
    chartLabel: (title) => `Diagram: ${title}. Siffrorna finns i tabellen under diagrammet.`,
    chartsFailed: 'Diagrammen kunde inte visas just nu. Alla siffror finns i tabellerna.',
    quarter: (n, year, style) => (style === 'long' ? `kvartal ${n} ${year}` : `kv. ${n} ${year}`),
    of: (organisation, span) => `${organisation}, ${span}`,
    print: 'Skriv ut årsrapporten',
    printView: 'Skriv ut',
    back: 'Tillbaka till rapporten',
    organisationLine: (name) => `Organisation: ${name}`,
    periodLine: (span) => `Period: ${span}`,
    madeLine: (date) => `Framtagen: ${date}`,
    loaded: (organisation, span) => `Rapporten för ${organisation}, ${span}, visas.`,
  },
  en: {
    heading: 'Support to relatives in SIPs',
    yearlyTitle: 'Annual report: support to relatives',
    title: 'Report: support to relatives',
    intro: 'Figures on relatives taking part and the support they get in the coordinated individual plans the organisation takes part in. No personal data.',
    settings: 'Choose the report',
    periodLegend: 'Period',
    wholeYear: 'A calendar year',
    ownPeriod: 'Own period',
    year: 'Year',
    fromMonth: 'From month',
    toMonth: 'To month (inclusive)',
    monthHint: 'Year and month, for example 2026-01.',
    by: 'Divide by',
    granularity: { month: 'Month', quarter: 'Quarter', year: 'Year' },
    organisation: 'Organisation',
    show: 'Show the report',
    summary: 'There is a problem',
    invalid: {
      from: 'Enter From month as year and month, for example 2026-01',
      to: 'Enter To month as year and month, for example 2026-12',
      span: 'The period may be at most 5 calendar years',
      order: 'From month must be before To month',
    },
    forbidden: 'The report is for staff of an organisation that takes part in SIPs, and for auditors. Your role gives no access to it.',
    empty: (span) => `There are no figures for ${span}: the organisation took part in no SIP in the period.`,
    sections: {
      plans: 'Coordinated individual plans',
      relatives: 'Relatives in the plans',
      commitments: 'Relatives’ commitments',
      'home-consent': 'Consent to the home as a place of care',
      support: 'Support to relatives',
      requests: 'Relatives’ requests',
      withdrawals: 'When relatives step back',
      'follow-ups': 'Follow-up',
    },
    chartTitle: (section, n, of) => `${section}, chart ${n} of ${of}`,
    byKindTitle: (total) => `${total}, by kind of commitment`,
    tableCaption: (title, period) => (period ? `${title}, ${period}` : `${title}, by period`),
    keyFiguresCaption: (section, period) => `${section}: key figures${period ? `, ${period}` : ', by period'}`,
    periodColumn: { month: 'Month', quarter: 'Quarter', year: 'Year' },
    figureColumn: 'Figure',
    valueColumn: 'Number',
    keyValueColumn: 'Value',
    suppressed: 'fewer than 5',
    suppressedMark: '< 5',
    notRecorded: 'not recorded',
    suppressionNote:
      'Numbers under 5 are not published, nor any figure from which such a number could be worked out. They read “fewer than 5” in the tables and “< 5” on the charts.',
    single: (name, value) => `${name}: ${value}.`,
    many: (name, f) =>
      `${name}: ${f.total ? `${f.total} in all, ` : ''}most in ${f.topPeriod} (${f.top})${f.suppressed ? `; ${f.suppressed === 1 ? 'one period' : `${f.suppressed} periods`} with fewer than 5` : ''}.`,
    allSuppressed: (name) => `${name}: fewer than 5 in every period.`,
    noneRecorded: (name) => `${name}: not recorded.`,
    chartLabel: (title) => `Chart: ${title}. The figures are in the table below the chart.`,
    chartsFailed: 'The charts could not be shown just now. Every figure is in the tables.',
    quarter: (n, year, style) => (style === 'long' ? `quarter ${n} ${year}` : `Q${n} ${year}`),
    of: (organisation, span) => `${organisation}, ${span}`,
    print: 'Print the annual report',
    printView: 'Print',
    back: 'Back to the report',
    organisationLine: (name) => `Organisation: ${name}`,
    periodLine: (span) => `Period: ${span}`,
    madeLine: (date) => `Made: ${date}`,
    loaded: (organisation, span) => `The report for ${organisation}, ${span}, is shown.`,
  },
} satisfies Record<Lang, ReportMessages>;
