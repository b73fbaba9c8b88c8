import {
  decide,
  reaches,
  type CreatePlan,
  type IndividualConsent,
  type NamedOrganisation,
  type PartContent,
  type PlanView,
  type Principal,
  type Relative,
  type SipSystems,
  type SourceStatus,
  SYSTEM_PREFIX,
} from '@sip/shared';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planParts, plans, planSources } from '../db/schema.ts';
import { PlansService, SIDES, type Actor, type IdempotencyKey, type PartRow, type PlanRow, type Recorder } from '../plans/plans.service.ts';
import { UpstreamError, type Upstreams } from '../upstreams/upstream.ts';
import { fetchSide, InvalidUpstreamAnswer } from './fetch.ts';
import { mapSide, type Demographics, type SideContent } from './map.ts';
import { dismissedSourcesOf } from '../relatives/relatives.service.ts';
import { upstreamNamesOf } from '../organisations/organisations.ts';
import { mergeRelatives, mergeSourced, unchanged } from './merge.ts';


/** The broker, looking the individual up again in an upstream on its own initiative. */
export const LOOKUP_USER = `${SYSTEM_PREFIX}lookup`;

export interface SyncResult {
  changed: boolean;
  /** The plan after the sync, as the actor's organisation may see it, with how each side went. */
  plan: PlanView;
}

type Outcome = { side: Principal; content: SideContent } | { side: Principal; error: string } | { side: Principal; notShared: true };

/** Who a plan reaches: its initiator, its consent, and the organisations of its two sides. */
interface Reach {
  initiator: Principal;
  consent: IndividualConsent | null;
  organisations: Partial<Record<Principal, NamedOrganisation>>;
}

/** Why a side could not be read, in words fit for its status: never anything of the data. */
function reasonOf(error: unknown): string {
  if (error instanceof UpstreamError) return error.reason;
  if (error instanceof InvalidUpstreamAnswer) return error.reason;
  // Anything else the answer made happen is an answer that could not be read.
  return 'invalid-answer';
}

/**
 * Assembles a plan from the upstreams it may reach: the initiating principal's always, the
 * other's only while the individual's consent in force names it (the policy's `upstream.read`).
 * Each side is fetched in parallel and mapped into that principal's part and the relatives
 * section; how each side went is recorded. A side that is down, slow or answers garbage, or
 * anything that is not valid FHIR R4, is marked unavailable with its last good sync time, and the
 * other side is still applied; a side the plan may not reach is marked `not-shared` and neither
 * read nor changed. Never throws for an upstream failure. Every sync is an access to the plan and
 * is logged, whatever changed.
 */
export class SyncService {
  private readonly plans: PlansService;

  constructor(
    private readonly db: Db,
    private readonly upstreams: Upstreams,
    /** Our own systems: what an upstream holds under them (in any form) the broker published, and a sync leaves out. */
    private readonly systems: SipSystems,
    private readonly now: () => Date,
  ) {
    this.plans = new PlansService(db, now);
  }

  async sync(actor: Actor, planId: string): Promise<SyncResult> {
    const { plan } = await this.db.transaction((tx) => this.plans.authorized(tx as unknown as Db, actor, planId, 'plan.sync'));
    const outcomes = await this.fetch(plan.individualId, await this.reachOf(this.db, plan));

    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan: locked, as } = await this.plans.authorized(tx, actor, planId, 'plan.sync', { lock: true });
      const changed = await this.applyAndRecord(tx, actor, locked, outcomes);
      return { changed, plan: this.plans.viewFor(await this.plans.viewOf(tx, planId), as) };
    });
  }

  /**
   * Assembles the plan again after the individual's own decision on their consent (which the
   * policy has allowed them), as a coordinator's recording of it does: each side the consent now
   * lets it reach is read, and the sync is recorded as theirs. Never throws for an upstream failure.
   */
  async syncAfterOwnConsent(recorder: Recorder, planId: string): Promise<boolean> {
    return this.syncUnasked(planId, () => recorder);
  }

  /**
   * Reads one side again on the broker's own initiative: the publisher's, when the plan does not
   * know the individual's record there (its last read failed, or found no one). Applied as any
   * sync is (what the side holds merged in, protection marked, a revision when anything changed;
   * with only one side read, a protection mark is never lifted; a closed plan takes in only where
   * the record is and the mark) and recorded as the broker's, under the organisation whose record
   * was read. Never throws for an upstream failure.
   */
  async lookUpAgain(planId: string, side: Principal): Promise<void> {
    await this.syncUnasked(
      planId,
      (reach) => {
        const organisation = reach.organisations[side];
        return organisation ? { principal: { userId: LOOKUP_USER, organisationId: organisation.id }, requestId: null } : undefined;
      },
      side,
    );
  }

  /**
   * A sync no staff member asked for, of the plan's sides (or of `only`): the upstreams read
   * first, then applied under the plan's lock and recorded as `recorderOf` says (nothing is done
   * where it names no one). True when anything changed.
   */
  private async syncUnasked(planId: string, recorderOf: (reach: Reach) => Recorder | undefined, only?: Principal): Promise<boolean> {
    const [plan] = await this.db.select().from(plans).where(eq(plans.id, planId));
    if (!plan) return false;
    const reach = await this.reachOf(this.db, plan);
    const recorder = recorderOf(reach);
    if (!recorder) return false;
    const outcomes = await this.fetch(plan.individualId, reach, only);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const [locked] = await tx.select().from(plans).where(eq(plans.id, planId)).for('update');
      return locked ? this.applyAndRecord(tx, recorder, locked, outcomes) : false;
    });
  }

  /**
   * Creates a plan and assembles it from the upstream it reaches (before the individual's
   * consent, the initiator's alone), as one: the upstream is read first, then the plan is
   * written and filled in one transaction, so a failure leaves nothing behind. Under an
   * Idempotency-Key, a retry of the same request returns the plan the first one made.
   */
  async create(actor: Actor, input: CreatePlan, key?: IdempotencyKey): Promise<{ plan: PlanView; replayed: boolean }> {
    const prepared = await this.plans.prepareCreate(actor, input);
    const replay = async (planId: string) => ({ plan: await this.plans.get(actor, planId), replayed: true });
    if (key) {
      const earlier = await this.plans.createdUnderKey(this.db, actor, key);
      if (earlier) return replay(earlier);
    }
    const outcomes = await this.fetch(prepared.individual.personId, { initiator: prepared.initiator, consent: null, organisations: prepared.named });
    const created = await this.db.transaction(async (txRaw): Promise<{ earlier: string } | { plan: PlanView }> => {
      const tx = txRaw as unknown as Db;
      if (key) {
        const earlier = await this.plans.claimKeyForCreate(tx, actor, key, prepared.id);
        if (earlier) return { earlier };
      }
      await this.plans.insertPlan(tx, actor, prepared);
      const [locked] = await tx.select().from(plans).where(eq(plans.id, prepared.id)).for('update');
      await this.applyAndRecord(tx, actor, locked!, outcomes);
      return { plan: this.plans.viewFor(await this.plans.viewOf(tx, prepared.id), prepared.initiator) };
    });
    if ('earlier' in created) return replay(created.earlier);
    return { plan: created.plan, replayed: false };
  }

  /** Applies the outcomes to the locked plan and records the sync: a revision when anything changed, else the access alone. */
  private async applyAndRecord(tx: Db, actor: Recorder, locked: PlanRow, outcomes: Outcome[]): Promise<boolean> {
    const changed = await this.apply(tx, locked, outcomes);
    if (changed) {
      await this.plans.commitChange(tx, actor, locked.id, { type: 'plan.synced', partId: null, version: locked.version, action: 'plan.sync' });
    } else {
      // Nothing changed, but the plan is returned: that is an access too.
      await this.plans.logAccess(tx, actor, 'plan.sync', [locked]);
    }
    return changed;
  }

  /**
   * Reads each side the plan may reach, in parallel, and maps what it holds into the plan's
   * terms; the others are not asked at all. A side whose answer fails, or is not valid FHIR R4,
   * or maps to anything the plan's own schemas refuse, is an error outcome, never a throw.
   */
  private async fetch(personId: string, reach: Reach, only?: Principal): Promise<Outcome[]> {
    const reached = this.sidesReached(reach);
    // Each side from the upstream of the plan's organisation on that side (a municipality's own case system).
    const names = await upstreamNamesOf(this.db, reach.organisations);
    return Promise.all(
      SIDES.filter((side) => only === undefined || side === only).map(async (side): Promise<Outcome> => {
        if (!reached.has(side)) return { side, notShared: true };
        const upstream = this.upstreams[names[side]];
        if (!upstream) return { side, error: 'not-configured' };
        try {
          const record = await fetchSide(upstream, personId, this.systems);
          return { side, content: mapSide(side, record, this.now()) };
        } catch (error) {
          return { side, error: reasonOf(error) };
        }
      }),
    );
  }

  /** Whom the stored plan reaches: read off its consent and the organisations of its parts. */
  private async reachOf(db: Db, plan: PlanRow): Promise<Reach> {
    const rows = await db
      .select({ kind: planParts.kind, organisationId: planParts.organisationId, organisationName: planParts.organisationName })
      .from(planParts)
      .where(eq(planParts.planId, plan.id));
    return this.reachFrom(plan, rows);
  }

  /** Whom the plan reaches, read off its consent and the organisations of the parts given. */
  private reachFrom(plan: PlanRow, parts: Pick<PartRow, 'kind' | 'organisationId' | 'organisationName'>[]): Reach {
    const organisations: Reach['organisations'] = {};
    for (const side of SIDES) {
      const row = parts.find((o) => o.kind === side);
      if (row?.organisationId) organisations[side] = { id: row.organisationId, name: row.organisationName ?? '' };
    }
    return { initiator: plan.initiator as Principal, consent: (plan.consent as IndividualConsent | null) ?? null, organisations };
  }

  /** The sides the policy lets the broker read for the plan now (`upstream.read`). */
  private sidesReached(reach: Reach): Set<Principal> {
    const at = this.now();
    return new Set(
      SIDES.filter((side) => {
        const sideReached = reaches(reach, side, reach.organisations[side], at);
        return decide('upstream.read', 'broker', { sideReached }).allowed;
      }),
    );
  }

  /**
   * Applies what each side holds to the locked plan; true when anything changed. A closed plan
   * takes nothing more in: only how each side went (and where the individual's record is) and
   * the protection mark.
   */
  private async apply(tx: Db, plan: PlanRow, outcomes: Outcome[]): Promise<boolean> {
    const merge = plan.status !== 'closed';
    const parts = await this.plans.parts(tx, plan.id);
    const today = this.now();
    const attemptAt = today;
    let changed = false;
    const marks: boolean[] = [];
    // Asked again under the lock: a consent withdrawn while the sides were read lets nothing in.
    const reached = this.sidesReached(this.reachFrom(plan, parts));
    // The relatives section as this sync leaves it, side after side (the plan's lock keeps every
    // other writer out until the commit).
    const relativesPart = parts.find((p) => p.kind === 'relatives');
    let relativesContent = (relativesPart?.content ?? {}) as { relatives?: Relative[] };

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
      const { content: fromSide } = outcome;
      marks.push(fromSide.protectedIdentity);
      await this.recordSource(
        tx,
        plan.id,
        side,
        { status: fromSide.found ? 'ok' : 'not-found', patientId: fromSide.patientId, demographics: fromSide.demographics ?? null },
        attemptAt,
      );
      if (!merge) continue;
      const part = parts.find((p) => p.kind === side)!;
      const content = part.content as PartContent;
      const next: PartContent = {
        ...content,
        interventions: mergeSourced(side, content.interventions ?? [], fromSide.interventions),
        ...(content.contactPerson || !fromSide.contact ? {} : { contactPerson: fromSide.contact }),
      };
      if (!next.interventions?.length && !content.interventions) delete next.interventions;
      if (!unchanged(next, content)) {
        changed = true;
        await tx
          .update(planParts)
          .set({ content: next, version: sql`${planParts.version} + 1`, updatedAt: today })
          .where(eq(planParts.id, part.id));
      }
      const merged = mergeRelatives(side, relativesContent.relatives ?? [], fromSide.relatives, dismissedSourcesOf(relativesContent));
      if (!unchanged(merged, relativesContent.relatives ?? [])) {
        changed = true;
        relativesContent = { ...relativesContent, relatives: merged };
        await tx
          .update(planParts)
          .set({ content: relativesContent, version: sql`${planParts.version} + 1`, updatedAt: today })
          .where(eq(planParts.id, relativesPart!.id));
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
