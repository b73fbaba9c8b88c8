import { createPlanSchema, parsePersonId, planStatusSchema, type PlanStatus } from '@sip/shared';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { errorSummary } from './error-summary.ts';
import { property, state } from 'lit/decorators.js';
import { ApiError } from './api.ts';
import { SipPlanCreatedEvent } from './events.ts';
import { formatDate, formatDateTime, type Lang } from './i18n.ts';
import { diffMessages } from './lists/diff.ts';
import { failureOf, SipListElement, type Failure } from './lists/list-element.ts';
import { fieldOfPath, followUpState, formatPersonId, localDay, samePerson, type NewPlanField } from './lists/plans.ts';
import { listStyles } from './lists/styles.ts';

interface PlanSummary {
  id: string;
  status: PlanStatus;
  individual: { personId: string; name?: string };
  title: string | null;
  followUpDate: string | null;
  version: number;
  revision: number;
  updatedAt: string;
}

interface PlanPage {
  items: PlanSummary[];
  total: number;
  limit: number;
  offset: number;
  /** The `after` of the next page; null on the last. */
  next: string | null;
}

interface Organisation {
  id: string;
  name: string;
  kind: 'region' | 'municipality';
}

interface ListData {
  page: PlanPage;
  /** The plan for the host's person (`person-id`), `null` when there is none, `undefined` when no person is given. */
  personPlan: PlanSummary | null | undefined;
}

interface NewPlanForm {
  idempotencyKey: string;
  title: string;
  otherId: string;
  mine: Organisation | undefined;
  others: Organisation[] | undefined;
  loadFailure?: Failure;
  errors: Partial<Record<NewPlanField, string>>;
  failure?: Failure;
  sending: boolean;
}

const PAGE_SIZE = 20;

type Messages = {
  heading: string;
  caption: (from: number, to: number, total: number) => string;
  captionEmpty: string;
  sorted: string;
  columns: { plan: string; individual: string; status: string; followUp: string; updated: string };
  untitled: string;
  noName: string;
  filters: string;
  status: string;
  anyStatus: string;
  followUpDue: string;
  apply: string;
  previous: string;
  next: string;
  pageOf: (page: number, pages: number) => string;
  empty: string;
  emptyFiltered: string;
  followUp: Record<'none' | 'past' | 'today', string>;
  forbidden: string;
  start: (name: string) => string;
  open: (name: string) => string;
  exists: (name: string) => string;
  none: (name: string) => string;
  someone: string;
  form: {
    heading: (name: string) => string;
    intro: string;
    title: string;
    titleDefault: (name: string) => string;
    other: Record<'region' | 'municipality', string>;
    choose: string;
    mine: (name: string) => string;
    submit: string;
    cancel: string;
    summary: string;
    required: string;
    invalidPerson: string;
    titleInvalid: string;
    otherMissing: string;
    loadingOrganisations: string;
  };
  created: (name: string) => string;
};

const messages = {
  sv: {
    heading: 'Samordnade individuella planer',
    caption: (from, to, total) => `Planer som din organisation deltar i, ${from}–${to} av ${total}`,
    captionEmpty: 'Planer som din organisation deltar i',
    sorted: 'Senast ändrade först.',
    columns: { plan: 'Plan', individual: 'Den enskilde', status: 'Status', followUp: 'Uppföljning', updated: 'Senast ändrad' },
    untitled: 'SIP utan titel',
    noName: 'Namn saknas',
    filters: 'Filtrera',
    status: 'Status',
    anyStatus: 'Alla',
    followUpDue: 'Bara planer där uppföljningen ska göras nu',
    apply: 'Visa',
    previous: 'Föregående sida',
    next: 'Nästa sida',
    pageOf: (page, pages) => `Sida ${page} av ${pages}`,
    empty: 'Din organisation deltar inte i någon SIP ännu.',
    emptyFiltered: 'Inga planer stämmer med filtret.',
    followUp: { none: 'Inget datum', past: 'Passerad', today: 'I dag' },
    forbidden: 'Listan över planer är för personal hos regionen och kommunerna. Din roll ger inte tillgång till den.',
    start: (name) => `Starta en SIP för ${name}`,
    open: (name) => `Öppna SIP:en för ${name}`,
    exists: (name) => `Det finns redan en SIP för ${name} som din organisation deltar i.`,
    none: (name) => `Det finns ingen SIP för ${name} som din organisation deltar i.`,
    someone: 'personen',
    form: {
      heading: (name) => `Ny SIP för ${name}`,
      intro: 'Planen skapas med din organisation och den huvudman du väljer. Den fylls från din organisations egna journal eller akt.',
      title: 'Planens titel',
      titleDefault: (name) => `SIP för ${name}`,
      other: { region: 'Region', municipality: 'Kommun' },
      choose: 'Välj …',
      mine: (name) => `Din organisation: ${name}`,
      submit: 'Skapa SIP',
      cancel: 'Avbryt',
      summary: 'Det finns problem',
      required: 'Välj den andra huvudmannen',
      invalidPerson: 'Personnumret från systemet är inte ett giltigt personnummer eller samordningsnummer.',
      titleInvalid: 'Skriv en titel på högst 200 tecken',
      otherMissing: 'Välj den andra huvudmannen',
      loadingOrganisations: 'Hämtar organisationer …',
    },
    created: (name) => `SIP:en för ${name} är skapad.`,
  },
  en: {
    heading: 'Coordinated individual plans',
    caption: (from, to, total) => `Plans your organisation takes part in, ${from}–${to} of ${total}`,
    captionEmpty: 'Plans your organisation takes part in',
    sorted: 'Most recently changed first.',
    columns: { plan: 'Plan', individual: 'Individual', status: 'Status', followUp: 'Follow-up', updated: 'Last changed' },
    untitled: 'Untitled SIP',
    noName: 'No name',
    filters: 'Filter',
    status: 'Status',
    anyStatus: 'All',
    followUpDue: 'Only plans due for follow-up now',
    apply: 'Show',
    previous: 'Previous page',
    next: 'Next page',
    pageOf: (page, pages) => `Page ${page} of ${pages}`,
    empty: 'Your organisation takes part in no SIP yet.',
    emptyFiltered: 'No plans match the filter.',
    followUp: { none: 'No date', past: 'Overdue', today: 'Today' },
    forbidden: 'The list of plans is for staff of the region and the municipalities. Your role gives no access to it.',
    start: (name) => `Start a SIP for ${name}`,
    open: (name) => `Open the SIP for ${name}`,
    exists: (name) => `There already is a SIP for ${name} that your organisation takes part in.`,
    none: (name) => `There is no SIP for ${name} that your organisation takes part in.`,
    someone: 'the person',
    form: {
      heading: (name) => `New SIP for ${name}`,
      intro: 'The plan is made with your organisation and the principal you choose. It is filled from your organisation’s own record.',
      title: 'Title of the plan',
      titleDefault: (name) => `SIP for ${name}`,
      other: { region: 'Region', municipality: 'Municipality' },
      choose: 'Choose …',
      mine: (name) => `Your organisation: ${name}`,
      submit: 'Create SIP',
      cancel: 'Cancel',
      summary: 'There is a problem',
      required: 'Choose the other principal',
      invalidPerson: 'The personal identity number from the system is not a valid personnummer or samordningsnummer.',
      titleInvalid: 'Enter a title of at most 200 characters',
      otherMissing: 'Choose the other principal',
      loadingOrganisations: 'Loading organisations …',
    },
    created: (name) => `The SIP for ${name} has been created.`,
  },
} satisfies Record<Lang, Messages>;

/**
 * @tag sip-plan-list
 * @summary The SIPs my organisation takes part in, as a table with status and follow-up, filters
 * and paging; each row opens the plan. With `person-id`, offers to start a SIP for the
 * individual the host system has open when my organisation has none for them.
 *
 * @attr {string} api-base - The broker's base URL, e.g. `https://sip.example.se`.
 * @attr {string} lang - `sv` (default) or `en`.
 * @attr {string} href-template - Optional, e.g. `/case/plans/{planId}`: rows link there (`{planId}`,
 *   `{focus}` filled in and encoded) instead of sending `sip-open-plan`.
 * @attr {string} person-id - The personnummer or samordningsnummer of the individual the host has
 *   open. Sent only in a request body, never in a URL.
 * @attr {string} person-name - Their name, shown in the offer and stored with the new plan.
 * @prop {AccessTokenProvider} getAccessToken - Gives the element a staff access token; a property, never an attribute.
 *
 * @event {SipReadyEvent} sip-ready - The first page is loaded. `detail`: `{}`.
 * @event {SipOpenPlanEvent} sip-open-plan - The user opened a plan. `detail`: `{ planId }`.
 * @event {SipPlanCreatedEvent} sip-plan-created - A SIP was created. `detail`: `{ planId }`.
 * @event {SipErrorEvent} sip-error - Loading or creating failed. `detail`: `{ code, status?, requestId? }`.
 * @event {SipSessionExpiredEvent} sip-session-expired - The token was refused and no new one was given.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The heading.
 * @csspart filters - The filter form.
 * @csspart table - The table of plans.
 * @csspart pager - The paging buttons.
 * @csspart person - The offer to open or start a SIP for the host's person.
 * @csspart form - The form for a new SIP.
 * @csspart field - Every field.
 * @csspart error-summary - The list of problems in the form.
 * @csspart button - Every button.
 * @csspart open - A row's button (without `href-template`).
 * @csspart link - A row's link (with `href-template`).
 * @csspart status - A plan's status.
 * @csspart overdue - A follow-up date that has passed.
 * @csspart message - Loading, empty, success and error messages.
 * @csspart error - Error messages.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Buttons and links.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors and passed dates.
 * @cssproperty [--sip-color-success=#00703c] - A plan created.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring (inner).
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Focus ring (outer).
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 * @cssproperty [--sip-spacing=1rem] - The base spacing.
 */
export class SipPlanList extends SipListElement<ListData> {
  static override styles = listStyles;

  /** The individual the host system has open: a personnummer or samordningsnummer. */
  @property({ attribute: 'person-id' }) accessor personId: string | null = null;
  /** Their name. */
  @property({ attribute: 'person-name' }) accessor personName: string | null = null;

  @state() private accessor status: PlanStatus | '' = '';
  @state() private accessor followUpDue = false;
  /** The page shown (from 0), and the `after` each page so far was read from. */
  @state() private accessor pageIndex = 0;
  #afters: (string | undefined)[] = [undefined];
  @state() private accessor form: NewPlanForm | undefined;
  @state() private accessor created = '';

  protected override reloadOn(): readonly PropertyKey[] {
    return ['personId'];
  }

  get #m(): Messages {
    return messages[this.language];
  }

  get #name(): string {
    return this.personName?.trim() || this.#m.someone;
  }

  protected override async fetchData(signal: AbortSignal): Promise<ListData> {
    const api = this.api!;
    const after = this.#afters[this.pageIndex];
    const query = {
      limit: PAGE_SIZE,
      ...(after ? { after } : {}),
      ...(this.status ? { status: this.status } : {}),
      ...(this.followUpDue ? { followUpDue: 'true' } : {}),
    };
    const [page, personPlan] = await Promise.all([api.get<PlanPage>('/api/plans', { query, signal }).then((r) => r.body), this.#findPersonPlan(signal)]);
    return { page, personPlan };
  }

  /** The person's most recently changed plan among my organisation's, searched by a body so that the personnummer stays out of URLs. */
  async #findPersonPlan(signal: AbortSignal): Promise<PlanSummary | null | undefined> {
    const personId = this.personId?.trim();
    if (!personId) return undefined;
    const value = parsePersonId(personId)?.value;
    if (!value) return null;
    const { body } = await this.api!.request<PlanPage>('POST', '/api/plans/search', { body: { personId: value, limit: 1 }, signal });
    return body.items.find((p) => samePerson(p.individual.personId, personId)) ?? null;
  }

  override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('personId') && changed.get('personId') !== undefined) this.form = undefined;
  }

  async #filter(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const status = String(data.get('status') ?? '');
    this.status = planStatusSchema.safeParse(status).success ? (status as PlanStatus) : '';
    this.followUpDue = data.get('followUpDue') === 'on';
    this.pageIndex = 0;
    this.#afters = [undefined];
    await this.reload();
  }

  async #page(delta: -1 | 1, shown: PlanPage): Promise<void> {
    if (delta === 1) {
      if (!shown.next) return;
      this.#afters[this.pageIndex + 1] = shown.next;
      this.pageIndex += 1;
    } else {
      this.pageIndex = Math.max(0, this.pageIndex - 1);
    }
    await this.reload();
    await this.focusAfterRender('#plans-region');
  }

  async #openForm(): Promise<void> {
    this.created = '';
    this.form = { idempotencyKey: crypto.randomUUID(), title: this.#m.form.titleDefault(this.#name), otherId: '', mine: undefined, others: undefined, errors: {}, sending: false };
    await this.focusAfterRender('#new-plan-heading');
    try {
      const [session, organisations] = await Promise.all([
        this.api!.get<{ kind: string; organisationId?: string }>('/api/session'),
        this.api!.get<{ items: Organisation[] }>('/api/organisations'),
      ]);
      const mine = organisations.body.items.find((o) => o.id === session.body.organisationId);
      if (!this.form) return;
      this.form = { ...this.form, mine, others: mine ? organisations.body.items.filter((o) => o.kind !== mine.kind) : [] };
    } catch (error) {
      if (this.form) this.form = { ...this.form, loadFailure: failureOf(this, error) };
    }
  }

  #closeForm(): void {
    this.form = undefined;
    void this.focusAfterRender('#start');
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = this.form;
    if (!form || form.sending || !form.mine) return;
    const data = new FormData(event.target as HTMLFormElement);
    const title = String(data.get('title') ?? '').trim();
    const otherId = String(data.get('other') ?? '');
    const f = this.#m.form;
    const other = form.others?.find((o) => o.id === otherId);
    const principals = other
      ? form.mine.kind === 'region'
        ? { region: { id: form.mine.id }, municipality: { id: other.id } }
        : { region: { id: other.id }, municipality: { id: form.mine.id } }
      : undefined;
    const body = {
      individual: { personId: this.personId ?? '', ...(this.personName?.trim() ? { name: this.personName.trim() } : {}) },
      principals,
      ...(title ? { title } : {}),
    };
    const errors: NewPlanForm['errors'] = {};
    if (!other) errors.principal = f.otherMissing;
    const checked = createPlanSchema.safeParse(body);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = fieldOfPath(issue.path);
        if (field === 'principal') errors.principal ??= f.otherMissing;
        else if (field === 'title') errors.title ??= f.titleInvalid;
        else if (field === 'individual') errors.individual ??= f.invalidPerson;
        else errors.form ??= issue.message;
      }
    }
    if (Object.keys(errors).length > 0) {
      this.form = { ...form, title, otherId, errors, sending: false };
      delete this.form.failure;
      await this.focusAfterRender('#error-summary');
      return;
    }
    this.form = { ...form, title, otherId, errors: {}, sending: true };
    delete this.form.failure;
    try {
      const created = await this.api!.request<{ id: string }>('POST', '/api/plans', { body: checked.data, idempotencyKey: form.idempotencyKey });
      this.form = undefined;
      this.created = this.#m.created(this.#name);
      this.dispatchEvent(new SipPlanCreatedEvent({ planId: created.body.id }));
      await this.focusAfterRender('#created');
      // The new plan is in the list now, and the offer becomes a way to open it.
      await this.reload();
    } catch (error) {
      const failure = failureOf(this, error);
      const fieldErrors: NewPlanForm['errors'] = {};
      if (error instanceof ApiError) {
        for (const e of error.problem?.errors ?? []) {
          const field = fieldOfPath(e.path);
          fieldErrors[field] ??= field === 'form' ? e.message : field === 'title' ? f.titleInvalid : field === 'principal' ? e.message : f.invalidPerson;
        }
      }
      this.form = { ...this.form!, sending: false, errors: fieldErrors, failure };
      await this.focusAfterRender(Object.keys(fieldErrors).length ? '#error-summary' : '#form-failure');
    }
  }

  override render() {
    const m = this.#m;
    const load = this.load;
    const data = load.kind === 'loaded' ? load.data : load.kind === 'loading' ? load.previous : undefined;
    const forbidden = load.kind === 'error' && load.failure.code === 'forbidden';
    return html`<section class="base" part="base" aria-labelledby="heading">
      <h2 id="heading" part="heading">${m.heading}</h2>
      ${this.created ? html`<p id="created" class="message success" part="message" role="status" tabindex="-1">${this.created}</p>` : nothing}
      ${data ? this.#renderPerson(data) : nothing} ${this.form ? this.#renderForm(this.form) : nothing}
      ${forbidden || (load.kind === 'error' && load.failure.code === 'config') ? nothing : this.#renderFilters()}
      ${load.kind === 'loading' || load.kind === 'waiting' ? this.renderLoading() : nothing}
      ${load.kind === 'error' ? this.renderFailure(load.failure, (f) => (f.code === 'forbidden' ? m.forbidden : undefined)) : nothing}
      ${data ? this.#renderTable(data.page) : nothing}
    </section>`;
  }

  #renderPerson(data: ListData): TemplateResult | typeof nothing {
    if (data.personPlan === undefined) return nothing;
    const m = this.#m;
    if (data.personPlan) {
      return html`<div class="panel" part="person">
        <p>${m.exists(this.#name)}</p>
        ${this.renderOpen({ planId: data.personPlan.id }, m.open(this.#name))}
      </div>`;
    }
    if (this.form) return nothing;
    return html`<div class="panel" part="person">
      <p>${m.none(this.#name)}</p>
      <button id="start" type="button" part="button" @click=${() => void this.#openForm()}>${m.start(this.#name)}</button>
    </div>`;
  }

  #renderForm(form: NewPlanForm): TemplateResult {
    const f = this.#m.form;
    const errors = Object.entries(form.errors) as [NewPlanField, string][];
    const target: Record<NewPlanField, string> = { title: 'title', principal: 'other', individual: 'new-plan-heading', form: 'new-plan-heading' };
    return html`<form class="panel" part="form" novalidate aria-labelledby="new-plan-heading" @submit=${(e: SubmitEvent) => void this.#submit(e)}>
      <h3 id="new-plan-heading" tabindex="-1">${f.heading(this.#name)}</h3>
      <p>${f.intro}</p>
      ${errorSummary(this.renderRoot, 'error-summary', f.summary, errors.map(([field, message]) => [target[field], message] as const))}
      ${form.failure && !errors.length
        ? html`<div id="form-failure" tabindex="-1">${this.renderFailure(form.failure)}</div>`
        : nothing}
      ${form.loadFailure ? this.renderFailure(form.loadFailure) : nothing}
      <div class="field">
        <label for="title">${f.title}</label>
        ${form.errors.title ? html`<p id="title-error" class="field-error">${form.errors.title}</p>` : nothing}
        <input
          id="title"
          name="title"
          part="field"
          autocomplete="off"
          .value=${form.title}
          aria-invalid=${form.errors.title ? 'true' : 'false'}
          aria-describedby=${form.errors.title ? 'title-error' : nothing}
        />
      </div>
      ${form.mine && form.others
        ? html`<p>${f.mine(form.mine.name)}</p>
            <div class="field">
              <label for="other">${f.other[form.mine.kind === 'region' ? 'municipality' : 'region']}</label>
              ${form.errors.principal ? html`<p id="other-error" class="field-error">${form.errors.principal}</p>` : nothing}
              <select
                id="other"
                name="other"
                part="field"
                aria-invalid=${form.errors.principal ? 'true' : 'false'}
                aria-describedby=${form.errors.principal ? 'other-error' : nothing}
              >
                <option value="" ?selected=${!form.otherId}>${f.choose}</option>
                ${form.others.map((o) => html`<option value=${o.id} ?selected=${o.id === form.otherId}>${o.name}</option>`)}
              </select>
            </div>`
        : form.loadFailure
          ? nothing
          : html`<p class="message" part="message" role="status">${f.loadingOrganisations}</p>`}
      <div class="toolbar">
        <button id="create" type="submit" part="button" ?disabled=${form.sending || !form.mine}>${f.submit}</button>
        <button type="button" part="button" class="secondary" @click=${() => this.#closeForm()}>${f.cancel}</button>
      </div>
    </form>`;
  }

  #renderFilters(): TemplateResult {
    const m = this.#m;
    const statuses = diffMessages[this.language].status;
    return html`<form class="filters" part="filters" aria-label=${m.filters} @submit=${(e: SubmitEvent) => void this.#filter(e)}>
      <div class="field">
        <label for="status">${m.status}</label>
        <select id="status" name="status" part="field">
          <option value="" ?selected=${this.status === ''}>${m.anyStatus}</option>
          ${planStatusSchema.options.map((s) => html`<option value=${s} ?selected=${this.status === s}>${statuses[s]}</option>`)}
        </select>
      </div>
      <div class="field">
        <label class="check" for="followUpDue"
          ><input id="followUpDue" name="followUpDue" type="checkbox" part="field" ?checked=${this.followUpDue} />${m.followUpDue}</label
        >
      </div>
      <div class="field">
        <button id="apply" type="submit" part="button" class="secondary">${m.apply}</button>
      </div>
    </form>`;
  }

  #renderTable(page: PlanPage): TemplateResult {
    const m = this.#m;
    const lang = this.language;
    const statuses = diffMessages[lang].status;
    if (page.items.length === 0) {
      return html`<p class="message" part="message empty" role="status">${this.status || this.followUpDue || this.pageIndex > 0 ? m.emptyFiltered : m.empty}</p>`;
    }
    const today = localDay(new Date());
    const from = this.pageIndex * PAGE_SIZE + 1;
    const to = this.pageIndex * PAGE_SIZE + page.items.length;
    const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE), this.pageIndex + (page.next ? 2 : 1));
    const current = this.pageIndex + 1;
    return html`<p class="visually-hidden" role="status">${m.caption(from, to, page.total)}</p>
      <div id="plans-region" class="table-wrap" role="region" tabindex="0" aria-labelledby="plans-caption">
        <table part="table">
          <caption id="plans-caption">
            ${m.caption(from, to, page.total)}.
            <span class="muted">${m.sorted}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">${m.columns.plan}</th>
              <th scope="col">${m.columns.individual}</th>
              <th scope="col">${m.columns.status}</th>
              <th scope="col">${m.columns.followUp}</th>
              <th scope="col">${m.columns.updated}</th>
            </tr>
          </thead>
          <tbody>
            ${page.items.map((plan) => {
              const state = followUpState(plan.followUpDate, plan.status, today);
              return html`<tr>
                <th scope="row">${this.renderOpen({ planId: plan.id }, plan.title || m.untitled)}</th>
                <td>${plan.individual.name || m.noName}<br /><span class="muted">${formatPersonId(plan.individual.personId)}</span></td>
                <td part="status">${statuses[plan.status]}</td>
                <td>
                  ${plan.followUpDate ? formatDate(plan.followUpDate, lang) : m.followUp.none}
                  ${state === 'past'
                    ? html`<br /><span class="badge overdue" part="overdue">${m.followUp.past}</span>`
                    : state === 'today'
                      ? html`<br /><span class="badge">${m.followUp.today}</span>`
                      : nothing}
                </td>
                <td>${formatDateTime(plan.updatedAt, lang)}</td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      ${pages > 1
        ? html`<nav class="pager" part="pager" aria-label=${m.pageOf(current, pages)}>
            <button type="button" part="button" class="secondary" ?disabled=${this.pageIndex === 0} @click=${() => void this.#page(-1, page)}>${m.previous}</button>
            <span>${m.pageOf(current, pages)}</span>
            <button type="button" part="button" class="secondary" ?disabled=${!page.next} @click=${() => void this.#page(1, page)}>${m.next}</button>
          </nav>`
        : nothing}`;
  }
}
