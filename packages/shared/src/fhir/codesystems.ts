/**
 * The code systems, identifier systems and extensions the SIP's FHIR R4 representation uses:
 * our own and the standard ones it draws on.
 *
 * Our own are named here by their local names, `urn:sip-broker:…`: the names the broker first
 * published them under. What leaves the broker carries them as http(s) URLs under the
 * deployment's system base instead ({@link sipSystems} in `systems.ts` maps one to the other,
 * and recognises every form the broker ever published).
 */
import { commitmentKindLabels, commitmentKindSchema, type CommitmentKind, type ConsentCategory } from '../plan.ts';


/** Identifier systems of the resources the broker publishes; the value is our own id. */
export const SipIdentifierSystem = {
  /** The SIP CarePlan: `urn:sip-broker:plan|<plan id>`. */
  plan: 'urn:sip-broker:plan',
  /** A principal's part or the relatives section, as a sub-CarePlan: `urn:sip-broker:plan-part|<part id>`. */
  planPart: 'urn:sip-broker:plan-part',
  /** A Goal: `urn:sip-broker:goal|<scope id>/<item id>`, the scope being the plan (the individual's own goals) or the part (professional goals). */
  goal: 'urn:sip-broker:goal',
  /** The SIP's CareTeam: `urn:sip-broker:careteam|<plan id>`. */
  careTeam: 'urn:sip-broker:careteam',
  /** The individual's consent to the SIP: `urn:sip-broker:consent|<plan id>`. */
  consent: 'urn:sip-broker:consent',
  /** A relative in the relatives section: `urn:sip-broker:relative|<plan id>/<relative id>`. */
  relative: 'urn:sip-broker:relative',
  /** A relative's commitment, as a Task: `urn:sip-broker:commitment|<plan id>/<commitment id>`. */
  commitment: 'urn:sip-broker:commitment',
  /** The relative's own answer to a commitment, as a Consent: `urn:sip-broker:commitment-consent|<plan id>/<commitment id>`. */
  commitmentConsent: 'urn:sip-broker:commitment-consent',
  /** The relative's own consent to the home as a place of care: `urn:sip-broker:home-consent|<plan id>/<relative id>`. */
  homeConsent: 'urn:sip-broker:home-consent',
  /**
   * Something in the relatives section that needs the responsible principal's attention, as a
   * Task to that principal: `urn:sip-broker:attention|<plan id>/<relative id>/<what>`.
   */
  attention: 'urn:sip-broker:attention',
  /** The broker itself, where it records a change on its own (a review date that passed). */
  device: 'urn:sip-broker:device',
} as const;

/** Task.code of an attention Task: what needs the responsible principal's attention. */
export const ATTENTION_KIND_SYSTEM = 'urn:sip-broker:codesystem:attention';
export const AttentionCoding = {
  'commitment-declined': { system: ATTENTION_KIND_SYSTEM, code: 'commitment-declined', display: 'Anhörig har tackat nej till ett åtagande' },
  'commitment-withdrawn': { system: ATTENTION_KIND_SYSTEM, code: 'commitment-withdrawn', display: 'Anhörig har återkallat ett åtagande' },
  'commitment-review-due': { system: ATTENTION_KIND_SYSTEM, code: 'commitment-review-due', display: 'Åtagandets omprövningsdatum har passerats' },
  'contact-request': { system: ATTENTION_KIND_SYSTEM, code: 'contact-request', display: 'Anhörig vill bli kontaktad av anhörigkonsulent' },
  'needs-assessment-request': { system: ATTENTION_KIND_SYSTEM, code: 'needs-assessment-request', display: 'Anhörig ber om en egen behovsbedömning' },
  'leave-role-request': { system: ATTENTION_KIND_SYSTEM, code: 'leave-role-request', display: 'Anhörig vill kliva av sin roll i planen' },
} as const;

/** CarePlan.category: what kind of plan this is (beside it, the standard {@link StandardCoding.carePlan}). */
export const PLAN_CATEGORY_SYSTEM = 'urn:sip-broker:codesystem:plan-category';
export const PlanCategory = {
  sip: { system: PLAN_CATEGORY_SYSTEM, code: 'sip', display: 'Samordnad individuell plan' },
  part: { system: PLAN_CATEGORY_SYSTEM, code: 'sip-part', display: 'Huvudmannens del i en samordnad individuell plan' },
  relatives: { system: PLAN_CATEGORY_SYSTEM, code: 'sip-relatives', display: 'Anhörigdelen i en samordnad individuell plan' },
} as const;

/** Which principal a part belongs to: the second category coding of a part's CarePlan. */
export const PRINCIPAL_SYSTEM = 'urn:sip-broker:codesystem:principal';
export const PrincipalCoding = {
  region: { system: PRINCIPAL_SYSTEM, code: 'region', display: 'Region' },
  municipality: { system: PRINCIPAL_SYSTEM, code: 'municipality', display: 'Kommun' },
} as const;

/** Goal.category: whose goal it is. */
export const GOAL_CATEGORY_SYSTEM = 'urn:sip-broker:codesystem:goal-category';
export const GoalCategory = {
  individual: { system: GOAL_CATEGORY_SYSTEM, code: 'individual', display: 'Den enskildes eget mål' },
  professional: { system: GOAL_CATEGORY_SYSTEM, code: 'professional', display: 'Professionellt mål' },
} as const;

/** CarePlan.activity.detail.code: the kinds of activity on the SIP CarePlan itself. */
export const ACTIVITY_KIND_SYSTEM = 'urn:sip-broker:codesystem:activity-kind';
export const ActivityKind = {
  intervention: { system: ACTIVITY_KIND_SYSTEM, code: 'intervention', display: 'Insats' },
  individualOwnAction: { system: ACTIVITY_KIND_SYSTEM, code: 'individual-own-action', display: 'Det den enskilde gör själv' },
  otherActorMeasure: { system: ACTIVITY_KIND_SYSTEM, code: 'other-actor-measure', display: 'Åtgärd av annan aktör' },
} as const;

/** CareTeam.participant.role. */
export const CARE_TEAM_ROLE_SYSTEM = 'urn:sip-broker:codesystem:careteam-role';
export const CareTeamRole = {
  principal: { system: CARE_TEAM_ROLE_SYSTEM, code: 'principal', display: 'Huvudman' },
  contactPerson: { system: CARE_TEAM_ROLE_SYSTEM, code: 'contact-person', display: 'Kontaktperson' },
  coordinator: { system: CARE_TEAM_ROLE_SYSTEM, code: 'sip-coordinator', display: 'SIP-samordnare' },
  followUp: { system: CARE_TEAM_ROLE_SYSTEM, code: 'follow-up', display: 'Ansvarig för uppföljning' },
  invited: { system: CARE_TEAM_ROLE_SYSTEM, code: 'invited', display: 'Inbjuden deltagare' },
  /** The individual the plan is for (beside it, SNOMED CT 116154003 Patient). */
  individual: { system: CARE_TEAM_ROLE_SYSTEM, code: 'individual', display: 'Den enskilde' },
  /** A relative in the relatives section (beside it, the relationship from v3-RoleCode, and SNOMED CT 133932002 Caregiver while they carry a commitment). */
  relative: { system: CARE_TEAM_ROLE_SYSTEM, code: 'relative', display: 'Anhörig' },
} as const;

/** Task.code of a relative's voluntary commitment. */
export const TASK_KIND_SYSTEM = 'urn:sip-broker:codesystem:task-kind';
export const TaskKind = {
  commitment: { system: TASK_KIND_SYSTEM, code: 'relative-commitment', display: 'Anhörigs frivilliga åtagande' },
} as const;

/** The kind of a relative's voluntary commitment (on its Task, extension {@link SipExtension.commitmentKind}). */
export const COMMITMENT_KIND_SYSTEM = 'urn:sip-broker:codesystem:commitment-kind';
export const CommitmentKindCoding = Object.fromEntries(
  commitmentKindSchema.options.map((code) => [code, { system: COMMITMENT_KIND_SYSTEM, code, display: commitmentKindLabels[code].sv }]),
) as { readonly [K in CommitmentKind]: { readonly system: typeof COMMITMENT_KIND_SYSTEM; readonly code: K; readonly display: string } };

/**
 * The consent policies a Consent is given under (Consent.policy.uri, as IHE Privacy Consent on
 * FHIR asks), named under the broker's own base:
 * - `sip`: the individual's consent to the SIP. Consent is given per SIP, to the actors named
 *   (provision.actor, role IRCP), for the categories of information named (provision.code), until
 *   the date given (provision.period.end), never for what is excluded (a nested deny provision);
 *   it is revocable at once (status inactive). For an individual under 18 it rests on each
 *   guardian's consent (verification). Written or oral; an oral consent is documented by whoever
 *   recorded it.
 * - `relativeCommitment`: a relative's own answer to one voluntary commitment (provision.data the
 *   Task). Voluntary: nothing counts as committed until the relative accepts; the relative may
 *   withdraw at any time (status inactive), and must confirm again past the review date. A staff
 *   cancel of the commitment ends the consent too.
 * - `homeAsPlaceOfCare`: a relative's own consent to the home they share with the individual
 *   becoming a place of care; revocable, the last answer is the one in force.
 */
export const ConsentPolicy = {
  sip: 'urn:sip-broker:policy:sip-consent',
  relativeCommitment: 'urn:sip-broker:policy:relative-commitment',
  homeAsPlaceOfCare: 'urn:sip-broker:policy:home-as-place-of-care',
} as const;

/** Consent.provision.code: the categories of information the individual lets the SIP share. */
export const CONSENT_INFORMATION_SYSTEM = 'urn:sip-broker:codesystem:consent-information';
/** How each category of information is named in Swedish (the codes are {@link ConsentCategory}). */
export const ConsentInformationText: Record<ConsentCategory, string> = {
  goals: 'mål',
  needs: 'behov',
  interventions: 'insatser',
  'health-interventions': 'hälso- och sjukvårdens insatser',
  'social-interventions': 'socialtjänstens insatser',
  contacts: 'kontaktuppgifter',
  meetings: 'möten',
  'follow-up': 'uppföljning',
};

/**
 * Consent.category of a relative's own consent (no standard profile exists for it): to a
 * commitment (Consent.provision.data the Task), or to the home as a place of care.
 */
export const RELATIVE_CONSENT_CATEGORY_SYSTEM = 'urn:sip-broker:codesystem:consent-category';
export const RelativeConsentCategory = {
  commitment: { system: RELATIVE_CONSENT_CATEGORY_SYSTEM, code: 'relative-commitment', display: 'Anhörigs samtycke till ett åtagande' },
  homeAsPlaceOfCare: { system: RELATIVE_CONSENT_CATEGORY_SYSTEM, code: 'home-as-place-of-care', display: 'Anhörigs samtycke till hemmet som vårdplats' },
} as const;

/** Extensions of our own. */
export const SipExtension = {
  /** On the SIP CarePlan: when the plan is followed up (`date`, valueDate) and by whom (`by`, valueReference). */
  followUp: 'urn:sip-broker:extension:follow-up',
  /** On the Consent: `written` or `oral` (valueCode). */
  consentForm: 'urn:sip-broker:extension:consent-form',
  /** On the Consent: who recorded it (valueReference to the Practitioner, by HSA-id). */
  consentRecordedBy: 'urn:sip-broker:extension:consent-recorded-by',
  /** On the Provenance: the plan revision the change produced (valueInteger). */
  planRevision: 'urn:sip-broker:extension:plan-revision',
  /** On a commitment's Task: the review date in force, past which the relative confirms again (valueDate). */
  reviewDate: 'urn:sip-broker:extension:review-date',
  /** On a commitment's Task: what kind of help it is, when staff said so (valueCoding from the commitment-kind code system). */
  commitmentKind: 'urn:sip-broker:extension:commitment-kind',
} as const;

/** Standard code systems. */
export const FhirSystem = {
  loinc: 'http://loinc.org',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  provenanceParticipantType: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  dataOperation: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation',
  roleCode: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
  snomed: 'http://snomed.info/sct',
} as const;

/**
 * Standard codings the resources carry beside our own codes, so a receiving record that knows
 * nothing of `urn:sip-broker:…` can still tell what it holds. Our own codings stay: they say
 * more, and the broker reads them.
 */
export const StandardCoding = {
  /** CarePlan.category of the SIP, its parts and the relatives section. */
  carePlan: { system: FhirSystem.snomed, code: '734163000', display: 'Care plan' },
  /** CareTeam.category: the SIP's team coordinates care over time. */
  careCoordinationTeam: { system: FhirSystem.loinc, code: 'LA28865-6', display: 'Longitudinal care-coordination focused care team' },
  /** CareTeam.participant.role of the individual. */
  patient: { system: FhirSystem.snomed, code: '116154003', display: 'Patient' },
  /** CareTeam.participant.role of a relative who carries a commitment they accepted. */
  caregiver: { system: FhirSystem.snomed, code: '133932002', display: 'Caregiver' },
  /** Goal.category of the individual's own goals: what matters to them. */
  personalHealthGoal: { system: FhirSystem.loinc, code: '87528-6', display: 'Personal health goal' },
} as const;

/** The IHE PCF codings of the individual's consent. */
export const ConsentCoding = {
  /** Consent.scope. */
  patientPrivacy: { system: FhirSystem.consentScope, code: 'patient-privacy', display: 'Privacy Consent' },
  /** Consent.category. */
  patientConsent: { system: FhirSystem.loinc, code: '59284-0', display: 'Patient Consent' },
  /** Consent.policyRule: consent given. */
  optIn: { system: FhirSystem.actCode, code: 'OPTIN', display: 'opt-in' },
  /** Consent.policyRule: consent refused. */
  optOut: { system: FhirSystem.actCode, code: 'OPTOUT', display: 'opt-out' },
  /** Consent.provision.actor.role: information recipient. */
  informationRecipient: { system: FhirSystem.participationType, code: 'IRCP', display: 'information recipient' },
  /** Consent.scope of a relative's own consent: to take part in the individual's care. */
  treatment: { system: FhirSystem.consentScope, code: 'treatment', display: 'Treatment' },
  /** Consent.provision.purpose: coordination of care. */
  coordinationOfCare: { system: FhirSystem.actReason, code: 'COC', display: 'coordination of care' },
} as const;
