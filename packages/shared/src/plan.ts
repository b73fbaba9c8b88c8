import { z } from 'zod';
import { apiCode, apiDate, apiDateTime, apiText, apiToken } from './fhir-types.ts';
import { personIdSchema } from './identifiers.ts';

// The FHIR primitive types the schemas below are made of, for every user of the plan's schemas.
export * from './fhir-types.ts';

/** Limits on free text: long enough for real notes, short enough that nobody stores a file. */
export const TEXT_SHORT = 200;
export const TEXT_LONG = 4000;
export const LIST_MAX = 100;

// Every string, date and date-time the API takes is one of FHIR R4's primitive types
// (fhir-types.ts): whatever is accepted here can be published to a FHIR server as it is.
const shortText = apiText(TEXT_SHORT);
const longText = apiText(TEXT_LONG);
/** An id of an organisation or a person in a directory (an HSA-id, in practice). */
const directoryId = apiText(64);
const phone = apiText(40, 3);
const isoDate = apiDate();
const isoDateTime = apiDateTime();
/** A value the sync sets and a client sends back as it got it: a FHIR string, not trimmed. */
const token = apiToken;
const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIST_MAX);
/** An item id: given by the server when the client leaves it out. */
const itemId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'may hold letters, digits, dot, dash and underscore');

/** The two principals (huvudmän) that share a SIP. */
export const principalSchema = z.enum(['region', 'municipality']);
export type Principal = z.infer<typeof principalSchema>;

/**
 * Draft → active → followed up → closed. `consent_withdrawn`: the individual withdrew their
 * consent to the SIP; the plan can no longer be active until a new consent is recorded.
 */
export const planStatusSchema = z.enum(['draft', 'active', 'followed_up', 'consent_withdrawn', 'closed']);
export type PlanStatus = z.infer<typeof planStatusSchema>;

/** The transitions a SIP's status may take. `consent_withdrawn` is entered by the withdrawal itself, never asked for. */
export const planTransitions: Record<PlanStatus, PlanStatus[]> = {
  draft: ['active', 'closed'],
  active: ['followed_up', 'closed'],
  followed_up: ['active', 'closed'],
  consent_withdrawn: ['draft', 'active', 'closed'],
  closed: [],
};

export const organisationSchema = z.strictObject({
  id: directoryId.describe('HSA-id of the organisation'),
  name: shortText,
});

/** A principal named when a plan is created: a known organisation, by HSA-id (its name comes from the register of organisations). */
export const principalRefSchema = z.strictObject({
  id: directoryId.describe('HSA-id of a known organisation (GET /api/organisations)'),
  name: shortText.optional().describe('Ignored: the name is the one the register of organisations holds'),
});

/** A named person at a unit: the coordinator, a contact person, who follows up. */
export const staffContactSchema = z.strictObject({
  name: shortText,
  title: shortText.optional(),
  hsaId: directoryId.optional(),
  unit: shortText.optional(),
  phone: phone.optional(),
  phoneHours: shortText.optional().describe('When the phone is answered, as staff write it (e.g. "vardagar 8–12"): shown to relatives beside the number'),
  organisationId: directoryId.optional(),
});

export const consentCategorySchema = z.enum([
  'goals',
  'needs',
  'interventions',
  'health-interventions',
  'social-interventions',
  'contacts',
  'meetings',
  'follow-up',
]);
export type ConsentCategory = z.infer<typeof consentCategorySchema>;

/** Set by the service: the individual recorded it themself, signed in with their own e-ID; `recordedBy` then names them. Never taken from staff. */
const recordedWithSchema = z
  .literal('e-id')
  .optional()
  .describe('Set by the service: the individual recorded it themself, signed in with their own e-ID (`recordedBy` names them); ignored when staff send it');

/** The individual's consent to the SIP and to sharing within it. */
export const individualConsentSchema = z.strictObject({
  given: z.boolean(),
  form: z.enum(['written', 'oral']).describe('Oral consent is documented by whoever recorded it'),
  recordedAt: isoDateTime,
  recordedBy: staffContactSchema,
  scope: z.strictObject({
    information: list(consentCategorySchema).describe('Which information may be shared within the SIP'),
    actors: list(shortText).describe('Which actors may take part in and read the SIP'),
    validUntil: isoDate.optional(),
    excluded: longText.optional().describe('What is explicitly excluded, in words'),
    excludedItems: list(itemId)
      .optional()
      .describe('Items (goals, needs, interventions, meetings, measures) excluded by id: they never cross to another actor or reach a relative'),
  }),
  guardians: list(
    z.strictObject({ name: shortText, given: z.boolean(), recordedAt: isoDateTime }),
  ).optional().describe('Guardians\u2019 consent, when the individual is under 18'),
  basis: z
    .enum(['individual', 'guardians'])
    .optional()
    .describe('Set by the service: whose consent it rests on (the guardians\u2019 when the individual is under 18)'),
  revokedAt: isoDateTime.optional().describe('The individual withdrew the consent: nothing crosses any more, at once'),
  recordedWith: recordedWithSchema,
});
export type IndividualConsent = z.infer<typeof individualConsentSchema>;

export const goalSchema = z.strictObject({ id: itemId.optional(), text: longText });
export const needSchema = z.strictObject({ id: itemId.optional(), text: longText });

/** Where an item came from: the upstream record it mirrors, at the version last synced. */
export const sourceRefSchema = z.strictObject({
  system: principalSchema,
  resourceType: token(64),
  // An upstream's resource id (at most 64 characters), and for an activity of a CarePlan a `#activity-<n>` after it.
  id: token(100),
  version: token(64).optional(),
});
export type SourceRef = z.infer<typeof sourceRefSchema>;

/**
 * A Condition an item addresses, as its upstream record says (a ServiceRequest's
 * `reasonReference`, a CarePlan activity's, or the upstream CarePlan's own `addresses`): the
 * upstream that holds it, its id there, and its identifier when it has one. Nothing of what the
 * Condition says is kept: the receiving record that holds it reads it there.
 */
export const conditionRefSchema = z.strictObject({
  system: principalSchema.describe('The upstream that holds the Condition'),
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id').describe('The Condition\u2019s id at that upstream'),
  identifier: z
    .strictObject({
      system: token(TEXT_SHORT).regex(/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/, 'must be an absolute URI'),
      value: token(TEXT_SHORT),
    })
    .optional()
    .describe('The Condition\u2019s identifier, by which the other side can name it'),
});
export type ConditionRef = z.infer<typeof conditionRefSchema>;

const upstreamFields = {
  source: sourceRefSchema.optional().describe('Set by sync: the upstream record this item mirrors'),
  removedUpstream: z.boolean().optional().describe('Set by sync: the upstream no longer has it; kept, not deleted'),
};

export const interventionSchema = z.strictObject({
  ...upstreamFields,
  id: itemId.optional(),
  title: shortText,
  description: longText.optional(),
  status: z.enum(['planned', 'decided']),
  performedBy: shortText.optional().describe('Who does it (a unit, a role)'),
  when: shortText.optional().describe('When and how often, in words'),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  addresses: z
    .array(conditionRefSchema)
    .max(20)
    .optional()
    .describe('Set by sync: the upstream Conditions the intervention addresses, where the upstream record says so'),
})
  // Published as a FHIR Period, whose start must not come after its end.
  .refine((i) => !i.startDate || !i.endDate || i.startDate <= i.endDate, { message: 'must not be before startDate', path: ['endDate'] });

export const participantSchema = z.strictObject({
  id: itemId.optional(),
  kind: z.enum(['principal', 'invited']).describe('A summoned principal, or an invited other (school, Försäkringskassan, guardian)'),
  name: shortText,
  role: shortText.optional(),
  organisationId: directoryId.optional(),
});

export const meetingSchema = z.strictObject({
  id: itemId.optional(),
  at: isoDateTime,
  place: shortText.optional(),
  notes: longText.optional(),
});

export const otherActorMeasureSchema = z.strictObject({
  id: itemId.optional(),
  actor: shortText,
  measure: longText,
  when: shortText.optional(),
});

/** The plan-level fields; the coordinator edits them. */
export const planFieldsSchema = z.strictObject({
  title: shortText.optional(),
  overallResponsibility: principalSchema.optional().describe('The principal with overall responsibility for the plan'),
  coordinator: staffContactSchema.optional().describe('The SIP coordinator'),
  individualGoals: list(goalSchema).optional().describe('The individual\u2019s own goals: what matters to them'),
  needs: list(needSchema).optional(),
  individualOwnActions: list(goalSchema).optional().describe('What the individual does themself'),
  otherActorMeasures: list(otherActorMeasureSchema).optional().describe('Measures by others than the principals'),
  meetings: list(meetingSchema).optional(),
  followUp: z.strictObject({ date: isoDate, by: staffContactSchema }).optional(),
  outOfHours: longText.optional().describe('Where a relative turns out of office hours'),
});
export type PlanFields = z.infer<typeof planFieldsSchema>;

/**
 * The individual's consent to share information with one relative: per category, time-limited,
 * documented, revocable. A `revokedAt` ends it at once, whatever its dates.
 */
export const relativeSharingSchema = z.strictObject({
  categories: list(consentCategorySchema).describe('Which information the relative may see'),
  validFrom: isoDate.optional(),
  validUntil: isoDate.optional(),
  form: z.enum(['written', 'oral']).describe('Oral consent is documented by whoever recorded it'),
  recordedAt: isoDateTime,
  recordedBy: staffContactSchema,
  revokedAt: isoDateTime.optional(),
  recordedWith: recordedWithSchema,
});
export type RelativeSharing = z.infer<typeof relativeSharingSchema>;

/** Whether the individual's consent to share with a relative is in force on a day. */
export function sharingInEffect(sharing: RelativeSharing | undefined, on: Date): boolean {
  if (!sharing || sharing.revokedAt) return false;
  const day = on.toISOString().slice(0, 10);
  if (sharing.validFrom && day < sharing.validFrom) return false;
  if (sharing.validUntil && day > sharing.validUntil) return false;
  return true;
}

/** What a relative is told, how and how often. */
export const relativeInformationSchema = z.strictObject({
  id: itemId.optional(),
  what: longText,
  how: shortText,
  howOften: shortText,
});

/** One occasion the relative was informed. */
export const informedEntrySchema = z.strictObject({
  id: itemId.optional(),
  at: isoDateTime,
  what: longText,
  by: staffContactSchema,
});

/** The reference on the receipt a relative is given for an answer: staff find the answer by it. */
export const receiptReference = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/, 'must be a receipt reference, e.g. K7M3-Q9X2')
  .describe('The reference on the receipt the relative was given for this answer (set by the service)');

export const commitmentEventStatusSchema = z.enum(['requested', 'accepted', 'declined', 'withdrawn', 'cancelled', 'reconfirmed']);
export type CommitmentEventStatus = z.infer<typeof commitmentEventStatusSchema>;

/** One entry in a commitment's answer history: appended, never rewritten. */
export const commitmentEventSchema = z.strictObject({
  at: isoDateTime,
  status: commitmentEventStatusSchema,
  by: z.enum(['staff', 'relative']),
  comment: longText.optional(),
  userId: token(64).optional().describe('Staff: the HSA-id of who recorded it'),
  organisationId: token(64).optional(),
  reviewDate: isoDate.optional().describe('On reconfirmation: the next review date'),
  reference: receiptReference.optional(),
});
export type CommitmentEvent = z.infer<typeof commitmentEventSchema>;

/**
 * What kind of help a voluntary commitment is, for the yearly follow-up (what it is in words stays
 * in `what`): the kinds of help relatives give that the national survey of municipal support to
 * relatives and the municipal guidelines name. `other` for anything else.
 */
export const commitmentKindSchema = z.enum(['personal-care', 'household', 'accompanying', 'supervision', 'contacts', 'finances', 'other']);
export type CommitmentKind = z.infer<typeof commitmentKindSchema>;

/** The Swedish and English names of the kinds of commitment (UI, documents, FHIR display). */
export const commitmentKindLabels: Record<CommitmentKind, { sv: string; en: string }> = {
  'personal-care': { sv: 'Personlig omvårdnad', en: 'Personal care' },
  household: { sv: 'Hushåll och praktisk hjälp', en: 'Household and practical help' },
  accompanying: { sv: 'Ledsagning och resor', en: 'Accompanying and transport' },
  supervision: { sv: 'Tillsyn och sällskap', en: 'Supervision and company' },
  contacts: { sv: 'Kontakter med vård och myndigheter', en: 'Contacts with care and authorities' },
  finances: { sv: 'Ekonomi och ärenden', en: 'Finances and paperwork' },
  other: { sv: 'Annat', en: 'Other' },
};

/**
 * A voluntary commitment (frivilligt åtagande) proposed to a relative. Its status is the last
 * event of its history; nothing counts as committed until the relative accepts.
 */
export const commitmentSchema = z.strictObject({
  id: itemId,
  kind: commitmentKindSchema.optional().describe('What kind of help it is (for the follow-up); left out for commitments proposed without one'),
  what: longText,
  howOften: shortText,
  from: isoDate,
  until: isoDate.optional(),
  reviewDate: isoDate.describe('Past it, the relative must confirm the commitment again'),
  history: z.array(commitmentEventSchema).min(1).max(500),
});
export type Commitment = z.infer<typeof commitmentSchema>;

/** A voluntary commitment as staff propose it to a relative (the service keeps its history). */
export const commitmentProposalSchema = z.strictObject({
  kind: commitmentKindSchema.optional().describe('What kind of help it is'),
  what: longText,
  howOften: shortText,
  from: isoDate,
  until: isoDate.optional(),
  reviewDate: isoDate,
  comment: longText.optional(),
});
export type CommitmentProposal = z.infer<typeof commitmentProposalSchema>;

/** Staff cancelling a commitment, with why. */
export const commitmentCancelSchema = z.strictObject({ comment: longText.optional() });

export type CommitmentStatus = Exclude<CommitmentEventStatus, 'reconfirmed'>;

/** The current status of a commitment: its last event, a reconfirmation counting as accepted. */
export function commitmentStatus(commitment: Pick<Commitment, 'history'>): CommitmentStatus {
  const last = commitment.history[commitment.history.length - 1]?.status ?? 'requested';
  return last === 'reconfirmed' ? 'accepted' : last;
}

/** The review date in force: the latest one set by a reconfirmation, else the one proposed. */
export function commitmentReviewDate(commitment: Pick<Commitment, 'history' | 'reviewDate'>): string {
  for (let i = commitment.history.length - 1; i >= 0; i--) {
    const event = commitment.history[i]!;
    if (event.status === 'reconfirmed' && event.reviewDate) return event.reviewDate;
  }
  return commitment.reviewDate;
}

export const supportOfferSchema = z.enum(['conversation', 'respite', 'groups', 'training']);
export type SupportOffer = z.infer<typeof supportOfferSchema>;

/** Support for the relative's own needs (the municipality's duty to offer support to carers). */
export const relativeSupportSchema = z.strictObject({
  offered: z.array(supportOfferSchema).max(4).describe('Support offered to the relative'),
  takenUp: z
    .array(z.strictObject({ kind: supportOfferSchema, at: isoDate.describe('The day the relative began to take part in it, as staff recorded it') }))
    .max(4)
    .optional()
    .describe('Support offered that the relative took up (tagit emot): each kind once, and only kinds in `offered`'),
  requests: list(
    z.strictObject({
      kind: z
        .enum(['contact-consultant', 'needs-assessment', 'leave-role'])
        .describe('`leave-role`: the relative asks to step out of the relative role in the plan (it is voluntary)'),
      at: isoDateTime,
      note: longText.optional(),
      handledAt: isoDateTime.optional().describe('When staff dealt with it; until then it is on the work list'),
      reference: receiptReference.optional(),
    })
      // Published as a FHIR Task whose lastModified must not come before its authoredOn.
      .refine((r) => !r.handledAt || Date.parse(r.handledAt) >= Date.parse(r.at), { message: 'must not be before at', path: ['handledAt'] }),
  ),
  referredToConsultantAt: isoDateTime.optional(),
});
export type RelativeSupport = z.infer<typeof relativeSupportSchema>;

/** One answer of a relative on the home as a place of care. */
export const homeConsentAnswerSchema = z.strictObject({
  consent: z.boolean(),
  at: isoDateTime,
  comment: longText.optional(),
  reference: receiptReference.optional(),
});

/** The relative's own consent to the home as a place of care: the answer in force, and every answer given. */
export const homeConsentSchema = homeConsentAnswerSchema.extend({
  history: z.array(homeConsentAnswerSchema).min(1).max(500).describe('Every answer, oldest first; the last is the one in force'),
});
export type HomeConsent = z.infer<typeof homeConsentSchema>;

/** A relative of the individual, in the standing relatives section. */
export const relativeSchema = z.strictObject({
  id: itemId.optional(),
  name: shortText,
  relationship: z.strictObject({ code: apiCode(20).optional().describe('A v3 RoleCode (e.g. DAU, SPS)'), text: shortText }),
  personId: personIdSchema.optional().describe('Lets the relative sign in with their own e-ID'),
  phone: phone.optional(),
  email: z.email().max(TEXT_SHORT).optional(),
  child: z.boolean().describe('Under 18: children are not asked to take on commitments'),
  sharesHome: z.boolean(),
  sources: z.array(sourceRefSchema).max(10).optional(),
  removedUpstream: z.boolean().optional(),
  protectedIdentity: z
    .boolean()
    .optional()
    .describe('Skyddade personuppgifter: address and contact details are never shown to relatives, published or sent in events'),
  sharing: relativeSharingSchema.optional().describe('The individual\u2019s consent to share with this relative'),
  information: list(relativeInformationSchema).optional().describe('What the relative is told, how and how often'),
  informed: z.array(informedEntrySchema).max(1000).optional().describe('When the relative was informed, oldest first'),
  commitments: list(commitmentSchema).optional().describe('Voluntary commitments proposed to the relative'),
  support: relativeSupportSchema.optional(),
  homeConsent: homeConsentSchema.optional().describe('The relative\u2019s own consent to the home as a place of care, where they share it'),
});
export type Relative = z.infer<typeof relativeSchema>;

/** One principal's part; only that principal's staff edit it. */
export const partContentSchema = z.strictObject({
  contactPerson: staffContactSchema.optional(),
  goals: list(goalSchema).optional().describe('Professional goals'),
  interventions: list(interventionSchema).optional(),
});
export type PartContent = z.infer<typeof partContentSchema>;

export const createPlanSchema = planFieldsSchema.extend({
  individual: z.strictObject({ personId: personIdSchema, name: shortText.optional() }),
  principals: z.strictObject({ region: principalRefSchema, municipality: principalRefSchema }),
});
export type CreatePlan = z.infer<typeof createPlanSchema>;

export const statusChangeSchema = z.strictObject({ status: planStatusSchema });

const partViewSchema = z.object({
  id: z.uuid(),
  principal: principalSchema,
  organisation: organisationSchema,
  version: z.number().int(),
  content: partContentSchema,
  updatedAt: z.string(),
});

/** The standing relatives section: present in every plan from creation. */
export const relativesSectionViewSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  relatives: z.array(relativeSchema.extend({ id: z.string() })),
});



/** How the last sync with each upstream went. */
export const sourceStatusSchema = z.object({
  status: z
    .enum(['ok', 'not-found', 'unavailable', 'not-shared', 'never'])
    .describe('`not-shared`: the individual\u2019s consent does not let the plan reach this side, so it is neither read nor written'),
  reason: z.string().optional(),
  lastAttemptAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
});
export type SourceStatus = z.infer<typeof sourceStatusSchema>;

/** How the plan stands for the one reading it: what the individual's consent lets them see. */
export const planVisibilitySchema = z.object({
  as: principalSchema.describe('The principal the reader acts for'),
  consent: z.enum(['none', 'refused', 'in-force', 'expired', 'withdrawn']).describe('Where the individual\u2019s consent to the SIP stands today'),
  withheld: z
    .array(z.string())
    .describe('What the plan holds that is not shown to the reader, as `<holder>:<what>` (e.g. `region:interventions`, `plan:needs`): it has not crossed'),
});
export type PlanVisibility = z.infer<typeof planVisibilitySchema>;

export const planViewSchema = z.object({
  id: z.uuid(),
  status: planStatusSchema,
  initiator: principalSchema.describe('The principal that created the plan: until the individual consents, the plan holds only what it has'),
  protectedIdentity: z
    .boolean()
    .describe('The individual has skyddade personuppgifter: address and contact details never leave the broker'),
  individual: z.object({ personId: z.string(), kind: z.enum(['personnummer', 'samordningsnummer']), name: z.string().optional() }),
  fields: planFieldsSchema,
  consent: individualConsentSchema.nullable(),
  participants: z.array(participantSchema.extend({ id: z.string() })),
  version: z.number().int().describe('Version of the plan-level fields, consent, participants and status'),
  revision: z.number().int().describe('Version of the plan as a whole: any change raises it'),
  parts: z.array(partViewSchema),
  relativesSection: relativesSectionViewSchema,
  sources: z
    .object({ region: sourceStatusSchema, municipality: sourceStatusSchema, demographicConflicts: z.array(z.string()) })
    .optional()
    .describe('How the last sync with each upstream went; a side that is down is marked, not hidden'),
  visibility: planVisibilitySchema.optional().describe('For the reader: what the individual\u2019s consent lets them see'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PlanView = z.infer<typeof planViewSchema>;
export type PartView = z.infer<typeof partViewSchema>;

/** PATCH of plan-level fields: a field present replaces the stored one, `null` clears it. */
export const planFieldsPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(planFieldsSchema.shape).map(([key, schema]) => [key, (schema as z.ZodOptional<z.ZodType>).unwrap().nullable().optional()]),
  ) as { [K in keyof PlanFields]-?: z.ZodOptional<z.ZodNullable<z.ZodType<NonNullable<PlanFields[K]>>>> },
);
export type PlanFieldsPatch = z.infer<typeof planFieldsPatchSchema>;

/** PATCH of a part: a field present replaces the stored one, `null` clears it. */
export const partContentPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(partContentSchema.shape).map(([key, schema]) => [key, (schema as z.ZodOptional<z.ZodType>).unwrap().nullable().optional()]),
  ) as { [K in keyof PartContent]-?: z.ZodOptional<z.ZodNullable<z.ZodType<NonNullable<PartContent[K]>>>> },
);
export type PartContentPatch = z.infer<typeof partContentPatchSchema>;

/**
 * The `data` of each change event on a plan's live stream (`GET /api/plans/{planId}/events`):
 * ids and versions only, never content or personal data. Read the plan or part to see what changed.
 */
export const planEventSchema = z.object({
  planId: z.uuid(),
  type: z.string().describe('The kind of change, as the event name: `part.updated`, `plan.updated`, `consent.updated`, …'),
  partId: z.uuid().nullable().describe('The part that changed; null for plan-level changes'),
  version: z.number().int().describe('The version of what changed (the part, or the plan-level record)'),
  revision: z.number().int().describe('The revision of the whole plan after the change'),
  organisationId: z.string().describe('HSA-id of the organisation whose staff made the change'),
  at: z.string().describe('When the change was made (RFC 3339)'),
});
export type PlanEvent = z.infer<typeof planEventSchema>;

/**
 * The `data` of a `presence` event on a plan's live stream: who else has the plan open, as the
 * plan's open event streams (on every instance of the broker) counted per organisation, the
 * reader's own included. Organisation ids and counts only, never users or other personal data.
 */
export const planPresenceSchema = z.object({
  planId: z.uuid(),
  organisations: z
    .array(
      z.object({
        organisationId: z.string().describe('HSA-id of the organisation'),
        count: z.number().int().min(1).describe("How many of the plan's event streams its staff have open"),
      }),
    )
    .describe("Sorted by organisationId; the reader's own stream included"),
});
export type PlanPresence = z.infer<typeof planPresenceSchema>;
