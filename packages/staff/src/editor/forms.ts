/**
 * The editor's forms: for each editable section, its fields, the values it opens with (read
 * from the plan), the request body made of what the user typed, and the schema of the API's own
 * that checks that body before it is sent. A field's key is its path in the body, so the
 * service's `errors[].path` finds its field.
 */
import {
  commitmentCancelSchema,
  commitmentProposalSchema,
  individualConsentSchema,
  informedEntrySchema,
  participantSchema,
  partContentPatchSchema,
  planFieldsPatchSchema,
  relativeSchema,
  relativeSharingSchema,
  relativeSupportSchema,
  supportOfferSchema,
  type IndividualConsent,
  type Operation,
  type PlanFields,
  type PlanView,
  type Relative,
} from '@sip/shared';
import { path } from '../api.ts';
import type { Target } from './access.ts';
import { sameValue, type Draft, type DraftValue } from './merge.ts';
import type { Messages } from './messages.ts';

export type FieldKind = 'text' | 'tel' | 'textarea' | 'lines' | 'date' | 'datetime' | 'select' | 'checkboxes' | 'checkbox';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  options?: { value: string; label: string }[];
  required?: boolean;
  /** The legend of the group of fields it belongs to (one item of a list). */
  group?: string;
}

/** A schema of the API's own, as far as the forms use it. */
export interface Checker {
  safeParse(value: unknown): { success: boolean; error?: { issues: readonly Issue[] } };
}

export interface Issue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  minimum?: unknown;
  origin?: string;
}

export interface FormSpec {
  id: string;
  /** The section it belongs to (for "changed by" marks). */
  section: string;
  /** What it changes, in words. */
  title: string;
  operation: Operation;
  target: Target;
  /** A form that adds something: it opens empty, and a newer version never collides with it. */
  additive?: boolean;
  /** The version its If-Match names; undefined when what it changes is gone. */
  versionOf(plan: PlanView): number | undefined;
  fields(plan: PlanView): FieldSpec[];
  draft(plan: PlanView, now: Date): Draft;
  body(draft: Draft, plan: PlanView, now: Date): unknown;
  /**
   * For a form with lists of records: by the list's path in the body, the row key (item id) of
   * each item the body holds, in order, so that an error at `interventions/1` finds the field of
   * the item sent second (an item removed before it is not sent).
   */
  rows?(draft: Draft, plan: PlanView): Record<string, string[]>;
  schema: Checker;
  method: 'PATCH' | 'PUT' | 'POST';
  path(planId: string): string;
}

// --- values ------------------------------------------------------------------------------------

const str = (draft: Draft, key: string): string => {
  const value = draft[key];
  return typeof value === 'string' ? value.trim() : '';
};
const list = (draft: Draft, key: string): string[] => {
  const value = draft[key];
  return Array.isArray(value) ? value : [];
};
/** A text, or undefined when empty. */
const opt = (draft: Draft, key: string): string | undefined => str(draft, key) || undefined;
/** Drops the keys whose value is undefined. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A moment as a `datetime-local` input shows it, in the reader's own time zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value as the API takes it; what is not a moment is left for the schema to refuse. */
export function fromLocalInput(value: string): string {
  if (!value) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

const day = (date: Date, plusDays = 0) => new Date(date.getTime() + plusDays * 86_400_000).toISOString().slice(0, 10);

/** Items as lines of text. */
export const linesOf = (items: { text: string }[] | undefined): string => (items ?? []).map((i) => i.text).join('\n');

/** Lines of text as items, each keeping the id of an item with the same text. */
export function itemsOf(text: DraftValue | undefined, existing: { id?: string; text: string }[] | undefined): { id?: string; text: string }[] {
  const unused = [...(existing ?? [])];
  const lines = (typeof text === 'string' ? text : '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.map((line) => {
    const at = unused.findIndex((item) => item.text === line);
    const match = at >= 0 ? unused.splice(at, 1)[0] : undefined;
    return match?.id ? { id: match.id, text: line } : { text: line };
  });
}

// --- lists of records ------------------------------------------------------------------------------

interface RecordField {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  options?: { value: string; label: string }[];
}

/**
 * A record's row in a form: its id, so that what the user typed stays with its item when another
 * change adds, removes or reorders items (`~n` for an item without one, `~new` for the new row;
 * an id never holds `~`).
 */
const rowKey = (item: { id?: string } | undefined, index: number): string => item?.id ?? `~${index}`;
const NEW_ROW = '~new';

function recordFields(prefix: string, items: { id?: string }[], groupLabel: (n: number) => string, newLabel: string, defs: RecordField[], t: Messages): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [i, row] of [...items.map(rowKey), NEW_ROW].entries()) {
    const group = row === NEW_ROW ? newLabel : groupLabel(i + 1);
    for (const def of defs) {
      out.push({ key: `${prefix}.${row}.${def.name}`, label: def.label, kind: def.kind, group, ...(def.required ? { required: true } : {}), ...(def.options ? { options: def.options } : {}) });
    }
    if (row !== NEW_ROW) out.push({ key: `${prefix}.${row}.remove`, label: t.removeItem, kind: 'checkbox', group });
  }
  return out;
}

function recordDraft<T extends { id?: string }>(prefix: string, items: T[], defs: RecordField[], value: (item: T | undefined, name: string) => string): Draft {
  const draft: Draft = {};
  items.forEach((item, i) => {
    for (const def of defs) draft[`${prefix}.${rowKey(item, i)}.${def.name}`] = value(item, def.name);
    draft[`${prefix}.${rowKey(item, i)}.remove`] = '';
  });
  for (const def of defs) draft[`${prefix}.${NEW_ROW}.${def.name}`] = value(undefined, def.name);
  return draft;
}

/** The rows the body holds, in order: every item not marked for removal, then the new one if filled in. */
function recordRows(draft: Draft, prefix: string, items: { id?: string }[], defs: RecordField[]): string[] {
  const rows = items.map(rowKey).filter((row) => str(draft, `${prefix}.${row}.remove`) !== 'true');
  if (defs.some((d) => d.kind !== 'select' && str(draft, `${prefix}.${NEW_ROW}.${d.name}`) !== '')) rows.push(NEW_ROW);
  return rows;
}

function recordBody<T extends { id?: string }, R>(draft: Draft, prefix: string, items: T[], defs: RecordField[], build: (get: (name: string) => string, existing: T | undefined) => R): R[] {
  return recordRows(draft, prefix, items, defs).map((row) =>
    build(
      (name) => str(draft, `${prefix}.${row}.${name}`),
      items.find((item, i) => rowKey(item, i) === row),
    ),
  );
}

// --- the forms ---------------------------------------------------------------------------------

const planPath = (planId: string) => path`/api/plans/${planId}`;

function planForm(
  id: string,
  title: string,
  keys: (keyof PlanFields)[],
  spec: Pick<FormSpec, 'fields' | 'draft' | 'rows'> & { body(draft: Draft, plan: PlanView, now: Date): Partial<Record<keyof PlanFields, unknown>> },
): FormSpec {
  return {
    id,
    section: id,
    title,
    operation: 'plan.update',
    target: { fields: keys },
    versionOf: (plan) => plan.version,
    schema: planFieldsPatchSchema,
    method: 'PATCH',
    path: planPath,
    ...spec,
  };
}

function linesForm(id: string, key: 'individualGoals' | 'needs' | 'individualOwnActions', title: string, label: string, t: Messages): FormSpec {
  return planForm(id, title, [key], {
    fields: () => [{ key, label, kind: 'lines' }],
    draft: (plan) => ({ [key]: linesOf(plan.fields[key]) }),
    body: (draft, plan) => {
      const items = itemsOf(draft[key], plan.fields[key]);
      return { [key]: items.length ? items : null };
    },
  });
  void t;
}

function relativeOf(plan: PlanView, relativeId: string): (Relative & { id: string }) | undefined {
  return plan.relativesSection.relatives.find((r) => r.id === relativeId);
}

const relativesVersion = (relativeId: string) => (plan: PlanView) => (relativeOf(plan, relativeId) ? plan.relativesSection.version : undefined);

const relativeInformationPatch = relativeSchema.pick({ information: true });
/** A relative added by staff, as `POST /api/plans/{id}/relatives` takes one. */
const newRelativeSchema = relativeSchema.pick({ name: true, relationship: true, personId: true, phone: true, email: true, child: true, sharesHome: true });

/** The form with this id, or undefined when the plan has no such thing. */
export function formSpec(id: string, plan: PlanView, t: Messages): FormSpec | undefined {
  const f = t.fields;
  const options = <K extends string>(labels: Record<K, string>) => (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));

  switch (id) {
    case 'overview':
      return planForm(id, t.sections.overview, ['title', 'overallResponsibility', 'coordinator'], {
        fields: () => [
          { key: 'title', label: f.title, kind: 'text' },
          { key: 'overallResponsibility', label: f.overallResponsibility, kind: 'select', options: [{ value: '', label: '—' }, ...options(t.principal)] },
          { key: 'coordinator.name', label: f.coordinatorName, kind: 'text' },
          { key: 'coordinator.title', label: f.coordinatorTitle, kind: 'text' },
          { key: 'coordinator.phone', label: f.coordinatorPhone, kind: 'tel' },
        ],
        draft: (plan) => ({
          title: plan.fields.title ?? '',
          overallResponsibility: plan.fields.overallResponsibility ?? '',
          'coordinator.name': plan.fields.coordinator?.name ?? '',
          'coordinator.title': plan.fields.coordinator?.title ?? '',
          'coordinator.phone': plan.fields.coordinator?.phone ?? '',
        }),
        body: (draft, plan) => {
          const name = str(draft, 'coordinator.name');
          const coordinator = name
            ? defined({ ...plan.fields.coordinator, name, title: opt(draft, 'coordinator.title'), phone: opt(draft, 'coordinator.phone') })
            : str(draft, 'coordinator.title') || str(draft, 'coordinator.phone')
              ? defined({ name, title: opt(draft, 'coordinator.title'), phone: opt(draft, 'coordinator.phone') })
              : null;
          return { title: opt(draft, 'title') ?? null, overallResponsibility: opt(draft, 'overallResponsibility') ?? null, coordinator };
        },
      });
    case 'individual-goals':
      return linesForm(id, 'individualGoals', t.sections['individual-goals'], f.individualGoals, t);
    case 'needs':
      return linesForm(id, 'needs', t.sections.needs, f.needs, t);
    case 'own-actions':
      return linesForm(id, 'individualOwnActions', t.sections['own-actions'], f.individualOwnActions, t);
    case 'other-actors': {
      const defs: RecordField[] = [
        { name: 'actor', label: f.actor, kind: 'text', required: true },
        { name: 'measure', label: f.measure, kind: 'textarea', required: true },
        { name: 'when', label: f.when, kind: 'text' },
      ];
      const items = (plan: PlanView) => plan.fields.otherActorMeasures ?? [];
      return planForm(id, t.sections['other-actors'], ['otherActorMeasures'], {
        rows: (draft, plan) => ({ otherActorMeasures: recordRows(draft, 'otherActorMeasures', items(plan), defs) }),
        fields: (plan) => recordFields('otherActorMeasures', items(plan), (n) => `${f.measure} ${t.item(n)}`, `${t.newItem}: ${f.measure.toLowerCase()}`, defs, t),
        draft: (plan) => recordDraft('otherActorMeasures', items(plan), defs, (item, name) => String((item as Record<string, unknown> | undefined)?.[name] ?? '')),
        body: (draft, plan) => {
          const out = recordBody(draft, 'otherActorMeasures', items(plan), defs, (get, existing) =>
            defined({ ...existing, actor: get('actor'), measure: get('measure'), when: get('when') || undefined }),
          );
          return { otherActorMeasures: out.length ? out : null };
        },
      });
    }
    case 'meetings': {
      const defs: RecordField[] = [
        { name: 'at', label: f.meetingAt, kind: 'datetime', required: true },
        { name: 'place', label: f.place, kind: 'text' },
        { name: 'notes', label: f.notes, kind: 'textarea' },
      ];
      const items = (plan: PlanView) => plan.fields.meetings ?? [];
      return planForm(id, t.sections.meetings, ['meetings'], {
        rows: (draft, plan) => ({ meetings: recordRows(draft, 'meetings', items(plan), defs) }),
        fields: (plan) => recordFields('meetings', items(plan), (n) => `${f.meeting} ${t.item(n)}`, `${t.newItem}: ${f.meeting.toLowerCase()}`, defs, t),
        draft: (plan) =>
          recordDraft('meetings', items(plan), defs, (item, name) => (name === 'at' ? toLocalInput(item?.at) : String((item as Record<string, unknown> | undefined)?.[name] ?? ''))),
        body: (draft, plan) => {
          const out = recordBody(draft, 'meetings', items(plan), defs, (get, existing) =>
            defined({ ...existing, at: fromLocalInput(get('at')), place: get('place') || undefined, notes: get('notes') || undefined }),
          );
          return { meetings: out.length ? out : null };
        },
      });
    }
    case 'follow-up':
      return planForm(id, t.sections['follow-up'], ['followUp'], {
        fields: () => [
          { key: 'followUp.date', label: f.followUpDate, kind: 'date', required: true },
          { key: 'followUp.by.name', label: f.followUpBy, kind: 'text', required: true },
        ],
        draft: (plan) => ({ 'followUp.date': plan.fields.followUp?.date ?? '', 'followUp.by.name': plan.fields.followUp?.by.name ?? '' }),
        body: (draft, plan) => {
          const date = str(draft, 'followUp.date');
          const name = str(draft, 'followUp.by.name');
          if (!date && !name) return { followUp: null };
          const by = plan.fields.followUp?.by;
          return { followUp: { date, by: by && by.name === name ? by : { name } } };
        },
      });
    case 'out-of-hours':
      return planForm(id, t.sections['out-of-hours'], ['outOfHours'], {
        fields: () => [{ key: 'outOfHours', label: f.outOfHours, kind: 'textarea' }],
        draft: (plan) => ({ outOfHours: plan.fields.outOfHours ?? '' }),
        body: (draft) => ({ outOfHours: opt(draft, 'outOfHours') ?? null }),
      });
    case 'participants-add':
      return {
        id,
        section: 'participants',
        title: t.addParticipant,
        operation: 'participants.update',
        target: {},
        additive: true,
        versionOf: (plan) => plan.version,
        fields: () => [
          { key: 'name', label: f.participantName, kind: 'text', required: true },
          { key: 'role', label: f.participantRole, kind: 'text' },
        ],
        draft: () => ({ name: '', role: '' }),
        body: (draft) => defined({ kind: 'invited' as const, name: str(draft, 'name'), role: opt(draft, 'role') }),
        schema: participantSchema,
        method: 'POST',
        path: (planId) => path`/api/plans/${planId}/participants`,
      };
    case 'consent':
      return {
        id,
        section: 'consent',
        title: t.sections.consent,
        operation: 'consent.update',
        target: {},
        versionOf: (plan) => plan.version,
        fields: () => [
          { key: 'given', label: f.consentGiven, kind: 'checkbox' },
          { key: 'form', label: f.consentForm, kind: 'select', options: options(t.consentForm) },
          { key: 'scope.information', label: f.information, kind: 'checkboxes', options: options(t.categories) },
          { key: 'scope.actors', label: f.actors, kind: 'lines' },
          { key: 'scope.validUntil', label: f.validUntil, kind: 'date' },
          { key: 'scope.excluded', label: f.excluded, kind: 'textarea' },
          { key: 'recordedBy.name', label: f.recordedBy, kind: 'text', required: true },
          { key: 'revoke', label: f.revoke, kind: 'checkbox' },
        ],
        draft: (plan) => {
          const c = plan.consent;
          return {
            given: c?.given ? 'true' : '',
            form: c?.form ?? 'written',
            'scope.information': c?.scope.information ?? [],
            'scope.actors': (c?.scope.actors ?? []).join('\n'),
            'scope.validUntil': c?.scope.validUntil ?? '',
            'scope.excluded': c?.scope.excluded ?? '',
            'recordedBy.name': c?.recordedBy.name ?? '',
            revoke: c?.revokedAt ? 'true' : '',
          };
        },
        body: (draft, plan, now): IndividualConsent => {
          const c = plan.consent;
          const name = str(draft, 'recordedBy.name');
          return defined({
            given: str(draft, 'given') === 'true',
            form: str(draft, 'form') as 'written' | 'oral',
            recordedAt: now.toISOString(),
            recordedBy: c && c.recordedBy.name === name ? c.recordedBy : { name },
            scope: defined({
              information: list(draft, 'scope.information') as IndividualConsent['scope']['information'],
              actors: str(draft, 'scope.actors').split(/\r?\n/).map((a) => a.trim()).filter(Boolean),
              validUntil: opt(draft, 'scope.validUntil'),
              excluded: opt(draft, 'scope.excluded'),
              excludedItems: c?.scope.excludedItems,
            }),
            guardians: c?.guardians,
            revokedAt: str(draft, 'revoke') === 'true' ? (c?.revokedAt ?? now.toISOString()) : undefined,
          });
        },
        schema: individualConsentSchema,
        method: 'PUT',
        path: (planId) => path`/api/plans/${planId}/consent`,
      };
  }

  if (id === 'relatives-add') {
    return {
      id,
      section: 'relatives',
      title: t.relatives.add,
      operation: 'relatives.update',
      target: {},
      additive: true,
      versionOf: (p) => p.relativesSection.version,
      fields: () => [
        { key: 'name', label: f.relativeName, kind: 'text', required: true },
        { key: 'relationship.text', label: f.relationship, kind: 'text', required: true },
        { key: 'personId', label: f.relativePersonId, kind: 'text' },
        { key: 'phone', label: f.relativePhone, kind: 'tel' },
        { key: 'email', label: f.relativeEmail, kind: 'text' },
        { key: 'sharesHome', label: t.relatives.sharesHome, kind: 'checkbox' },
        { key: 'child', label: f.relativeChild, kind: 'checkbox' },
      ],
      draft: () => ({ name: '', 'relationship.text': '', personId: '', phone: '', email: '', sharesHome: '', child: '' }),
      body: (draft) =>
        defined({
          name: str(draft, 'name'),
          relationship: { text: str(draft, 'relationship.text') },
          personId: opt(draft, 'personId'),
          phone: opt(draft, 'phone'),
          email: opt(draft, 'email'),
          child: str(draft, 'child') === 'true',
          sharesHome: str(draft, 'sharesHome') === 'true',
        }),
      schema: newRelativeSchema,
      method: 'POST',
      path: (planId) => path`/api/plans/${planId}/relatives`,
    };
  }

  const [kind, itemId, sub, subId, action] = id.split(':');
  if (kind === 'part' && itemId && sub === undefined) {
    const part = plan.parts.find((p) => p.id === itemId);
    if (!part) return undefined;
    const defs: RecordField[] = [
      { name: 'title', label: f.interventionTitle, kind: 'text', required: true },
      { name: 'status', label: f.interventionStatus, kind: 'select', options: options(t.interventionStatus) },
      { name: 'performedBy', label: f.performedBy, kind: 'text' },
      { name: 'when', label: f.when, kind: 'text' },
      { name: 'startDate', label: f.startDate, kind: 'date' },
      { name: 'endDate', label: f.endDate, kind: 'date' },
      { name: 'description', label: f.description, kind: 'textarea' },
    ];
    const partOf = (p: PlanView) => p.parts.find((x) => x.id === itemId);
    const items = (p: PlanView) => partOf(p)?.content.interventions ?? [];
    return {
      id,
      section: id,
      title: t.principalPart(part.principal),
      operation: 'part.update',
      target: { partId: itemId },
      versionOf: (p) => partOf(p)?.version,
      rows: (draft, p) => ({ interventions: recordRows(draft, 'interventions', items(p), defs) }),
      fields: (p) => [
        { key: 'contactPerson.name', label: f.contactName, kind: 'text' },
        { key: 'contactPerson.title', label: f.contactTitle, kind: 'text' },
        { key: 'contactPerson.phone', label: f.contactPhone, kind: 'tel' },
        { key: 'goals', label: f.goals, kind: 'lines' },
        ...recordFields('interventions', items(p), (n) => `${f.intervention} ${t.item(n)}`, `${t.newItem}: ${f.intervention.toLowerCase()}`, defs, t),
      ],
      draft: (p) => {
        const content = partOf(p)?.content;
        return {
          'contactPerson.name': content?.contactPerson?.name ?? '',
          'contactPerson.title': content?.contactPerson?.title ?? '',
          'contactPerson.phone': content?.contactPerson?.phone ?? '',
          goals: linesOf(content?.goals),
          ...recordDraft('interventions', items(p), defs, (item, name) =>
            name === 'status' ? (item?.status ?? 'planned') : String((item as Record<string, unknown> | undefined)?.[name] ?? ''),
          ),
        };
      },
      body: (draft, p) => {
        const content = partOf(p)?.content;
        const name = str(draft, 'contactPerson.name');
        const goals = itemsOf(draft.goals, content?.goals);
        const interventions = recordBody(draft, 'interventions', items(p), defs, (get, existing) =>
          defined({
            ...existing,
            title: get('title'),
            status: (get('status') || 'planned') as 'planned' | 'decided',
            performedBy: get('performedBy') || undefined,
            when: get('when') || undefined,
            startDate: get('startDate') || undefined,
            endDate: get('endDate') || undefined,
            description: get('description') || undefined,
          }),
        );
        return {
          contactPerson:
            name || str(draft, 'contactPerson.title') || str(draft, 'contactPerson.phone')
              ? defined({ ...content?.contactPerson, name, title: opt(draft, 'contactPerson.title'), phone: opt(draft, 'contactPerson.phone') })
              : null,
          goals: goals.length ? goals : null,
          interventions: interventions.length ? interventions : null,
        };
      },
      schema: partContentPatchSchema,
      method: 'PATCH',
      path: (planId) => path`/api/plans/${planId}/parts/${itemId}`,
    };
  }

  if (kind !== 'relative' || !itemId) return undefined;
  const relative = relativeOf(plan, itemId);
  if (!relative) return undefined;
  const section = `relative:${itemId}`;
  const base = {
    section,
    operation: 'relatives.update' as Operation,
    target: {},
    versionOf: relativesVersion(itemId),
  };
  const relativePath = (planId: string, tail: string) => `${path`/api/plans/${planId}/relatives/${itemId}`}${tail}`;

  switch (sub) {
    case 'sharing':
      return {
        ...base,
        id,
        title: `${relative.name}: ${t.relatives.sharing.toLowerCase()}`,
        fields: () => [
          { key: 'categories', label: f.categories, kind: 'checkboxes', options: options(t.categories) },
          { key: 'validFrom', label: f.validFrom, kind: 'date' },
          { key: 'validUntil', label: f.validUntil, kind: 'date' },
          { key: 'form', label: f.consentForm, kind: 'select', options: options(t.consentForm) },
          { key: 'recordedBy.name', label: f.recordedBy, kind: 'text', required: true },
          { key: 'revoke', label: f.revoke, kind: 'checkbox' },
        ],
        draft: (p) => {
          const s = relativeOf(p, itemId)?.sharing;
          return {
            categories: s?.categories ?? [],
            validFrom: s?.validFrom ?? '',
            validUntil: s?.validUntil ?? '',
            form: s?.form ?? 'written',
            'recordedBy.name': s?.recordedBy.name ?? '',
            revoke: s?.revokedAt ? 'true' : '',
          };
        },
        body: (draft, p, now) => {
          const s = relativeOf(p, itemId)?.sharing;
          const name = str(draft, 'recordedBy.name');
          return defined({
            categories: list(draft, 'categories'),
            validFrom: opt(draft, 'validFrom'),
            validUntil: opt(draft, 'validUntil'),
            form: str(draft, 'form'),
            recordedAt: now.toISOString(),
            recordedBy: s && s.recordedBy.name === name ? s.recordedBy : { name },
            revokedAt: str(draft, 'revoke') === 'true' ? (s?.revokedAt ?? now.toISOString()) : undefined,
          });
        },
        schema: relativeSharingSchema,
        method: 'PUT',
        path: (planId) => relativePath(planId, '/sharing'),
      };
    case 'information': {
      const defs: RecordField[] = [
        { name: 'what', label: f.what, kind: 'textarea', required: true },
        { name: 'how', label: f.how, kind: 'text', required: true },
        { name: 'howOften', label: f.howOften, kind: 'text', required: true },
      ];
      const items = (p: PlanView) => relativeOf(p, itemId)?.information ?? [];
      return {
        ...base,
        id,
        title: `${relative.name}: ${t.relatives.information.toLowerCase()}`,
        rows: (draft, p) => ({ information: recordRows(draft, 'information', items(p), defs) }),
        fields: (p) => recordFields('information', items(p), (n) => `${f.what} ${t.item(n)}`, `${t.newItem}: ${f.what.toLowerCase()}`, defs, t),
        draft: (p) => recordDraft('information', items(p), defs, (item, name) => String((item as Record<string, unknown> | undefined)?.[name] ?? '')),
        body: (draft, p) => {
          const out = recordBody(draft, 'information', items(p), defs, (get, existing) => defined({ ...existing, what: get('what'), how: get('how'), howOften: get('howOften') }));
          return { information: out };
        },
        schema: relativeInformationPatch,
        method: 'PATCH',
        path: (planId) => relativePath(planId, ''),
      };
    }
    case 'informed':
      return {
        ...base,
        id,
        additive: true,
        title: `${relative.name}: ${t.relatives.logInformed.toLowerCase()}`,
        fields: () => [
          { key: 'at', label: f.informedAt, kind: 'datetime', required: true },
          { key: 'what', label: f.what, kind: 'textarea', required: true },
          { key: 'by.name', label: f.informedBy, kind: 'text', required: true },
        ],
        draft: (_p, now) => ({ at: toLocalInput(now.toISOString()), what: '', 'by.name': '' }),
        body: (draft) => ({ at: fromLocalInput(str(draft, 'at')), what: str(draft, 'what'), by: { name: str(draft, 'by.name') } }),
        schema: informedEntrySchema.omit({ id: true }),
        method: 'POST',
        path: (planId) => relativePath(planId, '/informed'),
      };
    case 'propose':
      return {
        ...base,
        id,
        additive: true,
        operation: 'commitment.propose',
        target: { child: relative.child },
        title: `${relative.name}: ${t.relatives.propose.toLowerCase()}`,
        fields: () => [
          { key: 'kind', label: f.commitmentKind, kind: 'select', options: [{ value: '', label: t.kindNotGiven }, ...options(t.commitmentKind)] },
          { key: 'what', label: f.what, kind: 'textarea', required: true },
          { key: 'howOften', label: f.howOften, kind: 'text', required: true },
          { key: 'from', label: f.from, kind: 'date', required: true },
          { key: 'until', label: f.until, kind: 'date' },
          { key: 'reviewDate', label: f.reviewDate, kind: 'date', required: true },
          { key: 'comment', label: f.comment, kind: 'textarea' },
        ],
        draft: (_p, now) => ({ kind: '', what: '', howOften: '', from: day(now), until: '', reviewDate: day(now, 90), comment: '' }),
        body: (draft) =>
          defined({
            kind: opt(draft, 'kind'),
            what: str(draft, 'what'),
            howOften: str(draft, 'howOften'),
            from: str(draft, 'from'),
            until: opt(draft, 'until'),
            reviewDate: str(draft, 'reviewDate'),
            comment: opt(draft, 'comment'),
          }),
        schema: commitmentProposalSchema,
        method: 'POST',
        path: (planId) => relativePath(planId, '/commitments'),
      };
    case 'support':
      return {
        ...base,
        id,
        title: `${relative.name}: ${t.relatives.support.toLowerCase()}`,
        fields: () => [
          { key: 'offered', label: f.offered, kind: 'checkboxes', options: options(t.support) },
          // The day the relative took up each kind offered: left empty, not taken up.
          ...supportOfferSchema.options.map((kind): FieldSpec => ({ key: `takenUp.${kind}`, label: t.support[kind], kind: 'date', group: f.takenUp })),
        ],
        draft: (p) => {
          const support = relativeOf(p, itemId)?.support;
          return {
            offered: support?.offered ?? [],
            ...Object.fromEntries(supportOfferSchema.options.map((kind) => [`takenUp.${kind}`, support?.takenUp?.find((x) => x.kind === kind)?.at ?? ''])),
          };
        },
        body: (draft, p) => {
          const takenUp = supportOfferSchema.options.filter((kind) => str(draft, `takenUp.${kind}`)).map((kind) => ({ kind, at: str(draft, `takenUp.${kind}`) }));
          return { requests: [], ...relativeOf(p, itemId)?.support, offered: list(draft, 'offered'), takenUp: takenUp.length ? takenUp : undefined };
        },
        rows: (draft) => ({ takenUp: supportOfferSchema.options.filter((kind) => str(draft, `takenUp.${kind}`)) }),
        schema: relativeSupportSchema,
        method: 'PUT',
        path: (planId) => relativePath(planId, '/support'),
      };
    case 'commitment': {
      if (!subId || action !== 'cancel') return undefined;
      const commitment = relative.commitments?.find((c) => c.id === subId);
      if (!commitment) return undefined;
      return {
        ...base,
        id,
        additive: true,
        operation: 'commitment.cancel',
        title: `${relative.name}: ${t.relatives.cancel.toLowerCase()}`,
        fields: () => [{ key: 'comment', label: f.comment, kind: 'textarea' }],
        draft: () => ({ comment: '' }),
        body: (draft) => defined({ comment: opt(draft, 'comment') }),
        schema: commitmentCancelSchema,
        method: 'POST',
        path: (planId) => relativePath(planId, path`/commitments/${subId}/cancel`),
      };
    }
  }
  return undefined;
}

/** Whether a newer draft of the plan differs from `base` in any field of the form. */
export function draftChanged(base: Draft, current: Draft): boolean {
  return Object.keys({ ...base, ...current }).some((key) => !sameValue(base[key], current[key]));
}

/**
 * The field a path of the request body (`coordinator.name`, or a JSON pointer
 * `/coordinator/name`) is about: the longest field key that is the path or a prefix of it. An
 * item of a list of records (`interventions.1`) is found by its row (see {@link FormSpec.rows}).
 */
export function fieldForPath(errorPath: string, keys: string[], rows: Record<string, string[]> = {}): string | undefined {
  const dotted = errorPath.replace(/^\/+/, '').replace(/^body\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
  let normal = errorPath.startsWith('/') ? dotted : errorPath;
  const [list = '', index = '', ...rest] = normal.split('.');
  const row = rows[list]?.[Number(index)];
  if (row !== undefined && /^\d+$/.test(index)) normal = [list, row, ...rest].join('.');
  let best: string | undefined;
  for (const key of keys) {
    if ((normal === key || normal.startsWith(`${key}.`)) && (!best || key.length > best.length)) best = key;
  }
  return best;
}

/** The sections whose content a plan holds, each as a text that changes when the section does. */
export function sectionFingerprints(plan: PlanView): Map<string, string> {
  const f = plan.fields;
  const out = new Map<string, string>([
    ['overview', JSON.stringify([f.title, f.overallResponsibility, f.coordinator])],
    ['individual-goals', JSON.stringify(f.individualGoals)],
    ['needs', JSON.stringify(f.needs)],
    ['own-actions', JSON.stringify(f.individualOwnActions)],
    ['other-actors', JSON.stringify(f.otherActorMeasures)],
    ['participants', JSON.stringify(plan.participants)],
    ['meetings', JSON.stringify(f.meetings)],
    ['follow-up', JSON.stringify(f.followUp)],
    ['out-of-hours', JSON.stringify(f.outOfHours)],
    ['consent', JSON.stringify(plan.consent)],
    ['status', plan.status],
  ]);
  for (const part of plan.parts) out.set(`part:${part.id}`, JSON.stringify(part.content));
  for (const relative of plan.relativesSection.relatives) out.set(`relative:${relative.id}`, JSON.stringify(relative));
  return out;
}
