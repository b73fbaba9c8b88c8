/**
 * The plan documents, built from the same views the JSON routes answer: the whole plan (staff,
 * from the plan as the consent lets it reach their organisation; the individual, from their own
 * view), the meeting version (participants, agenda points drawn from the plan, space for notes)
 * and the relative's version (exactly the relatives' projection: what the individual's consent
 * lets that relative see, and their own part). Nothing here decides who sees what: it only says
 * what it is given.
 */
import {
  commitmentKindLabels,
  commitmentReviewDate,
  commitmentStatus,
  consentState,
  dateTimeFormat,
  type CommitmentKind,
  type ConsentCategory,
  type IndividualConsent,
  type OwnPlan,
  type PlanStatus,
  type PlanView,
  type Principal,
} from '@sip/shared';
import type { RelativePlanView } from '../relatives/me.service.ts';
import { relativeCategories } from '../relatives/me.service.ts';
import type { StoredRelative } from '../relatives/relatives.service.ts';
import type { Block, DocumentModel } from './pdf.ts';
import { texts, type DocumentLanguage, type DocumentTexts } from './texts.ts';

export type DocumentView = 'whole' | 'meeting' | 'relative' | 'own';

interface Contact {
  name: string;
  title?: string | undefined;
  unit?: string | undefined;
  phone?: string | undefined;
}
interface Intervention {
  title: string;
  description?: string | undefined;
  status: 'planned' | 'decided';
  performedBy?: string | undefined;
  when?: string | undefined;
  startDate?: string | undefined;
  endDate?: string | undefined;
}
interface WholeRelative {
  name: string;
  relationship: string;
  child: boolean;
  sharesHome?: boolean;
  sees: ConsentCategory[];
  commitments: { kind?: CommitmentKind | undefined; what: string; howOften: string; from: string; until?: string | undefined; status: ReturnType<typeof commitmentStatus>; reviewDate: string }[];
  requests: { kind: 'contact-consultant' | 'needs-assessment' | 'leave-role'; handled: boolean }[];
}

/** The whole plan, as staff or the individual read it, in the shape both documents draw. */
export interface WholePlan {
  title: string | null;
  status: PlanStatus;
  individual: { name?: string | undefined; personId?: string | undefined };
  coordinator: Contact | null;
  responsible: { principal: Principal; organisation: string } | null;
  outOfHours: string | null;
  individualGoals: string[];
  ownActions: string[];
  needs: string[];
  parts: { principal: Principal; organisation: string; contactPerson: Contact | null; goals: string[]; interventions: Intervention[] }[];
  otherActorMeasures: { actor: string; measure: string; when?: string | undefined }[];
  participants: { kind: 'principal' | 'invited'; name: string; role?: string | undefined }[];
  meetings: { at: string; place?: string | undefined; notes?: string | undefined }[];
  followUp: { date: string; by: Contact } | null;
  consent: (IndividualConsent & { state: ReturnType<typeof consentState> }) | null;
  relatives: WholeRelative[];
  /** Staff only: something the plan holds is withheld from the reader's organisation. */
  withheld: boolean;
  revision: number;
  changedAt: string;
}

/** When and which version: what every footer says. */
export interface Stamp {
  revision: number;
  changedAt: string;
  madeAt: Date;
}

const texty = (list: { text: string }[] | undefined) => (list ?? []).map((i) => i.text);

/** The plan as staff read it (already cut to what reaches their organisation). */
export function wholeFromStaff(plan: PlanView, today: Date): WholePlan {
  const responsible = plan.parts.find((p) => p.principal === plan.fields.overallResponsibility);
  return {
    title: plan.fields.title ?? null,
    status: plan.status,
    individual: { name: plan.individual.name, personId: plan.individual.personId },
    coordinator: plan.fields.coordinator ?? null,
    responsible: responsible ? { principal: responsible.principal, organisation: responsible.organisation.name } : null,
    outOfHours: plan.fields.outOfHours ?? null,
    individualGoals: texty(plan.fields.individualGoals),
    ownActions: texty(plan.fields.individualOwnActions),
    needs: texty(plan.fields.needs),
    parts: [...plan.parts]
      .sort((a, b) => a.principal.localeCompare(b.principal))
      .map((p) => ({
        principal: p.principal,
        organisation: p.organisation.name,
        contactPerson: p.content.contactPerson ?? null,
        goals: texty(p.content.goals),
        interventions: (p.content.interventions ?? []).filter((i) => !i.removedUpstream),
      })),
    otherActorMeasures: plan.fields.otherActorMeasures ?? [],
    participants: plan.participants,
    meetings: plan.fields.meetings ?? [],
    followUp: plan.fields.followUp ?? null,
    consent: plan.consent ? { ...plan.consent, state: consentState(plan.consent, today) } : null,
    relatives: plan.relativesSection.relatives
      .filter((r) => !r.removedUpstream)
      .map((r) => ({
        name: r.name,
        relationship: r.relationship.text,
        child: r.child,
        sharesHome: r.sharesHome,
        sees: relativeCategories({ consent: plan.consent }, r as StoredRelative, today),
        commitments: (r.commitments ?? []).map((c) => ({
          kind: c.kind,
          what: c.what,
          howOften: c.howOften,
          from: c.from,
          until: c.until,
          status: commitmentStatus(c),
          reviewDate: commitmentReviewDate(c),
        })),
        requests: (r.support?.requests ?? []).map((q) => ({ kind: q.kind, handled: Boolean(q.handledAt) })),
      })),
    withheld: (plan.visibility?.withheld.length ?? 0) > 0,
    revision: plan.revision,
    changedAt: plan.updatedAt,
  };
}

/** The plan as the individual reads it: whole. */
export function wholeFromOwn(plan: OwnPlan): WholePlan {
  return {
    title: plan.title,
    status: plan.status,
    individual: {},
    coordinator: plan.coordinator,
    responsible: plan.responsible,
    outOfHours: plan.outOfHours,
    individualGoals: texty(plan.individualGoals),
    ownActions: texty(plan.individualOwnActions),
    needs: texty(plan.needs),
    parts: plan.parts.map((p) => ({ ...p, organisation: p.organisation.name, goals: texty(p.goals) })),
    otherActorMeasures: plan.otherActorMeasures,
    participants: plan.participants,
    meetings: plan.meetings,
    followUp: plan.followUp,
    consent: plan.consent,
    relatives: plan.relatives.map((r) => ({ name: r.name, relationship: r.relationship.text, child: r.child, sees: r.sharedNow, commitments: [], requests: [] })),
    withheld: false,
    revision: plan.revision,
    changedAt: plan.updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const ZONE = 'Europe/Stockholm';

/** A point in time, in Swedish time, as the language writes it. */
export function formatTime(at: string | Date, t: DocumentTexts): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return String(at);
  return dateTimeFormat(t.locale, { timeZone: ZONE, dateStyle: 'long', timeStyle: 'short' }).format(date);
}

/** A calendar day (YYYY-MM-DD), as the language writes it. */
export function formatDay(day: string, t: DocumentTexts): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(date.getTime())) return day;
  return dateTimeFormat(t.locale, { timeZone: 'UTC', dateStyle: 'long' }).format(date);
}

const contactLine = (c: Contact) => [c.name, c.title, c.unit, c.phone].filter(Boolean).join(', ');
const period = (from: string | undefined, until: string | undefined, t: DocumentTexts) =>
  from || until ? `${from ? formatDay(from, t) : ''}–${until ? formatDay(until, t) : ''}` : '';

const h1 = (text: string): Block => ({ kind: 'heading', level: 1, text });
const h2 = (text: string): Block => ({ kind: 'heading', level: 2, text });
const h3 = (text: string): Block => ({ kind: 'heading', level: 3, text });
const p = (text: string): Block => ({ kind: 'paragraph', text });
/** A list, or a line saying there is nothing, so that an empty section still says so. */
const listOr = (items: string[], empty: string): Block => (items.length ? { kind: 'list', items } : p(empty));
const tableOr = (head: readonly string[], rows: string[][], empty: string): Block => (rows.length ? { kind: 'table', head: [...head], rows } : p(empty));

function model(lang: DocumentLanguage, view: DocumentView, title: string, blocks: Block[], stamp: Stamp): DocumentModel {
  const t = texts[lang];
  return {
    lang: t.locale,
    title,
    subject: `${t.views[view]} · ${t.subject}`,
    blocks,
    footer: t.footer(stamp.revision, formatTime(stamp.changedAt, t), formatTime(stamp.madeAt, t)),
    pageOf: t.pageOf,
  };
}

function interventionRows(list: Intervention[], t: DocumentTexts): string[][] {
  return list.map((i) => [
    i.description ? `${i.title}\n${i.description}` : i.title,
    t.interventionStatus[i.status],
    i.performedBy ?? '',
    i.when ?? '',
    period(i.startDate, i.endDate, t),
  ]);
}

function aboutBlocks(plan: Pick<WholePlan, 'status' | 'coordinator' | 'responsible' | 'outOfHours'>, t: DocumentTexts): Block[] {
  return [
    p(`${t.statusLabel}: ${t.status[plan.status]}`),
    p(`${t.coordinator}: ${plan.coordinator ? contactLine(plan.coordinator) : t.none}`),
    p(`${t.responsible}: ${plan.responsible ? `${t.principal[plan.responsible.principal]} – ${plan.responsible.organisation}` : t.none}`),
    ...(plan.outOfHours ? [p(`${t.outOfHours}: ${plan.outOfHours}`)] : []),
  ];
}

// ---------------------------------------------------------------------------------------------
// The whole plan
// ---------------------------------------------------------------------------------------------

/** The whole plan: every field the reader may see, each section present even when empty. */
export function wholeDocument(plan: WholePlan, lang: DocumentLanguage, madeAt: Date, view: 'whole' | 'own' = 'whole'): DocumentModel {
  const t = texts[lang];
  const title = plan.title ? `${t.documentTitle}: ${plan.title}` : t.documentTitle;
  const blocks: Block[] = [h1(title), p(t.views[view])];
  if (plan.withheld) blocks.push(p(t.withheld));

  blocks.push(h2(t.aboutPlan));
  if (plan.individual.name) blocks.push(p(`${t.individual}: ${plan.individual.name}`));
  if (plan.individual.personId) blocks.push(p(`${t.personId}: ${plan.individual.personId}`));
  blocks.push(...aboutBlocks(plan, t));

  blocks.push(h2(t.individualGoals), listOr(plan.individualGoals, t.none));
  blocks.push(h2(t.ownActions), listOr(plan.ownActions, t.none));
  blocks.push(h2(t.needs), listOr(plan.needs, t.none));

  blocks.push(h2(t.parts));
  if (plan.parts.length === 0) blocks.push(p(t.none));
  for (const part of plan.parts) {
    blocks.push(h3(`${t.principal[part.principal]}: ${part.organisation}`));
    blocks.push(p(`${t.contactPerson}: ${part.contactPerson ? contactLine(part.contactPerson) : t.none}`));
    blocks.push(p(`${t.goals}:`), listOr(part.goals, t.none));
    blocks.push(p(`${t.interventions}:`), tableOr(t.interventionHead, interventionRows(part.interventions, t), t.none));
  }

  blocks.push(h2(t.otherActors), tableOr(t.otherActorsHead, plan.otherActorMeasures.map((m) => [m.actor, m.measure, m.when ?? '']), t.none));
  blocks.push(h2(t.participants), tableOr(t.participantsHead, plan.participants.map((x) => [x.name, x.role ?? '', t.participantKind[x.kind]]), t.none));
  blocks.push(h2(t.meetings), tableOr(t.meetingsHead, plan.meetings.map((m) => [formatTime(m.at, t), m.place ?? '', m.notes ?? '']), t.none));
  blocks.push(h2(t.followUp), p(plan.followUp ? t.followUpLine(formatDay(plan.followUp.date, t), contactLine(plan.followUp.by)) : t.noFollowUp));

  blocks.push(h2(t.consent));
  if (plan.consent) {
    const c = plan.consent;
    blocks.push(p(t.consentLine(t.consentState[c.state], t.consentForm[c.form], formatTime(c.recordedAt, t), c.recordedBy.name)));
    blocks.push(h3(t.consentInformation), listOr(c.scope.information.map((x) => t.categories[x]), t.none));
    blocks.push(h3(t.consentActors), listOr(c.scope.actors, t.none));
    if (c.scope.validUntil) blocks.push(p(t.validUntil(formatDay(c.scope.validUntil, t))));
    if (c.scope.excluded) blocks.push(p(`${t.excluded}: ${c.scope.excluded}`));
  } else {
    blocks.push(p(t.noConsent));
  }

  blocks.push(h2(view === 'own' ? t.relativesSee : t.relatives));
  if (plan.relatives.length === 0) blocks.push(p(t.noRelatives));
  else {
    const sees = (r: WholeRelative) => (r.sees.length ? r.sees.map((x) => t.categories[x]).join(', ') : t.nothingShared);
    blocks.push({
      kind: 'table',
      head: [...t.relativesHead],
      rows: plan.relatives.map((r) => [r.name, r.relationship, r.child ? t.yes : t.no, r.sharesHome === undefined ? '' : r.sharesHome ? t.yes : t.no, sees(r)]),
    });
    for (const r of plan.relatives.filter((x) => x.commitments.length > 0)) {
      blocks.push(h3(t.commitmentsOf(r.name)), commitmentTable(r.commitments, t, lang));
    }
  }
  return model(lang, view, title, blocks, { revision: plan.revision, changedAt: plan.changedAt, madeAt });
}

/** The commitments, each with what kind of help it is when staff said so. */
function commitmentTable(list: WholeRelative['commitments'], t: DocumentTexts, lang: DocumentLanguage): Block {
  const what = (c: WholeRelative['commitments'][number]) => {
    const kind = c.kind ? commitmentKindLabels[c.kind]?.[lang] : undefined;
    return kind ? `${c.what}\n${t.commitmentKind}: ${kind}` : c.what;
  };
  return tableOr(
    t.commitmentsHead,
    list.map((c) => [what(c), c.howOften, period(c.from, c.until, t), t.commitmentStatus[c.status], formatDay(c.reviewDate, t)]),
    t.none,
  );
}

// ---------------------------------------------------------------------------------------------
// The meeting version
// ---------------------------------------------------------------------------------------------

/**
 * The meeting version: who takes part, the agenda drawn from the plan (its goals; what is due
 * for follow-up: planned interventions to decide on and those ending by the follow-up; open
 * commitments and relatives' requests; the next follow-up), and space for notes.
 */
export function meetingDocument(plan: WholePlan, lang: DocumentLanguage, madeAt: Date): DocumentModel {
  const t = texts[lang];
  const today = madeAt.toISOString().slice(0, 10);
  const title = t.meetingFor(plan.title ?? t.documentTitle);
  const blocks: Block[] = [h1(title), p(t.views.meeting)];
  if (plan.withheld) blocks.push(p(t.withheld));
  const next = plan.meetings.filter((m) => m.at >= madeAt.toISOString()).sort((a, b) => a.at.localeCompare(b.at))[0];
  if (next) blocks.push(p(t.meetingAt(formatTime(next.at, t), next.place)));
  if (plan.individual.name) blocks.push(p(`${t.individual}: ${plan.individual.name}`));
  blocks.push(...aboutBlocks(plan, t));

  blocks.push(h2(t.participants), tableOr(t.participantsHead, plan.participants.map((x) => [x.name, x.role ?? '', t.participantKind[x.kind]]), t.none));
  if (plan.relatives.length) {
    blocks.push(h3(t.relatives), { kind: 'list', items: plan.relatives.map((r) => `${r.name} (${r.relationship})`) });
  }

  blocks.push(h2(t.agenda));
  const goals = [
    ...plan.individualGoals.map((g) => t.goalOf(t.individualWord, g)),
    ...plan.parts.flatMap((part) => part.goals.map((g) => t.goalOf(part.organisation, g))),
  ];
  blocks.push(h3(t.agendaGoals), listOr(goals, t.nothingToRaise));

  const horizon = plan.followUp?.date && plan.followUp.date > today ? plan.followUp.date : today;
  const due = plan.parts.flatMap((part) =>
    part.interventions.flatMap((i) => {
      if (i.status === 'planned') return [t.plannedToDecide(part.organisation, i.title)];
      if (i.endDate && i.endDate <= horizon) return [t.endsBy(part.organisation, i.title, formatDay(i.endDate, t))];
      return [];
    }),
  );
  blocks.push(h3(t.agendaFollowUp), listOr(due, t.nothingToRaise));

  const open = plan.relatives.flatMap((r) => [
    ...r.commitments.flatMap((c) => {
      if (c.status === 'requested') return [t.commitmentWaiting(r.name, c.what)];
      if (c.status === 'withdrawn') return [t.commitmentWithdrawn(r.name, c.what)];
      if (c.status === 'accepted' && c.reviewDate <= horizon) return [t.commitmentReview(r.name, c.what, formatDay(c.reviewDate, t))];
      return [];
    }),
    ...r.requests.filter((q) => !q.handled).map((q) => t.requestOpen(r.name, t.requests[q.kind])),
  ]);
  blocks.push(h3(t.agendaCommitments), listOr(open, t.nothingToRaise));

  blocks.push(h3(t.agendaNext), {
    kind: 'list',
    items: [plan.followUp ? t.nextFollowUp(formatDay(plan.followUp.date, t), contactLine(plan.followUp.by)) : t.decideFollowUp, t.agreeNextMeeting],
  });

  blocks.push(h2(t.notes), { kind: 'notes', text: t.notesSpace, lines: 14 });
  return model(lang, 'meeting', title, blocks, { revision: plan.revision, changedAt: plan.changedAt, madeAt });
}

// ---------------------------------------------------------------------------------------------
// The relative's version
// ---------------------------------------------------------------------------------------------

type Shared = {
  goals?: { individual: { text: string }[]; professional: { principal: Principal; organisation: string; goals: { text: string }[] }[] };
  interventions?: (Intervention & { principal: Principal })[];
  contacts?: (Contact & { principal: Principal; organisation: string })[];
  followUp?: { date: string } | null;
  needs?: { text: string }[];
  meetings?: { at: string; place?: string }[];
};

/**
 * The relative's version: drawn from the relatives' projection only (what the individual's
 * consent lets this relative see, and their own part), so it cannot show more than their JSON does.
 */
export function relativeDocument(view: RelativePlanView, stamp: Stamp, lang: DocumentLanguage): DocumentModel {
  const t = texts[lang];
  const title = view.title ? `${t.documentTitle}: ${view.title}` : t.documentTitle;
  const shared = view.shared as unknown as Shared;
  const me = view.me;
  const blocks: Block[] = [h1(title), p(t.relativeFor(view.me.name))];
  if (view.individual.givenName) blocks.push(p(t.planAbout(view.individual.givenName)));
  blocks.push(h2(t.aboutPlan), ...aboutBlocks(view, t));

  blocks.push(h2(t.sharedWithYou));
  const categories = view.shared.categories as ConsentCategory[];
  if (categories.length === 0) blocks.push(p(t.sharedNothing));
  else blocks.push(p(categories.map((c) => t.categories[c]).join(', ')));
  if (shared.goals) {
    blocks.push(h3(t.individualGoals), listOr(texty(shared.goals.individual), t.none));
    for (const side of shared.goals.professional) blocks.push(h3(t.professionalGoals(side.organisation)), listOr(texty(side.goals), t.none));
  }
  if (shared.needs) blocks.push(h3(t.needs), listOr(texty(shared.needs), t.none));
  if (shared.interventions) blocks.push(h3(t.interventions), tableOr(t.interventionHead, interventionRows(shared.interventions, t), t.none));
  if (shared.contacts) {
    blocks.push(
      h3(t.contacts),
      tableOr(t.contactsHead, shared.contacts.map((c) => [`${t.principal[c.principal]} – ${c.organisation}`, [c.name, c.title].filter(Boolean).join(', '), c.unit ?? '', c.phone ?? '']), t.none),
    );
  }
  if (shared.meetings) blocks.push(h3(t.meetingsList), listOr(shared.meetings.map((m) => [formatTime(m.at, t), m.place].filter(Boolean).join(', ')), t.none));
  if (shared.followUp !== undefined) blocks.push(h3(t.followUp), p(shared.followUp ? t.followUpDate(formatDay(shared.followUp.date, t)) : t.noFollowUp));

  blocks.push(h2(t.yourPart));
  blocks.push(p(`${t.relationship}: ${view.me.relationship.text}`));
  blocks.push(h3(t.information), tableOr(t.informationHead, (me.information ?? []).map((i) => [i.what, i.how, i.howOften]), t.none));
  if ((me.informed ?? []).length) blocks.push(h3(t.informed), { kind: 'list', items: me.informed.map((i) => `${formatTime(i.at, t)}: ${i.what}`) });
  if (!view.me.child) {
    blocks.push(
      h3(t.commitments),
      commitmentTable(
        view.me.commitments.map((c) => ({ kind: c.kind, what: c.what, howOften: c.howOften, from: c.from, until: c.until, status: c.status, reviewDate: c.currentReviewDate })),
        t,
        lang,
      ),
    );
  }
  const support = view.me.support;
  blocks.push(h3(t.supportOffered), listOr((support?.offered ?? []).map((o) => t.support[o]), t.none));
  if (support?.requests.length) {
    blocks.push(h3(t.supportRequests), {
      kind: 'list',
      items: support.requests.map((q) => `${formatTime(q.at, t)}: ${t.requests[q.kind]} (${q.handledAt ? t.handled : t.waiting})`),
    });
  }
  if (view.me.sharesHome && view.me.homeConsent) blocks.push(h3(t.homeConsent), p(view.me.homeConsent.consent ? t.homeConsentYes : t.homeConsentNo));
  return model(lang, 'relative', title, blocks, stamp);
}
