/**
 * Our own attacker's corpus: every operation of the service, as `/openapi.json` lists it and as
 * the README lists the FHIR face's, is sent hostile input of every class below, with real tokens
 * where the input should reach the handler. No answer may be a 5xx, an error in the wrong format
 * (problem+json under /api and /dev, an OperationOutcome under /fhir), a stack trace or an
 * internal name, or another organisation's data; and a refused request changes nothing stored.
 *
 * This corpus grows: each defect found later adds its hostile input class to `HOSTILE_CLASSES`
 * (a name and a generator), so it stays found. Cases are a fixed, deterministic sample (fast-check
 * with a fixed seed where there are more than we send), to keep each database's run short: every
 * other case goes to PGlite, the rest to the Postgres server, so each operation meets each hostile
 * class on both, and the whole corpus is sent once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { defaultWidgetDistDir } from '../widget/widget-build.ts';
import {
  buildTestApp,
  consentInput,
  createTestIssuer,
  describeEachDatabase,
  MARIA_RELATIVE,
  OTHER_REGION,
  planInput,
  REGION,
  SODERVIK,
  staffClient,
  type TestApp,
  type TestIssuer,
  usePeers,
} from '../test-support/index.ts';

const peers = usePeers({ seed: false });
const SEED = 20261202;
/** The individual of another organisation's plan, and the relative in it (Erik, not Maria). */
const FOREIGN_PERSON = '196106151233';
const ERIK_RELATIVE = { name: 'Erik Johansson', relationship: { code: 'SON', text: 'son' }, personId: '198304179859', child: false, sharesHome: false };

// ---------------------------------------------------------------------------------------------
// The operations attacked
// ---------------------------------------------------------------------------------------------

type Face = 'api' | 'dev' | 'fhir' | 'oauth' | 'other';
/** Whose token an operation is asked with by default: the one it is for, so input reaches the handler. */
type Caller = 'coordinator' | 'auditor' | 'citizen' | 'individual' | 'none';

interface Op {
  method: string;
  /** The path with `{name}` for each path parameter. */
  template: string;
  face: Face;
  pathParams: string[];
  query: string[];
  /** Header parameters it takes (lower case): `if-match`, `idempotency-key`, `last-event-id`. */
  headers: string[];
  body?: { kind: 'json' | 'form' | 'fhir-json'; sample: unknown };
  as: Caller;
  /** Fixed query the operation needs to reach its handler (a FHIR search's criterion). */
  baseQuery?: string;
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown; security?: unknown[] }>>;
}

const faceOf = (path: string): Face =>
  path === '/token' ? 'oauth' : path === '/fhir' || path.startsWith('/fhir/') ? 'fhir' : path.startsWith('/api/') ? 'api' : path.startsWith('/dev/') ? 'dev' : 'other';

const callerOf = (template: string, secured: boolean): Caller =>
  !secured && !template.startsWith('/api/')
    ? 'none'
    : template.startsWith('/api/me/own-plans')
      ? 'individual'
      : template.startsWith('/api/me')
        ? 'citizen'
      : template.startsWith('/api/access-log')
        ? 'auditor'
        : 'coordinator';

/** A body of each operation that passes validation, so that hostile changes to one of its fields reach that field. */
const COMMITMENT = { what: 'Handla mat varje vecka', howOften: 'En gång i veckan', from: '2026-12-01', reviewDate: '2027-06-01' };
const SHARING = {
  categories: ['goals', 'interventions'],
  validFrom: '2026-11-20',
  validUntil: '2027-11-20',
  form: 'oral',
  recordedAt: '2026-11-20T10:00:00+01:00',
  recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
};
const VALID_BODIES: Record<string, unknown> = {
  'POST /api/plans': planInput({ individual: { personId: '195202149836', name: 'Nils Nilsson' }, title: 'SIP för Nils' }),
  'PATCH /api/plans/{planId}': { needs: [{ text: 'Stöd i vardagen' }], meetings: [{ at: '2026-12-10T10:00:00+01:00', place: 'Hemma' }] },
  'PUT /api/plans/{planId}/consent': consentInput(),
  'POST /api/plans/{planId}/participants': { kind: 'invited', name: 'God man' },
  'POST /api/plans/{planId}/status': { status: 'active' },
  'PATCH /api/plans/{planId}/parts/{partId}': { goals: [{ text: 'Klara sig hemma' }], interventions: [{ title: 'Dusch', status: 'planned' }] },
  'POST /api/plans/{planId}/relatives': { name: 'Okänd Granne', relationship: { text: 'granne' }, child: false, sharesHome: false },
  'PATCH /api/plans/{planId}/relatives/{relativeId}': { name: 'Maria Nilsson' },
  'PUT /api/plans/{planId}/relatives/{relativeId}/sharing': SHARING,
  'POST /api/plans/{planId}/relatives/{relativeId}/informed': { at: '2026-11-20T10:00:00+01:00', what: 'Planen', by: { name: 'Sara Lind' } },
  'PUT /api/plans/{planId}/relatives/{relativeId}/support': { offered: [], requests: [{ kind: 'contact-consultant', at: '2026-11-20T10:00:00Z', note: 'Ring' }] },
  'POST /api/plans/{planId}/relatives/{relativeId}/commitments': COMMITMENT,
  'POST /api/plans/{planId}/relatives/{relativeId}/commitments/{commitmentId}/cancel': { comment: 'Klart' },
  'POST /api/me/plans/{planId}/commitments/{commitmentId}/answer': { answer: 'accept', comment: 'Gärna' },
  'POST /api/me/plans/{planId}/home-consent': { consent: true, comment: 'Ja' },
  'POST /api/me/plans/{planId}/requests': { kind: 'contact-consultant', note: 'Ring mig' },
  // The individual's own decisions, as they stand: the consent and sharing the plan already has, the goals it holds.
  'PUT /api/me/own-plans/{planId}/consent': { decision: 'give', information: ['goals', 'interventions', 'contacts'], actors: ['Region Norrvik', 'Norrviks kommun'], validUntil: '2027-11-20' },
  'PUT /api/me/own-plans/{planId}/relatives/{relativeId}/sharing': { decision: 'share', categories: ['goals', 'interventions'], validUntil: '2027-11-20' },
  'PUT /api/me/own-plans/{planId}/own-goals': { individualGoals: [{ text: 'Bo kvar hemma' }], individualOwnActions: [{ text: 'Tar mina mediciner' }] },
  'POST /api/plans/search': { personId: '194003019801', status: 'draft', followUpDue: false, limit: 5, offset: 0 },
  'POST /api/access-log/search': { individual: '194003019801', planId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/access-log/extract': { individual: '194003019801' },
  'POST /dev/token': { persona: 'region-physician' },
};

/** The form bodies of the OAuth endpoint (the token exchange): the shape of a request, with tokens that are refused. */
const FORM_BODIES: Record<string, Record<string, string>> = {
  'POST /token': {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2Voci5leGFtcGxlIn0.c2ln',
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    actor_token: 'opaque-access-token',
    actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  },
};

/** The query an operation requires to reach its handler. */
const BASE_QUERIES: Record<string, string> = { 'GET /api/plans/{planId}/diff': 'from=1&to=2' };

function operationsOf(doc: OpenApi): Op[] {
  const ops: Op[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const key = `${method.toUpperCase()} ${template}`;
      ops.push({
        method: method.toUpperCase(),
        template,
        face: faceOf(template),
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        headers: parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()),
        ...(FORM_BODIES[key]
          ? { body: { kind: 'form' as const, sample: FORM_BODIES[key] } }
          : operation.requestBody
            ? { body: { kind: 'json' as const, sample: VALID_BODIES[key] ?? {} } }
            : {}),
        as: callerOf(template, (operation.security ?? []).length > 0),
        ...(BASE_QUERIES[key] ? { baseQuery: BASE_QUERIES[key] } : {}),
      });
    }
  }
  return ops;
}

/** The FHIR face's operations, as the README lists them: not in `/openapi.json`. */
function fhirOperations(): Op[] {
  const op = (method: string, template: string, rest: Partial<Op> = {}): Op => ({
    method,
    template,
    face: 'fhir',
    pathParams: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
    query: [],
    headers: [],
    as: 'coordinator',
    ...rest,
  });
  const searchResult = ['_count', '_summary', '_elements', '_total', '_pretty', '_format'];
  return [
    op('GET', '/fhir/metadata', { as: 'none', query: ['_format', '_pretty'] }),
    op('GET', '/fhir/CarePlan/{id}', { query: ['_elements', '_summary'], headers: ['if-none-match'] }),
    ...['CareTeam', 'Goal', 'Consent', 'RelatedPerson', 'Task', 'Patient', 'Organization', 'Practitioner', 'Composition'].map((type) =>
      op('GET', `/fhir/${type}/{id}`, { query: ['_elements'] }),
    ),
    op('GET', '/fhir/CarePlan', { query: ['patient:identifier', '_id', ...searchResult], baseQuery: 'patient:identifier={personIdentifier}' }),
    op('GET', '/fhir/CarePlan', { query: ['_id', ...searchResult], baseQuery: '_id={planId}' }),
    op('POST', '/fhir/CarePlan/_search', { body: { kind: 'form', sample: { 'patient:identifier': '{personIdentifier}', _count: '5' } } }),
    op('GET', '/fhir/CarePlan/{id}/$sip', { headers: ['if-none-match'] }),
    op('POST', '/fhir/CarePlan/{id}/$sip', { body: { kind: 'fhir-json', sample: { resourceType: 'Parameters' } } }),
    op('GET', '/fhir/OperationDefinition/{definitionId}', { as: 'none' }),
    op('GET', '/fhir/OperationDefinition', { as: 'none', query: ['url', '_id', ...searchResult] }),
    op('GET', '/fhir/CodeSystem/{codeSystemId}', { as: 'none', query: ['_elements'] }),
    op('GET', '/fhir/CodeSystem', { as: 'none', query: ['url', '_id', ...searchResult] }),
    op('GET', '/fhir/NamingSystem/{namingSystemId}', { as: 'none' }),
    op('GET', '/fhir/NamingSystem', { as: 'none', query: ['value', '_id', ...searchResult] }),
  ];
}

/** The demo routes `/openapi.json` does not list. */
const devOperations = (): Op[] => [{ method: 'GET', template: '/dev/jwks.json', face: 'dev', pathParams: [], query: [], headers: [], as: 'none' }];

/**
 * The pages and files `/openapi.json` does not list: the SMART app (`/smart/*`), the staff
 * elements' bundle (`/staff/*`) and the two-pane staff demo (`/demo/staff`). Public, no token:
 * they carry no personal data, and answer what they do not have with problem+json.
 */
const pageOperations = (): Op[] => {
  const page = (template: string, query: string[] = []): Op => ({
    method: 'GET',
    template,
    face: 'other',
    pathParams: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
    query,
    headers: [],
    as: 'none',
  });
  return [
    page('/smart/launch', ['iss', 'launch', 'lang']),
    page('/smart/app', ['code', 'state', 'error', 'lang']),
    page('/smart/smart.css'),
    page('/smart/config.json'),
    page('/smart/smart-launch.js'),
    page('/staff/sip-staff.js'),
    page('/staff/{staffBuild}/sip-staff.js'),
    // The widget's language modules, beside its module.
    page('/widget/{widgetModule}'),
    page('/widget/{widgetBuild}/{widgetModule}'),
    page('/demo/staff', ['lang']),
    page('/demo/staff/system', ['side', 'lang']),
    page('/demo/staff/staff-demo.js'),
    page('/demo/staff/system.js'),
    page('/demo/staff/staff-demo.css'),
  ];
};

// ---------------------------------------------------------------------------------------------
// The world the corpus attacks: real plans, relatives, commitments, tokens
// ---------------------------------------------------------------------------------------------

interface World {
  t: TestApp;
  tokens: Record<Exclude<Caller, 'none'>, string> & {
    otherOrganisation: string;
    otherOrganisationViaIssuer: string;
    unrelatedCitizen: string;
  };
  /** Hostile tokens, by name. */
  badTokens: Record<string, string>;
  /** A value for each path parameter that names what exists and is the caller's to see. */
  ids: Record<string, string>;
  /** The same of a plan of another organisation (Söderviks kommun's draft), and what of it must never show. */
  foreign: { ids: Record<string, string>; secrets: string[] };
  /** What of the attacker's own plans a caller of another organisation must never see. */
  ownSecrets: string[];
}

// ---------------------------------------------------------------------------------------------
// Hostile input classes: a name and a generator of attempts for an operation
// ---------------------------------------------------------------------------------------------

interface Attempt {
  what: string;
  /** The path with query, as sent. */
  url?: string;
  method?: string;
  /** Headers added to (or, as `null`, taken off) the operation's defaults. */
  headers?: Record<string, string | null>;
  /** A raw body (sent as it is), or `json` (serialised). */
  body?: BodyInit;
  json?: unknown;
  /** A form body, as pairs. */
  form?: [string, string][];
  /** Strings the answer must not contain (another organisation's plan). */
  mustNotShow?: string[];
  /** Statuses the answer must have, when the class knows. */
  expectStatus?: number[];
  /** The `Allow` header a 405 must carry, when the class knows. */
  expectAllow?: string;
}

interface HostileClass {
  name: string;
  attempts(op: Op, w: World): Attempt[];
}

const NUL = '\u0000';
const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';
const CONTROL = 'a\u0001\u0007\u001b[31m\u007f\u0085b';
const HUGE = 'x'.repeat(100_000);
const deep = (depth: number, leaf: unknown = 1): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const deepObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Values no field should take as they are, of every JSON type. */
const HOSTILE_VALUES: [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['0', 0],
  ['-1', -1],
  ['huge number', 1e308],
  ['negative zero', -0],
  ['unsafe integer', 2 ** 53 + 1],
  ['float', 1.5],
  ['empty string', ''],
  ['spaces', '   '],
  ['NUL', `a${NUL}b`],
  ['lone high surrogate', `a${LONE_HIGH}b`],
  ['lone low surrogate', LONE_LOW],
  ['control characters', CONTROL],
  ['huge string', HUGE],
  ['RTL override', 'abc\u202Edcba'],
  ['zero-width', '\u200B\uFEFF'],
  ['emoji', '👩‍👩‍👧‍👦'.repeat(10)],
  ['SQL', "'; drop table plans; --"],
  ['template', '${process.env}{{7*7}}'],
  ['HTML', '<script>alert(1)</script>'],
  ['path', '../../../etc/passwd'],
  ['empty array', []],
  ['huge array', Array.from({ length: 20_000 }, () => 'a')],
  ['array of objects', Array.from({ length: 2_000 }, () => ({ a: 1 }))],
  ['empty object', {}],
  ['__proto__ object', JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')],
  ['deep array', deep(500)],
  ['date year 0', '0000-01-01'],
  ['date 30 February', '2026-02-30'],
  ['offset past 14:00', '2026-11-20T10:00:00+14:30'],
  ['five-digit year', '10000-01-01T00:00:00Z'],
  ['uuid', '00000000-0000-0000-0000-000000000000'],
];

/** The JSON pointers of every leaf of a value, and of every object and array in it. */
function places(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => places(v, [...path, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => places(v, [...path, k]))];
  return here;
}

function replaced(value: unknown, path: (string | number)[], by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = replaced(copy[head!], rest, by);
  return copy;
}

/** A deterministic sample of `count` of the given cases (all of them when there are fewer). */
function sample<T>(cases: T[], count: number, salt: string): T[] {
  if (cases.length <= count) return cases;
  let seed = SEED;
  for (const ch of salt) seed = (seed * 31 + ch.charCodeAt(0)) | 0;
  return fc.sample(fc.shuffledSubarray(cases, { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0]!;
}

/** The path of an operation with each parameter as the world has it, or as given. */
function pathOf(op: Op, w: World, values: Record<string, string> = {}, raw = false): string {
  const filled = op.template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name in values) return raw ? values[name]! : encodeURIComponent(values[name]!);
    return encodeURIComponent(w.ids[name] ?? 'x');
  });
  return op.baseQuery ? `${filled}?${baseQueryOf(op, w)}` : filled;
}

const baseQueryOf = (op: Op, w: World) =>
  (op.baseQuery ?? '').replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(w.ids[name] ?? 'x'));

const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;

const HOSTILE_CLASSES: HostileClass[] = [
  {
    name: 'hostile path identifiers',
    attempts: (op, w) =>
      op.pathParams.flatMap((name) => {
        const cases: [string, string, boolean][] = [
          ['..', '..', true],
          ['%2e%2e', '%2e%2e', true],
          ['%2e%2e%2f%2e%2e', '%2e%2e%2f%2e%2e', true],
          ['%00', '%00', true],
          ['a%00b', 'a%00b', true],
          ['%2F', 'a%2Fb', true],
          ['%5C', '..%5C..', true],
          ['bad UTF-8', '%FF%FE', true],
          ['overlong UTF-8', '%C0%AE%C0%AE', true],
          ['encoded surrogate', '%ED%A0%80', true],
          ['bad percent', '%zz%', true],
          ['control', '%01%1b', true],
          ['very long', 'a'.repeat(10_000), false],
          ['not a UUID', 'not-a-uuid', false],
          ['nil UUID', '00000000-0000-0000-0000-000000000000', false],
          // Found a 500 (after the access was logged) on a part read by its id in upper case.
          ['upper-case UUID', (w.ids[name] ?? 'x').toUpperCase(), false],
          ['UUID with braces', `{${w.ids[name] ?? 'x'}}`, false],
          ['number', '-1', false],
          ['huge number', '99999999999999999999999', false],
          ['SQL', "1' or '1'='1", false],
          ['spaces', '%20%20', true],
          ['__proto__', '__proto__', false],
        ];
        const attempts: Attempt[] = cases.map(([what, value, raw]) => ({
          what: `path ${name}: ${what}`,
          url: pathOf(op, w, { [name]: value }, raw),
          json: op.body?.kind === 'json' || op.body?.kind === 'fhir-json' ? op.body.sample : undefined,
        }));
        // Another organisation's plan (and what is in it): 404, and nothing of it.
        if (w.foreign.ids[name]) {
          const foreignIds = name === 'planId' || name === 'id' ? { ...w.foreign.ids } : { [name]: w.foreign.ids[name]! };
          attempts.push({
            what: `path ${name}: another organisation's`,
            url: pathOf(op, w, Object.fromEntries(op.pathParams.filter((p) => p in foreignIds).map((p) => [p, foreignIds[p]!]))),
            json: op.body?.kind === 'json' || op.body?.kind === 'fhir-json' ? op.body.sample : undefined,
            mustNotShow: w.foreign.secrets,
            ...(op.face === 'fhir' || name === 'planId' ? { expectStatus: [404] } : {}),
          });
        }
        return attempts;
      }),
  },
  {
    name: 'odd query parameters',
    attempts: (op, w) => {
      const names = [...op.query, 'unknown', '__proto__', 'constructor[prototype][polluted]'];
      const values: [string, string][] = [
        ['NUL', '%00'],
        ['bad UTF-8', '%FF'],
        ['encoded surrogate', '%ED%A0%80'],
        ['bad percent', '%zz'],
        ['huge', 'a'.repeat(50_000)],
        ['negative', '-1'],
        ['huge number', '1e309'],
        ['not a number', 'NaN'],
        ['empty', ''],
        ['list', 'a,b,,c'],
        ['control', '%01%1b'],
        ['date year 0', '0000-01-01'],
      ];
      const cases: Attempt[] = names.flatMap((name) =>
        values.map(([what, value]) => ({ what: `query ${name}: ${what}`, url: withQuery(pathOf(op, w), `${encodeURIComponent(name)}=${value}`) })),
      );
      for (const name of op.query) {
        cases.push({ what: `query ${name}: repeated`, url: withQuery(pathOf(op, w), `${name}=1&${name}=2&${name}=3`) });
        cases.push({ what: `query ${name}: as array`, url: withQuery(pathOf(op, w), `${name}[]=1&${name}[0]=2`) });
        cases.push({ what: `query ${name}: 2000 times`, url: withQuery(pathOf(op, w), Array.from({ length: 2_000 }, () => `${name}=1`).join('&')) });
      }
      cases.push({ what: 'query: 5000 parameters', url: withQuery(pathOf(op, w), Array.from({ length: 5_000 }, (_, i) => `p${i}=${i}`).join('&')) });
      cases.push({ what: 'query: no name', url: withQuery(pathOf(op, w), '=&&=x&%00=1') });
      const body = op.body?.kind === 'json' || op.body?.kind === 'fhir-json' ? op.body.sample : undefined;
      return sample(cases, op.method === 'GET' ? 24 : 12, `query ${op.method} ${op.template}`).map((a) => ({ ...a, json: body }));
    },
  },
  {
    name: 'hostile headers',
    attempts: (op, w) => {
      const body = op.body?.kind === 'json' || op.body?.kind === 'fhir-json' ? op.body.sample : undefined;
      const header = (what: string, headers: Record<string, string | null>): Attempt => ({ what, url: pathOf(op, w), headers, json: body });
      const cases: Attempt[] = [
        header('X-Request-Id: long', { 'X-Request-Id': 'r'.repeat(10_000) }),
        header('X-Request-Id: log injection', { 'X-Request-Id': '","level":60,"msg":"forged' }),
        header('X-Request-Id: Latin-1', { 'X-Request-Id': 'f\u00f6rfr\u00e5gan\u00ff' }),
        header('X-Request-Id: repeated', { 'X-Request-Id': 'a, b, c' }),
        header('Accept: XML', { Accept: 'application/xml' }),
        header('Accept: garbage', { Accept: ';;;,,,*/*;q=abc' }),
        header('Prefer: garbage', { Prefer: 'handling=strict, return=%00, respond-async' }),
        header('If-None-Match: garbage', { 'If-None-Match': 'W/"\u00ff", *, ""' }),
        header('Origin: hostile', { Origin: 'https://evil.example' }),
        header('Host: hostile', { Host: 'evil.example' }),
        header('Forwarded: hostile', { Forwarded: 'for=1.2.3.4;host=evil.example', 'X-Forwarded-Host': 'evil.example' }),
        header('Authorization: twice', { Authorization: `Bearer ${w.tokens.coordinator}, Bearer ${w.tokens.citizen}` }),
      ];
      if (op.headers.includes('if-match') || op.method !== 'GET') {
        for (const value of ['garbage', '*', '""', 'W/""', 'W/"-1"', 'W/"1.5"', 'W/"99999999999999999999999"', 'W/"1", W/"2"', '"1"', `W/"${'9'.repeat(5_000)}"`, 'W/"0x10"']) {
          cases.push(header(`If-Match: ${value.slice(0, 30)}`, { 'If-Match': value }));
        }
        cases.push(header('If-Match: none', { 'If-Match': null }));
      }
      if (op.headers.includes('idempotency-key') || op.method === 'POST') {
        for (const value of ['', ' ', 'k'.repeat(10_000), '\u00ff\u00fe', 'a,b', '../../x']) {
          cases.push(header(`Idempotency-Key: ${JSON.stringify(value.slice(0, 20))}`, { 'Idempotency-Key': value }));
        }
        cases.push(header('Idempotency-Key: none', { 'Idempotency-Key': null }));
      }
      if (op.headers.includes('last-event-id')) {
        for (const value of ['-1', 'abc', '9'.repeat(40), '1e400', '', '%00']) cases.push(header(`Last-Event-ID: ${value.slice(0, 10)}`, { 'Last-Event-ID': value }));
      }
      if (op.method !== 'GET') {
        // Lies the in-process fetch lets through: the body is what it is, whatever the length says.
        for (const value of ['0', '1', '-1', 'abc', '99999999999', '1, 2']) cases.push(header(`Content-Length: ${value}`, { 'Content-Length': value }));
        cases.push(header('Transfer-Encoding: chunked, identity', { 'Transfer-Encoding': 'chunked, identity' }));
      }
      // A write asked with a valid body succeeds, whatever odd header beside: sample those.
      return op.method === 'GET' ? cases : sample(cases, 20, `headers ${op.method} ${op.template}`);
    },
  },
  {
    name: 'tokens',
    attempts: (op, w) => {
      const body = op.body?.kind === 'json' || op.body?.kind === 'fhir-json' ? op.body.sample : undefined;
      const as = (what: string, authorization: string | null, extra: Partial<Attempt> = {}): Attempt => ({
        what: `token: ${what}`,
        url: pathOf(op, w),
        headers: { Authorization: authorization },
        json: body,
        ...extra,
      });
      const cases: Attempt[] = Object.entries(w.badTokens).map(([what, token]) =>
        as(what, token.startsWith('Bearer') || token.startsWith('Basic') || token === '' ? token : `Bearer ${token}`, op.as === 'none' ? {} : { expectStatus: [401] }),
      );
      cases.push(as('none', null, op.as === 'none' ? {} : { expectStatus: [401] }));
      if (op.as === 'none') return cases;
      // The token of the wrong kind, or of a role the operation is not for.
      const wrong: [string, string][] =
        op.as === 'citizen'
          ? [
              ['staff token on the relative’s API', w.tokens.coordinator],
              ['auditor token on the relative’s API', w.tokens.auditor],
            ]
          : op.as === 'individual'
            ? [
                ['staff token on the individual’s API', w.tokens.coordinator],
                ['auditor token on the individual’s API', w.tokens.auditor],
              ]
            : [
              ['citizen token on a staff route', w.tokens.citizen],
              ...(op.as === 'auditor' ? ([['coordinator token on an auditor’s route', w.tokens.coordinator]] as [string, string][]) : []),
              ...(op.as === 'coordinator' ? ([['auditor token on a staff route', w.tokens.auditor]] as [string, string][]) : []),
            ];
      for (const [what, token] of wrong) cases.push(as(what, `Bearer ${token}`, { mustNotShow: w.ownSecrets }));
      if (op.as === 'coordinator' || op.as === 'auditor') {
        // Staff of another organisation: nothing of ours, and a plan of ours is not there (404).
        const planScoped = op.pathParams.length > 0;
        const expectStatus = planScoped ? [404] : undefined;
        cases.push(as('another organisation’s coordinator', `Bearer ${w.tokens.otherOrganisation}`, { mustNotShow: w.ownSecrets, ...(expectStatus ? { expectStatus } : {}) }));
        cases.push(
          as('a staff token of another organisation, from another trusted issuer', `Bearer ${w.tokens.otherOrganisationViaIssuer}`, {
            mustNotShow: w.ownSecrets,
            ...(expectStatus ? { expectStatus } : {}),
          }),
        );
      }
      if (op.as === 'citizen') {
        cases.push(as('a citizen who is no relative in the plan', `Bearer ${w.tokens.unrelatedCitizen}`, { mustNotShow: w.ownSecrets }));
      }
      if (op.as === 'individual') {
        // A relative never acts for the individual; nor does anyone else: the plan is not there for them (404).
        const planScoped = op.pathParams.length > 0 ? { expectStatus: [404] } : {};
        cases.push(as('a relative in the plan, on the individual’s API', `Bearer ${w.tokens.citizen}`, { mustNotShow: w.ownSecrets, ...planScoped }));
        cases.push(as('a citizen the plan is not about', `Bearer ${w.tokens.unrelatedCitizen}`, { mustNotShow: w.ownSecrets, ...planScoped }));
      }
      return cases;
    },
  },
  {
    name: 'hostile body values',
    attempts: (op, w) => {
      if (!op.body || op.body.kind === 'form') return [];
      const sampleBody = op.body.sample;
      const at = places(sampleBody);
      const cases: Attempt[] = at.flatMap((path) =>
        HOSTILE_VALUES.map(([what, value]) => ({ what: `body /${path.join('/')}: ${what}`, url: pathOf(op, w), json: replaced(sampleBody, path, value) })),
      );
      // Keys: hostile names beside the fields.
      for (const key of ['__proto__', 'constructor', 'prototype', `a${NUL}`, LONE_HIGH, 'x'.repeat(10_000), '']) {
        const extra = { ...(sampleBody as object) };
        Object.defineProperty(extra, key, { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
        cases.push({ what: `body key ${JSON.stringify(key.slice(0, 12))}`, url: pathOf(op, w), json: extra });
      }
      return sample(cases, 40, `body ${op.method} ${op.template}`);
    },
  },
  {
    name: 'hostile body encodings',
    attempts: (op, w) => {
      if (op.method === 'GET') return [];
      const json = JSON.stringify(op.body && op.body.kind !== 'form' ? op.body.sample : {});
      const raw = (what: string, body: BodyInit, contentType: string | null): Attempt => ({ what: `encoding: ${what}`, url: pathOf(op, w), body, headers: { 'Content-Type': contentType } });
      const bytes = (...b: number[]) => new Uint8Array(b);
      const utf8 = (s: string) => new TextEncoder().encode(s);
      const joined = (...parts: Uint8Array[]) => {
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let i = 0;
        for (const p of parts) (out.set(p, i), (i += p.length));
        return out;
      };
      const form = new FormData();
      form.set('individual', '194003019801');
      return [
        raw('no Content-Type', json, null),
        raw('text/plain', json, 'text/plain'),
        raw('form body where JSON is expected', 'individual=194003019801&title=x', 'application/x-www-form-urlencoded'),
        raw('multipart body', form as unknown as BodyInit, null),
        raw('Content-Type garbage', json, ';;;/json'),
        raw('Content-Type with odd charset', json, 'application/json; charset=latin1'),
        raw('Content-Type with a NUL-ish parameter', json, 'application/json; x="%00"'),
        raw('application/jsonx', json, 'application/jsonx'),
        raw('JSON Patch', '[{"op":"add","path":"/__proto__/x","value":1}]', 'application/json-patch+json'),
        raw('upper case JSON', json, 'APPLICATION/JSON'),
        raw('BOM', joined(bytes(0xef, 0xbb, 0xbf), utf8(json)), 'application/json'),
        raw('UTF-16 BOM', joined(bytes(0xff, 0xfe), utf8(json)), 'application/json'),
        raw('bad UTF-8 bytes', joined(utf8('{"title":"'), bytes(0xff, 0xfe, 0xc0, 0xae), utf8('"}')), 'application/json'),
        raw('UTF-8 encoded surrogate', joined(utf8('{"title":"'), bytes(0xed, 0xa0, 0x80), utf8('"}')), 'application/json'),
        raw('NUL byte in the text', joined(utf8('{"title":"a'), bytes(0), utf8('b"}')), 'application/json'),
        raw('escaped NUL', '{"title":"a\\u0000b","__proto__":{"x":1}}', 'application/json'),
        raw('escaped lone surrogate', '{"title":"\\ud800"}', 'application/json'),
        raw('invalid JSON', '{"title":', 'application/json'),
        raw('trailing comma', '{"a":1,}', 'application/json'),
        raw('single quotes', "{'a':1}", 'application/json'),
        raw('NaN', '{"a":NaN}', 'application/json'),
        raw('empty JSON body', '', 'application/json'),
        raw('whitespace only', '   \n', 'application/json'),
        raw('JSON null', 'null', 'application/json'),
        raw('JSON string', '"x"', 'application/json'),
        raw('JSON number', '1e999', 'application/json'),
        raw('JSON array', '[]', 'application/json'),
        raw('duplicated keys', json.replace(/^\{/, '{"title":"first","title":"second",'), 'application/json'),
        raw('__proto__ key', json.replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},'), 'application/json'),
        // Found a 500 (the check of every body overflowed the call stack, after seconds of work).
        raw('deeply nested arrays', '['.repeat(100_000) + ']'.repeat(100_000), 'application/json'),
        raw('deeply nested objects', deepObject(30_000), 'application/json'),
        raw('huge array', `[${Array.from({ length: 60_000 }, () => '0').join(',')}]`, 'application/json'),
        raw('over the body limit', `{"title":"${'x'.repeat(300_000)}"}`, 'application/json'),
        raw('FHIR JSON', json, 'application/fhir+json'),
      ];
    },
  },
  {
    // Who asks comes first: without a valid token, nothing else about the request is looked at
    // (found a 422 or 415 before the 401).
    name: 'hostile input without a token',
    attempts: (op, w) => {
      if (op.face !== 'api') return [];
      const none = { Authorization: null };
      return [
        { what: 'no token, NUL in the path', url: pathOf(op, w, { [op.pathParams[0] ?? 'x']: 'a%00b' }, true), headers: none, expectStatus: [401] },
        { what: 'no token, NUL in the query', url: withQuery(pathOf(op, w), 'q=%00'), headers: none, expectStatus: [401] },
        { what: 'no token, a lone surrogate in the body', url: pathOf(op, w), method: 'POST', body: '{"a":"\\ud800"}', headers: { ...none, 'Content-Type': 'application/json' }, expectStatus: [401] },
        { what: 'no token, a body that is not JSON', url: pathOf(op, w), method: 'POST', body: 'x=1', headers: { ...none, 'Content-Type': 'text/plain' }, expectStatus: [401] },
        { what: 'a malformed token, NUL in the query', url: withQuery(pathOf(op, w), 'q=%00'), headers: { Authorization: 'Bearer a.b.c' }, expectStatus: [401] },
      ];
    },
  },
  {
    name: 'methods the path does not have',
    attempts: (op, w) =>
      ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
        .filter((m) => m !== op.method)
        .map((method) => ({ what: `method ${method}`, method, url: pathOf(op, w), ...(['POST', 'PUT', 'PATCH'].includes(method) ? { json: {} } : {}) })),
  },
  {
    name: 'hostile FHIR search and form input',
    attempts: (op, w) => {
      if (op.face !== 'fhir') return [];
      const cases: Attempt[] = [];
      const search = (what: string, query: string) => cases.push({ what: `FHIR search: ${what}`, url: withQuery(op.template.replace(/\{.*$/, '').replace(/\/$/, ''), query) });
      if (op.template === '/fhir/CarePlan' && op.method === 'GET') {
        search('patient:identifier of another organisation’s individual', `patient:identifier=${encodeURIComponent(w.foreign.ids.personIdentifier!)}`);
        search('_id of another organisation’s plan', `_id=${w.foreign.ids.planId}`);
        search('_id of ours and theirs', `_id=${w.ids.planId},${w.foreign.ids.planId}`);
        search('_id: 1000 ids', `_id=${Array.from({ length: 1_000 }, () => w.ids.planId).join(',')}`);
        search('patient:identifier: no system', 'patient:identifier=|');
        search('patient:identifier: only bars', 'patient:identifier=||||');
        search('patient:identifier: modifier soup', 'patient:identifier:missing:exact=1&patient.identifier=1&_has:CarePlan:x=1');
        search('_count: huge', `_id=${w.ids.planId}&_count=99999999999999999999`);
        search('_count: negative', `_id=${w.ids.planId}&_count=-5`);
        search('_elements: hostile', `_id=${w.ids.planId}&_elements=__proto__,constructor,..,${'a'.repeat(5_000)}`);
        search('_summary: unknown', `_id=${w.ids.planId}&_summary=everything`);
        search('_total: unknown', `_id=${w.ids.planId}&_total=all`);
        search('_format: XML', `_id=${w.ids.planId}&_format=xml`);
        search('_sort and _include', `_id=${w.ids.planId}&_sort=-date&_include=*&_revinclude=*:*`);
        search('strict and unknown', `_id=${w.ids.planId}&nonsense=1`);
        for (const c of cases.slice(0, 3)) c.mustNotShow = w.foreign.secrets;
        cases.push({ what: 'FHIR search: strict and unknown (Prefer)', url: `/fhir/CarePlan?_id=${w.ids.planId}&nonsense=1`, headers: { Prefer: 'handling=strict' }, expectStatus: [400] });
      }
      if (op.template === '/fhir/CarePlan/_search' && op.method === 'POST') {
        const form = (what: string, pairs: [string, string][], extra: Partial<Attempt> = {}) => cases.push({ what: `FHIR form: ${what}`, url: '/fhir/CarePlan/_search', form: pairs, ...extra });
        form('another organisation’s individual', [['patient:identifier', w.foreign.ids.personIdentifier!]], { mustNotShow: w.foreign.secrets });
        form('another organisation’s plan', [['_id', w.foreign.ids.planId!]], { mustNotShow: w.foreign.secrets });
        form('NUL in a name', [[`patient${NUL}:identifier`, 'x']]);
        form('lone surrogate', [['_id', LONE_HIGH]]);
        form('repeated', [['patient:identifier', '1'], ['patient:identifier', '2']]);
        form('huge', [['_id', 'a'.repeat(200_000)]]);
        form('__proto__', [['__proto__', 'x'], ['constructor', 'y']]);
        cases.push({ what: 'FHIR form: JSON body', url: '/fhir/CarePlan/_search', json: { _id: w.ids.planId }, expectStatus: [415] });
        cases.push({ what: 'FHIR form: bad percent-encoding', url: '/fhir/CarePlan/_search', body: '_id=%zz%&%FF=%ED%A0%80', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      }
      if (op.template === '/fhir/CarePlan/_search') {
        // A search by form is a POST: a GET of `_search` is no read of a CarePlan of that id (found a 404).
        cases.push({ what: 'GET of _search', method: 'GET', url: '/fhir/CarePlan/_search', expectStatus: [405], expectAllow: 'POST' });
        cases.push({ what: 'GET of _search with criteria', method: 'GET', url: `/fhir/CarePlan/_search?_id=${w.ids.planId}`, expectStatus: [405], expectAllow: 'POST' });
      }
      if (op.template === '/fhir/CarePlan/{id}/$sip' && op.method === 'POST') {
        const params = (what: string, body: unknown) => cases.push({ what: `$sip input: ${what}`, url: pathOf(op, w), json: body, headers: { 'Content-Type': 'application/fhir+json' } });
        params('parameter not an array', { resourceType: 'Parameters', parameter: 'x' });
        params('hostile parameters', { resourceType: 'Parameters', parameter: [{ name: `a${NUL}` }, { name: { toString: 1 } }, null, 5] });
        params('other resource', { resourceType: 'Patient', id: w.foreign.ids.planId });
        params('resourceType object', { resourceType: { $ne: 1 } });
        cases.push({
          what: '$sip input: deep parameters',
          url: pathOf(op, w),
          body: `{"resourceType":"Parameters","parameter":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
          headers: { 'Content-Type': 'application/fhir+json' },
        });
        // Found a 500 (null, a name that is no string) and "undefined" in the answer (no name).
        for (const parameter of ['[null]', '[5]', '[{"name":{"toString":1}}]', '[{"name":["a"]}]', '[{}]']) {
          cases.push({
            what: `$sip input: strict with parameters ${parameter}`,
            url: pathOf(op, w),
            body: `{"resourceType":"Parameters","parameter":${parameter}}`,
            headers: { 'Content-Type': 'application/fhir+json', Prefer: 'handling=strict' },
          });
        }
        cases.push({ what: '$sip input: strict with parameters', url: pathOf(op, w), json: { resourceType: 'Parameters', parameter: [{ name: 'x'.repeat(1_000) }] }, headers: { 'Content-Type': 'application/fhir+json', Prefer: 'handling=strict' } });
      }
      return cases;
    },
  },
];

// ---------------------------------------------------------------------------------------------
// What every answer is held to
// ---------------------------------------------------------------------------------------------

/** What no answer may show: a stack trace, a file of ours, a library or database name, an internal error. */
const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat (?:async )?[\w.$<>[\] ]*\(?(?:file:|node:|\/)[^\s)]*:\d+(?::\d+)?\)?/],
  ['node_modules', /node_modules/],
  ['a TypeScript file', /\.ts:\d*|\.ts\b["')]/],
  ['a path of the machine', /\/work\/|\/home\/|\/usr\/|\/tmp\//],
  ['drizzle', /drizzle/i],
  ['postgres', /postgres/i],
  ['SQLSTATE', /SQLSTATE|sqlState/i],
  ['PGlite', /pglite/i],
  ['ZodError', /ZodError|"code":"invalid_type"|"expected":"/],
  ['a JavaScript error', /\b(TypeError|RangeError|ReferenceError|SyntaxError|Maximum call stack)\b/],
  ['Cannot read prop', /Cannot read prop/],
  ['hono', /\bhono\b/i],
  ['a value printed as undefined or [object Object]', /\[object Object\]|\\?"undefined\\?"/],
];

/** Answers that are documents, not data: their words are the service's own documentation. */
const DOCUMENTATION = /^\/(openapi\.json|docs|widget\/sip-relative-view\.js|widget\/(?:[^/]+\/)?sip-relative-view\.[\w-]+\.[0-9a-f]{12}\.js$|dev\/jwks\.json|staff\/(?:[^/]+\/)?sip-staff\.js$|smart\/smart-launch\.js$|demo\/staff\/[\w-]+\.js$)/;

describeEachDatabase('our own attacker’s corpus', (ctx) => {
  let w: World;
  let ops: Op[];
  /** The public tables, as the database has them. */
  let tables: string[];

  beforeAll(async () => {
    const staffIssuer = await createTestIssuer('https://idp.test.example/staff');
    const t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      extraIssuers: [{ kind: 'staff', issuer: staffIssuer.issuer, audience: 'sip-broker-staff', keys: staffIssuer.keys }],
    });
    const coordinator = await staffClient(t, 'region-coordinator');
    const sodervik = await staffClient(t, 'sodervik-coordinator');

    // Our own plan, shared with the municipality: Maria a relative, with a commitment she can answer.
    const shared = await coordinator.createSharedPlan({ title: 'SIP för Astrid (korpus)' });
    const plan = await withRelativeAndCommitment(coordinator, shared.id);
    // A second plan of ours, a draft without Maria.
    await coordinator.createPlan({ individual: { personId: '194811239823', name: 'Gunnel Persson' }, title: 'SIP för Gunnel (korpus)' });
    // Another organisation's: Söderviks kommun's draft, which Region Norrvik does not see before consent.
    const theirs = await sodervik.createPlan({
      individual: { personId: FOREIGN_PERSON, name: 'Hemlig Södervikbo' },
      principals: { region: REGION, municipality: SODERVIK },
      title: 'Söderviks hemliga SIP',
    });
    const foreign = await withRelativeAndCommitment(sodervik, theirs.id, ERIK_RELATIVE);

    const tokens = {
      coordinator: coordinator.token,
      auditor: await t.tokenFor('region-auditor'),
      citizen: await t.tokenFor('maria'),
      individual: await t.tokenFor('astrid'),
      otherOrganisation: sodervik.token,
      otherOrganisationViaIssuer: await staffIssuer.sign({ sub: 'SE2321000099-7X01', org: OTHER_REGION.id, role: 'coordinator' }),
      unrelatedCitizen: await t.tokenFor('per'),
    };
    w = {
      t,
      tokens,
      badTokens: await badTokens(staffIssuer),
      ids: {
        planId: plan.id,
        id: plan.id,
        partId: plan.partId,
        relativeId: plan.relativeId,
        commitmentId: plan.commitmentId,
        participantId: plan.participantId,
        revision: '1',
        staffBuild: ((await (await t.app.request('/staff/staff.json')).json()) as { hash?: string }).hash ?? 'not-built',
        widgetBuild: ((await (await t.app.request('/widget/widget.json')).json()) as { hash?: string }).hash ?? 'not-built',
        widgetModule: await readFile(join(defaultWidgetDistDir, 'widget.json'), 'utf8').then(
          (text) => (JSON.parse(text) as { modules?: { file: string }[] }).modules?.[0]?.file ?? 'sip-relative-view.fi.000000000000.js',
          () => 'sip-relative-view.fi.000000000000.js',
        ),
        definitionId: 'CarePlan-sip',
        codeSystemId: 'plan-category',
        namingSystemId: 'plan',
        personIdentifier: 'http://electronichealth.se/identifier/personnummer|194003019801',
      },
      foreign: {
        ids: {
          planId: foreign.id,
          id: foreign.id,
          partId: foreign.partId,
          relativeId: foreign.relativeId,
          commitmentId: foreign.commitmentId,
          participantId: foreign.participantId,
          personIdentifier: `http://electronichealth.se/identifier/personnummer|${FOREIGN_PERSON}`,
        },
        secrets: [foreign.id, FOREIGN_PERSON, 'Hemlig Södervikbo', 'Söderviks hemliga SIP'],
      },
      ownSecrets: [plan.id, '194003019801', 'SIP för Astrid (korpus)', 'Astrid Nilsson'],
    };
    const doc = (await (await t.app.request('/openapi.json')).json()) as OpenApi;
    // Reads first, destructive writes last: what a hostile request manages to change (a valid one
    // among them) must not take away what later operations are attacked through.
    const weight = (op: Op) =>
      op.method === 'GET' ? 0 : op.template.startsWith('/api/me') ? 1 : op.method === 'DELETE' ? 4 : /\/(cancel|status)$/.test(op.template) ? 3 : 2;
    ops = [...operationsOf(doc), ...fhirOperations(), ...devOperations(), ...pageOperations()].sort((a, b) => weight(a) - weight(b));
    tables = rowsOf<{ table_name: string }>(
      await ctx.database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`),
    ).map((r) => r.table_name);

    /** Adds Maria, shares with her, proposes a commitment and invites a participant: ids of each. */
    async function withRelativeAndCommitment(client: Awaited<ReturnType<typeof staffClient>>, planId: string, relative: object = MARIA_RELATIVE) {
      const read = async () => (await (await client.request(`/api/plans/${planId}`)).json()) as { version: number; relativesSection: { version: number }; parts: { id: string }[] };
      let current = await read();
      const added = await client.request(`/api/plans/${planId}/relatives`, { method: 'POST', ifMatch: current.relativesSection.version, body: relative });
      expect(added.status).toBe(201);
      const relativeId = ((await added.json()) as { id: string }).id;
      current = await read();
      const shared = await client.request(`/api/plans/${planId}/relatives/${relativeId}/sharing`, { method: 'PUT', ifMatch: current.relativesSection.version, body: SHARING });
      expect(shared.status).toBe(200);
      current = await read();
      const proposed = await client.request(`/api/plans/${planId}/relatives/${relativeId}/commitments`, { method: 'POST', ifMatch: current.relativesSection.version, body: COMMITMENT });
      expect(proposed.status).toBe(201);
      const commitmentId = ((await proposed.json()) as { id: string }).id;
      current = await read();
      const invited = await client.request(`/api/plans/${planId}/participants`, { method: 'POST', ifMatch: current.version, body: { kind: 'invited', name: 'God man' } });
      expect(invited.status).toBe(200);
      const participants = ((await invited.json()) as { participants?: { id: string }[] }).participants ?? [];
      current = await read();
      return { id: planId, partId: current.parts[0]!.id, relativeId, commitmentId, participantId: participants.at(-1)?.id ?? 'p-1' };
    }
  }, 120_000);

  it('every operation answers every hostile input in its own error format, leaks nothing, and a refusal changes nothing', async () => {
    const { t } = w;
    const db = ctx.database.db;
    // The access log is left out of the digest only because a read that succeeds appends to it. A
    // refused request appends nothing, which is checked on its own: no row carries its request id.
    // Presence (who has the plan open now) is written by event streams still open from earlier
    // cases, on their own beat: left out with the access log, or a heartbeat would count as a change.
    const data = tables.filter((name) => name !== 'access_log' && name !== 'plan_presence');
    /**
     * What every table but the access log holds, in one query: per table the number of rows and the
     * newest row version's transaction (`xmin`). A committed insert changes the count and the newest
     * version, an update the newest version (the new row version is the newest transaction's), a
     * delete the count; a rolled-back transaction changes neither. Cheaper than hashing the rows,
     * and as sure to see a change.
     */
    const digest = async () =>
      rowsOf<{ name: string; digest: string }>(
        await db.execute(
          sql.raw(
            data
              .map((name) => `select '${name}' as name, count(*) || '/' || coalesce(max(xmin::text::bigint), 0) as digest from "${name}"`)
              .join(' union all '),
          ),
        ),
      )
        .map((r) => `${r.name}:${r.digest}`)
        .join(' ');

    const failures: string[] = [];
    const fail = (message: string) => {
      if (failures.length < 200) failures.push(message);
    };
    const statuses = new Map<number, number>();
    let sent = 0;
    let unsendable = 0;
    let refusedIds: string[] = [];
    let keys = 0;
    let caseIndex = 0;
    let baseline = await digest();
    const perClass = new Map<string, number>();
    /** The current ETags, by what they are of: read again after a change. */
    const etags = new Map<string, string>();

    for (const op of ops) {
      const name = `${op.method} ${op.template}${op.baseQuery ? `?${op.baseQuery}` : ''}`;
      const token = op.as === 'none' ? undefined : w.tokens[op.as];
      for (const hostile of HOSTILE_CLASSES) {
        for (const attempt of hostile.attempts(op, w)) {
          // Every other case on each database: each operation's class meets both drivers' paths.
          if ((caseIndex += 1) % 2 !== (ctx.kind === 'pglite' ? 0 : 1)) continue;
          const method = attempt.method ?? op.method;
          const url = attempt.url ?? pathOf(op, w);
          const headers = new Headers();
          if (token) headers.set('Authorization', `Bearer ${token}`);
          if (op.headers.includes('if-match')) headers.set('If-Match', await currentEtag(op, etags));
          if (op.headers.includes('idempotency-key')) headers.set('Idempotency-Key', `corpus-${(keys += 1)}`);
          let body: BodyInit | undefined = attempt.body;
          if (attempt.json !== undefined && method !== 'GET') {
            body = JSON.stringify(attempt.json);
            headers.set('Content-Type', op.body?.kind === 'fhir-json' ? 'application/fhir+json' : 'application/json');
          }
          if (attempt.form) {
            body = new URLSearchParams(attempt.form).toString();
            headers.set('Content-Type', 'application/x-www-form-urlencoded');
          } else if (op.body?.kind === 'form' && body === undefined && method === 'POST') {
            body = new URLSearchParams(Object.entries(op.body.sample as Record<string, string>).map(([k, v]) => [k, v.replace(/\{(\w+)\}/g, (_m, n: string) => w.ids[n] ?? '')])).toString();
            headers.set('Content-Type', 'application/x-www-form-urlencoded');
          }
          let invalidHeader = false;
          for (const [header, value] of Object.entries(attempt.headers ?? {})) {
            try {
              if (value === null) headers.delete(header);
              else headers.set(header, value);
            } catch {
              invalidHeader = true;
            }
          }
          const where = `${name} [${hostile.name}] ${attempt.what} -> ${method} ${url.slice(0, 120)}`;
          if (invalidHeader) {
            // A header value fetch refuses to send at all (a NUL, say): no HTTP client sends it either.
            unsendable += 1;
            continue;
          }
          let request: Request;
          try {
            request = new Request(new URL(url, 'http://localhost'), { method, headers, ...(body !== undefined && !['GET', 'HEAD'].includes(method) ? { body } : {}) });
          } catch {
            // A request fetch will not make (a header it forbids, say): no HTTP client of the service's sends it either.
            unsendable += 1;
            continue;
          }
          let res: Response;
          try {
            res = await t.app.request(request);
          } catch (error) {
            fail(`${where}: threw ${String(error)}`);
            continue;
          }
          sent += 1;
          perClass.set(hostile.name, (perClass.get(hostile.name) ?? 0) + 1);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const type = res.headers.get('content-type') ?? '';
          const text = type.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
          const path = new URL(url, 'http://x').pathname;
          const face = faceOf(path);
          // Before the widget is built its routes answer a 503 problem of their own (see the README): a state, not a fault.
          const widgetNotBuilt = res.status === 503 && /widget-not-built/.test(text);
          // /ready answers 503 while an upstream does not answer in time (a busy machine): its contract, not a fault.
          const notReady = res.status === 503 && path === '/ready';
          if (res.status >= 500 && !widgetNotBuilt && !notReady) fail(`${where}: ${res.status} ${text.slice(0, 200)}`);
          if (res.status >= 400) {
            const problem = face === 'fhir' ? shapeOfOutcome(type, text) : face === 'oauth' ? shapeOfOAuthError(type, text) : shapeOfProblem(type, text, res.status);
            if (problem) fail(`${where}: ${res.status} ${problem}`);
          }
          if (attempt.expectStatus && !attempt.expectStatus.includes(res.status)) fail(`${where}: ${res.status}, expected ${attempt.expectStatus.join(' or ')}`);
          // The request id is always the service's own; nothing of the API or the FHIR face is kept by a cache.
          if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(res.headers.get('x-request-id') ?? '')) fail(`${where}: X-Request-Id ${res.headers.get('x-request-id')?.slice(0, 40)}`);
          if ((face === 'api' || face === 'fhir' || face === 'oauth') && res.headers.get('cache-control') !== 'no-store') fail(`${where}: Cache-Control ${res.headers.get('cache-control')}`);
          // A method the path does not have names the ones it has.
          if (res.status === 405 && !res.headers.get('allow')) fail(`${where}: 405 without Allow`);
          if (attempt.expectAllow !== undefined && res.headers.get('allow') !== attempt.expectAllow) fail(`${where}: Allow ${res.headers.get('allow')}, expected ${attempt.expectAllow}`);
          if (!DOCUMENTATION.test(path)) {
            for (const [leak, pattern] of LEAKS) if (pattern.test(text)) fail(`${where}: shows ${leak}: ${text.slice(0, 200)}`);
            const headerText = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
            for (const [leak, pattern] of LEAKS) if (pattern.test(headerText)) fail(`${where}: a header shows ${leak}`);
          }
          for (const secret of attempt.mustNotShow ?? []) if (text.includes(secret)) fail(`${where}: shows data it must not (${secret.slice(0, 8)}…)`);

          // A refusal changes nothing stored. A GET changes nothing at all (but the access log).
          const refused = res.status >= 400;
          if (refused) refusedIds.push(res.headers.get('x-request-id') ?? '');
          if (method !== 'GET' && method !== 'OPTIONS') {
            const now = await digest();
            if (refused && now !== baseline) fail(`${where}: refused with ${res.status}, yet stored data changed: ${changedTables(baseline, now)}`);
            if (now !== baseline) etags.clear();
            baseline = now;
          }
        }
      }
      // Checked once per operation: its GETs changed nothing, and no refused request was logged as an access.
      const now = await digest();
      if (now !== baseline) fail(`${name}: stored data changed by reads: ${changedTables(baseline, now)}`);
      baseline = now;
      if (refusedIds.length) {
        const logged = rowsOf<{ request_id: string; action: string }>(
          await db.execute(sql`select request_id, action from access_log where request_id in (${sql.join(refusedIds.map((id) => sql`${id}`), sql`, `)})`),
        );
        for (const row of logged) fail(`${name}: the refused request ${row.request_id} was logged as ${row.action}`);
        refusedIds = [];
      }
    }

    console.info(
      `attacker's corpus [${ctx.kind}]: ${ops.length} operations, ${sent} requests (${unsendable} not sendable by fetch); by class ${JSON.stringify(Object.fromEntries(perClass))}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
    );
    expect(failures).toEqual([]);
    // The corpus reached the handlers, not only the gates: successes and the handlers' own refusals.
    expect(ops.length).toBeGreaterThan(50);
    expect(sent).toBeGreaterThan(4_000);
    for (const status of [200, 401, 403, 404, 405, 412, 413, 415, 422]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
  }, 240_000);

  /** The ETag the operation's If-Match must name now: the plan's, the part's or the relatives section's. */
  async function currentEtag(op: Op, cache: Map<string, string>): Promise<string> {
    const of = op.template.includes('/relatives') ? 'relatives' : op.template.includes('/parts/') ? 'part' : 'plan';
    const cached = cache.get(of);
    if (cached) return cached;
    const res = await w.t.app.request(`/api/plans/${w.ids.planId}`, { headers: { Authorization: `Bearer ${w.tokens.coordinator}` } });
    const plan = (await res.json()) as { version: number; relativesSection: { version: number }; parts: { id: string; version: number }[] };
    const version = of === 'relatives' ? plan.relativesSection.version : of === 'part' ? plan.parts.find((p) => p.id === w.ids.partId)?.version : plan.version;
    cache.set(of, `W/"${version ?? 1}"`);
    return cache.get(of)!;
  }
});

/** What is wrong with an error of the API or the demo routes: problem+json with type, title and status. */
function shapeOfProblem(type: string, text: string, status: number): string | undefined {
  if (!type.startsWith('application/problem+json')) return `is ${type || 'no content type'}, not application/problem+json`;
  try {
    const body = JSON.parse(text) as { type?: unknown; title?: unknown; status?: unknown };
    if (typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== status) return `is no problem: ${text.slice(0, 200)}`;
  } catch {
    return 'is not JSON';
  }
  return undefined;
}

/** What is wrong with an error of the OAuth endpoint: RFC 6749 §5.2 error JSON, when it answers itself (a gate before it answers problem+json). */
function shapeOfOAuthError(type: string, text: string): string | undefined {
  if (type.startsWith('application/problem+json')) return undefined;
  if (!type.startsWith('application/json')) return `is ${type || 'no content type'}, not application/json`;
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error !== 'string' || !/^[a-z_]+$/.test(body.error)) return `is no OAuth error: ${text.slice(0, 200)}`;
  } catch {
    return 'is not JSON';
  }
  return undefined;
}

/** What is wrong with an error of the FHIR face: an OperationOutcome, as application/fhir+json. */
function shapeOfOutcome(type: string, text: string): string | undefined {
  if (!type.startsWith('application/fhir+json')) return `is ${type || 'no content type'}, not application/fhir+json`;
  try {
    const body = JSON.parse(text) as { resourceType?: unknown; issue?: unknown };
    if (body.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue) || body.issue.length === 0) return `is no OperationOutcome: ${text.slice(0, 200)}`;
  } catch {
    return 'is not JSON';
  }
  return undefined;
}

function changedTables(before: string, after: string): string {
  const a = new Set(before.split(' '));
  return after
    .split(' ')
    .filter((entry) => !a.has(entry))
    .map((entry) => entry.split(':')[0])
    .join(', ');
}

/** Tokens the service must refuse (401), each for its own reason. */
async function badTokens(trusted: TestIssuer): Promise<Record<string, string>> {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const staffClaims = { sub: 'SE2321000099-7P01', org: REGION.id, role: 'coordinator' };
  const untrusted = await createTestIssuer('https://idp.test.example/staff');
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown>, configure: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
    configure(new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'test-key', ...header }).setIssuer(trusted.issuer).setIssuedAt(now)).sign(trusted.privateKey);
  return {
    'empty Bearer': 'Bearer ',
    'Bearer without a space': 'Bearer',
    Basic: 'Basic dXNlcjpwYXNz',
    'lower-case scheme and spaces': 'bearer    a.b.c',
    'not a JWT': 'not-a-jwt',
    'three garbage parts': 'a.b.c',
    'huge': 'a'.repeat(20_000),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...staffClaims, iss: trusted.issuer, aud: 'sip-broker-staff', iat: now, exp: now + 300 })}.`,
    'HS256 with the public key as secret': await new SignJWT(staffClaims)
      .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
      .setIssuer(trusted.issuer)
      .setAudience('sip-broker-staff')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(JSON.stringify(trusted.jwks.keys[0]))),
    'wrong audience': await trusted.sign(staffClaims, { audience: 'some-other-service' }),
    'both audiences': await sign({ ...staffClaims, aud: ['sip-broker-staff', 'sip-broker-citizen'] }, {}, (jwt) => jwt.setExpirationTime(now + 300)),
    expired: await sign({ ...staffClaims, aud: 'sip-broker-staff' }, {}, (jwt) => jwt.setIssuedAt(now - 7_200).setExpirationTime(now - 3_600)),
    'iat in the future': await sign({ ...staffClaims, aud: 'sip-broker-staff' }, {}, (jwt) => jwt.setIssuedAt(now + 3_600).setExpirationTime(now + 3_900)),
    'lives until 9999': await sign({ ...staffClaims, aud: 'sip-broker-staff' }, {}, (jwt) => jwt.setExpirationTime(253_402_300_799)),
    'ID token typ': await sign({ ...staffClaims, aud: 'sip-broker-staff' }, { typ: 'id_token+jwt' }, (jwt) => jwt.setExpirationTime(now + 300)),
    'sub with a NUL': await sign({ ...staffClaims, sub: `SE2321000099-7P01${NUL}`, aud: 'sip-broker-staff' }, {}, (jwt) => jwt.setExpirationTime(now + 300)),
    'org of another shape': await sign({ ...staffClaims, org: 'system:broker', aud: 'sip-broker-staff' }, {}, (jwt) => jwt.setExpirationTime(now + 300)),
    'role unknown': await sign({ ...staffClaims, role: 'admin', aud: 'sip-broker-staff' }, {}, (jwt) => jwt.setExpirationTime(now + 300)),
    'untrusted issuer’s key': await untrusted.sign(staffClaims),
    'signature of another token': (await trusted.sign(staffClaims)).replace(/\.[^.]+$/, `.${(await untrusted.sign(staffClaims)).split('.')[2]}`),
  };
}
