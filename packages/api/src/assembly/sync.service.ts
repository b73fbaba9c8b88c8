import type { PartContent, PlanView, Principal, Relative, SourceStatus } from '@sip/shared';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planParts, planSources } from '../db/schema.ts';
import { PlansService, type Actor } from '../plans/plans.service.ts';
import { UpstreamError, type Upstreams } from '../upstreams/upstream.ts';
import { fetchSide, type SideRecord } from './fetch.ts';
import { mapContact, mapDemographics, mapInterventions, mapRelatives, type Demographics } from './map.ts';
import { dismissedSourcesOf } from '../relatives/relatives.service.ts';
import { mergeRelatives, mergeSourced, unchanged } from './merge.ts';

const SIDES = ['region', 'municipality'] as const;

export interface SyncResult {
  changed: boolean;
  /** The plan after the sync, with how each side went. */
  plan: PlanView;
}

/**
 * Assembles a plan from both upstreams: fetches each side in parallel, maps what it holds
 * into that principal's part and the relatives section, and records how each side went.
 * A side that is down, slow or answers garbage is marked unavailable with its last good
 * sync time; the other side's data is still applied. Never throws for an upstream failure.
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
    if (actor.principal.role === 'auditor') {
      await this.plans.get(actor, planId); // the same refusal and 404 as reading
    }
    const plan = await this.db.transaction((tx) => this.plans.load(tx as unknown as Db, actor, planId));
    const attemptAt = this.now();
    const outcomes = await Promise.all(
      SIDES.map(async (side) => {
        try {
          return { side, record: await fetchSide(this.upstreams[side], plan.individualId) };
        } catch (error) {
          const reason = error instanceof UpstreamError ? error.reason : 'unreachable';
          return { side, error: reason };
        }
      }),
    );

    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const locked = await this.plans.load(tx, actor, planId, true);
      const parts = await this.plans.parts(tx, planId);
      const today = this.now();
      let changed = false;

      for (const outcome of outcomes) {
        const { side } = outcome;
        if ('error' in outcome) {
          await this.recordSource(tx, planId, side, { status: 'unavailable', reason: outcome.error }, attemptAt);
          continue;
        }
        const record: SideRecord = outcome.record;
        const d = mapDemographics(record);
        await this.recordSource(
          tx,
          planId,
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
        const relativesContent = relativesPart.content as { relatives?: Relative[] };
        const currentRelatives = (await tx.select().from(planParts).where(eq(planParts.id, relativesPart.id)))[0]!.content as {
          relatives?: Relative[];
        };
        const mergedRelatives = mergeRelatives(side, currentRelatives.relatives ?? [], mapRelatives(side, record, today), dismissedSourcesOf(currentRelatives));
        if (!unchanged(mergedRelatives, currentRelatives.relatives ?? [])) {
          changed = true;
          await tx
            .update(planParts)
            .set({ content: { ...relativesContent, ...currentRelatives, relatives: mergedRelatives }, version: sql`${planParts.version} + 1`, updatedAt: today })
            .where(eq(planParts.id, relativesPart.id));
        }
      }

      if (changed) {
        await this.plans.commitChange(tx, actor, locked.id, { type: 'plan.synced', partId: null, version: locked.version, action: 'plan.sync' });
      }
      return { changed, plan: await this.plans.viewOf(tx, planId) };
    });
  }

  private async recordSource(
    tx: Db,
    planId: string,
    side: Principal,
    values: { status: SourceStatus['status']; reason?: string; patientId?: string | null; demographics?: Demographics | null },
    at: Date,
  ) {
    const ok = values.status !== 'unavailable';
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
