import { referencesIn, type SipSystems } from '@sip/shared';
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

/** Whether a value names one of our systems anywhere (an identifier, a code, an extension, a policy), in any form. */
function namesOurSystems(value: unknown, systems: SipSystems): boolean {
  if (Array.isArray(value)) return value.some((v) => namesOurSystems(v, systems));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, child]) =>
      typeof child === 'string' ? ['system', 'url', 'uri'].includes(key) && systems.local(child) !== undefined : namesOurSystems(child, systems),
    );
  }
  return false;
}

/**
 * What is wrong with what a peer holds of the broker's publications, as a list of findings
 * (empty when all is well): a reference that resolves to nothing there (a placeholder left
 * behind, an id that never existed, a version that does not exist), two resources with the same
 * identifier of ours (in whichever forms they carry it: a copy under the legacy
 * `urn:sip-broker:…` system beside one under the current is two), or two RelatedPersons for the
 * same person and individual.
 */
export function integrityFindings(peer: FhirPeer, systems: SipSystems): string[] {
  const findings: string[] = [];
  const held = latestResources(peer);
  const histories = peer.exportState().histories;
  const ours = [...held.entries()].filter(([, r]) => namesOurSystems(r, systems));
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
      const local = systems.local(identifier.system);
      if (!local || !systems.isIdentifierSystem(local)) continue;
      const id = `${resource.resourceType} ${systems.url(local)}|${identifier.value}`;
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
