import { referencesIn } from '@sip/shared';
import type { FhirPeer } from '@sip/fhir-peer';
import type { Resource } from '@medplum/fhirtypes';

/** The latest version of each resource a peer holds and has not deleted, by `Type/id`. */
export function latestResources(peer: FhirPeer): Map<string, Resource> {
  const held = new Map<string, Resource>();
  for (const [key, versions] of Object.entries(peer.exportState().histories)) {
    const latest = versions.at(-1)!;
    if (!latest.deleted) held.set(key, latest.resource as Resource);
  }
  return held;
}

/**
 * What is wrong with what a peer holds of the broker's publications, as a list of findings
 * (empty when all is well): a reference that resolves to nothing there (a placeholder left
 * behind, an id that never existed, a version that does not exist), two resources with the same
 * identifier of ours, or two RelatedPersons for the same person and individual.
 */
export function integrityFindings(peer: FhirPeer): string[] {
  const findings: string[] = [];
  const held = latestResources(peer);
  const histories = peer.exportState().histories;
  const ours = [...held.entries()].filter(([, r]) => JSON.stringify(r).includes('urn:sip-broker:'));
  for (const [key, resource] of ours) {
    for (const reference of referencesIn(resource)) {
      if (/^urn:uuid:/i.test(reference)) {
        findings.push(`${key} keeps the placeholder ${reference}`);
        continue;
      }
      const match = /^([A-Z][A-Za-z]+)\/([^/]+)(?:\/_history\/([^/]+))?$/.exec(reference);
      if (!match) continue;
      const target = `${match[1]}/${match[2]}`;
      if (!held.has(target)) findings.push(`${key} references ${reference}, which the peer does not hold`);
      else if (match[3] && !(histories[target] ?? []).some((v) => v.resource.meta?.versionId === match[3])) {
        findings.push(`${key} references version ${match[3]} of ${target}, which never existed`);
      }
    }
  }
  const seen = new Map<string, string>();
  for (const [key, resource] of held) {
    const identifiers = (resource as { identifier?: { system?: string; value?: string }[] }).identifier ?? [];
    for (const identifier of identifiers) {
      if (!identifier.system?.startsWith('urn:sip-broker:')) continue;
      const id = `${resource.resourceType} ${identifier.system}|${identifier.value}`;
      const other = seen.get(id);
      if (other) findings.push(`${key} and ${other} both carry ${id}`);
      else seen.set(id, key);
    }
    if (resource.resourceType === 'RelatedPerson') {
      const person = resource.identifier?.find((i) => i.system?.startsWith('http://electronichealth.se/identifier/'))?.value;
      if (!person) continue;
      const id = `RelatedPerson of ${resource.patient.reference ?? JSON.stringify(resource.patient.identifier)} for ${person}`;
      const other = seen.get(id);
      if (other) findings.push(`${key} and ${other} are both the ${id}`);
      else seen.set(id, key);
    }
  }
  return findings;
}
