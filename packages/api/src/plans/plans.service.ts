import { randomUUID } from 'node:crypto';
import {
  parsePersonId,
  planTransitions,
  type CreatePlan,
  type IndividualConsent,
  type PartContent,
  type PartContentPatch,
  type PartView,
  type PlanFields,
  type PlanFieldsPatch,
  type PlanStatus,
  type PlanView,
} from '@sip/shared';
import { and, asc, count, desc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { recordAccess, recordAccessCommitted, type AccessAction, type AccessEntry } from '../access-log/access-log.ts';
import { rowsOf } from '../db/rows.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../db/database.ts';
import { outbox, planEvents, planOrganisations, planParts, planRevisions, plans, planSources } from '../db/schema.ts';
import { ProblemError } from '../http/errors.ts';
import { readSources, sourcesFrom } from './sources.ts';

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
  principal: { userId: string; organisationId: string };
  requestId: string | null;
}

export type Participant = PlanView['participants'][number];

type PlanRow = typeof plans.$inferSelect;
type PartRow = typeof planParts.$inferSelect;

export const PLAN_EVENTS_CHANNEL = 'sip_plan_events';
export const OUTBOX_CHANNEL = 'sip_outbox';

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
function normaliseFields(fields: PlanFields): PlanFields {
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

function applyPatch<T extends object>(current: T, patch: Record<string, unknown>): T {
  const next = { ...current } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as T;
}

function toView(plan: PlanRow, parts: PartRow[]): PlanView {
  const principalParts = parts
    .filter((p) => p.kind === 'region' || p.kind === 'municipality')
    .sort((a, b) => a.kind.localeCompare(b.kind));
  const relatives = parts.find((p) => p.kind === 'relatives');
  if (!relatives) throw new Error('plan without relatives section');
  const personId = parsePersonId(plan.individualId);
  return {
    id: plan.id,
    status: plan.status as PlanStatus,
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

export function refuseAuditor(actor: Actor) {
  if (actor.principal.role === 'auditor') {
    throw new ProblemError('forbidden', 'Auditors follow up the access log; they do not read or edit plans');
  }
}

function requireCoordinator(actor: Actor) {
  if (actor.principal.role !== 'coordinator') {
    throw new ProblemError('forbidden', 'Only a SIP coordinator edits the plan-level fields, consent, participants and status');
  }
}

function notFound(): ProblemError {
  return new ProblemError('not-found', 'No such plan');
}

export function stale(current: number, what: string): ProblemError {
  return new ProblemError('precondition-failed', `The ${what} has changed: it is at version ${current}. Read it again and reapply your change.`, {
    headers: { ETag: etag(current) },
  });
}

/** A plans row as raw SQL returns it (snake_case), with its parts and sources as JSON. */
interface RawPlanRow {
  id: string;
  individual_id: string;
  individual_id_kind: string;
  individual_name: string | null;
  status: string;
  fields: unknown;
  consent: unknown;
  participants: unknown;
  version: number;
  revision: number;
  follow_up_date: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
  parts_json: unknown;
  sources_json: unknown;
}

const asDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
const asJson = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const jsonRows = (v: unknown) => (asJson(v) ?? []) as Record<string, unknown>[];

function planFromRaw(r: RawPlanRow): PlanRow {
  const followUp = r.follow_up_date;
  return {
    id: r.id,
    individualId: r.individual_id,
    individualIdKind: r.individual_id_kind,
    individualName: r.individual_name,
    status: r.status,
    fields: asJson(r.fields),
    consent: asJson(r.consent),
    participants: asJson(r.participants),
    version: Number(r.version),
    revision: Number(r.revision),
    followUpDate: followUp === null ? null : followUp instanceof Date ? followUp.toISOString().slice(0, 10) : String(followUp).slice(0, 10),
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

/** The SIP's domain logic: authorisation, lifecycle, versions, the access log and events. */
export class PlansService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** Loads a plan the actor's organisation takes part in; anything else is a 404 that reveals nothing. */
  async load(tx: Db, actor: Actor, planId: string, lock = false): Promise<PlanRow> {
    if (!UUID.test(planId)) throw notFound();
    const query = tx
      .select({ plan: plans })
      .from(plans)
      .innerJoin(
        planOrganisations,
        and(eq(planOrganisations.planId, plans.id), eq(planOrganisations.organisationId, actor.principal.organisationId)),
      )
      .where(eq(plans.id, planId));
    const [row] = lock ? await query.for('update', { of: plans }) : await query;
    if (!row) throw notFound();
    return row.plan;
  }

  /** The plan as it now is, with its sources; the caller has authorised and logs the access. */
  async viewOf(tx: Db, planId: string): Promise<PlanView> {
    const [plan] = await tx.select().from(plans).where(eq(plans.id, planId));
    if (!plan) throw notFound();
    const view = toView(plan, await this.parts(tx, planId));
    view.sources = await readSources(tx, planId);
    return view;
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

  private async log(tx: Db, actor: Recorder, action: AccessAction, plan: Pick<PlanRow, 'id' | 'individualId'>) {
    await recordAccess(tx, [this.entry(actor, action, plan)]);
  }

  /**
   * Records a change: raises the plan's revision, keeps the whole plan as it now is, queues
   * the event for live editors and writes the access log, all in the change's transaction.
   */
  async commitChange(
    tx: Db,
    actor: Recorder,
    planId: string,
    change: { type: string; partId: string | null; version: number; action: AccessAction },
  ): Promise<PlanView> {
    const at = this.now();
    const [plan] = await tx
      .update(plans)
      .set({ revision: sql`${plans.revision} + 1`, updatedAt: at })
      .where(eq(plans.id, planId))
      .returning();
    if (!plan) throw notFound();
    const view = toView(plan, await this.parts(tx, planId));
    await tx.insert(planRevisions).values({
      planId,
      revision: plan.revision,
      change: change.type,
      partId: change.partId,
      changedByUser: actor.principal.userId,
      changedByOrganisation: actor.principal.organisationId,
      changedAt: at,
      snapshot: view,
    });
    await this.emit(tx, actor, plan, change, at);
    // Published back to both upstreams from the outbox, in order, after this commits.
    await tx.insert(outbox).values(
      (['region', 'municipality'] as const).map((side) => ({ planId, side, revision: plan.revision, createdAt: at, nextAttemptAt: at })),
    );
    await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${planId})`);
    await this.log(tx, actor, change.action, plan);
    return view;
  }

  private async emit(
    tx: Db,
    actor: Recorder,
    plan: Pick<PlanRow, 'id' | 'revision'>,
    change: { type: string; partId: string | null; version: number },
    at: Date,
  ) {
    const [event] = await tx
      .insert(planEvents)
      .values({
        planId: plan.id,
        type: change.type,
        partId: change.partId,
        version: change.version,
        revision: plan.revision,
        organisationId: actor.principal.organisationId,
        at,
      })
      .returning({ id: planEvents.id });
    // Delivered at commit; carries ids only.
    await tx.execute(sql`select pg_notify(${PLAN_EVENTS_CHANNEL}, ${JSON.stringify({ planId: plan.id, eventId: event?.id })})`);
  }

  async create(actor: Actor, input: CreatePlan): Promise<PlanView> {
    refuseAuditor(actor);
    const org = actor.principal.organisationId;
    if (input.principals.region.id === input.principals.municipality.id) {
      throw new ProblemError('validation', '/principals: the region and the municipality must be two organisations', {
        errors: [{ path: '/principals/municipality/id', message: 'must differ from the region' }],
      });
    }
    if (input.principals.region.id !== org && input.principals.municipality.id !== org) {
      throw new ProblemError('forbidden', 'You can create a SIP only for a plan your own organisation is a principal in');
    }
    const person = parsePersonId(input.individual.personId);
    if (!person) throw new ProblemError('validation', '/individual/personId: invalid');
    const { individual, principals, ...rawFields } = input;
    const fields = normaliseFields(rawFields);
    const at = this.now();
    const planId = randomUUID();
    const participants: Participant[] = (['region', 'municipality'] as const).map((p) => ({
      id: randomUUID(),
      kind: 'principal',
      name: principals[p].name,
      organisationId: principals[p].id,
    }));
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await tx.insert(plans).values({
        id: planId,
        individualId: person.value,
        individualIdKind: person.kind,
        individualName: individual.name ?? null,
        status: 'draft',
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
        ...(['region', 'municipality'] as const).map((kind) => ({
          id: randomUUID(),
          planId,
          kind,
          organisationId: principals[kind].id,
          organisationName: principals[kind].name,
          content: {},
          version: 1,
          updatedAt: at,
        })),
        { id: randomUUID(), planId, kind: 'relatives', organisationId: null, organisationName: null, content: { relatives: [] }, version: 1, updatedAt: at },
      ]);
      await tx.insert(planOrganisations).values(
        (['region', 'municipality'] as const).map((kind) => ({ planId, organisationId: principals[kind].id, principal: kind })),
      );
      return this.commitChange(tx, actor, planId, { type: 'plan.created', partId: null, version: 1, action: 'plan.create' });
    });
  }

  /**
   * Reads a plan in one statement (plan, parts and sources, with the organisation check),
   * then logs the access; the plan is returned only once the log entry is committed.
   */
  async get(actor: Actor, planId: string): Promise<PlanView> {
    refuseAuditor(actor);
    if (!UUID.test(planId)) throw notFound();
    const [row] = rowsOf<RawPlanRow>(
      await this.db.execute(sql`
        select p.*,
          (select coalesce(json_agg(pp), '[]'::json) from plan_parts pp where pp.plan_id = p.id) as parts_json,
          (select coalesce(json_agg(ps), '[]'::json) from plan_sources ps where ps.plan_id = p.id) as sources_json
        from plans p
        where p.id = ${planId}
          and exists (select 1 from plan_organisations po where po.plan_id = p.id and po.organisation_id = ${actor.principal.organisationId})`),
    );
    if (!row) throw notFound();
    const plan = planFromRaw(row);
    const view = toView(plan, jsonRows(row.parts_json).map(partFromRaw));
    view.sources = sourcesFrom(jsonRows(row.sources_json).map(sourceFromRaw));
    await recordAccessCommitted(this.db, [this.entry(actor, 'plan.read', plan)]);
    return view;
  }

  async list(
    actor: Actor,
    query: { status?: PlanStatus | undefined; followUpDue?: boolean | undefined; limit: number; offset: number },
  ): Promise<{ items: PlanSummary[]; total: number }> {
    refuseAuditor(actor);
    const conditions: SQL[] = [eq(planOrganisations.organisationId, actor.principal.organisationId)];
    if (query.status) conditions.push(eq(plans.status, query.status));
    if (query.followUpDue) {
      const today = this.now().toISOString().slice(0, 10);
      conditions.push(lte(plans.followUpDate, today), inArray(plans.status, ['active', 'followed_up']));
    }
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const where = and(...conditions);
      const rows = await tx
        .select({ plan: plans })
        .from(plans)
        .innerJoin(planOrganisations, eq(planOrganisations.planId, plans.id))
        .where(where)
        .orderBy(desc(plans.updatedAt), asc(plans.id))
        .limit(query.limit)
        .offset(query.offset);
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
        items: rows.map(({ plan }) => ({
          id: plan.id,
          status: plan.status as PlanStatus,
          individual: { personId: plan.individualId, ...(plan.individualName ? { name: plan.individualName } : {}) },
          title: (plan.fields as PlanFields).title ?? null,
          followUpDate: plan.followUpDate ?? null,
          version: plan.version,
          revision: plan.revision,
          updatedAt: plan.updatedAt.toISOString(),
        })),
        total: Number(total?.n ?? 0),
      };
    });
  }

  /** Applies a change to the plan-level record under If-Match, as one transaction. */
  private async changePlan(
    actor: Actor,
    planId: string,
    expectedVersion: number,
    type: string,
    action: AccessAction,
    mutate: (plan: PlanRow) => Partial<typeof plans.$inferInsert>,
  ): Promise<PlanView> {
    refuseAuditor(actor);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const plan = await this.load(tx, actor, planId, true);
      requireCoordinator(actor);
      if (plan.version !== expectedVersion) throw stale(plan.version, 'plan');
      const changes = mutate(plan);
      const [updated] = await tx
        .update(plans)
        .set({ ...changes, version: plan.version + 1 })
        .where(and(eq(plans.id, planId), eq(plans.version, expectedVersion)))
        .returning({ version: plans.version });
      if (!updated) throw stale(plan.version + 1, 'plan');
      return this.commitChange(tx, actor, planId, { type, partId: null, version: updated.version, action });
    });
  }

  updateFields(actor: Actor, planId: string, expectedVersion: number, patch: PlanFieldsPatch): Promise<PlanView> {
    return this.changePlan(actor, planId, expectedVersion, 'plan.updated', 'plan.update', (plan) => {
      const fields = normaliseFields(applyPatch(plan.fields as PlanFields, patch as Record<string, unknown>));
      return { fields, followUpDate: fields.followUp?.date ?? null };
    });
  }

  setConsent(actor: Actor, planId: string, expectedVersion: number, consent: IndividualConsent): Promise<PlanView> {
    return this.changePlan(actor, planId, expectedVersion, 'consent.updated', 'consent.update', () => ({ consent }));
  }

  addParticipant(actor: Actor, planId: string, expectedVersion: number, participant: Omit<Participant, 'id'> & { id?: string | undefined }) {
    return this.changePlan(actor, planId, expectedVersion, 'participants.updated', 'participants.update', (plan) => {
      const current = plan.participants as Participant[];
      const id = participant.id ?? randomUUID();
      if (current.some((p) => p.id === id)) {
        throw new ProblemError('conflict', `A participant with id '${id}' is already in the plan`);
      }
      return { participants: [...current, { ...participant, id }] };
    });
  }

  removeParticipant(actor: Actor, planId: string, expectedVersion: number, participantId: string) {
    return this.changePlan(actor, planId, expectedVersion, 'participants.updated', 'participants.update', (plan) => {
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
    return this.changePlan(actor, planId, expectedVersion, 'status.changed', 'status.update', (plan) => {
      const from = plan.status as PlanStatus;
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
        if (!consent?.given || consent.revokedAt) missing.push({ path: '/consent', message: 'the individual has not consented to the SIP' });
        if (!fields.overallResponsibility) missing.push({ path: '/fields/overallResponsibility', message: 'no principal has overall responsibility' });
        if (missing.length) {
          throw new ProblemError('conflict', `The plan cannot become active: ${missing.map((m) => m.message).join('; ')}`, { errors: missing });
        }
      }
      return { status };
    });
  }

  async getPart(actor: Actor, planId: string, partId: string): Promise<PartView> {
    refuseAuditor(actor);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const plan = await this.load(tx, actor, planId);
      const part = await this.findPart(tx, planId, partId);
      await this.log(tx, actor, 'part.read', plan);
      return partView(part);
    });
  }

  private async findPart(tx: Db, planId: string, partId: string): Promise<PartRow> {
    if (!UUID.test(partId)) throw new ProblemError('not-found', 'No such part in this plan');
    const [part] = await tx
      .select()
      .from(planParts)
      .where(and(eq(planParts.id, partId), eq(planParts.planId, planId), inArray(planParts.kind, ['region', 'municipality'])));
    if (!part) throw new ProblemError('not-found', 'No such part in this plan');
    return part;
  }

  async updatePart(actor: Actor, planId: string, partId: string, expectedVersion: number, patch: PartContentPatch): Promise<PlanView> {
    refuseAuditor(actor);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await this.load(tx, actor, planId);
      const part = await this.findPart(tx, planId, partId);
      if (part.organisationId !== actor.principal.organisationId) {
        throw new ProblemError('forbidden', 'Each principal edits only its own part');
      }
      if (part.version !== expectedVersion) throw stale(part.version, 'part');
      const content = normalisePart(applyPatch(part.content as PartContent, patch as Record<string, unknown>));
      const [updated] = await tx
        .update(planParts)
        .set({ content, version: sql`${planParts.version} + 1`, updatedAt: this.now() })
        .where(and(eq(planParts.id, partId), eq(planParts.version, expectedVersion)))
        .returning({ version: planParts.version });
      if (!updated) {
        const [current] = await tx.select({ version: planParts.version }).from(planParts).where(eq(planParts.id, partId));
        throw stale(current?.version ?? part.version, 'part');
      }
      return this.commitChange(tx, actor, planId, { type: 'part.updated', partId, version: updated.version, action: 'part.update' });
    });
  }

  async versions(actor: Actor, planId: string) {
    refuseAuditor(actor);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const plan = await this.load(tx, actor, planId);
      const rows = await tx
        .select({
          revision: planRevisions.revision,
          change: planRevisions.change,
          partId: planRevisions.partId,
          changedByUser: planRevisions.changedByUser,
          changedByOrganisation: planRevisions.changedByOrganisation,
          changedAt: planRevisions.changedAt,
        })
        .from(planRevisions)
        .where(eq(planRevisions.planId, planId))
        .orderBy(asc(planRevisions.revision));
      await this.log(tx, actor, 'versions.read', plan);
      return rows.map((r) => ({
        revision: r.revision,
        change: r.change,
        partId: r.partId,
        changedBy: { userId: r.changedByUser, organisationId: r.changedByOrganisation },
        changedAt: r.changedAt.toISOString(),
      }));
    });
  }

  /** The plan as it was at each of the given revisions. */
  async snapshots(actor: Actor, planId: string, revisions: number[]): Promise<Map<number, PlanView>> {
    refuseAuditor(actor);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const plan = await this.load(tx, actor, planId);
      const rows = await tx
        .select({ revision: planRevisions.revision, snapshot: planRevisions.snapshot })
        .from(planRevisions)
        .where(and(eq(planRevisions.planId, planId), inArray(planRevisions.revision, revisions)));
      const found = new Map(rows.map((r) => [r.revision, r.snapshot as PlanView]));
      const missing = revisions.filter((r) => !found.has(r));
      if (missing.length) throw new ProblemError('not-found', `No version ${missing.join(', ')} of this plan`);
      await this.log(tx, actor, 'versions.read', plan);
      return found;
    });
  }

  /** Checks that the actor may follow the plan's live events; logs the access. */
  async authorizeEvents(actor: Actor, planId: string): Promise<void> {
    refuseAuditor(actor);
    await this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const plan = await this.load(tx, actor, planId);
      await this.log(tx, actor, 'events.read', plan);
    });
  }

  /**
   * Reads the plan a principal's part or the relatives section belongs to, as {@link get} does:
   * a 404 that reveals nothing unless the actor's organisation takes part, and the read logged.
   */
  async getByPart(actor: Actor, partId: string): Promise<PlanView> {
    refuseAuditor(actor);
    if (!UUID.test(partId)) throw notFound();
    const [row] = await this.db.select({ planId: planParts.planId }).from(planParts).where(eq(planParts.id, partId));
    if (!row) throw notFound();
    return this.get(actor, row.planId);
  }

  /**
   * The plans of one individual (personnummer or samordningsnummer, 12 digits) that the actor's
   * organisation takes part in, most recently changed first; each plan returned is logged as read.
   */
  async findByIndividual(actor: Actor, personId: string, limit = 100): Promise<PlanView[]> {
    refuseAuditor(actor);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const rows = await tx
        .select({ plan: plans })
        .from(plans)
        .innerJoin(
          planOrganisations,
          and(eq(planOrganisations.planId, plans.id), eq(planOrganisations.organisationId, actor.principal.organisationId)),
        )
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
      return rows.map(({ plan }) => toView(plan, parts.filter((p) => p.planId === plan.id)));
    });
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
