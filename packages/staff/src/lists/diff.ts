/**
 * The API's diff between two versions (RFC 6902 JSON Patch operations) in words: per section
 * and field, what was added, removed or changed, with the value before and after. The value
 * before is read from the earlier version itself, since a patch carries only the new one.
 */
import { commitmentKindLabels, consentCategorySchema, type CommitmentEventStatus, type CommitmentKind, type PlanStatus } from '@sip/shared';
import { formatDate, formatDateTime, type Lang } from '../i18n.ts';

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface ChangeInWords {
  kind: ChangeKind;
  /** The field, e.g. "Mål 2" or "Maria Nilsson › Åtagande 1 › Status". */
  field: string;
  before?: string;
  after?: string;
}

export interface SectionChanges {
  section: string;
  changes: ChangeInWords[];
}

/** Names of fields, by their key in the plan; a key not here is shown as it is. */
const FIELD_KEYS = [
  'title',
  'overallResponsibility',
  'coordinator',
  'individualGoals',
  'needs',
  'individualOwnActions',
  'otherActorMeasures',
  'meetings',
  'followUp',
  'outOfHours',
  'status',
  'name',
  'personId',
  'kind',
  'protectedIdentity',
  'initiator',
  'text',
  'date',
  'by',
  'phone',
  'hsaId',
  'unit',
  'organisationId',
  'what',
  'howOften',
  'from',
  'until',
  'reviewDate',
  'comment',
  'history',
  'at',
  'given',
  'form',
  'recordedAt',
  'recordedBy',
  'scope',
  'information',
  'actors',
  'validUntil',
  'validFrom',
  'excluded',
  'excludedItems',
  'guardians',
  'basis',
  'revokedAt',
  'categories',
  'contactPerson',
  'goals',
  'interventions',
  'commitments',
  'sharing',
  'support',
  'informed',
  'homeConsent',
  'relationship',
  'child',
  'sharesHome',
  'email',
  'offered',
  'takenUp',
  'requests',
  'referredToConsultantAt',
  'handledAt',
  'note',
  'role',
  'organisation',
  'principal',
  'consent',
  'sources',
  'removedUpstream',
  'answer',
  'how',
  'frequency',
  'code',
  'place',
  'purpose',
  'responsible',
  'actor',
  'addresses',
] as const;
type FieldKey = (typeof FIELD_KEYS)[number];

interface DiffMessages {
  fields: Record<FieldKey, string>;
  /** Sections: the plan as a whole, the consent, a principal's part, … */
  plan: string;
  individual: string;
  consent: string;
  participants: string;
  participant: string;
  relatives: string;
  part: Record<'region' | 'municipality', string>;
  relative: string;
  item: string;
  empty: string;
  yes: string;
  no: string;
  status: Record<PlanStatus, string>;
  commitment: Record<CommitmentEventStatus, string>;
  principal: Record<'region' | 'municipality', string>;
  /** Coded values of the consent, by code. */
  codes: Record<ConsentCode, string>;
}

/** The consent's coded values: its form, whose consent it is, and the categories it shares (the API's own list). */
const CONSENT_CODES = ['written', 'oral', 'individual', 'guardians', ...consentCategorySchema.options] as const;
type ConsentCode = (typeof CONSENT_CODES)[number];
/** The fields whose values are codes. */
const CODED = new Set(['form', 'basis', 'information', 'categories']);

export const diffMessages = {
  sv: {
    fields: {
      title: 'Titel',
      overallResponsibility: 'Helhetsansvar',
      coordinator: 'SIP-samordnare',
      individualGoals: 'Mål',
      needs: 'Behov',
      individualOwnActions: 'Vad den enskilde själv gör',
      otherActorMeasures: 'Insatser av andra',
      meetings: 'Möten',
      followUp: 'Uppföljning',
      outOfHours: 'Utanför kontorstid',
      status: 'Status',
      name: 'Namn',
      personId: 'Personnummer',
      kind: 'Typ',
      protectedIdentity: 'Skyddade personuppgifter',
      initiator: 'Initierad av',
      text: 'Text',
      date: 'Datum',
      by: 'Av',
      phone: 'Telefon',
      hsaId: 'HSA-id',
      unit: 'Enhet',
      organisationId: 'Organisation',
      what: 'Vad',
      howOften: 'Hur ofta',
      from: 'Från',
      until: 'Till',
      reviewDate: 'Omprövas',
      comment: 'Kommentar',
      history: 'Svar',
      at: 'Tidpunkt',
      given: 'Givet',
      form: 'Form',
      recordedAt: 'Dokumenterat',
      recordedBy: 'Dokumenterat av',
      scope: 'Omfattning',
      information: 'Information',
      actors: 'Aktörer',
      validUntil: 'Gäller till',
      validFrom: 'Gäller från',
      excluded: 'Undantaget',
      excludedItems: 'Undantagna delar',
      guardians: 'Vårdnadshavare',
      basis: 'Grund',
      revokedAt: 'Återkallat',
      categories: 'Kategorier',
      contactPerson: 'Kontaktperson',
      goals: 'Mål',
      interventions: 'Insatser',
      commitments: 'Åtagande',
      sharing: 'Delning',
      support: 'Stöd',
      informed: 'Informerad',
      homeConsent: 'Samtycke till hemmet som vårdplats',
      relationship: 'Relation',
      child: 'Barn',
      sharesHome: 'Delar hem',
      email: 'E-post',
      offered: 'Erbjudet stöd',
      takenUp: 'Tagit emot stöd',
      requests: 'Begäran',
      referredToConsultantAt: 'Hänvisad till anhörigkonsulent',
      handledAt: 'Hanterad',
      note: 'Anteckning',
      role: 'Roll',
      organisation: 'Organisation',
      principal: 'Huvudman',
      consent: 'Samtycke',
      sources: 'Källor',
      removedUpstream: 'Borttagen i källsystemet',
      answer: 'Svar',
      how: 'Hur',
      frequency: 'Hur ofta',
      code: 'Kod',
      place: 'Plats',
      purpose: 'Syfte',
      responsible: 'Ansvarig',
      actor: 'Aktör',
      addresses: 'Avser',
    },
    plan: 'Planen',
    individual: 'Den enskilde',
    consent: 'Samtycke',
    participants: 'Deltagare',
    participant: 'Deltagare',
    relatives: 'Närstående',
    part: { region: 'Regionens del', municipality: 'Kommunens del' },
    relative: 'Närstående',
    item: 'Post',
    empty: '(tomt)',
    yes: 'ja',
    no: 'nej',
    status: { draft: 'Utkast', active: 'Aktiv', followed_up: 'Uppföljd', consent_withdrawn: 'Samtycket återkallat', closed: 'Avslutad' },
    commitment: {
      requested: 'föreslaget',
      accepted: 'accepterat',
      declined: 'avböjt',
      withdrawn: 'avslutat av den närstående',
      cancelled: 'avslutat av personalen',
      reconfirmed: 'bekräftat igen',
    },
    principal: { region: 'Regionen', municipality: 'Kommunen' },
    codes: {
      written: 'skriftligt',
      oral: 'muntligt',
      individual: 'den enskilde',
      guardians: 'vårdnadshavarna',
      goals: 'mål',
      needs: 'behov',
      interventions: 'insatser',
      'health-interventions': 'hälso- och sjukvårdsinsatser',
      'social-interventions': 'socialtjänstens insatser',
      contacts: 'kontakter',
      meetings: 'möten',
      'follow-up': 'uppföljning',
    },
  },
  en: {
    fields: {
      title: 'Title',
      overallResponsibility: 'Overall responsibility',
      coordinator: 'SIP coordinator',
      individualGoals: 'Goal',
      needs: 'Need',
      individualOwnActions: 'What the individual does',
      otherActorMeasures: 'Measures by others',
      meetings: 'Meeting',
      followUp: 'Follow-up',
      outOfHours: 'Out of office hours',
      status: 'Status',
      name: 'Name',
      personId: 'Personal identity number',
      kind: 'Kind',
      protectedIdentity: 'Protected identity',
      initiator: 'Initiated by',
      text: 'Text',
      date: 'Date',
      by: 'By',
      phone: 'Phone',
      hsaId: 'HSA id',
      unit: 'Unit',
      organisationId: 'Organisation',
      what: 'What',
      howOften: 'How often',
      from: 'From',
      until: 'Until',
      reviewDate: 'Review date',
      comment: 'Comment',
      history: 'Answer',
      at: 'Time',
      given: 'Given',
      form: 'Form',
      recordedAt: 'Recorded',
      recordedBy: 'Recorded by',
      scope: 'Scope',
      information: 'Information',
      actors: 'Actors',
      validUntil: 'Valid until',
      validFrom: 'Valid from',
      excluded: 'Excluded',
      excludedItems: 'Excluded items',
      guardians: 'Guardians',
      basis: 'Basis',
      revokedAt: 'Withdrawn',
      categories: 'Categories',
      contactPerson: 'Contact person',
      goals: 'Goal',
      interventions: 'Intervention',
      commitments: 'Commitment',
      sharing: 'Sharing',
      support: 'Support',
      informed: 'Informed',
      homeConsent: 'Consent to the home as a place of care',
      relationship: 'Relationship',
      child: 'Child',
      sharesHome: 'Shares the home',
      email: 'Email',
      offered: 'Support offered',
      takenUp: 'Support taken up',
      requests: 'Request',
      referredToConsultantAt: 'Referred to the relatives’ consultant',
      handledAt: 'Handled',
      note: 'Note',
      role: 'Role',
      organisation: 'Organisation',
      principal: 'Principal',
      consent: 'Consent',
      sources: 'Sources',
      removedUpstream: 'Removed in the source system',
      answer: 'Answer',
      how: 'How',
      frequency: 'How often',
      code: 'Code',
      place: 'Place',
      purpose: 'Purpose',
      responsible: 'Responsible',
      actor: 'Actor',
      addresses: 'Addresses',
    },
    plan: 'The plan',
    individual: 'The individual',
    consent: 'Consent',
    participants: 'Participants',
    participant: 'Participant',
    relatives: 'Relatives',
    part: { region: 'The region’s part', municipality: 'The municipality’s part' },
    relative: 'Relative',
    item: 'Item',
    empty: '(empty)',
    yes: 'yes',
    no: 'no',
    status: { draft: 'Draft', active: 'Active', followed_up: 'Followed up', consent_withdrawn: 'Consent withdrawn', closed: 'Closed' },
    commitment: {
      requested: 'proposed',
      accepted: 'accepted',
      declined: 'declined',
      withdrawn: 'ended by the relative',
      cancelled: 'cancelled by staff',
      reconfirmed: 'confirmed again',
    },
    principal: { region: 'The region', municipality: 'The municipality' },
    codes: {
      written: 'written',
      oral: 'oral',
      individual: 'the individual',
      guardians: 'the guardians',
      goals: 'goals',
      needs: 'needs',
      interventions: 'interventions',
      'health-interventions': 'health care interventions',
      'social-interventions': 'social services’ interventions',
      contacts: 'contacts',
      meetings: 'meetings',
      'follow-up': 'follow-up',
    },
  },
} satisfies Record<Lang, DiffMessages>;

/** What a diff leaves out: bookkeeping that changes with every version and says nothing to a reader. */
const NOISE = [
  /^\/(version|revision|updatedAt|createdAt)$/,
  /^\/(sources|visibility)(\/|$)/,
  /^\/parts\/[^/]+\/(version|updatedAt|id)$/,
  /^\/relativesSection\/(version|id)$/,
  /\/sources(\/|$)/,
];

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at a JSON pointer's segments, or undefined. */
export function valueAt(document: unknown, segments: readonly string[]): unknown {
  let here: unknown = document;
  for (const segment of segments) {
    if (Array.isArray(here)) here = here[Number(segment)];
    else if (here && typeof here === 'object') here = (here as Record<string, unknown>)[segment];
    else return undefined;
  }
  return here;
}

const isFieldKey = (key: string): key is FieldKey => (FIELD_KEYS as readonly string[]).includes(key);
const isIndex = (segment: string) => /^(\d+|-)$/.test(segment);

/** A value in words: a date as a date, a list item by its text, an object as its named fields. */
export function valueInWords(value: unknown, lang: Lang, key?: string, depth = 0): string {
  const t = diffMessages[lang];
  if (value === undefined || value === null || value === '') return t.empty;
  if (typeof value === 'boolean') return value ? t.yes : t.no;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (key === 'status' && value in t.status) return t.status[value as PlanStatus];
    if (key === 'status' && value in t.commitment) return t.commitment[value as CommitmentEventStatus];
    if ((key === 'overallResponsibility' || key === 'initiator' || key === 'principal') && value in t.principal) {
      return t.principal[value as 'region' | 'municipality'];
    }
    if (key === 'kind' && Object.hasOwn(commitmentKindLabels, value)) return commitmentKindLabels[value as CommitmentKind][lang];
    if (key && CODED.has(key) && (CONSENT_CODES as readonly string[]).includes(value)) return t.codes[value as ConsentCode];
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, lang);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value, lang);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return t.empty;
    return value.map((v) => valueInWords(v, lang, key && CODED.has(key) ? key : undefined, depth + 1)).join('; ');
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const named of ['text', 'what', 'name', 'title'] as const) {
      if (typeof o[named] === 'string' && o[named]) {
        const extra = named === 'what' && typeof o.howOften === 'string' ? ` (${o.howOften})` : '';
        return `${o[named]}${extra}`;
      }
    }
    if (depth > 2) return '…';
    const parts = Object.entries(o)
      .filter(([k, v]) => k !== 'id' && v !== undefined && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${isFieldKey(k) ? t.fields[k] : k}: ${valueInWords(v, lang, k, depth + 1)}`);
    return parts.length ? parts.join(', ') : t.empty;
  }
  return String(value);
}

interface Where {
  section: string;
  field: string;
  /** The key of the last named segment, for how its value reads. */
  key: string | undefined;
}

/** Names a path through a plan: the section it belongs to, and the field within it. */
function describe(segments: readonly string[], before: unknown, after: unknown, lang: Lang): Where {
  const t = diffMessages[lang];
  const [head, ...rest] = segments;
  const either = (path: string[]) => valueAt(after, path) ?? valueAt(before, path);
  let section: string = t.plan;
  let prefix: string[] = [];
  let tail: string[] = rest;
  if (head === 'fields') {
    const key = rest[0];
    if (key && !PLAN_LEVEL.has(key) && isFieldKey(key)) section = sectionName(key, lang);
  } else if (head === 'individual') {
    section = t.individual;
  } else if (head === 'consent') {
    section = t.consent;
  } else if (head === 'participants') {
    section = t.participants;
    prefix = [t.participant];
  } else if (head === 'parts' && rest[0] !== undefined) {
    const principal = either(['parts', rest[0], 'principal']);
    section = principal === 'region' || principal === 'municipality' ? t.part[principal] : `${t.item} ${ordinal(rest[0])}`;
    tail = rest[1] === 'content' ? rest.slice(2) : rest.slice(1);
  } else if (head === 'relativesSection') {
    section = t.relatives;
    if (rest[0] === 'relatives' && rest[1] !== undefined) {
      const name = either(['relativesSection', 'relatives', rest[1], 'name']);
      // The relative as a whole is named by the value itself ("Närstående: tillagt – Maria"); a field of theirs by their name.
      if (typeof name === 'string' && name && rest.length > 2) {
        prefix = [name];
        tail = rest.slice(2);
      } else {
        prefix = [t.relative];
        tail = rest.length > 2 ? rest.slice(1) : [];
      }
    } else tail = rest.filter((s) => s !== 'relatives');
  } else if (head !== undefined) {
    tail = segments.slice();
  }
  return finish(section, prefix, tail, lang);
}

/** Plan-level fields of one value, shown under the plan itself. */
const PLAN_LEVEL = new Set(['title', 'overallResponsibility', 'outOfHours']);

function sectionName(key: FieldKey, lang: Lang): string {
  const sv: Partial<Record<FieldKey, string>> = {
    individualGoals: 'Den enskildes mål',
    needs: 'Behov',
    individualOwnActions: 'Vad den enskilde själv gör',
    otherActorMeasures: 'Insatser av andra',
    meetings: 'Möten',
    followUp: 'Uppföljning',
    coordinator: 'SIP-samordnare',
    outOfHours: 'Utanför kontorstid',
  };
  const en: Partial<Record<FieldKey, string>> = {
    individualGoals: 'The individual’s goals',
    needs: 'Needs',
    individualOwnActions: 'What the individual does',
    otherActorMeasures: 'Measures by others',
    meetings: 'Meetings',
    followUp: 'Follow-up',
    coordinator: 'SIP coordinator',
    outOfHours: 'Out of office hours',
  };
  return (lang === 'sv' ? sv : en)[key] ?? diffMessages[lang].fields[key];
}

/** "2" for index 1; nothing for an item appended (`-`), whose place the patch does not say. */
function ordinal(segment: string): string {
  return segment === '-' ? '' : String(Number(segment) + 1);
}

function finish(section: string, prefix: string[], tail: readonly string[], lang: Lang): Where {
  const t = diffMessages[lang];
  const labels = [...prefix];
  let key: string | undefined;
  tail.forEach((segment) => {
    if (isIndex(segment)) {
      const ord = ordinal(segment);
      if (!ord) {
        if (!labels.length) labels.push(t.item);
        return;
      }
      if (labels.length) labels[labels.length - 1] = `${labels[labels.length - 1]} ${ord}`;
      else labels.push(`${t.item} ${ord}`);
      return;
    }
    key = segment;
    labels.push(isFieldKey(segment) ? t.fields[segment] : segment);
  });
  return { section, field: labels.join(' › ') || section, key };
}

/**
 * The operations in words, grouped by section in the order they first appear. Bookkeeping
 * (versions, timestamps, sync status) is left out.
 */
export function diffInWords(operations: readonly PatchOperation[], before: unknown, after: unknown, lang: Lang): SectionChanges[] {
  const sections = new Map<string, ChangeInWords[]>();
  for (const op of operations) {
    if (NOISE.some((re) => re.test(op.path))) continue;
    const segments = parsePointer(op.path);
    const where = describe(segments, before, after, lang);
    const key = where.key ?? (segments[0] === 'fields' ? segments[1] : undefined);
    const old = valueAt(before, segments);
    let change: ChangeInWords;
    if (op.op === 'add') {
      const lastIsIndex = isIndex(segments[segments.length - 1] ?? '');
      change =
        old === undefined || lastIsIndex
          ? { kind: 'added', field: where.field, after: valueInWords(op.value, lang, key) }
          : { kind: 'changed', field: where.field, before: valueInWords(old, lang, key), after: valueInWords(op.value, lang, key) };
    } else if (op.op === 'remove') {
      change = { kind: 'removed', field: where.field, before: valueInWords(old, lang, key) };
    } else if (op.op === 'replace') {
      const was = old !== undefined && old !== null && old !== '';
      const is = op.value !== undefined && op.value !== null && op.value !== '';
      change =
        was && is
          ? { kind: 'changed', field: where.field, before: valueInWords(old, lang, key), after: valueInWords(op.value, lang, key) }
          : is
            ? { kind: 'added', field: where.field, after: valueInWords(op.value, lang, key) }
            : { kind: 'removed', field: where.field, before: valueInWords(old, lang, key) };
    } else if (op.op === 'move' || op.op === 'copy') {
      const moved = valueAt(before, parsePointer(op.from ?? ''));
      change = { kind: 'changed', field: where.field, before: valueInWords(old, lang, key), after: valueInWords(moved, lang, key) };
    } else continue;
    const list = sections.get(where.section) ?? [];
    list.push(change);
    sections.set(where.section, list);
  }
  return [...sections].map(([section, changes]) => ({ section, changes }));
}
