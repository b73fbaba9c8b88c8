/**
 * What the individual's consent to the SIP lets cross between the principals, and reach the
 * relatives. Secrecy between the two authorities (OSL 12:2) is lifted only by that consent, so
 * this is read by everything that shows, publishes or fetches a plan: the staff views, the
 * relative's view, the publisher and the sync.
 */
import type { ConsentCategory, IndividualConsent, Principal } from './plan.ts';

/**
 * Where the individual's consent to the SIP stands on a day:
 * - `none`: no consent recorded;
 * - `refused`: the individual said no;
 * - `in-force`: given, not withdrawn, within its dates;
 * - `expired`: given, but its end date has passed;
 * - `withdrawn`: given, then withdrawn (revoked).
 */
export type ConsentState = 'none' | 'refused' | 'in-force' | 'expired' | 'withdrawn';

/** The UTC day of an instant, as consent dates are counted. */
const dayOf = (on: Date) => on.toISOString().slice(0, 10);

export function consentState(consent: IndividualConsent | null | undefined, on: Date): ConsentState {
  if (!consent) return 'none';
  if (consent.revokedAt) return 'withdrawn';
  if (!consent.given) return 'refused';
  if (consent.scope.validUntil && dayOf(on) > consent.scope.validUntil) return 'expired';
  return 'in-force';
}

/** An organisation as the consent may name it: by HSA-id or by name. */
export interface NamedOrganisation {
  id: string;
  name: string;
}

const norm = (s: string) => s.trim().toLocaleLowerCase('sv');

/** Whether the consent names the organisation among the actors that may take part in and read the SIP. */
export function consentNames(consent: IndividualConsent | null | undefined, organisation: NamedOrganisation): boolean {
  if (!consent) return false;
  const wanted = new Set([norm(organisation.id), norm(organisation.name)]);
  return consent.scope.actors.some((actor) => wanted.has(norm(actor)));
}

/** Whether the consent is in force and names the organisation: then the plan may cross to it. */
export function consentCovers(consent: IndividualConsent | null | undefined, organisation: NamedOrganisation, on: Date): boolean {
  return consentState(consent, on) === 'in-force' && consentNames(consent, organisation);
}

/**
 * The kinds of information a plan holds that consent categories speak of. Interventions are
 * told apart by who holds them: the region's are health care, the municipality's social care.
 */
export type InformationKind = 'goals' | 'needs' | 'interventions' | 'contacts' | 'meetings' | 'follow-up';

/** Whether a list of consent categories covers a kind of information held by a principal. */
export function categoriesCover(categories: readonly ConsentCategory[], kind: InformationKind, holder: Principal): boolean {
  if (kind !== 'interventions') return categories.includes(kind);
  return (
    categories.includes('interventions') ||
    (holder === 'region' && categories.includes('health-interventions')) ||
    (holder === 'municipality' && categories.includes('social-interventions'))
  );
}

/** The item ids the consent excludes by name, whatever their category. */
export function excludedItems(consent: IndividualConsent | null | undefined): ReadonlySet<string> {
  return new Set(consent?.scope.excludedItems ?? []);
}
