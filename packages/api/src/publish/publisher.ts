import type { ContactPoint, Provenance, RelatedPerson, Resource } from '@medplum/fhirtypes';
import {
  decide,
  identifierKey,
  identifierQuery,
  parsePersonId,
  planToFhir,
  planViewFor,
  publishedByBroker,
  reaches,
  relativeIdentifier,
  sipIdentifierOf,
  sipResourceList,
  IdentifierSystem,
  SipExtension,
  SipIdentifierSystem,
  type IndividualConsent,
  type PlanChange,
  type PlanView,
  type Principal,
  type SipSystems,
} from '@sip/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planParts, planRevisions, plans, planSources } from '../db/schema.ts';
import { relativesOf } from '../relatives/relatives.service.ts';
import { UpstreamError, type Upstream, type Upstreams } from '../upstreams/upstream.ts';
import { CannotDeliver, NotYetDeliverable } from './delivery-failure.ts';
import type { Deliver, OutboxItem } from './outbox.worker.ts';
import { StaleWrite, writeAll, type Write, type Written } from './transactions.ts';

/** How often a change is rebuilt on the upstream's latest versions after a 412, per delivery. */
const STALE_RETRIES = 3;

type Found = { id: string; versionId: string; resource: Resource };

/**
 * What the upstream already holds of the plan's resources, by our identifiers, keyed by the
 * identifier as we publish it now (`system|value`). A resource held under an earlier form of
 * the identifier (an earlier base, or the legacy `urn:sip-broker:…`) is found too, so it is
 * updated in place and carries the current form from then on; where the upstream holds both,
 * the one under the current form is the one updated.
 */
export async function lookUpExisting(
  upstream: Upstream,
  resources: Resource[],
  systems: SipSystems,
  signal?: AbortSignal,
): Promise<Map<string, Found>> {
  const found = new Map<string, Found & { current: boolean }>();
  const byType = new Map<string, string[]>();
  for (const resource of resources) {
    const identifier = sipIdentifierOf(resource, systems);
    if (!identifier) continue;
    const forms = systems.forms(systems.local(identifier.system) ?? identifier.system).map((system) => identifierKey({ system, value: identifier.value }));
    byType.set(resource.resourceType, [...(byType.get(resource.resourceType) ?? []), ...forms]);
  }
  await Promise.all(
    [...byType].map(async ([type, keys]) => {
      const wanted = new Set(keys);
      // One search per type: identifiers OR-ed with commas, a few at a time to keep URLs short.
      for (let i = 0; i < keys.length; i += 20) {
        const chunk = keys.slice(i, i + 20);
        const matches = await upstream.searchAll<Resource>(type as Resource['resourceType'], { identifier: chunk.join(',') }, 50, signal);
        for (const resource of matches) {
          for (const identifier of (resource as { identifier?: { system?: string; value?: string }[] }).identifier ?? []) {
            if (!identifier.system || !identifier.value) continue;
            if (!wanted.has(identifierKey({ system: identifier.system, value: identifier.value }))) continue;
            if (!resource.id || !resource.meta?.versionId) continue;
            const system = systems.url(systems.local(identifier.system)!);
            const key = identifierKey({ system, value: identifier.value });
            const current = system === identifier.system;
            if (found.get(key)?.current && !current) continue;
            found.set(key, { id: resource.id, versionId: resource.meta.versionId, resource, current });
          }
        }
      }
    }),
  );
  return new Map([...found].map(([key, { current: _current, ...held }]) => [key, held]));
}

/**
 * The plan as it now stands for sharing: its initiator, the individual's consent in force, and
 * the organisations of its parts. What is published is decided on this, at delivery: a
 * withdrawal stops what was queued before it.
 */
async function sharingNow(db: Db, planId: string) {
  const [plan] = await db
    .select({ initiator: plans.initiator, consent: plans.consent, protectedIdentity: plans.protectedIdentity })
    .from(plans)
    .where(eq(plans.id, planId));
  if (!plan) return undefined;
  const parts = await db
    .select({ kind: planParts.kind, id: planParts.organisationId, name: planParts.organisationName, content: planParts.content })
    .from(planParts)
    .where(eq(planParts.planId, planId));
  const relatives = relativesOf(parts.find((p) => p.kind === 'relatives')?.content);
  return {
    initiator: plan.initiator as Principal,
    consent: (plan.consent as IndividualConsent | null) ?? null,
    protectedIdentity: plan.protectedIdentity,
    protectedRelatives: new Set(relatives.filter((r) => r.protectedIdentity).map((r) => r.id)),
    parts: parts
      .filter((p) => p.kind === 'region' || p.kind === 'municipality')
      .map((p) => ({ principal: p.kind as Principal, organisation: { id: p.id ?? '', name: p.name ?? '' } })),
  };
}

/**
 * A revision as it may leave now: protection marked since it was recorded (an upstream read
 * later marks the individual or a relative) applies to it too, so no contact details of a
 * protected person leave in a revision queued before the mark was known.
 */
function withProtectionNow(
  snapshot: PlanView,
  current: { initiator: Principal; protectedIdentity: boolean; protectedRelatives: ReadonlySet<string> },
): PlanView {
  const relatives = snapshot.relativesSection.relatives.map((r) => {
    if (!r.protectedIdentity && !current.protectedRelatives.has(r.id)) return r;
    const { phone: _phone, email: _email, ...rest } = r;
    return { ...rest, protectedIdentity: true };
  });
  return {
    ...snapshot,
    initiator: snapshot.initiator ?? current.initiator,
    protectedIdentity: (snapshot.protectedIdentity ?? false) || current.protectedIdentity,
    relativesSection: { ...snapshot.relativesSection, relatives },
  };
}

type Relative = PlanView['relativesSection']['relatives'][number];

/**
 * The upstream's own RelatedPerson for a relative: the one sync recorded as its source, or one
 * the upstream keeps for the individual with the relative's personnummer. Not one the broker
 * published: that is found by our identifier.
 */
async function upstreamsOwn(
  upstream: Upstream,
  systems: SipSystems,
  side: Principal,
  relative: Relative,
  patient: string,
  signal?: AbortSignal,
): Promise<Found | undefined> {
  const source = relative.sources?.find((s) => s.system === side && s.resourceType === 'RelatedPerson');
  if (source) {
    try {
      const own = await upstream.read<RelatedPerson>('RelatedPerson', source.id);
      if (own?.resourceType === 'RelatedPerson' && own.id && own.meta?.versionId && !publishedByBroker(own, systems)) {
        return { id: own.id, versionId: own.meta.versionId, resource: own };
      }
    } catch (error) {
      if (!(error instanceof UpstreamError && error.status === 404)) throw error;
    }
  }
  const person = relative.personId ? parsePersonId(relative.personId) : null;
  if (!relative.personId || !person) return undefined;
  const matches = await upstream.searchAll<RelatedPerson>(
    'RelatedPerson',
    { patient, identifier: `${person.system}|${relative.personId}` },
    2,
    signal,
  );
  const own = matches.filter((m) => !publishedByBroker(m, systems) && m.id && m.meta?.versionId);
  return own.length === 1 ? { id: own[0]!.id!, versionId: own[0]!.meta!.versionId!, resource: own[0]! } : undefined;
}

/**
 * Our RelatedPerson merged into the upstream's own: theirs stays as it is (it is their record),
 * and gains the contact details the plan holds that it lacks (none of a protected person: ours
 * carries none) and the protected-identity label where the plan knows the person is protected.
 */
function mergedInto(theirs: RelatedPerson, ours: RelatedPerson): RelatedPerson {
  const has = new Set((theirs.telecom ?? []).map((t) => `${t.system}|${t.value}`));
  const added: ContactPoint[] = (ours.telecom ?? []).filter((t) => !has.has(`${t.system}|${t.value}`));
  const labels = theirs.meta?.security ?? [];
  const newLabels = (ours.meta?.security ?? []).filter((l) => !labels.some((x) => x.system === l.system && x.code === l.code));
  const { id: _id, ...rest } = theirs;
  return {
    ...rest,
    ...(newLabels.length ? { meta: { ...theirs.meta, security: [...labels, ...newLabels] } } : {}),
    ...(added.length ? { telecom: [...(theirs.telecom ?? []), ...added] } : {}),
  };
}

/**
 * References the plan makes by identifier only (organisations and practitioners by HSA-id):
 * where the upstream holds the target, made ordinary `Type/id` references, the identifier kept
 * beside it, so the upstream's own reference searches find them.
 */
async function resolveIdentifierReferences(upstream: Upstream, systems: SipSystems, bodies: Resource[], signal?: AbortSignal): Promise<Map<string, string>> {
  const wanted = new Map<string, { type: string; system: string; value: string }>();
  const collect = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      const ref = value as { reference?: string; type?: string; identifier?: { system?: string; value?: string } };
      if (!ref.reference && (ref.type === 'Organization' || ref.type === 'Practitioner') && ref.identifier?.system && ref.identifier.value) {
        wanted.set(`${ref.type}|${ref.identifier.system}|${ref.identifier.value}`, {
          type: ref.type,
          system: ref.identifier.system,
          value: ref.identifier.value,
        });
      }
      Object.values(value).forEach(collect);
    }
  };
  bodies.forEach(collect);
  const resolved = new Map<string, string>();
  await Promise.all(
    [...wanted].map(async ([key, w]) => {
      const matches = await upstream.searchAll<Resource>(w.type as Resource['resourceType'], { identifier: `${w.system}|${w.value}` }, 1, signal);
      const own = matches.filter((m) => m.id && !publishedByBroker(m, systems));
      if (own.length === 1) resolved.set(key, `${w.type}/${own[0]!.id}`);
    }),
  );
  return resolved;
}

function withResolvedIdentifiers<T>(value: T, resolved: ReadonlyMap<string, string>): T {
  if (Array.isArray(value)) return value.map((v) => withResolvedIdentifiers(v, resolved)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = withResolvedIdentifiers(child, resolved);
    const ref = out as { reference?: string; type?: string; identifier?: { system?: string; value?: string } };
    if (!ref.reference && ref.type && ref.identifier?.system) {
      const reference = resolved.get(`${ref.type}|${ref.identifier.system}|${ref.identifier.value}`);
      if (reference) return { reference, ...out } as T;
    }
    return out as T;
  }
  return value;
}

/**
 * The Conditions the plan's interventions address on this side that the upstream holds now, for
 * the individual (`Condition/<id>`): only those are referenced as such, so a Condition deleted
 * there since the last sync, or one named by hand, never becomes a reference that does not resolve.
 */
async function conditionsHeld(upstream: Upstream, side: Principal, plan: PlanView, patient: string, signal?: AbortSignal): Promise<Set<string>> {
  const ids = [
    ...new Set(
      plan.parts.flatMap((part) => (part.content.interventions ?? []).flatMap((i) => (i.addresses ?? []).filter((c) => c.system === side).map((c) => c.id))),
    ),
  ];
  const held = new Set<string>();
  for (let i = 0; i < ids.length; i += 20) {
    const found = await upstream.searchAll<Resource>('Condition', { _id: ids.slice(i, i + 20).join(','), subject: patient }, 5, signal);
    for (const condition of found) if (condition.resourceType === 'Condition' && condition.id) held.add(`Condition/${condition.id}`);
  }
  return held;
}

/** The revisions the upstream already holds a Provenance for, on the SIP CarePlan it holds (the revision's extension in any form we published it in). */
async function provenancesHeld(upstream: Upstream, systems: SipSystems, sipReference: string, signal?: AbortSignal): Promise<Set<number>> {
  const held = new Set<number>();
  const found = await upstream.searchAll<Provenance>('Provenance', { target: sipReference, _count: '100' }, 50, signal);
  for (const provenance of found) {
    const revision = provenance.extension?.find((e) => systems.local(e.url) === SipExtension.planRevision)?.valueInteger;
    if (typeof revision === 'number') held.add(revision);
  }
  return held;
}

function withoutId<T extends Resource>(resource: T): Resource {
  const { id: _id, ...body } = resource;
  return body as Resource;
}

export interface PublisherOptions {
  /**
   * Reads the side's upstream again for the plan's individual, recording what it finds as a sync
   * does (see `SyncService.lookUpAgain`). Asked when the plan knows no record of the individual
   * there: never read, the last read failed, or it found no one {@link LOOK_UP_NOT_FOUND_AFTER_MS} ago.
   */
  lookUpAgain(planId: string, side: Principal): Promise<void>;
}

/**
 * How long an upstream that answered it holds no record of the individual is believed before
 * a delivery asks again (a record may be opened there later). One that did not answer is asked
 * again at every attempt, which the outbox's backoff paces.
 */
export const LOOK_UP_NOT_FOUND_AFTER_MS = 10 * 60_000;

type Source = { patientId: string | null; status: string; lastAttemptAt: Date };

async function sourceOf(db: Db, planId: string, side: Principal): Promise<Source | undefined> {
  const [source] = await db
    .select({ patientId: planSources.patientId, status: planSources.status, lastAttemptAt: planSources.lastAttemptAt })
    .from(planSources)
    .where(and(eq(planSources.planId, planId), eq(planSources.side, side)));
  return source;
}

/** Whether a side whose record of the individual is not known is to be read again now. */
function lookUpDue(source: Source | undefined, at: Date): boolean {
  if (source?.status !== 'not-found') return true;
  return at.getTime() - source.lastAttemptAt.getTime() >= LOOK_UP_NOT_FOUND_AFTER_MS;
}

/**
 * Delivers one outbox item: the plan as it was at the item's revision (the newest queued for
 * the side), cut to what the individual's consent lets reach that side (then and now), and a
 * Provenance for every revision queued since the last delivery. A side the plan may no longer
 * reach gets nothing: the item ends `withheld`.
 *
 * What the upstream holds is read first: resources it holds are updated with `If-Match`, the
 * unchanged ones not sent at all; the others are created by identifier. Relatives the upstream
 * knows keep their own RelatedPerson (no second one); the individual is never created: an
 * upstream that does not know them gets nothing. Where the plan knows no record of them there,
 * the side is read again first; an upstream that answered it has none sets the item aside, one
 * that did not answer has it retried.
 * Writes go in transactions small enough for the upstream, each counted only when every entry
 * was written. A 412 (someone changed it there meanwhile) is met by reading again.
 */
export function createPublisher(db: Db, upstreams: Upstreams, systems: SipSystems, now: () => Date, options: PublisherOptions): Deliver {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    // The upstream of the plan's organisation on that side; one no longer configured waits, set aside.
    const upstream = upstreams[item.upstream];
    if (!upstream) throw new CannotDeliver('upstream-not-configured');
    let current = await sharingNow(db, item.planId);
    const at = now();
    const reached = () => {
      const organisation = current?.parts.find((p) => p.principal === item.side)?.organisation;
      const sideReached = current !== undefined && reaches(current, item.side, organisation, at);
      return decide('upstream.publish', 'broker', { sideReached }).allowed;
    };
    if (!reached()) return 'withheld';
    let source = await sourceOf(db, item.planId, item.side);
    if (!source?.patientId && lookUpDue(source, at)) {
      // The plan does not know the individual's record there: look again (as a sync of that
      // side, so protection is marked and what it holds merged), then go on with what is known now.
      await options.lookUpAgain(item.planId, item.side);
      source = await sourceOf(db, item.planId, item.side);
      current = await sharingNow(db, item.planId);
      if (!reached()) return 'withheld';
    }
    // The broker never creates the individual in a record: an upstream must know them first.
    if (!source?.patientId) {
      if (source?.status === 'not-found') throw new CannotDeliver('individual-unknown-upstream');
      throw new NotYetDeliverable('individual-not-looked-up');
    }
    const revisionNumbers = item.revisions.length ? item.revisions : [item.revision];
    const revisions = await db
      .select()
      .from(planRevisions)
      .where(and(eq(planRevisions.planId, item.planId), inArray(planRevisions.revision, revisionNumbers)));
    const revision = revisions.find((r) => r.revision === item.revision);
    if (!revision) throw new Error('outbox item without its plan revision');
    const patientReference = `Patient/${source.patientId}`;
    const snapshot = revision.snapshot as PlanView;
    const plan = planViewFor(withProtectionNow(snapshot, current!), item.side, at, current!.consent);
    const person = parsePersonId(plan.individual.personId);
    const patient = {
      reference: patientReference,
      identifier: { system: person?.system ?? IdentifierSystem.personnummer, value: plan.individual.personId },
    };
    const changeOf = (r: (typeof revisions)[number]): PlanChange => ({
      revision: r.revision,
      changedAt: r.changedAt.toISOString(),
      userId: r.changedByUser,
      organisationId: r.changedByOrganisation,
    });

    for (let attempt = 1; ; attempt++) {
      try {
        // Interventions copied from this side's own requests are referenced there, not repeated;
        // the Conditions they address are referenced where this side holds them.
        const held = await conditionsHeld(upstream, item.side, plan, patientReference, signal);
        const resources = sipResourceList(planToFhir(plan, { patient, receiver: item.side, conditionsHeld: held, systems }));
        const existing = await lookUpExisting(upstream, resources, systems, signal);
        const resolved = await resolveIdentifierReferences(upstream, systems, resources, signal);
        const writes: Write[] = [];
        for (const resource of resources) {
          const identifier = sipIdentifierOf(resource, systems)!;
          const local = `${resource.resourceType}/${resource.id}`;
          const body = withResolvedIdentifiers(withoutId(resource), resolved);
          if (resource.resourceType === 'RelatedPerson') {
            const relative = plan.relativesSection.relatives.find(
              (r) => identifierKey(systems.publish(relativeIdentifier(plan.id, r.id))) === identifierKey(identifier),
            );
            const own = relative ? await upstreamsOwn(upstream, systems, item.side, relative, patientReference, signal) : undefined;
            if (own) {
              writes.push({ local, resourceType: 'RelatedPerson', body: mergedInto(own.resource as RelatedPerson, body as RelatedPerson), existing: own });
              continue;
            }
          }
          writes.push({
            local,
            resourceType: resource.resourceType,
            body,
            ...(existing.get(identifierKey(identifier)) ? { existing: existing.get(identifierKey(identifier))! } : {}),
            ifNoneExist: identifierQuery(identifier),
          });
        }
        const known = new Map<string, string>();
        const written = await writeAll(upstream, writes, known, systems, signal);

        const sip = written.get(`CarePlan/${plan.id}`)!;
        const provenanceHeld = await provenancesHeld(upstream, systems, sip.reference, signal);
        const changed = [...written.values()].filter((w) => w.changed);
        const provenances: Write[] = revisions
          .filter((r) => !provenanceHeld.has(r.revision))
          .sort((a, b) => a.revision - b.revision)
          .map((r) => {
            const provenance = planToFhir(plan, { patient, receiver: item.side, conditionsHeld: held, change: changeOf(r), systems }).provenance!;
            // Every record names the SIP first (so it is found by the plan), then, for the
            // newest revision, every resource it changed at the version it made. An older
            // revision superseded before it was delivered changed nothing there of its own.
            const versions: Written[] = r.revision === item.revision ? changed : [];
            const target = [
              { reference: sip.reference, identifier: { system: systems.url(SipIdentifierSystem.plan), value: plan.id } },
              ...versions.map((t) => ({ reference: t.versionId ? `${t.reference}/_history/${t.versionId}` : t.reference })),
            ];
            return {
              local: `Provenance/${plan.id}-${r.revision}`,
              resourceType: 'Provenance',
              body: withResolvedIdentifiers({ ...provenance, target } as Resource, resolved),
            };
          });
        await writeAll(upstream, provenances, known, systems, signal);
        return 'delivered';
      } catch (error) {
        const stale = error instanceof StaleWrite || (error instanceof UpstreamError && error.status === 412);
        if (!stale || attempt >= STALE_RETRIES) throw error;
      }
    }
  };
}
