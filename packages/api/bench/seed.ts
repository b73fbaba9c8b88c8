import { randomUUID } from 'node:crypto';
import {
  isChildOn,
  createPlanSchema,
  individualConsentSchema,
  parsePersonId,
  partContentPatchSchema,
  type CreatePlan,
  type PartContentPatch,
} from '@sip/shared';
import { eq, getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { Database, Db } from '../src/db/database.ts';
import * as schema from '../src/db/schema.ts';
import { accessLog, planParts, plans } from '../src/db/schema.ts';
import { organisations, staff } from '../src/demo/world.ts';
import { startingOrganisations, upsertOrganisations } from '../src/organisations/organisations.ts';
import { PlansService, type Actor } from '../src/plans/plans.service.ts';

/** A seeded plan's region part, as the part-update scenario needs it. */
export interface SeededPart {
  planId: string;
  partId: string;
  version: number;
}

export interface SeedResult {
  planIds: string[];
  /** The plans written through PlansService: the rest are copies of them. */
  serviceIds: string[];
  regionParts: SeededPart[];
  viaService: number;
  bulk: number;
  rows: Record<string, number>;
  ms: number;
  /** Of which: through the service, and the bulk copies. */
  serviceMs: number;
  bulkMs: number;
}

/** The seed of the individuals' series: growing a set draws the same series further. */
const PEOPLE_SEED = 20_240_601;

/** A small deterministic PRNG (mulberry32), so every run seeds the same mix. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Luhn check digit over the 9 digits YYMMDDNNN of a personnummer. */
function checkDigit(nine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Distinct 12-digit personnummer from Skatteverket's test series only: birth numbers
 * 980–999, with a correct check digit. Each is checked with `parsePersonId`.
 */
export function testPersonnummer(count: number, random: () => number): string[] {
  const from = Date.UTC(1925, 0, 1);
  const days = Math.floor((Date.UTC(2010, 11, 31) - from) / 86_400_000);
  const seen = new Set<string>();
  while (seen.size < count) {
    const born = new Date(from + Math.floor(random() * (days + 1)) * 86_400_000);
    const ymd = born.toISOString().slice(0, 10).replaceAll('-', '');
    const birthNumber = String(980 + Math.floor(random() * 20));
    const nine = `${ymd.slice(2)}${birthNumber}`;
    const value = `${ymd}${birthNumber}${checkDigit(nine)}`;
    const parsed = parsePersonId(value);
    if (parsed?.value !== value || parsed.kind !== 'personnummer') throw new Error(`generated an invalid test personnummer: ${value}`);
    if (!/^\d{8}9[89]\d\d$/.test(value)) throw new Error(`generated a personnummer outside the test series: ${value}`);
    seen.add(value);
  }
  return [...seen];
}

const GIVEN = ['Astrid', 'Karl', 'Ingrid', 'Gunnar', 'Maj', 'Sven', 'Elsa', 'Nils', 'Birgitta', 'Lars', 'Kerstin', 'Olof', 'Märta', 'Bo', 'Signe', 'Erik', 'Anna', 'Johan', 'Greta', 'Arne'];
const FAMILY = ['Nilsson', 'Johansson', 'Andersson', 'Karlsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Lindberg', 'Holm', 'Berg', 'Lund', 'Ek', 'Sjöberg'];
const TITLES = ['Hemgång efter sjukhusvistelse', 'Samordning hemsjukvård och hemtjänst', 'Stöd i boendet', 'Rehabilitering efter fall', 'Psykisk ohälsa och boendestöd', 'Demenssjukdom: stöd till individ och närstående'];
const GOALS = ['Kunna bo kvar hemma', 'Känna mig trygg på nätterna', 'Klara dusch på egen hand', 'Komma ut på promenad varje dag', 'Ha regelbunden kontakt med familjen'];
const NEEDS = ['Hjälp med läkemedel morgon och kväll', 'Stöd vid personlig hygien', 'Tillsyn nattetid', 'Hjälp med inköp', 'Samordnad vårdplanering vid utskrivning'];
const REGION_INTERVENTIONS = ['Hemsjukvård: insulin morgon och kväll', 'Fysioterapi efter höftfraktur', 'Läkemedelsgenomgång', 'Psykiatrisk öppenvård: samtal', 'Sårvård i hemmet'];
const MUNICIPALITY_INTERVENTIONS = ['Hemtjänst: hjälp med dusch', 'Trygghetslarm', 'Matdistribution, lunch dagligen', 'Boendestöd', 'Hemtjänst: inköp'];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function actorFor(staffId: string): Actor {
  const person = staff.find((s) => s.id === staffId);
  if (!person) throw new Error(`no demo staff ${staffId}`);
  const org = organisations[person.organisation];
  return {
    principal: { kind: 'staff', userId: person.hsaId, organisationId: org.id, role: person.role, issuer: 'sip-bench-seed' },
    requestId: randomUUID(),
  };
}

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function planInput(random: () => number, personId: string, name: string): CreatePlan {
  return createPlanSchema.parse({
    individual: { personId, name },
    principals: {
      region: { id: organisations.region.id, name: organisations.region.name },
      municipality: { id: organisations.municipality.id, name: organisations.municipality.name },
    },
    title: pick(random, TITLES),
    overallResponsibility: random() < 0.5 ? 'region' : 'municipality',
    coordinator: { name: 'Sara Lind', title: 'Distriktssköterska, SIP-samordnare', organisationId: organisations.region.id, phone: '+46701740605' },
    individualGoals: [{ text: pick(random, GOALS) }, { text: pick(random, GOALS) }],
    needs: [{ text: pick(random, NEEDS) }, { text: pick(random, NEEDS) }, { text: pick(random, NEEDS) }],
    individualOwnActions: [{ text: 'Tar mina promenader med rollator' }],
    followUp: { date: isoDay(14 + Math.floor(random() * 120)), by: { name: 'Karin Ek', title: 'Biståndshandläggare' } },
  });
}

function partPatch(random: () => number, titles: readonly string[], performedBy: string, contact: string): PartContentPatch {
  const count = 1 + Math.floor(random() * 3);
  return partContentPatchSchema.parse({
    contactPerson: { name: contact, unit: performedBy, phone: '+46701740606' },
    goals: [{ text: pick(random, GOALS) }],
    interventions: Array.from({ length: count }, () => ({
      title: pick(random, titles),
      description: 'Enligt överenskommelse vid SIP-mötet.',
      status: random() < 0.7 ? 'decided' : 'planned',
      performedBy,
      when: 'Två gånger i veckan',
      startDate: isoDay(-Math.floor(random() * 60)),
    })),
  });
}

/** Runs `task` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The tables a plan's rows live in: `plans` and every table with a `plan_id` column, in
 * insertion order (the access log last); serial columns are left to the database.
 */
const PLAN_TABLES: { table: PgTable; omit: string[] }[] = (() => {
  const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
  const children = tables.filter((t) => t !== plans && t !== accessLog && Object.values(getTableColumns(t)).some((c) => c.name === 'plan_id'));
  // The chain trigger assigns seq, prev_hash and hash on insert, as for every access_log row.
  return [plans, ...children, accessLog].map((table) => ({
    table,
    omit: Object.values(getTableColumns(table))
      .filter((c) => c.columnType.includes('Serial'))
      .map((c) => c.name),
  }));
})();

/** A row as the database names its columns (drizzle's property names mapped to column names). */
function dbRow(table: PgTable, row: Record<string, unknown>, omit: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (!omit.includes(column.name)) out[column.name] = row[key];
  }
  return out;
}

/**
 * One plan's rows as the service wrote them, per table in PLAN_TABLES order, each as the
 * JSON text of its rows (without the brackets). A copy is this text with new ids, a new
 * individual and name.
 */
interface Template {
  tables: string[];
  individualId: string;
  name: string | null;
}

async function loadTemplates(db: Db, planIds: string[]): Promise<Map<string, Template>> {
  const perTable = await Promise.all(
    PLAN_TABLES.map(async ({ table, omit }) => {
      const rows = (await db.select().from(table)) as Record<string, unknown>[];
      const byPlan = new Map<string, { row: Record<string, unknown>; order: number }[]>();
      for (const row of rows) {
        const planId = String(table === plans ? row.id : row.planId);
        const order = [row.seq, row.id, row.revision].find((v): v is number => typeof v === 'number') ?? 0;
        byPlan.set(planId, [...(byPlan.get(planId) ?? []), { row: dbRow(table, row, omit), order }]);
      }
      return byPlan;
    }),
  );
  const templates = new Map<string, Template>();
  for (const planId of planIds) {
    const plan = perTable[0]!.get(planId)?.[0]?.row;
    if (!plan) throw new Error(`plan ${planId} was not stored`);
    const tables = perTable.map((byPlan) =>
      (byPlan.get(planId) ?? [])
        .sort((a, b) => a.order - b.order)
        .map((r) => JSON.stringify(r.row))
        .join(','),
    );
    templates.set(planId, { tables, individualId: String(plan.individual_id), name: (plan.individual_name as string | null) ?? null });
  }
  return templates;
}

/** The template's rows with every UUID renamed (consistently within the copy) and the individual replaced. */
function copyOf(template: Template, personId: string, name: string): string[] {
  const ids = new Map<string, string>();
  return template.tables.map((text) => {
    let out = text.replace(UUIDS, (id) => {
      let fresh = ids.get(id);
      if (!fresh) ids.set(id, (fresh = randomUUID()));
      return fresh;
    });
    out = out.replaceAll(JSON.stringify(template.individualId), JSON.stringify(personId));
    if (template.name) out = out.replaceAll(JSON.stringify(template.name), JSON.stringify(name));
    return out;
  });
}

/** Appends rows, given as the JSON text of an array, to a table in one statement: the table's own row type shapes them. */
async function insertRecordset(tx: Db, table: PgTable, omit: string[], rowsJson: string): Promise<void> {
  const columns = Object.values(getTableColumns(table))
    .map((c) => c.name)
    .filter((name) => !omit.includes(name));
  const list = sql.raw(columns.map((c) => `"${c}"`).join(', '));
  await tx.execute(
    sql`insert into ${table} (${list}) select ${list} from jsonb_populate_recordset(null::${table}, ${rowsJson}::jsonb) with ordinality order by ordinality`,
  );
}

/**
 * Seeds `total` plans between the demo region and municipality. The first `viaService`
 * go through PlansService itself: create, then part updates with interventions by the
 * region's and the municipality's staff, and for some consent and activation by the
 * coordinator. The rest are copies of those plans' rows (in `plans`, every table with a
 * `plan_id`, the access log) with new ids, individuals and names, bulk-inserted in
 * batches: the same rows the service wrote.
 */
export async function seedPlans(database: Database, options: { total: number; viaService: number; batch?: number }): Promise<SeedResult> {
  const started = performance.now();
  const db = database.db;
  const random = prng(PEOPLE_SEED);
  const people = testPersonnummer(options.total, random);
  const names = people.map(() => `${pick(random, GIVEN)} ${pick(random, FAMILY)}`);
  const service = new PlansService(db, () => new Date());
  await upsertOrganisations(db, startingOrganisations({ organisations: [], demoMode: true }), new Date());

  const serviceIds: string[] = new Array(options.viaService);
  const indexes = Array.from({ length: options.viaService }, (_, i) => i);
  await eachLimited(indexes, database.kind === 'postgres' ? 8 : 1, async (i) => {
    const r = prng(1000 + i);
    const coordinatorId = i % 2 === 0 ? 'region-coordinator' : 'municipality-coordinator';
    const coordinator = actorFor(coordinatorId);
    const created = await service.create(coordinator, planInput(r, people[i]!, names[i]!));
    serviceIds[i] = created.id;
    // The individual's consent names both principals: the plan reaches both, as an active SIP does.
    const person = staff.find((s) => s.id === coordinatorId)!;
    const consent = individualConsentSchema.parse({
      given: true,
      form: r() < 0.5 ? 'written' : 'oral',
      recordedAt: new Date().toISOString(),
      recordedBy: { name: person.name, title: person.title, hsaId: person.hsaId },
      scope: { information: ['goals', 'needs', 'interventions', 'contacts', 'meetings', 'follow-up'], actors: [organisations.region.name, organisations.municipality.name] },
      // A child's consent rests on the guardians'.
      ...(isChildOn({ personId: people[i]! }, new Date()) ? { guardians: [{ name: 'Vårdnadshavare', given: true, recordedAt: new Date().toISOString() }] } : {}),
    });
    const withConsent = await service.setConsent(coordinator, created.id, created.version, consent);
    const region = withConsent.parts.find((p) => p.principal === 'region')!;
    const municipality = withConsent.parts.find((p) => p.principal === 'municipality')!;
    if (r() < 0.75) {
      await service.updatePart(actorFor('region-physician'), created.id, region.id, region.version, partPatch(r, REGION_INTERVENTIONS, organisations.region.unit.name, 'Omar Haddad'));
    }
    if (r() < 0.65) {
      await service.updatePart(
        actorFor('municipality-homecare'),
        created.id,
        municipality.id,
        municipality.version,
        partPatch(r, MUNICIPALITY_INTERVENTIONS, organisations.municipality.unit.name, 'Jonas Berg'),
      );
    }
    if (r() < 0.5) await service.changeStatus(coordinator, created.id, withConsent.version, 'active');
  });

  const serviceMs = performance.now() - started;
  const bulkStarted = performance.now();
  await writeCopies(database, serviceIds, people, names, options.viaService, options.total, options.batch ?? 500);
  const bulkMs = performance.now() - bulkStarted;
  return {
    ...(await seeded(db)),
    serviceIds,
    viaService: options.viaService,
    bulk: options.total - options.viaService,
    ms: performance.now() - started,
    serviceMs,
    bulkMs,
  };
}

/**
 * Copies of the plans written through the service (`serviceIds`, in turn) for the individuals
 * `people[from]` to `people[to - 1]`, bulk-inserted in batches of `batch` plans.
 */
async function writeCopies(database: Database, serviceIds: string[], people: string[], names: string[], from: number, to: number, batch: number): Promise<void> {
  const db = database.db;
  const templates = await loadTemplates(db, serviceIds);
  const writeBatch = async (start: number, end: number) => {
    const fragments: string[][] = PLAN_TABLES.map(() => []);
    for (let i = start; i < end; i++) {
      const copy = copyOf(templates.get(serviceIds[i % serviceIds.length]!)!, people[i]!, names[i]!);
      copy.forEach((text, t) => {
        if (text) fragments[t]!.push(text);
      });
    }
    await db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      for (const [t, { table, omit }] of PLAN_TABLES.entries()) {
        if (fragments[t]!.length) await insertRecordset(tx, table, omit, `[${fragments[t]!.join(',')}]`);
      }
    });
  };
  // On a server, copying the next batch overlaps with writing the last one.
  const inFlight = database.kind === 'postgres' ? 3 : 1;
  const starts: number[] = [];
  for (let start = from; start < to; start += batch) starts.push(start);
  await eachLimited(starts, inFlight, (start) => writeBatch(start, Math.min(start + batch, to)));
}

/** Every seeded plan's region part, and the row counts of the plan tables. */
async function seeded(db: Db): Promise<Pick<SeedResult, 'planIds' | 'regionParts' | 'rows'>> {
  const regionParts = await db
    .select({ planId: planParts.planId, partId: planParts.id, version: planParts.version })
    .from(planParts)
    .where(eq(planParts.kind, 'region'));
  const counts = await Promise.all(PLAN_TABLES.map(async ({ table }) => [getTableName(table), await db.$count(table)] as const));
  return { planIds: regionParts.map((p) => p.planId), regionParts, rows: Object.fromEntries(counts) };
}

/**
 * Grows a set {@link seedPlans} wrote to `total` plans, in the same database: more copies of
 * the plans it wrote through the service, each for an individual of its own (the same test
 * series, none already seeded). Resolves with the whole set, `ms` and `bulkMs` the growth's.
 */
export async function growPlans(database: Database, seed: SeedResult, total: number, options: { batch?: number } = {}): Promise<SeedResult> {
  const from = seed.viaService + seed.bulk;
  if (total <= from) throw new Error(`the set holds ${from} plans already: grow it to more than that`);
  const started = performance.now();
  // The first `from` of this series are the individuals seeded already: the series is the same stream.
  const people = testPersonnummer(total, prng(PEOPLE_SEED));
  const random = prng(PEOPLE_SEED + total);
  const names = people.map(() => `${pick(random, GIVEN)} ${pick(random, FAMILY)}`);
  await writeCopies(database, seed.serviceIds, people, names, from, total, options.batch ?? 500);
  const ms = performance.now() - started;
  return { ...seed, ...(await seeded(database.db)), bulk: total - seed.viaService, ms, serviceMs: 0, bulkMs: ms };
}

/**
 * Leaves a freshly seeded database as a server that has been running a while would be: the
 * planner's statistics up to date, the visibility map set (VACUUM ANALYZE), and on a server the
 * seeding's writes flushed (CHECKPOINT), so that none of it lands in a measured run.
 */
export async function settleDatabase(database: Database): Promise<void> {
  await database.db.execute(sql`vacuum analyze`);
  if (database.kind === 'postgres') await database.db.execute(sql`checkpoint`);
}

/**
 * Copies of one stored plan's rows (in `plans`, every table with a `plan_id`, the access log),
 * each with new ids and a new individual, bulk-inserted in batches as {@link seedPlans} does.
 * Every UUID in the rows, ids in JSON content included, is renamed consistently within a copy.
 */
export async function copyPlan(database: Database, planId: string, copies: number, batch = 250): Promise<void> {
  const template = (await loadTemplates(database.db, [planId])).get(planId)!;
  const random = prng(7_011);
  const people = testPersonnummer(copies, random);
  for (let start = 0; start < copies; start += batch) {
    const fragments: string[][] = PLAN_TABLES.map(() => []);
    for (let i = start; i < Math.min(start + batch, copies); i++) {
      copyOf(template, people[i]!, template.name ?? 'Astrid Nilsson').forEach((text, t) => {
        if (text) fragments[t]!.push(text);
      });
    }
    await database.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      for (const [t, { table, omit }] of PLAN_TABLES.entries()) {
        if (fragments[t]!.length) await insertRecordset(tx, table, omit, `[${fragments[t]!.join(',')}]`);
      }
    });
  }
}
