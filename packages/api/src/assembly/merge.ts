import { randomUUID } from 'node:crypto';
import type { Principal, Relative, SourceRef } from '@sip/shared';
import { isDeepStrictEqual } from 'node:util';

const key = (s: SourceRef) => `${s.system}|${s.resourceType}|${s.id}`;

/**
 * Merges what an upstream holds into the items a plan already has: an item mirroring an
 * upstream record is updated in place (its id kept); a new record becomes a new item; an
 * item whose record is gone upstream is marked `removedUpstream`, never deleted. Items
 * entered by hand, or mirroring the other upstream, are left as they are.
 */
export function mergeSourced<
  T extends { id?: string | undefined; source?: SourceRef | undefined; removedUpstream?: boolean | undefined; addresses?: unknown },
>(
  system: Principal,
  current: T[],
  incoming: T[],
): T[] {
  const byKey = new Map(incoming.filter((i) => i.source).map((i) => [key(i.source!), i]));
  const seen = new Set<string>();
  const merged = current.map((item) => {
    if (!item.source || item.source.system !== system) return item;
    const k = key(item.source);
    const fresh = byKey.get(k);
    if (!fresh) return item.removedUpstream ? item : { ...item, removedUpstream: true };
    seen.add(k);
    // What the upstream says of the item replaces what it said before: Conditions it no longer gives as the reason are dropped.
    const { removedUpstream: _gone, addresses: _before, ...kept } = item;
    const { removedUpstream: _fresh, ...rest } = { ...kept, ...fresh, id: item.id };
    return rest as T;
  });
  for (const item of incoming) {
    if (item.source && !seen.has(key(item.source))) merged.push({ ...item, id: randomUUID() });
  }
  return merged;
}

/**
 * Merges relatives by person (personnummer, else name and relationship), so one relative
 * known to both upstreams is one entry with two sources. Entered-by-hand fields are kept, and a
 * relative whose upstream record staff removed (in `dismissed`) is not added again.
 */
export function mergeRelatives(system: Principal, current: Relative[], incoming: Relative[], dismissed: SourceRef[] = []): Relative[] {
  const same = (a: Relative, b: Relative) =>
    a.personId && b.personId ? a.personId === b.personId : a.name === b.name && a.relationship.text === b.relationship.text;
  const sourceKey = (s: SourceRef) => `${s.system}|${s.resourceType}/${s.id}`;
  const dismissedKeys = new Set(dismissed.map(sourceKey));
  const merged = current.map((r) => ({ ...r }));
  for (const fresh of incoming) {
    const existing = merged.find((r) => same(r, fresh));
    if (!existing) {
      // Staff removed this relative from the section: a sync does not bring them back.
      if ((fresh.sources ?? []).some((s) => dismissedKeys.has(sourceKey(s)))) continue;
      merged.push({ ...fresh, id: randomUUID() });
      continue;
    }
    const others = (existing.sources ?? []).filter((s) => s.system !== system);
    const guarded = existing.protectedIdentity === true || fresh.protectedIdentity === true;
    const phone = guarded ? undefined : (existing.phone ?? fresh.phone);
    const email = guarded ? undefined : (existing.email ?? fresh.email);
    // A relative's person is fixed once anything is bound to them: an upstream may name the
    // person of a relative entered without one, but only before any consent or answer is theirs.
    const personId = existing.personId ?? (boundToPerson(existing) ? undefined : fresh.personId);
    if (guarded) {
      delete existing.phone;
      delete existing.email;
    }
    Object.assign(existing, {
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
      ...(personId ? { personId } : {}),
      ...(guarded ? { protectedIdentity: true } : {}),
      sharesHome: existing.sharesHome || fresh.sharesHome,
      child: existing.child || fresh.child,
      sources: [...others, ...(fresh.sources ?? [])].sort((a, b) => a.system.localeCompare(b.system)),
    });
    delete existing.removedUpstream;
  }
  for (const r of merged) {
    const fromHere = (r.sources ?? []).some((s) => s.system === system);
    const stillThere = incoming.some((fresh) => same(r, fresh));
    if (fromHere && !stillThere) {
      r.sources = (r.sources ?? []).filter((s) => s.system !== system);
      if (r.sources.length === 0) r.removedUpstream = true;
    }
  }
  return merged;
}

export const unchanged = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

/**
 * Whether anything in the section is bound to the relative as a person: the individual's
 * consent to share with them, commitments, their own answers, what they were told, support.
 * Then who they are can no longer be set or changed; a different person is a different relative.
 */
export function boundToPerson(relative: Relative): boolean {
  return (
    relative.sharing !== undefined ||
    (relative.commitments?.length ?? 0) > 0 ||
    relative.homeConsent !== undefined ||
    (relative.informed?.length ?? 0) > 0 ||
    relative.support !== undefined
  );
}
