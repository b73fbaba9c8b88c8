// Cold assembly of a SIP from both upstreams, each answering every request 50 ms late
// (BENCH_LATENCY_MS), beside the slowest single upstream round trip, measured in turn (A B A B …,
// BENCH_ROUNDS rounds, at least 3, of BENCH_ITERATIONS samples each). Target: assembly p50 at most
// 1.2 times that round trip; the ratio is printed per round and as min/median/max. The two upstreams
// are demo FHIR peers, each on a worker thread of its own, so their searching and answering does
// not run on the event loop being measured. Beside them, in the same rounds and with no target, the
// fetch alone (both sides' searches, validated and mapped, nothing stored): what of the assembly is
// reading the upstreams, and what is storing the plan.
// Run: npm run bench:assembly
import { IdentifierSystem } from '@sip/shared';
import { loadConfig } from '../src/config/config.ts';
import { fetchSide } from '../src/assembly/fetch.ts';
import { mapSide } from '../src/assembly/map.ts';
import { SyncService } from '../src/assembly/sync.service.ts';
import { organisations } from '../src/demo/world.ts';
import { startingOrganisations, upsertOrganisations } from '../src/organisations/organisations.ts';
import { PlansService, type Actor } from '../src/plans/plans.service.ts';
import { startPeerThreads } from './peer-threads.ts';
import { createUpstream, type Upstreams } from '../src/upstreams/upstream.ts';
import { openBenchDatabase } from './bench-database.ts';
import { spread } from './harness.ts';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
/** Samples of each per round, and rounds. */
const iterations = Number(process.env.BENCH_ITERATIONS ?? 20);
const rounds = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
/** The assembly's p50 at most this many times the slowest single round trip's. */
const TARGET = 1.2;
const people = ['194003019801', '195202149836'];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const ms = (v: number) => v.toFixed(1).padStart(7);

const bench = await openBenchDatabase();
// Each upstream on a thread of its own, as on a machine of its own: its work is not the broker's.
const peers = await startPeerThreads(latencyMs);
try {
  const upstreams: Upstreams = {
    region: createUpstream({ name: 'region', baseUrl: peers.urls.region, auth: { kind: 'none' } }, 5000),
    municipality: createUpstream({ name: 'municipality', baseUrl: peers.urls.municipality, auth: { kind: 'none' } }, 5000),
  };
  const actor: Actor = {
    principal: { kind: 'staff', userId: 'SE2321000099-7P01', organisationId: organisations.region.id, role: 'coordinator', issuer: 'bench' },
    requestId: null,
  };
  const plans = new PlansService(bench.database.db, () => new Date());
  await upsertOrganisations(bench.database.db, startingOrganisations({ organisations: [], demoMode: true }), new Date());
  const systems = loadConfig({}).fhirSystems;
  const sync = new SyncService(bench.database.db, upstreams, systems, () => new Date());
  const principals = {
    region: { id: organisations.region.id, name: organisations.region.name },
    municipality: { id: organisations.municipality.id, name: organisations.municipality.name },
  };

  /** One round trip to each upstream: the same Patient search assembly starts with. */
  const roundTrips = async (n: number) => {
    const times: Record<'region' | 'municipality', number[]> = { region: [], municipality: [] };
    for (let i = 0; i < n; i++) {
      for (const side of ['region', 'municipality'] as const) {
        const started = performance.now();
        await upstreams[side].searchAll('Patient', { identifier: `${IdentifierSystem.personnummer}|${people[i % 2]}` });
        times[side].push(performance.now() - started);
      }
    }
    return times;
  };

  /** What assembly reads, alone: both sides fetched and mapped as sync does, nothing stored. */
  const fetches = async (n: number) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const personId = people[i % 2]!;
      const started = performance.now();
      const known = await Promise.all(
        (['region', 'municipality'] as const).map(async (side) => {
          const record = await fetchSide(upstreams[side], personId, systems);
          mapSide(side, record, new Date());
          return record.patient !== undefined;
        }),
      );
      times.push(performance.now() - started);
      if (!known.every(Boolean)) throw new Error('an upstream did not know the individual during the benchmark');
    }
    return times;
  };

  /** Cold assembly: a new plan each time, so nothing is known of it yet. */
  let made = 0;
  const assemblies = async (n: number) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const created = await plans.create(actor, { individual: { personId: people[made++ % 2]! }, principals });
      // With the individual's consent naming both principals, assembly reads both sides.
      const plan = await plans.setConsent(actor, created.id, created.version, {
        given: true,
        form: 'written',
        recordedAt: new Date().toISOString(),
        recordedBy: { name: 'Sara Lind' },
        scope: { information: ['goals', 'interventions', 'contacts'], actors: [organisations.region.name, organisations.municipality.name] },
      });
      const started = performance.now();
      const result = await sync.sync(actor, plan.id);
      const elapsed = performance.now() - started;
      if (result.plan.sources?.region.status !== 'ok' || result.plan.sources?.municipality.status !== 'ok') {
        throw new Error('an upstream failed during the benchmark');
      }
      times.push(elapsed);
    }
    return times;
  };

  // The process, the peers and the database warmed up first; then the baseline and the figure in
  // turn (A B A B …), each round's ratio taken from its own pair.
  await roundTrips(3);
  await assemblies(3);
  const all = { region: [] as number[], municipality: [] as number[], fetch: [] as number[], assembly: [] as number[] };
  const ratios: number[] = [];
  console.log(`database: ${bench.label}`);
  console.log(`upstreams: two FHIR peers on loopback, each on its own thread, ${latencyMs} ms added to every request; ${rounds} rounds of ${iterations} samples each\n`);
  console.log('round  slowest round trip p50 ms  cold assembly p50 ms  ratio');
  for (let round = 1; round <= rounds; round++) {
    const trips = await roundTrips(iterations);
    all.fetch.push(...(await fetches(iterations)));
    const assembled = await assemblies(iterations);
    all.region.push(...trips.region);
    all.municipality.push(...trips.municipality);
    all.assembly.push(...assembled);
    const slowest = Math.max(percentile(trips.region, 50), percentile(trips.municipality, 50));
    const ratio = percentile(assembled, 50) / slowest;
    ratios.push(ratio);
    console.log(`${String(round).padStart(5)}  ${ms(slowest).padStart(25)}  ${ms(percentile(assembled, 50)).padStart(20)}  ${ratio.toFixed(2)}x`);
  }

  console.log('\nmeasure, all rounds                            p50 ms   p99 ms');
  console.log('---------------------------------------------  -------  -------');
  for (const side of ['region', 'municipality'] as const) {
    console.log(`single round trip to the ${side.padEnd(13)}        ${ms(percentile(all[side], 50))}  ${ms(percentile(all[side], 99))}`);
  }
  console.log(`fetch from both alone (searched, mapped)       ${ms(percentile(all.fetch, 50))}  ${ms(percentile(all.fetch, 99))}`);
  console.log(`cold assembly from both (fetch, map, store)    ${ms(percentile(all.assembly, 50))}  ${ms(percentile(all.assembly, 99))}`);
  const { min, median, max } = spread(ratios);
  console.log(
    `\nassembly p50 / slowest round trip p50, per round: min ${min.toFixed(2)}x median ${median.toFixed(2)}x max ${max.toFixed(2)}x` +
      `  (target: at most ${TARGET}x)  ${median <= TARGET ? 'PASS' : 'FAIL'}`,
  );
} finally {
  await peers.close();
  await bench.drop();
}
