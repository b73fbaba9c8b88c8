import { commitmentKindSchema, relativesSupportReportSchema, reportCommitmentKinds, reportFigures, type FigureValue, type RelativesSupportReport, type ReportFigureId } from '@sip/shared';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { planOrganisations } from '../db/schema.ts';
import { r4Issues } from '../fhir/validate.ts';
import {
  buildTestApp,
  describeEachDatabase,
  expectProblem,
  MUNICIPALITY,
  REGION,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { insertReportPlans, type PlanSpec } from './report-fixtures.ts';

const peers = usePeers();
const ORGS = { region: REGION.id, municipality: MUNICIPALITY.id };

type Cells = Map<string, FigureValue>;

/** Every cell of a report, by `<period>|<figure>`, for the region. */
function cellsOf(report: RelativesSupportReport, organisation: string = REGION.id): Cells {
  const cells: Cells = new Map();
  const principal = report.principals.find((p) => p.organisation.id === organisation);
  for (const period of principal?.periods ?? []) {
    for (const section of period.sections) for (const figure of section.figures) cells.set(`${period.key}|${figure.id}`, figure.value);
  }
  return cells;
}

const SUBSETS: [ReportFigureId, ReportFigureId][] = [
  ['plans.active', 'plans.with-relatives'],
  ['relatives.taking-part', 'relatives.children'],
  ['follow-ups.due', 'follow-ups.on-time'],
];

/**
 * What an attacker learns from the published cells of the month, quarter and year reports of a
 * year, by arithmetic alone: every sum (a year and its months or quarters, a quarter and its
 * months, a whole and its part and the rest, the same count under two names) with one unknown
 * gives it; and a sum whose total is known gives the sum of its unknown parts. Returns the counts
 * in 1..4 so revealed.
 */
function revealedSmallCounts(cells: Cells, year: number): string[] {
  const known = new Map<string, number>();
  for (const [key, value] of cells) if (typeof value === 'number' && reportFigures[key.split('|')[1] as ReportFigureId]?.unit === 'count') known.set(key, value);
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  const quarters = [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  const sums: { total: string; parts: string[] }[] = [];
  const additive = (Object.keys(reportFigures) as ReportFigureId[]).filter((id) => reportFigures[id].unit === 'count' && reportFigures[id].additive);
  const rests = SUBSETS.filter(([whole]) => reportFigures[whole].additive).map(([whole]) => `rest:${whole}`);
  for (const figure of [...additive, ...rests]) {
    sums.push({ total: `${year}|${figure}`, parts: months.map((m) => `${m}|${figure}`) });
    sums.push({ total: `${year}|${figure}`, parts: quarters.map((q) => `${q}|${figure}`) });
    quarters.forEach((q, i) => sums.push({ total: `${q}|${figure}`, parts: months.slice(i * 3, i * 3 + 3).map((m) => `${m}|${figure}`) }));
  }
  for (const period of [String(year), ...quarters, ...months]) {
    for (const [whole, part] of SUBSETS) sums.push({ total: `${period}|${whole}`, parts: [`${period}|${part}`, `${period}|rest:${whole}`] });
    sums.push({ total: `${period}|withdrawals.commitments`, parts: [`${period}|commitments.withdrawn`] });
    // Each outcome's commitments are the sum of its kinds (those without one included).
    for (const outcome of ['proposed', 'accepted', 'declined', 'withdrawn', 'reconfirmed']) {
      sums.push({ total: `${period}|commitments.${outcome}`, parts: reportCommitmentKinds.map((kind) => `${period}|commitments.${outcome}.${kind}`) });
    }
  }
  const revealed: string[] = [];
  const small = (n: number) => n >= 1 && n <= 4;
  for (let changed = true; changed; ) {
    changed = false;
    for (const { total, parts } of sums) {
      const unknown = [total, ...parts].filter((c) => !known.has(c));
      if (unknown.length === 1) {
        const cell = unknown[0]!;
        const value = cell === total ? parts.reduce((s, p) => s + known.get(p)!, 0) : known.get(total)! - parts.filter((p) => p !== cell).reduce((s, p) => s + known.get(p)!, 0);
        known.set(cell, value);
        if (small(value)) revealed.push(`${cell} = ${value}`);
        changed = true;
      }
    }
  }
  for (const { total, parts } of sums) {
    const unknownParts = parts.filter((p) => !known.has(p));
    if (known.has(total) && unknownParts.length >= 2) {
      const rest = known.get(total)! - parts.filter((p) => known.has(p)).reduce((s, p) => s + known.get(p)!, 0);
      if (small(rest)) revealed.push(`${unknownParts.join(' + ')} = ${rest}`);
    }
  }
  return revealed;
}

describeEachDatabase('the yearly follow-up of relatives\u2019 support (GET /api/reports/relatives-support)', (ctx) => {
  let t: TestApp;
  let token: string;
  const get = (query: string, headers: Record<string, string> = {}, as = token) =>
    t.app.request(`/api/reports/relatives-support?${query}`, { headers: { Authorization: `Bearer ${as}`, ...headers } });
  const report = async (query: string): Promise<RelativesSupportReport> => {
    const res = await get(query);
    expect(res.status).toBe(200);
    return relativesSupportReportSchema.parse(await res.json());
  };
  /** Removes every plan, so each test counts only its own. */
  const clear = () =>
    ctx.asOwner((db) =>
      db.execute(sql`truncate report_facts, report_items, report_status_spans, plan_organisations, plan_parts, plan_revisions, plan_events, outbox, plan_sources, worklist_notices, plans`),
    );

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    token = await t.tokenFor('region-coordinator');
  });
  afterAll(async () => {
    await t?.events.close();
  });

  it('counts what each figure says, publishing counts of 5 or more, and never a count from which one under 5 can be worked out', async () => {
    await clear();
    const relative = {
      commitments: [{ proposed: '2025-03-10', kind: 'household', events: [{ status: 'accepted' as const, on: '2025-03-12' }] }],
      offered: ['respite' as const],
      takenUp: [{ kind: 'respite' as const, on: '2025-04-02' }],
    };
    // Eight plans in March, each with a relative who took two days to accept; six in April. The
    // April plans' relatives are children; one March plan has a second relative.
    await insertReportPlans(
      ctx.database.db,
      [
        ...Array.from({ length: 8 }, (_, i): PlanSpec => ({ created: '2025-03-05', statuses: [{ status: 'active', from: '2025-03-06' }], relatives: i === 0 ? [relative, relative] : [relative] })),
        ...Array.from({ length: 6 }, (): PlanSpec => ({ created: '2025-04-05', statuses: [{ status: 'active', from: '2025-04-06' }], relatives: [{ child: true }] })),
      ],
      ORGS,
    );
    const months = cellsOf(await report('from=2025-01-01&to=2025-12-31&by=month'));
    expect(months.get('2025-03|plans.new')).toBe(8);
    expect(months.get('2025-04|plans.new')).toBe(6);
    expect(months.get('2025-01|plans.new')).toEqual({ suppressed: true });
    expect(months.get('2025-03|commitments.proposed')).toBe(9);
    expect(months.get('2025-03|commitments.accepted')).toBe(9);
    expect(months.get('2025-03|commitments.answer-median-days')).toBe(2);
    expect(months.get('2025-03|support.offered.respite')).toBe(9);
    expect(months.get('2025-04|support.taken-up.respite')).toBe(9);
    expect(months.get('2025-03|support.taken-up.respite')).toEqual({ suppressed: true });
    // By kind: all nine were household help; the other kinds (0) are suppressed, and they sum to the total.
    expect(months.get('2025-03|commitments.proposed.household')).toBe(9);
    expect(months.get('2025-03|commitments.accepted.household')).toBe(9);
    expect(months.get('2025-03|commitments.proposed.unspecified')).toEqual({ suppressed: true });
    expect(months.get('2025-04|plans.active')).toBe(14);
    expect(months.get('2025-04|relatives.taking-part')).toBe(15);
    // Children: 6 of 15; the adults (9) are not published but could be worked out: fine, 9 ≥ 5.
    expect(months.get('2025-04|relatives.children')).toBe(6);
    expect(months.get('2025-04|plans.with-relatives')).toBe(14);
    expect(months.get('2025-04|relatives.per-plan')).toBeCloseTo(15 / 14, 2);
    // March: 8 active plans, all with relatives, none of whose 9 relatives is a child: 0 is under 5.
    expect(months.get('2025-03|relatives.children')).toEqual({ suppressed: true });
    const year = cellsOf(await report('from=2025-01-01&to=2025-12-31&by=year'));
    expect(year.get('2025|plans.new')).toBe(14);
    const quarters = cellsOf(await report('from=2025-01-01&to=2025-12-31&by=quarter'));
    expect(quarters.get('2025-Q1|plans.new')).toBe(8);
    expect(quarters.get('2025-Q2|plans.new')).toBe(6);
  });

  it('tells two relatives\u2019 commitments apart: each answer and each re-planning is paired with its own relative\u2019s proposal', async () => {
    await clear();
    // Both relatives' first commitment is proposed the same day; the first answers in 1 day and
    // withdraws on 10 March (re-planned 5 days on), the second in 7 days and withdraws on 20
    // March (re-planned 2 days on). Paired across relatives, the days would come out otherwise.
    const relative = (accepted: string, withdrawn: string, replanned: string) => ({
      commitments: [
        {
          proposed: '2025-03-01',
          events: [
            { status: 'accepted' as const, on: accepted },
            { status: 'withdrawn' as const, on: withdrawn },
            { status: 'requested' as const, on: replanned },
          ],
        },
      ],
    });
    const [id] = await insertReportPlans(
      ctx.database.db,
      [{ created: '2025-02-20', relatives: [relative('2025-03-02', '2025-03-10', '2025-03-15'), relative('2025-03-08', '2025-03-20', '2025-03-22')] }],
      ORGS,
    );
    const facts = await ctx.asOwner(async (db) =>
      rowsOf<{ kind: string; days: number }>(
        await db.execute(sql`select kind, days from report_facts where plan_id = ${id} and kind in ('commitment.answered', 'withdrawal.replanned') order by kind, days`),
      ),
    );
    expect(facts).toEqual([
      { kind: 'commitment.answered', days: 1 },
      { kind: 'commitment.answered', days: 7 },
      { kind: 'withdrawal.replanned', days: 2 },
      { kind: 'withdrawal.replanned', days: 5 },
    ]);
  });

  it('keeps the refresh planned once per connection: its statements run on a generic plan, without JIT', async () => {
    // Planned again on every call, a one-plan refresh (each answer of a relative) took about ten times as long.
    const [fn] = await ctx.asOwner(async (db) =>
      rowsOf<{ config: string }>(await db.execute(sql`select array_to_string(proconfig, ' ') as config from pg_proc where proname = 'sip_report_refresh'`)),
    );
    expect(fn?.config.split(' ')).toEqual(expect.arrayContaining(['jit=off', 'plan_cache_mode=force_generic_plan']));
  });

  it('suppresses the parts when a total less the published parts would give a count under 5 away (tempting re-identification)', async () => {
    await clear();
    // Ten plans in March and three in April: the year (13) is published, so March (10) must not
    // be, or April's three would be the year less March; likewise the first quarter.
    await insertReportPlans(
      ctx.database.db,
      [...Array.from({ length: 10 }, (): PlanSpec => ({ created: '2025-03-05' })), ...Array.from({ length: 3 }, (): PlanSpec => ({ created: '2025-04-05' }))],
      ORGS,
    );
    const cells = new Map([
      ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=month')),
      ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=quarter')),
      ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=year')),
    ]);
    expect(cells.get('2025|plans.new')).toBe(13);
    expect(cells.get('2025-03|plans.new')).toEqual({ suppressed: true });
    expect(cells.get('2025-04|plans.new')).toEqual({ suppressed: true });
    expect(cells.get('2025-Q1|plans.new')).toEqual({ suppressed: true });
    expect(revealedSmallCounts(cells, 2025)).toEqual([]);
    // The same figures whichever span is asked: a shorter one cannot be set against a longer one.
    const march = cellsOf(await report('from=2025-03-01&to=2025-04-30&by=month'));
    expect(march.get('2025-03|plans.new')).toEqual({ suppressed: true });
  });

  it('suppresses the kinds of commitment when the total less the published kinds would give a count under 5 away', async () => {
    await clear();
    // Nine commitments proposed in March: six of household help, three of personal care. The
    // total (9) and the household ones (6) are both 5 or more, but together they give the three away.
    const commitment = (kind: string) => ({ relatives: [{ commitments: [{ proposed: '2025-03-10', kind }] }] });
    await insertReportPlans(
      ctx.database.db,
      [...Array.from({ length: 6 }, (): PlanSpec => ({ created: '2025-03-05', ...commitment('household') })), ...Array.from({ length: 3 }, (): PlanSpec => ({ created: '2025-03-05', ...commitment('personal-care') }))],
      ORGS,
    );
    const cells = new Map([
      ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=month')),
      ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=quarter')),
      ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=year')),
    ]);
    expect(cells.get('2025-03|commitments.proposed.personal-care')).toEqual({ suppressed: true });
    expect([cells.get('2025-03|commitments.proposed'), cells.get('2025-03|commitments.proposed.household')]).toContainEqual({ suppressed: true });
    expect(revealedSmallCounts(cells, 2025)).toEqual([]);
  });

  it('for any set of plans, publishes no count under 5 and no cells from which one could be worked out (property)', async () => {
    const day = fc.integer({ min: 0, max: 364 }).map((d) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
    const later = (from: string, days: number) => {
      const next = new Date(Date.parse(from) + days * 86_400_000).toISOString().slice(0, 10);
      return next > '2025-12-31' ? '2025-12-31' : next;
    };
    const planArb = fc
      .record({
        created: day,
        activeAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
        closeAfter: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
        followUpAfter: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
        followedUpLate: fc.integer({ min: -10, max: 10 }),
        relatives: fc.array(
          fc.record({
            child: fc.boolean(),
            answers: fc.array(fc.record({ kind: fc.oneof(fc.constantFrom('household', 'personal-care'), fc.option(fc.constantFrom(...commitmentKindSchema.options), { nil: undefined })), reconfirmAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }), after: fc.integer({ min: 0, max: 40 }), status: fc.constantFrom('accepted' as const, 'declined' as const), withdrawAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }) }), { maxLength: 2 }),
            offered: fc.subarray(['conversation', 'respite', 'groups', 'training'] as const),
            takenUpAfter: fc.array(fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }), { minLength: 4, maxLength: 4 }),
            request: fc.option(fc.record({ kind: fc.constantFrom('contact-consultant' as const, 'needs-assessment' as const, 'leave-role' as const), handledAfter: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) }), { nil: undefined }),
            home: fc.option(fc.boolean(), { nil: undefined }),
          }),
          { maxLength: 3 },
        ),
      })
      .map((p): PlanSpec => {
        const statuses: NonNullable<PlanSpec['statuses']> = [];
        let followUp: string | undefined;
        let followedUpDue: string | undefined;
        if (p.activeAfter !== undefined) {
          const active = later(p.created, p.activeAfter);
          statuses.push({ status: 'active', from: active });
          if (p.followUpAfter !== undefined) {
            followUp = later(active, p.followUpAfter);
            const done = later(followUp, p.followedUpLate);
            if (done > active) {
              statuses.push({ status: 'followed_up', from: done });
              followedUpDue = followUp;
            }
          }
          if (p.closeAfter !== undefined) {
            const closed = later(statuses.at(-1)!.from, p.closeAfter);
            if (closed > statuses.at(-1)!.from) statuses.push({ status: 'closed', from: closed });
          }
        }
        return {
          created: p.created,
          statuses,
          ...(followUp ? { followUp } : {}),
          ...(followedUpDue ? { followedUpDue } : {}),
          relatives: p.relatives.map((r) => ({
            child: r.child,
            offered: [...r.offered],
            takenUp: r.offered.flatMap((kind, i) => (r.takenUpAfter[i] === undefined ? [] : [{ kind, on: later(p.created, r.takenUpAfter[i]) }])),
            commitments: r.answers.map((a) => {
              const answered = later(p.created, a.after);
              const after =
                a.status !== 'accepted' ? [] : a.withdrawAfter !== undefined ? [{ status: 'withdrawn' as const, on: later(answered, a.withdrawAfter) }] : a.reconfirmAfter !== undefined ? [{ status: 'reconfirmed' as const, on: later(answered, a.reconfirmAfter) }] : [];
              return {
                proposed: p.created,
                ...(a.kind ? { kind: a.kind } : {}),
                events: [{ status: a.status, on: answered }, ...after],
              };
            }),
            requests: r.request ? [{ kind: r.request.kind, on: p.created, ...(r.request.handledAfter !== undefined ? { handled: later(p.created, r.request.handledAfter) } : {}) }] : [],
            homeConsent: r.home === undefined ? [] : [{ consent: r.home, on: p.created }],
          })),
        };
      });
    await fc.assert(
      fc.asyncProperty(fc.array(planArb, { minLength: 0, maxLength: 40 }), async (specs) => {
        await clear();
        await insertReportPlans(ctx.database.db, specs, ORGS);
        const cells = new Map([
          ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=month')),
          ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=quarter')),
          ...cellsOf(await report('from=2025-01-01&to=2025-12-31&by=year')),
        ]);
        for (const [key, value] of cells) {
          if (typeof value === 'number' && reportFigures[key.split('|')[1] as ReportFigureId].unit === 'count') expect(value, key).toBeGreaterThanOrEqual(5);
        }
        expect(revealedSmallCounts(cells, 2025)).toEqual([]);
      }),
      { numRuns: 12 },
    );
  }, 600_000);

  it('holds no identifier, name or free text of a plan or a person', async () => {
    await clear();
    const ids = await insertReportPlans(
      ctx.database.db,
      Array.from({ length: 6 }, (): PlanSpec => ({ created: '2025-05-05', statuses: [{ status: 'active', from: '2025-05-06' }], relatives: [{ requests: [{ kind: 'contact-consultant', on: '2025-05-07', handled: '2025-05-09' }] }] })),
      ORGS,
    );
    for (const format of ['json', 'csv', 'fhir']) {
      const text = await (await get(`from=2025-01-01&to=2025-12-31&by=quarter&format=${format}`)).text();
      for (const id of ids) expect(text).not.toContain(id);
      for (const words of ['194003019801', 'Xylofon', 'rel-1', 'Handla']) expect(text).not.toContain(words);
      expect(text).toContain(REGION.id);
    }
  });

  it('is kept by the change pipeline: a plan made, given a relative and a commitment through the API is counted', async () => {
    await clear();
    const coordinator = await staffClient(t, 'region-coordinator');
    const plan = await coordinator.createSharedPlan({ overallResponsibility: 'region' });
    let res = await coordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: plan.version, body: { status: 'active' } });
    expect(res.status).toBe(200);
    // The relatives the upstreams hold came in with the plan; staff propose a commitment to one.
    res = await coordinator.request(`/api/plans/${plan.id}/relatives`);
    const section = (await res.json()) as { relatives: { id: string; child: boolean }[] };
    const relative = section.relatives.find((r) => !r.child)!;
    res = await coordinator.request(`/api/plans/${plan.id}/relatives/${relative.id}/commitments`, {
      method: 'POST',
      ifMatch: res.headers.get('etag')!,
      body: { kind: 'household', what: 'Handla', howOften: 'Varje vecka', from: '2026-12-01', reviewDate: '2027-03-01' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const db = ctx.database.db;
    const spans = rowsOf<{ status: string; open: boolean }>(await db.execute(sql`select status, until_at is null as open from report_status_spans where plan_id = ${plan.id} order by from_at`));
    expect(spans).toEqual([
      { status: 'draft', open: false },
      { status: 'active', open: true },
    ]);
    const items = rowsOf<{ item: string; kind: string }>(await db.execute(sql`select item, kind from report_items where plan_id = ${plan.id}`));
    expect(items.filter((i) => i.kind === 'relative').map((i) => i.item).sort()).toEqual(section.relatives.map((r) => r.id).sort());
    const facts = rowsOf<{ kind: string }>(await db.execute(sql`select kind from report_facts where plan_id = ${plan.id}`));
    expect(facts).toEqual([{ kind: 'commitment.requested.household' }]);
  }, 120_000);

  it('exports CSV that Swedish Excel opens: semicolons, UTF-8 with BOM, decimal comma, CRLF, the words for suppressed', async () => {
    await clear();
    // Six answers in March after 1, 1, 2, 3, 3 and 4 days: the median is 2.5.
    const after = [1, 1, 2, 3, 3, 4];
    await insertReportPlans(
      ctx.database.db,
      after.map((d): PlanSpec => ({ created: '2025-03-02', relatives: [{ commitments: [{ proposed: '2025-03-02', events: [{ status: 'declined', on: `2025-03-0${2 + d}` }] }] }] })),
      ORGS,
    );
    for (const headers of [{ Accept: 'text/csv' }, {}] as Record<string, string>[]) {
      const res = await get(`from=2025-01-01&to=2025-03-31&by=month${'Accept' in headers ? '' : '&format=csv'}`, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
      const lines = text.split('\r\n');
      expect(lines.at(-1)).toBe('');
      expect(text.replaceAll('\r\n', '')).not.toContain('\n');
      expect(lines[0]).toBe('Organisation;HSA-id;Period;Från;Till;Avsnitt;Mått-id;Mått;Värde');
      expect(lines).toContain(`${REGION.name};${REGION.id};2025-03;2025-03-01;2025-03-31;commitments;commitments.answer-median-days;Dagar till svar (median);2,5`);
      expect(lines).toContain(`${REGION.name};${REGION.id};2025-03;2025-03-01;2025-03-31;commitments;commitments.declined;Åtaganden avböjda;6`);
      expect(lines).toContain(`${REGION.name};${REGION.id};2025-03;2025-03-01;2025-03-31;commitments;commitments.declined.unspecified;Åtaganden avböjda: typ inte angiven;6`);
      expect(lines).toContain(`${REGION.name};${REGION.id};2025-03;2025-03-01;2025-03-31;commitments;commitments.declined.household;Åtaganden avböjda: hushåll och praktisk hjälp;färre än 5`);
      expect(lines).toContain(`${REGION.name};${REGION.id};2025-03;2025-03-01;2025-03-31;support;support.taken-up.respite;Tagit emot avlösning;färre än 5`);
      expect(lines).toContain(`${REGION.name};${REGION.id};2025-03;2025-03-01;2025-03-31;commitments;commitments.accepted;Åtaganden accepterade;färre än 5`);
    }
  });

  it('exports FHIR R4 MeasureReports (summary) that validate and that a strict FHIR server stores', async () => {
    await clear();
    await insertReportPlans(ctx.database.db, Array.from({ length: 7 }, (): PlanSpec => ({ created: '2025-02-02' })), ORGS);
    const res = await get('from=2025-01-01&to=2025-06-30&by=quarter', { Accept: 'application/fhir+json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = (await res.json()) as { resourceType: string; type: string; entry: { resource: { resourceType: string; type: string; period: { start: string }; group: { code: { coding: { code: string }[] }; population?: { count: number }[]; extension?: { valueCode: string }[] }[] } }[] };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.entry.map((e) => e.resource.period.start)).toEqual(['2025-01-01', '2025-04-01']);
    const q1 = bundle.entry[0]!.resource;
    expect(q1.type).toBe('summary');
    expect(q1.group.find((g) => g.code.coding[0]!.code === 'plans.new')?.population?.[0]?.count).toBe(7);
    expect(q1.group.find((g) => g.code.coding[0]!.code === 'plans.closed')?.extension?.[0]?.valueCode).toBe('masked');
    expect(q1.group.find((g) => g.code.coding[0]!.code === 'commitments.proposed.personal-care')?.extension?.[0]?.valueCode).toBe('masked');
    expect(q1.group.find((g) => g.code.coding[0]!.code === 'support.taken-up.respite')?.extension?.[0]?.valueCode).toBe('masked');
    for (const { resource } of bundle.entry) {
      expect(r4Issues(resource as never)).toEqual([]);
      const stored = await fetch(`${peers.urls.region}/MeasureReport`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(resource) });
      expect(stored.status, await stored.clone().text()).toBe(201);
    }
  });

  it('is for staff and auditors of an organisation, for the plans it takes part in; citizens are refused', async () => {
    await clear();
    await insertReportPlans(ctx.database.db, Array.from({ length: 5 }, (): PlanSpec => ({ created: '2025-02-02' })), ORGS);
    // The municipality takes part in none of them until it is named.
    await ctx.database.db.execute(sql`update ${planOrganisations} set access = 'pending' where organisation_id = ${MUNICIPALITY.id}`);
    for (const persona of ['region-auditor', 'region-physician']) {
      const res = await get('from=2025-01-01&to=2025-12-31&by=year', {}, await t.tokenFor(persona));
      expect(res.status).toBe(200);
      const body = relativesSupportReportSchema.parse(await res.json());
      expect(body.principals.map((p) => p.organisation.id)).toEqual([REGION.id]);
      expect(cellsOf(body).get('2025|plans.new')).toBe(5);
    }
    const municipality = relativesSupportReportSchema.parse(await (await get('from=2025-01-01&to=2025-12-31&by=year', {}, await t.tokenFor('municipality-coordinator'))).json());
    expect(municipality.principals.map((p) => p.organisation.id)).toEqual([MUNICIPALITY.id]);
    expect(cellsOf(municipality, MUNICIPALITY.id).get('2025|plans.new')).toEqual({ suppressed: true });
    await expectProblem(await get('from=2025-01-01&to=2025-12-31', {}, await t.tokenFor('maria')), 403);
    await expectProblem(await t.app.request('/api/reports/relatives-support?from=2025-01-01&to=2025-12-31'), 401);
  });

  it.each([
    ['from after to', 'from=2025-12-01&to=2025-01-31&by=month', '/query/from'],
    ['from not the first day of a quarter', 'from=2025-02-01&to=2025-06-30&by=quarter', '/query/from'],
    ['to not the last day of a month', 'from=2025-01-01&to=2025-01-30&by=month', '/query/to'],
    ['more than five calendar years', 'from=2020-01-01&to=2025-12-31&by=year', '/query/from'],
    ['an unknown parameter', 'from=2025-01-01&to=2025-12-31&by=month&organisation=x', undefined],
    ['an unknown granularity', 'from=2025-01-01&to=2025-12-31&by=week', '/query/by'],
    ['a date that is not one', 'from=2025-02-30&to=2025-12-31', '/query/from'],
    ['a missing date', 'to=2025-12-31', '/query/from'],
    ['an unknown format', 'from=2025-01-01&to=2025-12-31&format=xlsx', '/query/format'],
  ])('refuses %s with a 422 problem', async (_name, query, path) => {
    const body = await expectProblem(await get(query), 422);
    if (path) expect(body.errors?.map((e) => e.path)).toContain(path);
  });

  it('records each reading in the access log, without an individual or a plan', async () => {
    const before = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from access_log where action = 'report.read'`))[0]!.n;
    expect((await get('from=2025-01-01&to=2025-12-31&by=year')).status).toBe(200);
    const rows = rowsOf<{ individual_id: string | null; plan_id: string | null; purpose: string; organisation_id: string }>(
      await ctx.database.db.execute(sql`select individual_id, plan_id, purpose, organisation_id from access_log where action = 'report.read' order by seq`),
    );
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toEqual({ individual_id: null, plan_id: null, purpose: 'activity-follow-up', organisation_id: REGION.id });
  });
});
