import type { AnswerReceipt, HomeConsent, MyCommitment, MyPlan, MyPlanSummary, RelativeSupport } from '@sip/shared';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import {
  checkComment,
  COMMENT_MAX,
  PendingAnswers,
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
import { loadPlan, type PlanModule } from './plan-loader.ts';
import type { Kit } from './plan.ts';
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
  /** How a plan is shown (`plan.ts`): fetched alongside the first plan the element opens. */
  #plan: PlanModule | undefined;

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
      // The plan's data and, the first time, the module that shows it, side by side.
      const loaded = Promise.all([this.#api()!.readPlan(planId), this.#loadPlanModule()]);
      this.#localize.prepareDates();
      const [plan] = await loaded;
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
        return this.#plan!.planView(this.#kit(), view.plan);
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

  /** The receipt being printed, alone, with the plan it belongs to: shown on paper only. */
  #renderPrintedReceipt() {
    const target = this.printingReceipt;
    const outcome = target ? this.outcomes.get(target) : undefined;
    const plan = this.#openPlanData();
    if (!target || outcome?.state !== 'saved' || !outcome.receipt || !plan || !this.#plan) return nothing;
    return this.#plan.printedReceipt(this.#kit(), plan, target, outcome.receipt, outcome.what);
  }

  // ---------------------------------------------------------------- the plan view

  /**
   * The module that shows a plan, fetched once (a failed fetch is tried again with the plan):
   * fails as the network does, so the plan is not shown and the relative can try again.
   */
  async #loadPlanModule(): Promise<void> {
    try {
      this.#plan ??= await loadPlan();
    } catch {
      throw new ApiError('network');
    }
  }

  /** What the plan view is lent: Lit, the messages, the state, and the element's helpers and actions. */
  #kit(): Kit {
    const l = this.#localize;
    return {
      html,
      nothing,
      t: l.t,
      l,
      outcomes: this.outcomes,
      formErrors: this.formErrors,
      printing: this.printing,
      withdrawing: this.withdrawing,
      confirming: this.confirming,
      canGoBack: !this.planId && !this.onlyPlan,
      h: (depth, content, id) => this.#h(depth, content, id),
      staffText: (text) => this.#staffText(text),
      titleShown: (plan) => this.#titleShown(plan),
      help: (requestId) => this.#renderHelp(requestId),
      back: () => this.#back(),
      print: () => this.#print(),
      answer: (c, answer) => this.#answerCommitment(c, answer),
      openWithdrawal: (c, answer) => this.#openWithdrawal(c, answer),
      confirm: () => this.#confirmWithdrawal(),
      cancel: () => this.renderRoot.querySelector('dialog')?.close(),
      dialogClosed: (event) => this.#dialogClosed(event),
      answerHome: () => this.#answerHome(),
      askFor: (kind) => this.#askFor(kind),
      retry: (planId, target) => this.#retry(planId, target),
      printReceipt: (target) => void this.#printReceipt(target),
      focusField: (event, field) => this.#focusField(event, field),
    };
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
}
