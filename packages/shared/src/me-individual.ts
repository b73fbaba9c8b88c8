/**
 * The individual's own API: the person the plan is about, signed in with their own e-ID (a
 * citizen token whose `sub` is their personnummer), reads their SIP whole, gives, narrows or
 * withdraws their consent to it and each relative's sharing, writes their own goals, and reads
 * who has read their plan. A relative never acts for the individual here: a relative's token
 * gets 404 on these routes, a staff token 403.
 *
 * The routes (every answer problem+json on error; every read is recorded in the access log):
 *
 * | route | body | answer |
 * | --- | --- | --- |
 * | `GET /api/me/plans` | — | `{ items: MyPlanListItem[] }`: each plan with my `role` in it, `individual` or `relative` |
 * | `GET /api/me/own-plans/{planId}` | — | {@link ownPlanSchema} `OwnPlan`; header `ETag: W/"<version>"` |
 * | `PUT /api/me/own-plans/{planId}/consent` | {@link ownConsentDecisionSchema} | `OwnPlan`; `Idempotency-Key` required, `If-Match: W/"<version>"` optional (412 when stale) |
 * | `PUT /api/me/own-plans/{planId}/relatives/{relativeId}/sharing` | {@link ownSharingDecisionSchema} | `OwnPlan`; `Idempotency-Key` required |
 * | `PUT /api/me/own-plans/{planId}/own-goals` | {@link ownGoalsSchema} | `OwnPlan`; `Idempotency-Key` and `If-Match: W/"<version>"` required (428 without, 412 when stale) |
 * | `GET /api/me/own-plans/{planId}/access-log?limit=&offset=` | — | {@link ownAccessLogSchema} `OwnAccessLog`, newest first |
 *
 * A retry with the same `Idempotency-Key` and body returns the first answer (header
 * `Idempotent-Replayed: true`); the same key with another body is a 422. Under 18, the consent
 * to the SIP rests on the guardians: the individual can withdraw it, and withdraw a relative's
 * sharing, but not give either alone (422).
 */
import { z } from 'zod';
import { apiDate } from './fhir-types.ts';
import { myPlanSummarySchema } from './me.ts';
import {
  consentCategorySchema,
  goalSchema,
  individualConsentSchema,
  LIST_MAX,
  participantSchema,
  planStatusSchema,
  principalSchema,
  relativeSchema,
  relativeSharingSchema,
  TEXT_SHORT,
} from './plan.ts';
import { apiText } from './fhir-types.ts';

/** A plan I am the individual in, as `GET /api/me/plans` lists it. */
export const ownPlanSummarySchema = z
  .object({ planId: z.uuid(), title: z.string().nullable(), status: planStatusSchema, role: z.literal('individual') })
  .meta({ id: 'OwnPlanSummary' });

/** One plan of `GET /api/me/plans`: one I am the individual in, or a relative in (`role`). */
export const myPlanListItemSchema = z.discriminatedUnion('role', [ownPlanSummarySchema, myPlanSummarySchema]).meta({ id: 'MyPlanListItem' });

/** A person at a unit, as the individual is shown them. */
const contactView = z.object({ name: z.string(), title: z.string().optional(), unit: z.string().optional(), phone: z.string().optional() });
const textItem = z.object({ id: z.string().optional(), text: z.string() });

/** The consent states of `consentState`: none, refused, in force, expired, withdrawn. */
export const consentStateSchema = z.enum(['none', 'refused', 'in-force', 'expired', 'withdrawn']);

/** My SIP, whole, as I (the individual) read it: nothing is withheld from me. */
export const ownPlanSchema = z
  .object({
    planId: z.uuid(),
    version: z
      .number()
      .int()
      .describe('Version of the plan-level record (consent, own goals, meetings, …): the ETag; send it as If-Match to change my goals or my consent'),
    revision: z.number().int().describe('Version of the plan as a whole: any change raises it'),
    title: z.string().nullable(),
    status: planStatusSchema,
    child: z.boolean().describe('I am under 18 today: my consent rests on my guardians; I can withdraw, not give, alone'),
    coordinator: contactView.nullable().describe('The SIP coordinator: the one way in'),
    responsible: z
      .object({ principal: principalSchema, organisation: z.string() })
      .nullable()
      .describe('The principal with the overall responsibility for the plan; null until one is named'),
    outOfHours: z.string().nullable().describe('Where to turn out of office hours, as the plan says'),
    individualGoals: z.array(textItem).describe('My own goals, in my own words: what matters to me ("det här är viktigt för mig")'),
    individualOwnActions: z.array(textItem).describe('What I do myself'),
    needs: z.array(textItem),
    parts: z
      .array(
        z.object({
          principal: principalSchema,
          organisation: z.object({ id: z.string(), name: z.string() }),
          contactPerson: contactView.nullable(),
          goals: z.array(textItem).describe("The principal's professional goals"),
          interventions: z.array(
            z.object({
              id: z.string().optional(),
              title: z.string(),
              description: z.string().optional(),
              status: z.enum(['planned', 'decided']),
              performedBy: z.string().optional().describe('Who does it'),
              when: z.string().optional(),
              startDate: z.string().optional(),
              endDate: z.string().optional(),
            }),
          ),
        }),
      )
      .describe("Each principal's part: who does what"),
    otherActorMeasures: z.array(z.object({ id: z.string().optional(), actor: z.string(), measure: z.string(), when: z.string().optional() })),
    participants: z.array(participantSchema.pick({ kind: true, name: true, role: true })),
    meetings: z.array(z.object({ id: z.string().optional(), at: z.string(), place: z.string().optional(), notes: z.string().optional() })),
    followUp: z.object({ date: z.string(), by: contactView }).nullable(),
    consent: individualConsentSchema
      .extend({ state: consentStateSchema.describe('Where my consent stands today') })
      .nullable()
      .describe('My consent to the SIP and its scope; null: none recorded'),
    relatives: z
      .array(
        z.object({
          relativeId: z.string(),
          name: z.string(),
          relationship: relativeSchema.shape.relationship,
          child: z.boolean(),
          sharing: relativeSharingSchema.nullable().describe('What I share with this relative; null: nothing recorded'),
          sharedNow: z
            .array(consentCategorySchema)
            .describe('What the relative sees today: my sharing with them, within my consent to the SIP, while both are in force'),
        }),
      )
      .describe('My relatives in the plan, and what each sees'),
    updatedAt: z.string(),
  })
  .meta({ id: 'OwnPlan' });

const isoDate = apiDate();

/**
 * My decision on the consent to the SIP: `give` (also to narrow or widen it: the scope given
 * replaces the one in force) or `withdraw` (nothing crosses any more, at once). Recorded as given
 * by me with my e-ID (`recordedWith: 'e-id'`). What the consent already excludes stays excluded.
 */
export const ownConsentDecisionSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('give'),
      information: z.array(consentCategorySchema).min(1).max(LIST_MAX).describe('Which information may be shared within the SIP'),
      actors: z
        .array(apiText(TEXT_SHORT))
        .min(1)
        .max(LIST_MAX)
        .describe("Which organisations may take part in and read the SIP: the principals' HSA-ids (`parts[].organisation.id`) or names"),
      validUntil: isoDate.optional().describe('The last day the consent holds; absent: until I withdraw it'),
    }),
    z.strictObject({ decision: z.literal('withdraw') }),
  ])
  .meta({ id: 'OwnConsentDecision' });

/**
 * My decision on what one relative sees: `share` (also to narrow: the categories given replace
 * the ones before) or `withdraw` (the relative sees nothing of the plan any more, at once).
 */
export const ownSharingDecisionSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('share'),
      categories: z.array(consentCategorySchema).min(1).max(LIST_MAX).describe('Which information the relative may see'),
      validUntil: isoDate.optional().describe('The last day; absent: until I withdraw it'),
    }),
    z.strictObject({ decision: z.literal('withdraw') }),
  ])
  .meta({ id: 'OwnSharingDecision' });

/**
 * My own goals and what I do myself, in my own words: a list present replaces the one in the
 * plan (items keep their `id`; a new item gets one). At least one of the two.
 */
export const ownGoalsSchema = z
  .strictObject({
    individualGoals: z.array(goalSchema).max(LIST_MAX).optional().describe('What matters to me'),
    individualOwnActions: z.array(goalSchema).max(LIST_MAX).optional().describe('What I do myself'),
  })
  .refine((v) => v.individualGoals !== undefined || v.individualOwnActions !== undefined, {
    message: 'give individualGoals, individualOwnActions or both',
    path: ['individualGoals'],
  })
  .meta({ id: 'OwnGoals' });

/** Who accessed my data, in plain categories. */
export const ownAccessWhoSchema = z.enum(['staff', 'auditor', 'relative', 'me', 'service']);
/** What was done, in plain categories. */
export const ownAccessWhatSchema = z.enum(['plan', 'plan-list', 'history', 'live-changes', 'relatives', 'consent', 'plan-change', 'access-log', 'work-list']);

/**
 * One access to my data, from the access log (Patientdatalagen): who (staff of which
 * organisation, an auditor, a relative, me, the service itself), when, what. No staff member's
 * own identity: the organisation answers for its staff.
 */
export const ownAccessEntrySchema = z
  .object({
    at: z.string().describe('When (RFC 3339)'),
    who: ownAccessWhoSchema,
    organisation: z
      .object({ id: z.string(), name: z.string().nullable() })
      .nullable()
      .describe('For staff and auditors: their organisation (HSA-id, and its name when known)'),
    relative: z.object({ name: z.string() }).nullable().describe('For a relative: their name as the plan has it (null when the plan no longer names them)'),
    what: ownAccessWhatSchema,
    kind: z.enum(['read', 'change']),
    planId: z.uuid().nullable().describe('The plan; null for an access to the log as a whole (an auditor’s extract)'),
  })
  .meta({ id: 'OwnAccessEntry' });

export const ownAccessLogSchema = z
  .object({ items: z.array(ownAccessEntrySchema).describe('Newest first'), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .meta({ id: 'OwnAccessLog' });

export type OwnPlanSummary = z.infer<typeof ownPlanSummarySchema>;
export type MyPlanListItem = z.infer<typeof myPlanListItemSchema>;
export type OwnPlan = z.infer<typeof ownPlanSchema>;
export type OwnConsentDecision = z.input<typeof ownConsentDecisionSchema>;
export type OwnSharingDecision = z.input<typeof ownSharingDecisionSchema>;
export type OwnGoals = z.input<typeof ownGoalsSchema>;
export type OwnAccessWho = z.infer<typeof ownAccessWhoSchema>;
export type OwnAccessWhat = z.infer<typeof ownAccessWhatSchema>;
export type OwnAccessEntry = z.infer<typeof ownAccessEntrySchema>;
export type OwnAccessLog = z.infer<typeof ownAccessLogSchema>;
