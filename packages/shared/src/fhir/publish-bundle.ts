import type { Bundle, BundleEntry, Identifier, Resource } from '@medplum/fhirtypes';
import type { PlanView } from '../plan.ts';
import { SipIdentifierSystem } from './codesystems.ts';
import {
  identifierKey,
  patientIdentifierReference,
  planToFhir,
  sipResourceList,
  type PlanChange,
  type PlanToFhirContext,
} from './plan-to-fhir.ts';
import { stableUuid } from './stable-uuid.ts';
import type { SipSystems } from './systems.ts';

/** What the receiving server already holds: `system|value` of our identifier → its id and current version. */
export type ExistingResources = ReadonlyMap<string, { id: string; versionId: string }>;

export interface PublishContext extends PlanToFhirContext {
  change: PlanChange;
}

/** A resource the publish bundle carries, by type and identifier: what a caller looks up first. */
export interface PublishTarget {
  resourceType: 'CarePlan' | 'CareTeam' | 'Consent' | 'Goal' | 'RelatedPerson' | 'Task';
  identifier: Identifier & { system: string; value: string };
  /** `system|value`. */
  key: string;
}

/**
 * Every resource the publish bundle carries except the Provenance (which has no identifier), SIP
 * first: read off the resources themselves, so the list cannot drift from the bundle.
 */
export function publishTargets(plan: PlanView, systems: SipSystems): PublishTarget[] {
  return sipResourceList(planToFhir(plan, { patient: patientIdentifierReference(plan), systems })).map((resource) => {
    const identifier = sipIdentifierOf(resource, systems);
    if (!identifier) throw new Error(`${resource.resourceType}/${resource.id} carries no identifier of ours`);
    return { resourceType: resource.resourceType as PublishTarget['resourceType'], identifier, key: identifierKey(identifier) };
  });
}

/** Every `system|value` the publish bundle will carry, so a caller can look them up on the receiving server first. */
export function publishIdentifiers(plan: PlanView, systems: SipSystems): string[] {
  return publishTargets(plan, systems).map((t) => t.key);
}

/** The identifier of ours a resource carries, in whichever form it carries it (see {@link SipSystems.local}). */
export function sipIdentifierOf(resource: Resource, systems: SipSystems): (Identifier & { system: string; value: string }) | undefined {
  const identifiers = (resource as { identifier?: Identifier[] }).identifier ?? [];
  return identifiers.find((i): i is Identifier & { system: string; value: string } => systems.isIdentifierSystem(i.system) && !!i.value);
}

/** `ifNoneExist`/search value of an identifier: each part percent-encoded where a query needs it. */
export function identifierQuery(identifier: { system: string; value: string }): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
  return `identifier=${encode(identifier.system)}|${encode(identifier.value)}`;
}

/** Every `reference` string in a resource, a bundle or any part of one, in document order. */
export function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') out.push(child);
      else referencesIn(child, out);
    }
  }
  return out;
}

/** A copy with every `reference` found in `map` replaced. */
export function rewriteReferences<T>(value: T, map: ReadonlyMap<string, string>): T {
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, map)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = key === 'reference' && typeof child === 'string' ? (map.get(child) ?? child) : rewriteReferences(child, map);
    }
    return out as T;
  }
  return value;
}

/**
 * One FHIR `transaction` Bundle that publishes the SIP to a receiving server, idempotently:
 * - a resource the server already holds (in `existing`) is `PUT Type/id` with `ifMatch` on the
 *   version that was read, so a concurrent change there makes the whole transaction fail (412);
 * - any other resource is a conditional create, `POST Type` with `ifNoneExist: identifier=…`, and
 *   gets a `urn:uuid:` fullUrl that the other entries reference;
 * - the Provenance of the change is a conditional create too, on the plan it targets and the
 *   moment it records, so delivering the same change twice leaves one Provenance.
 */
export function buildPublishBundle(plan: PlanView, ctx: PublishContext, existing: ExistingResources = new Map()): Bundle {
  const resources = planToFhir(plan, ctx);
  const list = sipResourceList(resources);

  const placements = list.map((resource) => {
    const identifier = sipIdentifierOf(resource, ctx.systems);
    if (!identifier) throw new Error(`${resource.resourceType}/${resource.id} carries no identifier of ours`);
    const local = `${resource.resourceType}/${resource.id}`;
    const found = existing.get(identifierKey(identifier));
    return found
      ? { resource, identifier, local, target: `${resource.resourceType}/${found.id}`, found }
      : { resource, identifier, local, target: `urn:uuid:${stableUuid(`publish|${identifierKey(identifier)}`)}`, found: undefined };
  });
  const references = new Map(placements.map((p) => [p.local, p.target]));

  const entries: BundleEntry[] = placements.map(({ resource, identifier, target, found }) => {
    const { id: _localId, ...body } = rewriteReferences(resource, references);
    if (found) {
      return {
        resource: { ...body, id: found.id } as Resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${found.id}`, ifMatch: `W/"${found.versionId}"` },
      };
    }
    return {
      fullUrl: target,
      resource: body as Resource,
      request: { method: 'POST', url: resource.resourceType, ifNoneExist: identifierQuery(identifier) },
    };
  });

  if (resources.provenance) {
    entries.push({
      fullUrl: `urn:uuid:${stableUuid(`publish|Provenance|${plan.id}|${ctx.change.revision}`)}`,
      resource: rewriteReferences(resources.provenance, references),
      request: {
        method: 'POST',
        url: 'Provenance',
        ifNoneExist: `target:${identifierQuery({ system: ctx.systems.url(SipIdentifierSystem.plan), value: plan.id })}&recorded=${encodeURIComponent(ctx.change.changedAt)}`,
      },
    });
  }

  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}
