import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Signing keys of the built-in demo token issuer, kept so that tokens it minted stay
 * valid across restarts. Only used in demo mode, which is refused in production.
 */
export const demoIssuerKeys = pgTable('demo_issuer_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  privateJwk: jsonb('private_jwk').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The organisations a deployment serves as principals (huvudmän): regions and municipalities,
 * by HSA-id, and which upstream holds their records. A plan's principals must be among them.
 */
export const organisations = pgTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** `region` or `municipality`. */
  kind: text('kind').notNull(),
  /** The configured upstream (`region` or `municipality`) that holds the organisation's records. */
  upstream: text('upstream').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** A SIP: its individual, status, and the plan-level fields the coordinator edits. */
export const plans = pgTable(
  'plans',
  {
    id: uuid('id').primaryKey(),
    individualId: text('individual_id').notNull(),
    individualIdKind: text('individual_id_kind').notNull(),
    individualName: text('individual_name'),
    status: text('status').notNull(),
    /** The principal (`region` or `municipality`) that created the plan: before consent the plan holds only what it has. */
    initiator: text('initiator').notNull(),
    /** The individual has skyddade personuppgifter (marked by an upstream). */
    protectedIdentity: boolean('protected_identity').notNull().default(false),
    fields: jsonb('fields').notNull(),
    consent: jsonb('consent'),
    participants: jsonb('participants').notNull(),
    /** Version of the plan-level fields, consent, participants and status. */
    version: integer('version').notNull().default(1),
    /** Version of the whole plan: any change to it or its parts raises it. */
    revision: integer('revision').notNull().default(1),
    followUpDate: date('follow_up_date'),
    /**
     * The earliest review date among the relatives' commitments still in force (accepted or
     * proposed), kept with every change: the review-due watcher finds the plans whose date has
     * passed by this index, at a cost that follows the due items, not the number of plans.
     */
    reviewDueOn: date('review_due_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('plans_individual_idx').on(t.individualId),
    index('plans_follow_up_idx').on(t.followUpDate),
    // The list of plans, most recently changed first, paged by its key (updated_at, id) ...
    index('plans_changed_idx').on(t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // ... and the follow-up list: the plans in force by their follow-up date, with the list's key,
    // so that a page costs what the due plans cost, not what all plans do.
    index('plans_follow_up_due_idx')
      .on(t.followUpDate, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.status} in ('active', 'followed_up')`),
    index('plans_review_due_idx').on(t.reviewDueOn).where(sql`${t.reviewDueOn} is not null and ${t.status} <> 'closed'`),
  ],
);

/** One principal's part of a plan, or its relatives section: each versions on its own. */
export const planParts = pgTable(
  'plan_parts',
  {
    id: uuid('id').primaryKey(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    /** `region`, `municipality` or `relatives`. */
    kind: text('kind').notNull(),
    organisationId: text('organisation_id'),
    organisationName: text('organisation_name'),
    content: jsonb('content').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('plan_parts_plan_kind_idx').on(t.planId, t.kind)],
);

/** Which organisations take part in a plan: their staff may see it. */
export const planOrganisations = pgTable(
  'plan_organisations',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    organisationId: text('organisation_id').notNull(),
    principal: text('principal').notNull(),
    /**
     * How the organisation stands to the plan: `initiator` (created it), `member` (the
     * individual's consent names it: its staff know of the plan), or `pending` (not yet named:
     * its staff do not see the plan). The policy's `sees-plan`, in a form lists can query.
     */
    access: text('access').notNull().default('member'),
  },
  (t) => [primaryKey({ columns: [t.planId, t.organisationId] }), index('plan_organisations_org_idx').on(t.organisationId, t.planId)],
);

/** Every version of every plan, whole, as it was after each change. */
export const planRevisions = pgTable(
  'plan_revisions',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    revision: integer('revision').notNull(),
    change: text('change').notNull(),
    partId: uuid('part_id'),
    changedByUser: text('changed_by_user').notNull(),
    changedByOrganisation: text('changed_by_organisation').notNull(),
    /** The staff member's name, as their token gave it when they made the change; null when it gave none. */
    changedByName: text('changed_by_name'),
    /** Their organisation's name, as the service knew it when the change was made; null when it did not. */
    changedByOrganisationName: text('changed_by_organisation_name'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    snapshot: jsonb('snapshot').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.revision] })],
);

/**
 * What changed in a plan, for the live stream: part, version, organisation. No content,
 * no personal data. The id is the SSE event id, so a client can resume.
 */
export const planEvents = pgTable(
  'plan_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: uuid('plan_id').notNull(),
    type: text('type').notNull(),
    partId: uuid('part_id'),
    version: integer('version').notNull(),
    revision: integer('revision').notNull(),
    organisationId: text('organisation_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('plan_events_plan_idx').on(t.planId, t.id)],
);

/**
 * Presence: every open live event stream of a plan, by the organisation whose staff opened it,
 * so that co-editors see who else has the plan open. Written by the broker instance serving the
 * stream: inserted when it opens, removed when it closes, and kept alive by that instance
 * (`seen_at`, `expires_at`) on each of its heartbeats. An instance that dies leaves its rows
 * behind: they stop counting at `expires_at` and any instance removes them. Ids only.
 */
export const planPresence = pgTable(
  'plan_presence',
  {
    /** The stream's own id, made by the instance that serves it. */
    streamId: uuid('stream_id').primaryKey(),
    planId: uuid('plan_id').notNull(),
    /** HSA-id of the organisation whose staff opened the stream. */
    organisationId: text('organisation_id').notNull(),
    /** The broker instance serving the stream (an id it makes when it starts). */
    instanceId: uuid('instance_id').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    /** When the serving instance last said the stream is still open. */
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
    /** From then on the row no longer counts, unless renewed: the serving instance is gone. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('plan_presence_plan_idx').on(t.planId, t.expiresAt),
    index('plan_presence_instance_idx').on(t.instanceId),
    index('plan_presence_expires_idx').on(t.expiresAt),
  ],
);

/**
 * The access log (Patientdatalagen; HSLF-FS 2016:40 4 kap. 9 §): every read and write of
 * personal data. Append-only and hash-chained in the database itself (see the migration
 * `access_log_guard`): updates and deletes are refused, and each row's hash covers the
 * previous row's hash.
 */
export const accessLog = pgTable(
  'access_log',
  {
    /** Write order: from a sequence, so a rolled-back insert leaves a hole here, which means nothing. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /**
     * The entry's place in the hash chain, gap-free: null until the chainer links the entry
     * (`access_log_chain_pending()`), after its transaction has committed.
     */
    seq: bigint('seq', { mode: 'number' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    userId: text('user_id').notNull(),
    organisationId: text('organisation_id').notNull(),
    individualId: text('individual_id'),
    planId: uuid('plan_id'),
    action: text('action').notNull(),
    purpose: text('purpose').notNull(),
    requestId: text('request_id'),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    uniqueIndex('access_log_seq_idx').on(t.seq),
    index('access_log_unchained_idx').on(t.id).where(sql`${t.seq} is null`),
    index('access_log_org_at_idx').on(t.organisationId, t.at),
    index('access_log_individual_idx').on(t.individualId, t.at),
    index('access_log_plan_idx').on(t.planId, t.at),
  ],
);

/**
 * Where the access log's numbering became gap-free: every entry after `gap_free_after` is
 * numbered one more than the entry before it. Entries up to it were numbered from a sequence,
 * where a rolled-back insert left a hole. One row, written by the migration; never changed.
 */
export const accessLogNumbering = pgTable('access_log_numbering', {
  gapFreeAfter: bigint('gap_free_after', { mode: 'number' }).notNull(),
});

/** Per plan and upstream: how the last sync went, so a plan opens even when one side is down. */
export const planSources = pgTable(
  'plan_sources',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    /** `region` or `municipality`. */
    side: text('side').notNull(),
    /** `ok`, `not-found` (the upstream has no such person) or `unavailable`. */
    status: text('status').notNull(),
    reason: text('reason'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }).notNull(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    /** The upstream's own id of the individual's Patient. */
    patientId: text('patient_id'),
    /** Name and birth date as the upstream has them, to flag conflicts between the sides. */
    demographics: jsonb('demographics'),
  },
  (t) => [primaryKey({ columns: [t.planId, t.side] })],
);

/**
 * The transactional outbox: one row per change and upstream, written in the change's
 * transaction, delivered in order per plan and upstream, retried until acknowledged.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: uuid('plan_id').notNull(),
    side: text('side').notNull(),
    revision: integer('revision').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** A short reason code of the last failure; never upstream bodies or personal data. */
    lastError: text('last_error'),
    /**
     * How it ended: `delivered`; `superseded` (a later revision of the plan was delivered to that
     * side, with a Provenance for this one); or `withheld` (the consent no longer lets the plan
     * reach that side).
     */
    outcome: text('outcome'),
    /** While a worker delivers it: nobody else takes this plan and side until then. */
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    /**
     * Refused for a reason a retry will not fix (the receiver answered 4xx, or the revision does
     * not validate): set aside, blocking nothing, retried now and then and whenever a later
     * revision comes; cleared when it or a later revision is delivered.
     */
    setAsideAt: timestamp('set_aside_at', { withTimezone: true }),
  },
  (t) => [index('outbox_pending_idx').on(t.side, t.planId, t.id).where(sql`delivered_at is null`)],
);

/**
 * Idempotency keys of citizens' answers: written in the answer's own transaction, so a key
 * is stored exactly when its answer is committed. A replay returns the stored response.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** Whose key: the pseudonymous id of the caller, never a personnummer. */
    principalKey: text('principal_key').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.principalKey, t.key] })],
);

/**
 * Work-list items the broker raised on its own because time passed (a review date): one row
 * per plan and item, so each is raised once, by one instance, however many run.
 */
export const worklistNotices = pgTable(
  'worklist_notices',
  {
    planId: uuid('plan_id').notNull(),
    /** The attention item's key within the plan: ids and a date, no personal data. */
    itemKey: text('item_key').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.itemKey] })],
);

/**
 * The EHR id tokens already exchanged for a staff token (`POST /token`): each is exchanged once.
 * Kept until the id token itself expires; then any instance removes the row. No token is stored:
 * only a digest of the issuer and the token's id (or of its verified claims).
 */
export const exchangedIdTokens = pgTable(
  'exchanged_id_tokens',
  {
    /** SHA-256 (base64url) of the issuer and the id token's `jti`, or of its verified claims. */
    digest: text('digest').primaryKey(),
    exchangedAt: timestamp('exchanged_at', { withTimezone: true }).notNull(),
    /** The id token's expiry (with the clock tolerance): from then on it is refused anyway. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('exchanged_id_tokens_expires_idx').on(t.expiresAt)],
);

/**
 * The yearly follow-up of relatives' support (`GET /api/reports/relatives-support`) reads these
 * three summary tables, never the plans themselves. They are kept by `sip_report_refresh(plan
 * ids)` (migration `0014_report_facts`), which the change pipeline calls with every change to a
 * plan's status, plan-level record or relatives section. Ids, kinds, days and counts only: no
 * names, no free text.
 */

/** A plan's statuses over time: one row per status it entered, until it left it. */
export const reportStatusSpans = pgTable(
  'report_status_spans',
  {
    planId: uuid('plan_id').notNull(),
    status: text('status').notNull(),
    fromAt: timestamp('from_at', { withTimezone: true }).notNull(),
    untilAt: timestamp('until_at', { withTimezone: true }),
    /** On entering `followed_up`: the follow-up date that was due then. */
    dueOn: date('due_on'),
  },
  (t) => [primaryKey({ columns: [t.planId, t.fromAt] }), index('report_status_spans_status_idx').on(t.status, t.fromAt)],
);

/**
 * What a relatives section held, and since when: each relative (`relative`, with whether they
 * are a child) and each kind of support offered to them (`support.<kind>`). First seen is kept:
 * the section itself does not date them.
 */
export const reportItems = pgTable(
  'report_items',
  {
    planId: uuid('plan_id').notNull(),
    /** The relative's item id, or `<relative id>/support/<kind>`. */
    item: text('item').notNull(),
    kind: text('kind').notNull(),
    firstAt: timestamp('first_at', { withTimezone: true }).notNull(),
    child: boolean('child').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.planId, t.item] }), index('report_items_kind_idx').on(t.kind, t.firstAt)],
);

/**
 * The dated events of a relatives section, one row each, rebuilt from the section with every
 * change to it: commitment events (`commitment.<status>.<kind>`, the kind `unspecified` when the
 * commitment has none), first answers (with the days they took), re-planning after a withdrawal,
 * home-consent answers, requests and their handling, support taken up (`support.taken-up.<kind>`).
 * `on` is the event's UTC day (migration `0016_report_kinds`).
 */
export const reportFacts = pgTable(
  'report_facts',
  {
    planId: uuid('plan_id').notNull(),
    kind: text('kind').notNull(),
    on: date('on_day').notNull(),
    /** For answers, handling and re-planning: whole days it took. */
    days: integer('days'),
  },
  (t) => [index('report_facts_kind_idx').on(t.kind, t.on), index('report_facts_plan_idx').on(t.planId)],
);
