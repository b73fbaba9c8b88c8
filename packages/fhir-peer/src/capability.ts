import { getResourceTypes, getSearchParameters } from '@medplum/core';
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
  ResourceType,
} from '@medplum/fhirtypes';

/** The search parameter types that the peer's search engine evaluates. */
const supportedSearchTypes = new Set(['token', 'string', 'date', 'reference', 'uri']);

const instanceAndTypeInteractions = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'create',
  'search-type',
] as const;

let resourceCapabilities: CapabilityStatementRestResource[] | undefined;

/**
 * The peer's CapabilityStatement (`GET [base]/metadata`): FHIR 4.0.1, JSON only, every R4
 * resource type with the instance and type interactions the peer implements, and the system
 * interactions `transaction` and `batch`. With SMART on, `rest.security` names SMART-on-FHIR and
 * the authorisation and token endpoints (the `oauth-uris` extension), as SMART App Launch asks.
 */
export function capabilityStatement(baseUrl: string, name: string, startedAt: string, smart = false): CapabilityStatement {
  resourceCapabilities ??= getResourceTypes()
    .sort()
    .map((type) => describeResourceType(type));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: startedAt,
    kind: 'instance',
    software: { name: '@sip/fhir-peer' },
    implementation: { description: name, url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        ...(smart
          ? {
              security: {
                service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
                extension: [
                  {
                    url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                    extension: [
                      { url: 'authorize', valueUri: `${baseUrl}/auth/authorize` },
                      { url: 'token', valueUri: `${baseUrl}/auth/token` },
                    ],
                  },
                ],
              },
            }
          : {}),
        resource: resourceCapabilities,
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  };
}

function describeResourceType(type: ResourceType): CapabilityStatementRestResource {
  const searchParam: CapabilityStatementRestResourceSearchParam[] = Object.values(getSearchParameters(type) ?? {})
    .filter((param) => supportedSearchTypes.has(param.type as string))
    .map((param) => ({
      name: param.code as string,
      type: param.type as CapabilityStatementRestResourceSearchParam['type'],
    }));
  const referenceParams = searchParam.filter((param) => param.type === 'reference').map((param) => param.name);
  return {
    type,
    interaction: instanceAndTypeInteractions.map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'not-supported',
    conditionalUpdate: true,
    conditionalDelete: 'single',
    searchInclude: referenceParams.map((name) => `${type}:${name}`),
    searchParam,
  };
}
