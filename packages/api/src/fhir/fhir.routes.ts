import type { Bundle, CapabilityStatement, CarePlan, Resource } from '@medplum/fhirtypes';
import { plansService, staffActor } from '../plans/context.ts';
import {
  IdentifierSystem,
  parsePersonId,
  patientIdentifierReference,
  planToFhir,
  sipResourceList,
  type PlanView,
} from '@sip/shared';
import { Hono, type Context } from 'hono';
import { authz } from '../policy/authorize.ts';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/errors.ts';
import { etag } from '../plans/plans.service.ts';
import { errorToOperationOutcome, FhirError, fhirResponse } from './outcome.ts';

/** The canonical URL of the `$sip` operation. */
export const SIP_OPERATION = 'urn:sip-broker:OperationDefinition:CarePlan-sip';

/** The search parameters `GET /fhir/CarePlan` takes. */
const SEARCH_PARAMS = new Set(['patient:identifier', '_format']);
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

const actor = staffActor;

const service = plansService;

const baseUrl = (c: Context<AppEnv>) => `${c.get('deps').config.publicUrl.replace(/\/$/, '')}/fhir`;

/** Our own FHIR face: ids are our ids, references relative, the individual by personnummer or samordningsnummer. */
function resourcesOf(plan: PlanView) {
  return planToFhir(plan, { patient: patientIdentifierReference(plan) });
}

/** Every resource of the face versions with the plan as a whole: its revision. */
function withMeta<T extends Resource>(resource: T, plan: PlanView): T {
  return { ...resource, meta: { ...resource.meta, versionId: String(plan.revision), lastUpdated: plan.updatedAt } };
}

function versionHeaders(plan: PlanView): Record<string, string> {
  return { ETag: etag(plan.revision), 'Last-Modified': new Date(plan.updatedAt).toUTCString() };
}

/**
 * A CarePlan id names the SIP (the plan id) or one of its sub-CarePlans (a part id, or the
 * relatives section's id). Either way the whole plan is read through the service: authorised,
 * and logged as a read of the plan.
 */
async function readPlanOf(c: Context<AppEnv>, id: string): Promise<{ plan: PlanView; carePlan: CarePlan & { id: string } }> {
  const plans = service(c);
  const who = actor(c);
  try {
    const plan = await plans.get(who, id);
    return { plan, carePlan: resourcesOf(plan).carePlan };
  } catch (error) {
    if (!(error instanceof ProblemError && error.code === 'not-found')) throw error;
  }
  const plan = await plans.getByPart(who, id);
  const resources = resourcesOf(plan);
  const carePlan = [...resources.parts, resources.relatives].find((p) => p.id === id);
  if (!carePlan) throw new ProblemError('not-found', 'No such plan');
  return { plan, carePlan };
}

function capabilityStatement(c: Context<AppEnv>): CapabilityStatement {
  const base = baseUrl(c);
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: c.get('deps').clock.now().toISOString(),
    publisher: 'SIP broker',
    kind: 'instance',
    software: { name: 'SIP broker', version: '0.1.0' },
    implementation: {
      description: 'The SIP broker’s read-only FHIR R4 face: the shared SIP (samordnad individuell plan) as CarePlans',
      url: base,
    },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read-only. Errors are OperationOutcome. CarePlan ids are plan ids (the SIP) or part ids (a principal’s part or the relatives section). The individual is referenced by identifier (personnummer or samordningsnummer); this server holds no Patient resources.',
        security: {
          cors: true,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }],
          description:
            'A staff bearer token (Authorization: Bearer). Staff see the plans their organisation takes part in; every read is recorded in the access log. Auditors read no plans.',
        },
        resource: [
          {
            type: 'CarePlan',
            documentation:
              'The SIP (category urn:sip-broker:codesystem:plan-category|sip) and its sub-CarePlans (sip-part, sip-relatives). meta.versionId and the ETag are the plan’s revision.',
            interaction: [
              { code: 'read', documentation: 'The SIP, or a sub-CarePlan by part id; ETag W/"<revision>"' },
              { code: 'search-type', documentation: 'GET [base]/CarePlan?… or POST [base]/CarePlan/_search (form body), returning SIP CarePlans only' },
            ],
            versioning: 'versioned',
            readHistory: false,
            updateCreate: false,
            conditionalCreate: false,
            conditionalRead: 'not-supported',
            conditionalUpdate: false,
            conditionalDelete: 'not-supported',
            searchParam: [
              {
                name: 'patient',
                definition: 'http://hl7.org/fhir/SearchParameter/clinical-patient',
                type: 'reference',
                documentation:
                  'Only with the :identifier modifier, and required: patient:identifier=<system>|<value> with the personnummer or samordningsnummer system. The SIPs of that individual that your organisation takes part in.',
              },
            ],
            operation: [
              {
                name: 'sip',
                definition: SIP_OPERATION,
                documentation:
                  'GET [base]/CarePlan/[id]/$sip: the whole SIP as one collection Bundle (SIP CarePlan, sub-CarePlans, Goals, CareTeam, Consent).',
              },
            ],
          },
        ],
      },
    ],
  };
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

async function search(c: Context<AppEnv>, params: URLSearchParams): Promise<Response> {
  const keys = [...new Set(params.keys())];
  const unsupported = keys.filter((key) => !SEARCH_PARAMS.has(key));
  if (unsupported.length) {
    throw new FhirError(400, 'not-supported', `Unsupported search parameter${unsupported.length > 1 ? 's' : ''}: ${unsupported.join(', ')}. Supported: patient:identifier`);
  }
  const format = params.get('_format');
  if (format !== null && !JSON_FORMATS.has(format)) throw new FhirError(400, 'not-supported', 'Only JSON is supported: _format=json');
  const tokens = params.getAll('patient:identifier');
  if (tokens.length === 0) throw new FhirError(400, 'not-supported', 'Searching CarePlans requires patient:identifier=<system>|<value>');
  if (tokens.length > 1 || tokens[0]!.includes(',')) throw new FhirError(400, 'not-supported', 'patient:identifier takes exactly one value');
  const personId = personIdOf(tokens[0]!);
  const plans = personId ? await service(c).findByIndividual(actor(c), personId) : [];
  const base = baseUrl(c);
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: plans.length,
    link: [{ relation: 'self', url: `${base}/CarePlan?${new URLSearchParams([['patient:identifier', tokens[0]!]]).toString()}` }],
    entry: plans.map((plan) => ({
      fullUrl: `${base}/CarePlan/${plan.id}`,
      resource: withMeta(resourcesOf(plan).carePlan, plan),
      search: { mode: 'match' },
    })),
  };
  if (!bundle.entry?.length) delete bundle.entry;
  return fhirResponse(c, bundle);
}


function notSupported(c: Context<AppEnv>): never {
  throw new FhirError(405, 'not-supported', `${c.req.method} is not supported here: this FHIR face is read-only`);
}

/**
 * The broker's read-only FHIR R4 face, under `/fhir`: the CapabilityStatement, CarePlan read and
 * search by the individual's identifier, and `$sip` (the whole SIP as one Bundle). Reads go
 * through {@link PlansService}, so authorisation and the access log are the staff API's. Errors
 * are OperationOutcome (`application/fhir+json`), never problem+json.
 */
export const fhirRoutes = new Hono<AppEnv>({ strict: false })
  .get('/fhir/metadata', (c) => fhirResponse(c, capabilityStatement(c)))
  .get('/fhir/CarePlan', ...authz('plan.list'), (c) => search(c, new URL(c.req.url).searchParams))
  .post('/fhir/CarePlan/_search', ...authz('plan.list'), async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
      throw new FhirError(415, 'not-supported', 'Send the search parameters as application/x-www-form-urlencoded');
    }
    const params = new URLSearchParams(await c.req.text());
    for (const [key, value] of new URL(c.req.url).searchParams) params.append(key, value);
    return search(c, params);
  })
  .get('/fhir/CarePlan/:id/$sip', ...authz('plan.read'), async (c) => {
    const { plan } = await readPlanOf(c, c.req.param('id'));
    const resources = resourcesOf(plan);
    const base = baseUrl(c);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: c.get('deps').clock.now().toISOString(),
      entry: sipResourceList(resources).map((resource) => ({
        fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
        resource: withMeta(resource, plan),
      })),
    };
    return fhirResponse(c, bundle, 200, versionHeaders(plan));
  })
  .get('/fhir/CarePlan/:id', ...authz('plan.read'), async (c) => {
    const { plan, carePlan } = await readPlanOf(c, c.req.param('id'));
    return fhirResponse(c, withMeta(carePlan, plan), 200, versionHeaders(plan));
  })
  .all('/fhir/metadata', notSupported)
  .all('/fhir/CarePlan', notSupported)
  .all('/fhir/CarePlan/:id', notSupported)
  .all('/fhir/CarePlan/:id/$sip', notSupported)
  .all('/fhir/*', (c) => {
    throw new FhirError(404, 'not-found', `Not supported by this FHIR server: ${c.req.method} ${c.req.path.replace(/^\/fhir/, '') || '/'} (see /fhir/metadata)`);
  })
  .all('/fhir', () => {
    throw new FhirError(404, 'not-found', 'Not supported by this FHIR server: see /fhir/metadata');
  })
  .onError((error, c) => errorToOperationOutcome(error, c, c.get('deps').logger));
