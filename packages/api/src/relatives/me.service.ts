import { randomInt } from 'node:crypto';
import { requestHash } from '../http/idempotency.ts';
import { CITIZEN_PREFIX, REQUEST_ATTENTION } from '@sip/shared';
import type { WorklistKind } from './relatives.service.ts';
import {
  allowedAnswers,
  answerRefusal,
  decide,
  categoriesCover,
  consentState,
  excludedItems,
  intersectCategories,
  isChildOn,
  nextReviewDate,
  reaches,
  sharingInEffect,
  type AnswerReceipt,
  type ReceiptAnswer,
  type Commitment,
  type ConsentCategory,
  type IndividualConsent,
  type Operation,
  type HomeConsent,
  type MyPlanListItem,
  type PartContent,
  type PlanFields,
  type PlanStatus,
  type Relative,
  type RelativeSupport,
} from '@sip/shared';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import { idempotencyKeys, planParts, plans } from '../db/schema.ts';
import { ProblemError } from '../http/errors.ts';
import { PlansService, type PartChangeResult, type Recorder } from '../plans/plans.service.ts';
import { executePrepared } from '../db/prepared.ts';
import type { Logger } from '../logger.ts';
import type { WriteOperation, WritePathObserver } from '../health/metrics.ts';
import { authorize } from '../policy/authorize.ts';
import { commitmentView, relativesOf, type StoredRelative } from './relatives.service.ts';
import { phoneForRelatives } from './phone.ts';


const RELATIVES_KIND = 'relatives';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Answer = 'accept' | 'decline' | 'withdraw' | 'reconfirm';
export type RequestKind = 'contact-consultant' | 'needs-assessment' | 'leave-role';

/** The citizen behind a request: their personnummer, and how the logs and history name them. */
export interface Citizen {
  personId: string;
  requestId: string | null;
}

/**
 * The user id a relative's own actions are recorded under: their personnummer, marked as a
 * citizen's. The access log must say who accessed what; it is personal data kept in the
 * database with the rest of the log, never written to the service's logs.
 */
export function citizenUserId(personId: string): string {
  return `${CITIZEN_PREFIX}${personId}`;
}

export { CITIZEN_PREFIX };

export function citizenRecorder(citizen: Citizen): Recorder {
  return { principal: { userId: citizenUserId(citizen.personId), organisationId: 'citizen' }, requestId: citizen.requestId };
}

/** A stored response to an idempotent request. */
export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

export interface Idempotency {
  key: string;
  /** Method, path and body, as the caller sent them. */
  request: { method: string; path: string; body: unknown };
}

/**
 * Claims a citizen's idempotency key in the caller's transaction, before anything is read: a
 * concurrent request with the same key waits for it. A key already answered returns its stored
 * answer (after `onReplay`, which logs the access) and nothing is written; the same key with
 * another request is a 422. Null: the key is claimed, go on and {@link storeAnswer}.
 */
export async function claimKey(tx: Db, recorder: Recorder, idem: Idempotency, at: Date, onReplay: () => Promise<void>): Promise<StoredResponse | null> {
  const principalKey = recorder.principal.userId;
  const hash = requestHash(idem.request);
  const claimed = rowsOf<{ key: string }>(
    await tx.execute(sql`
      insert into idempotency_keys (principal_key, key, request_hash, status, body, created_at)
      values (${principalKey}, ${idem.key}, ${hash}, 0, null, ${at.toISOString()}::timestamptz)
      on conflict do nothing
      returning key`),
  );
  if (claimed.length > 0) return null;
  const [stored] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principalKey, principalKey), eq(idempotencyKeys.key, idem.key)));
  if (!stored) throw new ProblemError('conflict', 'A request with this Idempotency-Key is in progress; try again');
  if (stored.requestHash !== hash) {
    throw new ProblemError('validation', 'This Idempotency-Key was used for another request: use a new key for a new request', {
      errors: [{ path: '/header/idempotency-key', message: 'already used for another request' }],
    });
  }
  await onReplay();
  return { status: stored.status, body: stored.body, replayed: true };
}

/** Stores the answer with its claimed key, in the same transaction as the change. */
export async function storeAnswer(tx: Db, recorder: Recorder, idem: Idempotency, status: number, body: unknown): Promise<StoredResponse> {
  await tx
    .update(idempotencyKeys)
    .set({ status, body })
    .where(and(eq(idempotencyKeys.principalKey, recorder.principal.userId), eq(idempotencyKeys.key, idem.key)));
  return { status, body, replayed: false };
}

type PlanRow = typeof plans.$inferSelect;

/** The end of an answer made at once whose key or plan another request changed first: the locked path answers. */
class AnsweredElsewhere extends Error {}
type PartRow = typeof planParts.$inferSelect;

function noSuchPlan(): ProblemError {
  return new ProblemError('not-found', 'No such plan');
}

/** The relative that is this person in a section: removed-upstream relatives no longer count. */
function meIn(relatives: StoredRelative[], personId: string): StoredRelative | undefined {
  return relatives.find((r) => r.personId === personId && !r.removedUpstream);
}



/** Crockford's base 32: no I, L, O or U, so a reference read aloud over the phone is not misheard. */
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new receipt reference, e.g. `K7M3-Q9X2`: short enough to read out, one in a trillion. */
export function newReceiptReference(): string {
  const chars = Array.from({ length: 8 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** The given name of the individual, as a relative addresses them: the first name of the plan's name. */
export function givenNameOf(name: string | null | undefined): string | null {
  const first = name?.trim().split(/\s+/)[0];
  return first ? first : null;
}

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * The categories the relative sees today: what the individual shares with them, within what the
 * individual's consent to the SIP lets be shared at all, while both are in force. A consent to
 * the SIP withdrawn (or never given) leaves the relative their own part only.
 */
export function relativeCategories(plan: Pick<PlanRow, 'consent'>, me: StoredRelative, today: Date): ConsentCategory[] {
  const consent = (plan.consent as IndividualConsent | null) ?? null;
  if (consentState(consent, today) !== 'in-force' || !sharingInEffect(me.sharing, today)) return [];
  return intersectCategories(me.sharing?.categories ?? [], consent?.scope.information ?? []);
}

/**
 * What the individual's consent lets this relative see of the plan, and always the relative's
 * own part. Nothing about other relatives, never the individual's personnummer, nothing the
 * consent excludes.
 */
export function relativeView(plan: PlanRow, parts: PartRow[], me: StoredRelative, today: Date) {
  const fields = plan.fields as PlanFields;
  const inEffect = sharingInEffect(me.sharing, today);
  const granted = relativeCategories(plan, me, today);
  const categories = new Set(granted);
  const excluded = excludedItems((plan.consent as IndividualConsent | null) ?? null);
  const kept = <T extends { id?: string | undefined }>(items: T[] | undefined) => (items ?? []).filter((i) => !(i.id && excluded.has(i.id)));
  const day = today.toISOString().slice(0, 10);
  const child = isChildOn(me, today);
  const principalParts = parts
    .filter((p) => p.kind === 'region' || p.kind === 'municipality')
    .sort((a, b) => a.kind.localeCompare(b.kind))
    .map((p) => ({ principal: p.kind as 'region' | 'municipality', organisation: p.organisationName ?? '', content: p.content as PartContent }));

  const responsible = principalParts.find((p) => p.principal === fields.overallResponsibility);

  const shared: Record<string, unknown> = {};
  if (categories.has('goals')) {
    shared.goals = {
      individual: kept(fields.individualGoals).map((g) => ({ text: g.text })),
      professional: principalParts.map((p) => ({ principal: p.principal, organisation: p.organisation, goals: kept(p.content.goals).map((g) => ({ text: g.text })) })),
    };
  }
  const interventionSides = principalParts.filter((p) => categoriesCover(granted, 'interventions', p.principal));
  if (interventionSides.length > 0) {
    shared.interventions = interventionSides
      .flatMap((p) =>
        kept(p.content.interventions)
          .filter((i) => !i.removedUpstream)
          .map((i) =>
            withoutUndefined({
              principal: p.principal,
              title: i.title,
              status: i.status,
              performedBy: i.performedBy,
              when: i.when,
              startDate: i.startDate,
              endDate: i.endDate,
            }),
          ),
      );
  }
  if (categories.has('contacts')) {
    shared.contacts = principalParts
      .filter((p) => p.content.contactPerson)
      .map((p) => {
        const c = p.content.contactPerson!;
        return withoutUndefined({
          principal: p.principal,
          organisation: p.organisation,
          name: c.name,
          title: c.title,
          unit: c.unit,
          ...phoneForRelatives(c.phone, c.phoneHours),
        });
      });
  }
  if (categories.has('follow-up')) shared.followUp = fields.followUp ? { date: fields.followUp.date } : null;
  if (categories.has('needs')) shared.needs = kept(fields.needs).map((n) => ({ text: n.text }));
  if (categories.has('meetings')) shared.meetings = kept(fields.meetings).map((m) => withoutUndefined({ at: m.at, place: m.place }));

  const coordinator = fields.coordinator
    ? withoutUndefined({
        name: fields.coordinator.name,
        title: fields.coordinator.title,
        unit: fields.coordinator.unit,
        ...phoneForRelatives(fields.coordinator.phone, fields.coordinator.phoneHours),
      })
    : null;
  return {
    planId: plan.id,
    title: fields.title ?? null,
    status: plan.status as PlanStatus,
    // The given name only: never the personnummer, and no more of the name than a relative says.
    individual: { givenName: givenNameOf(plan.individualName) },
    coordinator,
    responsible: responsible ? { principal: responsible.principal, organisation: responsible.organisation } : null,
    // Null: the plan names none of its own, and the relative's portal shows the general guidance in their language.
    outOfHours: fields.outOfHours ?? null,
    me: {
      relativeId: me.id,
      name: me.name,
      relationship: me.relationship,
      child,
      sharesHome: me.sharesHome,
      sharing: me.sharing ?? null,
      sharingInEffect: inEffect && granted.length > 0,
      information: me.information ?? [],
      informed: me.informed ?? [],
      commitments: (me.commitments ?? []).map((c) => ({ ...commitmentView(c), allowedAnswers: allowedAnswers(c, { child, today: day, planClosed: plan.status === 'closed' }) })),
      support: me.support ?? null,
      homeConsent: me.homeConsent ?? null,
    },
    shared: { categories: [...categories], ...shared },
  };
}

export type RelativePlanView = ReturnType<typeof relativeView>;

/**
 * Who is told of a relative's answer: the organisations whose staff the relatives section
 * reaches (the plan's initiator, and the other principal once the individual's consent names
 * it), the one responsible for the plan first.
 */
function toldOf(plan: PlanRow, parts: PartRow[], now: Date): string[] {
  const fields = plan.fields as PlanFields;
  const consent = (plan.consent as IndividualConsent | null) ?? null;
  return parts
    .filter((p) => (p.kind === 'region' || p.kind === 'municipality') && p.organisationName)
    .filter((p) =>
      reaches({ initiator: plan.initiator as 'region' | 'municipality', consent }, p.kind as 'region' | 'municipality', p.organisationId ? { id: p.organisationId, name: p.organisationName! } : undefined, now),
    )
    .sort((a, b) => Number(b.kind === fields.overallResponsibility) - Number(a.kind === fields.overallResponsibility) || a.kind.localeCompare(b.kind))
    .map((p) => p.organisationName!);
}

/**
 * The relative's own side of the standing relatives section: what the individual has let
 * them see, and their own answers. Every read and every answer is logged; every answer is
 * a versioned, evented, published change of the relatives section.
 */
export class MeService {
  private readonly plans: PlansService;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    logger?: Logger,
    /** Told which path wrote each answer (the metrics). */
    private readonly onWritePath?: WritePathObserver,
  ) {
    this.plans = new PlansService(db, now, logger);
  }

  /** The plans this person is the individual in, then those they are a relative in, each with their role in it. */
  async list(citizen: Citizen): Promise<MyPlanListItem[]> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const needle = JSON.stringify([{ personId: citizen.personId }]);
      const rows = await tx
        .select({ plan: plans, content: planParts.content })
        .from(plans)
        .innerJoin(planParts, and(eq(planParts.planId, plans.id), eq(planParts.kind, RELATIVES_KIND)))
        .where(sql`${planParts.content} -> 'relatives' @> ${needle}::jsonb`)
        .orderBy(plans.createdAt, plans.id);
      const mine = rows.flatMap((row) => {
        const me = meIn(relativesOf(row.content), citizen.personId);
        return me ? [{ plan: row.plan, me }] : [];
      });
      const own = await tx.select().from(plans).where(eq(plans.individualId, citizen.personId)).orderBy(plans.createdAt, plans.id);
      await this.plans.logAccess(tx, citizenRecorder(citizen), 'own.read', own);
      await this.plans.logAccess(tx, citizenRecorder(citizen), 'me.read', mine.map((m) => m.plan));
      const ownItems = own.map((plan) => ({
        planId: plan.id,
        title: (plan.fields as PlanFields).title ?? null,
        status: plan.status as PlanStatus,
        role: 'individual' as const,
      }));
      const relativeItems = mine.map(({ plan, me }) => ({
        planId: plan.id,
        title: (plan.fields as PlanFields).title ?? null,
        status: plan.status as PlanStatus,
        relativeId: me.id,
        role: 'relative' as const,
      }));
      return [...ownItems, ...relativeItems];
    });
  }

  /** One plan as this relative may see it; a plan they are not a relative in is a 404. */
  async read(citizen: Citizen, planId: string): Promise<RelativePlanView> {
    return (await this.readAs(citizen, planId, 'me.read')).view;
  }

  /**
   * The same read for the relative's document, asked and logged as such, with the plan's
   * revision and when it was made (the document's footer says which version it shows).
   */
  readDocument(citizen: Citizen, planId: string) {
    return this.readAs(citizen, planId, 'me.document');
  }

  private async readAs(citizen: Citizen, planId: string, as: 'me.read' | 'me.document') {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { plan, me } = await this.load(tx, citizen, planId, as, false);
      const parts = await this.plans.parts(tx, planId);
      await this.plans.logAccess(tx, citizenRecorder(citizen), as, [plan]);
      return { view: relativeView(plan, parts, me, this.now()), revision: plan.revision, changedAt: plan.updatedAt.toISOString() };
    });
  }

  /**
   * The plan and this citizen's place in it, for an operation the policy allows them: a plan they
   * are not a relative in is a 404 that reveals nothing.
   */
  private async load(tx: Db, citizen: Citizen, planId: string, operation: Operation, lock: boolean) {
    const query = tx.select().from(plans).where(eq(plans.id, planId));
    const [plan] = !UUID.test(planId) ? [] : lock ? await query.for('update') : await query;
    const [part] = plan
      ? await tx
          .select()
          .from(planParts)
          .where(and(eq(planParts.planId, planId), eq(planParts.kind, RELATIVES_KIND)))
      : [];
    const me = part ? meIn(relativesOf(part.content), citizen.personId) : undefined;
    authorize(operation, 'relative', {
      isRelative: me !== undefined,
      ...(plan ? { status: plan.status as PlanStatus } : {}),
      ...(me ? { child: isChildOn(me, this.now()) } : {}),
    });
    if (!plan || !part || !me) throw noSuchPlan();
    return { plan, part, me };
  }

  /**
   * Runs one answer under its idempotency key, in one transaction: the key row is claimed
   * first (a concurrent request with the same key waits for it), the plan row locked, the
   * relatives section updated on its version, the change committed, and the response stored
   * with the key. A replay returns the stored response and writes nothing.
   */
  private async answerOnce(
    citizen: Citizen,
    planId: string,
    operation: Exclude<WriteOperation, 'part.update'>,
    idem: Idempotency,
    mutate: (
      me: StoredRelative,
      today: string,
      stamp: { at: string; reference: string },
    ) => {
      next: StoredRelative;
      status: number;
      body: (me: StoredRelative) => object;
      attention?: WorklistKind;
      receipt: { answer: ReceiptAnswer; comment?: string | undefined };
    },
  ): Promise<StoredResponse> {
    const done = await this.answerAtOnce(citizen, planId, operation, idem, mutate);
    if (done) {
      this.onWritePath?.(operation, 'at-once');
      return done;
    }
    const stored = await this.answerLocked(citizen, planId, operation, idem, mutate);
    // A replay wrote nothing: only a change is counted.
    if (!stored.replayed) this.onWritePath?.(operation, 'locked');
    return stored;
  }

  /**
   * {@link answerOnce} in one read and one short transaction: the plan, its parts and anything
   * stored under the key read without a lock; the answer made; then the key stored with the
   * response, the relatives section changed and the change recorded in one statement (which
   * holds only if the key was new and nothing in the plan changed since the read), and the
   * report's facts refreshed (sent with it, without waiting for its answer), before the commit. Undefined whenever the locked path must answer
   * instead: a key used before (its replay), no such plan or relative, a refusal, an answer the
   * rules refuse, a change or a request with the same key in between.
   */
  private async answerAtOnce(
    citizen: Citizen,
    planId: string,
    operation: Operation,
    idem: Idempotency,
    mutate: Parameters<MeService['answerOnce']>[4],
  ): Promise<StoredResponse | undefined> {
    const recorder = citizenRecorder(citizen);
    const owner = recorder.principal.userId;
    const read = await this.plans.readForChange(planId, recorder.principal.organisationId, { owner, key: idem.key });
    if (!read || read.storedKey) return undefined;
    const { plan, parts } = read;
    const part = parts.find((p) => p.kind === RELATIVES_KIND);
    const me = part ? meIn(relativesOf(part.content), citizen.personId) : undefined;
    if (!part || !me) return undefined;
    const at = this.now();
    const decision = decide(operation, 'relative', { isRelative: true, status: plan.status as PlanStatus, child: isChildOn(me, at) });
    if (!decision.allowed) return undefined;
    const today = at.toISOString().slice(0, 10);
    const stamp = { at: at.toISOString(), reference: newReceiptReference() };
    let change: ReturnType<typeof mutate>;
    try {
      change = mutate(structuredClone(me), today, stamp);
    } catch (error) {
      if (error instanceof ProblemError) return undefined;
      throw error;
    }
    const relatives = relativesOf(part.content).map((r) => (r.id === me.id ? change.next : r));
    const receipt: AnswerReceipt = {
      reference: stamp.reference,
      at: stamp.at,
      answer: change.receipt.answer,
      ...(change.receipt.comment ? { comment: change.receipt.comment } : {}),
      told: toldOf(plan, parts, at),
      coordinator: (plan.fields as PlanFields).coordinator?.name ?? null,
    };
    const body = { ...change.body(change.next), receipt };
    const written = this.plans.partChange(recorder, read, {
      part,
      content: { ...(part.content as object), relatives },
      type: change.attention ? `worklist.${change.attention}` : 'relatives.answered',
      action: 'me.answer',
      now: at,
      // The key is stored with the response in the same statement, before anything else is written.
      first: sql`
        insert into idempotency_keys (principal_key, key, request_hash, status, body, created_at)
        values (${owner}::text, ${idem.key}::text, ${requestHash(idem.request)}::text, ${change.status}::int, ${JSON.stringify(body)}::jsonb, ${at.toISOString()}::timestamptz)
        on conflict do nothing
        returning key`,
    });
    const result = await this.db
      .transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        // Both sent at once, the refresh not waiting for the answer's round trip; it runs only if
        // the section is at the answer's version (written, or this transaction is undone anyway).
        // If the answer fails, so does the refresh (in a failed transaction): its error is thrown.
        const answered = executePrepared<PartChangeResult>(tx, 'answer', written.statement);
        const refreshed = executePrepared(
          tx,
          'answer-report',
          sql`select sip_report_refresh(array[${planId}::uuid]) from plan_parts where id = ${part.id}::uuid and version = ${part.version + 1}::int`,
        );
        const [write, refresh] = await Promise.allSettled([answered, refreshed]);
        if (write.status === 'rejected') throw write.reason;
        if (refresh.status === 'rejected') throw refresh.reason;
        const [result] = write.value;
        // Another request took the key, or the plan changed: nothing of this one is kept.
        if (!result || result.version === null) throw new AnsweredElsewhere();
        return result;
      })
      .catch((error: unknown) => {
        if (error instanceof AnsweredElsewhere) return undefined;
        throw error;
      });
    if (!result) return undefined;
    this.plans.announceChange(planId, result, written.sides);
    return { status: change.status, body, replayed: false };
  }

  /** {@link answerOnce} in a transaction that claims the key first and then locks the plan row. */
  private async answerLocked(
    citizen: Citizen,
    planId: string,
    operation: Operation,
    idem: Idempotency,
    mutate: Parameters<MeService['answerOnce']>[4],
  ): Promise<StoredResponse> {
    const recorder = citizenRecorder(citizen);
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const at = this.now();
      const replay = await claimKey(tx, recorder, idem, at, async () => {
        // The stored answer is the relative's own data about the plan: a replay is an access too.
        const [plan] = UUID.test(planId) ? await tx.select({ id: plans.id, individualId: plans.individualId }).from(plans).where(eq(plans.id, planId)) : [];
        if (plan) await this.plans.logAccess(tx, recorder, 'me.read', [plan]);
      });
      if (replay) return replay;

      const { plan, part, me } = await this.load(tx, citizen, planId, operation, true);
      const today = at.toISOString().slice(0, 10);
      const stamp = { at: at.toISOString(), reference: newReceiptReference() };
      const change = mutate(structuredClone(me), today, stamp);
      const relatives = relativesOf(part.content).map((r) => (r.id === me.id ? change.next : r));
      const [updated] = await tx
        .update(planParts)
        .set({ content: { ...(part.content as object), relatives }, version: part.version + 1, updatedAt: at })
        .where(and(eq(planParts.id, part.id), eq(planParts.version, part.version)))
        .returning({ version: planParts.version });
      if (!updated) throw new ProblemError('conflict', 'The plan changed while answering; try again');
      // An answer that needs a principal's attention reaches every open editor as a work-list event.
      await this.plans.commitChange(tx, recorder, planId, {
        type: change.attention ? `worklist.${change.attention}` : 'relatives.answered',
        partId: part.id,
        version: updated.version,
        action: 'me.answer',
      });
      // The receipt is stored with the response: a replay gives the same reference and time.
      const receipt: AnswerReceipt = {
        reference: stamp.reference,
        at: stamp.at,
        answer: change.receipt.answer,
        ...(change.receipt.comment ? { comment: change.receipt.comment } : {}),
        told: toldOf(plan, await this.plans.parts(tx, planId), at),
        coordinator: (plan.fields as PlanFields).coordinator?.name ?? null,
      };
      const body = { ...change.body(change.next), receipt };
      return storeAnswer(tx, recorder, idem, change.status, body);
    });
  }

  /** The relative's answer on a commitment proposed to them. */
  answer(citizen: Citizen, planId: string, commitmentId: string, input: { answer: Answer; comment?: string | undefined }, idem: Idempotency) {
    return this.answerOnce(citizen, planId, 'me.answer', idem, (me, today, stamp) => {
      const commitments = me.commitments ?? [];
      const target = commitments.find((c) => c.id === commitmentId);
      if (!target) throw new ProblemError('not-found', 'No such commitment');
      const event = { ...this.answerEvent(me, target, input, today), reference: stamp.reference };
      if (target.history.length >= 500) throw new ProblemError('conflict', 'The history of this commitment is full');
      const next: Commitment = { ...target, history: [...target.history, event] };
      const attention: Partial<Record<string, WorklistKind>> = { declined: 'commitment-declined', withdrawn: 'commitment-withdrawn' };
      return {
        next: { ...me, commitments: commitments.map((c) => (c.id === commitmentId ? next : c)) },
        status: 200,
        body: () => ({ ...commitmentView(next), allowedAnswers: allowedAnswers(next, { child: isChildOn(me, this.now()), today }) }),
        ...(attention[event.status] ? { attention: attention[event.status]! } : {}),
        receipt: { answer: event.status, comment: input.comment },
      };
    });
  }

  private answerEvent(me: StoredRelative, commitment: Commitment, input: { answer: Answer; comment?: string | undefined }, today: string) {
    const refusal = answerRefusal(commitment, input.answer, { child: isChildOn(me, this.now()), today });
    if (refusal) {
      throw refusal.status === 422
        ? new ProblemError('validation', refusal.reason, { errors: [{ path: '/answer', message: refusal.reason }] })
        : new ProblemError('conflict', refusal.reason);
    }
    const base = { at: this.now().toISOString(), by: 'relative' as const, ...(input.comment ? { comment: input.comment } : {}) };
    const status = ({ accept: 'accepted', decline: 'declined', withdraw: 'withdrawn', reconfirm: 'reconfirmed' } as const)[input.answer];
    return status === 'reconfirmed' ? { ...base, status, reviewDate: nextReviewDate(commitment, today) } : { ...base, status };
  }

  /** The relative's own consent to the home as a place of care: only where they share it. */
  homeConsent(citizen: Citizen, planId: string, input: { consent: boolean; comment?: string | undefined }, idem: Idempotency) {
    return this.answerOnce(citizen, planId, 'me.home-consent', idem, (me, _today, stamp) => {
      if (!me.sharesHome) throw new ProblemError('conflict', 'You are not recorded as sharing a home with the individual: there is no home consent to give');
      const answer = { consent: input.consent, at: stamp.at, ...(input.comment ? { comment: input.comment } : {}), reference: stamp.reference };
      const history = [...(me.homeConsent?.history ?? []), answer];
      if (history.length > 500) throw new ProblemError('conflict', 'The home consent history is full');
      const homeConsent: HomeConsent = { ...answer, history };
      return {
        next: { ...me, homeConsent },
        status: 200,
        body: (r: Relative) => r.homeConsent!,
        receipt: { answer: input.consent ? 'home-consent-yes' : 'home-consent-no', comment: input.comment },
      };
    });
  }

  /** A request for contact with the relatives' consultant, or for an own needs assessment. */
  request(citizen: Citizen, planId: string, input: { kind: RequestKind; note?: string | undefined }, idem: Idempotency) {
    return this.answerOnce(citizen, planId, 'me.request', idem, (me, _today, stamp) => {
      const support: RelativeSupport = me.support ?? { offered: [], requests: [] };
      if (support.requests.length >= 100) throw new ProblemError('conflict', 'Too many requests on record: contact your SIP coordinator');
      // Stepping out is asked once: while it waits for staff, a second ask adds nothing.
      if (input.kind === 'leave-role' && support.requests.some((r) => r.kind === 'leave-role' && !r.handledAt)) {
        throw new ProblemError('conflict', 'You have already asked to step out of the relative role; the principal responsible for the plan will contact you');
      }
      const request = { kind: input.kind, at: stamp.at, ...(input.note ? { note: input.note } : {}), reference: stamp.reference };
      return {
        next: { ...me, support: { ...support, requests: [...support.requests, request] } },
        status: 201,
        body: (r: Relative) => r.support!,
        attention: REQUEST_ATTENTION[input.kind],
        receipt: { answer: input.kind, comment: input.note },
      };
    });
  }
}
