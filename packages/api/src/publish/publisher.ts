import type { Resource } from '@medplum/fhirtypes';
import {
  buildPublishBundle,
  decide,
  identifierKey,
  patientIdentifierReference,
  reaches,
  planViewFor,
  publishTargets,
  type ExistingResources,
  type IndividualConsent,
  type PlanView,
  type Principal,
  type PublishTarget,
} from '@sip/shared';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planParts, planRevisions, plans, planSources } from '../db/schema.ts';
import { validateBundle } from '../fhir/validate.ts';
import { relativesOf } from '../relatives/relatives.service.ts';
import { UpstreamError, type Upstream, type Upstreams } from '../upstreams/upstream.ts';
import type { Deliver, OutboxItem } from './outbox.worker.ts';

/** How often a change is rebuilt on the upstream's latest versions after a 412, per delivery. */
const STALE_RETRIES = 3;

/** What the upstream already holds of the plan's resources, by our identifiers. */
export async function lookUpExisting(upstream: Upstream, targets: PublishTarget[], signal?: AbortSignal): Promise<ExistingResources> {
  const found = new Map<string, { id: string; versionId: string }>();
  const byType = new Map<string, PublishTarget[]>();
  for (const t of targets) byType.set(t.resourceType, [...(byType.get(t.resourceType) ?? []), t]);
  await Promise.all(
    [...byType].map(async ([type, list]) => {
      const wanted = new Set(list.map((t) => t.key));
      // One search per type: identifiers OR-ed with commas, a few at a time to keep URLs short.
      for (let i = 0; i < list.length; i += 20) {
        const chunk = list.slice(i, i + 20);
        const resources = await upstream.searchAll<Resource>(
          type as Resource['resourceType'],
          { identifier: chunk.map((t) => `${t.identifier.system}|${t.identifier.value}`).join(',') },
          50,
          signal,
        );
        for (const resource of resources) {
          const identifiers = (resource as { identifier?: { system?: string; value?: string }[] }).identifier ?? [];
          for (const identifier of identifiers) {
            if (!identifier.system || !identifier.value) continue;
            const key = identifierKey({ system: identifier.system, value: identifier.value });
            if (wanted.has(key) && resource.id && resource.meta?.versionId) {
              found.set(key, { id: resource.id, versionId: resource.meta.versionId });
            }
          }
        }
      }
    }),
  );
  return found;
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

/**
 * Delivers one outbox item: the plan as it was at that revision, cut to what the individual's
 * consent lets reach that side (then and now), with the Provenance of that change, as one
 * validated transaction to the upstream. A side the plan may no longer reach gets nothing: the
 * item ends `withheld`. Conditional creates by identifier and If-Match on what the upstream
 * holds make a repeated delivery harmless; a 412 (someone changed it there meanwhile) is met by
 * reading again and rebuilding.
 */
export function createPublisher(db: Db, upstreams: Upstreams, now: () => Date = () => new Date()): Deliver {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const upstream = upstreams[item.side];
    const current = await sharingNow(db, item.planId);
    const at = now();
    const organisation = current?.parts.find((p) => p.principal === item.side)?.organisation;
    const sideReached = current !== undefined && reaches(current, item.side, organisation, at);
    if (!decide('upstream.publish', 'broker', { sideReached }).allowed) return 'withheld';
    const [revision] = await db
      .select()
      .from(planRevisions)
      .where(and(eq(planRevisions.planId, item.planId), eq(planRevisions.revision, item.revision)));
    if (!revision) throw new Error('outbox item without its plan revision');
    const [source] = await db
      .select({ patientId: planSources.patientId })
      .from(planSources)
      .where(and(eq(planSources.planId, item.planId), eq(planSources.side, item.side)));
    const snapshot = revision.snapshot as PlanView;
    const whole = withProtectionNow(snapshot, current!);
    const plan = planViewFor(whole, item.side, at, current!.consent);
    const context = {
      patient: source?.patientId ? { reference: `Patient/${source.patientId}` } : patientIdentifierReference(plan),
      change: {
        revision: revision.revision,
        changedAt: revision.changedAt.toISOString(),
        userId: revision.changedByUser,
        organisationId: revision.changedByOrganisation,
      },
    };
    const targets = publishTargets(plan);
    for (let attempt = 1; ; attempt++) {
      const existing = await lookUpExisting(upstream, targets, signal);
      const bundle = buildPublishBundle(plan, context, existing);
      validateBundle(bundle);
      try {
        await upstream.transaction(bundle, signal);
        return 'delivered';
      } catch (error) {
        const stale = error instanceof UpstreamError && error.status === 412;
        if (!stale || attempt >= STALE_RETRIES) throw error;
      }
    }
  };
}
