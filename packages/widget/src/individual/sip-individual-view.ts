import { ApiError, normaliseBase, ProvidedTokens, type AccessTokenProvider } from '@sip/shared/client';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PendingRequests } from '../pending.ts';
import { IndividualApi, type PlanAnswer } from './api.ts';
import { SipChangeEvent, SipErrorEvent, SipReadyEvent, SipSessionExpiredEvent, type ChangeStatus, type SipErrorCode } from './events.ts';
import { languageFailedNotice } from '../locale.ts';
import { IndividualLocale } from './i18n.ts';
import {
  checkOwnWords,
  consentCategories,
  OWN_LINE_MAX,
  OWN_LINES_MAX,
  readUntil,
  localDay,
  receiptReference,
  sharingInForce,
  targetOf,
  type Change,
  type Outcome,
} from './changes.ts';
import { styles } from './sip-individual-view.styles.ts';
import type { ConsentCategory, MyPlanListItem, OwnAccessEntry, OwnAccessLog, OwnPlan } from './types.ts';

type View =
  | { kind: 'idle' }
  | { kind: 'waiting' }
  | { kind: 'loading'; what: 'list' | 'plan' }
  | { kind: 'error'; code: SipErrorCode; planId?: string }
  | { kind: 'session-expired' }
  | { kind: 'list'; plans: MyPlanListItem[] }
  | { kind: 'plan'; plan: OwnPlan; etag: string };

type LogState = { state: 'closed' } | { state: 'loading' } | { state: 'loaded'; log: OwnAccessLog } | { state: 'error'; code: SipErrorCode };

interface FieldProblem {
  field: string;
  message: string;
}

/** What the confirm dialog asks about: withdrawing the consent, or stopping a relative's sharing. */
type Confirming = { kind: 'consent' } | { kind: 'sharing'; relativeId: string; name: string };

function errorCode(error: ApiError): SipErrorCode {
  const code = error.code;
  if (code === 'unavailable' || code === 'session-expired') return 'server';
  if (code === 'precondition-failed') return 'conflict';
  return code;
}

/**
 * @tag sip-individual-view
 * @summary The individual's own view of their SIP (samordnad individuell plan): the whole plan,
 * their consent to it and what each relative may see, which they give, narrow or withdraw
 * themselves, their own goals in their own words, and who has read the plan.
 *
 * @attr {string} lang - `sv` (default), `sv-x-lattlast` (lättläst svenska), `en`, `fi` or `ar` (laid
 *   out right to left). Without it the language follows the nearest ancestor with a `lang`
 *   attribute, then the document. A language besides Swedish is fetched from beside the module,
 *   checked against its integrity; when it cannot be had, the view speaks Swedish and says so.
 *
 * @event {SipReadyEvent} sip-ready - The first render with data from the service. `detail`: `{ view, planId? }`.
 * @event {SipChangeEvent} sip-change - A change of the individual's was saved and is in force. `detail`:
 *   `{ planId, kind: 'consent' | 'sharing' | 'own-words', relativeId?, status }`: ids and status only.
 * @event {SipErrorEvent} sip-error - Loading or saving failed. `detail`: `{ code, status?, requestId? }`, never a message.
 * @event {SipSessionExpiredEvent} sip-session-expired - The access token was refused and no new one could
 *   be had from `getAccessToken`. Sign the individual in again and set `getAccessToken` anew: the element reloads.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The main heading of the list or the plan.
 * @csspart plan-list - The list of the individual's plans.
 * @csspart plan-button - The button that opens a plan.
 * @csspart section - Each section of a plan.
 * @csspart button - Every button.
 * @csspart field - Every text field.
 * @csspart error-summary - The list of problems in a form.
 * @csspart receipt - What a saved change did, when, its reference and what happens next.
 * @csspart outcome - A change not saved, or not known to be.
 * @csspart dialog - The dialog that confirms a withdrawal.
 * @csspart message - Loading, empty, signed-out and error messages.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background of sections, fields and the dialog.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Primary buttons and links.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on primary buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors, and the buttons that withdraw.
 * @cssproperty [--sip-color-success=#00703c] - Receipts.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring (inner).
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Focus ring (outer).
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 * @cssproperty [--sip-spacing=1rem] - The base spacing.
 */
export class SipIndividualView extends LitElement {
  static override styles = styles;

  /** The base URL of the SIP broker, e.g. `https://sip.example.se`. */
  @property({ attribute: 'api-base' }) accessor apiBase = '';

  #localize = new IndividualLocale(this);
  #provider: AccessTokenProvider | undefined;
  readonly #tokens = new ProvidedTokens(() => this.#provider);
  readonly #pending = new PendingRequests<Change>(targetOf);
  #generation = 0;
  #ready = false;
  #loadQueued = false;
  #focusAfterLoad = false;
  /** How many plans the individual has: with more than one, an open plan has a way back to the list. */
  #ownPlans = 0;
  /** The dialog was closed by its confirm button: focus goes to the receipt, not back. */
  #confirmed = false;

  @state() private accessor view: View = { kind: 'idle' };
  @state() private accessor outcomes: ReadonlyMap<string, Outcome> = new Map();
  @state() private accessor formErrors: ReadonlyMap<string, FieldProblem[]> = new Map();
  @state() private accessor announcement = '';
  @state() private accessor confirming: Confirming | undefined;
  @state() private accessor log: LogState = { state: 'closed' };
  /** Their own words as the plan has them now, after a save refused because the plan had changed. */
  @state() private accessor ownConflict: OwnPlan | undefined;
  /** The receipt being printed alone (its target), until the print is done. */
  @state() private accessor printing: string | undefined;

  /**
   * An async function that gives an access token for the individual (`(request: { renew }) =>
   * Promise<string>`): called before the first request, and with `renew: true` when the service
   * refuses the token. A property, never an attribute; the token is kept in memory only and sent
   * only to `api-base`.
   */
  get getAccessToken(): AccessTokenProvider | undefined {
    return this.#provider;
  }
  set getAccessToken(value: AccessTokenProvider | null | undefined) {
    this.#provider = typeof value === 'function' ? value : undefined;
    this.#tokens.reset();
    const kind = this.view.kind;
    if (kind === 'waiting' || kind === 'session-expired') this.#queueLoad();
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null) {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  override connectedCallback() {
    super.connectedCallback();
    // A host may set the token callback before this element was defined.
    if (Object.prototype.hasOwnProperty.call(this, 'getAccessToken')) {
      const value = (this as Record<string, unknown>).getAccessToken as AccessTokenProvider | undefined;
      delete (this as Record<string, unknown>).getAccessToken;
      this.getAccessToken = value;
    }
    window.addEventListener('afterprint', this.#afterPrint);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('afterprint', this.#afterPrint);
  }

  #afterPrint = () => {
    this.printing = undefined;
  };

  /** Prints one receipt alone, with the plan it belongs to. */
  async #printReceipt(target: string) {
    this.printing = target;
    await this.updateComplete;
    window.print();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!this.hasUpdated || changed.has('apiBase')) this.#queueLoad();
  }

  // ---------------------------------------------------------------- loading

  #api(): IndividualApi | undefined {
    const base = normaliseBase(this.apiBase);
    return base ? new IndividualApi(base, this.#tokens) : undefined;
  }

  #queueLoad() {
    if (this.#loadQueued) return;
    this.#loadQueued = true;
    queueMicrotask(() => {
      this.#loadQueued = false;
      if (this.isConnected) void this.#load();
    });
  }

  async #load() {
    if (!normaliseBase(this.apiBase)) {
      this.#generation++;
      this.view = { kind: 'error', code: 'config' };
      this.dispatchEvent(new SipErrorEvent({ code: 'config' }));
      return;
    }
    if (!this.#provider) {
      this.#generation++;
      this.view = { kind: 'waiting' };
      return;
    }
    await this.#showList();
  }

  /** The individual's own plans; a single plan is opened directly. */
  async #showList(focusPlanId?: string) {
    const generation = ++this.#generation;
    const byUser = this.#focusAfterLoad || focusPlanId !== undefined;
    this.#focusAfterLoad = false;
    this.view = { kind: 'loading', what: 'list' };
    try {
      const { items } = await this.#api()!.listPlans();
      // Shown, announced and focused in the language asked for, once it is there.
      await this.#localize.ready();
      if (generation !== this.#generation) return;
      if (!Array.isArray(items)) throw new ApiError('bad-response');
      const own = items.filter((p) => p.role === 'individual');
      this.#ownPlans = own.length;
      if (own.length === 1 && focusPlanId === undefined) {
        await this.#openPlan(own[0]!.planId, byUser);
        return;
      }
      this.view = { kind: 'list', plans: own };
      await this.updateComplete;
      this.#announceReady({ view: 'list' });
      if (byUser) this.#focus(...(focusPlanId ? [`open-${focusPlanId}`] : []), 'list-title');
    } catch (error) {
      if (generation === this.#generation) this.#loadFailed(error, byUser);
    }
  }

  async #openPlan(planId: string, byUser: boolean) {
    const generation = ++this.#generation;
    this.view = { kind: 'loading', what: 'plan' };
    this.log = { state: 'closed' };
    this.ownConflict = undefined;
    this.outcomes = new Map();
    this.formErrors = new Map();
    try {
      const read = this.#api()!.readPlan(planId);
      this.#localize.prepareDates();
      const { plan, etag } = await read;
      await this.#localize.ready();
      if (generation !== this.#generation) return;
      if (!plan || typeof plan !== 'object' || !plan.planId) throw new ApiError('bad-response');
      this.view = { kind: 'plan', plan, etag };
      await this.updateComplete;
      this.#announceReady({ view: 'plan', planId: plan.planId });
      if (byUser) {
        this.#announce(this.#localize.t.announce.planOpened(this.#title(plan)));
        this.#focus('plan-title');
      }
    } catch (error) {
      if (generation === this.#generation) this.#loadFailed(error, byUser, planId);
    }
  }

  /** Reads the open plan again, keeping what is shown until it arrives; answers it, or undefined. */
  async #refreshPlan(planId: string): Promise<OwnPlan | undefined> {
    const generation = ++this.#generation;
    try {
      const { plan, etag } = await this.#api()!.readPlan(planId);
      if (generation !== this.#generation || this.#openPlanData()?.planId !== planId) return undefined;
      this.view = { kind: 'plan', plan, etag };
      return plan;
    } catch {
      return undefined;
    }
  }

  #announceReady(detail: { view: 'list' | 'plan'; planId?: string }) {
    if (this.#ready) return;
    this.#ready = true;
    this.dispatchEvent(new SipReadyEvent(detail));
  }

  #loadFailed(error: unknown, byUser: boolean, planId?: string) {
    const apiError = error instanceof ApiError ? error : new ApiError('bad-response');
    if (apiError.code === 'session-expired') {
      this.view = { kind: 'session-expired' };
      if (byUser) void this.#focus('message');
      this.dispatchEvent(new SipSessionExpiredEvent());
      return;
    }
    const code = errorCode(apiError);
    this.view = { kind: 'error', code, ...(planId ? { planId } : {}) };
    if (byUser) void this.#focus('message');
    this.#reportError(apiError);
  }

  #reportError(error: ApiError) {
    this.dispatchEvent(
      new SipErrorEvent({
        code: errorCode(error),
        ...(error.status ? { status: error.status } : {}),
        ...(error.requestId ? { requestId: error.requestId } : {}),
      }),
    );
  }

  // ---------------------------------------------------------------- changes

  #setOutcome(target: string, outcome: Outcome | undefined) {
    const next = new Map(this.outcomes);
    if (outcome) next.set(target, outcome);
    else next.delete(target);
    this.outcomes = next;
  }

  #setErrors(form: string, problems: FieldProblem[]) {
    const next = new Map(this.formErrors);
    if (problems.length) next.set(form, problems);
    else next.delete(form);
    this.formErrors = next;
  }

  async #showErrors(form: string, problems: FieldProblem[]) {
    this.#setErrors(form, problems);
    await this.updateComplete;
    this.#byId(`${form}-errors`)?.focus();
  }

  /** The categories ticked in a form, in the order the form lists them. */
  #ticked(prefix: string): ConsentCategory[] {
    return consentCategories.filter((c) => this.#byId<HTMLInputElement>(`${prefix}-${c}`)?.checked);
  }

  /** The categories and last day of a consent or sharing form, checked; undefined when it has errors (shown). */
  #readScope(form: string, prefix: string): { categories: ConsentCategory[]; validUntil: string | undefined } | undefined {
    const t = this.#localize.t;
    const categories = this.#ticked(prefix);
    const until = readUntil(this.#byId<HTMLInputElement>(`${prefix}-until`)?.value ?? '', new Date());
    const problems: FieldProblem[] = [];
    if (categories.length === 0) problems.push({ field: `${prefix}-${consentCategories[0]}`, message: t.chooseOne });
    if (!until.ok) problems.push({ field: `${prefix}-until`, message: t.untilInvalid });
    if (problems.length) {
      void this.#showErrors(form, problems);
      return undefined;
    }
    this.#setErrors(form, []);
    return { categories, validUntil: until.ok ? until.value : undefined };
  }

  #saveConsent() {
    const plan = this.#openPlanData();
    if (!plan) return;
    const scope = this.#readScope('form-consent', 'consent');
    if (!scope) return;
    const inForce = plan.consent?.state === 'in-force';
    // Between the plan's principals; a consent in force keeps the organisations it names.
    const actors = inForce && plan.consent!.scope.actors.length ? plan.consent!.scope.actors : plan.parts.map((p) => p.organisation.id);
    void this.#submit({
      kind: 'consent',
      planId: plan.planId,
      body: { decision: 'give', information: scope.categories, actors, ...(scope.validUntil ? { validUntil: scope.validUntil } : {}) },
      status: inForce ? 'changed' : 'given',
    });
  }

  #saveSharing(relativeId: string) {
    const plan = this.#openPlanData();
    if (!plan) return;
    const scope = this.#readScope(`form-sharing-${relativeId}`, `sharing-${relativeId}`);
    if (!scope) return;
    const relative = plan.relatives.find((r) => r.relativeId === relativeId);
    void this.#submit({
      kind: 'sharing',
      planId: plan.planId,
      relativeId,
      body: { decision: 'share', categories: scope.categories, ...(scope.validUntil ? { validUntil: scope.validUntil } : {}) },
      status: relative && sharingInForce(relative) ? 'changed' : 'given',
    });
  }

  #saveOwnWords() {
    const view = this.view;
    if (view.kind !== 'plan') return;
    const t = this.#localize.t;
    const read = (id: string) => this.#byId<HTMLTextAreaElement>(id)?.value ?? '';
    const problems: FieldProblem[] = [];
    const lists: Record<'own-goals' | 'own-actions', { id?: string; text: string }[]> = { 'own-goals': [], 'own-actions': [] };
    for (const field of ['own-goals', 'own-actions'] as const) {
      const checked = checkOwnWords(read(field), field === 'own-goals' ? view.plan.individualGoals : view.plan.individualOwnActions);
      if (checked.ok) lists[field] = checked.items;
      else
        problems.push({
          field,
          message: checked.problem === 'too-long' ? t.ownTooLong(OWN_LINE_MAX) : checked.problem === 'too-many' ? t.ownTooMany(OWN_LINES_MAX) : t.ownControl,
        });
    }
    if (problems.length) {
      void this.#showErrors('form-own', problems);
      return;
    }
    this.#setErrors('form-own', []);
    void this.#submit({
      kind: 'own-words',
      planId: view.plan.planId,
      body: { individualGoals: lists['own-goals'], individualOwnActions: lists['own-actions'] },
      ifMatch: view.etag,
      status: 'saved',
    });
  }

  #openConfirm(confirming: Confirming) {
    this.confirming = confirming;
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog');
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    void this.updateComplete.then(() => {
      if (dialog.open) dialog.querySelector<HTMLElement>('button')?.focus();
    });
  }

  #confirm() {
    const plan = this.#openPlanData();
    const confirming = this.confirming;
    if (!plan || !confirming) return;
    this.#confirmed = true;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
    if (confirming.kind === 'consent') {
      void this.#submit({ kind: 'consent', planId: plan.planId, body: { decision: 'withdraw' }, status: 'withdrawn' });
    } else {
      void this.#submit({ kind: 'sharing', planId: plan.planId, relativeId: confirming.relativeId, body: { decision: 'withdraw' }, status: 'withdrawn' });
    }
  }

  #dialogClosed(event: Event) {
    // A late close event of a dialog opened again at once is not this closing.
    if ((event.currentTarget as HTMLDialogElement).open) return;
    const confirming = this.confirming;
    this.confirming = undefined;
    if (this.#confirmed) {
      this.#confirmed = false;
      return;
    }
    // Cancelled: back to the button that opened it.
    if (confirming?.kind === 'consent') this.#focus('consent-withdraw');
    else if (confirming) this.#focus(`sharing-stop-${confirming.relativeId}`);
  }

  #retry(planId: string, target: string) {
    const change = this.#pending.get(planId, target);
    if (change) void this.#submit(change);
  }

  /**
   * Sends one change under its idempotency key (the same change pressed twice, or retried, is
   * one change) and says plainly how it went: a receipt, not saved (with a safe retry), or unknown.
   */
  async #submit(change: Change) {
    const target = targetOf(change);
    if (this.outcomes.get(target)?.state === 'sending') return;
    const api = this.#api();
    if (!api) return;
    const key = this.#pending.keyFor(change);
    const t = this.#localize.t;
    this.#setOutcome(target, { state: 'sending' });
    try {
      let answer: PlanAnswer;
      switch (change.kind) {
        case 'consent':
          answer = await api.decideConsent(change.planId, change.body, key);
          break;
        case 'sharing':
          answer = await api.decideSharing(change.planId, change.relativeId, change.body, key);
          break;
        case 'own-words':
          answer = await api.saveOwnGoals(change.planId, change.body, change.ifMatch, key);
          break;
      }
      this.#pending.settle(change);
      if (change.kind === 'own-words') this.ownConflict = undefined;
      // The service answers with the plan as it is now: what is in force is shown at once.
      if (this.#openPlanData()?.planId === change.planId) this.view = { kind: 'plan', plan: answer.plan, etag: answer.etag };
      this.#setOutcome(target, { state: 'saved', at: new Date(), reference: receiptReference(answer.plan), status: change.status });
      this.#announce(t.announce.saved);
      this.dispatchEvent(
        new SipChangeEvent({
          planId: change.planId,
          kind: change.kind,
          ...(change.kind === 'sharing' ? { relativeId: change.relativeId } : {}),
          status: change.status as ChangeStatus,
        }),
      );
    } catch (error) {
      await this.#changeFailed(change, target, error instanceof ApiError ? error : new ApiError('bad-response'));
    }
    await this.updateComplete;
    // After a conflict on their own words, to the plan's words now beside theirs; else to what the change did.
    this.#focus(...(change.kind === 'own-words' && this.ownConflict ? ['own-conflict'] : []), `state-${target}`);
  }

  async #changeFailed(change: Change, target: string, error: ApiError) {
    const t = this.#localize.t;
    let outcome: Outcome;
    if (error.code === 'session-expired') {
      outcome = { state: 'not-saved', reason: 'session', retry: true };
      this.dispatchEvent(new SipSessionExpiredEvent());
    } else if (error.outcomeUnknown) {
      outcome = { state: 'unknown' };
    } else if (error.code === 'network') {
      outcome = { state: 'not-saved', reason: 'network', retry: true };
    } else if (change.kind === 'own-words' && error.code === 'precondition-failed') {
      // Someone saved the plan since it was read: what the individual wrote stays in the boxes,
      // the plan's own words now are shown beside them, and the next save goes on the new version.
      this.#pending.settle(change);
      this.#setOutcome(target, undefined);
      const plan = await this.#refreshPlan(change.planId);
      this.ownConflict = plan ?? this.#openPlanData();
      this.#announce(t.announce.conflict);
      this.#reportError(error);
      return;
    } else if (error.code === 'conflict' || error.code === 'precondition-failed' || error.code === 'not-found') {
      this.#pending.settle(change);
      outcome = { state: 'not-saved', reason: 'conflict', retry: false };
      void this.#refreshPlan(change.planId);
    } else if (error.code === 'validation') {
      this.#pending.settle(change);
      outcome = { state: 'not-saved', reason: 'validation', retry: false };
    } else {
      outcome = { state: 'not-saved', reason: 'server', retry: true };
    }
    this.#setOutcome(target, outcome);
    this.#announce(outcome.state === 'unknown' ? t.announce.unknown : t.announce.notSaved);
    if (error.code !== 'session-expired') this.#reportError(error);
  }

  // ---------------------------------------------------------------- who has read my plan

  async #loadLog() {
    const plan = this.#openPlanData();
    const api = this.#api();
    if (!plan || !api || this.log.state === 'loading') return;
    this.log = { state: 'loading' };
    try {
      const log = await api.readAccessLog(plan.planId);
      if (this.#openPlanData()?.planId !== plan.planId) return;
      if (!log || !Array.isArray(log.items)) throw new ApiError('bad-response');
      this.log = { state: 'loaded', log };
      this.#announce(this.#localize.t.announce.logLoaded(log.items.length));
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('bad-response');
      if (apiError.code === 'session-expired') {
        this.log = { state: 'closed' };
        this.dispatchEvent(new SipSessionExpiredEvent());
      } else {
        this.log = { state: 'error', code: errorCode(apiError) };
        this.#reportError(apiError);
      }
    }
    await this.updateComplete;
    this.#focus('log-result');
  }

  // ---------------------------------------------------------------- navigation and focus

  async #announce(text: string) {
    if (this.announcement === text) {
      this.announcement = '';
      await this.updateComplete;
    }
    this.announcement = text;
  }

  #back() {
    const from = this.#openPlanData()?.planId;
    void this.#showList(from ?? '');
  }

  #retryLoad() {
    const failedPlan = this.view.kind === 'error' ? this.view.planId : undefined;
    if (failedPlan) {
      void this.#openPlan(failedPlan, true);
      return;
    }
    this.#focusAfterLoad = true;
    this.#queueLoad();
  }

  #openPlanData(): OwnPlan | undefined {
    return this.view.kind === 'plan' ? this.view.plan : undefined;
  }

  #byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
    return (this.renderRoot as ShadowRoot).getElementById(id) as T | null;
  }

  async #focus(...ids: string[]) {
    await this.updateComplete;
    for (const id of ids) {
      const target = this.#byId(id);
      if (target) {
        target.focus();
        return;
      }
    }
  }

  #focusField(event: Event, field: string) {
    event.preventDefault();
    const input = this.#byId(field);
    input?.focus();
    input?.scrollIntoView({ block: 'center' });
  }

  #title(plan: Pick<OwnPlan, 'title'>): string {
    return plan.title ?? this.#localize.t.untitledPlan;
  }

  /**
   * Text staff wrote (in Swedish): marked `lang="sv"` when the view speaks another language, so a
   * screen reader reads it with a Swedish voice, and laid out left to right in Arabic.
   */
  #staffText(text: string) {
    return this.#localize.lang.startsWith('sv') ? text : html`<span lang="sv" dir="ltr">${text}</span>`;
  }

  #relationship(relationship: { code?: string | undefined; text: string }): string {
    return (relationship.code ? this.#localize.t.relationships[relationship.code] : undefined) ?? relationship.text;
  }

  // ---------------------------------------------------------------- rendering

  protected override render() {
    const l = this.#localize;
    const busy = this.view.kind === 'loading' || this.view.kind === 'idle' || l.loading;
    // While the language asked for is fetched, a neutral state: no text in a language not asked for.
    return html`
      <div part="base" class=${this.printing ? 'base print-receipt' : 'base'} lang=${l.lang} dir=${l.dir}>
        ${l.loading ? nothing : this.#renderPrintedReceipt()}
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
        ${languageFailedNotice(l.failed)}
        <div class="view" aria-busy=${busy ? 'true' : 'false'}>
          ${l.loading ? html`<p part="message" class="message loading"><span class="spinner" aria-hidden="true"></span></p>` : this.#renderView()}
        </div>
      </div>
    `;
  }

  /** The receipt being printed, alone: on paper it takes the view's place. */
  #renderPrintedReceipt() {
    const outcome = this.printing ? this.outcomes.get(this.printing) : undefined;
    return outcome?.state === 'saved' ? html`<div class="printed-receipt">${this.#receipt(this.printing!, outcome, false)}</div>` : nothing;
  }

  #renderView() {
    const t = this.#localize.t;
    const view = this.view;
    switch (view.kind) {
      case 'idle':
      case 'loading':
        return html`<p part="message" class="message loading"><span class="spinner" aria-hidden="true"></span>${view.kind === 'loading' && view.what === 'plan' ? t.loadingPlan : t.loading}</p>`;
      case 'waiting':
        return html`<p part="message" class="message">${t.waitingForSignIn}</p>`;
      case 'session-expired':
        return html`<div part="message" class="message message--warning" role="alert" id="message" tabindex="-1">
          <p class="message-title">${t.sessionExpiredTitle}</p>
          <p>${t.sessionExpired}</p>
          <button part="button" class="button secondary" type="button" @click=${this.#retryLoad}>${t.tryAgain}</button>
        </div>`;
      case 'error':
        return html`<div part="message" class="message message--error" role="alert" id="message" tabindex="-1">
          <p class="message-title">${t.errorTitle}</p>
          <p>${t.errors[view.code]}</p>
          ${view.code === 'config'
            ? nothing
            : html`<button part="button" class="button secondary" type="button" @click=${this.#retryLoad}>${t.tryAgain}</button>`}
        </div>`;
      case 'list':
        return this.#renderList(view.plans);
      case 'plan':
        return this.#renderPlan(view.plan);
    }
  }

  #renderList(plans: MyPlanListItem[]) {
    const t = this.#localize.t;
    return html`
      <section class="list" aria-labelledby="list-title">
        <h2 id="list-title" part="heading" tabindex="-1">${t.myPlans}</h2>
        ${plans.length === 0
          ? html`<p part="message" class="message">${t.noPlans}</p>`
          : html`
              <p class="muted">${t.plansCount(plans.length)}</p>
              <ul part="plan-list" class="plan-list">
                ${plans.map(
                  (plan) => html`<li>
                    <button
                      part="button plan-button"
                      class="plan-button"
                      type="button"
                      id=${`open-${plan.planId}`}
                      aria-describedby=${`status-${plan.planId}`}
                      @click=${() => void this.#openPlan(plan.planId, true)}
                    >
                      ${plan.title ? this.#staffText(plan.title) : t.untitledPlan}
                    </button>
                    <span class="muted" id=${`status-${plan.planId}`}>${t.planStatusLabel(t.planStatus[plan.status])}</span>
                  </li>`,
                )}
              </ul>
            `}
        <p class="note">${t.noProxy}</p>
      </section>
    `;
  }

  #renderPlan(plan: OwnPlan) {
    const t = this.#localize.t;
    // A single plan is opened directly: there is no list to go back to.
    const single = this.#ownPlans <= 1;
    return html`
      <article class="plan" aria-labelledby="plan-title">
        ${single
          ? nothing
          : html`<div class="toolbar controls">
              <button part="button" class="button link back" type="button" @click=${this.#back}>${t.backToPlans}</button>
            </div>`}
        <h2 id="plan-title" part="heading" tabindex="-1">${plan.title ? this.#staffText(plan.title) : t.untitledPlan}</h2>
        <p class="muted">${t.planStatusLabel(t.planStatus[plan.status])}</p>
        <p class="muted">${t.sipMeans}</p>
        <p class="note">${t.noProxy}</p>
        ${this.#renderOwnWords(plan)} ${this.#renderContact(plan)} ${this.#renderContent(plan)} ${this.#renderConsent(plan)}
        ${this.#renderRelatives(plan)} ${this.#renderLog()}
      </article>
      ${this.#renderDialog()}
    `;
  }

  #section(id: string, heading: string, content: unknown) {
    return html`<section part="section" class="section" aria-labelledby=${id}>
      <h3 id=${id}>${heading}</h3>
      ${content}
    </section>`;
  }

  #list(items: { text: string }[]) {
    return items.length ? html`<ul>${items.map((i) => html`<li>${i.text}</li>`)}</ul>` : html`<p class="muted">${this.#localize.t.none}</p>`;
  }

  #staffList(items: { text: string }[]) {
    return items.length
      ? html`<ul>${items.map((i) => html`<li>${this.#staffText(i.text)}</li>`)}</ul>`
      : html`<p class="muted">${this.#localize.t.none}</p>`;
  }

  #contact(c: { name: string; title?: string | undefined; unit?: string | undefined; phone?: string | undefined }) {
    const t = this.#localize.t;
    return html`${c.name}${c.title ? html`, ${this.#staffText(c.title)}` : nothing}${c.unit ? html`, ${this.#staffText(c.unit)}` : nothing}
    ${c.phone ? html`<br />${t.phone}: <a href=${`tel:${c.phone.replace(/[^\d+]/g, '')}`}>${c.phone}</a>` : nothing}`;
  }

  #renderOwnWords(plan: OwnPlan) {
    const t = this.#localize.t;
    const form = 'form-own';
    const sending = this.outcomes.get('own-words')?.state === 'sending';
    const conflict = this.ownConflict;
    const lines = (items: { text: string }[]) => items.map((i) => i.text).join('\n');
    // A closed plan is read, not written; on paper, what they wrote is shown as a list.
    const closed = plan.status === 'closed';
    return this.#section(
      'own-title',
      t.ownHeading,
      html`
        <p>${t.ownIntro}</p>
        ${this.#renderState(plan.planId, 'own-words', nothing)}
        ${conflict
          ? html`<div class="conflict" id="own-conflict" tabindex="-1" role="alert">
              <p class="message-title">${t.ownConflictTitle}</p>
              <p>${t.ownConflict}</p>
              <h4>${t.ownNow}: ${t.ownGoals}</h4>
              ${this.#list(conflict.individualGoals)}
              <h4>${t.ownNow}: ${t.ownActions}</h4>
              ${this.#list(conflict.individualOwnActions)}
            </div>`
          : nothing}
        <div class=${closed ? '' : 'print-only'}>
          <h4>${t.ownGoals}</h4>
          ${this.#list(plan.individualGoals)}
          <h4>${t.ownActions}</h4>
          ${this.#list(plan.individualOwnActions)}
        </div>
        ${closed
          ? nothing
          : html`<form class="controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
              ${this.#renderErrorSummary(form)}
              ${this.#renderTextArea(form, 'own-goals', t.ownGoals, t.ownHint, lines(plan.individualGoals))}
              ${this.#renderTextArea(form, 'own-actions', t.ownActions, t.ownHint, lines(plan.individualOwnActions))}
              <div class="actions">
                <button part="button" class="button primary" type="button" id="own-save" aria-disabled=${sending ? 'true' : 'false'} @click=${() => !sending && this.#saveOwnWords()}>
                  ${t.ownSave}
                </button>
              </div>
            </form>`}
      `,
    );
  }

  #renderContact(plan: OwnPlan) {
    const t = this.#localize.t;
    const contacts = plan.parts.filter((p) => p.contactPerson);
    return this.#section(
      'contact-title',
      t.contactHeading,
      html`
        <dl class="facts">
          <div>
            <dt>${t.coordinator}</dt>
            <dd>${plan.coordinator ? this.#contact(plan.coordinator) : t.noCoordinator}</dd>
          </div>
          ${contacts.length
            ? html`<div>
                <dt>${t.contacts}</dt>
                <dd>
                  <ul>
                    ${contacts.map((p) => html`<li>${this.#contact(p.contactPerson!)} – ${p.organisation.name || t.principal[p.principal]}</li>`)}
                  </ul>
                </dd>
              </div>`
            : nothing}
          <div>
            <dt>${t.outOfHours}</dt>
            <dd>${plan.outOfHours ? this.#staffText(plan.outOfHours) : t.outOfHoursGeneral}</dd>
          </div>
        </dl>
      `,
    );
  }

  #renderContent(plan: OwnPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    return this.#section(
      'plan-content-title',
      t.planHeading,
      html`
        <h4>${t.needs}</h4>
        ${this.#staffList(plan.needs)}
        ${plan.parts.map(
          (part) => html`<h4>${t.partOf(part.organisation.name || t.principal[part.principal])}</h4>
            ${part.goals.length ? html`<h5>${t.goalsOf(part.organisation.name || t.principal[part.principal])}</h5>${this.#staffList(part.goals)}` : nothing}
            <h5>${t.whoDoesWhat}</h5>
            ${part.interventions.length
              ? html`<ul class="cards">
                  ${part.interventions.map(
                    (i) => html`<li class="card">
                      <p class="card-title">${this.#staffText(i.title)}</p>
                      <dl class="facts facts--inline">
                        ${i.performedBy
                          ? html`<div>
                              <dt>${t.performedBy}</dt>
                              <dd>${this.#staffText(i.performedBy)}</dd>
                            </div>`
                          : nothing}
                        ${i.when || i.startDate
                          ? html`<div>
                              <dt>${t.when}</dt>
                              <dd>
                                ${i.when ? this.#staffText(i.when) : nothing}${i.when && i.startDate ? ', ' : nothing}${i.startDate
                                  ? i.endDate
                                    ? t.periodFromUntil(l.date(i.startDate), l.date(i.endDate))
                                    : t.periodFrom(l.date(i.startDate))
                                  : nothing}
                              </dd>
                            </div>`
                          : nothing}
                        <div>
                          <dt>${t.statusLabel}</dt>
                          <dd>${t.interventionStatus[i.status] ?? i.status}</dd>
                        </div>
                      </dl>
                    </li>`,
                  )}
                </ul>`
              : html`<p class="muted">${t.none}</p>`}`,
        )}
        ${plan.otherActorMeasures.length
          ? html`<h4>${t.othersDo}</h4>
              <ul>
                ${plan.otherActorMeasures.map(
                  (m) => html`<li>${this.#staffText(m.actor)}: ${this.#staffText(m.measure)}${m.when ? html` (${this.#staffText(m.when)})` : nothing}</li>`,
                )}
              </ul>`
          : nothing}
        <h4>${t.meetings}</h4>
        ${plan.meetings.length
          ? html`<ul>${plan.meetings.map((m) => html`<li>${l.dateTime(m.at)}${m.place ? html`, ${this.#staffText(m.place)}` : nothing}</li>`)}</ul>`
          : html`<p class="muted">${t.none}</p>`}
        ${this.#renderFollowUp(plan.followUp)}
      `,
    );
  }

  #renderFollowUp(followUp: OwnPlan['followUp']) {
    const t = this.#localize.t;
    const l = this.#localize;
    if (!followUp) return html`<h4>${t.followUp}</h4><p>${t.followUpNone}</p>`;
    return followUp.date < localDay(new Date())
      ? html`<h4>${t.followUpPassed}</h4><p>${t.followUpWas(l.date(followUp.date))}</p>`
      : html`<h4>${t.followUp}</h4><p>${l.date(followUp.date)}</p>`;
  }

  /** Check boxes for the consent categories, ticked as `selected`, and the last day. */
  #renderScopeFields(form: string, prefix: string, legend: string, hint: string | undefined, selected: readonly string[], until: string | undefined) {
    const t = this.#localize.t;
    const choiceError = this.#fieldError(form, `${prefix}-${consentCategories[0]}`);
    const untilError = this.#fieldError(form, `${prefix}-until`);
    const hintId = `${prefix}-hint`;
    // "Interventions" covers both principals' interventions: the form ticks both.
    const ticked = new Set(selected);
    if (ticked.has('interventions')) ticked.add('health-interventions').add('social-interventions');
    return html`
      <fieldset class=${choiceError ? 'field field--error' : 'field'} aria-describedby=${[hint ? hintId : '', choiceError ? `${prefix}-choice-error` : ''].filter(Boolean).join(' ') || nothing}>
        <legend>${legend}</legend>
        ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : nothing}
        ${choiceError
          ? html`<p class="error-message" id=${`${prefix}-choice-error`}><span class="visually-hidden">${t.errorPrefix}</span> ${choiceError.message}</p>`
          : nothing}
        ${consentCategories.map(
          (c) => html`<div class="checkbox">
            <input type="checkbox" id=${`${prefix}-${c}`} name=${`${prefix}-category`} value=${c} .checked=${ticked.has(c)} />
            <label for=${`${prefix}-${c}`}>${t.category[c]}</label>
          </div>`,
        )}
      </fieldset>
      <div class=${untilError ? 'field field--error' : 'field'}>
        <label for=${`${prefix}-until`}>${t.untilLabel}</label>
        <p class="hint" id=${`${prefix}-until-hint`}>${t.untilHint}</p>
        ${untilError
          ? html`<p class="error-message" id=${`${prefix}-until-error`}><span class="visually-hidden">${t.errorPrefix}</span> ${untilError.message}</p>`
          : nothing}
        <input
          part="field"
          type="text"
          inputmode="numeric"
          autocomplete="off"
          id=${`${prefix}-until`}
          name=${`${prefix}-until`}
          .value=${until ?? ''}
          aria-describedby=${untilError ? `${prefix}-until-hint ${prefix}-until-error` : `${prefix}-until-hint`}
          aria-invalid=${untilError ? 'true' : 'false'}
        />
      </div>
    `;
  }

  /** An organisation a consent names, by HSA-id or name: its name as the plan knows it. */
  #organisationName(plan: OwnPlan, actor: string): string {
    return plan.parts.find((p) => p.organisation.id === actor)?.organisation.name || actor;
  }

  #categories(categories: readonly ConsentCategory[]): string {
    const t = this.#localize.t;
    return categories.map((c) => t.category[c]).join(', ');
  }

  #renderConsent(plan: OwnPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    const consent = plan.consent;
    const state = consent?.state ?? 'none';
    const inForce = state === 'in-force';
    const form = 'form-consent';
    const sending = this.outcomes.get('consent')?.state === 'sending';
    // Under 18 the consent rests on the guardians: the individual can withdraw it, not give it alone.
    const canGive = !plan.child && plan.status !== 'closed';
    return this.#section(
      'consent-title',
      t.consentHeading,
      html`
        <p>${t.consentIntro}</p>
        ${this.#renderState(
          plan.planId,
          'consent',
          html`<p part="status" class=${`status status--${inForce ? 'accepted' : 'requested'}`}>${t.consentState[state]}</p>
            ${inForce && consent
              ? html`<dl class="facts">
                  <div>
                    <dt>${t.consentWhat}</dt>
                    <dd>${this.#categories(consent.scope.information)}</dd>
                  </div>
                  ${consent.scope.actors.length
                    ? html`<div>
                        <dt>${t.consentWho}</dt>
                        <dd>${consent.scope.actors.map((a) => this.#organisationName(plan, a)).join(', ')}</dd>
                      </div>`
                    : nothing}
                  <div>
                    <dt>${t.consentUntil}</dt>
                    <dd>${consent.scope.validUntil ? l.date(consent.scope.validUntil) : t.consentUntilOpen}</dd>
                  </div>
                  ${consent.scope.excluded
                    ? html`<div>
                        <dt>${t.consentExcluded}</dt>
                        <dd>${this.#staffText(consent.scope.excluded)}</dd>
                      </div>`
                    : nothing}
                </dl>`
              : nothing}
            ${consent ? html`<p class="muted">${t.consentGivenOn(l.dateTime(consent.revokedAt ?? consent.recordedAt))}</p>` : nothing}`,
        )}
        ${plan.child ? html`<p class="note">${inForce ? t.childConsent : t.childNoConsent}</p>` : nothing}
        ${plan.status === 'closed' || (!canGive && !inForce)
          ? nothing
          : html`<form class="controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
              ${canGive
                ? html`${this.#renderErrorSummary(form)}
                  ${this.#renderScopeFields(
                    form,
                    'consent',
                    t.consentFormLegend,
                    t.consentFormHint,
                    inForce && consent ? consent.scope.information : [],
                    inForce && consent ? consent.scope.validUntil : undefined,
                  )}`
                : nothing}
              <div class="actions">
                ${canGive
                  ? html`<button part="button" class="button primary" type="button" id="consent-save" aria-disabled=${sending ? 'true' : 'false'} @click=${() => !sending && this.#saveConsent()}>
                      ${inForce ? t.consentSave : t.consentGive}
                    </button>`
                  : nothing}
                ${inForce
                  ? html`<button
                      part="button"
                      class="button warning"
                      type="button"
                      id="consent-withdraw"
                      aria-haspopup="dialog"
                      aria-disabled=${sending ? 'true' : 'false'}
                      @click=${() => !sending && this.#openConfirm({ kind: 'consent' })}
                    >
                      ${t.consentWithdraw}
                    </button>`
                  : nothing}
              </div>
            </form>`}
      `,
    );
  }

  #renderRelatives(plan: OwnPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    // While the consent to the plan is withdrawn, nothing is shared: a relative's sharing can be withdrawn, not given.
    const consentWithdrawn = plan.consent?.state === 'withdrawn';
    return this.#section(
      'relatives-title',
      t.relativesHeading,
      html`
        <p>${t.relativesIntro}</p>
        ${consentWithdrawn && plan.relatives.length ? html`<p class="note">${t.sharingAfterConsent}</p>` : nothing}
        ${plan.relatives.length === 0
          ? html`<p class="muted">${t.noRelatives}</p>`
          : html`<ul class="relatives">
              ${plan.relatives.map((r) => {
                const target = `sharing-${r.relativeId}`;
                const form = `form-${target}`;
                const sending = this.outcomes.get(target)?.state === 'sending';
                const sharing = sharingInForce(r) ? r.sharing : null;
                const canShare = !plan.child && plan.status !== 'closed' && !consentWithdrawn;
                return html`<li class="relative">
                  <h4 id=${`relative-${r.relativeId}`}>${t.relativeOf(r.name, this.#relationship(r.relationship))}</h4>
                  ${this.#renderState(
                    plan.planId,
                    target,
                    r.sharedNow.length
                      ? html`<p>${t.seesNow(r.name)}: ${this.#categories(r.sharedNow)}.</p>
                          <p class="muted">${sharing?.validUntil ? t.sharesUntil(l.date(sharing.validUntil)) : t.sharesOpen}</p>`
                      : html`<p>${t.sharesNothing(r.name)}</p>
                          ${sharing && plan.consent?.state !== 'in-force' ? html`<p class="muted">${t.sharingNeedsConsent}</p>` : nothing}`,
                  )}
                  ${plan.status === 'closed' || (!canShare && !sharing)
                    ? nothing
                    : html`<form class="controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
                        ${canShare
                          ? html`${this.#renderErrorSummary(form)}
                            ${this.#renderScopeFields(form, target, t.sharingLegend(r.name), undefined, sharing?.categories ?? [], sharing?.validUntil)}`
                          : nothing}
                        <div class="actions" role="group" aria-labelledby=${`relative-${r.relativeId}`}>
                          ${canShare
                            ? html`<button
                                part="button"
                                class="button primary"
                                type="button"
                                id=${`${target}-save`}
                                aria-disabled=${sending ? 'true' : 'false'}
                                @click=${() => !sending && this.#saveSharing(r.relativeId)}
                              >
                                ${t.sharingSave(r.name)}
                              </button>`
                            : nothing}
                          ${sharing
                            ? html`<button
                                part="button"
                                class="button warning"
                                type="button"
                                id=${`sharing-stop-${r.relativeId}`}
                                aria-haspopup="dialog"
                                aria-disabled=${sending ? 'true' : 'false'}
                                @click=${() => !sending && this.#openConfirm({ kind: 'sharing', relativeId: r.relativeId, name: r.name })}
                              >
                                ${t.sharingStop(r.name)}
                              </button>`
                            : nothing}
                        </div>
                      </form>`}
                </li>`;
              })}
            </ul>`}
      `,
    );
  }

  /** One access, in plain words: who (the organisation and its role, a relative, me), what. */
  #logLine(e: OwnAccessEntry) {
    const t = this.#localize.t;
    const organisation = e.organisation?.name || e.organisation?.id || t.logUnknownOrganisation;
    const who =
      e.who === 'relative'
        ? t.logRelative(e.relative?.name ?? t.logSomeRelative)
        : e.who === 'staff' || e.who === 'auditor'
          ? t.logWhoText(organisation, t.logRole[e.who])
          : t.logRole[e.who];
    return t.logLine(who, t.logWhat[e.what][e.kind]);
  }

  #renderLog() {
    const t = this.#localize.t;
    const l = this.#localize;
    const log = this.log;
    let result: TemplateResult | typeof nothing = nothing;
    if (log.state === 'loading') result = html`<p class="message loading"><span class="spinner" aria-hidden="true"></span>${t.logLoading}</p>`;
    else if (log.state === 'error') result = html`<p class="message message--error">${t.errors[log.code]}</p>`;
    else if (log.state === 'loaded')
      result = log.log.items.length
        ? html`<p class="muted">${t.logCount(log.log.items.length, log.log.total)}</p>
            <ol class="log">
              ${log.log.items.map((e) => html`<li><span class="when">${l.dateTime(e.at)}</span>: ${this.#logLine(e)}</li>`)}
            </ol>`
        : html`<p>${t.logEmpty}</p>`;
    return this.#section(
      'log-title',
      t.logHeading,
      html`<p>${t.logIntro}</p>
        <div class="state" id="log-result" tabindex="-1">${result}</div>
        <div class="actions controls">
          <button
            part="button"
            class="button secondary"
            type="button"
            id="log-show"
            aria-disabled=${log.state === 'loading' ? 'true' : 'false'}
            @click=${() => void this.#loadLog()}
          >
            ${log.state === 'closed' ? t.logShow : t.logRefresh}
          </button>
        </div>`,
    );
  }

  #renderDialog() {
    const t = this.#localize.t;
    const c = this.confirming;
    const text =
      c?.kind === 'sharing'
        ? { title: t.stopSharingTitle(c.name), body: t.stopSharingBody(c.name), confirm: t.stopSharingConfirm }
        : { title: t.withdrawConsentTitle, body: t.withdrawConsentBody, confirm: t.withdrawConsentConfirm };
    return html`<dialog part="dialog" class="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-body" @close=${this.#dialogClosed}>
      <h3 id="confirm-title">${text.title}</h3>
      <p id="confirm-body">${text.body}</p>
      <div class="actions">
        <button part="button" class="button warning" type="button" id="confirm-yes" @click=${this.#confirm}>${text.confirm}</button>
        <button part="button" class="button secondary" type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>${t.cancel}</button>
      </div>
    </dialog>`;
  }

  /** The current state and, after a change, its receipt or why it was not saved: focused after every change. */
  #renderState(planId: string, target: string, status: TemplateResult | typeof nothing) {
    const outcome = this.outcomes.get(target);
    return html`<div class="state" id=${`state-${target}`} tabindex="-1">
      ${status} ${outcome ? this.#renderOutcome(planId, target, outcome) : nothing}
    </div>`;
  }

  #receiptText(target: string, status: ChangeStatus): { what: string; next: string } {
    const t = this.#localize.t;
    if (target === 'consent') {
      if (status === 'withdrawn') return { what: t.receipt.consentWithdrawn, next: t.next.consentWithdrawn };
      const paused = this.#openPlanData()?.status === 'consent_withdrawn';
      return { what: status === 'given' ? t.receipt.consentGiven : t.receipt.consentChanged, next: paused ? t.next.consentPaused : t.next.consent };
    }
    if (target === 'own-words') return { what: t.receipt.ownSaved, next: t.next.own };
    const relativeId = target.slice('sharing-'.length);
    const name = this.#openPlanData()?.relatives.find((r) => r.relativeId === relativeId)?.name ?? '';
    return {
      what: status === 'withdrawn' ? t.receipt.sharingStopped(name) : t.receipt.sharingChanged(name),
      next: t.next.sharing(name),
    };
  }

  /** What a saved change did, when, its reference and what happens next; with a button that prints it alone. */
  #receipt(target: string, outcome: Extract<Outcome, { state: 'saved' }>, printable: boolean) {
    const t = this.#localize.t;
    const l = this.#localize;
    const text = this.#receiptText(target, outcome.status);
    const plan = this.#openPlanData();
    return html`<div part="receipt" class="receipt">
      <p class="message-title">${t.receiptTitle}</p>
      <dl class="facts">
        ${plan
          ? html`<div>
              <dt>${t.receiptPlan}</dt>
              <dd>${plan.title ? this.#staffText(plan.title) : t.untitledPlan}</dd>
            </div>`
          : nothing}
        <div>
          <dt>${t.receiptWhat}</dt>
          <dd>${text.what}</dd>
        </div>
        <div>
          <dt>${t.receiptWhen}</dt>
          <dd>${l.dateTime(outcome.at.toISOString())}</dd>
        </div>
        <div>
          <dt>${t.receiptReference}</dt>
          <dd>${outcome.reference}</dd>
        </div>
        <div>
          <dt>${t.receiptNext}</dt>
          <dd>${text.next}</dd>
        </div>
      </dl>
      ${printable
        ? html`<button part="button" class="button secondary" type="button" @click=${() => void this.#printReceipt(target)}>${t.print}</button>`
        : nothing}
    </div>`;
  }

  #renderOutcome(planId: string, target: string, outcome: Outcome) {
    const t = this.#localize.t;
    switch (outcome.state) {
      case 'sending':
        return html`<p part="outcome" class="outcome outcome--sending">${t.saving}</p>`;
      case 'saved':
        return this.#receipt(target, outcome, true);
      case 'unknown':
      case 'not-saved': {
        const retry = outcome.state === 'unknown' || outcome.retry;
        const help = outcome.state === 'unknown' ? t.outcomeHelp.unknown : t.outcomeHelp[outcome.reason];
        return html`<div part="outcome" class=${`outcome outcome--${outcome.state}`}>
          <p class="outcome-title">${outcome.state === 'unknown' ? t.unknown : t.notSaved}</p>
          <p>${help}</p>
          ${retry
            ? html`<p>${t.retrySafe}</p>
                <button part="button" class="button primary controls" type="button" @click=${() => this.#retry(planId, target)}>${t.tryAgain}</button>`
            : nothing}
        </div>`;
      }
    }
  }

  #renderErrorSummary(form: string) {
    const problems = this.formErrors.get(form);
    if (!problems?.length) return nothing;
    const t = this.#localize.t;
    return html`<div part="error-summary" class="error-summary" id=${`${form}-errors`} role="alert" tabindex="-1" aria-labelledby=${`${form}-errors-title`}>
      <p class="error-summary-title" id=${`${form}-errors-title`}>${t.errorSummaryTitle}</p>
      <ul>
        ${problems.map((p) => html`<li><a href=${`#${p.field}`} @click=${(e: Event) => this.#focusField(e, p.field)}>${p.message}</a></li>`)}
      </ul>
    </div>`;
  }

  #fieldError(form: string, field: string) {
    return this.formErrors.get(form)?.find((p) => p.field === field);
  }

  #renderTextArea(form: string, id: string, label: string, hint: string, value: string) {
    const t = this.#localize.t;
    const error = this.#fieldError(form, id);
    return html`<div class=${error ? 'field field--error' : 'field'}>
      <label for=${id}>${label}</label>
      <p class="hint" id=${`${id}-hint`}>${hint}</p>
      ${error ? html`<p class="error-message" id=${`${id}-error`}><span class="visually-hidden">${t.errorPrefix}</span> ${error.message}</p>` : nothing}
      <textarea
        part="field"
        id=${id}
        name=${id}
        rows="4"
        .defaultValue=${value}
        aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}
        aria-invalid=${error ? 'true' : 'false'}
      ></textarea>
    </div>`;
  }
}
