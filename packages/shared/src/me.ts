/**
 * The relative's own API (`/api/me`): what a relative may see of a plan, and their answers.
 * Used by the broker for validation and OpenAPI, and by the widget for its types.
 */
import { z } from 'zod';
import {
  commitmentSchema,
  homeConsentSchema,
  informedEntrySchema,
  planStatusSchema,
  principalSchema,
  relativeInformationSchema,
  relativeSchema,
  relativeSharingSchema,
  relativeSupportSchema,
} from './plan.ts';
import { commitmentAnswers } from './commitments.ts';
import { apiDate, isWellFormed, WELL_FORMED_MESSAGE } from './fhir-types.ts';

const COMMENT_MAX = 2000;
/** Control characters other than tab and newline. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

const freeText = z
  .string()
  .max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`)
  .refine(isWellFormed, WELL_FORMED_MESSAGE)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters other than newline and tab')
  .transform((s) => s.trim())
  .optional();

const isoDate = apiDate();

export const commitmentAnswerSchema = z
  .strictObject({ answer: z.enum(commitmentAnswers), comment: freeText })
  .meta({ id: 'CommitmentAnswer' });
export const homeConsentAnswerBodySchema = z.strictObject({ consent: z.boolean(), comment: freeText }).meta({ id: 'HomeConsentAnswer' });
export const supportRequestSchema = z
  .strictObject({
    kind: z
      .enum(['contact-consultant', 'needs-assessment', 'leave-role'])
      .describe('`leave-role`: I ask to step out of the relative role in this plan; the principal responsible for it re-plans with me'),
    note: freeText,
  })
  .meta({ id: 'SupportRequest' });

export const myCommitmentSchema = commitmentSchema
  .extend({
    status: z.enum(['requested', 'accepted', 'declined', 'withdrawn', 'cancelled']),
    currentReviewDate: isoDate,
    allowedAnswers: z
      .array(z.enum(commitmentAnswers))
      .describe('The answers I can give on it today: accept and decline while requested, withdraw while accepted, reconfirm from 14 days before the review date'),
  })
  .meta({ id: 'MyCommitment' });

export const myPlanSummarySchema = z
  .object({
    planId: z.uuid(),
    title: z.string().nullable(),
    status: planStatusSchema,
    relativeId: z.string(),
    role: z.literal('relative').describe('I am a relative in this plan (`individual`: the plan is about me, see `/api/me/own-plans`)'),
  })
  .meta({ id: 'MyPlanSummary' });

const sharedItem = { principal: principalSchema };
/** A phone number as relatives see it: the number for a `tel:` link, and as it is written in Sweden. */
const phoneFields = {
  phone: z.string().optional().describe('The number in E.164 (+46101740300) for a tel: link; as recorded when it cannot be read as a number'),
  phoneDisplay: z.string().optional().describe('The number as it is written in Sweden (010-174 03 00); as recorded when it cannot be read as a number'),
  phoneHours: z.string().optional().describe('When the phone is answered, as staff wrote it'),
};
export const myPlanSchema = z
  .object({
    planId: z.uuid(),
    title: z.string().nullable(),
    status: planStatusSchema,
    individual: z
      .object({ givenName: z.string().nullable().describe('The given name of the person the plan is for; null when the plan has none') })
      .describe('Who the plan is for, as a relative addresses them: never the personnummer'),
    coordinator: z
      .object({ name: z.string(), title: z.string().optional(), unit: z.string().optional(), ...phoneFields })
      .nullable()
      .describe('The SIP coordinator: the one way in'),
    responsible: z
      .object({ principal: principalSchema, organisation: z.string() })
      .nullable()
      .describe('The principal with the overall responsibility for the plan: who re-plans when I withdraw; null until one is named'),
    outOfHours: z
      .string()
      .nullable()
      .describe('Where to turn out of office hours, as the plan says; null: the general guidance applies (1177, 112, the coordinator on the next working day)'),
    me: z.object({
      relativeId: z.string(),
      name: z.string(),
      relationship: relativeSchema.shape.relationship,
      child: z.boolean(),
      sharesHome: z.boolean(),
      sharing: relativeSharingSchema.nullable().describe('What the individual has consented to share with me'),
      sharingInEffect: z.boolean(),
      information: z.array(relativeInformationSchema),
      informed: z.array(informedEntrySchema),
      commitments: z.array(myCommitmentSchema),
      support: relativeSupportSchema.nullable(),
      homeConsent: homeConsentSchema.nullable(),
    }),
    shared: z
      .object({
        categories: z.array(z.string()).describe('The categories shared with me today'),
        goals: z
          .object({
            individual: z.array(z.object({ text: z.string() })),
            professional: z.array(z.object({ ...sharedItem, organisation: z.string(), goals: z.array(z.object({ text: z.string() })) })),
          })
          .optional(),
        interventions: z
          .array(
            z.object({
              ...sharedItem,
              title: z.string(),
              status: z.string(),
              performedBy: z.string().optional(),
              when: z.string().optional(),
              startDate: z.string().optional(),
              endDate: z.string().optional(),
            }),
          )
          .optional(),
        contacts: z
          .array(z.object({ ...sharedItem, organisation: z.string(), name: z.string(), title: z.string().optional(), unit: z.string().optional(), ...phoneFields }))
          .optional(),
        followUp: z.object({ date: z.string() }).nullable().optional(),
        needs: z.array(z.object({ text: z.string() })).optional(),
        meetings: z.array(z.object({ at: z.string(), place: z.string().optional() })).optional(),
      })
      .describe('Only what the individual has consented to share with me, while the consent is in force'),
  })
  .meta({ id: 'MyPlan' });

/** What a relative's answer can be, as its receipt names it. */
export const receiptAnswers = [
  'accepted',
  'declined',
  'withdrawn',
  'reconfirmed',
  'home-consent-yes',
  'home-consent-no',
  'contact-consultant',
  'needs-assessment',
  'leave-role',
] as const;
export type ReceiptAnswer = (typeof receiptAnswers)[number];

/** The receipt of one answer: the same on an idempotent replay; staff find the answer by its reference. */
export const myAnswerReceiptSchema = z
  .object({
    reference: z.string().describe('Kept with the answer in the relatives section (the commitment history, the home consent, the request)'),
    at: z.string().describe('When the answer was saved (date-time)'),
    answer: z.enum(receiptAnswers),
    comment: z.string().optional().describe('The comment or note sent with the answer'),
    told: z.array(z.string()).describe('The organisations whose staff see the answer in the plan; the one responsible for the plan first'),
    coordinator: z.string().nullable().describe('The SIP coordinator, who sees it too'),
  })
  .meta({ id: 'AnswerReceipt' });
const receipt = { receipt: myAnswerReceiptSchema };
export const myCommitmentAnsweredSchema = myCommitmentSchema.extend(receipt).meta({ id: 'MyCommitmentAnswered' });
export const myHomeConsentAnsweredSchema = homeConsentSchema.extend(receipt).meta({ id: 'HomeConsentAnswered' });
export const mySupportRequestedSchema = relativeSupportSchema.extend(receipt).meta({ id: 'SupportRequested' });

export type AnswerReceipt = z.infer<typeof myAnswerReceiptSchema>;
export type CommitmentAnswer = z.input<typeof commitmentAnswerSchema>;
export type HomeConsentAnswerBody = z.input<typeof homeConsentAnswerBodySchema>;
export type SupportRequest = z.input<typeof supportRequestSchema>;
export type MyCommitment = z.infer<typeof myCommitmentSchema>;
export type MyPlanSummary = z.infer<typeof myPlanSummarySchema>;
export type MyPlan = z.infer<typeof myPlanSchema>;
