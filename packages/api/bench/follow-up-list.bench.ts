/**
 * The follow-up list at scale: `GET /api/plans?followUpDue=true` as a coordinator asks for it, with
 * 10,000 and 100,000 plans of which one in twenty has a follow-up date that has passed. Prints the
 * first page, a page further on, and the whole list paged through, each the median of several
 * requests (with min and max), and the ratio of the first page at each size to the smallest.
 *
 *   BENCH_DATABASE_URL=postgres://… npm run bench:follow-up       (BENCH_PLANS=10000,100000 by default)
 */
import { sql } from 'drizzle-orm';
import { buildTestApp, startTestPeers } from '../src/test-support/app.ts';
import { openBenchDatabase } from './bench-database.ts';
import { fmt, timed, type Timing } from './harness.ts';
import { seedPlans, settleDatabase } from './seed.ts';

const sizes = (process.env.BENCH_PLANS ?? '10000,100000').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_RUNS ?? '21');
const DUE_SHARE = 0.05;

const row = (name: string, t: Timing) => `  ${name.padEnd(46)} median ${fmt(t.median, 1).padStart(8)} ms  (min ${fmt(t.min, 1)}, max ${fmt(t.max, 1)})`;

const peers = await startTestPeers({ seed: false });
const firstPages: { total: number; t: Timing }[] = [];
try {
  for (const total of sizes) {
    const bench = await openBenchDatabase();
    try {
      const { database } = bench;
      const seed = await seedPlans(database, { total, viaService: Math.min(200, total) });
      // Most plans active with a follow-up ahead, one in twenty with one passed; a tenth drafts.
      await database.db.execute(sql`update plans set
          status = case when random() < 0.1 then 'draft' else 'active' end,
          follow_up_date = case when random() < ${DUE_SHARE} then date '2026-01-01' + floor(random() * 300)::int else date '2099-01-01' end,
          updated_at = timestamptz '2026-01-01T08:00:00Z' + floor(random() * 300 * 24 * 60) * interval '1 minute'`);
      // As a server in use keeps its tables (autovacuum): statistics for every table, which the
      // planner's choices follow, and the update's dead rows cleared with the visibility map set.
      // Without the vacuum the first requests also met 100,000 dead index entries.
      await settleDatabase(database);
      const t = await buildTestApp({ database, peers: peers.urls, env: { LOG_LEVEL: 'silent' } });
      try {
        const token = await t.tokenFor('region-coordinator');
        const get = async (query: string) => {
          const res = await t.app.request(`/api/plans?followUpDue=true&limit=20${query}`, { headers: { authorization: `Bearer ${token}` } });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
          return (await res.json()) as { items: unknown[]; total: number; next?: string | null };
        };
        const first = await get('');
        const due = first.total;
        const firstPage = await timed(REQUESTS, () => get(''));
        const further = await timed(REQUESTS, () => get(`&offset=${Math.floor(due / 2 / 20) * 20}`));
        let pages = 0;
        const walk = await timed(1, async () => {
          let page = await get('');
          pages = 1;
          while (page.next) {
            page = await get(`&after=${encodeURIComponent(page.next)}`);
            pages++;
          }
        });
        console.log(`${fmt(seed.planIds.length)} plans, ${fmt(due)} with a follow-up due (${bench.label})`);
        console.log(row('first page of 20', firstPage));
        console.log(row(`a page half-way (offset ${fmt(Math.floor(due / 2 / 20) * 20)})`, further));
        console.log(row(`the whole list, ${pages} page${pages === 1 ? '' : 's'} by the next link`, walk));
        firstPages.push({ total, t: firstPage });
      } finally {
        await t.events.close();
      }
    } finally {
      await bench.drop();
    }
  }
} finally {
  await peers.close();
}
const [smallest, ...rest] = firstPages;
for (const size of rest) {
  console.log(`first page at ${fmt(size.total)} plans ÷ at ${fmt(smallest!.total)}: ${fmt(size.t.median / smallest!.t.median, 2)}×`);
}
