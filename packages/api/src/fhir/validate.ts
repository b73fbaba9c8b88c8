import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Bundle, CarePlan, CodeableConcept, Consent, Goal, OperationOutcomeIssue, Provenance, Reference, Resource, Task } from '@medplum/fhirtypes';
import {
  ATTENTION_KIND_SYSTEM,
  AttentionCoding,
  commitmentKindOfTask,
  ConsentCoding,
  PLAN_CATEGORY_SYSTEM,
  PlanCategory,
  RelativeConsentCategory,
  SipExtension,
  SipIdentifierSystem,
  identifierKey,
  sipIdentifierOf,
  type SipSystems,
} from '@sip/shared';
import { loadFhirDefinitions } from './definitions.ts';

/** One thing wrong with a resource: where (a FHIRPath-like location) and what. */
export interface FhirValidationIssue {
  path: string;
  message: string;
}

/**
 * A resource or bundle the broker built does not hold up: a bug in the mapping, never something
 * to skip. The message lists every issue.
 */
export class FhirValidationError extends Error {
  constructor(
    readonly what: string,
    readonly issues: FhirValidationIssue[],
  ) {
    super(`${what} failed validation (${issues.length} issue${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `- ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'FhirValidationError';
  }
}

/** The resource types the SIP is published as. */
const publishedTypes = new Set(['CarePlan', 'Goal', 'CareTeam', 'Consent', 'RelatedPerson', 'Task', 'Provenance']);

/** The identifier system of ours (by its local name) each published type carries (the Provenance carries none). */
const expectedSystems: Record<string, string[]> = {
  CarePlan: [SipIdentifierSystem.plan, SipIdentifierSystem.planPart],
  Goal: [SipIdentifierSystem.goal],
  CareTeam: [SipIdentifierSystem.careTeam],
  Consent: [SipIdentifierSystem.consent, SipIdentifierSystem.commitmentConsent, SipIdentifierSystem.homeConsent],
  RelatedPerson: [SipIdentifierSystem.relative],
  Task: [SipIdentifierSystem.commitment, SipIdentifierSystem.attention],
};

/** The category a relative's own Consent carries, by its identifier system's local name. */
const relativeConsentCategory: Record<string, { system: string; code: string }> = {
  [SipIdentifierSystem.commitmentConsent]: RelativeConsentCategory.commitment,
  [SipIdentifierSystem.homeConsent]: RelativeConsentCategory.homeAsPlaceOfCare,
};

/** The relative's own consent category of a Consent, as published (`systems`), by the identifier it carries. */
function relativeCategoryOf(resource: Resource, systems: SipSystems): { system: string; code: string } | undefined {
  const category = relativeConsentCategory[systems.local(sipIdentifierOf(resource, systems)?.system) ?? ''];
  return category && { ...category, system: systems.url(category.system) };
}

/** Whether the resource carries our identifier of the system named by its local name. */
const identifiedBy = (resource: Resource, systems: SipSystems, local: string) => sipIdentifierOf(resource, systems)?.system === systems.url(local);

const TASK_STATUSES = new Set<Task['status']>(['requested', 'accepted', 'rejected', 'cancelled']);
const ATTENTION_STATUSES = new Set<Task['status']>(['requested', 'completed']);
const RELATIVE_CONSENT_STATUSES = new Set<Consent['status']>(['active', 'inactive', 'rejected']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A reference to another resource of the SIP (`Type/id` or `urn:uuid:`), not merely a display or identifier. */
const isLiteral = (reference: { reference?: string } | undefined) => !!reference?.reference;

/** A Condition the receiver holds (`Condition/<id>`), or one named by its identifier (`type` Condition, `identifier` with system and value). */
function conditionReferenceIssue(reference: Reference): string | undefined {
  if (reference.reference !== undefined) {
    return /^Condition\/[A-Za-z0-9\-.]{1,64}$/.test(reference.reference) ? undefined : `${reference.reference} is not a Condition the receiver holds (Condition/<id>)`;
  }
  if (reference.type !== 'Condition' || !reference.identifier?.system || !reference.identifier.value) {
    return 'a Condition is referenced as Condition/<id>, or by type Condition and an identifier with system and value';
  }
  return undefined;
}

const UUID_REFERENCE = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Medplum's R4 validation: structure, cardinality, types and FHIRPath invariants. Errors only. */
function medplumIssues(resource: Resource, at: string): FhirValidationIssue[] {
  loadFhirDefinitions();
  const toIssue = (issue: OperationOutcomeIssue): FhirValidationIssue => {
    const expression = issue.expression?.[0] ?? issue.location?.[0] ?? resource.resourceType;
    const rest = expression.startsWith(resource.resourceType) ? expression.slice(resource.resourceType.length) : `.${expression}`;
    return { path: `${at}${rest}`, message: issue.details?.text ?? issue.diagnostics ?? issue.code };
  };
  const errors = (issues: OperationOutcomeIssue[]) => issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map(toIssue);
  try {
    return errors(validateResource(resource));
  } catch (error) {
    if (error instanceof OperationOutcomeError) return errors(error.outcome.issue);
    throw error;
  }
}

/** FHIR R4 validation of a resource the broker builds that is not part of the published SIP (a MeasureReport): structure, cardinality, types, invariants. */
export function r4Issues(resource: Resource, at: string = resource.resourceType): FhirValidationIssue[] {
  return medplumIssues(resource, at);
}

const hasCoding = (concepts: CodeableConcept[] | CodeableConcept | undefined, system: string, code?: string) =>
  [concepts ?? []].flat().some((c) => c.coding?.some((coding) => coding.system === system && (code === undefined || coding.code === code)));

/**
 * The checks Medplum does not make: our codes, our identifiers (as `systems` publishes them,
 * never an earlier form), what a SIP resource must say.
 */
function sipIssues(resource: Resource, at: string, systems: SipSystems): FhirValidationIssue[] {
  const issues: FhirValidationIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path: `${at}.${path}`, message });

  if (!publishedTypes.has(resource.resourceType)) {
    issue('resourceType', `${resource.resourceType} is not a resource type the SIP is published as`);
    return issues;
  }
  const expected = expectedSystems[resource.resourceType]?.map((local) => systems.url(local));
  if (expected) {
    const identifier = sipIdentifierOf(resource, systems);
    if (!identifier) issue('identifier', `needs an identifier with system ${expected.join(' or ')}`);
    else if (!expected.includes(identifier.system)) issue('identifier', `the identifier system must be ${expected.join(' or ')}, not ${identifier.system}`);
  }
  const planCategorySystem = systems.url(PLAN_CATEGORY_SYSTEM);

  switch (resource.resourceType) {
    case 'CarePlan': {
      const plan = resource as CarePlan;
      if (!plan.status) issue('status', 'is required');
      if (plan.intent !== 'plan') issue('intent', `must be 'plan'`);
      if (!plan.subject) issue('subject', 'is required');
      const categories = (plan.category ?? []).flatMap((c) => c.coding ?? []).filter((c) => c.system === planCategorySystem);
      const kind = categories.find((c) => [PlanCategory.sip.code, PlanCategory.part.code, PlanCategory.relatives.code].includes(c.code as never))?.code;
      if (!kind) {
        issue('category', `needs a coding ${planCategorySystem}|${PlanCategory.sip.code} (or ${PlanCategory.part.code}, ${PlanCategory.relatives.code} for a part)`);
      } else {
        const identifier = sipIdentifierOf(resource, systems);
        const identifiedAs = systems.url(kind === PlanCategory.sip.code ? SipIdentifierSystem.plan : SipIdentifierSystem.planPart);
        if (identifier && identifier.system !== identifiedAs) issue('identifier', `a CarePlan of category ${kind} is identified by ${identifiedAs}`);
        if (kind !== PlanCategory.sip.code && !plan.partOf?.length) issue('partOf', `a CarePlan of category ${kind} must be partOf the SIP`);
        if (kind === PlanCategory.sip.code && plan.partOf?.length) issue('partOf', 'the SIP is not part of another plan');
      }
      plan.activity?.forEach((activity, i) => {
        // cpl-3: an activity references its request (Task, ServiceRequest) or describes it, with a status.
        if (!activity.reference && !activity.detail?.status) issue(`activity[${i}].detail.status`, 'is required');
        activity.detail?.reasonReference?.forEach((reason, j) => {
          const wrong = conditionReferenceIssue(reason);
          if (wrong) issue(`activity[${i}].detail.reasonReference[${j}]`, wrong);
        });
      });
      // What the plan addresses is the upstreams' Conditions, never a resource of the bundle nor a bare display.
      plan.addresses?.forEach((reference, i) => {
        const wrong = conditionReferenceIssue(reference);
        if (wrong) issue(`addresses[${i}]`, wrong);
      });
      break;
    }
    case 'Consent': {
      const consent = resource as Consent;
      if (!consent.status) issue('status', 'is required');
      if (!consent.patient) issue('patient', 'is required');
      // IHE PCF: where the consent came from.
      if (!consent.sourceAttachment && !consent.sourceReference) issue('source[x]', 'is required: sourceAttachment or sourceReference, where the consent came from');
      else if (consent.sourceAttachment && (!consent.sourceAttachment.title || !consent.sourceAttachment.creation)) {
        issue('sourceAttachment', 'names what the consent came from and when: title and creation');
      }
      const relativeCategory = relativeCategoryOf(resource, systems);
      if (relativeCategory) {
        relativeConsentIssues(consent, relativeCategory, issue);
        break;
      }
      if (!hasCoding(consent.scope, ConsentCoding.patientPrivacy.system, ConsentCoding.patientPrivacy.code)) {
        issue('scope', `needs the coding ${ConsentCoding.patientPrivacy.system}|${ConsentCoding.patientPrivacy.code}`);
      }
      if (!hasCoding(consent.category, ConsentCoding.patientConsent.system, ConsentCoding.patientConsent.code)) {
        issue('category', `needs the coding ${ConsentCoding.patientConsent.system}|${ConsentCoding.patientConsent.code}`);
      }
      if (!hasCoding(consent.provision?.purpose?.map((coding) => ({ coding: [coding] })), ConsentCoding.coordinationOfCare.system, ConsentCoding.coordinationOfCare.code)) {
        issue('provision.purpose', `needs the coding ${ConsentCoding.coordinationOfCare.system}|${ConsentCoding.coordinationOfCare.code}`);
      }
      consent.provision?.actor?.forEach((actor, i) => {
        if (!hasCoding(actor.role, ConsentCoding.informationRecipient.system, ConsentCoding.informationRecipient.code)) {
          issue(`provision.actor[${i}].role`, `must be ${ConsentCoding.informationRecipient.system}|${ConsentCoding.informationRecipient.code}`);
        }
      });
      break;
    }
    case 'Task': {
      const task = resource as Task;
      if (identifiedBy(resource, systems, SipIdentifierSystem.attention)) {
        attentionTaskIssues(task, systems, issue);
        break;
      }
      if (!TASK_STATUSES.has(task.status)) issue('status', `must be requested, accepted, rejected or cancelled, not ${task.status ?? 'missing'}`);
      if (task.intent !== 'proposal') issue('intent', `must be 'proposal': a commitment is proposed to the relative`);
      if (!task.description) issue('description', 'is required: what the relative commits to');
      if (!task.for) issue('for', 'is required: the individual');
      if (!isLiteral(task.owner)) issue('owner', 'must reference the RelatedPerson who takes on the commitment');
      if (!task.basedOn?.some(isLiteral)) issue('basedOn', 'must reference the SIP CarePlan');
      if (!task.executionPeriod?.start) issue('executionPeriod.start', 'is required: from when the commitment holds');
      const reviewDateUrl = systems.url(SipExtension.reviewDate);
      const reviewDate = task.extension?.find((e) => e.url === reviewDateUrl);
      if (!reviewDate?.valueDate || !ISO_DATE.test(reviewDate.valueDate)) issue('extension', `needs ${reviewDateUrl} with a valueDate`);
      const kindUrl = systems.url(SipExtension.commitmentKind);
      if (task.extension?.some((e) => e.url === kindUrl) && !commitmentKindOfTask(task, systems)) issue('extension', `${kindUrl} must carry a valueCoding of a kind of commitment`);
      break;
    }    case 'Goal': {
      const goal = resource as Goal;
      if (!goal.lifecycleStatus) issue('lifecycleStatus', 'is required');
      if (!goal.description?.text && !goal.description?.coding?.length) issue('description', 'is required: text or a coding');
      if (!goal.subject) issue('subject', 'is required');
      break;
    }
    case 'Provenance': {
      const provenance = resource as Provenance;
      if (!provenance.target?.length) issue('target', 'is required');
      if (!provenance.recorded) issue('recorded', 'is required');
      if (!provenance.agent?.some((agent) => agent.who?.identifier?.value || agent.who?.reference)) issue('agent', 'needs an agent who made the change');
      break;
    }
  }
  return issues;
}

/** A Task to the responsible principal about something in the relatives section: our rules. */
function attentionTaskIssues(task: Task, systems: SipSystems, issue: (path: string, message: string) => void) {
  if (!ATTENTION_STATUSES.has(task.status)) issue('status', `must be requested or completed, not ${task.status ?? 'missing'}`);
  if (task.intent !== 'order') issue('intent', `must be 'order': the responsible principal is asked to act`);
  const attentionSystem = systems.url(ATTENTION_KIND_SYSTEM);
  const code = task.code?.coding?.find((c) => c.system === attentionSystem);
  if (!code || !Object.keys(AttentionCoding).includes(code.code ?? '')) issue('code', `needs a coding from ${attentionSystem}`);
  if (!task.for) issue('for', 'is required: the individual');
  if (!isLiteral(task.focus)) issue('focus', `must reference the commitment's Task or the RelatedPerson`);
  if (!task.basedOn?.some(isLiteral)) issue('basedOn', 'must reference the SIP CarePlan');
  if (!task.authoredOn) issue('authoredOn', 'is required: when it arose');
  if (task.owner && !task.owner.identifier?.value) issue('owner', 'must name the responsible organisation by HSA-id');
}

/** A relative's own Consent (to a commitment, or to the home as a place of care): no standard profile, so our rules. */
function relativeConsentIssues(consent: Consent, category: { system: string; code: string }, issue: (path: string, message: string) => void) {
  if (consent.status && !RELATIVE_CONSENT_STATUSES.has(consent.status)) issue('status', `must be active, inactive or rejected, not ${consent.status}`);
  if (!hasCoding(consent.scope, ConsentCoding.treatment.system, ConsentCoding.treatment.code)) {
    issue('scope', `needs the coding ${ConsentCoding.treatment.system}|${ConsentCoding.treatment.code}`);
  }
  if (!hasCoding(consent.category, category.system, category.code)) issue('category', `needs the coding ${category.system}|${category.code}`);
  if (!hasCoding(consent.category, ConsentCoding.patientConsent.system, ConsentCoding.patientConsent.code)) {
    issue('category', `needs the coding ${ConsentCoding.patientConsent.system}|${ConsentCoding.patientConsent.code} beside ours`);
  }
  if (consent.sourceAttachment?.creation && consent.dateTime && consent.sourceAttachment.creation !== consent.dateTime) {
    issue('sourceAttachment.creation', 'is the time of the relative’s own answer: the Consent’s dateTime');
  }
  if (!consent.dateTime) issue('dateTime', 'is required: when the relative answered');
  if (!consent.performer?.length || !consent.performer.every(isLiteral)) issue('performer', 'must reference the RelatedPerson who answered');
  const rule = consent.status === 'active' ? ConsentCoding.optIn : ConsentCoding.optOut;
  if (!hasCoding(consent.policyRule, rule.system, rule.code)) issue('policyRule', `a ${consent.status ?? ''} consent has the policyRule ${rule.system}|${rule.code}`);
  if (category.code === RelativeConsentCategory.commitment.code) {
    const data = consent.provision?.data ?? [];
    if (!data.some((d) => d.meaning === 'related' && isLiteral(d.reference))) {
      issue('provision.data', `must reference the commitment's Task, with meaning 'related'`);
    }
  }
}

/** Every issue with a resource the broker publishes: Medplum's R4 validation and our own checks, our systems as `systems` publishes them. */
export function resourceIssues(resource: Resource, systems: SipSystems, at: string = resource.resourceType): FhirValidationIssue[] {
  return [...medplumIssues(resource, at), ...sipIssues(resource, at, systems)];
}

/** Throws {@link FhirValidationError} unless the resource is a valid R4 resource of the SIP, our systems as `systems` publishes them. */
export function validateForPublish(resource: Resource, systems: SipSystems): void {
  const issues = resourceIssues(resource, systems);
  if (issues.length) throw new FhirValidationError(`${resource.resourceType}${resource.id ? `/${resource.id}` : ''}`, issues);
}

function referencesIn(value: unknown, path: string, out: { path: string; reference: string }[]) {
  if (Array.isArray(value)) {
    value.forEach((child, i) => referencesIn(child, `${path}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') out.push({ path: `${path}.reference`, reference: child });
      else referencesIn(child, `${path}.${key}`, out);
    }
  }
  return out;
}

/**
 * Every issue with a bundle of SIP resources: each resource, and how the entries hang together.
 * `held`: `Type/id` references to resources the receiving server already holds (written by an
 * earlier transaction of the same delivery, or its own), which the entries may reference too.
 */
export function bundleIssues(bundle: Bundle, systems: SipSystems, held: ReadonlySet<string> = new Set()): FhirValidationIssue[] {
  const issues: FhirValidationIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (bundle.resourceType !== 'Bundle') return [{ path: 'resourceType', message: 'must be Bundle' }];
  // The bundle's own structure; its entries' resources are checked one by one below.
  issues.push(...medplumIssues(bundle, 'Bundle').filter((i) => !/^Bundle\.entry\[\d+\]\.resource\b/.test(i.path)));

  const entries = bundle.entry ?? [];
  const fullUrls = new Map<string, number>();
  const identifiers = new Map<string, number>();
  const transaction = bundle.type === 'transaction' || bundle.type === 'batch';
  entries.forEach((entry, i) => {
    const at = `Bundle.entry[${i}]`;
    const resource = entry.resource;
    if (!resource) {
      issue(`${at}.resource`, 'is required');
      return;
    }
    // The upstream's own RelatedPerson, which the broker updates instead of making a second one,
    // is its record, not ours: R4's rules apply, ours (our identifier among them) do not.
    const theirs = resource.resourceType === 'RelatedPerson' && !sipIdentifierOf(resource, systems) && entry.request?.method === 'PUT';
    issues.push(...(theirs ? medplumIssues(resource, `${at}.resource`) : resourceIssues(resource, systems, `${at}.resource`)));
    if (entry.fullUrl) {
      const seen = fullUrls.get(entry.fullUrl);
      if (seen !== undefined) issue(`${at}.fullUrl`, `${entry.fullUrl} is also the fullUrl of entry ${seen}`);
      else fullUrls.set(entry.fullUrl, i);
    }
    const identifier = sipIdentifierOf(resource, systems);
    if (identifier) {
      const key = `${resource.resourceType} ${identifierKey(identifier)}`;
      const seen = identifiers.get(key);
      if (seen !== undefined) issue(`${at}.resource.identifier`, `${identifierKey(identifier)} is also the identifier of entry ${seen}`);
      else identifiers.set(key, i);
    }
    if (!transaction) return;
    const request = entry.request;
    if (!request?.method || !request.url) {
      issue(`${at}.request`, 'needs a method and a url');
      return;
    }
    if (request.method === 'POST') {
      if (request.url !== resource.resourceType) issue(`${at}.request.url`, `a create is POST ${resource.resourceType}`);
      if (resource.id) issue(`${at}.resource.id`, 'a resource to create carries no id');
      if (resource.resourceType !== 'Provenance') {
        if (!identifier) issue(`${at}.request.ifNoneExist`, 'a conditional create needs an identifier to match on');
        else if (!request.ifNoneExist?.startsWith('identifier=')) issue(`${at}.request.ifNoneExist`, 'a create of a SIP resource is conditional on its identifier');
      }
      if (!entry.fullUrl || !UUID_REFERENCE.test(entry.fullUrl)) issue(`${at}.fullUrl`, 'a created resource has a urn:uuid: fullUrl');
    } else if (request.method === 'PUT') {
      if (request.url !== `${resource.resourceType}/${resource.id}`) issue(`${at}.request.url`, `an update is PUT ${resource.resourceType}/${resource.id ?? '<id>'}`);
      if (!request.ifMatch || !/^W\/".+"$/.test(request.ifMatch)) issue(`${at}.request.ifMatch`, 'an update names the version it replaces: W/"<versionId>"');
    } else {
      issue(`${at}.request.method`, `${request.method} is not how the SIP is published`);
    }
  });

  entries.forEach((entry, i) => {
    for (const { path, reference } of referencesIn(entry.resource, `Bundle.entry[${i}].resource`, [])) {
      if (reference.toLowerCase().startsWith('urn:uuid:') && !fullUrls.has(reference)) {
        issue(path, `${reference} is the fullUrl of no entry in the bundle`);
      }
    }
  });

  // A commitment and the relatives' consents hang on resources of the same SIP: those must be in the bundle.
  const typeOf = (reference: string): string | undefined => {
    const byFullUrl = fullUrls.get(reference);
    if (byFullUrl !== undefined) return entries[byFullUrl]?.resource?.resourceType;
    if (held.has(reference)) return reference.split('/')[0];
    return entries.find((e) => e.resource?.id && `${e.resource.resourceType}/${e.resource.id}` === reference)?.resource?.resourceType;
  };
  const resolves = (path: string, reference: string | undefined, type: string) => {
    if (!reference) return;
    const found = typeOf(reference);
    if (!found) issue(path, `${reference} is no ${type} in the bundle`);
    else if (found !== type) issue(path, `${reference} is a ${found}, not a ${type}`);
  };
  entries.forEach((entry, i) => {
    const at = `Bundle.entry[${i}].resource`;
    const resource = entry.resource;
    if (resource?.resourceType === 'Task' && identifiedBy(resource, systems, SipIdentifierSystem.commitment)) {
      // A relative's commitment: theirs, on the relatives section. (An attention Task is owned by
      // the responsible organisation, which the receiver holds on its own.)
      resolves(`${at}.owner.reference`, resource.owner?.reference, 'RelatedPerson');
      resource.basedOn?.forEach((ref, j) => resolves(`${at}.basedOn[${j}].reference`, ref.reference, 'CarePlan'));
    } else if (resource?.resourceType === 'Consent' && relativeCategoryOf(resource, systems)) {
      resource.performer?.forEach((ref, j) => resolves(`${at}.performer[${j}].reference`, ref.reference, 'RelatedPerson'));
      resource.provision?.data?.forEach((d, j) => resolves(`${at}.provision.data[${j}].reference.reference`, d.reference.reference, 'Task'));
    }
  });
  return issues;
}

/** Throws {@link FhirValidationError} unless every resource is valid and every `urn:uuid:` reference resolves in the bundle. */
export function validateBundle(bundle: Bundle, systems: SipSystems, held?: ReadonlySet<string>): void {
  const issues = bundleIssues(bundle, systems, held);
  if (issues.length) throw new FhirValidationError(`Bundle (${bundle.type ?? 'no type'})`, issues);
}
