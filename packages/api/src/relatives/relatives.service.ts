import { randomUUID } from 'node:crypto';
import {
  attentionItems,
  consentState,
  isChildOn,
  isOpenCommitment,
  reaches,
  staffMayCancel,
  type IndividualConsent,
  type Operation,
  type Situation,
  type AttentionKind,
  commitmentReviewDate,
  commitmentStatus,
  type Commitment,
  type CommitmentKind,
  type CommitmentStatus,
  type Principal as PlanPrincipal,
  type PlanFields,
  type PlanView,
  type Relative,
  type RelativeSharing,
  type RelativeSupport,
  type SourceRef,
} from '@sip/shared';
import { and, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { boundToPerson } from '../assembly/merge.ts';
import type { Db } from '../db/database.ts';
import { planOrganisations, planParts, plans } from '../db/schema.ts';
import { invalidField, ProblemError } from '../http/errors.ts';
import { PlansService, sameContent, stale, type Actor } from '../plans/plans.service.ts';
import { authorize, visibleMembership } from '../policy/authorize.ts';

export type StoredRelative = Relative & { id: string };
export type RelativesSection = PlanView['relativesSection'];

export interface NewRelative {
  name: string;
  relationship: Relative['relationship'];
  personId?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  child: boolean;
  sharesHome: boolean;
  information?: Relative['information'];
}

/** A field present replaces the stored one; `null` clears an optional one. */
export interface RelativePatch {
  name?: string | undefined;
  relationship?: Relative['relationship'] | undefined;
  personId?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  child?: boolean | undefined;
  sharesHome?: boolean | undefined;
  information?: Relative['information'] | null | undefined;
}

export interface NewCommitment {
  kind?: CommitmentKind | undefined;
  what: string;
  howOften: string;
  from: string;
  until?: string | undefined;
  reviewDate: string;
  comment?: string | undefined;
}

export type WorklistKind = AttentionKind;

export interface WorklistItem {
  planId: string;
  /** Null for what concerns the plan as a whole (the consent withdrawn). */
  relativeId: string | null;
  relativeName: string | null;
  commitmentId: string | null;
  kind: WorklistKind | 'consent-withdrawn' | 'consent-expired';
  since: string;
  overallResponsibility: PlanPrincipal | null;
}

const RELATIVES_KIND = 'relatives';

function noSuchRelative(): ProblemError {
  return new ProblemError('not-found', 'No such relative in this plan');
}

/** Gives list items an id, so later edits can name them. */
function withIds<T extends { id?: string | undefined }>(items: T[] | undefined): (T & { id: string })[] | undefined {
  return items?.map((item) => ({ ...item, id: item.id ?? randomUUID() }));
}

/** The commitment as clients see it: the stored one with its current status and review date. */
export function commitmentView(c: Commitment) {
  return { ...c, status: commitmentStatus(c), currentReviewDate: commitmentReviewDate(c) };
}

/**
 * The staff side of the standing relatives section. Every write runs under If-Match on the
 * section's version, in one transaction that goes through {@link PlansService.commitChange}.
 */
export class RelativesService {
  private readonly plans: PlansService;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    this.plans = new PlansService(db, now);
  }

  /** The relatives section of a plan that has reached the actor's organisation; the read is logged. */
  async section(actor: Actor, planId: string): Promise<RelativesSection> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan } = await this.plans.authorized(tx, actor, planId, 'relatives.read');
      const part = await this.part(tx, planId);
      await this.plans.logAccess(tx, actor, 'relatives.read', [plan]);
      return { id: part.id, version: part.version, relatives: relativesOf(part.content) };
    });
  }

  private async part(tx: Db, planId: string) {
    const [part] = await tx
      .select()
      .from(planParts)
      .where(and(eq(planParts.planId, planId), eq(planParts.kind, RELATIVES_KIND)));
    if (!part) throw new Error('plan without relatives section');
    return part;
  }

  /**
   * Applies a change to the relatives under If-Match, as one transaction: the plan row is
   * locked (as sync locks it), the section updated on its version, and the change committed.
   * A change that leaves the section as it is writes nothing but its access: the section keeps
   * its version.
   */
  private async change(
    actor: Actor,
    planId: string,
    expectedVersion: number,
    mutate: (relatives: StoredRelative[]) => StoredRelative[] | { relatives: StoredRelative[]; dismissed: SourceRef[] },
    operation: Operation = 'relatives.update',
    facts?: (relatives: StoredRelative[]) => Situation,
    errors?: { path: string; message: string }[],
  ): Promise<PlanView> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      let part: Awaited<ReturnType<RelativesService['part']>> | undefined;
      const { plan, as } = await this.plans.authorized(tx, actor, planId, operation, {
        lock: true,
        facts: async () => {
          part = await this.part(tx, planId);
          return facts?.(relativesOf(part.content)) ?? {};
        },
        ...(errors ? { errors } : {}),
      });
      if (!part) throw new Error('relatives section not read');
      if (part.version !== expectedVersion) throw stale(part.version, 'relatives section');
      const result = mutate(structuredClone(relativesOf(part.content)));
      const next = Array.isArray(result) ? result : result.relatives;
      const dismissed = Array.isArray(result) ? dismissedSourcesOf(part.content) : [...dismissedSourcesOf(part.content), ...result.dismissed].slice(-DISMISSED_MAX);
      const content = { ...(part.content as object), relatives: next, ...(dismissed.length ? { dismissedSources: dismissed } : {}) };
      // Nothing to change (the same sent again): no revision, nothing published; the access is logged.
      if (sameContent(part.content, content)) return this.plans.viewFor(await this.plans.unchanged(tx, actor, 'relatives.update', plan), as);
      const [updated] = await tx
        .update(planParts)
        .set({
          content,
          version: part.version + 1,
          updatedAt: this.now(),
        })
        .where(and(eq(planParts.id, part.id), eq(planParts.version, expectedVersion)))
        .returning({ version: planParts.version });
      if (!updated) throw stale(part.version + 1, 'relatives section');
      const full = await this.plans.commitChange(tx, actor, planId, {
        type: 'relatives.updated',
        partId: part.id,
        version: updated.version,
        action: 'relatives.update',
      });
      return this.plans.viewFor(full, as);
    });
  }

  private checkChild(relative: Pick<Relative, 'personId' | 'child'>) {
    if (!relative.personId) return;
    const child = isChildOn({ personId: relative.personId }, this.now());
    if (child !== relative.child) {
      throw invalidField(
        '/child',
        child
          ? 'the personnummer belongs to someone under 18: child must be true'
          : 'the personnummer belongs to someone 18 or older: child must be false',
      );
    }
  }

  private static samePerson(relatives: StoredRelative[], personId: string | undefined, except?: string) {
    if (personId && relatives.some((r) => r.id !== except && r.personId === personId)) {
      throw new ProblemError('conflict', 'That person is already a relative in this plan', {
        errors: [{ path: '/personId', message: 'already a relative in this plan' }],
      });
    }
  }

  async add(actor: Actor, planId: string, expectedVersion: number, input: NewRelative): Promise<{ plan: PlanView; relativeId: string }> {
    this.checkChild(input);
    const relativeId = randomUUID();
    const plan = await this.change(actor, planId, expectedVersion, (relatives) => {
      RelativesService.samePerson(relatives, input.personId);
      const relative = dropUndefined({ ...input, id: relativeId, information: withIds(input.information) }) as StoredRelative;
      return [...relatives, relative];
    });
    return { plan, relativeId };
  }

  update(actor: Actor, planId: string, expectedVersion: number, relativeId: string, patch: RelativePatch): Promise<PlanView> {
    return this.change(actor, planId, expectedVersion, (relatives) =>
      replace(relatives, relativeId, (current) => {
        if (patch.personId !== undefined && patch.personId !== current.personId) {
          // Relatives are people, not records: who they are is fixed once recorded.
          if (current.personId !== undefined || boundToPerson(current)) {
            throw new ProblemError(
              'conflict',
              'A relative’s person identifier cannot be changed: a different person is a different relative. Remove this relative and add the other person.',
              { errors: [{ path: '/personId', message: 'cannot be changed once recorded' }] },
            );
          }
        }
        const next = { ...current } as Record<string, unknown>;
        for (const [key, value] of Object.entries(patch)) {
          if (value === undefined) continue;
          if (value === null) delete next[key];
          else next[key] = key === 'information' ? withIds(value as Relative['information']) : value;
        }
        const relative = next as StoredRelative;
        if (patch.personId !== undefined || patch.child !== undefined) this.checkChild(relative);
        RelativesService.samePerson(relatives, relative.personId, relativeId);
        if (relative.child && (relative.commitments ?? []).some(isOpenCommitment)) {
          throw invalidField('/child', 'a relative with open commitments cannot be marked a child: cancel the commitments first');
        }
        return relative;
      }),
    );
  }

  remove(actor: Actor, planId: string, expectedVersion: number, relativeId: string): Promise<PlanView> {
    return this.change(actor, planId, expectedVersion, (relatives) => {
      const target = find(relatives, relativeId);
      const accepted = (target.commitments ?? []).filter((c) => commitmentStatus(c) === 'accepted');
      if (accepted.length) {
        throw new ProblemError(
          'conflict',
          `The relative has accepted ${accepted.length === 1 ? 'a commitment' : `${accepted.length} commitments`}: cancel ${accepted.length === 1 ? 'it' : 'them'} and re-plan before removing the relative`,
        );
      }
      // A relative the upstreams told us of stays removed: the next sync does not add them again.
      return { relatives: relatives.filter((r) => r.id !== relativeId), dismissed: target.sources ?? [] };
    });
  }

  setSharing(actor: Actor, planId: string, expectedVersion: number, relativeId: string, sharing: RelativeSharing): Promise<PlanView> {
    if (sharing.validFrom && sharing.validUntil && sharing.validUntil < sharing.validFrom) {
      throw invalidField('/validUntil', 'must not be before validFrom');
    }
    // Only the individual's own e-ID records a sharing as theirs: staff cannot say so.
    const { recordedWith: _notStaffs, ...recorded } = sharing;
    return this.change(actor, planId, expectedVersion, (relatives) => replace(relatives, relativeId, (r) => ({ ...r, sharing: recorded })));
  }

  recordInformed(
    actor: Actor,
    planId: string,
    expectedVersion: number,
    relativeId: string,
    entry: NonNullable<Relative['informed']>[number],
  ): Promise<PlanView> {
    return this.change(actor, planId, expectedVersion, (relatives) =>
      replace(relatives, relativeId, (r) => {
        const informed = [...(r.informed ?? []), { ...entry, id: entry.id ?? randomUUID() }];
        if (informed.length > 1000) throw new ProblemError('conflict', 'The information log of this relative is full');
        return { ...r, informed };
      }),
    );
  }

  setSupport(actor: Actor, planId: string, expectedVersion: number, relativeId: string, support: RelativeSupport): Promise<PlanView> {
    if (new Set(support.offered).size !== support.offered.length) throw invalidField('/offered', 'lists a kind of support twice');
    const today = this.now().toISOString().slice(0, 10);
    const seen = new Set<string>();
    for (const [i, taken] of (support.takenUp ?? []).entries()) {
      if (!support.offered.includes(taken.kind)) throw invalidField(`/takenUp/${i}/kind`, 'must be a kind of support in offered');
      if (seen.has(taken.kind)) throw invalidField(`/takenUp/${i}/kind`, 'lists a kind of support twice');
      if (taken.at > today) throw invalidField(`/takenUp/${i}/at`, 'must not be in the future');
      seen.add(taken.kind);
    }
    return this.change(actor, planId, expectedVersion, (relatives) => replace(relatives, relativeId, (r) => ({ ...r, support })));
  }

  async propose(
    actor: Actor,
    planId: string,
    expectedVersion: number,
    relativeId: string,
    input: NewCommitment,
  ): Promise<{ plan: PlanView; commitmentId: string }> {
    if (input.until && input.until < input.from) throw invalidField('/until', 'must not be before from');
    if (input.reviewDate < input.from) throw invalidField('/reviewDate', 'must not be before from');
    const commitmentId = randomUUID();
    const plan = await this.change(
      actor,
      planId,
      expectedVersion,
      (relatives) =>
      replace(relatives, relativeId, (r) => {
        const commitments = r.commitments ?? [];
        if (commitments.length >= 100) throw new ProblemError('conflict', 'This relative has too many commitments on record');
        const { comment, ...fields } = input;
        const commitment: Commitment = dropUndefined({
          ...fields,
          id: commitmentId,
          history: [this.event(actor, 'requested', comment)],
        }) as Commitment;
        return { ...r, commitments: [...commitments, commitment] };
      }),
      'commitment.propose',
      (relatives) => {
        const relative = relatives.find((r) => r.id === relativeId);
        return { child: relative !== undefined && isChildOn(relative, this.now()) };
      },
      [{ path: '/param/relativeId', message: '' }],
    );
    return { plan, commitmentId };
  }

  cancel(actor: Actor, planId: string, expectedVersion: number, relativeId: string, commitmentId: string, comment?: string): Promise<PlanView> {
    return this.change(actor, planId, expectedVersion, (relatives) =>
      replace(relatives, relativeId, (r) => {
        const commitments = r.commitments ?? [];
        const target = commitments.find((c) => c.id === commitmentId);
        if (!target) throw new ProblemError('not-found', 'No such commitment for this relative');
        if (!staffMayCancel(target)) throw new ProblemError('conflict', 'The commitment is already cancelled');
        const updated = { ...target, history: [...target.history, this.event(actor, 'cancelled', comment)] };
        return { ...r, commitments: commitments.map((c) => (c.id === commitmentId ? updated : c)) };
      }),
      'commitment.cancel',
    );
  }

  private event(actor: Actor, status: 'requested' | 'cancelled', comment: string | undefined) {
    return {
      at: this.now().toISOString(),
      status,
      by: 'staff' as const,
      ...(comment ? { comment } : {}),
      userId: actor.principal.userId,
      organisationId: actor.principal.organisationId,
    };
  }

  /**
   * What needs attention in the plans the actor's organisation sees (closed plans left out),
   * oldest first: in the relatives sections that have reached it, and every plan whose consent
   * the individual withdrew (both principals re-plan). Each plan on the page is logged as read.
   */
  async worklist(actor: Actor, page: { limit: number; offset: number }): Promise<{ items: WorklistItem[]; total: number }> {
    authorize('worklist.read', actor.principal.role, {});
    const now = this.now();
    const today = now.toISOString().slice(0, 10);
    const mine = alias(planParts, 'mine');
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const rows = await tx
        .select({
          id: plans.id,
          individualId: plans.individualId,
          status: plans.status,
          initiator: plans.initiator,
          consent: plans.consent,
          updatedAt: plans.updatedAt,
          fields: plans.fields,
          content: planParts.content,
          principal: planOrganisations.principal,
          organisationName: mine.organisationName,
        })
        .from(plans)
        .innerJoin(planOrganisations, and(eq(planOrganisations.planId, plans.id), visibleMembership(actor.principal.organisationId)))
        .innerJoin(planParts, and(eq(planParts.planId, plans.id), eq(planParts.kind, RELATIVES_KIND)))
        .leftJoin(mine, and(eq(mine.planId, plans.id), eq(mine.kind, planOrganisations.principal)))
        .where(ne(plans.status, 'closed'));
      const items = rows.flatMap((row) => {
        const fields = row.fields as PlanFields;
        const consent = (row.consent as IndividualConsent | null) ?? null;
        // The plan as a whole: a withdrawn consent, or one that ran out while the plan is in force.
        const expired = consentState(consent, now) === 'expired' && (row.status === 'active' || row.status === 'followed_up');
        const planKind = row.status === 'consent_withdrawn' ? 'consent-withdrawn' : expired ? 'consent-expired' : undefined;
        const planItems: WorklistItem[] = planKind
          ? [
              {
                planId: row.id,
                relativeId: null,
                relativeName: null,
                commitmentId: null,
                kind: planKind,
                since: planKind === 'consent-withdrawn' ? (consent?.revokedAt ?? row.updatedAt.toISOString()) : consent!.scope.validUntil!,
                overallResponsibility: fields.overallResponsibility ?? null,
              },
            ]
          : [];
        const organisation = { id: actor.principal.organisationId, name: row.organisationName ?? '' };
        const reached = reaches({ initiator: row.initiator as PlanPrincipal, consent }, row.principal as PlanPrincipal, organisation, now);
        return reached ? [...planItems, ...worklistItems(row.id, fields, relativesOf(row.content), today)] : planItems;
      });
      items.sort((a, b) => a.since.localeCompare(b.since) || a.planId.localeCompare(b.planId) || (a.relativeId ?? '').localeCompare(b.relativeId ?? ''));
      const pageItems = items.slice(page.offset, page.offset + page.limit);
      const listed = new Set(pageItems.map((i) => i.planId));
      await this.plans.logAccess(
        tx,
        actor,
        'worklist.read',
        rows.filter((r) => listed.has(r.id)),
      );
      return { items: pageItems, total: items.length };
    });
  }
}

function worklistItems(planId: string, fields: PlanFields, relatives: StoredRelative[], today: string): WorklistItem[] {
  const names = new Map(relatives.map((r) => [r.id, r.name]));
  return attentionItems(relatives, today)
    .filter((item) => item.open)
    .map((item) => ({
      planId,
      relativeId: item.relativeId,
      relativeName: names.get(item.relativeId) ?? '',
      commitmentId: item.commitmentId,
      kind: item.kind,
      since: item.since,
      overallResponsibility: fields.overallResponsibility ?? null,
    }));
}

/** How many upstream records of relatives removed by staff a section remembers. */
const DISMISSED_MAX = 500;

/** The upstream records of relatives staff removed from the section: sync leaves them out. */
export function dismissedSourcesOf(content: unknown): SourceRef[] {
  return ((content as { dismissedSources?: SourceRef[] } | null)?.dismissedSources ?? []) as SourceRef[];
}

export function relativesOf(content: unknown): StoredRelative[] {
  return ((content as { relatives?: StoredRelative[] } | null)?.relatives ?? []) as StoredRelative[];
}

function find(relatives: StoredRelative[], relativeId: string): StoredRelative {
  const target = relatives.find((r) => r.id === relativeId);
  if (!target) throw noSuchRelative();
  return target;
}

function replace(relatives: StoredRelative[], relativeId: string, change: (r: StoredRelative) => StoredRelative): StoredRelative[] {
  find(relatives, relativeId);
  return relatives.map((r) => (r.id === relativeId ? change(r) : r));
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
