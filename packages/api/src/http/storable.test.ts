import * as shared from '@sip/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { rowsOf } from '../db/rows.ts';
import { createLogger } from '../logger.ts';
import { errorToResponse } from './problem-response.ts';
import { buildTestApp, describeEachDatabase, MARIA_RELATIVE, staffClient, type TestApp, usePeers } from '../test-support/index.ts';

const peers = usePeers({ seed: false });

// ---------------------------------------------------------------------------------------------
// Every schema: each string it takes refuses a NUL and a lone surrogate, each date year 0000.
// ---------------------------------------------------------------------------------------------

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** A place in a schema that takes a string: a string, or a pipe that starts from one (a parsed identifier). */
interface StringLeaf {
  path: string;
  schema: z.ZodType;
}

const takesString = (schema: unknown): boolean => {
  const def = defOf(schema);
  return def.type === 'string' || def.type === 'template_literal' || (def.type === 'pipe' && takesString(def.in));
};

/** Every string a schema takes, by path; a schema that takes anything at all (unknown, any) is named among `open`. */
function stringLeaves(schema: unknown, path: string, out: { leaves: StringLeaf[]; open: string[] }, seen = new Set<unknown>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = defOf(schema);
  const inner = (s: unknown, p = path) => stringLeaves(s, p, out, seen);
  switch (def.type) {
    case 'string':
    case 'template_literal':
      out.leaves.push({ path, schema: schema as z.ZodType });
      return;
    case 'pipe':
      if (takesString(def.in)) out.leaves.push({ path, schema: schema as z.ZodType });
      else {
        inner(def.in);
        if (defOf(def.out).type !== 'transform') inner(def.out);
      }
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner(def.innerType);
    case 'object': {
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) inner(value, `${path}/${key}`);
      if (def.catchall && defOf(def.catchall).type !== 'never') inner(def.catchall, `${path}/*`);
      return;
    }
    case 'array':
      return inner(def.element, `${path}/0`);
    case 'record':
      inner(def.keyType, `${path}/(key)`);
      return inner(def.valueType, `${path}/*`);
    case 'union':
      for (const option of def.options as unknown[]) inner(option);
      return;
    case 'intersection':
      inner(def.left);
      return inner(def.right);
    case 'tuple':
      (def.items as unknown[]).forEach((item, i) => inner(item, `${path}/${i}`));
      return;
    case 'lazy':
      return inner((def.getter as () => unknown)());
    case 'enum':
    case 'literal':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'null':
    case 'undefined':
    case 'never':
    case 'date':
    case 'nan':
    case 'transform':
      return;
    default:
      out.open.push(`${path} (${def.type})`);
  }
}

/** Values some string field of the API takes; each field must take one of them, or the test cannot speak for it. */
const SAMPLES = {
  text: [
    'abc',
    'SE2321000099-7P01',
    '194003019801',
    'a@example.se',
    'http://example.se/x',
    '00000000-0000-4000-8000-000000000000',
    'K7M3-Q9X2',
    '2026-Q1',
    // A list's `after`: the key of a page's last plan.
    Buffer.from('2026-11-20T10:00:00.000000Z/00000000-0000-4000-8000-000000000000').toString('base64url'),
  ],
  date: ['2026-11-20'],
  dateTime: ['2026-11-20T10:00:00+01:00'],
  time: ['10:00:00'],
} as const;
type Kind = keyof typeof SAMPLES;

const withNul = (s: string) => ['\u0000', `\u0000${s}`, `${s}\u0000`, `${s.slice(0, 1)}\u0000${s.slice(1)}`];
const withLoneSurrogate = (s: string) => ['\uD800', `${s}\uD800`, `\uDC00${s}`, `${s.slice(0, 1)}\uDFFF${s.slice(1)}`, `${s.slice(0, 1)}\uDBFF`];
/** Dates Postgres or FHIR cannot hold: year 0000, five-digit years, an instant before year 0001 in UTC, offsets past ±14:00. */
const OUT_OF_RANGE: Partial<Record<Kind, string[]>> = {
  date: ['0000-11-20', '0000-01-01', '10000-01-01'],
  dateTime: [
    '0000-11-20T10:00:00+01:00',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:30:00+01:00',
    '10000-01-01T00:00:00Z',
    '9999-12-31T23:30:00-01:00',
    '2026-11-20T10:00:00+14:30',
    '2026-11-20T10:00:00-15:00',
  ],
};

/** Every string leaf of the schemas refuses NUL and lone surrogates, and every date leaf refuses dates out of range; what does not, by path. */
function unsafeLeaves(schemas: { name: string; schema: unknown }[]) {
  const failures: string[] = [];
  const counts: Record<Kind, number> = { text: 0, date: 0, dateTime: 0, time: 0 };
  for (const { name, schema } of schemas) {
    const found = { leaves: [] as StringLeaf[], open: [] as string[] };
    stringLeaves(schema, '', found);
    for (const open of found.open) failures.push(`${name} ${open}: takes any value`);
    for (const leaf of found.leaves) {
      const where = `${name} ${leaf.path || '/'}`;
      const kinds = Object.keys(SAMPLES) as Kind[];
      const kind = kinds.find((k) => SAMPLES[k].some((s) => leaf.schema.safeParse(s).success));
      if (!kind) {
        failures.push(`${where}: takes none of the sample values; add one it takes`);
        continue;
      }
      counts[kind] += 1;
      const sample = SAMPLES[kind].find((s) => leaf.schema.safeParse(s).success)!;
      for (const bad of [...withNul(sample), ...withLoneSurrogate(sample), ...(OUT_OF_RANGE[kind] ?? [])]) {
        if (leaf.schema.safeParse(bad).success) failures.push(`${where} (${kind}): takes ${JSON.stringify(bad)}`);
      }
    }
  }
  return { failures, counts };
}

/** The zod schemas of what every route takes: path and query parameters, headers and JSON bodies. */
function requestSchemas(app: TestApp['app']): { name: string; schema: unknown }[] {
  const schemas: { name: string; schema: unknown }[] = [];
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const { method, path, request } = definition.route;
    const name = `${method.toUpperCase()} ${path}`;
    for (const part of ['params', 'query', 'headers'] as const) {
      const schema = request?.[part];
      if (schema) schemas.push({ name: `${name} ${part}`, schema });
    }
    for (const [type, media] of Object.entries(request?.body?.content ?? {})) {
      const schema = (media as { schema?: unknown }).schema;
      if (schema) schemas.push({ name: `${name} body (${type})`, schema });
    }
  }
  return schemas;
}

/** The schemas of the shared package that describe what is taken in and stored (the views and live events the service sends are its own output). */
const OUTPUT = /View|Summary|^my|^ownPlanSchema|^ownAccess|^problem|^fieldError|^persona|^tokenResponse|^sourceStatus|^planVisibility|^planEvent|^planPresence/;
const sharedInputSchemas = Object.entries(shared)
  .filter(([name, value]) => name.endsWith('Schema') && value instanceof z.ZodType && !OUTPUT.test(name))
  .map(([name, schema]) => ({ name: `@sip/shared ${name}`, schema }));

it('every string the shared schemas take refuses a NUL and a lone surrogate, every date year 0000 and offsets past ±14:00', () => {
  expect(sharedInputSchemas.length).toBeGreaterThan(20);
  const { failures, counts } = unsafeLeaves(sharedInputSchemas);
  expect(failures).toEqual([]);
  // The walk reached the fields it is about.
  expect(counts.text).toBeGreaterThan(50);
  expect(counts.date).toBeGreaterThan(5);
  expect(counts.dateTime).toBeGreaterThan(5);
});

it('the check finds a string or a date that lets them through', () => {
  const loose = z.strictObject({ name: z.string(), at: z.iso.datetime({ offset: true }), on: z.iso.date(), ok: shared.apiText(10) });
  const { failures } = unsafeLeaves([{ name: 'loose', schema: loose }]);
  expect(failures.some((f) => f.startsWith('loose /name (text): takes "\\u0000"'))).toBe(true);
  expect(failures.some((f) => f.startsWith('loose /at (dateTime): takes "0000-'))).toBe(true);
  expect(failures.some((f) => f.startsWith('loose /on (date): takes "0000-'))).toBe(true);
  expect(failures.some((f) => f.startsWith('loose /ok'))).toBe(false);
});

// ---------------------------------------------------------------------------------------------
// Every operation: such a value anywhere in what it takes is a 4xx problem, and nothing is stored.
// ---------------------------------------------------------------------------------------------

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}
interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header' }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Values no field may take, whatever it is: for a string, NUL and lone surrogates; for a date, year 0000. */
function badValues(schema: JsonSchema, doc: OpenApi, depth = 0): unknown[] {
  const resolved = resolve(schema, doc);
  const alternatives = [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.allOf ?? [])];
  if (alternatives.length) return alternatives.flatMap((s) => badValues(s, doc, depth));
  const types = [resolved.type ?? []].flat();
  const out: unknown[] = [];
  if (types.includes('string') || types.length === 0) {
    out.push('a\u0000b', 'a\uD800b', '\uDC00');
    if (resolved.format === 'date') out.push('0000-01-01', '10000-01-01');
    if (resolved.format === 'date-time') out.push('0000-01-01T00:00:00Z', '2026-11-20T10:00:00+14:30');
  }
  if (types.includes('array') && resolved.items && depth < 3) out.push(...badValues(resolved.items, doc, depth + 1).map((v) => [v]));
  if (types.includes('object') && depth < 3) {
    out.push({ 'a\u0000': 'x' }, { '\uD800': 'x' });
    for (const [key, property] of Object.entries(resolved.properties ?? {})) {
      out.push(...badValues(property, doc, depth + 1).map((v) => ({ [key]: v })));
    }
  }
  return out;
}

function resolve(schema: JsonSchema, doc: OpenApi): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(doc.components?.schemas?.[name] ?? {}, doc);
}

describeEachDatabase('values the database cannot store, in any request', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });

  it('every string parameter, header and JSON body field of every route refuses a NUL and a lone surrogate, every date year 0000', () => {
    const schemas = requestSchemas(t.app);
    expect(schemas.length).toBeGreaterThan(30);
    const { failures, counts } = unsafeLeaves(schemas);
    expect(failures).toEqual([]);
    expect(counts.text).toBeGreaterThan(50);
    expect(counts.date).toBeGreaterThan(3);
    expect(counts.dateTime).toBeGreaterThan(3);
  });

  it('every operation answers such values with a 422 or 400 problem, never a 5xx, and stores nothing', async () => {
    const coordinator = await staffClient(t, 'region-coordinator');
    const plan = await coordinator.createPlan();
    const section = await coordinator.request(`/api/plans/${plan.id}/relatives`, {
      method: 'POST',
      ifMatch: plan.relativesSection.version,
      body: MARIA_RELATIVE,
    });
    expect(section.status).toBe(201);
    const relative = (await section.json()) as { id: string };
    const tokens = {
      staff: coordinator.token,
      auditor: await t.tokenFor('region-auditor'),
      relative: await t.tokenFor('maria'),
    };
    const ids: Record<string, string> = {
      planId: plan.id,
      partId: plan.parts[0]!.id,
      relativeId: relative.id,
      commitmentId: 'c-1',
      participantId: 'p-1',
      revision: '1',
    };

    const tables = rowsOf<{ table_name: string }>(
      await ctx.database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`),
    ).map((r) => r.table_name);
    const snapshot = async () => {
      const counts: Record<string, number> = {};
      for (const table of tables) {
        counts[table] = Number(rowsOf<{ n: number }>(await ctx.database.db.execute(sql.raw(`select count(*)::int as n from "${table}"`)))[0]!.n);
      }
      const [p] = rowsOf<{ revision: number }>(await ctx.database.db.execute(sql`select revision from plans where id = ${plan.id}`));
      return { counts, revision: p?.revision };
    };
    const before = await snapshot();

    const doc = (await (await t.app.request('/openapi.json')).json()) as OpenApi;
    const failures: string[] = [];
    let sent = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const parameters = operation.parameters ?? [];
        const body = operation.requestBody?.content['application/json']?.schema;
        if (parameters.length === 0 && !body) continue;
        const token = template.startsWith('/api/me') ? tokens.relative : template.startsWith('/api/access-log') ? tokens.auditor : tokens.staff;
        const pathWith = (name?: string, value?: string) =>
          template.replace(/\{(\w+)\}/g, (_, param: string) => encodeURIComponent(param === name ? value! : (ids[param] ?? 'x')));
        const attempts: { what: string; url: string; body?: unknown }[] = [];
        for (const parameter of parameters) {
          for (const value of ['a\u0000b', '\u0000']) {
            if (parameter.in === 'path') attempts.push({ what: `path ${parameter.name}`, url: pathWith(parameter.name, value) });
            if (parameter.in === 'query') attempts.push({ what: `query ${parameter.name}`, url: `${pathWith()}?${parameter.name}=${encodeURIComponent(value)}` });
          }
        }
        if (body) {
          for (const value of [...badValues(body, doc), 'a\u0000b', { 'a\u0000': 1 }]) {
            attempts.push({ what: `body ${JSON.stringify(value)}`, url: pathWith(), body: value });
          }
        }
        for (const attempt of attempts) {
          sent += 1;
          const res = await t.app.request(attempt.url, {
            method: method.toUpperCase(),
            headers: {
              Authorization: `Bearer ${token}`,
              'If-Match': 'W/"1"',
              'Idempotency-Key': `attempt-${sent}`,
              ...(attempt.body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            ...(attempt.body !== undefined ? { body: JSON.stringify(attempt.body) } : {}),
          });
          const type = res.headers.get('content-type') ?? '';
          if (![400, 422].includes(res.status) || !type.includes('application/problem+json')) {
            failures.push(`${method.toUpperCase()} ${template} ${attempt.what}: ${res.status} ${type}`);
          }
          await res.body?.cancel();
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(await snapshot()).toEqual(before);
    expect(t.logs.join('')).not.toMatch(/unhandled error|database refused a value/);
  });

  it('the FHIR face answers such values with a 422 OperationOutcome, never a 5xx', async () => {
    const token = await t.tokenFor('region-coordinator');
    const attempts: { url: string; init?: RequestInit }[] = [
      { url: '/fhir/CarePlan/a%00b' },
      { url: '/fhir/CarePlan?_id=a%00b' },
      { url: `/fhir/CarePlan?patient:identifier=${encodeURIComponent(`${shared.IdentifierSystem.personnummer}|1940\u000003019801`)}` },
      {
        url: '/fhir/CarePlan/_search',
        init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'patient:identifier=a%00b' },
      },
    ];
    for (const { url, init } of attempts) {
      const res = await t.app.request(url, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init?.headers as Record<string, string>) } });
      expect(res.status, url).toBe(422);
      const outcome = (await res.json()) as { resourceType: string };
      expect(outcome.resourceType, url).toBe('OperationOutcome');
    }
  });

  it('a value the database still refuses is a 422 problem, never a 500, and does not echo the value', async () => {
    // The schemas and the check of every request keep such values out; should one still reach
    // the database, its refusal (a data exception) is answered as the request's fault.
    const logs: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
    const app = new Hono();
    app.use('*', requestId());
    app.get('/refused/:what', async (c) => {
      const value = { nul: 'a\u0000b', year: '0000-01-01T00:00:00Z' }[c.req.param('what')];
      await ctx.database.db.execute(c.req.param('what') === 'nul' ? sql`select ${value}::text` : sql`select ${value}::timestamptz`);
      return c.text('stored');
    });
    app.onError((error, c) => errorToResponse(error, c, logger));
    for (const what of ['nul', 'year']) {
      const res = await app.request(`/refused/${what}`);
      expect(res.status, what).toBe(422);
      expect(res.headers.get('content-type'), what).toContain('application/problem+json');
      const text = await res.text();
      expect(text).not.toContain('\\u0000');
      expect(text).not.toContain('0000-01-01');
    }
    expect(logs.join('')).toMatch(/"sqlState":"22/);
    expect(logs.join('')).not.toMatch(/a\\u0000b|0000-01-01/);
  });
});
