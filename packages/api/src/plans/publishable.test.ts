/**
 * Whatever the API accepts can be published: every value its schemas take, put where the plan
 * puts it in FHIR, gives resources that pass Medplum's R4 validation (and the SIP's own rules),
 * with every string well-formed text of FHIR's string type.
 */
import type { Resource } from '@medplum/fhirtypes';
import {
  commitmentAnswerSchema,
  commitmentProposalSchema,
  homeConsentAnswerBodySchema,
  individualConsentSchema,
  informedEntrySchema,
  participantSchema,
  partContentSchema,
  planFieldsSchema,
  planToFhir,
  relativeSchema,
  relativeSharingSchema,
  relativeSupportSchema,
  sipResourceList,
  type PlanStatus,
  type PlanView,
} from '@sip/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { resourceIssues } from '../fhir/validate.ts';
import { testSystems } from '../test-support/app.ts';

const runs = { numRuns: Number(process.env.FC_RUNS ?? 100) };

const REGION = { id: 'SE2321000099-7RG1', name: 'Region Norrvik' };
const MUNICIPALITY = { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' };

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Values a schema accepts, drawn from candidates of every kind, as the schema gives them back. */
const accepted = <S extends z.ZodType>(schema: S, candidates: fc.Arbitrary<unknown>) =>
  candidates.filter((v) => schema.safeParse(v).success).map((v) => schema.parse(v) as z.output<S>);

/** UTF-16 code units of every kind: lone surrogates, control characters, odd spaces, ordinary text. */
const codeUnit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Å', 'ö', ' ', '-', '1', '😀', 'é', '<', '&', '"', '\u00A0', '\u2028', '\uFEFF', '\u0085') },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\n', '\r', '\u0000', '\u0001', '\u001F', '\u007F', '\uD800', '\uDC00', '\uFFFF') },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
const textCandidates = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: codeUnit, minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, minLength: 190, maxLength: 210 }) },
);
const dateCandidates = fc
  .record({ year: fc.integer({ min: 0, max: 9999 }), month: fc.integer({ min: 0, max: 13 }), day: fc.integer({ min: 0, max: 31 }) })
  .map(({ year, month, day }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
const dateTimeCandidates = fc
  .record({
    date: dateCandidates,
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 60 }),
    fraction: fc.option(fc.stringMatching(/^\d{1,10}$/), { nil: undefined }),
    zone: fc.oneof(
      fc.constant('Z'),
      fc
        .record({ sign: fc.constantFrom('+', '-'), hours: fc.integer({ min: 0, max: 15 }), minutes: fc.constantFrom(0, 30, 45, 59) })
        .map(({ sign, hours, minutes }) => `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`),
    ),
  })
  .map(({ date, hour, minute, second, fraction, zone }) => `${date}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction ? `.${fraction}` : ''}${zone}`);
/** An instant the service itself stamps (`toISOString`). */
const serverInstant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

const text = (schema: z.ZodType) => accepted(schema, textCandidates) as fc.Arbitrary<string>;
const shortText = text(planFieldsSchema.shape.title.unwrap());
const longText = text(planFieldsSchema.shape.outOfHours.unwrap());
const date = accepted(planFieldsSchema.shape.followUp.unwrap().shape.date, dateCandidates) as fc.Arbitrary<string>;
const dateTime = accepted(individualConsentSchema.shape.recordedAt, dateTimeCandidates) as fc.Arbitrary<string>;
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const hsaId = fc.constantFrom('SE2321000099-7P01', 'SE2120000099-7P02');
const staff = fc.record({
  name: shortText,
  title: optional(shortText),
  hsaId: optional(fc.oneof(hsaId, shortText)),
  unit: optional(shortText),
  phone: optional(accepted(planFieldsSchema.shape.coordinator.unwrap().shape.phone.unwrap(), textCandidates)),
  organisationId: optional(fc.constantFrom(REGION.id, MUNICIPALITY.id)),
});
const comment = accepted(commitmentAnswerSchema.shape.comment, fc.option(textCandidates, { nil: undefined })) as fc.Arbitrary<string | undefined>;
const code = optional(accepted(relativeSchema.shape.relationship.shape.code.unwrap(), fc.oneof(fc.constantFrom('DAU', 'SPS', 'GRNDDAU', 'SON'), textCandidates)));
/** Two dates in order, as a period needs them. */
const period = fc.tuple(date, date).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [string, string]);
const instantsInOrder = (n: number) => fc.array(serverInstant, { minLength: n, maxLength: n }).map((xs) => xs.sort());

const inputs = fc.record({
  status: fc.constantFrom<PlanStatus>('draft', 'active', 'followed_up', 'consent_withdrawn', 'closed'),
  protectedIdentity: fc.boolean(),
  individualName: optional(shortText),
  fields: fc.record({
    title: shortText,
    coordinator: staff,
    goal: longText,
    need: longText,
    ownAction: longText,
    measure: fc.record({ actor: shortText, measure: longText, when: optional(shortText) }),
    meeting: fc.record({ at: dateTime, place: optional(shortText), notes: optional(longText) }),
    followUp: fc.record({ date, by: staff }),
    outOfHours: longText,
  }),
  part: fc.record({
    contactPerson: staff,
    goal: longText,
    intervention: fc.record({
      title: shortText,
      description: optional(longText),
      performedBy: optional(shortText),
      when: optional(shortText),
      period: optional(period),
      status: fc.constantFrom('planned' as const, 'decided' as const),
    }),
  }),
  consent: fc.record({
    given: fc.boolean(),
    form: fc.constantFrom('written' as const, 'oral' as const),
    recordedAt: dateTime,
    recordedBy: staff,
    actor: shortText,
    validUntil: optional(date),
    excluded: optional(longText),
    guardian: fc.record({ name: shortText, given: fc.boolean(), recordedAt: dateTime }),
    revokedAt: optional(dateTime),
  }),
  participant: fc.record({ name: shortText, role: optional(shortText), organisationId: optional(shortText) }),
  relative: fc.record({
    name: shortText,
    code,
    relationship: shortText,
    phone: optional(accepted(relativeSchema.shape.phone.unwrap(), textCandidates)),
    email: optional(fc.constantFrom('maria.nilsson@example.se', 'a@b.se')),
    sharesHome: fc.boolean(),
    sharing: fc.record({ validFrom: optional(date), validUntil: optional(date), recordedAt: dateTime, recordedBy: staff, revokedAt: optional(dateTime) }),
    information: fc.record({ what: longText, how: shortText, howOften: shortText }),
    informed: fc.record({ at: dateTime, what: longText, by: staff }),
    support: fc.record({
      at: dateTime,
      note: optional(longText),
      handled: fc.boolean(),
      referredToConsultantAt: optional(dateTime),
    }),
    commitment: fc.record({ proposal: fc.record({ what: longText, howOften: shortText, period, reviewDate: date, comment: optional(longText) }), answer: fc.constantFrom('accepted' as const, 'declined' as const, 'withdrawn' as const, undefined), comment, times: instantsInOrder(3) }),
    homeConsent: optional(fc.record({ consent: fc.boolean(), comment, at: serverInstant })),
  }),
  stamps: instantsInOrder(3),
});

type Inputs = typeof inputs extends fc.Arbitrary<infer T> ? T : never;

/** The plan as the service would hold it after taking these inputs through the API. */
function planOf(i: Inputs): PlanView {
  const fields = planFieldsSchema.parse({
    title: i.fields.title,
    overallResponsibility: 'municipality',
    coordinator: i.fields.coordinator,
    individualGoals: [{ id: 'goal-1', text: i.fields.goal }],
    needs: [{ id: 'need-1', text: i.fields.need }],
    individualOwnActions: [{ id: 'own-1', text: i.fields.ownAction }],
    otherActorMeasures: [{ id: 'other-1', ...i.fields.measure }],
    meetings: [{ id: 'meeting-1', ...i.fields.meeting }],
    followUp: i.fields.followUp,
    outOfHours: i.fields.outOfHours,
  });
  const { period: dates, ...intervention } = i.part.intervention;
  const content = partContentSchema.parse({
    contactPerson: i.part.contactPerson,
    goals: [{ id: 'goal-p1', text: i.part.goal }],
    interventions: [{ id: 'int-1', ...intervention, ...(dates ? { startDate: dates[0], endDate: dates[1] } : {}) }],
  });
  const consent = individualConsentSchema.parse({
    given: i.consent.given,
    form: i.consent.form,
    recordedAt: i.consent.recordedAt,
    recordedBy: i.consent.recordedBy,
    scope: {
      information: ['goals', 'interventions', 'contacts'],
      actors: [REGION.name, MUNICIPALITY.name, i.consent.actor],
      validUntil: i.consent.validUntil,
      excluded: i.consent.excluded,
    },
    guardians: [i.consent.guardian],
    basis: 'individual',
    revokedAt: i.consent.revokedAt,
  });
  const invited = participantSchema.parse({ id: 'p-invited', kind: 'invited', ...i.participant });
  const r = i.relative;
  const proposal = commitmentProposalSchema.parse({
    what: r.commitment.proposal.what,
    howOften: r.commitment.proposal.howOften,
    from: r.commitment.proposal.period[0],
    until: r.commitment.proposal.period[1],
    reviewDate: r.commitment.proposal.reviewDate,
    comment: r.commitment.proposal.comment,
  });
  const [proposedAt, answeredAt] = r.commitment.times;
  const history = [
    { at: proposedAt, status: 'requested', by: 'staff', userId: 'SE2120000099-7P02', organisationId: MUNICIPALITY.id, ...(proposal.comment ? { comment: proposal.comment } : {}) },
    ...(r.commitment.answer ? [{ at: answeredAt, status: r.commitment.answer === 'withdrawn' ? 'accepted' : r.commitment.answer, by: 'relative', ...(r.commitment.comment ? { comment: r.commitment.comment } : {}) }] : []),
    ...(r.commitment.answer === 'withdrawn' ? [{ at: r.commitment.times[2], status: 'withdrawn', by: 'relative' }] : []),
  ];
  const homeAnswer = r.homeConsent ? homeConsentAnswerBodySchema.parse({ consent: r.homeConsent.consent, comment: r.homeConsent.comment }) : undefined;
  const supportInput = {
    offered: ['conversation'],
    requests: [{ kind: 'contact-consultant', at: r.support.at, ...(r.support.note ? { note: r.support.note } : {}) }],
    ...(r.support.referredToConsultantAt ? { referredToConsultantAt: r.support.referredToConsultantAt } : {}),
  };
  // Dealt with: at a time not before the request, as the schema requires.
  if (r.support.handled) Object.assign(supportInput.requests[0]!, { handledAt: r.support.at });
  const relative = relativeSchema.parse({
    id: 'relative-1',
    name: r.name,
    relationship: { ...(r.code ? { code: r.code } : {}), text: r.relationship },
    personId: '196807059826',
    ...(r.phone ? { phone: r.phone } : {}),
    ...(r.email ? { email: r.email } : {}),
    child: false,
    sharesHome: r.sharesHome,
    sharing: relativeSharingSchema.parse({ categories: ['goals'], form: 'written', ...r.sharing }),
    information: [{ id: 'info-1', ...r.information }],
    informed: [informedEntrySchema.parse({ id: 'informed-1', ...r.informed })],
    support: relativeSupportSchema.parse(supportInput),
    commitments: [{ id: 'commitment-1', what: proposal.what, howOften: proposal.howOften, from: proposal.from, until: proposal.until, reviewDate: proposal.reviewDate, history }],
    ...(homeAnswer && r.homeConsent
      ? {
          homeConsent: {
            consent: homeAnswer.consent,
            at: r.homeConsent.at,
            ...(homeAnswer.comment ? { comment: homeAnswer.comment } : {}),
            history: [{ consent: homeAnswer.consent, at: r.homeConsent.at, ...(homeAnswer.comment ? { comment: homeAnswer.comment } : {}) }],
          },
        }
      : {}),
  });
  const [createdAt, partAt, updatedAt] = i.stamps;
  return {
    id: '0b7d8c1e-4a0f-4c39-9a55-3f1d2b6c7e01',
    status: i.status,
    initiator: 'municipality',
    protectedIdentity: i.protectedIdentity,
    individual: { personId: '194003019801', kind: 'personnummer', ...(i.individualName ? { name: i.individualName } : {}) },
    fields,
    consent,
    participants: [
      { id: 'p-region', kind: 'principal', name: REGION.name, organisationId: REGION.id },
      { id: 'p-municipality', kind: 'principal', name: MUNICIPALITY.name, organisationId: MUNICIPALITY.id },
      { ...invited, id: 'p-invited' },
    ],
    version: 3,
    revision: 9,
    parts: [
      { id: '5e0c2a4b-9d8f-4e7a-b6c5-d4e3f2a1b001', principal: 'municipality', organisation: MUNICIPALITY, version: 2, content, updatedAt: partAt! },
      { id: '5e0c2a4b-9d8f-4e7a-b6c5-d4e3f2a1b002', principal: 'region', organisation: REGION, version: 1, content: {}, updatedAt: partAt! },
    ],
    relativesSection: { id: '5e0c2a4b-9d8f-4e7a-b6c5-d4e3f2a1b003', version: 4, relatives: [{ ...relative, id: 'relative-1' }] },
    createdAt: createdAt!,
    updatedAt: updatedAt!,
  };
}

/** Every string in a resource, with where it is. */
function strings(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

describe('what the API accepts can be published', () => {
  it('every value the schemas accept, where the plan puts it in FHIR, passes R4 validation as well-formed FHIR strings', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const plan = planOf(input);
        const resources = planToFhir(plan, { systems: testSystems,
          patient: { reference: 'Patient/astrid-in-region' },
          change: { revision: plan.revision, changedAt: plan.updatedAt, userId: 'SE2321000099-7P02', organisationId: REGION.id },
        });
        const all: Resource[] = [...sipResourceList(resources), ...(resources.provenance ? [resources.provenance] : [])];
        // The plan's every part is there: each kind of resource the values go into.
        expect(new Set(all.map((r) => r.resourceType))).toEqual(new Set(['CarePlan', 'CareTeam', 'Consent', 'Goal', 'RelatedPerson', 'Task', 'Provenance']));
        for (const resource of all) {
          expect(resourceIssues(resource, testSystems), resource.resourceType).toEqual([]);
          for (const [path, value] of strings(resource, resource.resourceType)) {
            expect(Buffer.from(value, 'utf8').toString('utf8') === value, `${path} is well-formed`).toBe(true);
            expect(value, path).toMatch(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F]+$/);
          }
        }
      }),
      runs,
    );
  }, 300_000);
});
