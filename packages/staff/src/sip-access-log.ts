import { personIdSchema } from '@sip/shared';
import { html, nothing, type TemplateResult } from 'lit';
import { errorSummary } from './error-summary.ts';
import { state } from 'lit/decorators.js';
import { formatDateTime, type Lang } from './i18n.ts';
import { failureOf, SipListElement, type Failure } from './lists/list-element.ts';
import { formatPersonId } from './lists/plans.ts';
import { listStyles } from './lists/styles.ts';

interface Entry {
  seq: number;
  at: string;
  userId: string;
  organisationId: string;
  individualId: string | null;
  planId: string | null;
  action: string;
  purpose: string;
  requestId: string | null;
}

interface EntryPage {
  items: Entry[];
  total: number;
  limit: number;
  offset: number;
}

interface Verdict {
  ok: boolean;
  rows: number;
  brokenAt?: number;
  reason?: string;
  checkpointsKept: boolean;
}

interface SearchFilters {
  individual?: string;
  userId?: string;
  planId?: string;
  from?: string;
  to?: string;
}

interface LogData {
  page: EntryPage;
  organisations: Map<string, string>;
}

type SearchField = 'individual' | 'userId' | 'planId' | 'from' | 'to';
type Extract =
  | { kind: 'idle' }
  | { kind: 'loading'; individual: string; offset: number }
  | { kind: 'error'; failure: Failure }
  | { kind: 'loaded'; individual: string; page: EntryPage };
type Verify = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; failure: Failure } | { kind: 'loaded'; verdict: Verdict };

const PAGE_SIZE = 50;
/** A plan's id, as the service gives it: a UUID. */
const PLAN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Messages = {
  heading: string;
  forbidden: string;
  search: string;
  individual: string;
  individualHint: string;
  userId: string;
  userIdHint: string;
  planId: string;
  planIdHint: string;
  from: string;
  to: string;
  timeHint: string;
  submit: string;
  summary: string;
  invalid: Record<SearchField, string>;
  fromAfterTo: string;
  caption: (from: number, to: number, total: number) => string;
  sorted: string;
  columns: { seq: string; at: string; user: string; organisation: string; individual: string; plan: string; action: string; purpose: string; request: string };
  actions: Record<string, string>;
  purposes: Record<string, string>;
  empty: string;
  previous: string;
  next: string;
  pageOf: (page: number, pages: number) => string;
  extract: string;
  extractIntro: string;
  extractSubmit: string;
  extractCaption: (person: string, from: number, to: number, total: number) => string;
  extractEmpty: (person: string) => string;
  verify: string;
  verifyIntro: string;
  verifySubmit: string;
  intact: (rows: number) => string;
  broken: (at: number | undefined, reason: string) => string;
  reasons: Record<string, string>;
  noCheckpoints: string;
  none: string;
};

const messages = {
  sv: {
    heading: 'Åtkomstlogg',
    forbidden:
      'Åtkomstloggen följs upp av den som är utsedd att granska loggar, till exempel en verksamhetschef. Din roll ger inte tillgång till den. Kontakta din verksamhetschef om du behöver ett utdrag.',
    search: 'Sök i loggen',
    individual: 'Personnummer',
    individualHint: 'Den vars uppgifter lästes eller ändrades, 12 siffror.',
    userId: 'Användare (HSA-id)',
    userIdHint: 'Till exempel SE2321000099-7P01.',
    planId: 'Plan (id)',
    planIdHint: 'Planens id, som i kolumnen Plan. Till exempel 3f2b8c1e-5d4a-4c7b-9e1f-2a6d8b0c4e71.',
    from: 'Från',
    to: 'Till',
    timeHint: 'Datum och tid.',
    submit: 'Sök',
    summary: 'Det finns problem',
    invalid: {
      individual: 'Skriv ett giltigt personnummer eller samordningsnummer, 12 siffror',
      userId: 'Skriv ett HSA-id på högst 64 tecken',
      planId: 'Skriv planens id: 32 tecken 0–9 och a–f i grupper om 8, 4, 4, 4 och 12, med bindestreck',
      from: 'Skriv en giltig tidpunkt för Från',
      to: 'Skriv en giltig tidpunkt för Till',
    },
    fromAfterTo: 'Från måste vara före Till',
    caption: (from, to, total) => `Åtkomster ${from}–${to} av ${total}`,
    sorted: 'Äldsta först.',
    columns: {
      seq: 'Nr',
      at: 'Tid',
      user: 'Användare',
      organisation: 'Organisation',
      individual: 'Personnummer',
      plan: 'Plan',
      action: 'Åtgärd',
      purpose: 'Ändamål',
      request: 'Begäran',
    },
    actions: {
      'plan.create': 'Skapade en plan',
      'plan.read': 'Läste en plan',
      'plan.list': 'Listade planer',
      'plan.update': 'Ändrade en plan',
      'plan.sync': 'Hämtade på nytt till en plan',
      'part.read': 'Läste en huvudmans del',
      'part.update': 'Ändrade en huvudmans del',
      'consent.update': 'Registrerade samtycke',
      'participants.update': 'Ändrade deltagare',
      'status.update': 'Ändrade status',
      'versions.read': 'Läste historik',
      'events.read': 'Följde ändringar',
      'access-log.read': 'Följde upp loggen',
      'access-log.extract': 'Tog registerutdrag',
      'relatives.read': 'Läste närståendedelen',
      'relatives.update': 'Ändrade närståendedelen',
      'worklist.read': 'Läste arbetslistan',
      'worklist.raise': 'Lade till på arbetslistan',
      'me.read': 'Närstående läste',
      'me.answer': 'Närstående svarade',
      'report.read': 'Läste årsrapporten om anhörigstöd',
    },
    purposes: { 'care-coordination': 'Samordning av vård och omsorg', 'log-follow-up': 'Uppföljning av loggen', 'individual-extract': 'Registerutdrag', 'activity-follow-up': 'Verksamhetsuppföljning' },
    empty: 'Inga åtkomster stämmer med sökningen.',
    previous: 'Föregående sida',
    next: 'Nästa sida',
    pageOf: (page, pages) => `Sida ${page} av ${pages}`,
    extract: 'Registerutdrag för en person',
    extractIntro: 'Alla åtkomster till personens uppgifter i din organisation, för ett registerutdrag.',
    extractSubmit: 'Ta fram utdrag',
    extractCaption: (person, from, to, total) => `Registerutdrag för ${person}: åtkomster ${from}–${to} av ${total}`,
    extractEmpty: (person) => `Inga åtkomster till uppgifter om ${person} i din organisation.`,
    verify: 'Är loggen obruten?',
    verifyIntro: 'Kontrollerar hela loggen: att ingen post har ändrats, tagits bort eller saknas.',
    verifySubmit: 'Kontrollera loggen',
    intact: (rows) => `Loggen är obruten. ${rows} poster kontrollerades.`,
    broken: (at, reason) => `Loggen har brister${at === undefined ? '' : ` från post ${at}`}: ${reason}`,
    reasons: {
      hash: 'postens innehåll stämmer inte med dess kontrollsumma.',
      link: 'posten är inte länkad till posten före.',
      gap: 'en post saknas i numreringen.',
      checkpoint: 'posten skiljer sig från vad en kontrollpunkt har sparat.',
      missing: 'poster som en kontrollpunkt anger är borta.',
      checkpoints: 'kontrollpunkterna går inte att läsa eller verifiera.',
    },
    noCheckpoints: 'Inga kontrollpunkter sparas utanför databasen.',
    none: '–',
  },
  en: {
    heading: 'Access log',
    forbidden:
      'The access log is followed up by those appointed to review logs (a head of service or a log reviewer, say). Your role gives no access to it. Ask your head of service if you need an extract.',
    search: 'Search the log',
    individual: 'Personal identity number',
    individualHint: 'Whose data was read or changed, 12 digits.',
    userId: 'User (HSA id)',
    userIdHint: 'For example SE2321000099-7P01.',
    planId: 'Plan (id)',
    planIdHint: 'The plan’s id, as in the Plan column. For example 3f2b8c1e-5d4a-4c7b-9e1f-2a6d8b0c4e71.',
    from: 'From',
    to: 'To',
    timeHint: 'Date and time.',
    submit: 'Search',
    summary: 'There is a problem',
    invalid: {
      individual: 'Enter a valid personnummer or samordningsnummer, 12 digits',
      userId: 'Enter an HSA id of at most 64 characters',
      planId: 'Enter the plan’s id: 32 characters 0–9 and a–f in groups of 8, 4, 4, 4 and 12, with hyphens',
      from: 'Enter a valid time for From',
      to: 'Enter a valid time for To',
    },
    fromAfterTo: 'From must be before To',
    caption: (from, to, total) => `Accesses ${from}–${to} of ${total}`,
    sorted: 'Oldest first.',
    columns: {
      seq: 'No.',
      at: 'Time',
      user: 'User',
      organisation: 'Organisation',
      individual: 'Personal identity number',
      plan: 'Plan',
      action: 'Action',
      purpose: 'Purpose',
      request: 'Request',
    },
    actions: {
      'plan.create': 'Created a plan',
      'plan.read': 'Read a plan',
      'plan.list': 'Listed plans',
      'plan.update': 'Changed a plan',
      'plan.sync': 'Read a plan’s sources again',
      'part.read': 'Read a principal’s part',
      'part.update': 'Changed a principal’s part',
      'consent.update': 'Recorded consent',
      'participants.update': 'Changed participants',
      'status.update': 'Changed the status',
      'versions.read': 'Read the history',
      'events.read': 'Followed changes',
      'access-log.read': 'Followed up the log',
      'access-log.extract': 'Made an extract',
      'relatives.read': 'Read the relatives section',
      'relatives.update': 'Changed the relatives section',
      'worklist.read': 'Read the work list',
      'worklist.raise': 'Raised on the work list',
      'me.read': 'A relative read',
      'me.answer': 'A relative answered',
      'report.read': 'Read the yearly report on relatives\u2019 support',
    },
    purposes: { 'care-coordination': 'Coordination of care', 'log-follow-up': 'Follow-up of the log', 'individual-extract': 'Extract for the individual', 'activity-follow-up': 'Follow-up of the activity' },
    empty: 'No accesses match the search.',
    previous: 'Previous page',
    next: 'Next page',
    pageOf: (page, pages) => `Page ${page} of ${pages}`,
    extract: 'Extract for one person',
    extractIntro: 'Every access to the person’s data in your organisation, for the extract they have a right to.',
    extractSubmit: 'Make the extract',
    extractCaption: (person, from, to, total) => `Extract for ${person}: accesses ${from}–${to} of ${total}`,
    extractEmpty: (person) => `No accesses to data about ${person} in your organisation.`,
    verify: 'Is the log intact?',
    verifyIntro: 'Checks the whole log: that no entry has been changed, removed or is missing.',
    verifySubmit: 'Check the log',
    intact: (rows) => `The log is intact. ${rows} entries were checked.`,
    broken: (at, reason) => `The log has flaws${at === undefined ? '' : ` from entry ${at}`}: ${reason}`,
    reasons: {
      hash: 'the entry’s contents do not match its hash.',
      link: 'the entry does not link to the one before.',
      gap: 'an entry is missing from the numbering.',
      checkpoint: 'the entry differs from what a checkpoint recorded.',
      missing: 'entries a checkpoint names are gone.',
      checkpoints: 'the checkpoints cannot be read or verified.',
    },
    noCheckpoints: 'No checkpoints are kept outside the database.',
    none: '–',
  },
} satisfies Record<Lang, Messages>;

/** A `datetime-local` value (the reader's time) as an instant, or undefined when not one. */
function instantOf(local: string): string | undefined {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The reader's local time `days` ago, as a `datetime-local` value. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * @tag sip-access-log
 * @summary The access log for those who follow it up (auditors): search my organisation's
 * entries by person, user, plan and time; the extract a person has a right to; and whether the log is
 * intact. Personal identity numbers go in request bodies, never in URLs. Others are told why
 * they have no access.
 *
 * @attr {string} api-base - The broker's base URL, e.g. `https://sip.example.se`.
 * @attr {string} lang - `sv` (default) or `en`.
 * @prop {AccessTokenProvider} getAccessToken - Gives the element a staff access token; a property, never an attribute.
 *
 * @event {SipReadyEvent} sip-ready - The first search (the last seven days) is loaded. `detail`: `{}`.
 * @event {SipErrorEvent} sip-error - A request failed (a 403 for a user who is not an auditor). `detail`: `{ code, status?, requestId? }`.
 * @event {SipSessionExpiredEvent} sip-session-expired - The token was refused and no new one was given.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The heading.
 * @csspart filters - The search form and the extract form.
 * @csspart field - Every field.
 * @csspart error-summary - The list of problems in a form.
 * @csspart table - A table of entries.
 * @csspart pager - The paging buttons.
 * @csspart verdict - Whether the log is intact.
 * @csspart button - Every button.
 * @csspart message - Loading, empty and error messages.
 * @csspart error - Error messages.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Buttons.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors and a broken log.
 * @cssproperty [--sip-color-success=#00703c] - An intact log.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring (inner).
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Focus ring (outer).
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 * @cssproperty [--sip-spacing=1rem] - The base spacing.
 */
export class SipAccessLog extends SipListElement<LogData> {
  static override styles = listStyles;

  @state() private accessor filters: SearchFilters = {};
  @state() private accessor inputs: Record<SearchField, string> = { individual: '', userId: '', planId: '', from: localInput(new Date(Date.now() - 7 * 86_400_000)), to: '' };
  @state() private accessor offset = 0;
  @state() private accessor searchErrors: Partial<Record<SearchField, string>> = {};
  @state() private accessor extract: Extract = { kind: 'idle' };
  @state() private accessor extractInput = '';
  @state() private accessor extractError = '';
  @state() private accessor verify: Verify = { kind: 'idle' };

  #organisations = new Map<string, string>();

  constructor() {
    super();
    this.filters = { from: instantOf(this.inputs.from)! };
  }

  get #m(): Messages {
    return messages[this.language];
  }

  protected override async fetchData(signal: AbortSignal): Promise<LogData> {
    const api = this.api!;
    const [page, organisations] = await Promise.all([
      api.request<EntryPage>('POST', '/api/access-log/search', { body: { ...this.filters, limit: PAGE_SIZE, offset: this.offset }, signal }),
      this.#organisations.size
        ? Promise.resolve(this.#organisations)
        : api
            .get<{ items: { id: string; name: string }[] }>('/api/organisations', { signal })
            .then((r) => new Map(r.body.items.map((o) => [o.id, o.name])))
            .catch(() => new Map<string, string>()),
    ]);
    this.#organisations = organisations;
    return { page: page.body, organisations };
  }

  async #search(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const inputs = {
      individual: String(data.get('individual') ?? '').trim(),
      userId: String(data.get('userId') ?? '').trim(),
      planId: String(data.get('planId') ?? '').trim(),
      from: String(data.get('from') ?? ''),
      to: String(data.get('to') ?? ''),
    };
    this.inputs = inputs;
    const m = this.#m;
    const errors: Partial<Record<SearchField, string>> = {};
    const filters: SearchFilters = {};
    if (inputs.individual) {
      const parsed = personIdSchema.safeParse(inputs.individual);
      if (parsed.success) filters.individual = parsed.data;
      else errors.individual = m.invalid.individual;
    }
    if (inputs.userId) {
      if (inputs.userId.length > 64) errors.userId = m.invalid.userId;
      else filters.userId = inputs.userId;
    }
    if (inputs.planId) {
      if (PLAN_ID.test(inputs.planId)) filters.planId = inputs.planId.toLowerCase();
      else errors.planId = m.invalid.planId;
    }
    for (const key of ['from', 'to'] as const) {
      if (!inputs[key]) continue;
      const instant = instantOf(inputs[key]);
      if (instant) filters[key] = instant;
      else errors[key] = m.invalid[key];
    }
    if (filters.from && filters.to && filters.from > filters.to) errors.to = m.fromAfterTo;
    this.searchErrors = errors;
    if (Object.keys(errors).length) {
      await this.focusAfterRender('#search-errors');
      return;
    }
    this.filters = filters;
    this.offset = 0;
    await this.reload();
    await this.focusAfterRender(this.load.kind === 'loaded' && this.load.data.page.items.length ? '#search-region' : '#search-result');
  }

  async #page(delta: number): Promise<void> {
    this.offset = Math.max(0, this.offset + delta * PAGE_SIZE);
    await this.reload();
    await this.focusAfterRender('#search-region');
  }

  async #extract(event: SubmitEvent, offset = 0): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const input = String(data.get('extract-individual') ?? '').trim();
    this.extractInput = input;
    await this.#runExtract(input, offset);
  }

  async #runExtract(input: string, offset: number): Promise<void> {
    const parsed = personIdSchema.safeParse(input);
    if (!parsed.success) {
      this.extractError = this.#m.invalid.individual;
      await this.focusAfterRender('#extract-individual');
      return;
    }
    this.extractError = '';
    this.extract = { kind: 'loading', individual: parsed.data, offset };
    try {
      // The personnummer travels in the body only.
      const { body } = await this.api!.request<EntryPage>('POST', '/api/access-log/extract', { body: { individual: parsed.data, limit: PAGE_SIZE, offset } });
      this.extract = { kind: 'loaded', individual: parsed.data, page: body };
    } catch (error) {
      this.extract = { kind: 'error', failure: failureOf(this, error) };
    }
    await this.focusAfterRender('#extract-result');
  }

  async #verify(): Promise<void> {
    this.verify = { kind: 'loading' };
    try {
      const { body } = await this.api!.get<Verdict>('/api/access-log/verify');
      this.verify = { kind: 'loaded', verdict: body };
    } catch (error) {
      this.verify = { kind: 'error', failure: failureOf(this, error) };
    }
    await this.focusAfterRender('#verify-button');
  }

  override render() {
    const m = this.#m;
    const load = this.load;
    const explain = (f: Failure) => (f.code === 'forbidden' ? m.forbidden : undefined);
    if (load.kind === 'error' && (load.failure.code === 'forbidden' || load.failure.code === 'config' || load.failure.code === 'session-expired')) {
      return html`<section class="base" part="base" aria-labelledby="heading">
        <h2 id="heading" part="heading">${m.heading}</h2>
        ${this.renderFailure(load.failure, explain)}
      </section>`;
    }
    const data = load.kind === 'loaded' ? load.data : load.kind === 'loading' ? load.previous : undefined;
    return html`<section class="base" part="base" aria-labelledby="heading">
      <h2 id="heading" part="heading">${m.heading}</h2>
      <section aria-labelledby="search-heading">
        <h3 id="search-heading">${m.search}</h3>
        ${this.#renderSearchForm(m)}
        <div id="search-result" tabindex="-1">
          ${load.kind === 'loading' || load.kind === 'waiting' ? this.renderLoading() : nothing}
          ${load.kind === 'error' ? this.renderFailure(load.failure, explain) : nothing}
          ${data ? this.#renderEntries(data.page, 'search', m.caption, m.empty, (d) => void this.#page(d)) : nothing}
        </div>
      </section>
      ${this.#renderExtract(m)} ${this.#renderVerify(m)}
    </section>`;
  }

  #field(id: SearchField, label: string, hint: string, type: string, error: string | undefined): TemplateResult {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <span id=${`${id}-hint`} class="hint">${hint}</span>
      ${error ? html`<p id=${`${id}-error`} class="field-error">${error}</p>` : nothing}
      <input
        id=${id}
        name=${id}
        type=${type}
        part="field"
        autocomplete="off"
        .value=${this.inputs[id]}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
    </div>`;
  }

  #renderSearchForm(m: Messages): TemplateResult {
    const errors = Object.entries(this.searchErrors) as [SearchField, string][];
    return html`<form part="filters" novalidate aria-labelledby="search-heading" @submit=${(e: SubmitEvent) => void this.#search(e)}>
      ${errorSummary(this.renderRoot, 'search-errors', m.summary, errors)}
      <div class="filters">
        ${this.#field('individual', m.individual, m.individualHint, 'text', this.searchErrors.individual)}
        ${this.#field('userId', m.userId, m.userIdHint, 'text', this.searchErrors.userId)}
        ${this.#field('planId', m.planId, m.planIdHint, 'text', this.searchErrors.planId)}
        ${this.#field('from', m.from, m.timeHint, 'datetime-local', this.searchErrors.from)}
        ${this.#field('to', m.to, m.timeHint, 'datetime-local', this.searchErrors.to)}
        <div class="field"><button id="search" type="submit" part="button">${m.submit}</button></div>
      </div>
    </form>`;
  }

  #renderEntries(
    page: EntryPage,
    id: 'search' | 'extract',
    caption: (from: number, to: number, total: number) => string,
    empty: string,
    turn: (delta: number) => void,
  ): TemplateResult {
    const m = this.#m;
    if (page.items.length === 0) return html`<p class="message" part="message empty" role="status">${empty}</p>`;
    const from = page.offset + 1;
    const to = page.offset + page.items.length;
    const pages = Math.max(1, Math.ceil(page.total / page.limit));
    const current = Math.floor(page.offset / page.limit) + 1;
    const lang = this.language;
    return html`<p class="visually-hidden" role="status">${caption(from, to, page.total)}</p>
      <div id=${`${id}-region`} class="table-wrap" role="region" tabindex="0" aria-labelledby=${`${id}-caption`}>
        <table part="table">
          <caption id=${`${id}-caption`}>
            ${caption(from, to, page.total)}.
            <span class="muted">${m.sorted}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">${m.columns.seq}</th>
              <th scope="col">${m.columns.at}</th>
              <th scope="col">${m.columns.user}</th>
              <th scope="col">${m.columns.organisation}</th>
              <th scope="col">${m.columns.individual}</th>
              <th scope="col">${m.columns.action}</th>
              <th scope="col">${m.columns.purpose}</th>
              <th scope="col">${m.columns.plan}</th>
              <th scope="col">${m.columns.request}</th>
            </tr>
          </thead>
          <tbody>
            ${page.items.map(
              (e) => html`<tr>
                <th scope="row">${e.seq}</th>
                <td>${formatDateTime(e.at, lang)}</td>
                <td>${e.userId}</td>
                <td>${this.#organisations.get(e.organisationId) ?? e.organisationId}</td>
                <td>${e.individualId ? formatPersonId(e.individualId) : m.none}</td>
                <td>${m.actions[e.action] ?? e.action}</td>
                <td>${m.purposes[e.purpose] ?? e.purpose}</td>
                <td>${e.planId ?? m.none}</td>
                <td>${e.requestId ?? m.none}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${pages > 1
        ? html`<nav class="pager" part="pager" aria-label=${m.pageOf(current, pages)}>
            <button type="button" part="button" class="secondary" ?disabled=${page.offset === 0} @click=${() => turn(-1)}>${m.previous}</button>
            <span>${m.pageOf(current, pages)}</span>
            <button type="button" part="button" class="secondary" ?disabled=${to >= page.total} @click=${() => turn(1)}>${m.next}</button>
          </nav>`
        : nothing}`;
  }

  #renderExtract(m: Messages): TemplateResult {
    const extract = this.extract;
    const person = (individual: string) => formatPersonId(individual);
    return html`<section aria-labelledby="extract-heading">
      <h3 id="extract-heading">${m.extract}</h3>
      <p>${m.extractIntro}</p>
      <form part="filters" novalidate aria-labelledby="extract-heading" @submit=${(e: SubmitEvent) => void this.#extract(e)}>
        <div class="filters">
          <div class="field">
            <label for="extract-individual">${m.individual}</label>
            <span id="extract-individual-hint" class="hint">${m.individualHint}</span>
            ${this.extractError ? html`<p id="extract-individual-error" class="field-error">${this.extractError}</p>` : nothing}
            <input
              id="extract-individual"
              name="extract-individual"
              part="field"
              autocomplete="off"
              .value=${this.extractInput}
              aria-invalid=${this.extractError ? 'true' : 'false'}
              aria-describedby=${this.extractError ? 'extract-individual-hint extract-individual-error' : 'extract-individual-hint'}
            />
          </div>
          <div class="field"><button id="extract" type="submit" part="button" ?disabled=${extract.kind === 'loading'}>${m.extractSubmit}</button></div>
        </div>
      </form>
      <div id="extract-result" tabindex="-1">
        ${extract.kind === 'loading' ? this.renderLoading() : nothing} ${extract.kind === 'error' ? this.renderFailure(extract.failure) : nothing}
        ${extract.kind === 'loaded'
          ? this.#renderEntries(
              extract.page,
              'extract',
              (from, to, total) => m.extractCaption(person(extract.individual), from, to, total),
              m.extractEmpty(person(extract.individual)),
              (delta) => void this.#runExtract(extract.individual, Math.max(0, extract.page.offset + delta * PAGE_SIZE)),
            )
          : nothing}
      </div>
    </section>`;
  }

  #renderVerify(m: Messages): TemplateResult {
    const verify = this.verify;
    return html`<section aria-labelledby="verify-heading">
      <h3 id="verify-heading">${m.verify}</h3>
      <p>${m.verifyIntro}</p>
      <button id="verify-button" type="button" part="button" class="secondary" ?disabled=${verify.kind === 'loading'} @click=${() => void this.#verify()}>
        ${m.verifySubmit}
      </button>
      <div role="status">
        ${verify.kind === 'loading' ? html`<p class="message" part="message">${this.t.loading}</p>` : nothing}
        ${verify.kind === 'loaded'
          ? html`<div class="message ${verify.verdict.ok ? 'success' : 'error'}" part="verdict" data-ok=${String(verify.verdict.ok)}>
              <p>
                ${verify.verdict.ok
                  ? m.intact(verify.verdict.rows)
                  : m.broken(verify.verdict.brokenAt, m.reasons[verify.verdict.reason ?? ''] ?? verify.verdict.reason ?? '')}
              </p>
              ${verify.verdict.checkpointsKept ? nothing : html`<p class="muted">${m.noCheckpoints}</p>`}
            </div>`
          : nothing}
      </div>
      ${verify.kind === 'error' ? this.renderFailure(verify.failure) : nothing}
    </section>`;
  }
}
