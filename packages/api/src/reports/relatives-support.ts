/**
 * The yearly follow-up of relatives' support, computed in the database from the report's
 * summary tables (report-facts.ts) with a few set-based queries, then de-identified here:
 * every count under the threshold, and every count from which one could be worked out, is
 * suppressed (suppression.ts). docs/reports.md says what each figure counts.
 *
 * Every period is computed whole, by the calendar, and suppression is decided over the whole
 * calendar years a report touches (their months, quarters and years together), whatever was
 * asked: a period's figures are the same in every report that holds them, so no two reports
 * can be set against each other to reveal what either hides.
 */
import {
  commitmentKindFigureId,
  reportCommitmentKinds,
  reportFigureIds,
  reportKindSums,
  reportFigures,
  reportPeriods,
  reportSectionIds,
  SUPPRESSION_THRESHOLD,
  type FigureValue,
  type CommitmentOutcome,
  type RelativesSupportReport,
  type ReportCommitmentKind,
  type ReportFigureId,
  type ReportGranularity,
} from '@sip/shared';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import { protect, type SumRelation } from './suppression.ts';

/** A kind of summary row, as the database counts it by month, and the figure it feeds. */
const ADDITIVE_KINDS: Record<string, ReportFigureId[]> = {
  'plan.new': ['plans.new'],
  'status.followed_up': ['plans.followed-up'],
  'status.closed': ['plans.closed'],
  'home-consent.given': ['home-consent.given'],
  'home-consent.refused': ['home-consent.refused'],
  'support.conversation': ['support.offered.conversation'],
  'support.respite': ['support.offered.respite'],
  'support.groups': ['support.offered.groups'],
  'support.training': ['support.offered.training'],
  'support.taken-up.conversation': ['support.taken-up.conversation'],
  'support.taken-up.respite': ['support.taken-up.respite'],
  'support.taken-up.groups': ['support.taken-up.groups'],
  'support.taken-up.training': ['support.taken-up.training'],
  'request.contact-consultant': ['requests.contact-consultant'],
  'request.contact-consultant.handled': ['requests.contact-consultant.handled'],
  'request.needs-assessment': ['requests.needs-assessment'],
  'request.needs-assessment.handled': ['requests.needs-assessment.handled'],
  'request.leave-role': ['withdrawals.leave-role'],
  'withdrawal.replanned': ['withdrawals.replanned'],
  'follow-up.due': ['follow-ups.due'],
  'follow-up.on-time': ['follow-ups.on-time'],
};

/** A commitment event's status → the outcome it counts as. */
const COMMITMENT_OUTCOMES: Record<string, { total: ReportFigureId[]; outcome?: CommitmentOutcome }> = {
  requested: { total: ['commitments.proposed'], outcome: 'proposed' },
  accepted: { total: ['commitments.accepted'], outcome: 'accepted' },
  declined: { total: ['commitments.declined'], outcome: 'declined' },
  withdrawn: { total: ['commitments.withdrawn', 'withdrawals.commitments'], outcome: 'withdrawn' },
  reconfirmed: { total: ['commitments.reconfirmed'], outcome: 'reconfirmed' },
  cancelled: { total: ['commitments.cancelled'] },
};
const KINDS: ReadonlySet<string> = new Set(reportCommitmentKinds);

/**
 * The figures a kind of summary row feeds. A commitment event (`commitment.<status>.<kind>`)
 * feeds its outcome's total and the outcome's figure for its kind; a kind the report does not
 * know counts as `unspecified`, so the kinds always sum to the total.
 */
function figuresOf(kind: string): ReportFigureId[] | undefined {
  const commitment = /^commitment\.([a-z]+)\.(.+)$/.exec(kind);
  if (!commitment) return ADDITIVE_KINDS[kind];
  const outcome = COMMITMENT_OUTCOMES[commitment[1]!];
  if (!outcome) return undefined;
  const commitmentKind = (KINDS.has(commitment[2]!) ? commitment[2] : 'unspecified') as ReportCommitmentKind;
  return outcome.outcome ? [...outcome.total, commitmentKindFigureId(outcome.outcome, commitmentKind)] : outcome.total;
}

/** The medians, from the days kept with these kinds of summary rows. */
const MEDIAN_KINDS: Record<string, ReportFigureId> = {
  'commitment.answered': 'commitments.answer-median-days',
  'request.contact-consultant.handled': 'requests.contact-consultant.median-days',
  'request.needs-assessment.handled': 'requests.needs-assessment.median-days',
  'withdrawal.replanned': 'withdrawals.replan-median-days',
};

/** Figures the service does not record. */
const NOT_RECORDED: ReadonlySet<ReportFigureId> = new Set([]);

/**
 * Parts of a published count whose rest is not published: the rest is a hidden cell, which
 * the suppression keeps from being worked out too.
 */
const SUBSETS: { whole: ReportFigureId; part: ReportFigureId; rest: string }[] = [
  { whole: 'plans.active', part: 'plans.with-relatives', rest: '~plans.without-relatives' },
  { whole: 'relatives.taking-part', part: 'relatives.children', rest: '~relatives.adults' },
  { whole: 'follow-ups.due', part: 'follow-ups.on-time', rest: '~follow-ups.not-on-time' },
];
/** The same count under two names. */
const SAME: [ReportFigureId, ReportFigureId][] = [['withdrawals.commitments', 'commitments.withdrawn']];

const isCount = (id: ReportFigureId) => reportFigures[id].unit === 'count' && !NOT_RECORDED.has(id);
const cellKey = (period: string, figure: string) => `${period}|${figure}`;

interface Period {
  key: string;
  start: string;
  end: string;
}

/** Every month, quarter and year of the calendar years from `fromYear` to `toYear`. */
function calendar(fromYear: number, toYear: number): { months: Period[]; quarters: Period[]; years: Period[] } {
  const from = `${fromYear}-01-01`;
  const to = `${toYear}-12-31`;
  return { months: reportPeriods(from, to, 'month'), quarters: reportPeriods(from, to, 'quarter'), years: reportPeriods(from, to, 'year') };
}

interface OrganisationFigures {
  /** Counts by period and figure (every period of the calendar years). */
  counts: Map<string, number>;
  /** Medians by period and figure, with how many they are the median of. */
  medians: Map<string, { median: number; of: number }>;
}

/**
 * The median of values given as counts of each value, as SQL's percentile_cont(0.5) takes it: the
 * middle value, or halfway between the two middle ones; with how many values it is the median of.
 */
export function medianOf(counts: ReadonlyMap<number, number>): { median: number; of: number } {
  const values = [...counts.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const of = values.reduce((sum, [, n]) => sum + n, 0);
  /** The value at a position (from 0) in the sorted values. */
  const at = (position: number): number => {
    let seen = 0;
    for (const [value, n] of values) {
      seen += n;
      if (position < seen) return value;
    }
    return Number.NaN;
  };
  const median = of % 2 === 1 ? at((of - 1) / 2) : (at(of / 2 - 1) + at(of / 2)) / 2;
  return { median, of };
}

/** The organisations' raw figures, from the summary tables: additive counts by month, the rest by period. */
async function rawFigures(outer: Db, organisationIds: readonly string[], fromYear: number, toYear: number): Promise<Map<string, OrganisationFigures>> {
  return outer.transaction(async (txRaw) => {
    const db = txRaw as unknown as Db;
    // The queries read and sort every fact of the years asked for: sorted in memory, not on disk, and
    // without JIT, whose compiling (about a second) costs more than it saves on these statements.
    await db.execute(sql`set local jit = off`);
    await db.execute(sql`set local work_mem = '64MB'`);
    return figuresFromSummary(db, organisationIds, fromYear, toYear);
  });
}

async function figuresFromSummary(db: Db, organisationIds: readonly string[], fromYear: number, toYear: number): Promise<Map<string, OrganisationFigures>> {
  const { months, quarters, years } = calendar(fromYear, toYear);
  const all = [...months, ...quarters, ...years];
  const from = `${fromYear}-01-01`;
  const to = `${toYear}-12-31`;
  const orgs = JSON.stringify(organisationIds);
  const fromTs = sql`(${from}::date::timestamp at time zone 'UTC')`;
  const toTs = sql`((${to}::date + 1)::timestamp at time zone 'UTC')`;
  const pl = sql`pl as (
    select organisation_id as org, plan_id from plan_organisations
    where organisation_id in (select jsonb_array_elements_text(${orgs}::jsonb)) and access in ('initiator', 'member'))`;
  const monthly = rowsOf<{ org: string; month: string; kind: string; n: number }>(
    await db.execute(sql`
      with ${pl}
      -- By day first: the planner counts days and kinds in memory, where grouping by a month's name
      -- straight away would have it sort every fact.
      select org, to_char(on_day, 'YYYY-MM') as month, kind, sum(n)::int as n from (
        select pl.org, f.on_day, f.kind, count(*) as n
          from report_facts f join pl on pl.plan_id = f.plan_id
          where f.on_day between ${from}::date and ${to}::date
          group by 1, 2, 3
      ) by_day group by 1, 2, 3
      union all
      select pl.org, to_char(s.from_at at time zone 'UTC', 'YYYY-MM'), 'status.' || s.status, count(*)::int
        from report_status_spans s join pl on pl.plan_id = s.plan_id
        where s.status in ('followed_up', 'closed') and s.from_at >= ${fromTs} and s.from_at < ${toTs}
        group by 1, 2, 3
      union all
      select pl.org, to_char(p.created_at at time zone 'UTC', 'YYYY-MM'), 'plan.new', count(*)::int
        from plans p join pl on pl.plan_id = p.id
        where p.created_at >= ${fromTs} and p.created_at < ${toTs}
        group by 1, 2, 3
      union all
      select pl.org, to_char(i.first_at at time zone 'UTC', 'YYYY-MM'), i.kind, count(*)::int
        from report_items i join pl on pl.plan_id = i.plan_id
        where i.kind like 'support.%' and i.first_at >= ${fromTs} and i.first_at < ${toTs}
        group by 1, 2, 3
      union all
      select d.org, to_char(d.due, 'YYYY-MM'), 'follow-up.due', count(*)::int from (
        select pl.org, s.plan_id, s.due_on as due from report_status_spans s join pl on pl.plan_id = s.plan_id
          where s.status = 'followed_up' and s.due_on between ${from}::date and ${to}::date
        union
        select pl.org, p.id, p.follow_up_date from plans p join pl on pl.plan_id = p.id
          where p.follow_up_date between ${from}::date and ${to}::date
      ) d group by 1, 2, 3
      union all
      select d.org, to_char(d.due, 'YYYY-MM'), 'follow-up.on-time', count(*)::int from (
        select distinct pl.org, s.plan_id, s.due_on as due from report_status_spans s join pl on pl.plan_id = s.plan_id
          where s.status = 'followed_up' and s.due_on between ${from}::date and ${to}::date
            and (s.from_at at time zone 'UTC')::date <= s.due_on
      ) d group by 1, 2, 3`),
  );
  const periodValues = sql.join(
    all.map((p) => sql`(${p.key}, ${p.start}::date, ${p.end}::date)`),
    sql`, `,
  );
  // What is not a sum of months: plans active in a period (each once, however many spans), and
  // their relatives seen by its end. A plan counts as having relatives by its first one.
  const perPeriod = rowsOf<{ org: string; key: string; active: number; withRelatives: number; relatives: number; children: number }>(
    await db.execute(sql`
      with ${pl},
      p(key, s, e) as (values ${periodValues}),
      active as (
        select distinct pl.org, p.key, p.e, sp.plan_id
          from p join report_status_spans sp
            on sp.status in ('active', 'followed_up')
            and sp.from_at < ((p.e + 1)::timestamp at time zone 'UTC')
            and (sp.until_at is null or sp.until_at >= (p.s::timestamp at time zone 'UTC'))
          join pl on pl.plan_id = sp.plan_id),
      firsts as (
        select plan_id, min(first_at) as first_at from report_items where kind = 'relative' group by plan_id),
      counted as (
        select a.org, a.key, count(*) as active, count(f.plan_id) as with_relatives
          from active a left join firsts f on f.plan_id = a.plan_id and f.first_at < ((a.e + 1)::timestamp at time zone 'UTC')
          group by 1, 2),
      rel as (
        select a.org, a.key, count(*) as relatives, count(*) filter (where i.child) as children
          from active a join report_items i
            on i.plan_id = a.plan_id and i.kind = 'relative' and i.first_at < ((a.e + 1)::timestamp at time zone 'UTC')
          group by 1, 2)
      select c.org, c.key, c.active::int as "active", c.with_relatives::int as "withRelatives",
          coalesce(r.relatives, 0)::int as "relatives", coalesce(r.children, 0)::int as "children"
        from counted c left join rel r on r.org = c.org and r.key = c.key`),
  );
  // The days each median is taken over, counted by month and number of days; the medians of
  // months, quarters and years are then read off these counts.
  const medianDays = rowsOf<{ org: string; month: string; kind: string; days: number; n: number }>(
    await db.execute(sql`
      with ${pl}
      select org, to_char(on_day, 'YYYY-MM') as month, kind, days, sum(n)::int as n from (
        select pl.org, f.on_day, f.kind, f.days, count(*) as n
          from report_facts f join pl on pl.plan_id = f.plan_id
          where f.on_day between ${from}::date and ${to}::date and f.days is not null
            and f.kind in (${sql.join(Object.keys(MEDIAN_KINDS).map((k) => sql`${k}`), sql`, `)})
          group by 1, 2, 3, 4
      ) by_day group by 1, 2, 3, 4`),
  );

  const result = new Map<string, OrganisationFigures>();
  const of = (org: string) => {
    let figures = result.get(org);
    if (!figures) result.set(org, (figures = { counts: new Map(), medians: new Map() }));
    return figures;
  };
  for (const org of organisationIds) of(org);
  const quarterOf = (month: string) => `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
  for (const row of monthly) {
    const figures = figuresOf(row.kind);
    if (!figures) continue;
    const counts = of(row.org).counts;
    for (const figure of figures) {
      for (const period of [row.month, quarterOf(row.month), row.month.slice(0, 4)]) {
        const key = cellKey(period, figure);
        counts.set(key, (counts.get(key) ?? 0) + Number(row.n));
      }
    }
  }
  for (const row of perPeriod) {
    const counts = of(row.org).counts;
    counts.set(cellKey(row.key, 'plans.active'), Number(row.active));
    counts.set(cellKey(row.key, 'plans.with-relatives'), Number(row.withRelatives));
    counts.set(cellKey(row.key, 'relatives.taking-part'), Number(row.relatives));
    counts.set(cellKey(row.key, 'relatives.children'), Number(row.children));
  }
  // Days by period and figure: each count of days in its month, its quarter and its year.
  const days = new Map<string, Map<string, Map<number, number>>>();
  for (const row of medianDays) {
    const figure = MEDIAN_KINDS[row.kind]!;
    let byCell = days.get(row.org);
    if (!byCell) days.set(row.org, (byCell = new Map()));
    for (const period of [row.month, quarterOf(row.month), row.month.slice(0, 4)]) {
      const key = cellKey(period, figure);
      let histogram = byCell.get(key);
      if (!histogram) byCell.set(key, (histogram = new Map()));
      histogram.set(Number(row.days), (histogram.get(Number(row.days)) ?? 0) + Number(row.n));
    }
  }
  for (const [org, byCell] of days) {
    for (const [key, histogram] of byCell) of(org).medians.set(key, medianOf(histogram));
  }
  return result;
}

/** The sums that tie the cells of whole calendar years: periods, parts of a whole, a total and its kinds, the same count twice. */
function relationsFor(fromYear: number, toYear: number): { relations: SumRelation[] } {
  const { months, quarters, years } = calendar(fromYear, toYear);
  const relations: SumRelation[] = [];
  const additive = reportFigureIds.filter((id) => isCount(id) && reportFigures[id].additive) as string[];
  const hiddenAdditive = SUBSETS.filter((s) => reportFigures[s.whole].additive).map((s) => s.rest);
  for (const figure of [...additive, ...hiddenAdditive]) {
    for (const year of years) {
      const inYear = (p: Period) => p.key.startsWith(year.key);
      relations.push({ total: cellKey(year.key, figure), parts: months.filter(inYear).map((m) => cellKey(m.key, figure)) });
      relations.push({ total: cellKey(year.key, figure), parts: quarters.filter(inYear).map((q) => cellKey(q.key, figure)) });
    }
    for (const quarter of quarters) {
      relations.push({ total: cellKey(quarter.key, figure), parts: months.filter((m) => m.start >= quarter.start && m.end <= quarter.end).map((m) => cellKey(m.key, figure)) });
    }
  }
  for (const period of [...months, ...quarters, ...years]) {
    for (const subset of SUBSETS) {
      relations.push({ total: cellKey(period.key, subset.whole), parts: [cellKey(period.key, subset.part), cellKey(period.key, subset.rest)] });
    }
    for (const [a, b] of SAME) relations.push({ total: cellKey(period.key, a), parts: [cellKey(period.key, b)] });
    for (const sum of reportKindSums) relations.push({ total: cellKey(period.key, sum.total), parts: sum.parts.map((part) => cellKey(period.key, part)) });
  }
  return { relations };
}

/** The published value of every figure of every period of the calendar years, for one organisation. */
export function deidentify(figures: OrganisationFigures, fromYear: number, toYear: number): Map<string, FigureValue> {
  const { months, quarters, years } = calendar(fromYear, toYear);
  const periods = [...months, ...quarters, ...years];
  const { relations } = relationsFor(fromYear, toYear);
  const values = new Map<string, number>();
  const hidden = new Set<string>();
  for (const period of periods) {
    for (const id of reportFigureIds) if (isCount(id)) values.set(cellKey(period.key, id), figures.counts.get(cellKey(period.key, id)) ?? 0);
    for (const subset of SUBSETS) {
      const rest = cellKey(period.key, subset.rest);
      values.set(rest, (values.get(cellKey(period.key, subset.whole)) ?? 0) - (values.get(cellKey(period.key, subset.part)) ?? 0));
      hidden.add(rest);
    }
  }
  const published = protect({ values, relations, hidden, threshold: SUPPRESSION_THRESHOLD });
  const out = new Map<string, FigureValue>();
  for (const period of periods) {
    for (const id of reportFigureIds) {
      const key = cellKey(period.key, id);
      if (NOT_RECORDED.has(id)) out.set(key, { notRecorded: true });
      else if (isCount(id)) out.set(key, published.has(key) ? values.get(key)! : { suppressed: true });
    }
    for (const [key, median] of figures.medians) {
      if (key.startsWith(`${period.key}|`)) out.set(key, median.of >= SUPPRESSION_THRESHOLD ? Math.round(median.median * 10) / 10 : { suppressed: true });
    }
    for (const id of reportFigureIds) {
      const key = cellKey(period.key, id);
      if (reportFigures[id].unit === 'days' && !out.has(key)) out.set(key, { suppressed: true });
    }
    const taking = cellKey(period.key, 'relatives.taking-part');
    const withRelatives = cellKey(period.key, 'plans.with-relatives');
    out.set(
      cellKey(period.key, 'relatives.per-plan'),
      published.has(taking) && published.has(withRelatives) && values.get(withRelatives)! > 0
        ? Math.round((values.get(taking)! / values.get(withRelatives)!) * 100) / 100
        : { suppressed: true },
    );
  }
  return out;
}

/** The report for the given organisations, de-identified, in the shape of `relativesSupportReportSchema`. */
export async function relativesSupportReport(
  db: Db,
  organisations: readonly { id: string; name: string; kind: 'region' | 'municipality' }[],
  query: { from: string; to: string; by: ReportGranularity },
  now: Date,
): Promise<RelativesSupportReport> {
  const fromYear = Number(query.from.slice(0, 4));
  const toYear = Number(query.to.slice(0, 4));
  const raw = await rawFigures(
    db,
    organisations.map((o) => o.id),
    fromYear,
    toYear,
  );
  const periods = reportPeriods(query.from, query.to, query.by);
  const sorted = [...organisations].sort((a, b) => a.id.localeCompare(b.id));
  return {
    report: 'relatives-support',
    from: query.from,
    to: query.to,
    by: query.by,
    generatedAt: now.toISOString(),
    suppressionThreshold: SUPPRESSION_THRESHOLD,
    principals: sorted.map((organisation) => {
      const values = deidentify(raw.get(organisation.id)!, fromYear, toYear);
      return {
        organisation: { id: organisation.id, name: organisation.name },
        kind: organisation.kind,
        periods: periods.map((period) => ({
          ...period,
          sections: reportSectionIds.map((section) => ({
            id: section,
            figures: reportFigureIds
              .filter((id) => reportFigures[id].section === section)
              .map((id) => ({ id, value: values.get(cellKey(period.key, id)) ?? { suppressed: true as const } })),
          })),
        })),
      };
    }),
  };
}
