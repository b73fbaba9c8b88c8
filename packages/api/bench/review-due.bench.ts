/**
 * The review-due watcher at scale: how long one look takes with 10,000 and 100,000 plans when a
 * few of them have a review date that has passed, beside the full read of every open plan's
 * relatives section that the watcher made before the date was kept with the plan (the same
 * database, the same plans). Each figure is the median of several looks, printed with min and max.
 *
 *   TEST_DATABASE_URL=postgres://… npm run bench:review-due       (BENCH_PLANS=10000,100000 by default)
 */
import { sql } from 'drizzle-orm';
import { createLogger } from '../src/logger.ts';
import { ReviewDueWatcher } from '../src/relatives/review-due.ts';
import { openBenchDatabase } from './bench-database.ts';
import { timed } from './harness.ts';
import { seedPlans, settleDatabase } from './seed.ts';

const sizes = (process.env.BENCH_PLANS ?? '10000,100000').split(',').map(Number);
const DUE = 20;
const LOOKS = 7;
/** A relative whose accepted commitment's review date has passed. */
const DUE_RELATIVE = {
  id: 'bench-relative',
  name: 'Anna Anhörig',
  relationship: { code: 'DAU', display: 'natural daughter' },
  commitments: [
    {
      id: 'bench-commitment',
      what: 'Handla mat',
      howOften: 'En gång i veckan',
      from: '2000-01-01',
      reviewDate: '2000-01-01',
      history: [
        { at: '1999-12-01T09:00:00.000Z', status: 'requested', by: 'staff' },
        { at: '1999-12-02T09:00:00.000Z', status: 'accepted', by: 'relative' },
      ],
    },
  ],
};
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

for (const total of sizes) {
  const bench = await openBenchDatabase();
  try {
    const { database } = bench;
    const seed = await seedPlans(database, { total, viaService: Math.min(200, total) });
    // Every plan with a review date ahead, a few with one passed (as kept with each change).
    await database.db.execute(sql`update plans set review_due_on = date '2099-01-01'`);
    const due = sql`(select id from plans order by id limit ${DUE})`;
    await database.db.execute(sql`update plans set review_due_on = date '2000-01-01' where id in ${due}`);
    await database.db.execute(sql`update plan_parts set content = ${JSON.stringify({ relatives: [DUE_RELATIVE] })}::jsonb where kind = 'relatives' and plan_id in ${due}`);
    // As a server in use keeps its tables (autovacuum): the updates' dead rows cleared and the
    // statistics taken. Without it the first look also met every plan's dead index entry.
    await settleDatabase(database);
    const watcher = new ReviewDueWatcher(database, createLogger('silent'), () => new Date());
    const first = await timed(1, async () => {
      const raised = await watcher.tick();
      if (raised !== DUE) throw new Error(`the first look raised ${raised} plans, not ${DUE}`);
    });
    const look = await timed(LOOKS, () => watcher.tick());
    const fullRead = await timed(LOOKS, () =>
      database.db.execute(sql`select p.id, p.status, p.fields, pp.content from plans p join plan_parts pp on pp.plan_id = p.id and pp.kind = 'relatives' where p.status <> 'closed'`),
    );
    const row = (name: string, t: { min: number; median: number; max: number }) =>
      `  ${name.padEnd(52)} median ${fmt(t.median, 1).padStart(8)} ms  (min ${fmt(t.min, 1)}, max ${fmt(t.max, 1)})`;
    console.log(`${fmt(seed.planIds.length)} plans, ${DUE} with a review date passed (${bench.label})`);
    console.log(row(`first look by the kept date, raising ${DUE}`, first));
    console.log(row('each later look (nothing new to raise)', look));
    console.log(row('baseline: reading every open relatives section', fullRead));
  } finally {
    await bench.drop();
  }
}
