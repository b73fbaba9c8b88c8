/**
 * Who else has the plan open: the `presence` event of the plan's event stream counts every open
 * stream per organisation, the reader's own included.
 */
import { listFormat } from '@sip/shared/client';

export interface PresenceData {
  planId: string;
  organisations: { organisationId: string; count: number }[];
}

/** The data of a `presence` event, or undefined when it is not one. */
export function parsePresence(data: string): PresenceData | undefined {
  try {
    const value = JSON.parse(data) as unknown;
    if (!value || typeof value !== 'object') return undefined;
    const { planId, organisations } = value as Record<string, unknown>;
    if (typeof planId !== 'string' || !Array.isArray(organisations)) return undefined;
    const list: PresenceData['organisations'] = [];
    for (const entry of organisations) {
      if (!entry || typeof entry !== 'object') return undefined;
      const { organisationId, count } = entry as Record<string, unknown>;
      if (typeof organisationId !== 'string' || typeof count !== 'number' || !Number.isInteger(count) || count < 0) return undefined;
      list.push({ organisationId, count });
    }
    return { planId, organisations: list };
  } catch {
    return undefined;
  }
}

/** The organisations that have the plan open besides the reader's own stream, by id. */
export function othersPresent(presence: PresenceData | undefined, ownOrganisationId: string | undefined): string[] {
  if (!presence) return [];
  return presence.organisations
    .filter((o) => (o.organisationId === ownOrganisationId ? o.count - 1 : o.count) > 0)
    .map((o) => o.organisationId);
}

/** "Öppen just nu hos: Norrviks kommun", or undefined when nobody else has it open. */
export function presenceText(
  presence: PresenceData | undefined,
  ownOrganisationId: string | undefined,
  nameOf: (organisationId: string) => string,
  lang: 'sv' | 'en',
): string | undefined {
  const others = othersPresent(presence, ownOrganisationId);
  if (others.length === 0) return undefined;
  const names = listFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { type: 'conjunction' }).format(others.map(nameOf));
  return lang === 'sv' ? `Öppen just nu hos: ${names}` : `Open right now at: ${names}`;
}
