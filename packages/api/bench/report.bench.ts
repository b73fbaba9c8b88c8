/**
 * The yearly follow-up of relatives' support at scale: 100,000 plans seeded (bench/seed.ts), each
 * then dated within a year and given one to three relatives with a commitment of a kind, support offered (some of it taken up),
 * a request and an answer on the home, and their report summary rebuilt from scratch by the
 * database function the change pipeline calls. Then a year's report by month (and by quarter
 * and year) for the region, computed and de-identified as the API does, timed over several runs.
 *
 *   BENCH_DATABASE_URL=postgres://… npm run bench:report       (BENCH_PLANS=100000 by default)
 */
import { sql } from 'drizzle-orm';
import { organisations } from '../src/demo/world.ts';
import { rowsOf } from '../src/db/rows.ts';
import { relativesSupportReport } from '../src/reports/relatives-support.ts';
import { openBenchDatabase } from './bench-database.ts';
import { timed } from './harness.ts';
import { seedPlans, settleDatabase } from './seed.ts';

const total = Number(process.env.BENCH_PLANS ?? '100000');
const RUNS = Number(process.env.BENCH_RUNS ?? '7');
const YEAR = 2026;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const bench = await openBenchDatabase();
try {
  const { database } = bench;
  const db = database.db;
  const seed = await seedPlans(database, { total, viaService: Math.min(200, total) });
  console.log(`${fmt(seed.planIds.length)} plans seeded in ${fmt(seed.ms / 1000, 1)} s (${bench.label})`);

  // Each plan made on a day of the year, active the next day, a fifth of them closed 100 days on.
  const dated = performance.now();
  await db.execute(sql`update plans set
      created_at = timestamptz '${sql.raw(`${YEAR}-01-01`)} 08:00Z' + floor(random() * 365) * interval '1 day',
      follow_up_date = null`);
  await db.execute(sql`update plans set updated_at = created_at + interval '1 day', follow_up_date = (created_at at time zone 'UTC')::date + 90`);
  await db.execute(sql`delete from report_status_spans`);
  await db.execute(sql`
    insert into report_status_spans (plan_id, status, from_at, until_at, due_on)
    select id, 'draft', created_at, created_at + interval '1 day', null::date from plans
    union all
    select id, 'active', created_at + interval '1 day', case when closing then created_at + interval '100 days' end, null
      from (select id, created_at, random() < 0.2 as closing from plans) p`);
  await db.execute(sql`
    insert into report_status_spans (plan_id, status, from_at)
    select plan_id, 'closed', until_at from report_status_spans where status = 'active' and until_at is not null`);
  // One to three relatives each, one in ten a child, with a commitment answered within 20 days,
  // support offered, a request to the relatives' consultant dealt with within 30 days, and an answer on the home.
  await db.execute(sql`
    update plan_parts pp set content = jsonb_build_object('relatives', (
      select jsonb_agg(jsonb_build_object(
        'id', 'rel-' || g,
        'name', 'Anhörig',
        'relationship', jsonb_build_object('text', 'dotter'),
        'child', random() < 0.1,
        'sharesHome', false,
        'commitments', jsonb_build_array(jsonb_build_object(
          'id', 'c-1', 'kind', (array['personal-care', 'household', 'accompanying', 'supervision', 'contacts', 'finances', 'other'])[1 + floor(random() * 7)::int], 'what', 'Handla', 'howOften', 'Varje vecka', 'from', d::text, 'reviewDate', '2099-01-01',
          'history', jsonb_build_array(
            jsonb_build_object('at', d::text || 'T09:00:00.000Z', 'status', 'requested', 'by', 'staff'),
            jsonb_build_object('at', (d + floor(random() * 20)::int)::text || 'T10:00:00.000Z', 'status', case when random() < 0.8 then 'accepted' else 'declined' end, 'by', 'relative')))),
        'support', jsonb_build_object(
          'offered', case when two then '["conversation","respite"]'::jsonb else '["groups"]'::jsonb end,
          'takenUp', case when random() < 0.5 then jsonb_build_array(jsonb_build_object('kind', case when two then 'respite' else 'groups' end, 'at', (d + 10)::text)) else '[]'::jsonb end,
          'requests', jsonb_build_array(jsonb_build_object('kind', 'contact-consultant', 'at', d::text || 'T11:00:00.000Z', 'handledAt', (d + floor(random() * 30)::int)::text || 'T15:00:00.000Z'))),
        'homeConsent', jsonb_build_object('consent', true, 'at', d::text || 'T12:00:00.000Z', 'history', jsonb_build_array(jsonb_build_object('consent', true, 'at', d::text || 'T12:00:00.000Z')))))
      -- The count from the plan's own id: a random() here would be drawn once for the whole update.
      from generate_series(1, 1 + abs(hashtext(p.id::text)) % 3) g,
        lateral (select (p.created_at at time zone 'UTC')::date as d, random() + g * 0 < 0.5 as two) dd)),
      updated_at = p.created_at
    from plans p where p.id = pp.plan_id and pp.kind = 'relatives'`);
  await db.execute(sql`delete from report_items`);
  const datedMs = performance.now() - dated;
  // The rebuild on settled tables, as a migration meets them on a server in use: on the dating's
  // dead rows and unset hint bits a first rebuild took three times as long as a second.
  await settleDatabase(database);
  const rebuilt = await timed(1, () => db.execute(sql`select sip_report_refresh(array(select id from plans))`));
  // As a server in use keeps its tables (autovacuum): the dating's dead rows cleared, the
  // visibility map set for the summary's new rows, the statistics taken.
  await settleDatabase(database);
  const [counts] = rowsOf<{ facts: number; items: number; spans: number }>(
    await db.execute(sql`select (select count(*) from report_facts)::int as facts, (select count(*) from report_items)::int as items, (select count(*) from report_status_spans)::int as spans`),
  );
  console.log(`  dated and given relatives in ${fmt(datedMs / 1000, 1)} s; summary rebuilt for every plan in ${fmt(rebuilt.median / 1000, 1)} s`);
  console.log(`  summary: ${fmt(counts!.facts)} dated events, ${fmt(counts!.items)} relatives and support offered, ${fmt(counts!.spans)} status spans`);

  const region = { id: organisations.region.id, name: organisations.region.name, kind: 'region' as const };
  const row = (name: string, t: { min: number; median: number; max: number }) =>
    `  ${name.padEnd(44)} median ${fmt(t.median, 1).padStart(8)} ms  (min ${fmt(t.min, 1)}, max ${fmt(t.max, 1)}, ${RUNS} runs)`;
  let sample: Awaited<ReturnType<typeof relativesSupportReport>> | undefined;
  for (const by of ['month', 'quarter', 'year'] as const) {
    const t = await timed(RUNS, async () => {
      sample = await relativesSupportReport(db, [region], { from: `${YEAR}-01-01`, to: `${YEAR}-12-31`, by }, new Date());
    });
    console.log(row(`a year's report by ${by}`, t));
  }
  const year = sample!.principals[0]!.periods[0]!.sections.flatMap((s) => s.figures);
  const shown = (id: string) => JSON.stringify(year.find((f) => f.id === id)?.value);
  console.log(`  e.g. for ${YEAR}: plans.new ${shown('plans.new')}, relatives.taking-part ${shown('relatives.taking-part')}, commitments.answer-median-days ${shown('commitments.answer-median-days')}`);
} finally {
  await bench.drop();
}
