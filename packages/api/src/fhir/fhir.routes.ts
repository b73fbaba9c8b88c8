import type { Bundle, CodeSystem, NamingSystem, OperationDefinition, Parameters, Resource } from '@medplum/fhirtypes';
import { refuseUnstorable } from '../http/storable.ts';
import { codeSystemResources, IdentifierSystem, namingSystemResources, parsePersonId, type PlanView } from '@sip/shared';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { allowedMethods } from '../http/methods.ts';
import { ProblemError } from '../http/errors.ts';
import { plansService, staffActor } from '../plans/context.ts';
import { etag } from '../plans/plans.service.ts';
import { authz } from '../policy/authorize.ts';
import { capabilityStatement, sipOperationDefinition, sipOperationUrl } from './conformance.ts';
import { faceOf, holderOf, isReadType, type Face, type ReadType } from './face.ts';
import { negotiateJson, noneMatch, prefersStrict } from './negotiate.ts';
import { errorToOperationOutcome, FhirError, fhirResponse } from './outcome.ts';
import { findCarePlans, type PlanMatch } from './plan-search.ts';
import { parseSearchParams, searchset, subset, type ResultParams } from './search.ts';

/** The criteria `CarePlan` search takes; everything else is a result parameter or ignored. */
const CAREPLAN_CRITERIA = ['patient:identifier', '_id'] as const;
const OPERATION_DEFINITION_CRITERIA = ['url', '_id'] as const;
const CODE_SYSTEM_CRITERIA = ['url', '_id'] as const;
const NAMING_SYSTEM_CRITERIA = ['value', '_id'] as const;

const baseUrl = (c: Context<AppEnv>) => `${c.get('deps').config.publicUrl.replace(/\/$/, '')}/fhir`;
const canonicalBase = (c: Context<AppEnv>) => c.get('deps').config.fhirCanonicalBase.replace(/\/$/, '');

function versionHeaders(plan: PlanView): Record<string, string> {
  return { ETag: etag(plan.revision), 'Last-Modified': new Date(plan.updatedAt).toUTCString() };
}

/** 304 when `If-None-Match` names the plan's revision: the client's copy is current. */
function notModified(c: Context<AppEnv>, plan: PlanView): Response | undefined {
  if (!noneMatch(c.req.header('if-none-match'), etag(plan.revision))) return undefined;
  return c.newResponse(null, 304, versionHeaders(plan));
}

/** The same answer for every id that is not there or not the reader's to see: it reveals nothing. */
const notFound = (type: string) => new FhirError(404, 'not-found', `No such ${type}`);

async function readPlan(c: Context<AppEnv>, planId: string, type: string): Promise<PlanView> {
  try {
    return await plansService(c).get(staffActor(c), planId);
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'not-found') throw notFound(type);
    throw error;
  }
}

/**
 * The plan a CarePlan id names: the SIP (a plan id) or one of its sub-CarePlans (a part id, or
 * the relatives section's id). Either way the whole plan is read through the service: authorised,
 * and logged as a read of the plan.
 */
async function readPlanOfCarePlan(c: Context<AppEnv>, id: string): Promise<PlanView> {
  const plans = plansService(c);
  const who = staffActor(c);
  try {
    return await plans.get(who, id);
  } catch (error) {
    if (!(error instanceof ProblemError && error.code === 'not-found')) throw error;
  }
  try {
    return await plans.getByPart(who, id);
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'not-found') throw notFound('CarePlan');
    throw error;
  }
}

/** A resource of the face by type and id, with the plan it belongs to (read, authorised and logged). */
async function readFace(c: Context<AppEnv>, type: ReadType, id: string): Promise<{ face: Face; resource: Resource & { id: string } }> {
  const holder = holderOf(type, id);
  if (!holder) throw notFound(type);
  const plan = 'carePlan' in holder ? await readPlanOfCarePlan(c, holder.carePlan) : await readPlan(c, holder.plan, type);
  const face = faceOf(plan, c.get('deps').config.fhirSystems);
  const resource = face.find(type, id);
  if (!resource) throw notFound(type);
  return { face, resource };
}

/** Refuses, under `Prefer: handling=strict`, parameters a read or an operation does not take. */
function readParams(c: Context<AppEnv>): ResultParams {
  const params = new URL(c.req.url).searchParams;
  const { result } = parseSearchParams(params, [], prefersStrict(c));
  if (result.summary === 'count') throw new FhirError(400, 'invalid', '_summary=count is for searches');
  return result;
}

/** The person id a `patient:identifier` token names, or null when no plan can match it. */
function personIdOf(token: string): string | null {
  const bar = token.indexOf('|');
  const system = bar < 0 ? undefined : token.slice(0, bar);
  const value = bar < 0 ? token : token.slice(bar + 1);
  if (!value) throw new FhirError(400, 'invalid', 'patient:identifier needs a value: <system>|<value>');
  const parsed = parsePersonId(value);
  if (!parsed) return null;
  if (system !== undefined && system !== IdentifierSystem[parsed.kind]) return null;
  return parsed.value;
}

function idsOf(params: URLSearchParams): string[] | undefined {
  const values = params.getAll('_id');
  if (!values.length) return undefined;
  return values.flatMap((value) => value.split(',')).map((id) => id.trim());
}

/**
 * `CarePlan` search: by the individual (`patient:identifier`), by id (`_id`), or both, among
 * the plans my organisation sees. The matches are found by id alone; each plan on the page is
 * then read through the service (authorised again, and logged as read). `_summary=count` reads
 * no plan, and logs the plans it counts as listed. The links name the matches by `_id`: the
 * personnummer never goes into a URL the server writes.
 */
async function searchCarePlans(c: Context<AppEnv>, params: URLSearchParams): Promise<Response> {
  const { result, ignored } = parseSearchParams(params, CAREPLAN_CRITERIA, prefersStrict(c));
  const tokens = params.getAll('patient:identifier');
  const ids = idsOf(params);
  if (tokens.length === 0 && ids === undefined) {
    throw new FhirError(400, 'not-supported', 'Searching CarePlans requires patient:identifier=<system>|<value> or _id');
  }
  if (tokens.length > 1 || tokens[0]?.includes(',')) throw new FhirError(400, 'not-supported', 'patient:identifier takes exactly one value');
  const personId = tokens.length ? personIdOf(tokens[0]!) : undefined;
  const actor = staffActor(c);
  const { database } = c.get('deps');
  const matches: PlanMatch[] = personId === null ? [] : await findCarePlans(database.db, actor.principal.organisationId, { personId, ids });
  const countOnly = result.summary === 'count' || result.count === 0;
  if (countOnly && matches.length) {
    await plansService(c).logAccess(database.db, actor, 'plan.list', [...new Map(matches.map((m) => [m.planId, { id: m.planId, individualId: m.individualId }])).values()]);
  }
  const base = baseUrl(c);
  const bundle = await searchset({
    base,
    type: 'CarePlan',
    result,
    ignored,
    total: matches.length,
    criteria: matches.length ? [['_id', matches.map((m) => m.id).join(',')]] : null,
    load: async (offset, count) => {
      const page: Resource[] = [];
      for (const match of matches.slice(offset, offset + count)) {
        let plan: PlanView;
        try {
          plan = await plansService(c).get(actor, match.planId);
        } catch (error) {
          // Gone from my organisation's view since the search found it: not a match any more.
          if (error instanceof ProblemError && error.code === 'not-found') continue;
          throw error;
        }
        const carePlan = faceOf(plan, c.get('deps').config.fhirSystems).find('CarePlan', match.id);
        if (carePlan) page.push(carePlan);
      }
      return page;
    },
  });
  return fhirResponse(c, bundle);
}

const systemsOf = (c: Context<AppEnv>) => c.get('deps').config.fhirSystems;

/** What the face defines, by type: the `$sip` OperationDefinition, and our own code and identifier systems. */
function definitionsOf(c: Context<AppEnv>) {
  return {
    OperationDefinition: [sipOperationDefinition(canonicalBase(c), systemsOf(c))] as (OperationDefinition & { id: string })[],
    CodeSystem: codeSystemResources(systemsOf(c)) as (CodeSystem & { id: string })[],
    NamingSystem: namingSystemResources(systemsOf(c)) as (NamingSystem & { id: string })[],
  };
}
type DefinitionType = keyof ReturnType<typeof definitionsOf>;

/** A canonical resource's URL matches `url` or `url|version`. */
const urlMatches = (definition: { url?: string; version?: string }, url: string) =>
  url === definition.url || (definition.version !== undefined && url === `${definition.url}|${definition.version}`);

/**
 * Search of what the face defines: `OperationDefinition` and `CodeSystem` by canonical `url`
 * (with `|version` or without), `NamingSystem` by `value` (a unique id: the system's URL), and
 * each by `_id`. Several values of a parameter, comma-separated, are alternatives.
 */
async function searchDefinitions(c: Context<AppEnv>, type: DefinitionType): Promise<Response> {
  const params = new URL(c.req.url).searchParams;
  const known = type === 'NamingSystem' ? NAMING_SYSTEM_CRITERIA : type === 'CodeSystem' ? CODE_SYSTEM_CRITERIA : OPERATION_DEFINITION_CRITERIA;
  const { result, ignored } = parseSearchParams(params, known, prefersStrict(c));
  const definitions: (Resource & { id: string; url?: string; version?: string; uniqueId?: { value: string }[] })[] = definitionsOf(c)[type];
  const urls = params.getAll('url').flatMap((value) => value.split(','));
  const values = params.getAll('value').flatMap((value) => value.split(','));
  const ids = idsOf(params);
  const matches = definitions.filter(
    (definition) =>
      (!urls.length || urls.some((url) => urlMatches(definition, url))) &&
      (!values.length || values.some((value) => definition.uniqueId?.some((u) => u.value === value))) &&
      (!ids || ids.includes(definition.id)),
  );
  const criteria: [string, string][] = [];
  for (const url of urls) criteria.push(['url', url]);
  for (const value of values) criteria.push(['value', value]);
  if (ids) criteria.push(['_id', ids.join(',')]);
  const bundle = await searchset({
    base: baseUrl(c),
    type,
    result,
    ignored,
    total: matches.length,
    criteria,
    load: async (offset, count) => matches.slice(offset, offset + count),
  });
  return fhirResponse(c, bundle);
}

/** A read of what the face defines, by id: no token needed, nothing of a person in it. */
function readDefinition(c: Context<AppEnv>, type: DefinitionType): Response {
  const result = readParams(c);
  const definition = (definitionsOf(c)[type] as (Resource & { id: string })[]).find((d) => d.id === c.req.param('id'));
  if (!definition) throw notFound(type);
  return fhirResponse(c, subset(definition, result));
}

/**
 * `$sip`: the whole SIP as one document Bundle, for the SIP's id or a part's. POST takes an
 * empty body or a Parameters resource without parameters (the operation has no input).
 */
async function sip(c: Context<AppEnv>, input?: Parameters): Promise<Response> {
  const strict = prefersStrict(c);
  parseSearchParams(new URL(c.req.url).searchParams, [], strict);
  if (strict && input?.parameter?.length) {
    throw new FhirError(400, 'not-supported', `$sip takes no parameters: ${input.parameter.map(parameterName).join(', ')}`);
  }
  const plan = await readPlanOfCarePlan(c, c.req.param('id')!);
  const unchanged = notModified(c, plan);
  if (unchanged) return unchanged;
  return fhirResponse(c, faceOf(plan, c.get('deps').config.fhirSystems).document(baseUrl(c)), 200, versionHeaders(plan));
}

/** How a refusal names a parameter it was sent: its name, quoted and cut short, whatever the client sent as the parameter. */
function parameterName(parameter: unknown): string {
  const name = parameter !== null && typeof parameter === 'object' ? (parameter as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : '(a parameter without a name)';
}

async function parametersOf(c: Context<AppEnv>): Promise<Parameters | undefined> {
  const body = await c.req.text();
  if (body.trim() === '') return undefined;
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(fhir\+)?json\b/i.test(type)) {
    throw new FhirError(415, 'not-supported', 'Send the operation’s input as application/fhir+json (a Parameters resource), or no body');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new FhirError(400, 'invalid', 'The body is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || (parsed as Resource).resourceType !== 'Parameters') {
    throw new FhirError(400, 'invalid', 'The body must be a Parameters resource');
  }
  const parameter = (parsed as Parameters).parameter;
  if (parameter !== undefined && !Array.isArray(parameter)) throw new FhirError(400, 'invalid', 'Parameters.parameter must be an array');
  return parsed as Parameters;
}

/** Refuses types the face does not serve before anything else is asked. */
function servedType(c: Context<AppEnv>): ReadType {
  const type = c.req.param('type') ?? '';
  if (!isReadType(type)) {
    throw new FhirError(404, 'not-found', `Not supported by this FHIR server: ${JSON.stringify(type.slice(0, 64))} (see /fhir/metadata)`);
  }
  return type;
}

const router = new Hono<AppEnv>({ strict: false });

/** 405 for a method the path does not have, with `Allow` naming the ones it has. */
function notSupported(c: Context<AppEnv>): never {
  const allow = allowedMethods(router, c.req.path);
  throw new FhirError(405, 'not-supported', `${c.req.method} is not supported here: this FHIR face is read-only (this path takes ${allow.join(', ')})`, {
    Allow: allow.join(', '),
  });
}

/**
 * The broker's read-only FHIR R4 face, under `/fhir`: the CapabilityStatement; read of the SIP's
 * CarePlans and of every resource they reference (CareTeam, Goal, Consent, RelatedPerson, Task,
 * Patient, Organization, Practitioner, and the Composition of its document); CarePlan search
 * with paging, `_summary`, `_elements` and `_total`; `$sip` (the whole SIP as one document); the
 * OperationDefinition of `$sip` at its canonical URL; and our own code and identifier systems as
 * CodeSystem and NamingSystem resources, at the URLs the published resources name them by. Reads go through {@link PlansService},
 * so authorisation and the access log are the staff API's. Errors are OperationOutcome
 * (`application/fhir+json`), never problem+json. JSON only: anything else asked for is a 406.
 */
export const fhirRoutes = router
  .use('/fhir', negotiateJson)
  .use('/fhir/*', negotiateJson)
  .use('/fhir/*', refuseUnstorable)
  .get('/fhir/metadata', (c) => {
    readParams(c);
    return fhirResponse(
      c,
      capabilityStatement({ base: baseUrl(c), canonicalBase: canonicalBase(c), systems: systemsOf(c), date: c.get('deps').clock.now().toISOString() }),
    );
  })
  .get('/fhir/OperationDefinition', (c) => searchDefinitions(c, 'OperationDefinition'))
  .get('/fhir/OperationDefinition/:id', (c) => readDefinition(c, 'OperationDefinition'))
  .get('/fhir/CodeSystem', (c) => searchDefinitions(c, 'CodeSystem'))
  .get('/fhir/CodeSystem/:id', (c) => readDefinition(c, 'CodeSystem'))
  .get('/fhir/NamingSystem', (c) => searchDefinitions(c, 'NamingSystem'))
  .get('/fhir/NamingSystem/:id', (c) => readDefinition(c, 'NamingSystem'))
  .get('/fhir/CarePlan', ...authz('plan.list'), (c) => searchCarePlans(c, new URL(c.req.url).searchParams))
  .post('/fhir/CarePlan/_search', ...authz('plan.list'), async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
      throw new FhirError(415, 'not-supported', 'Send the search parameters as application/x-www-form-urlencoded');
    }
    const params = new URLSearchParams(await c.req.text());
    for (const [key, value] of new URL(c.req.url).searchParams) params.append(key, value);
    return searchCarePlans(c, params);
  })
  // A search by form is a POST: `_search` is no CarePlan id to read (searching by GET is `GET /fhir/CarePlan?…`).
  .all('/fhir/CarePlan/_search', (c) => {
    throw new FhirError(405, 'not-supported', `${c.req.method} is not supported here: search with POST and a form body, or GET /fhir/CarePlan?…`, { Allow: 'POST' });
  })
  .get('/fhir/CarePlan/:id/$sip', ...authz('plan.read'), (c) => sip(c))
  .post('/fhir/CarePlan/:id/$sip', ...authz('plan.read'), async (c) => sip(c, await parametersOf(c)))
  .get(
    '/fhir/:type/:id',
    async (c, next) => {
      servedType(c);
      await next();
    },
    ...authz('plan.read'),
    async (c) => {
      const result = readParams(c);
      const { face, resource } = await readFace(c, servedType(c), c.req.param('id'));
      const unchanged = notModified(c, face.plan);
      if (unchanged) return unchanged;
      return fhirResponse(c, subset(resource, result), 200, versionHeaders(face.plan));
    },
  )
  .all('/fhir/metadata', notSupported)
  .all('/fhir/OperationDefinition', notSupported)
  .all('/fhir/OperationDefinition/:id', notSupported)
  .all('/fhir/CodeSystem', notSupported)
  .all('/fhir/CodeSystem/:id', notSupported)
  .all('/fhir/NamingSystem', notSupported)
  .all('/fhir/NamingSystem/:id', notSupported)
  .all('/fhir/CarePlan', notSupported)
  .all('/fhir/CarePlan/:id/$sip', notSupported)
  .all('/fhir/:type/:id', (c) => {
    servedType(c);
    return notSupported(c);
  })
  .all('/fhir/*', (c) => {
    throw new FhirError(404, 'not-found', `Not supported by this FHIR server: ${c.req.method} ${c.req.path.replace(/^\/fhir/, '').slice(0, 200) || '/'} (see /fhir/metadata)`);
  })
  .all('/fhir', () => {
    throw new FhirError(404, 'not-found', 'Not supported by this FHIR server: see /fhir/metadata');
  })
  .onError((error, c) => errorToOperationOutcome(error, c, c.get('deps').logger));

export { sipOperationUrl };
