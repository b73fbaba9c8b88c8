/**
 * The individual's own side of their SIP: they read it whole, give, narrow or withdraw their
 * consent and each relative's sharing, write their own goals, and read who has read their plan.
 * Every change goes the way staff's does (the plans service's consent and plan-record writes, the
 * relatives section on its version, {@link PlansService.commitChange}): versions, events, outbox
 * publication and work lists follow as when staff record it, and it is recorded as the
 * individual's own, with their e-ID. Nobody acts for the individual here.
 */
import {
  CITIZEN_PREFIX,
  consentState,
  isChildOn,
  SYSTEM_PREFIX,
  type IndividualConsent,
  type OwnAccessEntry,
  type OwnAccessLog,
  type OwnAccessWhat,
  type OwnConsentDecision,
  type OwnGoals,
  type OwnPlan,
  type OwnSharingDecision,
  type PartContent,
  type PlanFields,
  type PlanStatus,
  type Principal as PlanPrincipal,
  type RelativeSharing,
  type Situation,
} from '@sip/shared';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { AccessAction } from '../access-log/access-log.ts';
import { recordAccess } from '../access-log/access-log.ts';
import type { Db } from '../db/database.ts';
import { accessLog, planParts, plans } from '../db/schema.ts';
import { invalidField, ProblemError } from '../http/errors.ts';
import { findOrganisations } from '../organisations/organisations.ts';
import { applyPatch, consentChange, normaliseFields, PlansService, stale, type PlanRow } from '../plans/plans.service.ts';
import { authorize } from '../policy/authorize.ts';
import { claimKey, citizenRecorder, citizenUserId, relativeCategories, storeAnswer, type Citizen, type Idempotency, type StoredResponse } from '../relatives/me.service.ts';
import { relativesOf, type StoredRelative } from '../relatives/relatives.service.ts';

type PartRow = typeof planParts.$inferSelect;

const RELATIVES_KIND = 'relatives';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Names compared as the consent compares them. */
const norm = (s: string) => s.trim().toLocaleLowerCase('sv');

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const contact = (c: { name: string; title?: string | undefined; unit?: string | undefined; phone?: string | undefined } | undefined) =>
  c ? withoutUndefined({ name: c.name, title: c.title, unit: c.unit, phone: c.phone }) : null;

const items = <T extends { id?: string | undefined; text: string }>(list: T[] | undefined) => (list ?? []).map((i) => withoutUndefined({ id: i.id, text: i.text }));

/** The relatives who count: those the upstreams have not removed. */
const currentRelatives = (part: PartRow | undefined): StoredRelative[] => relativesOf(part?.content).filter((r) => !r.removedUpstream);

/** The plan whole, as the individual reads it: nothing withheld from the person it is about. */
export function ownView(plan: PlanRow, parts: PartRow[], now: Date): OwnPlan {
  const fields = plan.fields as PlanFields;
  const consent = (plan.consent as IndividualConsent | null) ?? null;
  const principalParts = parts
    .filter((p) => p.kind === 'region' || p.kind === 'municipality')
    .sort((a, b) => a.kind.localeCompare(b.kind));
  const responsible = principalParts.find((p) => p.kind === fields.overallResponsibility);
  const relatives = currentRelatives(parts.find((p) => p.kind === RELATIVES_KIND));
  return {
    planId: plan.id,
    version: plan.version,
    revision: plan.revision,
    title: fields.title ?? null,
    status: plan.status as PlanStatus,
    child: isChildOn({ personId: plan.individualId }, now),
    coordinator: contact(fields.coordinator),
    responsible: responsible ? { principal: responsible.kind as PlanPrincipal, organisation: responsible.organisationName ?? '' } : null,
    outOfHours: fields.outOfHours ?? null,
    individualGoals: items(fields.individualGoals),
    individualOwnActions: items(fields.individualOwnActions),
    needs: items(fields.needs),
    parts: principalParts.map((p) => {
      const content = p.content as PartContent;
      return {
        principal: p.kind as PlanPrincipal,
        organisation: { id: p.organisationId ?? '', name: p.organisationName ?? '' },
        contactPerson: contact(content.contactPerson),
        goals: items(content.goals),
        interventions: (content.interventions ?? [])
          .filter((i) => !i.removedUpstream)
          .map((i) =>
            withoutUndefined({
              id: i.id,
              title: i.title,
              description: i.description,
              status: i.status,
              performedBy: i.performedBy,
              when: i.when,
              startDate: i.startDate,
              endDate: i.endDate,
            }),
          ),
      };
    }),
    otherActorMeasures: (fields.otherActorMeasures ?? []).map((m) => withoutUndefined({ id: m.id, actor: m.actor, measure: m.measure, when: m.when })),
    participants: (plan.participants as { kind: 'principal' | 'invited'; name: string; role?: string }[]).map((p) =>
      withoutUndefined({ kind: p.kind, name: p.name, role: p.role }),
    ),
    meetings: (fields.meetings ?? []).map((m) => withoutUndefined({ id: m.id, at: m.at, place: m.place, notes: m.notes })),
    followUp: fields.followUp ? { date: fields.followUp.date, by: contact(fields.followUp.by)! } : null,
    consent: consent ? { ...consent, state: consentState(consent, now) } : null,
    relatives: relatives.map((r) => ({
      relativeId: r.id,
      name: r.name,
      relationship: r.relationship,
      child: isChildOn(r, now),
      sharing: r.sharing ?? null,
      sharedNow: relativeCategories(plan, r, now),
    })),
    updatedAt: plan.updatedAt.toISOString(),
  };
}

/** What an access-log action did, in the plain categories the individual is shown. */
const WHAT: Record<AccessAction, { what: OwnAccessWhat; kind: 'read' | 'change' }> = {
  'plan.create': { what: 'plan-change', kind: 'change' },
  'plan.read': { what: 'plan', kind: 'read' },
  'plan.list': { what: 'plan-list', kind: 'read' },
  'plan.update': { what: 'plan-change', kind: 'change' },
  'plan.sync': { what: 'plan-change', kind: 'change' },
  'part.read': { what: 'plan', kind: 'read' },
  'part.update': { what: 'plan-change', kind: 'change' },
  'consent.update': { what: 'consent', kind: 'change' },
  'participants.update': { what: 'plan-change', kind: 'change' },
  'status.update': { what: 'plan-change', kind: 'change' },
  'versions.read': { what: 'history', kind: 'read' },
  'events.read': { what: 'live-changes', kind: 'read' },
  'access-log.read': { what: 'access-log', kind: 'read' },
  'access-log.extract': { what: 'access-log', kind: 'read' },
  'relatives.read': { what: 'relatives', kind: 'read' },
  'relatives.update': { what: 'relatives', kind: 'change' },
  'worklist.read': { what: 'work-list', kind: 'read' },
  'worklist.raise': { what: 'work-list', kind: 'change' },
  'me.read': { what: 'plan', kind: 'read' },
  'me.answer': { what: 'plan-change', kind: 'change' },
  'own.read': { what: 'plan', kind: 'read' },
  'own.access-log': { what: 'access-log', kind: 'read' },
  // De-identified figures: logged without an individual, so never in anyone's own log.
  'report.read': { what: 'plan-list', kind: 'read' },
  'plan.document': { what: 'plan', kind: 'read' },
  'me.document': { what: 'plan', kind: 'read' },
  'own.document': { what: 'plan', kind: 'read' },
};

/** The individual's own API over their plans. */
export class OwnPlansService {
  private readonly plans: PlansService;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    this.plans = new PlansService(db, now);
  }

  /**
   * The plan, and whether this citizen is its individual, for an operation the policy allows
   * them: a plan that is not about them is a 404 that reveals nothing.
   */
  private async load(
    tx: Db,
    citizen: Citizen,
    planId: string,
    operation: Parameters<typeof authorize>[0],
    lock: boolean,
    facts?: (plan: PlanRow) => Situation | Promise<Situation>,
  ) {
    const query = tx.select().from(plans).where(eq(plans.id, planId));
    const [found] = !UUID.test(planId) ? [] : lock ? await query.for('update') : await query;
    const plan = found && found.individualId === citizen.personId ? found : undefined;
    authorize(operation, 'individual', {
      isIndividual: plan !== undefined,
      ...(plan ? { status: plan.status as PlanStatus, individualChild: isChildOn({ personId: plan.individualId }, this.now()), ...(await facts?.(plan)) } : {}),
    });
    if (!plan) throw new ProblemError('not-found', 'No such plan');
    return plan;
  }

  /** My plan, whole; the read is logged before it is answered. A document of it is the same read, asked and logged as such. */
  async read(citizen: Citizen, planId: string, as: 'own.read' | 'own.document' = 'own.read'): Promise<OwnPlan> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const plan = await this.load(tx, citizen, planId, as, false);
      const parts = await this.plans.parts(tx, planId);
      await this.plans.logAccess(tx, citizenRecorder(citizen), as, [plan]);
      return ownView(plan, parts, this.now());
    });
  }

  /**
   * Runs one change under its idempotency key, in one transaction: the key claimed first, the
   * plan row locked, the change written and committed, the answer (the plan after it) stored
   * with the key. A replay answers as the first time did, logs the read, and writes nothing else.
   */
  private async once(citizen: Citizen, planId: string, idem: Idempotency, change: (tx: Db) => Promise<void>): Promise<StoredResponse> {
    const recorder = citizenRecorder(citizen);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const replay = await claimKey(tx, recorder, idem, this.now(), async () => {
        const [plan] = UUID.test(planId) ? await tx.select({ id: plans.id, individualId: plans.individualId }).from(plans).where(eq(plans.id, planId)) : [];
        if (plan && plan.individualId === citizen.personId) await this.plans.logAccess(tx, recorder, 'own.read', [plan]);
      });
      if (replay) return replay;
      await change(tx);
      const [plan] = await tx.select().from(plans).where(eq(plans.id, planId));
      return storeAnswer(tx, recorder, idem, 200, ownView(plan!, await this.plans.parts(tx, planId), this.now()));
    });
  }

  /** Who the individual is, as a consent or a sharing they record names them. */
  private static recordedBy(plan: PlanRow) {
    return { name: plan.individualName ?? 'Den enskilde' };
  }

  /**
   * My decision on my consent to the SIP: give (or narrow) it, or withdraw it. The same change
   * as when staff record it (status, the other principal's access, the work list), recorded as
   * given by me with my e-ID. `expectedVersion`, when given, must be the plan's version.
   */
  consent(citizen: Citizen, planId: string, decision: OwnConsentDecision, expectedVersion: number | undefined, idem: Idempotency) {
    return this.once(citizen, planId, idem, async (tx) => {
      const now = this.now();
      const plan =
        decision.decision === 'withdraw'
          ? await this.load(tx, citizen, planId, 'own.consent.withdraw', true, (found) => {
              const state = consentState((found.consent as IndividualConsent | null) ?? null, now);
              return { withdrawable: state === 'in-force' || state === 'expired' };
            })
          : await this.load(tx, citizen, planId, 'own.consent.give', true);
      if (expectedVersion !== undefined && plan.version !== expectedVersion) throw stale(plan.version, 'plan');
      const current = (plan.consent as IndividualConsent | null) ?? null;
      const recorded = { form: 'written' as const, recordedAt: now.toISOString(), recordedBy: OwnPlansService.recordedBy(plan), recordedWith: 'e-id' as const };
      let next: IndividualConsent;
      if (decision.decision === 'withdraw') {
        next = { ...current!, ...recorded, revokedAt: now.toISOString() };
      } else {
        const parts = await this.plans.parts(tx, planId);
        const principals = parts.filter((p) => p.kind === 'region' || p.kind === 'municipality');
        // Each actor is one of the plan's principals (by HSA-id or name), or one the consent already names.
        const known = [...principals.flatMap((p) => [p.organisationId ?? '', p.organisationName ?? '']), ...(current?.scope.actors ?? [])].map(norm);
        decision.actors.forEach((actor, i) => {
          if (!known.includes(norm(actor))) throw invalidField(`/actors/${i}`, 'names neither a principal of the plan nor an actor your consent already names');
        });
        if (decision.validUntil && decision.validUntil < now.toISOString().slice(0, 10)) throw invalidField('/validUntil', 'must not be in the past');
        next = withoutUndefined({
          given: true,
          ...recorded,
          scope: withoutUndefined({
            information: [...new Set(decision.information)],
            actors: [...new Set(decision.actors)],
            validUntil: decision.validUntil,
            excluded: current?.scope.excluded,
            excludedItems: current?.scope.excludedItems,
          }),
          guardians: current?.guardians,
        });
      }
      const { type, changes } = consentChange(plan, next, now);
      await this.plans.writePlanRecord(tx, citizenRecorder(citizen), plan, type, 'consent.update', changes);
    });
  }

  /**
   * My decision on what one relative sees: share (or narrow), or withdraw. The relatives section
   * changes on its version as when staff record it; the relative's next read shows it.
   */
  sharing(citizen: Citizen, planId: string, relativeId: string, decision: OwnSharingDecision, idem: Idempotency) {
    return this.once(citizen, planId, idem, async (tx) => {
      let part: PartRow | undefined;
      let target: StoredRelative | undefined;
      const facts = async (found: PlanRow) => {
        [part] = await tx
          .select()
          .from(planParts)
          .where(and(eq(planParts.planId, found.id), eq(planParts.kind, RELATIVES_KIND)));
        target = currentRelatives(part).find((r) => r.id === relativeId);
        return { withdrawable: target?.sharing !== undefined && !target.sharing.revokedAt };
      };
      const plan =
        decision.decision === 'withdraw'
          ? await this.load(tx, citizen, planId, 'own.sharing.withdraw', true, facts)
          : await this.load(tx, citizen, planId, 'own.sharing.give', true, facts);
      if (!part || !target) throw new ProblemError('not-found', 'No such relative in this plan');
      const now = this.now();
      const recorded = { form: 'written' as const, recordedAt: now.toISOString(), recordedBy: OwnPlansService.recordedBy(plan), recordedWith: 'e-id' as const };
      let sharing: RelativeSharing;
      if (decision.decision === 'withdraw') {
        sharing = { ...target.sharing!, ...recorded, revokedAt: now.toISOString() };
      } else {
        if (decision.validUntil && decision.validUntil < now.toISOString().slice(0, 10)) throw invalidField('/validUntil', 'must not be in the past');
        sharing = withoutUndefined({ categories: [...new Set(decision.categories)], validUntil: decision.validUntil, ...recorded });
      }
      const relatives = relativesOf(part.content).map((r) => (r.id === relativeId ? { ...r, sharing } : r));
      const [updated] = await tx
        .update(planParts)
        .set({ content: { ...(part.content as object), relatives }, version: part.version + 1, updatedAt: now })
        .where(and(eq(planParts.id, part.id), eq(planParts.version, part.version)))
        .returning({ version: planParts.version });
      if (!updated) throw new ProblemError('conflict', 'The plan changed meanwhile; try again');
      await this.plans.commitChange(tx, citizenRecorder(citizen), planId, {
        type: 'relatives.updated',
        partId: part.id,
        version: updated.version,
        action: 'relatives.update',
      });
    });
  }

  /** My own goals and what I do myself, on the version I read: a stale one is a 412, and nothing is written. */
  goals(citizen: Citizen, planId: string, input: OwnGoals, expectedVersion: number, idem: Idempotency) {
    return this.once(citizen, planId, idem, async (tx) => {
      const plan = await this.load(tx, citizen, planId, 'own.goals', true);
      if (plan.version !== expectedVersion) throw stale(plan.version, 'plan');
      const patch: Partial<PlanFields> = {};
      if (input.individualGoals !== undefined) patch.individualGoals = input.individualGoals;
      if (input.individualOwnActions !== undefined) patch.individualOwnActions = input.individualOwnActions;
      const fields = normaliseFields(applyPatch(plan.fields as PlanFields, patch));
      await this.plans.writePlanRecord(tx, citizenRecorder(citizen), plan, 'plan.updated', 'plan.update', { fields });
    });
  }

  /**
   * Who has accessed my data in this plan (and my data in the log as a whole: an auditor's
   * extract), newest first, in plain categories: staff by organisation only, a relative by the
   * name the plan has for them. Reading it is itself logged.
   */
  async accessLog(citizen: Citizen, planId: string, page: { limit: number; offset: number }): Promise<OwnAccessLog> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const plan = await this.load(tx, citizen, planId, 'own.access-log', false);
      const parts = await this.plans.parts(tx, planId);
      const where = and(eq(accessLog.individualId, citizen.personId), or(eq(accessLog.planId, planId), isNull(accessLog.planId)));
      const rows = await tx
        .select({ at: accessLog.at, userId: accessLog.userId, organisationId: accessLog.organisationId, planId: accessLog.planId, action: accessLog.action })
        .from(accessLog)
        .where(where)
        // Newest written first: an entry is there from its commit, before the chainer links it.
        .orderBy(desc(accessLog.id))
        .limit(page.limit)
        .offset(page.offset);
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(accessLog).where(where);
      const names = new Map(parts.filter((p) => p.organisationId).map((p) => [p.organisationId!, p.organisationName ?? null]));
      const unknown = [...new Set(rows.map((r) => r.organisationId))].filter((id) => !names.has(id));
      for (const [id, org] of await findOrganisations(tx, unknown)) names.set(id, org.name);
      const relatives = new Map(
        relativesOf(parts.find((p) => p.kind === RELATIVES_KIND)?.content)
          .filter((r) => r.personId)
          .map((r) => [citizenUserId(r.personId!), r.name]),
      );
      const me = citizenUserId(citizen.personId);
      const entries = rows.map((row): OwnAccessEntry => {
        const what = WHAT[row.action as AccessAction] ?? { what: 'plan', kind: 'read' };
        const who = row.userId === me
          ? 'me'
          : row.userId.startsWith(CITIZEN_PREFIX)
            ? 'relative'
            : row.userId.startsWith(SYSTEM_PREFIX)
              ? 'service'
              : row.action.startsWith('access-log.')
                ? 'auditor'
                : 'staff';
        return {
          at: row.at.toISOString(),
          who,
          organisation: who === 'staff' || who === 'auditor' ? { id: row.organisationId, name: names.get(row.organisationId) ?? null } : null,
          relative: who === 'relative' && relatives.has(row.userId) ? { name: relatives.get(row.userId)! } : null,
          what: what.what,
          kind: what.kind,
          planId: row.planId,
        };
      });
      await recordAccess(tx, [
        {
          at: this.now(),
          userId: me,
          organisationId: 'citizen',
          individualId: plan.individualId,
          planId: plan.id,
          action: 'own.access-log',
          purpose: 'individual-extract',
          requestId: citizen.requestId,
        },
      ]);
      return { items: entries, total: Number(count?.n ?? 0), limit: page.limit, offset: page.offset };
    });
  }
}
