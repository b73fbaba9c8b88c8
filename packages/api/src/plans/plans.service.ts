import { changeTouchesReport, refreshReportFacts } from '../reports/report-facts.ts';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { requestHash } from '../http/idempotency.ts';
import {
  CITIZEN_PREFIX,
  isChildOn,
  consentNames,
  consentState,
  decide,
  parsePersonId,
  crossingTo,
  planFieldWithheld,
  planReaches,
  planTransitions,
  planViewFor,
  reaches,
  reviewDueOn,
  withheldFrom,
  type NamedOrganisation,
  type Operation,
  type CreatePlan,
  type FieldError,
  type IndividualConsent,
  type PartContent,
  type PartContentPatch,
  type PartView,
  type PlanFields,
  type PlanFieldsPatch,
  type PlanStatus,
  type PlanView,
  type Relative,
  type Principal as PlanPrincipal,
  type Situation,
} from '@sip/shared';
import { and, asc, count, desc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { accessLogInsert, accessLogInsertIf, recordAccess, recordAccessCommitted, type AccessAction, type AccessEntry } from '../access-log/access-log.ts';
import { rowsOf } from '../db/rows.ts';
import { executePrepared } from '../db/prepared.ts';
import type { Logger } from '../logger.ts';
import type { WritePath, WritePathObserver } from '../health/metrics.ts';
import { announce } from './announce.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../db/database.ts';
import { idempotencyKeys, outbox, planEvents, planOrganisations, planParts, planRevisions, plans, planSources } from '../db/schema.ts';
import { invalidField, ProblemError } from '../http/errors.ts';
import { findOrganisations } from '../organisations/organisations.ts';
import { authorize, facts, standingOf, visibleMembership } from '../policy/authorize.ts';
import { readSources, sourcesFrom } from './sources.ts';
import { encodeListKey, type ListKey } from './list-cursor.ts';

/**
 * The plan read's statement, prepared once per database: on a server it is parsed and planned
 * once per connection, then each read is one round trip that sends only the ids.
 */
function preparePlanRead(db: Db) {
  return db
    .select({
      plan: plans,
      partsJson: sql<unknown>`(select coalesce(json_agg(pp), '[]'::json) from plan_parts pp where pp.plan_id = ${plans.id})`,
      sourcesJson: sql<unknown>`(select coalesce(json_agg(ps), '[]'::json) from plan_sources ps where ps.plan_id = ${plans.id})`,
      myAccess: planOrganisations.access,
      myPrincipal: planOrganisations.principal,
    })
    .from(plans)
    .leftJoin(planOrganisations, and(eq(planOrganisations.planId, plans.id), eq(planOrganisations.organisationId, sql.placeholder('organisationId'))))
    .where(eq(plans.id, sql.placeholder('planId')))
    .prepare('plan_read');
}

const planReads = new WeakMap<Db, ReturnType<typeof preparePlanRead>>();

function planRead(db: Db): ReturnType<typeof preparePlanRead> {
  let read = planReads.get(db);
  if (!read) planReads.set(db, (read = preparePlanRead(db)));
  return read;
}

export type Staff = Extract<Principal, { kind: 'staff' }>;

/** Who acts, for authorisation and the access log. */
export interface Actor {
  principal: Staff;
  requestId: string | null;
}

/**
 * Who a change or an access is recorded as: a staff {@link Actor}, or a citizen under a
 * pseudonymous user id and the organisation id `citizen`.
 */
export interface Recorder {
  principal: { userId: string; organisationId: string; name?: string };
  requestId: string | null;
}

export type Participant = PlanView['participants'][number];

export type PlanRow = typeof plans.$inferSelect;
export type PartRow = typeof planParts.$inferSelect;

export const PLAN_EVENTS_CHANNEL = 'sip_plan_events';
export const OUTBOX_CHANNEL = 'sip_outbox';

/** The two principals' sides, in the order plans list them. */
export const SIDES = ['region', 'municipality'] as const;

/** `W/"<version>"`: the ETag of a versioned thing. */
export const etag = (version: number) => `W/"${version}"`;

/** Reads the version out of an If-Match value; anything else never matches. */
export function parseIfMatch(header: string): number {
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  return match ? Number(match[1]) : Number.NaN;
}

function withIds<T extends { id?: string | undefined }>(items: T[] | undefined): (T & { id: string })[] | undefined {
  return items?.map((item) => ({ ...item, id: item.id ?? randomUUID() }));
}

/** Gives every list item an id, so later edits and diffs can name it. */
export function normaliseFields(fields: PlanFields): PlanFields {
  return {
    ...fields,
    ...(fields.individualGoals ? { individualGoals: withIds(fields.individualGoals) } : {}),
    ...(fields.needs ? { needs: withIds(fields.needs) } : {}),
    ...(fields.individualOwnActions ? { individualOwnActions: withIds(fields.individualOwnActions) } : {}),
    ...(fields.otherActorMeasures ? { otherActorMeasures: withIds(fields.otherActorMeasures) } : {}),
    ...(fields.meetings ? { meetings: withIds(fields.meetings) } : {}),
  };
}

function normalisePart(content: PartContent): PartContent {
  return {
    ...content,
    ...(content.goals ? { goals: withIds(content.goals) } : {}),
    ...(content.interventions ? { interventions: withIds(content.interventions) } : {}),
  };
}

export function applyPatch<T extends object>(current: T, patch: Record<string, unknown>): T {
  const next = { ...current } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as T;
}

/** A part's update as answered, and the path it took ({@link WritePathObserver}). */
interface PartUpdated {
  view: PlanView;
  path: WritePath;
}

/**
 * Whether a value a change would write (a part's content, a column of the plan) is the value
 * stored: compared as JSON values, as the database keeps them (its own order of keys; a key whose
 * value is undefined is no key). A value JSON cannot hold as it is (a date) never compares equal,
 * so it is always written.
 */
export function sameContent(stored: unknown, next: unknown): boolean {
  return isDeepStrictEqual(stored, JSON.parse(JSON.stringify(next ?? null)));
}

/**
 * Whether a part's content after a change is its content stored ({@link sameContent}), a list
 * with nothing in it being no list: goals sent as `[]` where the part has none, or cleared
 * (`null`) where it has `[]`, change nothing.
 */
function samePart(stored: unknown, next: PartContent): boolean {
  const listed = (content: unknown) =>
    Object.fromEntries(Object.entries((content ?? {}) as Record<string, unknown>).filter(([, value]) => !(Array.isArray(value) && value.length === 0)));
  return sameContent(listed(stored), listed(next));
}

/** The whole plan, as stored: what revisions keep and the publisher cuts for each side. */
export function toView(plan: PlanRow, parts: PartRow[]): PlanView {
  const principalParts = parts
    .filter((p) => p.kind === 'region' || p.kind === 'municipality')
    .sort((a, b) => a.kind.localeCompare(b.kind));
  const relatives = parts.find((p) => p.kind === 'relatives');
  if (!relatives) throw new Error('plan without relatives section');
  const personId = parsePersonId(plan.individualId);
  return {
    id: plan.id,
    status: plan.status as PlanStatus,
    initiator: plan.initiator as PlanPrincipal,
    protectedIdentity: plan.protectedIdentity,
    individual: {
      personId: plan.individualId,
      kind: personId?.kind ?? 'personnummer',
      ...(plan.individualName ? { name: plan.individualName } : {}),
    },
    fields: plan.fields as PlanFields,
    consent: (plan.consent as IndividualConsent | null) ?? null,
    participants: plan.participants as Participant[],
    version: plan.version,
    revision: plan.revision,
    parts: principalParts.map(partView),
    relativesSection: {
      id: relatives.id,
      version: relatives.version,
      relatives: ((relatives.content as { relatives?: unknown[] }).relatives ?? []) as PlanView['relativesSection']['relatives'],
    },
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
  };
}

function partView(p: PartRow): PartView {
  return {
    id: p.id,
    principal: p.kind as PartView['principal'],
    organisation: { id: p.organisationId ?? '', name: p.organisationName ?? '' },
    version: p.version,
    content: p.content as PartContent,
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function stale(current: number, what: string): ProblemError {
  return new ProblemError('precondition-failed', `The ${what} has changed: it is at version ${current}. Read it again and reapply your change.`, {
    headers: { ETag: etag(current) },
  });
}

/** The time of a new revision: now, unless that is not after the previous revision's; then a millisecond after it. */
export function revisionTime(now: Date, previous: Date | undefined): Date {
  return previous && now.getTime() <= previous.getTime() ? new Date(previous.getTime() + 1) : now;
}

/** A plan checked and authorised for creation, with its ids: what {@link PlansService.insertPlan} writes. */
/** One version of a plan in its history: what kind of change made it, who (staff HSA-id and organisation, or the individual or a relative with their e-ID) and when. */
export interface VersionEntry {
  revision: number;
  change: string;
  partId: string | null;
  changedBy: { userId: string; organisationId: string; name: string | null; organisationName: string | null; role: 'staff' | 'individual' | 'relative' };
  changedAt: string;
}

/**
 * Who made a citizen's change, as staff read the history: the individual or a relative of the
 * plan, named as the plan names them now, rather than by a personnummer behind `citizen:`.
 * A relative no longer in the section keeps the name given when the change was made, if any.
 */
function namedCitizens(entries: VersionEntry[], plan: Pick<PlanRow, 'individualId' | 'individualName'>, parts: PartRow[]): VersionEntry[] {
  const section = parts.find((p) => p.kind === 'relatives');
  const relatives = ((section?.content as { relatives?: { personId?: string; name?: string }[] } | undefined)?.relatives ?? []).filter(
    (r): r is { personId: string; name?: string } => typeof r.personId === 'string',
  );
  return entries.map((entry) => {
    if (!entry.changedBy.userId.startsWith(CITIZEN_PREFIX)) return entry;
    const personId = entry.changedBy.userId.slice(CITIZEN_PREFIX.length);
    if (personId === plan.individualId) return { ...entry, changedBy: { ...entry.changedBy, role: 'individual', name: plan.individualName ?? entry.changedBy.name } };
    const relative = relatives.find((r) => r.personId === personId);
    return { ...entry, changedBy: { ...entry.changedBy, role: 'relative', name: relative?.name ?? entry.changedBy.name } };
  });
}

/** The plan's versions, oldest first; with a range, those after `after` up to and including `upTo`. */
async function versionEntries(tx: Db, planId: string, range?: { after: number; upTo: number }): Promise<VersionEntry[]> {
  const rows = await tx
    .select({
      revision: planRevisions.revision,
      change: planRevisions.change,
      partId: planRevisions.partId,
      changedByUser: planRevisions.changedByUser,
      changedByOrganisation: planRevisions.changedByOrganisation,
      changedByName: planRevisions.changedByName,
      changedByOrganisationName: planRevisions.changedByOrganisationName,
      changedAt: planRevisions.changedAt,
    })
    .from(planRevisions)
    .where(
      range
        ? and(eq(planRevisions.planId, planId), gt(planRevisions.revision, range.after), lte(planRevisions.revision, range.upTo))
        : eq(planRevisions.planId, planId),
    )
    .orderBy(asc(planRevisions.revision));
  return rows.map((r) => ({
    revision: r.revision,
    change: r.change,
    partId: r.partId,
    changedBy: {
      userId: r.changedByUser,
      organisationId: r.changedByOrganisation,
      name: r.changedByName,
      organisationName: r.changedByOrganisationName,
      role: 'staff' as const,
    },
    changedAt: r.changedAt.toISOString(),
  }));
}

export interface NewPlan {
  id: string;
  individual: { personId: string; kind: string; name: string | null };
  initiator: PlanPrincipal;
  named: Record<PlanPrincipal, NamedOrganisation>;
  fields: PlanFields;
}

/** An Idempotency-Key sent with a request, and the hash of the request it came with. */
export interface IdempotencyKey {
  key: string;
  requestHash: string;
}

/** The key a request came with, bound to the request: method, path and body (SHA-256). */
export function idempotencyKey(key: string, request: { method: string; path: string; body: unknown }): IdempotencyKey {
  return { key, requestHash: requestHash(request) };
}

/** Whose key: a staff user's, acting for their organisation. */
const keyOwner = (actor: Actor) => `staff:${actor.principal.organisationId}:${actor.principal.userId}`;

const keyReused = () =>
  new ProblemError('validation', 'This Idempotency-Key was used for another request: use a new key for a new request', {
    errors: [{ path: '/header/idempotency-key', message: 'already used for another request' }],
  });

/** A plans row as raw SQL returns it (snake_case), with its parts and sources as JSON. */
interface RawPlanRow {
  id: string;
  individual_id: string;
  individual_id_kind: string;
  individual_name: string | null;
  status: string;
  initiator: string;
  protected_identity: boolean;
  fields: unknown;
  consent: unknown;
  participants: unknown;
  version: number;
  revision: number;
  follow_up_date: string | Date | null;
  review_due_on: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
  parts_json: unknown;
  sources_json: unknown;
  my_access: string | null;
  my_principal: string | null;
}

const asDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
const asJson = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const jsonRows = (v: unknown) => (asJson(v) ?? []) as Record<string, unknown>[];

const dayOfRaw = (v: string | Date | null) => (v === null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function planFromRaw(r: RawPlanRow): PlanRow {
  return {
    id: r.id,
    individualId: r.individual_id,
    individualIdKind: r.individual_id_kind,
    individualName: r.individual_name,
    status: r.status,
    initiator: r.initiator,
    protectedIdentity: r.protected_identity === true,
    fields: asJson(r.fields),
    consent: asJson(r.consent),
    participants: asJson(r.participants),
    version: Number(r.version),
    revision: Number(r.revision),
    followUpDate: dayOfRaw(r.follow_up_date),
    reviewDueOn: dayOfRaw(r.review_due_on),
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
  };
}

function partFromRaw(r: Record<string, unknown>): PartRow {
  return {
    id: r.id as string,
    planId: r.plan_id as string,
    kind: r.kind as string,
    organisationId: (r.organisation_id as string | null) ?? null,
    organisationName: (r.organisation_name as string | null) ?? null,
    content: r.content,
    version: Number(r.version),
    updatedAt: asDate(r.updated_at as string),
  };
}

function sourceFromRaw(r: Record<string, unknown>): typeof planSources.$inferSelect {
  return {
    planId: r.plan_id as string,
    side: r.side as string,
    status: r.status as string,
    reason: (r.reason as string | null) ?? null,
    lastAttemptAt: asDate(r.last_attempt_at as string),
    lastSuccessAt: r.last_success_at ? asDate(r.last_success_at as string) : null,
    patientId: (r.patient_id as string | null) ?? null,
    demographics: r.demographics ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What {@link PlansService.readForChange} reads. */
export interface ChangeRead {
  plan: PlanRow;
  parts: PartRow[];
  /** When the plan's latest revision was made. */
  previousAt: Date | undefined;
  /** The organisation's access to the plan and the principal it is in it, if any. */
  access: string | null;
  principal: string | null;
  /** What an earlier request under the key stored, if any. */
  storedKey: { requestHash: string; status: number; body: unknown } | null;
}

/** What the statement of a change made at once answers. */
export interface PartChangeResult {
  /** The part's new version; null when nothing was written. */
  version: number | null;
  event_id: string | number | null;
  planned: number;
}

/** The actor's standing in a plan: what the policy reads, and which principal they act as. */
export interface Standing {
  standing: NonNullable<Situation['standing']>;
  /** The principal the actor's organisation is in the plan, when it sees it. */
  as: PlanPrincipal | undefined;
  /** The actor's organisation as the plan names it. */
  organisation: NamedOrganisation | undefined;
}

/** The initiator and the consent of a stored plan, as the sharing rules read them. */
const planConsent = (plan: PlanRow) => ({ initiator: plan.initiator as PlanPrincipal, consent: (plan.consent as IndividualConsent | null) ?? null });

/** A plan the actor may see, with their standing in it. */
export interface Situated extends Standing {
  plan: PlanRow;
}

/** The consent's basis, and the check that a child's consent rests on the guardians'. */
function withBasis(consent: IndividualConsent, individualId: string, on: Date): IndividualConsent {
  const child = isChildOn({ personId: individualId }, on);
  if (!child) return { ...consent, basis: 'individual' };
  if (consent.given && !consent.revokedAt) {
    const guardians = consent.guardians ?? [];
    if (guardians.length === 0 || guardians.some((g) => !g.given)) {
      throw invalidField('/guardians', 'the individual is under 18: the consent rests on the guardians, and each guardian recorded must have given it');
    }
  }
  return { ...consent, basis: 'guardians' };
}

/**
 * A consent recorded on a plan, by staff or by the individual: the consent with its basis (a
 * child's rests on the guardians), the status it leaves the plan in (withdrawn, or no longer in
 * force, the plan cannot stay active), and the kind of change it is.
 */
export function consentChange(plan: PlanRow, input: IndividualConsent, now: Date): { type: string; changes: Partial<typeof plans.$inferInsert> } {
  const before = consentState(plan.consent as IndividualConsent | null, now);
  const consent = withBasis(input, plan.individualId, now);
  const state = consentState(consent, now);
  const status = plan.status as PlanStatus;
  // Withdrawn, the plan can no longer be active: it says why until a new consent is recorded.
  const stops = status !== 'closed' && (state === 'withdrawn' ? true : state !== 'in-force' && (status === 'active' || status === 'followed_up'));
  return {
    type: state === 'withdrawn' && before !== 'withdrawn' ? 'consent.withdrawn' : 'consent.updated',
    changes: { consent, ...(stops ? { status: 'consent_withdrawn' } : {}) },
  };
}

/**
 * The SIP's domain logic: lifecycle, versions, the access log and events. Every operation
 * asks the policy (`@sip/shared` `decide`, through {@link authorize}) with the facts it has
 * established; what a principal is shown is cut by the individual's consent ({@link planViewFor}).
 */
export class PlansService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    /** Where a change's failed notification is logged. */
    private readonly logger?: Logger,
    /** Told which path wrote each part change (the metrics). */
    private readonly onWritePath?: WritePathObserver,
  ) {}

  /**
   * Reads a plan and the actor's standing in it (none when it does not exist or the actor's
   * organisation does not see it), optionally locking the plan row for a change.
   */
  async situate(tx: Db, organisationId: string, planId: string, lock = false): Promise<{ plan: PlanRow | undefined } & Standing> {
    const none = { plan: undefined, standing: 'none' as const, as: undefined, organisation: undefined };
    if (!UUID.test(planId)) return none;
    const query = tx
      .select({ plan: plans, access: planOrganisations.access, principal: planOrganisations.principal, name: planParts.organisationName })
      .from(plans)
      .leftJoin(planOrganisations, and(eq(planOrganisations.planId, plans.id), eq(planOrganisations.organisationId, organisationId)))
      .leftJoin(planParts, and(eq(planParts.planId, plans.id), eq(planParts.kind, planOrganisations.principal)))
      .where(eq(plans.id, planId));
    const [row] = lock ? await query.for('update', { of: plans }) : await query;
    if (!row) return none;
    const standing = standingOf(row.access);
    if (standing === 'none') return { ...none, plan: row.plan };
    return { plan: row.plan, standing, as: row.principal as PlanPrincipal, organisation: { id: organisationId, name: row.name ?? '' } };
  }

  /**
   * Situates the actor in the plan and asks the policy for the operation with the facts it
   * reads: the standing, the status, whether the plan has crossed to the actor's organisation,
   * and what `facts` adds. A refusal throws (a 404 revealing nothing when the plan is not theirs).
   */
  async authorized(
    tx: Db,
    actor: Actor,
    planId: string,
    operation: Operation,
    options: { lock?: boolean; facts?: (situated: Situated) => Situation | Promise<Situation>; errors?: FieldError[] } = {},
  ): Promise<Situated> {
    const found = await this.situate(tx, actor.principal.organisationId, planId, options.lock ?? false);
    if (!found.plan || found.standing === 'none') {
      // Who may ask is decided first (403); then the plan is not theirs to see (404).
      authorize(operation, actor.principal.role, { standing: 'none' });
      throw new ProblemError('not-found', 'No such plan');
    }
    const situated: Situated = { ...found, plan: found.plan };
    authorize(operation, actor.principal.role, {
      standing: situated.standing,
      status: situated.plan.status as PlanStatus,
      ...this.sharingFacts(situated.plan, situated),
      ...(await options.facts?.(situated)),
    }, options.errors ? { errors: options.errors } : {});
    return situated;
  }

  /** Whether the plan-level record and the relatives section have crossed to the actor's organisation. */
  private sharingFacts(plan: PlanRow, standing: Standing): Situation {
    if (!standing.as) return { sharedWithMe: false };
    return { sharedWithMe: reaches(planConsent(plan), standing.as, standing.organisation, this.now()) };
  }

  /** What the plan-level record withholds from the actor's organisation, read off the consent. */
  private withheldFor(plan: PlanRow, standing: Standing): string[] {
    if (!standing.as) return [];
    return withheldFrom(crossingTo(planConsent(plan), standing.as, standing.organisation, this.now()));
  }

  /** The plan as it now is, whole, with its sources: for the caller to cut for its reader. */
  async viewOf(tx: Db, planId: string): Promise<PlanView> {
    const [plan] = await tx.select().from(plans).where(eq(plans.id, planId));
    if (!plan) throw new ProblemError('not-found', 'No such plan');
    const view = toView(plan, await this.parts(tx, planId));
    view.sources = await readSources(tx, planId);
    return view;
  }

  /** The plan as staff of the principal `as` may see it today. */
  viewFor(plan: PlanView, as: PlanPrincipal | undefined): PlanView {
    if (!as) throw new Error('viewFor without a principal');
    return planViewFor(plan, as, this.now());
  }

  async parts(tx: Db, planId: string): Promise<PartRow[]> {
    return tx.select().from(planParts).where(eq(planParts.planId, planId));
  }

  private entry(actor: Recorder, action: AccessAction, plan: Pick<PlanRow, 'id' | 'individualId'>): AccessEntry {
    return {
      at: this.now(),
      userId: actor.principal.userId,
      organisationId: actor.principal.organisationId,
      individualId: plan.individualId,
      planId: plan.id,
      action,
      purpose: 'care-coordination',
      requestId: actor.requestId,
    };
  }

  /** Logs an access to each of the given plans, in the caller's transaction. */
  async logAccess(tx: Db, actor: Recorder, action: AccessAction, accessed: Pick<PlanRow, 'id' | 'individualId'>[]): Promise<void> {
    await recordAccess(tx, accessed.map((plan) => this.entry(actor, action, plan)));
  }

  /** The upstream sides the plan may be published to now: the initiator's, and the other while the consent in force names it. */
  sidesReached(plan: Pick<PlanView, 'initiator' | 'consent' | 'parts'>): PlanPrincipal[] {
    return SIDES.filter((side) => decide('upstream.publish', 'broker', { sideReached: planReaches(plan, side, this.now()) }).allowed);
  }

  /**
   * Records a change: raises the plan's revision, keeps the whole plan as it now is, queues
   * the event for live editors, queues publication to each side the plan may reach, and writes
   * the access log, all in the change's transaction. Returns the whole plan: cut it for the reader.
   *
   * The plan row is locked first and the revision's time taken after: revisions of one plan are
   * made one at a time, and their times strictly increase with their numbers (a clock that gives
   * a time not after the previous revision's gives way to that time plus a millisecond).
   */
  async commitChange(
    tx: Db,
    actor: Recorder,
    planId: string,
    change: { type: string; partId: string | null; version: number; action: AccessAction },
  ): Promise<PlanView> {
    // Three statements: the plan's next revision (which locks the row; its time is after the
    // previous revision's), the parts as they are now, and everything the change records.
    const now = this.now();
    const updatedRows = rowsOf<RawPlanRow>(
      await tx.execute(sql`
        update plans set revision = revision + 1,
          updated_at = greatest(${now.toISOString()}::timestamptz,
            (select r.changed_at + interval '1 millisecond' from plan_revisions r where r.plan_id = plans.id and r.revision = plans.revision))
        where id = ${planId}
        returning *, null as parts_json, null as sources_json, null as my_access, null as my_principal`),
    );
    if (!updatedRows[0]) throw new ProblemError('not-found', 'No such plan');
    const plan = planFromRaw(updatedRows[0]);
    const at = plan.updatedAt;
    const parts = await this.parts(tx, planId);
    const relativesPart = parts.find((p) => p.kind === 'relatives');
    const reviewDue = reviewDueOnOf(relativesPart?.content);
    if (changeTouchesReport(change, relativesPart?.id)) await refreshReportFacts(tx, [planId]);
    const view = toView(plan, parts);
    // Published to each side the plan may reach, from the outbox, in order, after this commits:
    // due now by the clock (the revision's own time may be ahead of it).
    const sides = this.sidesReached(view);
    const access = accessLogInsert([this.entry(actor, change.action, plan)]);
    const org = actor.principal.organisationId;
    const outboxRows = sides.map((side) => sql`(${planId}::uuid, ${side}, ${plan.revision}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`);
    // Who, by name, as known now: the name the token gave, the organisation's as the service has it.
    // The event and the outbox are announced at commit; the announcements carry ids only.
    await tx.execute(sql`
      with due as (
        update plans set review_due_on = ${reviewDue}::date where id = ${planId} and review_due_on is distinct from ${reviewDue}::date
      ), revision as (
        insert into plan_revisions (plan_id, revision, change, part_id, changed_by_user, changed_by_organisation, changed_by_name, changed_by_organisation_name, changed_at, snapshot)
        values (${planId}, ${plan.revision}, ${change.type}, ${change.partId}::uuid, ${actor.principal.userId}, ${org}, ${actor.principal.name ?? null},
          (select name from organisations where id = ${org}), ${at.toISOString()}::timestamptz, ${JSON.stringify(view)}::jsonb)
      ), event as (
        insert into plan_events (plan_id, type, part_id, version, revision, organisation_id, at)
        values (${planId}, ${change.type}, ${change.partId}::uuid, ${change.version}, ${plan.revision}, ${org}, ${at.toISOString()}::timestamptz)
        returning id
      ), ${outboxRows.length ? sql`queued as (insert into outbox (plan_id, side, revision, created_at, next_attempt_at) values ${sql.join(outboxRows, sql`, `)}),` : sql``}
      logged as (${access})
      select pg_notify(${PLAN_EVENTS_CHANNEL}, json_build_object('planId', ${planId}::text, 'eventId', (select id from event))::text)
      ${outboxRows.length ? sql`, pg_notify(${OUTBOX_CHANNEL}, ${planId})` : sql``}`);
    return view;
  }

  /**
   * Checks a new plan and whether the actor may create it, and gives it its ids; writes nothing.
   * {@link insertPlan} writes it.
   */
  async prepareCreate(actor: Actor, input: CreatePlan): Promise<NewPlan> {
    const org = actor.principal.organisationId;
    const person = parsePersonId(input.individual.personId);
    if (!person) throw invalidField('/individual/personId', 'invalid');
    const { individual, principals, ...rawFields } = input;
    const known = await findOrganisations(this.db, [principals.region.id, principals.municipality.id]);
    const region = known.get(principals.region.id);
    const municipality = known.get(principals.municipality.id);
    const principalsKnown = region?.kind === 'region' && municipality?.kind === 'municipality';
    authorize(
      'plan.create',
      actor.principal.role,
      { ownOrganisationIsPrincipal: facts.ownOrganisationIsPrincipal(principals, actor.principal), principalsKnown },
      { errors: [{ path: region?.kind === 'region' ? '/principals/municipality/id' : '/principals/region/id', message: '' }] },
    );
    const named = { region: { id: region!.id, name: region!.name }, municipality: { id: municipality!.id, name: municipality!.name } };
    return {
      id: randomUUID(),
      individual: { personId: person.value, kind: person.kind, name: individual.name ?? null },
      initiator: named.region.id === org ? 'region' : 'municipality',
      named,
      fields: normaliseFields(rawFields),
    };
  }

  /**
   * Writes a prepared plan (draft, its two parts and the standing relatives section, only the
   * initiator seeing it) and records its creation, in the caller's transaction. Returns the whole plan.
   */
  async insertPlan(tx: Db, actor: Actor, plan: NewPlan): Promise<PlanView> {
    const { id: planId, named, initiator, fields } = plan;
    const at = this.now();
    const participants: Participant[] = SIDES.map((p) => ({
      id: randomUUID(),
      kind: 'principal',
      name: named[p].name,
      organisationId: named[p].id,
    }));
    await tx.insert(plans).values({
      id: planId,
      individualId: plan.individual.personId,
      individualIdKind: plan.individual.kind,
      individualName: plan.individual.name,
      status: 'draft',
      initiator,
      fields,
      consent: null,
      participants,
      version: 1,
      revision: 0,
      followUpDate: fields.followUp?.date ?? null,
      createdAt: at,
      updatedAt: at,
    });
    await tx.insert(planParts).values([
      ...SIDES.map((kind) => ({
        id: randomUUID(),
        planId,
        kind,
        organisationId: named[kind].id,
        organisationName: named[kind].name,
        content: {},
        version: 1,
        updatedAt: at,
      })),
      { id: randomUUID(), planId, kind: 'relatives', organisationId: null, organisationName: null, content: { relatives: [] }, version: 1, updatedAt: at },
    ]);
    // Until the individual consents, the other principal's staff do not see the plan.
    await tx.insert(planOrganisations).values(
      SIDES.map((kind) => ({ planId, organisationId: named[kind].id, principal: kind, access: kind === initiator ? 'initiator' : 'pending' })),
    );
    return this.commitChange(tx, actor, planId, { type: 'plan.created', partId: null, version: 1, action: 'plan.create' });
  }

  /** Creates a plan, as a draft only the initiating principal sees, in one transaction. */
  async create(actor: Actor, input: CreatePlan): Promise<PlanView> {
    const plan = await this.prepareCreate(actor, input);
    return this.db.transaction(async (txRaw) => {
      const full = await this.insertPlan(txRaw as unknown as Db, actor, plan);
      return this.viewFor(full, plan.initiator);
    });
  }

  /**
   * The plan an earlier create under this Idempotency-Key made, if any (the key is the actor's
   * own); a 422 when the key was used for another request.
   */
  async createdUnderKey(tx: Db, actor: Actor, key: IdempotencyKey): Promise<string | undefined> {
    const [stored] = await tx
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.principalKey, keyOwner(actor)), eq(idempotencyKeys.key, key.key)));
    if (!stored) return undefined;
    if (stored.requestHash !== key.requestHash) throw keyReused();
    return (stored.body as { planId?: string } | null)?.planId;
  }

  /**
   * Claims the Idempotency-Key for the plan about to be created, in the creating transaction (a
   * concurrent create under the same key waits for it). Returns the plan an earlier create under
   * the key made instead, when there was one: then nothing is to be written.
   */
  async claimKeyForCreate(tx: Db, actor: Actor, key: IdempotencyKey, planId: string): Promise<string | undefined> {
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ principalKey: keyOwner(actor), key: key.key, requestHash: key.requestHash, status: 201, body: { planId }, createdAt: this.now() })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length > 0) return undefined;
    const earlier = await this.createdUnderKey(tx, actor, key);
    if (!earlier) throw new ProblemError('conflict', 'A request with this Idempotency-Key is in progress; try again');
    return earlier;
  }

  /**
   * Reads a plan in one statement (plan, parts, sources and the actor's standing), asks the
   * policy, then logs the access; the plan is returned only once the log entry is committed.
   * A document of the plan is the same read, asked and logged as such.
   */
  async get(actor: Actor, planId: string, as: 'plan.read' | 'plan.document' = 'plan.read'): Promise<PlanView> {
    const [row] = UUID.test(planId) ? await planRead(this.db).execute({ planId, organisationId: actor.principal.organisationId }) : [];
    const standing = standingOf(row?.myAccess);
    authorize(as, actor.principal.role, { standing });
    const { plan } = row!;
    const view = toView(plan, jsonRows(row!.partsJson).map(partFromRaw));
    view.sources = sourcesFrom(jsonRows(row!.sourcesJson).map(sourceFromRaw));
    await recordAccessCommitted(this.db, [this.entry(actor, as, plan)]);
    return this.viewFor(view, row!.myPrincipal as PlanPrincipal);
  }

  /**
   * A page of the plans the actor's organisation takes part in, most recently changed first, by
   * the list's key (updated_at, id): the page's keys are found on an index first, then only its
   * plans are read. `after` continues from a page's `next`; `offset` still skips, at the cost of
   * reading what it skips.
   */
  async list(
    actor: Actor,
    query: {
      status?: PlanStatus | undefined;
      followUpDue?: boolean | undefined;
      personId?: string | undefined;
      limit: number;
      offset: number;
      after?: ListKey | undefined;
    },
  ): Promise<{ items: PlanSummary[]; total: number; next: string | null }> {
    authorize('plan.list', actor.principal.role, {});
    const conditions: SQL[] = [visibleMembership(actor.principal.organisationId)];
    if (query.personId) conditions.push(eq(plans.individualId, query.personId));
    if (query.status) conditions.push(eq(plans.status, query.status));
    if (query.followUpDue) {
      const today = this.now().toISOString().slice(0, 10);
      conditions.push(lte(plans.followUpDate, today), inArray(plans.status, ['active', 'followed_up']));
    }
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const where = and(...conditions);
      const after = query.after ? sql`(${plans.updatedAt}, ${plans.id}) < (${query.after.at}::timestamptz, ${query.after.id}::uuid)` : undefined;
      // The page's keys, one more than asked to know whether a page follows.
      const keys = await tx
        .select({ id: plans.id, at: sql<string>`to_char(${plans.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
        .from(plans)
        .innerJoin(planOrganisations, eq(planOrganisations.planId, plans.id))
        .where(after ? and(where, after) : where)
        .orderBy(desc(plans.updatedAt), desc(plans.id))
        .limit(query.limit + 1)
        .offset(query.offset);
      const onPage = keys.slice(0, query.limit);
      const last = onPage.at(-1);
      const next = keys.length > query.limit && last ? encodeListKey({ at: last.at, id: last.id }) : null;
      const rows = onPage.length
        ? await tx
            .select({ plan: plans, principal: planOrganisations.principal, name: planParts.organisationName })
            .from(plans)
            .innerJoin(planOrganisations, eq(planOrganisations.planId, plans.id))
            .leftJoin(planParts, and(eq(planParts.planId, plans.id), eq(planParts.kind, planOrganisations.principal)))
            .where(and(visibleMembership(actor.principal.organisationId), inArray(plans.id, onPage.map((k) => k.id))))
            .orderBy(desc(plans.updatedAt), desc(plans.id))
        : [];
      const [total] = await tx
        .select({ n: count() })
        .from(plans)
        .innerJoin(planOrganisations, eq(planOrganisations.planId, plans.id))
        .where(where);
      await recordAccess(
        tx,
        rows.map(({ plan }) => this.entry(actor, 'plan.list', plan)),
      );
      return {
        items: rows.map(({ plan, principal, name }) => {
          const fields = plan.fields as PlanFields;
          // The title and follow-up date are the initiator's: shown to the other principal only as the consent lets them cross.
          const withheld = this.withheldFor(plan, { standing: 'member', as: principal as PlanPrincipal, organisation: { id: actor.principal.organisationId, name: name ?? '' } });
          return {
            id: plan.id,
            status: plan.status as PlanStatus,
            individual: { personId: plan.individualId, ...(plan.individualName ? { name: plan.individualName } : {}) },
            title: planFieldWithheld(withheld, 'title') ? null : (fields.title ?? null),
            followUpDate: planFieldWithheld(withheld, 'followUp') ? null : (plan.followUpDate ?? null),
            version: plan.version,
            revision: plan.revision,
            updatedAt: plan.updatedAt.toISOString(),
          };
        }),
        total: Number(total?.n ?? 0),
        next,
      };
    });
  }

  /** Applies a change to the plan-level record under If-Match, as one transaction. */
  private async changePlan(
    actor: Actor,
    planId: string,
    expectedVersion: number,
    operation: 'plan.update' | 'consent.update' | 'participants.update' | 'status.change',
    type: string | ((plan: PlanRow) => string),
    action: AccessAction,
    mutate: (plan: PlanRow, as: PlanPrincipal) => Partial<typeof plans.$inferInsert>,
    facts?: (situated: Situated) => Situation,
  ): Promise<PlanView> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan, as } = await this.authorized(tx, actor, planId, operation, { lock: true, ...(facts ? { facts } : {}) });
      if (plan.version !== expectedVersion) throw stale(plan.version, 'plan');
      const changeType = typeof type === 'function' ? type(plan) : type;
      const full = await this.writePlanRecord(tx, actor, plan, changeType, action, mutate(plan, as!));
      return this.viewFor(full, as);
    });
  }

  /**
   * The answer to a change that leaves what it changes as it is, in its transaction: the plan as
   * it is (the row read under its lock), and the access logged; nothing else is written.
   */
  async unchanged(tx: Db, recorder: Recorder, action: AccessAction, plan: PlanRow): Promise<PlanView> {
    await recordAccess(tx, [this.entry(recorder, action, plan)]);
    return toView(plan, await this.parts(tx, plan.id));
  }

  /**
   * Writes a change of the plan-level record, on the version read (the plan row locked by the
   * caller, who checked it and the policy): the version raised, the other principal's access
   * following a consent, and the change committed ({@link commitChange}). Staff and the
   * individual's own changes both come through here. Returns the whole plan. A change that
   * leaves the record as it is writes nothing but its access: the plan keeps its version.
   */
  async writePlanRecord(
    tx: Db,
    recorder: Recorder,
    plan: PlanRow,
    type: string,
    action: AccessAction,
    changes: Partial<typeof plans.$inferInsert>,
  ): Promise<PlanView> {
    if (Object.entries(changes).every(([key, value]) => sameContent(plan[key as keyof PlanRow] ?? null, value))) return this.unchanged(tx, recorder, action, plan);
    const [updated] = await tx
      .update(plans)
      .set({ ...changes, version: plan.version + 1 })
      .where(and(eq(plans.id, plan.id), eq(plans.version, plan.version)))
      .returning();
    if (!updated) throw stale(plan.version + 1, 'plan');
    if (changes.consent !== undefined) await this.updateMembership(tx, updated);
    return this.commitChange(tx, recorder, plan.id, { type, partId: null, version: updated.version, action });
  }

  /** The other principal knows of the plan exactly while the individual's consent (in any state) names it. */
  private async updateMembership(tx: Db, plan: PlanRow) {
    const parts = await tx
      .select({ kind: planParts.kind, organisationId: planParts.organisationId, organisationName: planParts.organisationName })
      .from(planParts)
      .where(and(eq(planParts.planId, plan.id), inArray(planParts.kind, [...SIDES])));
    for (const part of parts) {
      if (part.kind === plan.initiator || !part.organisationId) continue;
      const named = consentNames(plan.consent as IndividualConsent | null, { id: part.organisationId, name: part.organisationName ?? '' });
      await tx
        .update(planOrganisations)
        .set({ access: named ? 'member' : 'pending' })
        .where(and(eq(planOrganisations.planId, plan.id), eq(planOrganisations.organisationId, part.organisationId)));
    }
  }

  updateFields(actor: Actor, planId: string, expectedVersion: number, patch: PlanFieldsPatch): Promise<PlanView> {
    const keys = Object.entries(patch)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k as keyof PlanFields);
    return this.changePlan(
      actor,
      planId,
      expectedVersion,
      'plan.update',
      'plan.updated',
      'plan.update',
      (plan, as) => {
        const current = plan.fields as PlanFields;
        const next = applyPatch(current, patch as Record<string, unknown>);
        // Items the consent keeps from this editor stay as they were: a list they replace keeps them.
        if (plan.initiator !== as) keepExcluded(current, next, plan.consent as IndividualConsent | null);
        const fields = normaliseFields(next);
        return { fields, followUpDate: fields.followUp?.date ?? null };
      },
      (situated) => {
        const withheld = this.withheldFor(situated.plan, situated);
        return { touchesWithheld: keys.some((key) => planFieldWithheld(withheld, key)) };
      },
    );
  }

  setConsent(actor: Actor, planId: string, expectedVersion: number, input: IndividualConsent): Promise<PlanView> {
    const now = this.now();
    // Only the individual's own e-ID records a consent as theirs: staff cannot say so.
    const { recordedWith: _notStaffs, ...recorded } = input;
    return this.changePlan(
      actor,
      planId,
      expectedVersion,
      'consent.update',
      (plan) => consentChange(plan, recorded, now).type,
      'consent.update',
      (plan) => consentChange(plan, recorded, now).changes,
    );
  }

  addParticipant(actor: Actor, planId: string, expectedVersion: number, participant: Omit<Participant, 'id'> & { id?: string | undefined }) {
    return this.changePlan(actor, planId, expectedVersion, 'participants.update', 'participants.updated', 'participants.update', (plan) => {
      const current = plan.participants as Participant[];
      const id = participant.id ?? randomUUID();
      if (current.some((p) => p.id === id)) {
        throw new ProblemError('conflict', `A participant with id '${id}' is already in the plan`);
      }
      return { participants: [...current, { ...participant, id }] };
    });
  }

  removeParticipant(actor: Actor, planId: string, expectedVersion: number, participantId: string) {
    return this.changePlan(actor, planId, expectedVersion, 'participants.update', 'participants.updated', 'participants.update', (plan) => {
      const current = plan.participants as Participant[];
      const target = current.find((p) => p.id === participantId);
      if (!target) throw new ProblemError('not-found', 'No such participant in this plan');
      if (target.kind === 'principal') {
        throw new ProblemError('conflict', 'A principal cannot be removed from its own SIP');
      }
      return { participants: current.filter((p) => p.id !== participantId) };
    });
  }

  changeStatus(actor: Actor, planId: string, expectedVersion: number, status: PlanStatus): Promise<PlanView> {
    return this.changePlan(actor, planId, expectedVersion, 'status.change', 'status.changed', 'status.update', (plan) => {
      const from = plan.status as PlanStatus;
      if (status === 'consent_withdrawn') {
        throw new ProblemError('conflict', 'A plan becomes consent_withdrawn when the withdrawal of the consent is recorded (PUT …/consent), not by asking');
      }
      if (!planTransitions[from].includes(status)) {
        const allowed = planTransitions[from];
        throw new ProblemError(
          'conflict',
          `A plan that is ${from} cannot become ${status}${allowed.length ? `; it can become ${allowed.join(' or ')}` : ''}`,
        );
      }
      if (status === 'active') {
        const consent = plan.consent as IndividualConsent | null;
        const fields = plan.fields as PlanFields;
        const missing: { path: string; message: string }[] = [];
        const state = consentState(consent, this.now());
        if (state !== 'in-force') {
          missing.push({ path: '/consent', message: state === 'expired' ? 'the individual’s consent has expired' : 'the individual has not consented to the SIP' });
        }
        if (!fields.overallResponsibility) missing.push({ path: '/fields/overallResponsibility', message: 'no principal has overall responsibility' });
        if (missing.length) {
          throw new ProblemError('conflict', `The plan cannot become active: ${missing.map((m) => m.message).join('; ')}`, { errors: missing });
        }
      }
      return { status };
    });
  }

  async getPart(actor: Actor, planId: string, partId: string): Promise<PartView> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan, as } = await this.authorized(tx, actor, planId, 'part.read');
      const part = await this.findPart(tx, planId, partId);
      await recordAccess(tx, [this.entry(actor, 'part.read', plan)]);
      const full = toView(plan, [part, ...(await this.parts(tx, planId)).filter((p) => p.kind === 'relatives')]);
      // By the stored id: a UUID is the same in any case, and the id asked for may be upper-case.
      return this.viewFor(full, as).parts.find((p) => p.id === part.id)!;
    });
  }

  private async findPart(tx: Db, planId: string, partId: string): Promise<PartRow> {
    if (!UUID.test(partId)) throw new ProblemError('not-found', 'No such part in this plan');
    const [part] = await tx
      .select()
      .from(planParts)
      .where(and(eq(planParts.id, partId), eq(planParts.planId, planId), inArray(planParts.kind, [...SIDES])));
    if (!part) throw new ProblemError('not-found', 'No such part in this plan');
    return part;
  }

  /**
   * Changes a principal's part on its version. The change is one read and one statement: the
   * plan, its parts and the actor's standing read without a lock, the policy asked, and then
   * the part, the plan's revision, the version kept in the history, the event, the outbox and
   * the access log written in one statement that holds only if nothing in the plan changed
   * since the read (its revision). Its notifications are sent once it has committed. Anything
   * else (no such plan or part, a refusal, a stale version, a change in between) takes the
   * locked path, which answers as it always has. A change that leaves the part as it is (the
   * same content sent again) writes nothing but its access: the part keeps its version, the plan
   * its revision, and nothing is published.
   */
  async updatePart(actor: Actor, planId: string, partId: string, expectedVersion: number, patch: PartContentPatch): Promise<PlanView> {
    const done =
      (await this.updatePartAtOnce(actor, planId, partId, expectedVersion, patch)) ??
      (await this.updatePartLocked(actor, planId, partId, expectedVersion, patch));
    this.onWritePath?.('part.update', done.path);
    return done.view;
  }

  /** {@link updatePart} in one read and one statement, or undefined when it must take the locked path. */
  private async updatePartAtOnce(actor: Actor, planId: string, partId: string, expectedVersion: number, patch: PartContentPatch): Promise<PartUpdated | undefined> {
    if (!UUID.test(partId)) return undefined;
    const org = actor.principal.organisationId;
    const read = await this.readForChange(planId, org);
    if (!read) return undefined;
    const { plan, parts } = read;
    const standing = standingOf(read.access);
    const part = parts.find((p) => p.id === partId.toLowerCase() && (SIDES as readonly string[]).includes(p.kind));
    if (standing === 'none' || !part || part.version !== expectedVersion) return undefined;
    const as = read.principal as PlanPrincipal;
    const organisation = { id: org, name: parts.find((p) => p.kind === as)?.organisationName ?? '' };
    const decision = decide('part.update', actor.principal.role, {
      standing,
      status: plan.status as PlanStatus,
      ...this.sharingFacts(plan, { standing, as, organisation }),
      ownPart: facts.ownPart(part, actor.principal),
    });
    if (!decision.allowed) return undefined;
    const content = normalisePart(applyPatch(part.content as PartContent, patch as Record<string, unknown>));
    if (samePart(part.content, content)) {
      // Nothing to change: no revision, no event, nothing to publish; the read is logged.
      await recordAccessCommitted(this.db, [this.entry(actor, 'part.update', plan)]);
      return { view: this.viewFor(toView(plan, parts), as), path: 'unchanged' };
    }
    const change = this.partChange(actor, read, { part, content, type: 'part.updated', action: 'part.update', now: this.now() });
    const [result] = await executePrepared<PartChangeResult>(this.db, 'part-update', change.statement);
    if (!result || result.version === null) return undefined;
    this.announceChange(planId, result, change.sides);
    return { view: this.viewFor(change.view, as), path: 'at-once' };
  }

  /**
   * What a change made at once reads first, in one statement and without a lock: the plan, its
   * parts, the time of its latest revision, the standing of an organisation in it, and what an
   * earlier request under an Idempotency-Key stored. Undefined when there is no such plan.
   */
  async readForChange(planId: string, organisationId: string, key?: { owner: string; key: string }): Promise<ChangeRead | undefined> {
    if (!UUID.test(planId)) return undefined;
    const [row] = await executePrepared<RawPlanRow & { previous_at: string | Date | null; stored_key: unknown }>(
      this.db,
      'change-read',
      sql`
        select p.*,
          (select coalesce(json_agg(pp), '[]'::json) from plan_parts pp where pp.plan_id = p.id) as parts_json,
          null as sources_json, po.access as my_access, po.principal as my_principal,
          (select r.changed_at from plan_revisions r where r.plan_id = p.id and r.revision = p.revision) as previous_at,
          (select json_build_object('requestHash', k.request_hash, 'status', k.status, 'body', k.body) from idempotency_keys k
            where k.principal_key = ${key?.owner ?? null}::text and k.key = ${key?.key ?? null}::text) as stored_key
        from plans p
        left join plan_organisations po on po.plan_id = p.id and po.organisation_id = ${organisationId}::text
        where p.id = ${planId}::uuid`,
    );
    if (!row) return undefined;
    return {
      plan: planFromRaw(row),
      parts: jsonRows(row.parts_json).map(partFromRaw),
      previousAt: row.previous_at === null ? undefined : asDate(row.previous_at),
      access: row.my_access,
      principal: row.my_principal,
      storedKey: (asJson(row.stored_key) as ChangeRead['storedKey']) ?? null,
    };
  }

  /**
   * The single statement of a change of one part made at once, on what {@link readForChange}
   * read: the plan's next revision (only if its revision and version are still those read,
   * and only if `first`, a CTE named so, gave a row), the part on its version, the version kept
   * in the history, the event, the outbox and the access log. With the whole plan as it now is
   * and the sides it is published to. Its result ({@link PartChangeResult}) has a null version
   * when nothing was written because of a change in between.
   */
  partChange(
    recorder: Recorder,
    read: ChangeRead,
    change: { part: PartRow; content: unknown; type: string; action: AccessAction; now: Date; first?: SQL },
  ): { statement: SQL; view: PlanView; sides: PlanPrincipal[] } {
    const { plan, parts } = read;
    const { part, content, now } = change;
    const planId = plan.id;
    const org = recorder.principal.organisationId;
    const at = revisionTime(now, read.previousAt);
    const revision = plan.revision + 1;
    const nextParts = parts.map((p) => (p.id === part.id ? { ...part, content, version: part.version + 1, updatedAt: now } : p));
    const view = toView({ ...plan, revision, updatedAt: at }, nextParts);
    const relativesPart = nextParts.find((p) => p.kind === 'relatives');
    const reviewDue = reviewDueOnOf(relativesPart?.content);
    const sides = this.sidesReached(view);
    const logged = accessLogInsertIf([this.entry(recorder, change.action, plan)], sql`exists (select 1 from changed)`);
    const statement = sql`
      with ${change.first ? sql`first as (${change.first}), ` : sql``}planned as (
        update plans set revision = revision + 1, updated_at = ${at.toISOString()}::timestamptz, review_due_on = ${reviewDue}::date
        where id = ${planId}::uuid and revision = ${plan.revision}::int and version = ${plan.version}::int
          ${change.first ? sql`and exists (select 1 from first)` : sql``}
        returning id
      ), changed as (
        update plan_parts set content = ${JSON.stringify(content)}::jsonb, version = version + 1, updated_at = ${now.toISOString()}::timestamptz
        where id = ${part.id}::uuid and version = ${part.version}::int and exists (select 1 from planned)
        returning version
      ), revision as (
        insert into plan_revisions (plan_id, revision, change, part_id, changed_by_user, changed_by_organisation, changed_by_name, changed_by_organisation_name, changed_at, snapshot)
        select ${planId}::uuid, ${revision}::int, ${change.type}::text, ${part.id}::uuid, ${recorder.principal.userId}::text, ${org}::text, ${recorder.principal.name ?? null}::text,
          (select name from organisations where id = ${org}::text), ${at.toISOString()}::timestamptz, ${JSON.stringify(view)}::jsonb
        from changed
      ), event as (
        insert into plan_events (plan_id, type, part_id, version, revision, organisation_id, at)
        select ${planId}::uuid, ${change.type}::text, ${part.id}::uuid, changed.version, ${revision}::int, ${org}::text, ${at.toISOString()}::timestamptz
        from changed
        returning id
      ), queued as (
        insert into outbox (plan_id, side, revision, created_at, next_attempt_at)
        select ${planId}::uuid, side.value, ${revision}::int, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from changed, json_array_elements_text(${JSON.stringify(sides)}::json) as side(value)
      ), logged as (${logged})
      select (select version from changed) as version, (select id from event) as event_id,
        -- The plan is changed only with its part (every change of a part raises the plan's
        -- revision under the plan's lock): were it not, the statement fails and writes nothing.
        (select count(*)::int from planned) / (case when exists (select 1 from planned) and not exists (select 1 from changed) then 0 else 1 end) as planned`;
    return { statement, view, sides };
  }

  /** Wakes live editors and the outbox worker, once a change made at once has committed. */
  announceChange(planId: string, result: PartChangeResult, sides: readonly PlanPrincipal[]): void {
    void announce(
      this.db,
      [
        { channel: PLAN_EVENTS_CHANNEL, payload: JSON.stringify({ planId, eventId: Number(result.event_id) }) },
        ...(sides.length ? [{ channel: OUTBOX_CHANNEL, payload: planId }] : []),
      ],
      this.logger,
    );
  }

  /** {@link updatePart} in a transaction that locks the plan row first. */
  private async updatePartLocked(actor: Actor, planId: string, partId: string, expectedVersion: number, patch: PartContentPatch): Promise<PartUpdated> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      // The plan row is locked first, as every change of the plan locks it: one order, no deadlock.
      const found = await this.situate(tx, actor.principal.organisationId, planId, true);
      // The part is looked up only in a plan the actor may see: a 404 otherwise reveals nothing.
      const part = found.standing === 'none' ? undefined : await this.findPart(tx, planId, partId);
      const { plan, as } = await this.authorized(tx, actor, planId, 'part.update', {
        facts: () => ({ ownPart: facts.ownPart(part, actor.principal) }),
      });
      if (!part) throw new ProblemError('not-found', 'No such part in this plan');
      if (part.version !== expectedVersion) throw stale(part.version, 'part');
      const content = normalisePart(applyPatch(part.content as PartContent, patch as Record<string, unknown>));
      if (samePart(part.content, content)) return { view: this.viewFor(await this.unchanged(tx, actor, 'part.update', plan), as), path: 'unchanged' };
      const [updated] = await tx
        .update(planParts)
        .set({ content, version: sql`${planParts.version} + 1`, updatedAt: this.now() })
        .where(and(eq(planParts.id, partId), eq(planParts.version, expectedVersion)))
        .returning({ version: planParts.version });
      if (!updated) {
        const [current] = await tx.select({ version: planParts.version }).from(planParts).where(eq(planParts.id, partId));
        throw stale(current?.version ?? part.version, 'part');
      }
      const full = await this.commitChange(tx, actor, planId, { type: 'part.updated', partId, version: updated.version, action: 'part.update' });
      return { view: this.viewFor(full, as), path: 'locked' };
    });
  }

  async versions(actor: Actor, planId: string) {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan } = await this.authorized(tx, actor, planId, 'versions.read');
      const entries = namedCitizens(await versionEntries(tx, planId), plan, await this.parts(tx, planId));
      await recordAccess(tx, [this.entry(actor, 'versions.read', plan)]);
      return entries;
    });
  }

  /**
   * What changed between two versions: the plan at each, as {@link snapshots} gives them, and the
   * versions the change spans (after the older, up to and including the newer), each with who
   * made it and when. One read of the history, logged once.
   */
  async diff(actor: Actor, planId: string, from: number, to: number): Promise<{ snapshots: Map<number, PlanView>; versions: VersionEntry[] }> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const snapshots = await this.snapshotsIn(tx, actor, planId, [from, to]);
      const [plan] = await tx.select({ individualId: plans.individualId, individualName: plans.individualName }).from(plans).where(eq(plans.id, planId));
      const entries = await versionEntries(tx, planId, { after: Math.min(from, to), upTo: Math.max(from, to) });
      const versions = namedCitizens(entries, plan!, await this.parts(tx, planId));
      return { snapshots, versions };
    });
  }

  /**
   * The plan as it was at each of the given revisions, as the actor's organisation may see it:
   * cut by the consent then and the consent now, so a withdrawal also closes the history.
   */
  async snapshots(actor: Actor, planId: string, revisions: number[]): Promise<Map<number, PlanView>> {
    return this.db.transaction(async (txRaw) => this.snapshotsIn(txRaw as unknown as Db, actor, planId, revisions));
  }

  private async snapshotsIn(tx: Db, actor: Actor, planId: string, revisions: number[]): Promise<Map<number, PlanView>> {
    const { plan, as } = await this.authorized(tx, actor, planId, 'versions.read');
      const rows = await tx
        .select({ revision: planRevisions.revision, snapshot: planRevisions.snapshot })
        .from(planRevisions)
        .where(and(eq(planRevisions.planId, planId), inArray(planRevisions.revision, revisions)));
      const found = new Map(rows.map((r) => [r.revision, r.snapshot as PlanView]));
      const missing = revisions.filter((r) => !found.has(r));
      if (missing.length) throw new ProblemError('not-found', `No version ${missing.join(', ')} of this plan`);
      await recordAccess(tx, [this.entry(actor, 'versions.read', plan)]);
      const consentNow = (plan.consent as IndividualConsent | null) ?? null;
      return new Map(
        [...found].map(([revision, snapshot]) => {
          const whole: PlanView = { ...snapshot, initiator: snapshot.initiator ?? (plan.initiator as PlanPrincipal), protectedIdentity: snapshot.protectedIdentity ?? false };
          return [revision, planViewFor(whole, as!, this.now(), consentNow)];
        }),
      );
  }

  /** Checks that the actor may follow the plan's live events; logs the access. */
  async authorizeEvents(actor: Actor, planId: string): Promise<void> {
    await this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan } = await this.authorized(tx, actor, planId, 'events.read');
      await recordAccess(tx, [this.entry(actor, 'events.read', plan)]);
    });
  }

  /**
   * Reads the plan a principal's part or the relatives section belongs to, as {@link get} does:
   * a 404 that reveals nothing unless the actor's organisation sees the plan, and the read logged.
   */
  async getByPart(actor: Actor, partId: string): Promise<PlanView> {
    const [row] = UUID.test(partId) ? await this.db.select({ planId: planParts.planId }).from(planParts).where(eq(planParts.id, partId)) : [];
    return this.get(actor, row?.planId ?? 'none');
  }

  /**
   * The plans of one individual (personnummer or samordningsnummer, 12 digits) that the actor's
   * organisation sees, most recently changed first, each as it may see it; each is logged as read.
   */
  async findByIndividual(actor: Actor, personId: string, limit = 100): Promise<PlanView[]> {
    authorize('plan.list', actor.principal.role, {});
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const rows = await tx
        .select({ plan: plans, principal: planOrganisations.principal })
        .from(plans)
        .innerJoin(planOrganisations, and(eq(planOrganisations.planId, plans.id), visibleMembership(actor.principal.organisationId)))
        .where(eq(plans.individualId, personId))
        .orderBy(desc(plans.updatedAt), asc(plans.id))
        .limit(limit);
      if (rows.length === 0) return [];
      const parts = await tx
        .select()
        .from(planParts)
        .where(inArray(planParts.planId, rows.map(({ plan }) => plan.id)));
      await recordAccess(
        tx,
        rows.map(({ plan }) => this.entry(actor, 'plan.read', plan)),
      );
      return rows.map(({ plan, principal }) => this.viewFor(toView(plan, parts.filter((p) => p.planId === plan.id)), principal as PlanPrincipal));
    });
  }
}

/** Puts back the items of the plan-level lists the consent excludes, which the editor could not see. */
function keepExcluded(current: PlanFields, next: PlanFields, consent: IndividualConsent | null) {
  const excluded = new Set(consent?.scope.excludedItems ?? []);
  if (excluded.size === 0) return;
  for (const key of ['individualGoals', 'needs', 'individualOwnActions', 'otherActorMeasures', 'meetings'] as const) {
    const kept = ((current[key] ?? []) as { id?: string }[]).filter((item) => item.id && excluded.has(item.id));
    if (kept.length === 0 || next[key] === undefined) continue;
    const ids = new Set(((next[key] ?? []) as { id?: string }[]).map((i) => i.id));
    (next as Record<string, unknown>)[key] = [...((next[key] ?? []) as unknown[]), ...kept.filter((k) => !ids.has(k.id))];
  }
}

export interface PlanSummary {
  id: string;
  status: PlanStatus;
  individual: { personId: string; name?: string };
  title: string | null;
  followUpDate: string | null;
  version: number;
  revision: number;
  updatedAt: string;
}

/** The earliest review date in force in a relatives section's content (none without one). */
function reviewDueOnOf(content: unknown): string | null {
  return reviewDueOn((content as { relatives?: Relative[] } | null | undefined)?.relatives ?? []);
}
