import { decide, reaches, type IndividualConsent, type PartContent, type PlanView, type Principal, type Relative, type SourceStatus } from '@sip/shared';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planParts, plans, planSources } from '../db/schema.ts';
import { PlansService, SIDES, type Actor, type PlanRow } from '../plans/plans.service.ts';
import { UpstreamError, type Upstreams } from '../upstreams/upstream.ts';
import { fetchSide, type SideRecord } from './fetch.ts';
import { individualProtected, mapContact, mapDemographics, mapInterventions, mapRelatives, type Demographics } from './map.ts';
import { dismissedSourcesOf } from '../relatives/relatives.service.ts';
import { mergeRelatives, mergeSourced, unchanged } from './merge.ts';


export interface SyncResult {
  changed: boolean;
  /** The plan after the sync, as the actor's organisation may see it, with how each side went. */
  plan: PlanView;
}

type Outcome = { side: Principal; record: SideRecord } | { side: Principal; error: string } | { side: Principal; notShared: true };

/**
 * Assembles a plan from the upstreams it may reach: the initiating principal's always, the
 * other's only while the individual's consent in force names it (the policy's `upstream.read`).
 * Each side is fetched in parallel and mapped into that principal's part and the relatives
 * section; how each side went is recorded. A side that is down, slow or answers garbage is
 * marked unavailable with its last good sync time, and the other side is still applied; a side
 * the plan may not reach is marked `not-shared` and neither read nor changed. Never throws for
 * an upstream failure. Every sync is an access to the plan and is logged, whatever changed.
 */
export class SyncService {
  private readonly plans: PlansService;

  constructor(
    private readonly db: Db,
    private readonly upstreams: Upstreams,
    private readonly now: () => Date,
  ) {
    this.plans = new PlansService(db, now);
  }

  async sync(actor: Actor, planId: string): Promise<SyncResult> {
    const { plan, as } = await this.db.transaction((tx) => this.plans.authorized(tx as unknown as Db, actor, planId, 'plan.sync'));
    const outcomes = await this.fetch(plan);

    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan: locked } = await this.plans.authorized(tx, actor, planId, 'plan.sync', { lock: true });
      const changed = await this.apply(tx, locked, outcomes);
      if (changed) {
        await this.plans.commitChange(tx, actor, locked.id, { type: 'plan.synced', partId: null, version: locked.version, action: 'plan.sync' });
      } else {
        // Nothing changed, but the plan is returned: that is an access too.
        await this.plans.logAccess(tx, actor, 'plan.sync', [locked]);
      }
      return { changed, plan: this.plans.viewFor(await this.plans.viewOf(tx, planId), as) };
    });
  }

  /** Reads each side the plan may reach, in parallel; the others are not asked at all. */
  private async fetch(plan: PlanRow): Promise<Outcome[]> {
    const reached = await this.sidesReached(this.db, plan);
    return Promise.all(
      SIDES.map(async (side): Promise<Outcome> => {
        if (!reached.has(side)) return { side, notShared: true };
        try {
          return { side, record: await fetchSide(this.upstreams[side], plan.individualId) };
        } catch (error) {
          return { side, error: error instanceof UpstreamError ? error.reason : 'unreachable' };
        }
      }),
    );
  }

  /** The sides the policy lets the broker read for the plan now (`upstream.read`). */
  private async sidesReached(db: Db, plan: PlanRow): Promise<Set<Principal>> {
    const at = this.now();
    const organisations = await db
      .select({ kind: planParts.kind, id: planParts.organisationId, name: planParts.organisationName })
      .from(planParts)
      .where(eq(planParts.planId, plan.id));
    const consent = { initiator: plan.initiator as Principal, consent: (plan.consent as IndividualConsent | null) ?? null };
    return new Set(
      SIDES.filter((side) => {
        const org = organisations.find((o) => o.kind === side);
        const sideReached = reaches(consent, side, org?.id ? { id: org.id, name: org.name ?? '' } : undefined, at);
        return decide('upstream.read', 'broker', { sideReached }).allowed;
      }),
    );
  }

  /** Applies what each side holds to the locked plan; true when anything changed. */
  private async apply(tx: Db, plan: PlanRow, outcomes: Outcome[]): Promise<boolean> {
    const parts = await this.plans.parts(tx, plan.id);
    const today = this.now();
    const attemptAt = today;
    let changed = false;
    const marks: boolean[] = [];
    // Asked again under the lock: a consent withdrawn while the sides were read lets nothing in.
    const reached = await this.sidesReached(tx, plan);

    for (const outcome of outcomes) {
      const { side } = outcome;
      if ('notShared' in outcome || !reached.has(side)) {
        await this.recordSource(tx, plan.id, side, { status: 'not-shared', reason: 'consent' }, attemptAt);
        continue;
      }
      if ('error' in outcome) {
        await this.recordSource(tx, plan.id, side, { status: 'unavailable', reason: outcome.error }, attemptAt);
        continue;
      }
      const record: SideRecord = outcome.record;
      marks.push(individualProtected(record));
      const d = mapDemographics(record);
      await this.recordSource(
        tx,
        plan.id,
        side,
        { status: record.patient ? 'ok' : 'not-found', patientId: record.patient?.id ?? null, demographics: d ?? null },
        attemptAt,
      );
      const part = parts.find((p) => p.kind === side)!;
      const content = part.content as PartContent;
      const contact = mapContact(record);
      const next: PartContent = {
        ...content,
        interventions: mergeSourced(side, content.interventions ?? [], mapInterventions(side, record)),
        ...(content.contactPerson || !contact ? {} : { contactPerson: contact }),
      };
      if (!next.interventions?.length && !content.interventions) delete next.interventions;
      if (!unchanged(next, content)) {
        changed = true;
        await tx
          .update(planParts)
          .set({ content: next, version: sql`${planParts.version} + 1`, updatedAt: today })
          .where(eq(planParts.id, part.id));
      }
      const relativesPart = parts.find((p) => p.kind === 'relatives')!;
      const [current] = await tx.select().from(planParts).where(eq(planParts.id, relativesPart.id));
      const currentContent = current!.content as { relatives?: Relative[] };
      const merged = mergeRelatives(side, currentContent.relatives ?? [], mapRelatives(side, record, today), dismissedSourcesOf(currentContent));
      if (!unchanged(merged, currentContent.relatives ?? [])) {
        changed = true;
        await tx
          .update(planParts)
          .set({ content: { ...currentContent, relatives: merged }, version: sql`${planParts.version} + 1`, updatedAt: today })
          .where(eq(planParts.id, relativesPart.id));
      }
    }

    // Skyddade personuppgifter: any side that marks the individual marks the plan; the mark is
    // lifted only when every side was read and none marks them.
    const everySideRead = marks.length === SIDES.length;
    const protectedNow = marks.some(Boolean) || (plan.protectedIdentity && !everySideRead);
    if (protectedNow !== plan.protectedIdentity) {
      changed = true;
      await tx.update(plans).set({ protectedIdentity: protectedNow }).where(eq(plans.id, plan.id));
    }
    return changed;
  }

  private async recordSource(
    tx: Db,
    planId: string,
    side: Principal,
    values: { status: SourceStatus['status']; reason?: string; patientId?: string | null; demographics?: Demographics | null },
    at: Date,
  ) {
    const ok = values.status === 'ok' || values.status === 'not-found';
    await tx
      .insert(planSources)
      .values({
        planId,
        side,
        status: values.status,
        reason: values.reason ?? null,
        lastAttemptAt: at,
        lastSuccessAt: ok ? at : null,
        patientId: values.patientId ?? null,
        demographics: values.demographics ?? null,
      })
      .onConflictDoUpdate({
        target: [planSources.planId, planSources.side],
        set: ok
          ? { status: values.status, reason: null, lastAttemptAt: at, lastSuccessAt: at, patientId: values.patientId ?? null, demographics: values.demographics ?? null }
          : { status: values.status, reason: values.reason ?? null, lastAttemptAt: at },
      });
  }
}
