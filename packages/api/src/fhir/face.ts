import { createHash } from 'node:crypto';
import type { Bundle, Composition, Resource } from '@medplum/fhirtypes';
import {
  patientIdentifierReference,
  planToFhir,
  sipComposition,
  sipDocument,
  sipDocumentResources,
  sipResourceList,
  withParticipants,
  type PlanView,
  type SipParticipants,
  type SipResources,
  type SipSystems,
} from '@sip/shared';

/** The resource types the face reads: the SIP's own, and what its references name. */
export const READ_TYPES = [
  'CarePlan',
  'CareTeam',
  'Goal',
  'Consent',
  'RelatedPerson',
  'Task',
  'Composition',
  'Patient',
  'Organization',
  'Practitioner',
] as const;
export type ReadType = (typeof READ_TYPES)[number];

export const isReadType = (type: string): type is ReadType => (READ_TYPES as readonly string[]).includes(type);

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PLAN_ID = new RegExp(`^${UUID}$`);
const SCOPED_ID = new RegExp(`^(${UUID})\\.[0-9a-f]{20}$`);

/** The types whose resource in the face carries the plan id itself. */
const PLAN_ID_TYPES = new Set<ReadType>(['CareTeam', 'Consent', 'Composition', 'Patient']);

/**
 * The id the face gives a resource of a plan that has no id of the plan's own: the plan id, a
 * dot and 20 hex digits of a hash of what it is (`<plan id>.<hash>`). The plan id in it is how
 * a read finds the plan, and so who may read it; the hash tells nothing of the person.
 */
export function scopedId(planId: string, name: string): string {
  return `${planId}.${createHash('sha256').update(`${planId}|${name}`).digest('hex').slice(0, 20)}`;
}

/**
 * Where a read of `type/id` is answered from: the plan (by plan id), a CarePlan id (the SIP's
 * or a part's), or nothing when no plan of the face can hold such an id.
 */
export function holderOf(type: ReadType, id: string): { plan: string } | { carePlan: string } | null {
  const scoped = SCOPED_ID.exec(id);
  if (scoped) return type === 'CarePlan' ? null : { plan: scoped[1]! };
  if (!PLAN_ID.test(id)) return null;
  if (type === 'CarePlan') return { carePlan: id };
  return PLAN_ID_TYPES.has(type) ? { plan: id } : null;
}

/** Every resource of the face versions with the plan as a whole: its revision. */
function withMeta<T extends Resource>(resource: T, plan: PlanView): T {
  return { ...resource, meta: { ...resource.meta, versionId: String(plan.revision), lastUpdated: plan.updatedAt } };
}

function mapReferences<T>(value: T, rename: (reference: string) => string): T {
  if (Array.isArray(value)) return value.map((child) => mapReferences(child, rename)) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = key === 'reference' && typeof child === 'string' ? rename(child) : mapReferences(child, rename);
  }
  return out as T;
}

/** Each resource of a {@link SipResources}, mapped; the Provenance left out (the face shows the plan, not a change). */
function mapResources(resources: SipResources, map: <T extends Resource & { id: string }>(resource: T) => T): SipResources {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resources) as [string, unknown][]) {
    if (key === 'provenance') out[key] = null;
    else if (Array.isArray(value)) out[key] = value.map((resource: Resource & { id: string }) => map(resource));
    else out[key] = value ? map(value as Resource & { id: string }) : value;
  }
  return out as unknown as SipResources;
}

/** One plan as the face shows it: every resource with its id there, every reference literal and readable. */
export interface Face {
  plan: PlanView;
  resources: SipResources;
  participants: SipParticipants;
  composition: Composition & { id: string };
  /** Everything the face holds for the plan: the Composition, the Patient, the SIP's resources, the organisations and practitioners. */
  all: (Resource & { id: string })[];
  find(type: string, id: string): (Resource & { id: string }) | undefined;
  /** The plan as one document Bundle, its entries' fullUrls under `base`. */
  document(base: string): Bundle;
}

/**
 * The plan as the face serves it. CarePlans keep the plan's and the parts' ids, the CareTeam,
 * the individual's Consent, the Composition and the Patient carry the plan id; every other
 * resource (goals, relatives, commitments, their consents, organisations, practitioners) gets a
 * {@link scopedId}. References by identifier to the individual, organisations and practitioners
 * also get a literal reference to the resource the face holds for them, so each reference the
 * face gives resolves with a read on the face.
 */
export function faceOf(plan: PlanView, systems: SipSystems): Face {
  const mapped = planToFhir(plan, { patient: patientIdentifierReference(plan), systems });
  const keep = new Set([plan.id, plan.relativesSection.id, ...plan.parts.map((part) => part.id)]);
  const renamed = new Map<string, string>();
  for (const resource of sipResourceList(mapped)) {
    if (keep.has(resource.id)) continue;
    renamed.set(`${resource.resourceType}/${resource.id}`, scopedId(plan.id, `${resource.resourceType}/${resource.id}`));
  }
  const rename = (reference: string) => {
    const id = renamed.get(reference);
    return id ? `${reference.slice(0, reference.indexOf('/'))}/${id}` : reference;
  };
  const withIds = <T extends Resource & { id: string }>(resource: T): T => {
    const mappedRefs = mapReferences(resource, rename);
    return { ...mappedRefs, id: renamed.get(`${resource.resourceType}/${resource.id}`) ?? resource.id };
  };
  const local = mapResources(mapped, withIds);
  const { resources: literal, participants: bare } = withParticipants(plan, local, {
    patient: plan.id,
    organization: (identifier) => scopedId(plan.id, `Organization/${identifier.system}|${identifier.value}`),
    practitioner: (identifier) => scopedId(plan.id, `Practitioner/${identifier.system}|${identifier.value}`),
  });
  const meta = <T extends Resource>(resource: T) => withMeta(resource, plan);
  const resources = mapResources(literal, meta);
  const participants: SipParticipants = {
    patient: meta(bare.patient),
    organizations: bare.organizations.map(meta),
    practitioners: bare.practitioners.map(meta),
  };
  const composition = meta(sipComposition(plan, resources, participants, { id: plan.id, systems }));
  const contents = sipDocumentResources(resources, participants);
  const all = [composition, ...contents];
  const index = new Map(all.map((resource) => [`${resource.resourceType}/${resource.id}`, resource]));
  return {
    plan,
    resources,
    participants,
    composition,
    all,
    find: (type, id) => index.get(`${type}/${id}`),
    document: (base) =>
      sipDocument(composition, contents, {
        fullUrl: (resource) => `${base}/${resource.resourceType}/${resource.id}`,
        timestamp: plan.updatedAt,
      }),
  };
}
