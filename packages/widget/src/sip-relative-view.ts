import type { AnswerReceipt, CommitmentAnswerKind, HomeConsent, MyCommitment, MyPlan, MyPlanSummary, RelativeSupport } from '@sip/shared';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import {
  checkComment,
  COMMENT_MAX,
  PendingAnswers,
  reconfirmOpensOn,
  targetOf,
  type AnswerRequest,
  type Outcome,
} from './answers.ts';
import { ApiError, normaliseBase, RelativeApi, type AccessTokenProvider, type ApiErrorCode, type TokenSource } from './api.ts';
import {
  SipConsentChangeEvent,
  SipErrorEvent,
  SipReadyEvent,
  SipSessionExpiredEvent,
  type ConsentStatus,
  type SipErrorCode,
} from './events.ts';
import { LocaleController } from './i18n.ts';
import { languageFailedNotice } from './locale.ts';
import { styles } from './sip-relative-view.styles.ts';

type View =
  | { kind: 'idle' }
  | { kind: 'waiting' }
  | { kind: 'loading'; what: 'list' | 'plan' }
  /** `planId`: the plan that could not be opened, opened again by "Try again"; `requestId`: the service's, to quote. */
  | { kind: 'error'; code: SipErrorCode; planId?: string; requestId?: string }
  | { kind: 'session-expired' }
  | { kind: 'list'; plans: MyPlanSummary[] }
  | { kind: 'plan'; plan: MyPlan };

interface FieldProblem {
  /** The id of the field the message is about: the error summary links to it. */
  field: string;
  message: string;
}

type RequestKind = 'contact-consultant' | 'needs-assessment';
const REQUEST_KINDS: RequestKind[] = ['contact-consultant', 'needs-assessment'];

function loadErrorCode(code: ApiErrorCode): SipErrorCode {
  return code === 'unavailable' || code === 'session-expired' ? 'server' : code;
}

/**
 * @tag sip-relative-view
 * @summary The relatives' view of a SIP (samordnad individuell plan): what the individual lets
 * the relative see, and the relative's own answers to the voluntary commitments proposed to them.
 *
 * @attr {string} lang - `sv` (default), `sv-x-lattlast` (lättläst svenska, easy-to-read Swedish),
 *   `en`, `fi` or `ar` (laid out right to left). Without it the language follows the nearest
 *   ancestor with a `lang` attribute, then the document; a language it does not speak is Swedish.
 *   Languages besides Swedish are fetched when asked for, from beside the element's module.
 * @attr {number} heading-level - The level of the element's first heading, 1 to 6 (default 2).
 * @attr {string} help-phone - The portal's help line, shown with every error: "Behöver du hjälp? Ring …".
 * @attr {string} help-hours - When the help line answers, shown after its number.
 * @attr {string} help-text - More help, in the portal's own words, shown with every error.
 *
 * @event {SipReadyEvent} sip-ready - The first render with data from the service. `detail`: `{ view, planId? }`.
 * @event {SipConsentChangeEvent} sip-consent-change - The relative's answer was saved. `detail`:
 *   `{ planId, kind: 'commitment' | 'home-consent', itemId, status }`: ids and status only.
 * @event {SipErrorEvent} sip-error - Loading or saving failed. `detail`: `{ code, status?, requestId? }`, never a message.
 * @event {SipSessionExpiredEvent} sip-session-expired - The access token was refused and no new one could
 *   be had from `getAccessToken`. Sign the relative in again and set a new token: the element reloads.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The main heading of the list or the plan.
 * @csspart plan-list - The list of the relative's plans.
 * @csspart plan-button - The button that opens a plan.
 * @csspart section - Each section of a plan.
 * @csspart commitment - One voluntary commitment.
 * @csspart status - A commitment's or an answer's current status.
 * @csspart outcome - Whether an answer was saved, not saved, or is unknown.
 * @csspart receipt - The receipt of a saved answer: what was answered, when, its reference, who has been told.
 * @csspart button - Every button.
 * @csspart field - Every text field.
 * @csspart error-summary - The list of problems in a form.
 * @csspart dialog - The dialog that confirms a withdrawal.
 * @csspart message - Loading, empty, signed-out and error messages.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background of sections, fields and the dialog.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Primary buttons and links.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on primary buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors, and the button that withdraws.
 * @cssproperty [--sip-color-success=#00703c] - Saved answers.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring (inner).
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Focus ring (outer).
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 * @cssproperty [--sip-spacing=1rem] - The base spacing.
 */
export class SipRelativeView extends LitElement {
  static override styles = styles;

  // Reactive properties declared without decorators: the module stays smaller, and its private
  // fields stay the browser's own.
  static override properties = {
    apiBase: { attribute: 'api-base' },
    planId: { attribute: 'plan-id' },
    headingLevel: { attribute: 'heading-level', type: Number },
    helpPhone: { attribute: 'help-phone' },
    helpHours: { attribute: 'help-hours' },
    helpText: { attribute: 'help-text' },
    view: { state: true },
    outcomes: { state: true },
    formErrors: { state: true },
    announcement: { state: true },
    withdrawing: { state: true },
    confirming: { state: true },
    printing: { state: true },
    printingReceipt: { state: true },
    onlyPlan: { state: true },
  };

  /** The base URL of the SIP broker, e.g. `https://sip.example.se`. */
  declare apiBase: string;

  /** Show this plan only. Without it the relative's plans are listed, and they can open one; a single plan opens directly. */
  declare planId: string | null;

  /**
   * The level of the element's first heading, 1 to 6 (default 2), to fit the host page's
   * outline; the headings below it follow one level deeper each, and stop at 6.
   */
  declare headingLevel: number | null;

  /** The portal's help line, shown with every error, e.g. `0771-11 22 33`. */
  declare helpPhone: string | null;

  /** When the help line answers, e.g. `vardagar 8–17`. */
  declare helpHours: string | null;

  /** More help in the portal's own words, shown with every error. */
  declare helpText: string | null;

  #localize = new LocaleController(this);
  #provider: AccessTokenProvider | undefined;
  #accessToken: string | undefined;
  #providedToken: Promise<string | undefined> | undefined;
  #renewal: Promise<string | undefined> | undefined;
  #pending = new PendingAnswers();
  #generation = 0;
  #ready = false;
  #loadQueued = false;
  /** The confirm dialog was closed by its confirm button: focus goes to the new status, not back. */
  #confirmingWithdrawal = false;
  /** A decline waiting for the relative's confirmation: the comment they wrote on the card. */
  #declineComment: string | undefined;
  /** The relative asked for what is loading: focus goes to it, or to the message that it failed. */
  #focusAfterLoad = false;

  private declare view: View;
  private declare outcomes: ReadonlyMap<string, Outcome>;
  private declare formErrors: ReadonlyMap<string, FieldProblem[]>;
  private declare announcement: string;
  /** The commitment the confirm dialog asks about, and whether it is a withdrawal or a decline. */
  private declare withdrawing: MyCommitment | undefined;
  private declare confirming: 'withdraw' | 'decline' | 'leave-role';
  private declare printing: boolean;
  /** The answer whose receipt is being printed: everything else is left off the paper. */
  private declare printingReceipt: string | undefined;
  /** The relative has one plan only: it is opened directly, with no list to go back to. */
  private declare onlyPlan: boolean;

  constructor() {
    super();
    this.apiBase = '';
    this.planId = null;
    this.headingLevel = 2;
    this.helpPhone = null;
    this.helpHours = null;
    this.helpText = null;
    this.view = { kind: 'idle' };
    this.outcomes = new Map();
    this.formErrors = new Map();
    this.announcement = '';
    this.confirming = 'withdraw';
    this.printing = false;
    this.onlyPlan = false;
  }

  /**
   * An async function that gives an access token for the relative (`(request: { renew }) =>
   * Promise<string>`). Called before the first request, and again with `renew: true` when the
   * service refuses the token. Takes precedence over `accessToken`. A property, never an attribute.
   */
  get getAccessToken(): AccessTokenProvider | undefined {
    return this.#provider;
  }
  set getAccessToken(value: AccessTokenProvider | null | undefined) {
    this.#provider = typeof value === 'function' ? value : undefined;
    this.#tokenChanged();
  }

  /**
   * The relative's access token, when the host has one rather than a `getAccessToken` function.
   * Write-only: reading it gives `undefined`. Kept in memory only, never an attribute, and sent
   * only to `api-base` as `Authorization: Bearer`.
   */
  get accessToken(): string | undefined {
    return undefined;
  }
  set accessToken(value: string | null | undefined) {
    this.#accessToken = typeof value === 'string' && value ? value : undefined;
    this.#tokenChanged();
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
    // A host may set the token properties before this element was defined.
    for (const name of ['getAccessToken', 'accessToken'] as const) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = (this as Record<string, unknown>)[name];
        delete (this as Record<string, unknown>)[name];
        (this as Record<string, unknown>)[name] = value;
      }
    }
    window.addEventListener('beforeprint', this.#beforePrint);
    window.addEventListener('afterprint', this.#afterPrint);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('beforeprint', this.#beforePrint);
    window.removeEventListener('afterprint', this.#afterPrint);
  }

  #beforePrint = () => {
    this.printing = true;
  };
  #afterPrint = () => {
    this.printing = false;
    this.printingReceipt = undefined;
  };

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!this.hasUpdated || changed.has('apiBase') || changed.has('planId')) this.#queueLoad();
  }

  // ---------------------------------------------------------------- tokens

  #tokens: TokenSource = {
    current: async () => {
      if (this.#provider) {
        const cached = this.#providedToken;
        if (cached) {
          const token = await cached;
          if (token) return token;
        }
        // None yet, or none to be had last time: ask the host (again).
        if (this.#providedToken === cached) this.#providedToken = this.#callProvider(false);
        return this.#providedToken;
      }
      return this.#accessToken;
    },
    renew: async (rejected) => {
      if (this.#provider) {
        this.#renewal ??= this.#callProvider(true).finally(() => (this.#renewal = undefined));
        const renewal = this.#renewal;
        this.#providedToken = renewal;
        return renewal;
      }
      // Only a token the host set after the refused one was sent.
      return this.#accessToken !== rejected ? this.#accessToken : undefined;
    },
  };

  async #callProvider(renew: boolean): Promise<string | undefined> {
    const provider = this.#provider;
    if (!provider) return undefined;
    try {
      const token = await provider({ renew });
      return typeof token === 'string' && token ? token : undefined;
    } catch {
      return undefined;
    }
  }

  #hasTokenSource(): boolean {
    return !!this.#provider || !!this.#accessToken;
  }

  #tokenChanged() {
    this.#providedToken = undefined;
    const kind = this.view.kind;
    if (kind === 'waiting' || kind === 'session-expired') this.#queueLoad();
  }

  // ---------------------------------------------------------------- loading

  #api(): RelativeApi | undefined {
    const base = normaliseBase(this.apiBase);
    return base ? new RelativeApi(base, this.#tokens) : undefined;
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
      this.#focusAfterLoad = false;
      this.view = { kind: 'error', code: 'config' };
      this.dispatchEvent(new SipErrorEvent({ code: 'config' }));
      return;
    }
    if (!this.#hasTokenSource()) {
      this.#generation++;
      this.#focusAfterLoad = false;
      this.view = { kind: 'waiting' };
      return;
    }
    if (this.planId) await this.#openPlan(this.planId, false);
    else await this.#showList();
  }

  async #showList(focusPlanId?: string) {
    const generation = ++this.#generation;
    const byUser = this.#focusAfterLoad || focusPlanId !== undefined;
    this.#focusAfterLoad = false;
    this.view = { kind: 'loading', what: 'list' };
    try {
      const { items } = await this.#api()!.listPlans();
      await this.#localize.ready();
      if (generation !== this.#generation) return;
      if (!Array.isArray(items)) throw new ApiError('bad-response');
      // One plan: no list of one, it is opened at once.
      this.onlyPlan = items.length === 1;
      if (this.onlyPlan) return void (await this.#openPlan(items[0]!.planId, byUser));
      this.view = { kind: 'list', plans: items };
      await this.updateComplete;
      this.#announceReady({ view: 'list' });
      if (byUser) this.#focus(...(focusPlanId ? [`open-${focusPlanId}`] : []), 'list-title');
    } catch (error) {
      if (generation === this.#generation) this.#loadFailed(error, byUser);
    }
  }

  async #openPlan(planId: string, byUser: boolean) {
    const generation = ++this.#generation;
    byUser ||= this.#focusAfterLoad;
    this.#focusAfterLoad = false;
    this.view = { kind: 'loading', what: 'plan' };
    if (byUser) this.#announce(this.#localize.t.loadingPlan);
    try {
      const plan = await this.#api()!.readPlan(planId);
      await this.#localize.ready();
      if (generation !== this.#generation) return;
      if (!plan || typeof plan !== 'object' || !plan.me) throw new ApiError('bad-response');
      this.view = { kind: 'plan', plan };
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

  /** Reads the open plan again (after a conflict), keeping what is shown until it arrives. */
  async #refreshPlan(planId: string) {
    const generation = ++this.#generation;
    try {
      const plan = await this.#api()!.readPlan(planId);
      if (generation === this.#generation) this.view = { kind: 'plan', plan };
    } catch {
      // The plan as shown stays; the outcome already says what happened.
    }
  }

  #announceReady(detail: { view: 'list' | 'plan'; planId?: string }) {
    if (this.#ready) return;
    this.#ready = true;
    this.dispatchEvent(new SipReadyEvent(detail));
  }

  /** Shows why loading failed; when the relative asked for it, focus goes to the message. */
  #loadFailed(error: unknown, byUser: boolean, planId?: string) {
    const apiError = error instanceof ApiError ? error : new ApiError('bad-response');
    if (apiError.code === 'session-expired') {
      this.view = { kind: 'session-expired' };
      if (byUser) void this.#focus('message');
      this.dispatchEvent(new SipSessionExpiredEvent());
      return;
    }
    const code = loadErrorCode(apiError.code);
    // A plan the relative opened from the list is opened again by "Try again".
    this.view = {
      kind: 'error',
      code,
      ...(planId && planId !== this.planId && !this.onlyPlan ? { planId } : {}),
      ...(apiError.requestId ? { requestId: apiError.requestId } : {}),
    };
    if (byUser) void this.#focus('message');
    this.dispatchEvent(
      new SipErrorEvent({
        code,
        ...(apiError.status ? { status: apiError.status } : {}),
        ...(apiError.requestId ? { requestId: apiError.requestId } : {}),
      }),
    );
  }

  // ---------------------------------------------------------------- answers

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

  /** The comment or note in a field, checked as the service checks it. */
  #readText(form: string, field: string): { ok: true; value: string | undefined } | { ok: false } {
    const input = this.#byId<HTMLTextAreaElement>(field);
    const value = input?.value ?? '';
    const problem = checkComment(value);
    const t = this.#localize.t;
    if (problem) {
      const message = problem.kind === 'too-long' ? t.commentTooLong(COMMENT_MAX, problem.length) : t.commentControl;
      this.#showErrors(form, [{ field, message }]);
      return { ok: false };
    }
    this.#setErrors(form, []);
    const trimmed = value.trim();
    return { ok: true, value: trimmed || undefined };
  }

  async #showErrors(form: string, problems: FieldProblem[]) {
    this.#setErrors(form, problems);
    await this.updateComplete;
    this.#byId(`${form}-errors`)?.focus();
  }

  #answerCommitment(commitment: MyCommitment, answer: 'accept' | 'decline' | 'reconfirm') {
    const plan = this.#openPlanData();
    if (!plan) return;
    const text = this.#readText(`form-c-${commitment.id}`, `comment-${commitment.id}`);
    if (!text.ok) return;
    // A no is asked to be confirmed, as a withdrawal is: one slip of the finger is not an answer.
    if (answer === 'decline') {
      this.#declineComment = text.value;
      this.#openWithdrawal(commitment, 'decline');
      return;
    }
    void this.#submit({
      kind: 'commitment',
      planId: plan.planId,
      commitmentId: commitment.id,
      body: { answer, ...(text.value ? { comment: text.value } : {}) },
    });
  }

  #openWithdrawal(commitment: MyCommitment | undefined, answer: 'withdraw' | 'decline' | 'leave-role' = 'withdraw') {
    this.#setErrors('withdraw', []);
    this.withdrawing = commitment;
    this.confirming = answer;
    // Opened at once, in the same task as the press: the dialog is always rendered with the
    // open plan, and its text follows `withdrawing` on the next update.
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog');
    const comment = dialog?.querySelector<HTMLTextAreaElement>('textarea');
    if (comment) comment.value = '';
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // Its content follows on the next update (a withdrawal has a comment field, a decline none):
    // then focus goes to its first control.
    void this.updateComplete.then(() => {
      if (dialog.open) dialog.querySelector<HTMLElement>('textarea, button')?.focus();
    });
  }

  #confirmWithdrawal() {
    const plan = this.#openPlanData();
    if (!plan) return;
    if (this.confirming === 'leave-role') {
      this.#confirmingWithdrawal = true;
      this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
      void this.#submit({ kind: 'request', planId: plan.planId, body: { kind: 'leave-role' } });
      return;
    }
    const commitment = this.withdrawing;
    if (!commitment) return;
    const answer = this.confirming;
    const text = answer === 'decline' ? ({ ok: true, value: this.#declineComment } as const) : this.#readText('withdraw', 'withdraw-comment');
    if (!text.ok) return;
    this.#confirmingWithdrawal = true;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
    void this.#submit({
      kind: 'commitment',
      planId: plan.planId,
      commitmentId: commitment.id,
      body: { answer, ...(text.value ? { comment: text.value } : {}) },
    });
  }

  #dialogClosed(event: Event) {
    // A dialog's close event comes in a later task. When the relative has opened it again
    // by then (Escape, then at once the button again), it is the old closing: ignore it, or
    // it would forget the commitment the open dialog is about.
    if ((event.currentTarget as HTMLDialogElement).open) return;
    const commitment = this.withdrawing;
    this.withdrawing = undefined;
    this.#setErrors('withdraw', []);
    if (this.#confirmingWithdrawal) {
      this.#confirmingWithdrawal = false;
      return;
    }
    // Cancelled: back to the button that opened the dialog.
    if (this.confirming === 'leave-role') this.#focus('leave-role');
    else if (commitment) this.#focus(`${this.confirming}-${commitment.id}`);
  }

  #answerHome() {
    const plan = this.#openPlanData();
    if (!plan) return;
    const t = this.#localize.t;
    const choice = this.renderRoot.querySelector<HTMLInputElement>('input[name="home-consent"]:checked')?.value;
    const text = this.#readText('form-home', 'home-comment');
    if (!text.ok) return;
    if (choice !== 'yes' && choice !== 'no') {
      void this.#showErrors('form-home', [{ field: 'home-yes', message: t.homeChoose }]);
      return;
    }
    void this.#submit({
      kind: 'home-consent',
      planId: plan.planId,
      body: { consent: choice === 'yes', ...(text.value ? { comment: text.value } : {}) },
    });
  }

  #askFor(kind: RequestKind) {
    const plan = this.#openPlanData();
    if (!plan) return;
    const text = this.#readText('form-support', 'request-note');
    if (!text.ok) return;
    void this.#submit({ kind: 'request', planId: plan.planId, body: { kind, ...(text.value ? { note: text.value } : {}) } });
  }

  #retry(planId: string, target: string) {
    const request = this.#pending.get(planId, target);
    if (request) void this.#submit(request);
  }

  #openPlanData(): MyPlan | undefined {
    return this.view.kind === 'plan' ? this.view.plan : undefined;
  }

  /** Replaces part of the open plan with what the service returned, if that plan is still open. */
  #updatePlan(planId: string, update: (plan: MyPlan) => MyPlan) {
    if (this.view.kind === 'plan' && this.view.plan.planId === planId) this.view = { kind: 'plan', plan: update(this.view.plan) };
  }

  /**
   * Sends one answer under its idempotency key and tells the relative plainly how it went:
   * saved, not saved (with a safe retry under the same key), or unknown.
   */
  async #submit(request: AnswerRequest) {
    const target = targetOf(request);
    if (this.outcomes.get(target)?.state === 'sending') return;
    const api = this.#api();
    if (!api) return;
    const key = this.#pending.keyFor(request);
    const t = this.#localize.t;
    this.#setOutcome(target, { state: 'sending' });
    try {
      let status: ConsentStatus | undefined;
      let announcement: string;
      let receipt: AnswerReceipt | undefined;
      let what: string | undefined;
      switch (request.kind) {
        case 'commitment': {
          const { receipt: given, ...updated } = await api.answerCommitment(request.planId, request.commitmentId, request.body, key);
          receipt = given;
          what = updated.what;
          this.#updatePlan(request.planId, (plan) => ({
            ...plan,
            me: { ...plan.me, commitments: plan.me.commitments.map((c) => (c.id === updated.id ? updated : c)) },
          }));
          // The comment went with this answer (it is in the history now): the next starts empty.
          const comment = this.#byId<HTMLTextAreaElement>(`comment-${request.commitmentId}`);
          if (comment) comment.value = '';
          const answered = request.body.answer === 'reconfirm' ? 'reconfirmed' : updated.status;
          if (answered === 'accepted' || answered === 'declined' || answered === 'withdrawn' || answered === 'reconfirmed') {
            status = answered;
            announcement = t.announce[answered](updated.what);
          } else {
            announcement = t.saved(this.#localize.time(new Date()));
          }
          break;
        }
        case 'home-consent': {
          const { receipt: given, ...homeConsent }: HomeConsent & { receipt?: AnswerReceipt } = await api.answerHomeConsent(request.planId, request.body, key);
          receipt = given;
          this.#updatePlan(request.planId, (plan) => ({ ...plan, me: { ...plan.me, homeConsent } }));
          status = homeConsent.consent ? 'consented' : 'not-consented';
          announcement = t.announce.homeConsent;
          break;
        }
        case 'request': {
          const { receipt: given, ...support }: RelativeSupport & { receipt?: AnswerReceipt } = await api.requestSupport(request.planId, request.body, key);
          receipt = given;
          this.#updatePlan(request.planId, (plan) => ({ ...plan, me: { ...plan.me, support } }));
          announcement = t.announce.request;
          const note = this.#byId<HTMLTextAreaElement>('request-note');
          if (note) note.value = '';
          break;
        }
      }
      this.#pending.settle(request);
      this.#setOutcome(target, { state: 'saved', at: new Date(), receipt, what });
      this.#announce(announcement);
      if (status) {
        this.dispatchEvent(
          new SipConsentChangeEvent({
            planId: request.planId,
            kind: request.kind === 'commitment' ? 'commitment' : 'home-consent',
            itemId: request.kind === 'commitment' ? request.commitmentId : 'home-consent',
            status,
          }),
        );
      }
    } catch (error) {
      this.#answerFailed(request, target, error instanceof ApiError ? error : new ApiError('bad-response'));
    }
    await this.updateComplete;
    this.#focus(`state-${target}`);
  }

  #answerFailed(request: AnswerRequest, target: string, error: ApiError) {
    const t = this.#localize.t;
    let outcome: Outcome;
    if (error.code === 'session-expired') {
      outcome = { state: 'not-saved', reason: 'session', retry: true };
      this.dispatchEvent(new SipSessionExpiredEvent());
    } else if (error.outcomeUnknown) {
      outcome = { state: 'unknown' };
    } else if (error.code === 'network') {
      outcome = { state: 'not-saved', reason: 'network', retry: true };
    } else if (error.code === 'conflict' || error.code === 'not-found') {
      // Refused for good as it stands: the relative answers again on what is there now.
      this.#pending.settle(request);
      outcome = { state: 'not-saved', reason: 'conflict', retry: false };
      void this.#refreshPlan(request.planId);
    } else if (error.code === 'validation') {
      this.#pending.settle(request);
      outcome = { state: 'not-saved', reason: 'validation', retry: false };
      this.#showServerErrors(request, error);
    } else {
      outcome = { state: 'not-saved', reason: 'server', retry: true };
    }
    if (outcome.state === 'not-saved') outcome.requestId = error.requestId;
    this.#setOutcome(target, outcome);
    this.#announce(outcome.state === 'unknown' ? t.announce.unknown : t.announce.notSaved);
    if (error.code !== 'session-expired') {
      this.dispatchEvent(
        new SipErrorEvent({
          code: loadErrorCode(error.code),
          ...(error.status ? { status: error.status } : {}),
          ...(error.requestId ? { requestId: error.requestId } : {}),
        }),
      );
    }
  }

  /** A 422 on the comment or note: shown on that field, in the relative's language. */
  #showServerErrors(request: AnswerRequest, error: ApiError) {
    const onText = (error.problem?.errors ?? []).some((e) => e.path === '/comment' || e.path === '/note');
    if (!onText) return;
    const t = this.#localize.t;
    // A withdrawal's comment was in the dialog, closed by now: the outcome says it was not saved.
    if (request.kind === 'commitment' && request.body.answer === 'withdraw') return;
    const [form, field] =
      request.kind === 'commitment'
        ? [`form-c-${request.commitmentId}`, `comment-${request.commitmentId}`]
        : request.kind === 'home-consent'
          ? ['form-home', 'home-comment']
          : ['form-support', 'request-note'];
    this.#setErrors(form, [{ field, message: t.commentRejected }]);
  }

  // ---------------------------------------------------------------- navigation and focus

  /** Says a result in the polite live region; the same text twice is said twice. */
  async #announce(text: string) {
    if (this.announcement === text) {
      this.announcement = '';
      await this.updateComplete;
    }
    this.announcement = text;
  }

  #open(planId: string) {
    void this.#openPlan(planId, true);
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

  /** An element of the shadow root by its id (ids hold item ids: no selector escaping needed). */
  #byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
    return (this.renderRoot as ShadowRoot).getElementById(id) as T | null;
  }

  /** Moves focus after the next render to the first of the elements (by id) that is there. */
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

  #print() {
    window.print();
  }

  /** Prints one receipt alone: the rest of the plan is left off the paper until printing ends. */
  async #printReceipt(target: string) {
    this.printingReceipt = target;
    await this.updateComplete;
    window.print();
  }

  /** The individual as the relative knows them: by given name, or a neutral phrase when the plan gives none. */
  #who(plan: MyPlan): string {
    return plan.individual?.givenName || this.#localize.t.someone;
  }

  #title(plan: Pick<MyPlan, 'title'>): string {
    return plan.title ?? this.#localize.t.untitledPlan;
  }

  /** The plan's title as shown: staff wrote it in Swedish, and it keeps that language in another. */
  #titleShown(plan: Pick<MyPlan, 'title'>) {
    return plan.title ? this.#staffText(plan.title) : this.#localize.t.untitledPlan;
  }

  /**
   * Text staff wrote (in Swedish): marked `lang="sv"` when the widget speaks another language,
   * so a screen reader reads it with a Swedish voice, and laid out left to right in Arabic.
   */
  #staffText(text: string) {
    return this.#localize.lang.startsWith('sv') ? text : html`<span lang="sv" dir="ltr">${text}</span>`;
  }

  // ---------------------------------------------------------------- rendering

  protected override render() {
    const l = this.#localize;
    const busy = this.view.kind === 'loading' || this.view.kind === 'idle' || l.loading;
    // The live region stays outside the busy part: screen readers may hold back what changes in it.
    // While the language asked for is fetched, a neutral state: no text in a language not asked for.
    return html`
      <div part="base" class=${this.printingReceipt ? 'base print-receipt' : 'base'} lang=${l.lang} dir=${l.dir}>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
        ${languageFailedNotice(l.failed)}
        <div class="view" aria-busy=${busy ? 'true' : 'false'}>
          ${l.loading ? html`<p part="message" class="message loading"><span class="spinner" aria-hidden="true"></span></p>` : this.#renderView()}
        </div>
        ${l.loading ? nothing : this.#renderPrintedReceipt()}
      </div>
    `;
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
          ${this.#renderHelp(view.requestId)}
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

  #renderList(plans: MyPlanSummary[]) {
    const t = this.#localize.t;
    return html`
      <section class="list" aria-labelledby="list-title">
        ${this.#h(0, t.myPlans, 'list-title')}
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
                      @click=${() => this.#open(plan.planId)}
                    >
                      ${this.#titleShown(plan)}
                    </button>
                    <span class="muted" id=${`status-${plan.planId}`}>${t.planStatusLabel(t.planStatus[plan.status])}</span>
                  </li>`,
                )}
              </ul>
            `}
      </section>
    `;
  }

  #renderPlan(plan: MyPlan) {
    const t = this.#localize.t;
    const relationship = plan.me.relationship.code ? (t.relationships[plan.me.relationship.code] ?? plan.me.relationship.text) : plan.me.relationship.text;
    return html`
      <article class="plan" aria-labelledby="plan-title">
        <div class="toolbar controls">
          ${this.planId || this.onlyPlan
            ? nothing
            : html`<button part="button" class="button link back" type="button" @click=${this.#back}>${t.backToPlans}</button>`}
          <button part="button" class="button secondary print" type="button" @click=${this.#print}>${t.print}</button>
        </div>
        ${this.#h(0, this.#titleShown(plan), 'plan-title')}
        <p class="muted">${t.planStatusLabel(t.planStatus[plan.status])}. ${t.youAre(plan.me.name, relationship)}</p>
        <p class="muted">${t.sipMeans}</p>
        ${plan.me.child
          ? // A child is told what happens and who to talk to; no forms, no commitments, no home consent.
            html`${this.#renderChild(plan)} ${this.#renderContact(plan)} ${this.#renderShared(plan)} ${this.#renderInformation(plan)}`
          : html`${this.#renderTodo(plan)} ${this.#renderContact(plan)} ${this.#renderCommitments(plan)}
            ${plan.me.sharesHome ? this.#renderHome(plan) : nothing} ${this.#renderShared(plan)} ${this.#renderInformation(plan)}
            ${this.#renderSupport(plan)} ${this.#renderRole(plan)}`}
      </article>
      ${this.#renderWithdrawDialog(plan)}
    `;
  }

  /**
   * A heading `depth` levels below the element's first (`heading-level`, default 2), never
   * deeper than h6. The top level is the `heading` part. One with an `id` can take focus: the
   * element moves focus to it after a navigation, and a link in "Att göra" to its place.
   */
  #h(depth: number, content: unknown, id?: string) {
    // Not a number (or no attribute): 2.
    const first = Math.trunc(this.headingLevel ?? NaN);
    const level = Math.min(6, (Number.isNaN(first) ? 2 : Math.min(6, Math.max(1, first))) + depth);
    const a = { id: id ?? nothing, part: depth ? nothing : 'heading', tabindex: id ? '-1' : nothing };
    switch (level) {
      case 1:
        return html`<h1 class=${`d${depth}`} id=${a.id} part=${a.part} tabindex=${a.tabindex}>${content}</h1>`;
      case 2:
        return html`<h2 class=${`d${depth}`} id=${a.id} part=${a.part} tabindex=${a.tabindex}>${content}</h2>`;
      case 3:
        return html`<h3 class=${`d${depth}`} id=${a.id} part=${a.part} tabindex=${a.tabindex}>${content}</h3>`;
      case 4:
        return html`<h4 class=${`d${depth}`} id=${a.id} part=${a.part} tabindex=${a.tabindex}>${content}</h4>`;
      case 5:
        return html`<h5 class=${`d${depth}`} id=${a.id} part=${a.part} tabindex=${a.tabindex}>${content}</h5>`;
      default:
        return html`<h6 class=${`d${depth}`} id=${a.id} part=${a.part} tabindex=${a.tabindex}>${content}</h6>`;
    }
  }

  #section(id: string, heading: string, content: unknown) {
    return html`<section part="section" class="section" aria-labelledby=${id}>
      ${this.#h(1, heading, id)}
      ${content}
    </section>`;
  }

  #renderContact(plan: MyPlan) {
    const t = this.#localize.t;
    const c = plan.coordinator;
    return this.#section(
      'contact-title',
      t.contactHeading,
      html`
        <dl class="facts">
          <div>
            <dt>${t.coordinator}</dt>
            <dd>
              ${c ? html`${c.name}${c.title ? html`, ${c.title}` : nothing}${c.unit ? html`, ${c.unit}` : nothing} ${this.#phone(c)}` : t.noCoordinator}
            </dd>
          </div>
          <div>
            <dt>${t.outOfHours}</dt>
            <dd>${plan.outOfHours ? this.#staffText(plan.outOfHours) : t.outOfHoursGeneral}</dd>
          </div>
        </dl>
      `,
    );
  }

  /** A number as written in Sweden, linked in E.164, and when it is answered. */
  #phone(p: { phone?: string | undefined; phoneDisplay?: string | undefined; phoneHours?: string | undefined }) {
    const t = this.#localize.t;
    const shown = p.phoneDisplay || p.phone;
    return html`${shown ? html`<br />${t.phone}: <a href=${`tel:${(p.phone || shown).replace(/[^\d+]/g, '')}`} dir="ltr">${shown}</a>` : nothing}${p.phoneHours
      ? html`<br />${t.phoneHours}: ${this.#staffText(p.phoneHours)}`
      : nothing}`;
  }

  /** What waits for the relative's answer, each linking to its place. */
  #renderTodo(plan: MyPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    const items: { id: string; label: string; what?: string }[] = [];
    for (const c of plan.me.commitments) {
      const allowed = Array.isArray(c.allowedAnswers) ? c.allowedAnswers : [];
      if (c.status === 'requested' && allowed.includes('accept')) items.push({ id: `title-${c.id}`, label: t.todo.answer, what: c.what });
      else if (allowed.includes('reconfirm')) items.push({ id: `title-${c.id}`, label: t.todo.reconfirm(l.date(c.currentReviewDate)), what: c.what });
    }
    if (plan.me.sharesHome && !plan.me.homeConsent && plan.status !== 'closed') items.push({ id: 'home-title', label: t.todo.home });
    return this.#section(
      'todo-title',
      t.todo.heading,
      items.length
        ? html`<ul class="todo">
            ${items.map(
              (i) => html`<li>
                <a href=${`#${i.id}`} @click=${(e: Event) => this.#focusField(e, i.id)}>${i.label}${i.what ? html` ${this.#staffText(i.what)}` : nothing}</a>
              </li>`,
            )}
          </ul>`
        : html`<p>${t.todo.none}</p>`,
    );
  }

  /** A child's own view: what is happening, in plain words, and who to talk to. */
  #renderChild(plan: MyPlan) {
    const t = this.#localize.t;
    const c = plan.coordinator;
    return this.#section(
      'child-title',
      t.child.heading,
      html`<p>${t.child.what(this.#who(plan))}</p>
        <p>${t.child.feelings}</p>
        ${this.#h(2, t.child.talkHeading)}
        <ul class="talk">
          <li>${t.child.counsellor}</li>
          <li>${t.child.bris} <a href="tel:116111">116 111</a>, <a href="https://www.bris.se">bris.se</a></li>
          <li>${t.child.umo} <a href="https://www.umo.se">umo.se</a></li>
          ${c ? html`<li>${t.child.coordinator(c.name)} ${this.#phone(c)}</li>` : nothing}
        </ul>`,
    );
  }

  #renderCommitments(plan: MyPlan) {
    const t = this.#localize.t;
    const commitments = plan.me.commitments;
    let content: unknown;
    if (plan.me.child && commitments.length === 0) content = html`<p>${t.childNoCommitments}</p>`;
    else if (commitments.length === 0) content = html`<p>${t.noCommitments}</p>`;
    else
      content = html`<p class="intro">${t.commitmentsIntro}</p>
        <ul class="commitments">
          ${commitments.map((c) => this.#renderCommitment(plan, c))}
        </ul>`;
    return this.#section('commitments-title', t.commitmentsHeading, content);
  }

  #renderCommitment(plan: MyPlan, c: MyCommitment) {
    const t = this.#localize.t;
    const l = this.#localize;
    const target = `c-${c.id}`;
    // The service says which answers the relative can give today; the element offers exactly those.
    const allowed = new Set<CommitmentAnswerKind>(Array.isArray(c.allowedAnswers) ? c.allowedAnswers : []);
    const due = allowed.has('reconfirm');
    // A comment goes with an accept, a decline or a confirmation; a withdrawal has its own, in the dialog.
    const commented = allowed.has('accept') || allowed.has('decline') || due;
    const form = `form-c-${c.id}`;
    const sending = this.outcomes.get(target)?.state === 'sending';
    const button = (answer: 'accept' | 'decline' | 'reconfirm', kind: 'primary' | 'secondary', label: string) =>
      allowed.has(answer)
        ? html`<button
            part="button"
            class=${`button ${kind}`}
            type="button"
            id=${`${answer}-${c.id}`}
            aria-haspopup=${answer === 'decline' ? 'dialog' : nothing}
            aria-disabled=${sending ? 'true' : 'false'}
            @click=${() => !sending && this.#answerCommitment(c, answer)}
          >
            ${label}
          </button>`
        : nothing;
    return html`<li part="commitment" class="commitment">
      ${this.#h(2, this.#staffText(c.what), `title-${c.id}`)}
      <dl class="facts facts--inline">
        <div>
          <dt>${t.howOften}</dt>
          <dd>${this.#staffText(c.howOften)}</dd>
        </div>
        <div>
          <dt>${t.period}</dt>
          <dd>${c.until ? t.periodFromUntil(l.date(c.from), l.date(c.until)) : t.periodFrom(l.date(c.from))}</dd>
        </div>
        ${c.status === 'accepted' || c.status === 'requested'
          ? html`<div>
              <dt>${t.reviewDate}</dt>
              <dd>${l.date(c.currentReviewDate)}</dd>
            </div>`
          : nothing}
      </dl>
      ${this.#renderState(plan.planId, target, html`<p part="status" class=${`status status--${c.status}`}>
          <span class="status-label">${t.statusLabel}:</span> ${t.commitmentStatus[c.status]}
        </p>`)}
      ${c.status === 'cancelled' ? html`<p class="help">${t.cancelledHelp}</p>` : nothing}
      ${c.status === 'withdrawn' ? html`<p class="help">${t.withdrawnHelp(plan.responsible?.organisation ?? null)}</p>` : nothing}
      ${c.status === 'declined' && allowed.has('accept') ? html`<p class="help">${t.declinedHelp(plan.responsible?.organisation ?? null)}</p>` : nothing}
      ${c.status === 'accepted'
        ? html`<p class="help">${due ? t.reconfirmDue(l.date(c.currentReviewDate)) : t.reconfirmFrom(l.date(reconfirmOpensOn(c.currentReviewDate)))}</p>`
        : nothing}
      ${allowed.size > 0
        ? html`<form class="answer controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
            ${this.#renderErrorSummary(form)}
            ${commented ? this.#renderTextField(form, `comment-${c.id}`, t.comment, t.commentHint) : nothing}
            <div class="actions" role="group" aria-labelledby=${`title-${c.id}`}>
              ${button('accept', 'primary', c.status === 'declined' ? t.changeToAccept : t.accept)} ${button('decline', 'secondary', t.decline)} ${button('reconfirm', 'primary', t.reconfirm)}
              ${allowed.has('withdraw')
                ? html`<button
                    part="button"
                    class="button warning"
                    type="button"
                    id=${`withdraw-${c.id}`}
                    aria-haspopup="dialog"
                    aria-disabled=${sending ? 'true' : 'false'}
                    @click=${() => !sending && this.#openWithdrawal(c)}
                  >
                    ${t.withdraw}
                  </button>`
                : nothing}
            </div>
          </form>`
        : nothing}
      ${this.#renderHistory(c)}
    </li>`;
  }

  #renderHistory(c: MyCommitment) {
    const t = this.#localize.t;
    const l = this.#localize;
    return html`<details class="history" ?open=${this.printing}>
      <summary>${t.history} (${c.history.length})</summary>
      <ol>
        ${c.history.map(
          (event) => html`<li>
            <span class="when">${l.dateTime(event.at)}</span>: ${t.historyEntry[event.status]}${event.reviewDate ? html`, ${t.nextReview(l.date(event.reviewDate))}` : nothing}.
            ${event.comment ? html`<q>${event.comment}</q>` : nothing} ${this.#referenceOf(event)}
          </li>`,
        )}
      </ol>
    </details>`;
  }

  /** The current status and, after an answer, whether it was saved: focused after every answer. */
  #renderState(planId: string, target: string, status: TemplateResult | typeof nothing) {
    const outcome = this.outcomes.get(target);
    return html`<div class="state" id=${`state-${target}`} tabindex="-1">
      ${status} ${outcome ? this.#renderOutcome(planId, target, outcome) : nothing}
    </div>`;
  }

  #renderOutcome(planId: string, target: string, outcome: Outcome) {
    const t = this.#localize.t;
    switch (outcome.state) {
      case 'sending':
        return html`<p part="outcome" class="outcome outcome--sending">${t.saving}</p>`;
      case 'saved':
        return outcome.receipt
          ? this.#renderReceipt(target, outcome.receipt, outcome.what, true)
          : html`<p part="outcome" class="outcome outcome--saved">${t.saved(this.#localize.time(outcome.at))}</p>`;
      case 'unknown':
      case 'not-saved': {
        const retry = outcome.state === 'unknown' || outcome.retry;
        const help = outcome.state === 'unknown' ? t.outcomeHelp.unknown : t.outcomeHelp[outcome.reason];
        return html`<div part="outcome" class=${`outcome outcome--${outcome.state}`}>
          <p class="outcome-title">${outcome.state === 'unknown' ? t.unknown : t.notSaved}</p>
          <p>${help}</p>
          ${this.#renderHelp(outcome.state === 'not-saved' ? outcome.requestId : undefined)}
          ${retry
            ? html`<p>${t.retrySafe}</p>
                <button part="button" class="button primary controls" type="button" @click=${() => this.#retry(planId, target)}>${t.tryAgain}</button>`
            : nothing}
        </div>`;
      }
    }
  }

  /** An answer's reference in a history, for the relative to quote. */
  #referenceOf(entry: { reference?: string | undefined }) {
    return entry.reference ? html`<span class="muted">(${this.#localize.t.receipt.reference} ${entry.reference})</span>` : nothing;
  }

  /**
   * The receipt of a saved answer, from the service: what was answered, when, its reference, who
   * has been told, and what happens next. `live`: the one on the page, with its print button.
   */
  #renderReceipt(target: string, r: AnswerReceipt, what: string | undefined, live: boolean) {
    const t = this.#localize.t;
    const l = this.#localize;
    const rt = t.receipt;
    const next = rt.nextSteps[r.answer];
    const responsible = this.#openPlanData()?.responsible?.organisation ?? rt.responsible;
    const id = `receipt-${live ? '' : 'print-'}${target}`;
    const fact = (term: string, value: unknown) => html`<div>
      <dt>${term}</dt>
      <dd>${value}</dd>
    </div>`;
    return html`<div part="outcome receipt" class="outcome receipt" role="group" aria-labelledby=${id}>
      <p class="outcome-title" id=${id}>${rt.title}</p>
      <dl class="facts">
        ${fact(rt.answer, html`${rt.answers[r.answer]}${what ? html`: ${this.#staffText(what)}` : nothing}`)}
        ${r.comment ? fact(rt.comment, html`<q>${r.comment}</q>`) : nothing} ${fact(rt.at, l.fullDateTime(r.at))}
        ${fact(rt.reference, html`<span class="reference" dir="ltr">${r.reference}</span>`)}
        ${fact(rt.told, l.list([...r.told, ...(r.coordinator ? [rt.coordinator(r.coordinator)] : [])]))}
        ${fact(rt.next, typeof next === 'function' ? next(responsible) : next)}
      </dl>
      <p>${rt.keep}</p>
      ${live
        ? html`<button part="button" class="button secondary controls" type="button" @click=${() => this.#printReceipt(target)}>${rt.print}</button>`
        : nothing}
    </div>`;
  }

  /** The receipt being printed, alone, with the plan it belongs to: shown on paper only. */
  #renderPrintedReceipt() {
    const target = this.printingReceipt;
    const outcome = target ? this.outcomes.get(target) : undefined;
    const plan = this.#openPlanData();
    if (!target || outcome?.state !== 'saved' || !outcome.receipt || !plan) return nothing;
    return html`<div class="printed-receipt">
      <p class="card-title">${this.#titleShown(plan)}</p>
      ${this.#renderReceipt(target, outcome.receipt, outcome.what, false)}
    </div>`;
  }

  /** With an error: the service's reference for it, and the portal's help line. */
  #renderHelp(requestId: string | undefined) {
    const t = this.#localize.t;
    const phone = this.helpPhone;
    return html`${requestId ? html`<p>${t.errorReference(requestId)}</p>` : nothing}
    ${phone
      ? html`<p>
          ${t.help} <a href=${`tel:${phone.replace(/[^\d+]/g, '')}`} dir="ltr">${phone}</a>${this.helpHours ? `, ${this.helpHours}` : nothing}.
        </p>`
      : nothing}
    ${this.helpText ? html`<p>${this.helpText}</p>` : nothing}`;
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

  #renderTextField(form: string, id: string, label: string, hint: string) {
    const t = this.#localize.t;
    const error = this.#fieldError(form, id);
    return html`<div class=${error ? 'field field--error' : 'field'}>
      <label for=${id}>${label}</label>
      <p class="hint" id=${`${id}-hint`}>${hint}</p>
      ${error
        ? html`<p class="error-message" id=${`${id}-error`}><span class="visually-hidden">${t.errorPrefix}</span> ${error.message}</p>`
        : nothing}
      <textarea
        part="field"
        id=${id}
        name=${id}
        rows="3"
        aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}
        aria-invalid=${error ? 'true' : 'false'}
      ></textarea>
    </div>`;
  }

  #renderWithdrawDialog(plan: MyPlan) {
    const t = this.#localize.t;
    const c = this.withdrawing;
    const responsible = plan.responsible?.organisation ?? null;
    const kind = this.confirming;
    const text = {
      withdraw: { title: t.withdrawTitle, body: t.withdrawBody(responsible), confirm: t.withdrawConfirm, cancel: t.withdrawCancel },
      decline: { title: t.declineTitle, body: t.declineBody(responsible), confirm: t.declineConfirm, cancel: t.declineCancel },
      'leave-role': { title: t.leaveTitle, body: t.leaveBody(responsible), confirm: t.leaveConfirm, cancel: t.leaveCancel },
    }[kind];
    return html`<dialog part="dialog" class="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-body" @close=${this.#dialogClosed}>
      ${this.#h(1, text.title, 'confirm-title')}
      ${c && kind !== 'leave-role' ? html`<p class="dialog-what">${this.#staffText(c.what)}</p>` : nothing}
      <p id="confirm-body">${text.body}</p>
      <form novalidate @submit=${(e: Event) => e.preventDefault()}>
        ${kind === 'withdraw'
          ? html`${this.#renderErrorSummary('withdraw')} ${this.#renderTextField('withdraw', 'withdraw-comment', t.withdrawComment, t.commentHint)}`
          : nothing}
        <div class="actions">
          <button part="button" class=${kind === 'withdraw' ? 'button warning' : 'button primary'} type="button" @click=${this.#confirmWithdrawal}>
            ${text.confirm}
          </button>
          <button part="button" class="button secondary" type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>
            ${text.cancel}
          </button>
        </div>
      </form>
    </dialog>`;
  }

  #renderHome(plan: MyPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    const consent = plan.me.homeConsent;
    const form = 'form-home';
    const choiceError = this.#fieldError(form, 'home-yes');
    const sending = this.outcomes.get('home')?.state === 'sending';
    return this.#section(
      'home-title',
      t.homeHeading,
      html`
        <p id="home-intro">${t.homeIntro(this.#who(plan))}</p>
        <ul class="means">
          ${t.homeMeans.map((m) => html`<li>${m}</li>`)}
        </ul>
        ${this.#renderState(
          plan.planId,
          'home',
          html`<p part="status" class=${`status status--${consent ? (consent.consent ? 'accepted' : 'declined') : 'requested'}`}>
            <span class="status-label">${t.statusLabel}:</span>
            ${consent ? (consent.consent ? t.homeCurrentYes(l.date(consent.at)) : t.homeCurrentNo(l.date(consent.at))) : t.homeNotAnswered}
          </p>`,
        )}
        <form class="controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
          ${this.#renderErrorSummary(form)}
          <fieldset class=${choiceError ? 'field field--error' : 'field'} aria-describedby=${choiceError ? 'home-yes-error' : nothing}>
            <legend>${t.homeQuestion}</legend>
            ${choiceError
              ? html`<p class="error-message" id="home-yes-error"><span class="visually-hidden">${t.errorPrefix}</span> ${choiceError.message}</p>`
              : nothing}
            <div class="radio">
              <input type="radio" id="home-yes" name="home-consent" value="yes" .checked=${consent?.consent === true} />
              <label for="home-yes">${t.homeYes}</label>
            </div>
            <div class="radio">
              <input type="radio" id="home-no" name="home-consent" value="no" .checked=${consent?.consent === false} />
              <label for="home-no">${t.homeNo}</label>
            </div>
          </fieldset>
          ${this.#renderTextField(form, 'home-comment', t.comment, t.commentHint)}
          <div class="actions">
            <button part="button" class="button primary" type="button" aria-disabled=${sending ? 'true' : 'false'} @click=${() => !sending && this.#answerHome()}>
              ${t.homeSave}
            </button>
          </div>
        </form>
        ${consent && consent.history.length
          ? html`<details class="history" ?open=${this.printing}>
              <summary>${t.homeHistory} (${consent.history.length})</summary>
              <ol>
                ${consent.history.map(
                  (h) => html`<li>
                    <span class="when">${l.dateTime(h.at)}</span>: ${h.consent ? t.homeHistoryYes : t.homeHistoryNo}.
                    ${h.comment ? html`<q>${h.comment}</q>` : nothing} ${this.#referenceOf(h)}
                  </li>`,
                )}
              </ol>
            </details>`
          : nothing}
      `,
    );
  }

  #renderShared(plan: MyPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    const shared = plan.shared;
    const sharing = plan.me.sharing;
    if (!plan.me.sharingInEffect || shared.categories.length === 0) {
      // The individual withdrew their consent to the plan: nothing of it reaches the relative, their own part stands.
      return this.#section(
        'shared-title',
        t.sharedHeading,
        html`<p>${t.nothingShared(this.#who(plan))}</p>
          ${plan.status === 'consent_withdrawn' ? html`<p>${t.consentWithdrawn(this.#who(plan))}</p>` : nothing}`,
      );
    }
    // The coordinator is named at the top, with their number: not listed a second time.
    const contacts = shared.contacts?.filter((c) => c.name !== plan.coordinator?.name);
    const list = (items: { text: string }[]) =>
      items.length ? html`<ul>${items.map((i) => html`<li>${this.#staffText(i.text)}</li>`)}</ul>` : html`<p class="muted">${t.none}</p>`;
    return this.#section(
      'shared-title',
      t.sharedHeading,
      html`
        <p class="muted">${sharing?.validUntil ? t.sharedUntil(l.date(sharing.validUntil), this.#who(plan)) : t.sharedOpen(this.#who(plan))}</p>
        ${shared.goals
          ? html`${this.#h(2, t.goals)}
              ${this.#h(3, t.individualGoals(this.#who(plan)))}
              ${list(shared.goals.individual)}
              ${shared.goals.professional
                .filter((p) => p.goals.length > 0)
                .map((p) => html`${this.#h(3, t.professionalGoals(p.organisation || t.principal[p.principal]))}${list(p.goals)}`)}`
          : nothing}
        ${shared.interventions
          ? html`${this.#h(2, t.whoDoesWhat)}
              ${shared.interventions.length
                ? html`<ul class="cards">
                    ${shared.interventions.map(
                      (i) => html`<li class="card">
                        <p class="card-title">${this.#staffText(i.title)}</p>
                        <dl class="facts facts--inline">
                          <div>
                            <dt>${t.performedBy}</dt>
                            <dd>${i.performedBy ? html`${this.#staffText(i.performedBy)}, ` : nothing}${t.principal[i.principal]}</dd>
                          </div>
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
                : html`<p class="muted">${t.none}</p>`}`
          : nothing}
        ${contacts && (contacts.length || !shared.contacts?.length)
          ? html`${this.#h(2, t.contacts)}
              ${contacts.length
                ? html`<ul>
                    ${contacts.map(
                      (c) => html`<li>
                        ${c.name}${c.title ? html`, ${c.title}` : nothing} – ${c.organisation || t.principal[c.principal]}${c.unit ? html`, ${c.unit}` : nothing}
                        ${this.#phone(c)}
                      </li>`,
                    )}
                  </ul>`
                : html`<p class="muted">${t.none}</p>`}`
          : nothing}
        ${shared.followUp !== undefined ? this.#renderFollowUp(shared.followUp) : nothing}
        ${shared.needs ? html`${this.#h(2, t.needs)}${list(shared.needs)}` : nothing}
        ${shared.meetings
          ? html`${this.#h(2, t.meetings)}
              ${shared.meetings.length
                ? html`<ul>${shared.meetings.map((m) => html`<li>${l.dateTime(m.at)}${m.place ? html`, ${this.#staffText(m.place)}` : nothing}</li>`)}</ul>`
                : html`<p class="muted">${t.none}</p>`}`
          : nothing}
      `,
    );
  }

  #renderInformation(plan: MyPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    const { information, informed } = plan.me;
    return this.#section(
      'information-title',
      t.informationHeading,
      html`
        ${information.length
          ? html`<ul>
              ${information.map((i) => html`<li>${this.#staffText(i.what)} <span class="muted">(${t.informationHow(i.how, i.howOften)})</span></li>`)}
            </ul>`
          : html`<p>${t.informationNone}</p>`}
        ${informed.length
          ? html`${this.#h(2, t.informedHeading)}
              <ul>
                ${informed.map((i) => html`<li><span class="when">${l.date(i.at)}</span>: ${i.what} ${t.informedBy(i.by.name)}</li>`)}
              </ul>`
          : nothing}
      `,
    );
  }

  #renderSupport(plan: MyPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    const support = plan.me.support ?? { offered: [], requests: [] };
    // Asking to step out of the role has its own section.
    const requests = support.requests.filter((r): r is (typeof r & { kind: RequestKind }) => r.kind !== 'leave-role');
    const open = (kind: RequestKind) => requests.some((r) => r.kind === kind && !r.handledAt);
    const askable = REQUEST_KINDS.filter((kind) => !open(kind));
    const form = 'form-support';
    return this.#section(
      'support-title',
      t.supportHeading,
      html`
        <p>${t.supportIntro}</p>
        ${this.#h(2, t.supportOffered)}
        ${support.offered.length
          ? html`<ul>${support.offered.map((o) => html`<li>${t.supportOffers[o]}</li>`)}</ul>`
          : html`<p class="muted">${t.supportNoneOffered}</p>`}
        ${this.#h(2, t.myRequests)}
        ${requests.length ? nothing : html`<p class="muted">${t.none}</p>`}
        ${REQUEST_KINDS.map((kind) =>
          this.#renderState(
            plan.planId,
            `req-${kind}`,
            requests.some((r) => r.kind === kind)
              ? html`<ul class="requests">
                  ${requests
                    .filter((r) => r.kind === kind)
                    .map(
                      (r) => html`<li>
                        <strong>${t.requestKinds[r.kind]}</strong>. ${t.requestAsked(l.date(r.at))}
                        ${r.handledAt ? t.requestHandled(l.date(r.handledAt)) : t.requestOpen}
                      </li>`,
                    )}
                </ul>`
              : nothing,
          ),
        )}
        ${askable.length
          ? html`<form class="controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
              ${this.#renderErrorSummary(form)} ${this.#renderTextField(form, 'request-note', t.requestNote, t.commentHint)}
              <div class="actions">
                ${askable.map((kind) => {
                  const sending = this.outcomes.get(`req-${kind}`)?.state === 'sending';
                  return html`<button part="button" class="button secondary" type="button" aria-disabled=${sending ? 'true' : 'false'} @click=${() => !sending && this.#askFor(kind)}>
                    ${t.requestButtons[kind]}
                  </button>`;
                })}
              </div>
            </form>`
          : nothing}
      `,
    );
  }

  /** The relative role is voluntary: the relative can ask to step out of it, and the responsible principal re-plans. */
  #renderRole(plan: MyPlan) {
    const t = this.#localize.t;
    const l = this.#localize;
    const responsible = plan.responsible?.organisation ?? null;
    const asked = (plan.me.support?.requests ?? []).filter((r) => r.kind === 'leave-role');
    const open = asked.find((r) => !r.handledAt);
    const sending = this.outcomes.get('req-leave-role')?.state === 'sending';
    return this.#section(
      'role-title',
      t.roleHeading,
      html`<p>${t.roleIntro(responsible)}</p>
        ${this.#renderState(
          plan.planId,
          'req-leave-role',
          asked.length
            ? html`<ul class="requests">
                ${asked.map(
                  (r) => html`<li>
                    <strong>${t.leaveAsked(l.date(r.at))}</strong>
                    ${r.handledAt ? t.requestHandled(l.date(r.handledAt)) : t.leaveWaiting(responsible)}
                  </li>`,
                )}
              </ul>`
            : nothing,
        )}
        ${open || plan.status === 'closed'
          ? nothing
          : html`<div class="actions">
              <button
                part="button"
                class="button secondary"
                type="button"
                id="leave-role"
                aria-haspopup="dialog"
                aria-disabled=${sending ? 'true' : 'false'}
                @click=${() => !sending && this.#openWithdrawal(undefined, 'leave-role')}
              >
                ${t.leaveButton}
              </button>
            </div>`}`,
    );
  }

  /** The next follow-up; a date that has passed is not "next": it says so, and who gets in touch. */
  #renderFollowUp(followUp: { date: string } | null) {
    const t = this.#localize.t;
    const l = this.#localize;
    if (!followUp) return html`${this.#h(2, t.followUp)}<p>${t.followUpNone}</p>`;
    const now = new Date();
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    return followUp.date < today
      ? html`${this.#h(2, t.followUpPassed)}<p>${t.followUpWas(l.date(followUp.date))}</p>`
      : html`${this.#h(2, t.followUp)}<p>${l.date(followUp.date)}</p>`;
  }
}
