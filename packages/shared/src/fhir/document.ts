/**
 * The SIP as one FHIR R4 document: a `document` Bundle whose first entry is a Composition with
 * one section per part of the SIP, followed by every resource the document references (the
 * Patient, the organisations and practitioners too), so it reads without further calls.
 */
import type {
  Bundle,
  CodeableConcept,
  Coding,
  Composition,
  CompositionSection,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { IdentifierSystem } from '../identifiers.ts';
import {
  commitmentStatus,
  type CommitmentStatus,
  type ConsentCategory,
  type PartView,
  type PlanStatus,
  type PlanView,
  type Principal,
} from '../plan.ts';
import { ConsentCoding, FhirSystem, PlanCategory } from './codesystems.ts';
import { sipResourceList, type SipResources } from './plan-to-fhir.ts';
import { ProtectedIdentityLabel } from './provenance-marks.ts';
import { stableUuid } from './stable-uuid.ts';
import type { SipSystems } from './systems.ts';

/** Composition.section.code of the SIP document: which part of the SIP a section holds (by its local name; published as `<system base>/CodeSystem/document-section`). */
export const DOCUMENT_SECTION_SYSTEM = 'urn:sip-broker:codesystem:document-section';
export const DocumentSection = {
  plan: { system: DOCUMENT_SECTION_SYSTEM, code: 'plan', display: 'Planen' },
  goals: { system: DOCUMENT_SECTION_SYSTEM, code: 'goals', display: 'Mål' },
  regionPart: { system: DOCUMENT_SECTION_SYSTEM, code: 'region-part', display: 'Regionens del' },
  municipalityPart: { system: DOCUMENT_SECTION_SYSTEM, code: 'municipality-part', display: 'Kommunens del' },
  relatives: { system: DOCUMENT_SECTION_SYSTEM, code: 'relatives', display: 'Anhöriga' },
  careTeam: { system: DOCUMENT_SECTION_SYSTEM, code: 'care-team', display: 'Vårdteam och deltagare' },
  consent: { system: DOCUMENT_SECTION_SYSTEM, code: 'consent', display: 'Samtycke' },
} as const;

/** The LOINC codes the document draws on (those of the C-CDA care plan and its sections). */
export const DocumentLoinc = {
  planOfCare: { system: FhirSystem.loinc, code: '18776-5', display: 'Plan of care note' },
  goals: { system: FhirSystem.loinc, code: '61146-7', display: 'Goals narrative' },
  careTeam: { system: FhirSystem.loinc, code: '85847-2', display: 'Patient Care team information' },
  consent: ConsentCoding.patientConsent,
} as const;

/** Composition.type: a plan of care note, and our own code for a SIP. */
export const SIP_DOCUMENT_TYPE: CodeableConcept = {
  coding: [{ ...DocumentLoinc.planOfCare }, { ...PlanCategory.sip }],
  text: 'Samordnad individuell plan (SIP)',
};

/** The Composition's identifier: one per plan, whatever the version (`<system base>/NamingSystem/sip-document|<plan id>`; this is its local name). */
export const SIP_DOCUMENT_IDENTIFIER_SYSTEM = 'urn:sip-broker:sip-document';

const LIST_EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';

/** How the serving side names the resources the document adds: the individual, an organisation, a practitioner. */
export interface ParticipantIds {
  patient: string;
  organization(identifier: { system: string; value: string }): string;
  practitioner(identifier: { system: string; value: string }): string;
}

/** The resources behind the SIP's references to the individual, organisations and practitioners. */
export interface SipParticipants {
  patient: Patient & { id: string };
  organizations: (Organization & { id: string })[];
  practitioners: (Practitioner & { id: string })[];
}

type LogicalReference = Reference & { type: string; identifier: { system: string; value: string } };

function isLogicalReference(value: Record<string, unknown>): boolean {
  const identifier = value.identifier as Record<string, unknown> | undefined;
  return (
    typeof value.type === 'string' &&
    value.reference === undefined &&
    !!identifier &&
    typeof identifier === 'object' &&
    !Array.isArray(identifier) &&
    typeof identifier.system === 'string' &&
    typeof identifier.value === 'string'
  );
}

/** The staff the plan names, by HSA-id: what a Practitioner can say beyond the name a reference displays. */
function staffContacts(plan: PlanView): Map<string, { name: string; phone?: string | undefined }> {
  const contacts = new Map<string, { name: string; phone?: string | undefined }>();
  const add = (person: { name: string; hsaId?: string | undefined; phone?: string | undefined } | undefined) => {
    if (!person?.hsaId) return;
    const known = contacts.get(person.hsaId);
    contacts.set(person.hsaId, { name: known?.name ?? person.name, phone: known?.phone ?? person.phone });
  };
  for (const part of plan.parts) add(part.content.contactPerson);
  add(plan.fields.coordinator);
  add(plan.fields.followUp?.by);
  add(plan.consent?.recordedBy);
  return contacts;
}

/**
 * Gives each logical reference (by identifier) to the individual, an organisation or a
 * practitioner a literal one as well, keeping its identifier and display, and builds the
 * resources those point at: the Patient from the plan's individual, each Organization and
 * Practitioner from its HSA-id and the name the plan gives it. Other references are left as
 * they are. Returns new resources; the given ones are not changed.
 */
export function withParticipants(plan: PlanView, resources: SipResources, ids: ParticipantIds): { resources: SipResources; participants: SipParticipants } {
  const individual = { system: IdentifierSystem[plan.individual.kind], value: plan.individual.personId };
  const organizations = new Map<string, Organization & { id: string }>();
  const practitioners = new Map<string, Practitioner & { id: string }>();
  const partOrganisations = new Map(plan.parts.map((part) => [part.organisation.id, part.organisation.name]));
  const staff = staffContacts(plan);

  const literal = (ref: LogicalReference): string | undefined => {
    const { system, value } = ref.identifier;
    if (ref.type === 'Patient') {
      return system === individual.system && value === individual.value ? `Patient/${ids.patient}` : undefined;
    }
    if (ref.type === 'Organization') {
      const key = `${system}|${value}`;
      let organization = organizations.get(key);
      if (!organization) {
        organization = { resourceType: 'Organization', id: ids.organization({ system, value }), identifier: [{ system, value }], active: true };
        organizations.set(key, organization);
      }
      const name = (system === IdentifierSystem.hsaId ? partOrganisations.get(value) : undefined) ?? ref.display;
      if (name && !organization.name) organization.name = name;
      return `Organization/${organization.id}`;
    }
    if (ref.type === 'Practitioner') {
      const key = `${system}|${value}`;
      let practitioner = practitioners.get(key);
      if (!practitioner) {
        const known = system === IdentifierSystem.hsaId ? staff.get(value) : undefined;
        practitioner = { resourceType: 'Practitioner', id: ids.practitioner({ system, value }), identifier: [{ system, value }], active: true };
        const name = known?.name ?? ref.display;
        if (name) practitioner.name = [{ text: name }];
        if (known?.phone) practitioner.telecom = [{ system: 'phone', value: known.phone, use: 'work' }];
        practitioners.set(key, practitioner);
      }
      return `Practitioner/${practitioner.id}`;
    }
    return undefined;
  };

  const transform = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(transform);
    if (!value || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const reference = isLogicalReference(object) ? literal(object as unknown as LogicalReference) : undefined;
    if (reference) out.reference = reference;
    for (const [key, child] of Object.entries(object)) out[key] = transform(child);
    return out;
  };

  const rewritten = transform(resources) as SipResources;
  const patient: Patient & { id: string } = {
    resourceType: 'Patient',
    id: ids.patient,
    ...(plan.protectedIdentity ? { meta: { security: [{ ...ProtectedIdentityLabel }] } } : {}),
    identifier: [{ ...individual }],
    ...(plan.individual.name ? { name: [{ text: plan.individual.name }] } : {}),
  };
  return {
    resources: rewritten,
    participants: { patient, organizations: [...organizations.values()], practitioners: [...practitioners.values()] },
  };
}

// --- narrative ---------------------------------------------------------------------------

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** A piece of narrative: plain text (escaped) or markup built from escaped pieces. */
type Html = { html: string };
const html = (markup: string): Html => ({ html: markup });
const p = (...parts: (string | Html)[]) => html(`<p>${parts.map((x) => (typeof x === 'string' ? escapeHtml(x) : x.html)).join('')}</p>`);
const b = (value: string) => html(`<b>${escapeHtml(value)}</b>`);
const ul = (items: (string | Html)[]) =>
  items.length ? html(`<ul>${items.map((x) => `<li>${typeof x === 'string' ? escapeHtml(x) : x.html}</li>`).join('')}</ul>`) : html('');
const narrative = (...blocks: Html[]): CompositionSection['text'] => ({
  status: 'generated',
  div: `<div xmlns="http://www.w3.org/1999/xhtml">${blocks.map((x) => x.html).join('')}</div>`,
});

const planStatusText: Record<PlanStatus, string> = {
  draft: 'Utkast',
  active: 'Aktiv',
  followed_up: 'Uppföljd',
  consent_withdrawn: 'Samtycket är återkallat: planen vilar tills ett nytt samtycke finns',
  closed: 'Avslutad',
};
const principalText: Record<Principal, string> = { region: 'Regionen', municipality: 'Kommunen' };
const interventionStatusText = { planned: 'Planerad, inte beslutad', decided: 'Beslutad' } as const;
const commitmentStatusText: Record<CommitmentStatus, string> = {
  requested: 'Tillfrågad, inget svar ännu',
  accepted: 'Åtagit sig',
  declined: 'Tackat nej',
  withdrawn: 'Återkallat av den anhörige',
  cancelled: 'Avslutat av personalen',
};
const consentCategoryText: Record<ConsentCategory, string> = {
  goals: 'mål',
  needs: 'behov',
  interventions: 'insatser',
  'health-interventions': 'hälso- och sjukvårdsinsatser',
  'social-interventions': 'sociala insatser',
  contacts: 'kontaktuppgifter',
  meetings: 'möten',
  'follow-up': 'uppföljning',
};
const supportText = { conversation: 'samtal', respite: 'avlösning', groups: 'anhöriggrupp', training: 'utbildning' } as const;

/** A date-time as it was written, to the minute: `2026-11-20 10:00`. */
const minute = (dateTime: string) => dateTime.slice(0, 16).replace('T', ' ');
const day = (dateTime: string) => dateTime.slice(0, 10);
const joined = (...parts: (string | undefined | false)[]) => parts.filter((x): x is string => !!x).join(', ');

function staffLine(person: { name: string; title?: string | undefined; unit?: string | undefined; phone?: string | undefined }, organisation?: string): string {
  return joined(person.name, person.title, person.unit, organisation, person.phone && `tfn ${person.phone}`);
}

const organisationName = (plan: PlanView, principal: Principal | undefined) =>
  principal ? plan.parts.find((p) => p.principal === principal)?.organisation.name : undefined;

function planNarrative(plan: PlanView) {
  const f = plan.fields;
  const coordinatorOrg = f.coordinator?.organisationId ? plan.parts.find((p) => p.organisation.id === f.coordinator?.organisationId)?.organisation.name : undefined;
  const blocks: Html[] = [
    p(b('Plan: '), f.title ?? PlanCategory.sip.display),
    p(b('Status: '), planStatusText[plan.status]),
    p(
      b('Övergripande ansvar: '),
      f.overallResponsibility ? joined(organisationName(plan, f.overallResponsibility), principalText[f.overallResponsibility].toLowerCase()) : 'inte bestämt',
    ),
  ];
  if (f.coordinator) blocks.push(p(b('SIP-samordnare: '), staffLine(f.coordinator, coordinatorOrg)));
  if (f.followUp) blocks.push(p(b('Uppföljning: '), `${f.followUp.date}, ${f.followUp.by.name}`));
  if (f.needs?.length) blocks.push(p(b('Behov')), ul(f.needs.map((n) => n.text)));
  if (f.individualOwnActions?.length) blocks.push(p(b('Det den enskilde gör själv')), ul(f.individualOwnActions.map((a) => a.text)));
  if (f.otherActorMeasures?.length) {
    blocks.push(p(b('Andra aktörers insatser')), ul(f.otherActorMeasures.map((m) => `${m.actor}: ${joined(m.measure, m.when)}`)));
  }
  if (f.meetings?.length) blocks.push(p(b('Möten')), ul(f.meetings.map((m) => joined(minute(m.at), m.place, m.notes))));
  if (plan.visibility?.withheld.length) {
    blocks.push(p('Delar av planen visas inte för er organisation: den enskildes samtycke omfattar dem inte.'));
  }
  return narrative(...blocks);
}

function goalsNarrative(plan: PlanView) {
  const own = plan.fields.individualGoals ?? [];
  const blocks: Html[] = [];
  if (own.length) blocks.push(p(b('Den enskildes egna mål')), ul(own.map((g) => g.text)));
  for (const part of plan.parts) {
    const goals = part.content.goals ?? [];
    if (goals.length) blocks.push(p(b(`${principalText[part.principal]}s mål (${part.organisation.name})`)), ul(goals.map((g) => g.text)));
  }
  if (!blocks.length) blocks.push(p('Inga mål är registrerade.'));
  return narrative(...blocks);
}

function partNarrative(part: PartView) {
  const c = part.content;
  const blocks: Html[] = [p(b(`${principalText[part.principal]}: `), part.organisation.name)];
  if (c.contactPerson) blocks.push(p(b('Kontaktperson: '), staffLine(c.contactPerson)));
  if (c.goals?.length) blocks.push(p(b('Mål')), ul(c.goals.map((g) => g.text)));
  const interventions = (c.interventions ?? []).filter((i) => !i.removedUpstream);
  if (interventions.length) {
    blocks.push(
      p(b('Insatser')),
      ul(
        interventions.map((i) =>
          html(
            `${b(i.title).html}: ${escapeHtml(
              joined(
                interventionStatusText[i.status],
                i.description,
                i.performedBy && `utförs av ${i.performedBy}`,
                i.when,
                (i.startDate || i.endDate) && `${i.startDate ?? ''}–${i.endDate ?? ''}`,
              ),
            )}`,
          ),
        ),
      ),
    );
  } else {
    blocks.push(p('Inga insatser är registrerade.'));
  }
  return narrative(...blocks);
}

function relativesNarrative(plan: PlanView) {
  const relatives = plan.relativesSection.relatives.filter((r) => !r.removedUpstream);
  const blocks: Html[] = [];
  if (!relatives.length) blocks.push(p('Ingen anhörig deltar i planen.'));
  for (const r of relatives) {
    blocks.push(p(b(r.name), escapeHtml(` (${joined(r.relationship.text, r.child && 'barn under 18 år')})`)));
    const items: string[] = [];
    for (const info of r.information ?? []) items.push(`Information: ${info.what} (${joined(info.how, info.howOften)})`);
    for (const commitment of r.commitments ?? []) {
      items.push(
        `Frivilligt åtagande: ${commitment.what} (${joined(commitment.howOften, `från ${commitment.from}`, commitment.until && `till ${commitment.until}`)}): ${commitmentStatusText[commitmentStatus(commitment)]}`,
      );
    }
    if (r.homeConsent) {
      items.push(`Hemmet som vårdplats: ${r.homeConsent.consent ? 'samtycker' : 'samtycker inte'} (${day(r.homeConsent.at)})`);
    }
    if (r.support?.offered.length) items.push(`Erbjudet stöd: ${r.support.offered.map((s) => supportText[s]).join(', ')}`);
    blocks.push(ul(items));
  }
  const coordinator = plan.fields.coordinator;
  if (coordinator) blocks.push(p(b('Anhöriga vänder sig till: '), staffLine(coordinator)));
  if (plan.fields.outOfHours) blocks.push(p(b('Utanför kontorstid: '), plan.fields.outOfHours));
  return narrative(...blocks);
}

function careTeamNarrative(plan: PlanView) {
  const items: string[] = [];
  for (const part of plan.parts) items.push(`Huvudman (${principalText[part.principal].toLowerCase()}): ${part.organisation.name}`);
  for (const part of plan.parts) {
    if (part.content.contactPerson) items.push(`Kontaktperson: ${staffLine(part.content.contactPerson, part.organisation.name)}`);
  }
  if (plan.fields.coordinator) items.push(`SIP-samordnare: ${staffLine(plan.fields.coordinator)}`);
  for (const participant of plan.participants) {
    if (participant.kind === 'invited') items.push(`Inbjuden: ${joined(participant.name, participant.role)}`);
  }
  return narrative(ul(items));
}

function consentNarrative(plan: PlanView) {
  const consent = plan.consent;
  if (!consent) return narrative(p('Den enskildes samtycke till planen är inte registrerat.'));
  const blocks: Html[] = [
    p(
      b(consent.given ? 'Samtycke givet' : 'Samtycke nekat'),
      escapeHtml(` ${consent.form === 'oral' ? 'muntligt' : 'skriftligt'} ${day(consent.recordedAt)}, dokumenterat av ${consent.recordedBy.name}`),
    ),
  ];
  if (consent.basis === 'guardians') blocks.push(p('Samtycket vilar på vårdnadshavarnas samtycke.'));
  if (consent.scope.information.length) blocks.push(p(b('Uppgifter som får delas: '), consent.scope.information.map((c) => consentCategoryText[c]).join(', ')));
  if (consent.scope.actors.length) blocks.push(p(b('Aktörer: '), consent.scope.actors.join(', ')));
  if (consent.scope.validUntil) blocks.push(p(b('Gäller till: '), consent.scope.validUntil));
  if (consent.scope.excluded) blocks.push(p(b('Undantaget: '), consent.scope.excluded));
  if (consent.revokedAt) blocks.push(p(b('Återkallat: '), day(consent.revokedAt)));
  return narrative(...blocks);
}

// --- the Composition and the Bundle -------------------------------------------------------

const ref = <T extends Resource>(resource: T & { id: string }): Reference<T> => ({ reference: `${resource.resourceType}/${resource.id}` });
const sectionCode = (...codings: Coding[]): CodeableConcept => ({ coding: codings.map((c) => ({ ...c })) });

/**
 * The document's Composition: status final, type a plan of care note (and our SIP code), the
 * individual as subject, the principal responsible for the plan (else the one that initiated it)
 * as author and custodian, and one section per part of the SIP, each with narrative and
 * references to its resources, our own systems named by their URLs (`options.systems`).
 * `resources` and `participants` are those of
 * {@link withParticipants}, with the ids the document uses.
 */
export function sipComposition(
  plan: PlanView,
  resources: SipResources,
  participants: SipParticipants,
  options: { id: string; systems: SipSystems },
): Composition & { id: string } {
  const responsible = plan.fields.overallResponsibility ?? plan.initiator;
  const authorOrg = plan.parts.find((part) => part.principal === responsible)?.organisation ?? plan.parts[0]?.organisation;
  const author = participants.organizations.find((o) => o.identifier?.some((i) => i.system === IdentifierSystem.hsaId && i.value === authorOrg?.id));
  const authorRef: Reference<Organization> = author
    ? { ...ref(author), type: 'Organization', ...(author.identifier?.[0] ? { identifier: author.identifier[0] } : {}), ...(author.name ? { display: author.name } : {}) }
    : { display: 'SIP-broker' };

  const sections: CompositionSection[] = [
    {
      title: 'Samordnad individuell plan',
      code: sectionCode(DocumentSection.plan, DocumentLoinc.planOfCare),
      text: planNarrative(plan),
      entry: [ref(resources.carePlan)],
    },
    {
      title: 'Mål',
      code: sectionCode(DocumentSection.goals, DocumentLoinc.goals),
      text: goalsNarrative(plan),
      ...(resources.goals.length ? { entry: resources.goals.map(ref) } : { emptyReason: { coding: [{ system: LIST_EMPTY_REASON, code: 'nilknown', display: 'Nil Known' }] } }),
    },
  ];
  // The principal responsible for the plan first, as the SIP names it.
  const order = (part: PartView) => (part.principal === responsible ? 0 : 1);
  for (const part of [...plan.parts].sort((a, b) => order(a) - order(b))) {
    const carePlan = resources.parts.find((cp) => cp.id === part.id) ?? resources.parts[plan.parts.indexOf(part)];
    if (!carePlan) continue;
    sections.push({
      title: `${principalText[part.principal]}s del: ${part.organisation.name}`,
      code: sectionCode(part.principal === 'region' ? DocumentSection.regionPart : DocumentSection.municipalityPart),
      text: partNarrative(part),
      entry: [ref(carePlan)],
    });
  }
  sections.push(
    {
      title: 'Anhöriga',
      code: sectionCode(DocumentSection.relatives),
      text: relativesNarrative(plan),
      entry: [resources.relatives, ...resources.relatedPersons, ...resources.tasks, ...resources.relativeConsents, ...resources.attentionTasks].map(ref),
    },
    {
      title: 'Vårdteam och deltagare',
      code: sectionCode(DocumentSection.careTeam, DocumentLoinc.careTeam),
      text: careTeamNarrative(plan),
      entry: [ref(resources.careTeam)],
    },
    {
      title: 'Samtycke',
      code: sectionCode(DocumentSection.consent, DocumentLoinc.consent),
      text: consentNarrative(plan),
      ...(resources.consent ? { entry: [ref(resources.consent)] } : { emptyReason: { coding: [{ system: LIST_EMPTY_REASON, code: 'notasked', display: 'Not Asked' }] } }),
    },
  );

  const title = plan.fields.title ?? PlanCategory.sip.display;
  return options.systems.publish<Composition & { id: string }>({
    resourceType: 'Composition',
    id: options.id,
    ...(plan.protectedIdentity ? { meta: { security: [{ ...ProtectedIdentityLabel }] } } : {}),
    identifier: { system: SIP_DOCUMENT_IDENTIFIER_SYSTEM, value: plan.id },
    status: 'final',
    type: SIP_DOCUMENT_TYPE,
    subject: resources.carePlan.subject ?? ref(participants.patient),
    date: plan.updatedAt,
    author: [authorRef],
    title,
    confidentiality: plan.protectedIdentity ? 'R' : 'N',
    ...(author ? { custodian: authorRef } : {}),
    event: [{ period: resources.carePlan.period ?? { start: plan.createdAt } }],
    section: sections,
  });
}

/** What a document holds after its Composition, in order: the individual, the SIP's resources, then who they name. */
export function sipDocumentResources(resources: SipResources, participants: SipParticipants): (Resource & { id: string })[] {
  return [participants.patient, ...sipResourceList(resources), ...participants.organizations, ...participants.practitioners];
}

/**
 * The document Bundle: the Composition first, then the given resources, each with its
 * `fullUrl`; `timestamp` when the document was assembled, and an `identifier` that is the same
 * for the same content (a `urn:uuid:` derived from it), so a copy is recognised as the same document.
 */
export function sipDocument(
  composition: Composition & { id: string },
  resources: (Resource & { id: string })[],
  options: { fullUrl: (resource: Resource & { id: string }) => string; timestamp: string },
): Bundle {
  const all = [composition, ...resources];
  const identifier: Identifier = { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${stableUuid(JSON.stringify(all))}` };
  return {
    resourceType: 'Bundle',
    identifier,
    type: 'document',
    timestamp: options.timestamp,
    ...(composition.meta?.security ? { meta: { security: composition.meta.security } } : {}),
    entry: all.map((resource) => ({ fullUrl: options.fullUrl(resource), resource })),
  };
}
