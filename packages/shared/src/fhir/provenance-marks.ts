/**
 * Marks a resource carries that tell where it comes from and how it must be handled: whether
 * the broker itself published it (so a sync never reads it back as the upstream's own), and
 * whether it names a person with protected personal data (skyddade personuppgifter).
 */
import { PLAN_CATEGORY_SYSTEM } from './codesystems.ts';
import type { SipSystems } from './systems.ts';

interface Marked {
  identifier?: { system?: string }[] | undefined;
  category?: { coding?: { system?: string }[] }[] | undefined;
  meta?: { security?: { system?: string; code?: string }[] } | undefined;
}

/**
 * Whether the broker published this resource: it carries one of our identifiers, or (for
 * CarePlans and CareTeams) one of our plan categories. A receiving server keeps both. Every
 * form the broker published them in counts: under the current base, an earlier one, or the
 * local name (`urn:sip-broker:…`) it first published them under.
 */
export function publishedByBroker(resource: object, systems: SipSystems): boolean {
  const r = resource as Marked;
  if (r.identifier?.some((i) => systems.isIdentifierSystem(i.system))) return true;
  return r.category?.some((c) => c.coding?.some((coding) => systems.local(coding.system) === PLAN_CATEGORY_SYSTEM)) ?? false;
}

/** HL7 Sweden's security labels (SE base profiles). */
export const SE_SECURITY_LABEL_SYSTEM = 'http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel';
export const V3_CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

/** The label the broker puts on what it publishes about a person with protected personal data. */
export const ProtectedIdentityLabel = { system: SE_SECURITY_LABEL_SYSTEM, code: 'skyddadFolkbokforing', display: 'Skyddad folkbokföring' } as const;

/**
 * Whether a resource's `meta.security` marks the person as having protected personal data:
 * skyddad folkbokföring or sekretessmarkering (SE base profiles), or restricted or very
 * restricted confidentiality (v3). When in doubt the broker treats the person as protected.
 */
export function protectedIdentity(resource: object): boolean {
  const labels = (resource as Marked).meta?.security ?? [];
  return labels.some(
    (l) =>
      (l.system === SE_SECURITY_LABEL_SYSTEM && (l.code === 'skyddadFolkbokforing' || l.code === 'sekretessmarkering')) ||
      (l.system === V3_CONFIDENTIALITY_SYSTEM && (l.code === 'R' || l.code === 'V')),
  );
}
