import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
  OperationDefinition,
} from '@medplum/fhirtypes';
import { PLAN_CATEGORY_SYSTEM, PlanCategory, type SipSystems } from '@sip/shared';
import { DEFAULT_COUNT, MAX_COUNT } from './search.ts';
import { MAX_MATCHES } from './plan-search.ts';
import type { ReadType } from './face.ts';

/** The id of the `$sip` OperationDefinition; its canonical URL is `<canonical base>/OperationDefinition/CarePlan-sip`. */
export const SIP_OPERATION_ID = 'CarePlan-sip';

export const sipOperationUrl = (canonicalBase: string) => `${canonicalBase}/OperationDefinition/${SIP_OPERATION_ID}`;

const VERSION = '0.1.0';

/** The `$sip` operation: the whole SIP as one document Bundle. */
export function sipOperationDefinition(canonicalBase: string, systems: SipSystems): OperationDefinition & { id: string } {
  return {
    resourceType: 'OperationDefinition',
    id: SIP_OPERATION_ID,
    url: sipOperationUrl(canonicalBase),
    version: VERSION,
    name: 'CarePlanSip',
    title: 'The whole SIP as one document',
    status: 'active',
    kind: 'operation',
    publisher: 'SIP broker',
    description:
      'The SIP (samordnad individuell plan) a CarePlan belongs to, as one FHIR document: a Bundle of type document whose first entry is a ' +
      `Composition (status final, type LOINC 18776-5 Plan of care note and ${systems.url(PLAN_CATEGORY_SYSTEM)}|${PlanCategory.sip.code}, the individual as ` +
      'subject, the principal responsible for the plan as author) with one section per part of the SIP: the plan, goals, the region’s and ' +
      'the municipality’s parts, the standing relatives section, the care team and the individual’s consent, each with narrative and ' +
      'references to its resources. Every resource referenced follows, the Patient, organisations and practitioners included, so every ' +
      'reference resolves to the fullUrl of an entry. The CarePlan id may be the SIP’s or one of its parts’. Reading it is a read of the ' +
      'plan: authorised and recorded in the access log.',
    affectsState: false,
    code: 'sip',
    resource: ['CarePlan'],
    system: false,
    type: false,
    instance: true,
    outputProfile: 'http://hl7.org/fhir/StructureDefinition/Bundle',
    parameter: [
      {
        name: 'return',
        use: 'out',
        min: 1,
        max: '1',
        documentation: 'The SIP as a document Bundle (Bundle.type document), with identifier and timestamp',
        type: 'Bundle',
      },
    ],
  };
}

const resultParams: CapabilityStatementRestResourceSearchParam[] = [
  {
    name: '_count',
    type: 'number',
    documentation: `Page size: ${DEFAULT_COUNT} when not given, at most ${MAX_COUNT}; 0 answers the total alone. Pages link self, first, previous, next and last.`,
  },
  { name: '_summary', type: 'token', documentation: 'true, text, data, count (the total and no entries) or false' },
  { name: '_elements', type: 'string', documentation: 'Only the named elements, with the mandatory ones, tagged SUBSETTED' },
  { name: '_total', type: 'token', documentation: 'none (no total), estimate or accurate (both: the exact total)' },
];

const readOnly = {
  versioning: 'versioned',
  readHistory: false,
  updateCreate: false,
  conditionalCreate: false,
  conditionalRead: 'not-supported',
  conditionalUpdate: false,
  conditionalDelete: 'not-supported',
} as const;

const PLAN_READ = 'Read with the same authorisation as the plan it belongs to, and recorded in the access log as a read of that plan. meta.versionId and the ETag are the plan’s revision; If-None-Match with it answers 304.';

/** What each type read holds, and how its ids are made. */
const readDocs: Record<Exclude<ReadType, 'CarePlan'>, string> = {
  CareTeam: 'The SIP’s team: the principals, contact persons, the SIP coordinator and invited participants. Its id is the plan id.',
  Goal: 'The individual’s own goals and each principal’s professional goals.',
  Consent: 'The individual’s consent to the SIP (its id is the plan id), and the relatives’ own consents to a commitment or to the home as a place of care.',
  RelatedPerson: 'The relatives of the standing relatives section.',
  Task: 'A relative’s voluntary commitment (owner the RelatedPerson), and what in the relatives section needs the responsible principal’s attention.',
  Composition: 'The Composition of the plan’s $sip document. Its id is the plan id.',
  Patient: 'The individual as the plan names them: personnummer or samordningsnummer, and the name when the plan has one. Its id is the plan id.',
  Organization: 'An organisation the plan names, by HSA-id.',
  Practitioner: 'A member of staff the plan names, by HSA-id.',
};

function readResource(type: ReadType, documentation: string): CapabilityStatementRestResource {
  return {
    type,
    documentation: `${documentation} ${PLAN_READ}`,
    interaction: [{ code: 'read' }],
    ...readOnly,
  };
}

/** The face's CapabilityStatement: exactly what it serves. */
export function capabilityStatement(options: { base: string; canonicalBase: string; systems: SipSystems; date: string }): CapabilityStatement {
  const carePlan: CapabilityStatementRestResource = {
    type: 'CarePlan',
    documentation:
      `The SIP (category ${options.systems.url(PLAN_CATEGORY_SYSTEM)}|${PlanCategory.sip.code}) and its sub-CarePlans (${PlanCategory.part.code}, ${PlanCategory.relatives.code}), partOf the SIP. ` +
      `Ids are plan ids (the SIP) or part ids. Search answers SIP CarePlans of the plans my organisation takes part in (at most ${MAX_MATCHES}); ` +
      'its links name the matches by _id, never the individual. Parameters a search does not know are ignored and named in an ' +
      'OperationOutcome entry; with Prefer: handling=strict they are refused (400). ' +
      PLAN_READ,
    interaction: [
      { code: 'read', documentation: 'The SIP, or a sub-CarePlan by part id' },
      { code: 'search-type', documentation: 'GET [base]/CarePlan?… or POST [base]/CarePlan/_search with a form body (keeps the personnummer out of the URL)' },
    ],
    ...readOnly,
    searchParam: [
      {
        name: 'patient',
        definition: 'http://hl7.org/fhir/SearchParameter/clinical-patient',
        type: 'reference',
        documentation:
          'Only with the :identifier modifier: patient:identifier=<system>|<value> with the personnummer or samordningsnummer system (or the value alone). The SIPs of that individual.',
      },
      { name: '_id', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id', type: 'token', documentation: 'CarePlan ids, comma-separated: plan ids or part ids' },
      ...resultParams,
    ],
    operation: [
      {
        name: 'sip',
        definition: sipOperationUrl(options.canonicalBase),
        documentation: 'GET or POST [base]/CarePlan/[id]/$sip: the whole SIP as one document Bundle; If-None-Match with the plan’s ETag answers 304.',
      },
    ],
  };
  /** A definitional resource served read-only and without a token, searched by its own key and `_id`. */
  const definitions = (type: CapabilityStatementRestResource['type'], documentation: string, key: CapabilityStatementRestResource['searchParam'] & {}): CapabilityStatementRestResource => ({
    type,
    documentation: `${documentation} Read and searched without a token.`,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    ...readOnly,
    versioning: 'no-version',
    searchParam: [...key, { name: '_id', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id', type: 'token' }, ...resultParams],
  });
  const byCanonicalUrl = [
    { name: 'url', definition: 'http://hl7.org/fhir/SearchParameter/conformance-url', type: 'uri' as const, documentation: 'The canonical URL, optionally with |version' },
  ];
  const codeSystem = definitions(
    'CodeSystem',
    `The broker’s own code systems, each at the URL the resources it publishes code with (${options.systems.base}/CodeSystem/<id>): ` +
      'content complete, Swedish displays and definitions.',
    byCanonicalUrl,
  );
  const namingSystem = definitions(
    'NamingSystem',
    `The broker’s own identifier systems (${options.systems.base}/NamingSystem/<id>), kind identifier: the preferred uniqueId (type uri) ` +
      'is the system the published resources carry; the earlier forms the broker recognises as the same system follow it.',
    [{ name: 'value', definition: 'http://hl7.org/fhir/SearchParameter/NamingSystem-value', type: 'string', documentation: 'A unique id of the system: its URL, or an earlier form' }],
  );
  const operationDefinition = definitions('OperationDefinition', 'The definitions of the operations this server serves.', byCanonicalUrl);
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    publisher: 'SIP broker',
    kind: 'instance',
    software: { name: 'SIP broker', version: VERSION },
    implementation: {
      description: 'The SIP broker’s read-only FHIR R4 face: the shared SIP (samordnad individuell plan), its parts and everything they reference',
      url: options.base,
    },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read-only. JSON only (_format or Accept asking for anything else: 406). Errors are OperationOutcome. Every reference in what this ' +
          'server returns resolves with a read here. The individual is the Patient whose id is the plan id; other resources of a plan ' +
          'without an id of their own carry <plan id>.<hash>.',
        security: {
          cors: true,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }],
          description:
            'A staff bearer token (Authorization: Bearer). Staff see the plans their organisation takes part in; every read is recorded in the access log. Auditors read no plans.',
        },
        resource: [
          carePlan,
          ...(Object.entries(readDocs) as [Exclude<ReadType, 'CarePlan'>, string][]).map(([type, doc]) => readResource(type, doc)),
          operationDefinition,
          codeSystem,
          namingSystem,
        ],
      },
    ],
  };
}
