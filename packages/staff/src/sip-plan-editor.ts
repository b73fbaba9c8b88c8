import './zod-config.ts';
import {
  commitmentReviewDate,
  commitmentStatus,
  planTransitions,
  sharingInEffect,
  type Operation,
  type PartView,
  type PlanStatus,
  type PlanView,
  type Relative,
} from '@sip/shared';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { ApiError, path } from './api.ts';
import { SipStaffElement } from './base.ts';
import { accessTo, activationGaps, refusalCode, type Access, type Me, type Target } from './editor/access.ts';
import { intentRequest, intentSection, intentState, requestIndex, requestOf, type Intent } from './editor/actions.ts';
import { focusHeadingId, parseFocus } from './editor/focus.ts';
import { draftChanged, fieldForPath, formSpec, sectionFingerprints, type FieldSpec, type FormSpec, type Issue } from './editor/forms.ts';
import { followPlan, type PlanEventData } from './editor/live.ts';
import { compareDrafts, linesAgainst, mergeMine, type Draft, type DraftValue, type FieldComparison } from './editor/merge.ts';
import { messages, type Messages } from './editor/messages.ts';
import { presenceText, type PresenceData } from './editor/presence.ts';
import { styles } from './editor/styles.ts';
import { SipReadyEvent, SipSavedEvent, SipSessionExpiredEvent, type SipErrorCode } from './events.ts';
import { formatAgo, formatDate, formatDateTime } from './i18n.ts';

// Native form controls, <details> and plain lists rather than a component library: they are
// accessible as they are, need no script of their own, cost nothing in the bundle and run under
// the strict CSP with Trusted Types that the host systems set. (Web Awesome was weighed: it adds
// far more to the bundle than these forms need, for controls the browser already has.)

interface FieldError {
  key: string;
  message: string;
}

interface Conflict {
  kind: 'precondition' | 'live';
  organisationId?: string;
  comparisons: FieldComparison[];
}

interface OpenForm {
  /** What the form opened with (or the version it was last brought up to). */
  base: Draft;
  /** What the user has typed. */
  draft: Draft;
  /** The version its If-Match names. */
  version: number;
  errors: FieldError[];
  /** The service refused (403, 409): its reason, in its words. */
  refusal?: string;
  conflict?: Conflict;
  saving: boolean;
}

interface Mark {
  organisationId: string;
  at: string;
}

type Load = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; code: SipErrorCode | 'session-expired' } | { kind: 'ready' };

const EDITABLE_PLAN_SECTIONS = ['overview', 'individual-goals', 'needs'] as const;

const fieldId = (formId: string, key: string) => `field-${formId}-${key}`;
/** A copy of the map without the key. */
const withoutKey = <V>(map: Map<string, V>, key: string): Map<string, V> => {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
};
const errorId = (formId: string, key: string) => `error-${formId}-${key}`;

/**
 * @tag sip-plan-editor
 * @summary The whole SIP (samordnad individuell plan) for staff of the region and the
 * municipality: every section, each editable where the policy lets this user edit it (and where
 * not, why), live updates from the other organisation, and conflicts shown side by side.
 *
 * @attr {string} plan-id - The plan to show.
 * @attr {string} api-base - The broker's base URL, e.g. `https://sip.example.se`.
 * @attr {string} lang - `sv` (default) or `en`.
 * @attr {string} focus - (property `focusItem`) An item to open the plan at: `relative:<relativeId>`,
 *   `relative:<relativeId>:commitment:<commitmentId>`, `relative:<relativeId>:request:<index>`,
 *   `part:<partId>`, `follow-up` or `consent`.
 *
 * @prop {AccessTokenProvider} getAccessToken - Gives the element a staff access token; never an attribute.
 *
 * @event {SipReadyEvent} sip-ready - The plan is shown. `detail`: `{ planId, revision }`.
 * @event {SipSavedEvent} sip-saved - A change was saved. `detail`: `{ planId, section, revision }`: ids only.
 * @event {SipErrorEvent} sip-error - Loading or saving failed. `detail`: `{ code, status?, requestId? }`.
 * @event {SipSessionExpiredEvent} sip-session-expired - The token was refused and no new one was given.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The plan's heading.
 * @csspart section - Each section of the plan.
 * @csspart button - Every button.
 * @csspart edit-button - Each section's "Edit" button.
 * @csspart form - Each inline form.
 * @csspart field - Every form control.
 * @csspart error-summary - The list of problems in a form.
 * @csspart conflict - The comparison of the user's version with the current one.
 * @csspart changed - The mark on a section another organisation just changed.
 * @csspart reason - Why a section cannot be changed by this user.
 * @csspart presence - Who else has the plan open.
 * @csspart message - Loading and error messages.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Buttons and links.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on primary buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors.
 * @cssproperty [--sip-color-notice=#fff7bf] - Background of "changed" marks.
 * @cssproperty [--sip-color-form=#f3f2f1] - Background of open forms.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring.
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Outer focus ring.
 * @cssproperty [--sip-spacing=1rem] - Base spacing.
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 */
export class SipPlanEditor extends SipStaffElement {
  static override styles = styles;

  /** The plan to show. */
  @property({ attribute: 'plan-id' }) accessor planId = '';

  /** An item to open the plan at (the `focus` attribute; see the class description). */
  @property({ attribute: 'focus' }) accessor focusItem = '';

  @state() private accessor load: Load = { kind: 'idle' };
  @state() private accessor plan: PlanView | undefined;
  @state() private accessor me: Me | undefined;
  @state() private accessor organisations = new Map<string, string>();
  @state() private accessor forms = new Map<string, OpenForm>();
  @state() private accessor marks = new Map<string, Mark>();
  @state() private accessor presence: PresenceData | undefined;
  @state() private accessor announcement = '';
  @state() private accessor actionErrors = new Map<string, string>();
  /** Changes without a form that met a newer version (412), by section: what the user meant. */
  @state() private accessor actionConflicts = new Map<string, Intent>();
  @state() private accessor busy = '';
  /** The live stream stopped as no token could be had: the plan shown may be old. */
  @state() private accessor liveExpired = false;
  @state() private accessor now = new Date();

  #stopLive: (() => void) | undefined;
  #pending: PlanEventData[] = [];
  /** The change events heard lately, to tell who made a change a re-read shows. */
  #seen: PlanEventData[] = [];
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The stream (re)opened: what happened while it was not open is read, whatever was heard. */
  #catchUp = false;
  #refreshing: Promise<void> | undefined;
  /** This element's own writes with their read-back, under way: the change events they cause wait for them. */
  #writes = new Set<Promise<unknown>>();
  #clock: ReturnType<typeof setInterval> | undefined;
  #focusDone = '';
  #loadSeq = 0;

  private get t(): Messages {
    return messages[this.language];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => (this.now = new Date()), 30_000);
    if (this.load.kind === 'ready' || this.load.kind === 'loading') this.#startLive();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    clearTimeout(this.#refreshTimer);
    this.#stopLive?.();
    this.#stopLive = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed as Map<PropertyKey, unknown>);
    if (changed.has('planId') || changed.has('apiBase') || changed.has('getAccessToken')) {
      if (this.planId && this.getAccessToken) void this.#load();
    }
  }

  override updated(changed: PropertyValues): void {
    if ((changed.has('plan') || changed.has('focusItem')) && this.plan && this.focusItem && this.#focusDone !== `${this.plan.id}|${this.focusItem}`) {
      const target = parseFocus(this.focusItem);
      const heading = target ? this.renderRoot.querySelector<HTMLElement>(`[id="${CSS.escape(focusHeadingId(target))}"]`) : null;
      if (heading) {
        this.#focusDone = `${this.plan.id}|${this.focusItem}`;
        heading.scrollIntoView({ block: 'start' });
        heading.focus();
      }
    }
  }

  // --- loading ---------------------------------------------------------------------------------

  async #load(): Promise<void> {
    const api = this.api;
    const seq = ++this.#loadSeq;
    this.#stopLive?.();
    this.#stopLive = undefined;
    if (!api) {
      this.load = { kind: 'error', code: 'config' };
      return;
    }
    this.load = { kind: 'loading' };
    try {
      const [session, organisations, plan] = await Promise.all([
        api.get<Me & { kind: string }>('/api/session'),
        api.get<{ items: { id: string; name: string }[] }>('/api/organisations'),
        api.get<PlanView>(path`/api/plans/${this.planId}`),
      ]);
      if (seq !== this.#loadSeq) return;
      this.me = { userId: session.body.userId, organisationId: session.body.organisationId, role: session.body.role };
      this.organisations = new Map(organisations.body.items.map((o) => [o.id, o.name]));
      this.plan = plan.body;
      this.forms = new Map();
      this.marks = new Map();
      this.actionConflicts = new Map();
      this.liveExpired = false;
      this.load = { kind: 'ready' };
      this.#startLive();
      await this.updateComplete;
      this.dispatchEvent(new SipReadyEvent({ planId: plan.body.id, revision: plan.body.revision }));
    } catch (error) {
      if (seq !== this.#loadSeq) return;
      const code = this.reportError(error);
      this.load = { kind: 'error', code };
    }
  }

  #startLive(): void {
    const api = this.api;
    if (!api || !this.planId || this.#stopLive || !this.isConnected) return;
    this.#stopLive = followPlan(api, this.planId, {
      onChange: (event) => {
        this.#pending.push(event);
        this.#seen = [...this.#seen.slice(-99), event];
        clearTimeout(this.#refreshTimer);
        this.#refreshTimer = setTimeout(() => void this.#refresh(), 150);
      },
      onPresence: (presence) => {
        this.presence = presence;
      },
      onSessionExpired: () => {
        // The host gave no new token: say so, as the rest of the element does; what is shown and
        // typed stays. A new token from the host (a new getAccessToken) loads the plan again.
        this.#stopLive = undefined;
        this.presence = undefined;
        this.liveExpired = true;
        this.dispatchEvent(new SipSessionExpiredEvent());
      },
      onOpen: () => {
        // (Re)connected: whatever happened while the stream was not open (before its first
        // connection too: it sends only what comes after it) is read again.
        if (this.plan) {
          this.#catchUp = true;
          clearTimeout(this.#refreshTimer);
          this.#refreshTimer = setTimeout(() => void this.#refresh(), 150);
        }
      },
    });
  }

  /** Reads the plan again after a change, and updates what changed in place. */
  async #refresh(): Promise<void> {
    // The change event of one of this element's own writes can come before the write's answer or
    // its read-back: once they are done, the version shown has it already.
    while (this.#writes.size) await Promise.allSettled([...this.#writes]);
    if (this.#refreshing) await this.#refreshing;
    const shown = this.plan?.revision ?? -1;
    // Changes already in the version shown (this element's own, read back after saving) need no
    // new read: each read is one more entry in the access log.
    if (!this.#catchUp && this.#pending.every((e) => e.revision <= shown)) {
      this.#pending.splice(0);
      return;
    }
    this.#catchUp = false;
    this.#refreshing = (async () => {
      this.#pending.splice(0);
      const api = this.api;
      const before = this.plan;
      if (!api || !before || !this.me) return;
      let plan: PlanView;
      try {
        plan = (await api.get<PlanView>(path`/api/plans/${this.planId}`)).body;
      } catch (error) {
        this.reportError(error);
        return;
      }
      if (plan.revision < before.revision) return;
      this.#apply(plan);
    })();
    try {
      await this.#refreshing;
    } finally {
      this.#refreshing = undefined;
    }
  }

  /** Runs one of this element's writes with its read-back, known to #refresh while it runs. */
  async #write<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    this.#writes.add(running);
    try {
      return await running;
    } finally {
      this.#writes.delete(running);
    }
  }

  /** Shows a newer plan: marks what another organisation changed, and tells open forms. */
  #apply(plan: PlanView): void {
    const before = this.plan;
    this.plan = plan;
    if (!before || !this.me) return;
    const events = this.#seen.filter((e) => e.revision > before.revision && e.revision <= plan.revision);
    const foreign = [...events].reverse().find((e) => e.organisationId !== this.me!.organisationId);
    const latest = events.at(-1);
    const was = sectionFingerprints(before);
    const now = sectionFingerprints(plan);
    const changedSections = [...now.keys()].filter((key) => was.get(key) !== now.get(key));
    const said: string[] = [];
    const warnings: string[] = [];
    if (foreign && changedSections.length) {
      const marks = new Map(this.marks);
      for (const key of changedSections) marks.set(key, { organisationId: foreign.organisationId, at: foreign.at });
      this.marks = marks;
      const org = this.#orgName(foreign.organisationId);
      said.push(...changedSections.map((key) => this.t.changedNow(this.#sectionTitle(key, plan), org)));
      this.#announce(said.join(' '));
    }
    const forms = new Map(this.forms);
    for (const [id, form] of forms) {
      const spec = formSpec(id, plan, this.t);
      const version = spec?.versionOf(plan);
      if (!spec || version === undefined || version === form.version) continue;
      const current = spec.draft(plan, new Date());
      if (spec.additive || !draftChanged(form.base, current)) {
        forms.set(id, { ...form, version, ...(spec.additive ? {} : { base: current }) });
      } else {
        forms.set(id, this.#withConflict(form, current, version, 'live', latest?.organisationId));
        warnings.push(`${spec.title}: ${this.t.conflict.whileWriting(this.#orgName(latest?.organisationId))}.`);
      }
    }
    this.forms = forms;
    if (warnings.length) this.#announce([...said, ...warnings].join(' '));
  }

  #withConflict(form: OpenForm, current: Draft, version: number, kind: Conflict['kind'], organisationId?: string): OpenForm {
    const comparisons = compareDrafts(form.base, form.draft, current);
    return {
      ...form,
      base: current,
      draft: mergeMine(form.base, form.draft, current),
      version,
      conflict: { kind, comparisons, ...(organisationId ? { organisationId } : {}) },
      saving: false,
    };
  }

  #orgName(id: string | undefined): string {
    return (id && this.organisations.get(id)) || this.t.unknownOrganisation;
  }

  #announce(text: string): void {
    // Cleared first, so the same words said twice are read twice.
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = text));
  }

  #sectionTitle(key: string, plan: PlanView): string {
    const t = this.t;
    if (key.startsWith('part:')) {
      const part = plan.parts.find((p) => `part:${p.id}` === key);
      return part ? t.principalPart(part.principal) : t.sections.parts;
    }
    if (key.startsWith('relative:')) {
      const relative = plan.relativesSection.relatives.find((r) => `relative:${r.id}` === key);
      return relative ? `${t.sections.relatives}: ${relative.name}` : t.sections.relatives;
    }
    return t.sections[key as keyof Messages['sections']] ?? key;
  }

  // --- forms -----------------------------------------------------------------------------------

  #access(operation: Operation, target: Target = {}): Access {
    if (!this.plan || !this.me) return { allowed: false, code: 'not-visible' };
    return accessTo(operation, this.plan, this.me, target);
  }

  async #open(id: string): Promise<void> {
    const plan = this.plan;
    const spec = plan && formSpec(id, plan, this.t);
    const version = spec && plan ? spec.versionOf(plan) : undefined;
    if (!spec || !plan || version === undefined) return;
    const draft = spec.draft(plan, new Date());
    this.forms = new Map(this.forms).set(id, { base: draft, draft: { ...draft }, version, errors: [], saving: false });
    await this.updateComplete;
    const first = this.renderRoot.querySelector<HTMLElement>(`[id="form-${CSS.escape(id)}"] :is(input, select, textarea)`);
    first?.focus();
  }

  async #close(id: string, announcement: string): Promise<void> {
    const forms = new Map(this.forms);
    forms.delete(id);
    this.forms = forms;
    this.#announce(announcement);
    await this.updateComplete;
    this.#focusOn(`edit-${id}`);
  }

  #update(id: string, change: Partial<OpenForm>): void {
    const form = this.forms.get(id);
    if (form) this.forms = new Map(this.forms).set(id, { ...form, ...change });
  }

  #setValue(id: string, key: string, value: string | string[]): void {
    const form = this.forms.get(id);
    if (!form) return;
    form.draft = { ...form.draft, [key]: value };
    this.requestUpdate();
  }

  #issueMessage(issue: Pick<Issue, 'code' | 'message' | 'minimum'>, label: string): string {
    const t = this.t;
    if (issue.code === 'too_small') return t.fieldRequired(label);
    if (issue.code === 'too_big') return t.fieldTooLong(label);
    if (issue.code === 'custom' && /before/.test(issue.message)) return t.fieldOrder(label);
    return t.fieldInvalid(label);
  }

  #focusOn(id: string): void {
    this.renderRoot.querySelector<HTMLElement>(`[id="${CSS.escape(id)}"]`)?.focus();
  }

  async #focusSummary(id: string): Promise<void> {
    await this.updateComplete;
    this.#focusOn(`summary-${id}`);
  }

  async #save(id: string, retry = true): Promise<void> {
    const plan = this.plan;
    const form = this.forms.get(id);
    const api = this.api;
    const spec = plan && formSpec(id, plan, this.t);
    if (!plan || !form || !spec || !api || form.saving) return;
    const fields = spec.fields(plan);
    const keys = fields.map((f) => f.key);
    const labelOf = (key: string) => fields.find((f) => f.key === key)?.label ?? key;
    const body = spec.body(form.draft, plan, new Date());
    const rows = spec.rows?.(form.draft, plan);
    const checked = spec.schema.safeParse(body);
    if (!checked.success) {
      const errors: FieldError[] = [];
      for (const issue of checked.error?.issues ?? []) {
        const key = fieldForPath(issue.path.map(String).join('.'), keys, rows) ?? keys[0] ?? '';
        if (!errors.some((e) => e.key === key)) errors.push({ key, message: this.#issueMessage(issue, labelOf(key)) });
      }
      this.#update(id, { errors, refusal: undefined });
      await this.#focusSummary(id);
      return;
    }
    this.#update(id, { saving: true, refusal: undefined });
    try {
      const fresh = await this.#write(async () => {
        await api.request(spec.method, spec.path(plan.id), { body, ifMatch: `W/"${form.version}"` });
        const fresh = (await api.get<PlanView>(path`/api/plans/${plan.id}`)).body;
        const forms = new Map(this.forms);
        forms.delete(id);
        this.forms = forms;
        this.#apply(fresh);
        return fresh;
      });
      const marks = new Map(this.marks);
      marks.delete(spec.section);
      this.marks = marks;
      this.dispatchEvent(new SipSavedEvent({ planId: plan.id, section: id, revision: fresh.revision }));
      await this.#close(id, this.t.saved(spec.title));
    } catch (error) {
      await this.#saveFailed(id, spec, error, keys, labelOf, retry, rows);
    }
  }

  async #saveFailed(
    id: string,
    spec: FormSpec,
    error: unknown,
    keys: string[],
    labelOf: (key: string) => string,
    retry: boolean,
    rows: Record<string, string[]> | undefined,
  ): Promise<void> {
    const api = this.api;
    if (!(error instanceof ApiError)) {
      this.reportError(error);
      this.#update(id, { saving: false, refusal: this.t.errors.server });
      return;
    }
    if (error.code === 'precondition-failed' && api && this.plan) {
      // Someone saved first: keep what the user typed, and show it beside the version in force.
      try {
        const fresh = (await api.get<PlanView>(path`/api/plans/${this.plan.id}`)).body;
        const form = this.forms.get(id);
        this.#apply(fresh);
        const now = formSpec(id, fresh, this.t);
        const version = now?.versionOf(fresh);
        if (!form || !now || version === undefined) return;
        if (form.conflict && form.version === version) {
          // A live change already brought the form up to this version, with the comparison.
          this.#update(id, { saving: false });
          await this.updateComplete;
          this.#focusOn(`conflict-${id}`);
          return;
        }
        const current = now.draft(fresh, new Date());
        if (spec.additive && retry) {
          // Something new added beside another change collides with nothing: send it again, once.
          this.#update(id, { version, saving: false });
          await this.#save(id, false);
          return;
        }
        this.forms = new Map(this.forms).set(id, this.#withConflict({ ...form, errors: [] }, current, version, 'precondition'));
        this.#announce(this.t.conflict.precondition);
        await this.updateComplete;
        this.#focusOn(`conflict-${id}`);
      } catch (again) {
        this.reportError(again);
        this.#update(id, { saving: false, refusal: this.t.errors[this.#codeOf(again)] });
      }
      return;
    }
    this.reportError(error);
    if (error.code === 'validation' && error.problem?.errors?.length) {
      const errors: FieldError[] = [];
      for (const e of error.problem.errors) {
        const key = fieldForPath(e.path, keys, rows) ?? keys[0] ?? '';
        if (!errors.some((x) => x.key === key)) errors.push({ key, message: this.t.fieldServer(labelOf(key), e.message) });
      }
      this.#update(id, { saving: false, errors });
      await this.#focusSummary(id);
      return;
    }
    let plan = this.plan;
    if ((error.code === 'forbidden' || error.code === 'conflict') && api && plan) {
      // What made the service refuse (a closed plan, a consent withdrawn) shows once read again.
      try {
        plan = (await api.get<PlanView>(path`/api/plans/${plan.id}`)).body;
        this.#apply(plan);
      } catch {
        // The refusal stands as it is.
      }
    }
    this.#update(id, { saving: false, refusal: this.#refusalText(error, plan) });
    await this.updateComplete;
    this.#focusOn(`refusal-${id}`);
  }

  /** The service's refusal in the user's words where the policy's reason is known, else in the service's own. */
  #refusalText(error: ApiError, plan: PlanView | undefined): string {
    const gaps = error.code === 'conflict' ? activationGaps(error.problem) : [];
    if (gaps.length) return this.t.serverRefused(this.t.cannotActivate(gaps));
    const reason = error.problem?.detail ?? error.problem?.title;
    if ((error.code === 'forbidden' || error.code === 'conflict' || error.code === 'validation') && reason) {
      const code = plan ? refusalCode(reason, plan.status) : undefined;
      return this.t.serverRefused(code ? this.t.denial(code) : reason);
    }
    return this.t.errors[error.code === 'session-expired' ? 'session-expired' : error.code];
  }

  #codeOf(error: unknown): SipErrorCode | 'session-expired' {
    return error instanceof ApiError ? (error.code === 'session-expired' ? 'session-expired' : error.code) : 'server';
  }

  async #keepNew(id: string): Promise<void> {
    await this.#close(id, this.t.conflict.kept);
  }

  /**
   * A change without a form (a status, a removal, a request handled), under If-Match. When
   * someone saved first (412), what the user meant is kept and shown beside the plan as it is
   * now, to be made again or dropped.
   */
  async #perform(intent: Intent): Promise<void> {
    const api = this.api;
    const plan = this.plan;
    const section = intentSection(intent);
    if (!api || !plan || this.busy) return;
    const request = intentRequest(intent, plan, new Date());
    if (!request) return;
    this.busy = section;
    this.actionErrors = withoutKey(this.actionErrors, section);
    this.actionConflicts = withoutKey(this.actionConflicts, section);
    let focusOn: string | undefined;
    try {
      const fresh = await this.#write(async () => {
        await api.request(request.method, request.path, request);
        const fresh = (await api.get<PlanView>(path`/api/plans/${plan.id}`)).body;
        this.#apply(fresh);
        return fresh;
      });
      this.dispatchEvent(new SipSavedEvent({ planId: plan.id, section, revision: fresh.revision }));
      this.#announce(this.#intentDone(intent));
      focusOn = this.#focusAfter(intent);
    } catch (error) {
      const code = this.reportError(error);
      if (error instanceof ApiError && error.code === 'precondition-failed') {
        try {
          this.#apply((await api.get<PlanView>(path`/api/plans/${plan.id}`)).body);
          this.actionConflicts = new Map(this.actionConflicts).set(section, intent);
          this.#announce(this.t.conflict.actionPrecondition);
          focusOn = `conflict-${section}`;
        } catch (again) {
          this.actionErrors = new Map(this.actionErrors).set(section, this.t.errors[this.#codeOf(again)]);
        }
      } else {
        let text: string = this.t.errors[code];
        if (error instanceof ApiError && (error.code === 'forbidden' || error.code === 'conflict') && (error.problem?.detail ?? error.problem?.title)) {
          text = this.#refusalText(error, this.plan);
        }
        this.actionErrors = new Map(this.actionErrors).set(section, text);
      }
    } finally {
      this.busy = '';
    }
    await this.updateComplete;
    const target = this.actionErrors.has(section) ? `action-error-${section}` : focusOn;
    if (target) this.#focusOn(target);
  }

  /** Where focus goes once an intent is carried out: the item it was about, or its section. */
  #focusAfter(intent: Intent): string {
    if (intent.kind === 'status') return 'heading-status';
    if (intent.kind === 'remove-participant') return 'heading-participants';
    const index = this.plan ? requestIndex(intent, this.plan) : -1;
    return index >= 0 ? `request-${intent.relativeId}-${index}` : `relative-${intent.relativeId}`;
  }

  async #dropIntent(intent: Intent): Promise<void> {
    this.actionConflicts = withoutKey(this.actionConflicts, intentSection(intent));
    this.#announce(this.t.conflict.kept);
    await this.updateComplete;
    this.#focusOn(this.#focusAfter(intent));
  }

  #intentDone(intent: Intent): string {
    const t = this.t;
    if (intent.kind === 'status') return t.statusChanged(t.status[intent.status]);
    if (intent.kind === 'remove-participant') return t.participantRemoved(intent.name);
    return t.relatives.requestHandled;
  }

  #changeStatus(status: PlanStatus): void {
    void this.#perform({ kind: 'status', status });
  }

  #removeParticipant(participantId: string, name: string): void {
    void this.#perform({ kind: 'remove-participant', participantId, name });
  }

  #markHandled(relative: Relative & { id: string }, index: number): void {
    const request = relative.support?.requests[index];
    if (!request) return;
    void this.#perform({ kind: 'mark-handled', relativeId: relative.id, requestAt: request.at, requestKind: request.kind });
  }

  // --- rendering -------------------------------------------------------------------------------

  override render() {
    const t = this.t;
    const load = this.load;
    if (load.kind === 'error') {
      return html`<div class="base" part="base">
        <p class="form-error" part="message" role="alert">${t.errors[load.code]}</p>
        ${load.code === 'config' || load.code === 'session-expired'
          ? nothing
          : html`<button class="button" part="button" type="button" @click=${() => void this.#load()}>${t.tryAgain}</button>`}
      </div>`;
    }
    const plan = this.plan;
    if (load.kind !== 'ready' || !plan || !this.me) {
      return html`<div class="base" part="base"><p part="message" role="status">${t.loading}</p></div>`;
    }
    const presence = presenceText(this.presence, this.me.organisationId, (id) => this.#orgName(id), this.language);
    return html`<div class="base" part="base">
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
      <h2 id="plan-heading" part="heading" tabindex="-1">${plan.fields.title || t.untitled}</h2>
      <dl>
        <dt>${t.individual}</dt>
        <dd>${plan.individual.name ?? ''} ${plan.individual.personId}</dd>
        <dt>${t.sections.status}</dt>
        <dd><span class="pill">${t.status[plan.status]}</span></dd>
      </dl>
      <p class="presence" part="presence" role="status">${presence ?? nothing}</p>
      ${this.liveExpired ? html`<p id="live-expired" class="form-error" part="message" role="alert">${t.errors['session-expired']}</p>` : nothing}
      ${(['region', 'municipality'] as const).map((side) =>
        plan.sources && (plan.sources[side].status === 'unavailable' || plan.sources[side].status === 'not-found')
          ? html`<p class="muted">${t.syncProblem(side)}</p>`
          : nothing,
      )}
      ${this.#overview(plan)} ${this.#linesSection('individual-goals', plan.fields.individualGoals)} ${this.#linesSection('needs', plan.fields.needs)}
      ${this.#parts(plan)} ${this.#linesSection('own-actions', plan.fields.individualOwnActions)} ${this.#otherActors(plan)}
      ${this.#participants(plan)} ${this.#meetings(plan)} ${this.#followUp(plan)} ${this.#outOfHours(plan)} ${this.#consent(plan)}
      ${this.#status(plan)} ${this.#relatives(plan)}
    </div>`;
  }

  /** Why a change without a form failed; or, when it met a newer version, what the user tried beside what holds now. */
  #feedback(section: string, plan: PlanView): TemplateResult | typeof nothing {
    const error = this.actionErrors.get(section);
    if (error) return html`<p id=${`action-error-${section}`} class="form-error" tabindex="-1" role="alert">${error}</p>`;
    const intent = this.actionConflicts.get(section);
    if (!intent) return nothing;
    const t = this.t;
    const c = t.conflict;
    const state = intentState(intent, plan);
    let tried: string;
    let current: string;
    if (intent.kind === 'status') {
      tried = t.changeStatusTo(t.status[intent.status]);
      current = `${t.sections.status}: ${t.status[plan.status]}`;
    } else if (intent.kind === 'remove-participant') {
      tried = t.removeParticipant(intent.name);
      current = plan.participants.some((p) => p.id === intent.participantId) ? c.participantListed(intent.name) : t.participantRemoved(intent.name);
    } else {
      tried = `${t.relatives.markHandled}: ${t.requestKind[intent.requestKind]}, ${formatDateTime(intent.requestAt, this.language)}`;
      const request = requestOf(intent, plan);
      current = !request ? c.requestGone : request.handledAt ? t.relatives.handled(formatDateTime(request.handledAt, this.language)) : t.relatives.open;
    }
    const busy = this.busy !== '' ? 'true' : 'false';
    return html`<div id=${`conflict-${section}`} class="conflict" part="conflict" role="group" tabindex="-1" aria-labelledby=${`conflict-title-${section}`}>
      <p id=${`conflict-title-${section}`} class="conflict-title">${c.heading}</p>
      <p>${c.actionPrecondition}</p>
      <dl>
        <dt>${c.yourChange}</dt>
        <dd>${tried}</dd>
        <dt>${c.current}</dt>
        <dd>${current}</dd>
      </dl>
      ${state === 'done' ? html`<p>${c.alreadyDone}</p>` : state === 'impossible' ? html`<p>${c.notPossible}</p>` : nothing}
      <div class="actions">
        ${state === 'possible'
          ? html`<button class="button primary" part="button" type="button" aria-disabled=${busy} @click=${() => void this.#perform(intent)}>
                ${c.reapply}
              </button>
              <button class="button" part="button" type="button" @click=${() => void this.#dropIntent(intent)}>${c.drop}</button>`
          : html`<button class="button" part="button" type="button" @click=${() => void this.#dropIntent(intent)}>${c.close}</button>`}
      </div>
    </div>`;
  }

  #mark(key: string): TemplateResult | typeof nothing {
    const mark = this.marks.get(key);
    if (!mark || Date.parse(mark.at) < this.now.getTime() - 3_600_000) return nothing;
    return html`<p class="changed" part="changed">${this.t.changedBy(this.#orgName(mark.organisationId), formatAgo(mark.at, this.now, this.language))}</p>`;
  }

  #reason(access: Access): TemplateResult | typeof nothing {
    if (access.allowed) return nothing;
    return html`<p class="reason" part="reason">${this.t.denial(access.code, access.principal)}</p>`;
  }

  /** A section's heading, its "changed" mark, and its content or its open form, with its Edit button or why not. */
  #section(
    key: string,
    title: string,
    content: TemplateResult | (TemplateResult | typeof nothing)[] | typeof nothing,
    options: { formId?: string; level?: 3 | 4 | 5; headingId?: string; extra?: TemplateResult | typeof nothing; wrap?: boolean } = {},
  ): TemplateResult {
    const formId = options.formId ?? key;
    const headingId = options.headingId ?? `heading-${key}`;
    const level = options.level ?? 3;
    const heading =
      level === 3
        ? html`<h3 id=${headingId} tabindex="-1">${title}</h3>`
        : level === 4
          ? html`<h4 id=${headingId} tabindex="-1">${title}</h4>`
          : html`<h5 id=${headingId} tabindex="-1">${title}</h5>`;
    return html`<section class=${level === 3 ? 'section' : 'sub'} part="section" aria-labelledby=${headingId}>
      ${heading} ${options.wrap === false ? nothing : this.#mark(key)} ${this.#editable(formId, title, content)} ${options.extra ?? nothing}
    </section>`;
  }

  /** The content, or the form in its place while it is open; the Edit button or the reason. */
  #editable(formId: string, title: string, content: unknown): TemplateResult {
    const plan = this.plan!;
    const spec = formSpec(formId, plan, this.t);
    const form = this.forms.get(formId);
    if (!spec) return html`${content}`;
    if (form) return this.#form(spec, form);
    const access = this.#access(spec.operation, spec.target);
    return html`${content}
      ${access.allowed
        ? html`<div class="actions">
            <button id=${`edit-${formId}`} class="button" part="button edit-button" type="button" aria-label=${this.t.editWhat(title)} @click=${() => void this.#open(formId)}>
              ${this.t.edit}
            </button>
          </div>`
        : this.#reason(access)}`;
  }

  /** A button that opens an additive form (a proposal, a log entry), or the reason it is not there. */
  #addButton(formId: string, label: string): TemplateResult | typeof nothing {
    const plan = this.plan!;
    const spec = formSpec(formId, plan, this.t);
    if (!spec) return nothing;
    const form = this.forms.get(formId);
    if (form) return this.#form(spec, form);
    const access = this.#access(spec.operation, spec.target);
    if (!access.allowed) return this.#reason(access);
    return html`<div class="actions">
      <button id=${`edit-${formId}`} class="button" part="button" type="button" @click=${() => void this.#open(formId)}>${label}</button>
    </div>`;
  }

  #form(spec: FormSpec, form: OpenForm): TemplateResult {
    const t = this.t;
    const plan = this.plan!;
    const fields = spec.fields(plan);
    const id = spec.id;
    const groups: { legend?: string; fields: FieldSpec[] }[] = [];
    for (const field of fields) {
      const last = groups.at(-1);
      if (last && last.legend === field.group) last.fields.push(field);
      else groups.push({ ...(field.group ? { legend: field.group } : {}), fields: [field] });
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.#save(id);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        void this.#close(id, t.cancelled);
      }
    };
    return html`<form
      id=${`form-${id}`}
      part="form"
      novalidate
      aria-label=${t.editWhat(spec.title)}
      @keydown=${onKey}
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.#save(id);
      }}
    >
      ${form.errors.length
        ? html`<div id=${`summary-${id}`} class="error-summary" part="error-summary" tabindex="-1" aria-labelledby=${`summary-title-${id}`}>
            <p id=${`summary-title-${id}`}><strong>${t.errorSummary}</strong></p>
            <ul>
              ${form.errors.map(
                (e) => html`<li>
                  <a
                    href=${`#${fieldId(id, e.key)}`}
                    @click=${(event: Event) => {
                      event.preventDefault();
                      this.#focusOn(fieldId(id, e.key));
                    }}
                    >${e.message}</a
                  >
                </li>`,
              )}
            </ul>
          </div>`
        : nothing}
      ${form.refusal ? html`<p id=${`refusal-${id}`} class="form-error" part="message" tabindex="-1" role="alert">${form.refusal}</p>` : nothing}
      ${form.conflict ? this.#conflict(id, form.conflict, fields) : nothing}
      <p class="hint">${t.keyboardHint}</p>
      ${groups.map((group) =>
        group.legend
          ? html`<fieldset>
              <legend>${group.legend}</legend>
              ${group.fields.map((f) => this.#field(id, f, form))}
            </fieldset>`
          : group.fields.map((f) => this.#field(id, f, form)),
      )}
      <div class="actions">
        <button class="button primary" part="button" type="submit" aria-disabled=${form.saving ? 'true' : 'false'}>${form.saving ? t.saving : t.save}</button>
        <button class="button" part="button" type="button" @click=${() => void this.#close(id, t.cancelled)}>${t.cancel}</button>
      </div>
    </form>`;
  }

  #conflict(id: string, conflict: Conflict, fields: FieldSpec[]): TemplateResult {
    const t = this.t;
    const labelOf = (key: string) => {
      const field = fields.find((f) => f.key === key);
      return field ? (field.group ? `${field.group}: ${field.label}` : field.label) : key;
    };
    const shown = conflict.comparisons.filter((c) => c.differs || c.theirsChanged);
    // Each line the other version lacks is marked, in words for screen readers and underlined.
    const show = (value: DraftValue | undefined, other: DraftValue | undefined, field: FieldSpec | undefined) => {
      const lines = linesAgainst(value, other);
      if (lines.length === 0) return html`<span class="muted">${t.empty}</span>`;
      const label = (text: string) =>
        field?.kind === 'checkbox' ? (text === 'true' ? t.yes : t.no) : (field?.options?.find((o) => o.value === text)?.label ?? text);
      return lines.map((line) =>
        line.changed
          ? html`<div><mark><span class="visually-hidden">${t.conflict.differs}: </span>${label(line.text)}</mark></div>`
          : html`<div>${label(line.text)}</div>`,
      );
    };
    const title = conflict.kind === 'live' ? t.conflict.whileWriting(this.#orgName(conflict.organisationId)) : t.conflict.heading;
    return html`<div id=${`conflict-${id}`} class="conflict" part="conflict" role="group" tabindex="-1" aria-labelledby=${`conflict-title-${id}`}>
      <p id=${`conflict-title-${id}`} class="conflict-title">${title}</p>
      <p>${conflict.kind === 'precondition' ? t.conflict.precondition : nothing} ${t.conflict.intro}</p>
      <ul class="comparison">
        ${shown.map(
          (c) => html`<li class=${c.differs ? 'differs' : ''}>
            <span class="comparison-field">${labelOf(c.key)}: ${c.differs ? t.conflict.differs : t.conflict.same}</span>
            <dl>
              <dt>${t.conflict.mine}</dt>
              <dd class="pre">${show(c.mine, c.current, fields.find((f) => f.key === c.key))}</dd>
              <dt>${t.conflict.current}</dt>
              <dd class="pre">${show(c.current, c.mine, fields.find((f) => f.key === c.key))}</dd>
            </dl>
          </li>`,
        )}
      </ul>
      <div class="actions">
        <button class="button primary" part="button" type="button" @click=${() => void this.#save(id)}>${t.conflict.useMine}</button>
        <button class="button" part="button" type="button" @click=${() => void this.#keepNew(id)}>${t.conflict.keepNew}</button>
      </div>
    </div>`;
  }

  #field(formId: string, field: FieldSpec, form: OpenForm): TemplateResult {
    const t = this.t;
    const id = fieldId(formId, field.key);
    const error = form.errors.find((e) => e.key === field.key);
    const describedBy = error ? errorId(formId, field.key) : nothing;
    const value = form.draft[field.key];
    const text = typeof value === 'string' ? value : '';
    const invalid = error ? 'true' : nothing;
    const errorText = error ? html`<p id=${errorId(formId, field.key)} class="field-error">${error.message}</p>` : nothing;
    const label = html`${field.label}${field.required ? html` <span class="muted">${t.required}</span>` : nothing}`;
    const set = (v: string | string[]) => this.#setValue(formId, field.key, v);
    switch (field.kind) {
      case 'checkbox':
        return html`<div class="field">
          ${errorText}
          <div class="check">
            <input id=${id} part="field" type="checkbox" .checked=${live(text === 'true')} aria-invalid=${invalid} aria-describedby=${describedBy}
              @change=${(e: Event) => set((e.target as HTMLInputElement).checked ? 'true' : '')} />
            <label for=${id}>${label}</label>
          </div>
        </div>`;
      case 'checkboxes': {
        const chosen = Array.isArray(value) ? value : [];
        return html`<fieldset id=${id} tabindex="-1" aria-describedby=${describedBy}>
          <legend>${label}</legend>
          ${errorText}
          ${(field.options ?? []).map(
            (o) => html`<div class="check">
              <input id=${`${id}-${o.value}`} part="field" type="checkbox" .checked=${live(chosen.includes(o.value))}
                @change=${(e: Event) =>
                  set((e.target as HTMLInputElement).checked ? [...new Set([...chosen, o.value])] : chosen.filter((v) => v !== o.value))} />
              <label for=${`${id}-${o.value}`}>${o.label}</label>
            </div>`,
          )}
        </fieldset>`;
      }
      case 'select':
        return html`<div class="field">
          <label for=${id}>${label}</label>
          ${errorText}
          <select id=${id} part="field" aria-invalid=${invalid} aria-describedby=${describedBy} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
            ${(field.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === text}>${o.label}</option>`)}
          </select>
        </div>`;
      case 'textarea':
      case 'lines':
        return html`<div class="field">
          <label for=${id}>${label}</label>
          ${field.kind === 'lines' ? html`<p class="hint" id=${`hint-${id}`}>${t.linesHint}</p>` : nothing} ${errorText}
          <textarea id=${id} part="field" rows="4" .value=${live(text)} aria-invalid=${invalid}
            aria-describedby=${[field.kind === 'lines' ? `hint-${id}` : '', error ? errorId(formId, field.key) : ''].filter(Boolean).join(' ') || nothing}
            @input=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}></textarea>
        </div>`;
      default: {
        const type = field.kind === 'datetime' ? 'datetime-local' : field.kind;
        return html`<div class="field">
          <label for=${id}>${label}</label>
          ${errorText}
          <input id=${id} part="field" type=${type} .value=${live(text)} aria-invalid=${invalid} aria-describedby=${describedBy}
            autocomplete="off" @input=${(e: Event) => set((e.target as HTMLInputElement).value)} />
        </div>`;
      }
    }
  }

  // --- the sections ----------------------------------------------------------------------------

  #contact(contact: { name: string; title?: string; phone?: string; unit?: string } | undefined): TemplateResult {
    if (!contact) return html`<span class="muted">${this.t.empty}</span>`;
    return html`${contact.name}${contact.title ? html`, ${contact.title}` : nothing}${contact.unit ? html`, ${contact.unit}` : nothing}${contact.phone
      ? html`, ${contact.phone}`
      : nothing}`;
  }

  #list(items: { text: string }[] | undefined): TemplateResult {
    if (!items?.length) return html`<p class="muted">${this.t.empty}</p>`;
    return html`<ul>
      ${items.map((i) => html`<li class="pre">${i.text}</li>`)}
    </ul>`;
  }

  #overview(plan: PlanView): TemplateResult {
    const t = this.t;
    const f = plan.fields;
    return this.#section(
      'overview',
      t.sections.overview,
      html`<dl>
        <dt>${t.fields.title}</dt>
        <dd>${f.title || html`<span class="muted">${t.empty}</span>`}</dd>
        <dt>${t.fields.overallResponsibility}</dt>
        <dd>${f.overallResponsibility ? t.principal[f.overallResponsibility] : html`<span class="muted">${t.empty}</span>`}</dd>
        <dt>${t.fields.coordinatorName.split(',')[0]}</dt>
        <dd>${this.#contact(f.coordinator)}</dd>
      </dl>`,
    );
  }

  #linesSection(key: (typeof EDITABLE_PLAN_SECTIONS)[number] | 'own-actions', items: { text: string }[] | undefined): TemplateResult {
    return this.#section(key, this.t.sections[key], this.#list(items));
  }

  #parts(plan: PlanView): TemplateResult {
    const t = this.t;
    const ordered = [...plan.parts].sort((a, b) => (a.principal === b.principal ? 0 : a.principal === 'region' ? -1 : 1));
    return html`<section class="section" part="section" aria-labelledby="heading-parts">
      <h3 id="heading-parts" tabindex="-1">${t.sections.parts}</h3>
      ${ordered.map((part) => this.#part(part))}
    </section>`;
  }

  #part(part: PartView): TemplateResult {
    const t = this.t;
    const c = part.content;
    const withheld = this.plan?.visibility?.withheld ?? [];
    const hidden = withheld.filter((w) => w.startsWith(`${part.principal}:`));
    const content = html`<dl>
        <dt>${t.fields.contactName.split(',')[0]}</dt>
        <dd>${this.#contact(c.contactPerson)}</dd>
      </dl>
      <h5>${t.fields.goals}</h5>
      ${this.#list(c.goals)}
      <h5>${t.fields.interventions}</h5>
      ${c.interventions?.length
        ? html`<ul>
            ${c.interventions.map(
              (i) => html`<li class="item">
                <strong>${i.title}</strong> (${t.interventionStatus[i.status]})
                ${i.description ? html`<div class="pre">${i.description}</div>` : nothing}
                ${i.performedBy ? html`<div>${t.fields.performedBy}: ${i.performedBy}</div>` : nothing}
                ${i.when ? html`<div>${t.fields.when}: ${i.when}</div>` : nothing}
                ${i.startDate || i.endDate
                  ? html`<div>${i.startDate ? `${t.fields.startDate} ${formatDate(i.startDate, this.language)}` : ''} ${i.endDate
                      ? `${t.fields.endDate.toLowerCase()} ${formatDate(i.endDate, this.language)}`
                      : ''}</div>`
                  : nothing}
                ${i.source ? html`<div class="muted">${t.source(i.source.system)}</div>` : nothing}
                ${i.removedUpstream ? html`<div class="muted">${t.removedUpstream}</div>` : nothing}
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">${t.empty}</p>`}
      ${hidden.length ? html`<p class="reason">${t.denial('withheld')}</p>` : nothing}`;
    return this.#section(`part:${part.id}`, `${t.principalPart(part.principal)}: ${part.organisation.name}`, content, { level: 4, headingId: `part-${part.id}` });
  }

  #otherActors(plan: PlanView): TemplateResult {
    const t = this.t;
    const items = plan.fields.otherActorMeasures ?? [];
    return this.#section(
      'other-actors',
      t.sections['other-actors'],
      items.length
        ? html`<ul>
            ${items.map((m) => html`<li class="item"><strong>${m.actor}</strong>: <span class="pre">${m.measure}</span>${m.when ? html` (${m.when})` : nothing}</li>`)}
          </ul>`
        : html`<p class="muted">${t.empty}</p>`,
    );
  }

  #participants(plan: PlanView): TemplateResult {
    const t = this.t;
    const access = this.#access('participants.update');
    return html`<section class="section" part="section" aria-labelledby="heading-participants">
      <h3 id="heading-participants" tabindex="-1">${t.sections.participants}</h3>
      ${this.#mark('participants')}
      ${this.#feedback('participants', plan)}
      <ul>
        ${plan.participants.map(
          (p) => html`<li class="item">
            ${p.name}${p.role ? html`, ${p.role}` : nothing} <span class="muted">(${t.participantKind[p.kind]})</span>
            ${p.kind === 'invited' && access.allowed
              ? html`<button class="button warning" part="button" type="button" aria-disabled=${this.busy !== '' ? 'true' : 'false'} @click=${() => this.#removeParticipant(p.id, p.name)}>
                  ${t.removeParticipant(p.name)}
                </button>`
              : nothing}
          </li>`,
        )}
      </ul>
      ${this.#addButton('participants-add', t.addParticipant)}
    </section>`;
  }

  #meetings(plan: PlanView): TemplateResult {
    const t = this.t;
    const items = plan.fields.meetings ?? [];
    return this.#section(
      'meetings',
      t.sections.meetings,
      items.length
        ? html`<ul>
            ${items.map(
              (m) => html`<li class="item">
                <strong>${formatDateTime(m.at, this.language)}</strong>${m.place ? html`, ${m.place}` : nothing}
                ${m.notes ? html`<div class="pre">${m.notes}</div>` : nothing}
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">${t.noMeetings}</p>`,
    );
  }

  #followUp(plan: PlanView): TemplateResult {
    const t = this.t;
    const f = plan.fields.followUp;
    return this.#section(
      'follow-up',
      t.sections['follow-up'],
      f
        ? html`<dl>
            <dt>${t.fields.followUpDate}</dt>
            <dd>${formatDate(f.date, this.language)}</dd>
            <dt>${t.fields.followUpBy}</dt>
            <dd>${this.#contact(f.by)}</dd>
          </dl>`
        : html`<p class="muted">${t.empty}</p>`,
      { headingId: 'section-follow-up' },
    );
  }

  #outOfHours(plan: PlanView): TemplateResult {
    const t = this.t;
    return this.#section(
      'out-of-hours',
      t.sections['out-of-hours'],
      plan.fields.outOfHours ? html`<p class="pre">${plan.fields.outOfHours}</p>` : html`<p class="muted">${t.empty}</p>`,
    );
  }

  #consent(plan: PlanView): TemplateResult {
    const t = this.t;
    const c = plan.consent;
    const state = !c ? t.consentState.none : c.revokedAt ? t.consentState.revoked : c.given ? t.consentState.given : t.consentState.refused;
    return this.#section(
      'consent',
      t.sections.consent,
      html`<p>${state}</p>
        ${c
          ? html`<dl>
              <dt>${t.fields.consentForm}</dt>
              <dd>${t.consentForm[c.form]}</dd>
              <dt>${t.fields.information}</dt>
              <dd>${c.scope.information.length ? c.scope.information.map((i) => t.categories[i]).join(', ') : t.empty}</dd>
              <dt>${t.fields.actors}</dt>
              <dd>${c.scope.actors.length ? c.scope.actors.join(', ') : t.empty}</dd>
              <dt>${t.fields.validUntil}</dt>
              <dd>${c.scope.validUntil ? formatDate(c.scope.validUntil, this.language) : t.empty}</dd>
              <dt>${t.fields.excluded}</dt>
              <dd class="pre">${c.scope.excluded || t.empty}</dd>
              <dt>${t.fields.recordedAt}</dt>
              <dd>${formatDateTime(c.recordedAt, this.language)}, ${c.recordedBy.name}</dd>
              ${c.guardians?.length
                ? html`<dt>${t.guardians}</dt>
                    <dd>${c.guardians.map((g) => `${g.name}: ${g.given ? t.yes : t.no}`).join(', ')}</dd>`
                : nothing}
            </dl>`
          : nothing}`,
    );
  }

  #status(plan: PlanView): TemplateResult {
    const t = this.t;
    const access = this.#access('status.change');
    const next = planTransitions[plan.status];
    return html`<section class="section" part="section" aria-labelledby="heading-status">
      <h3 id="heading-status" tabindex="-1">${t.sections.status}</h3>
      ${this.#mark('status')}
      <p><span class="pill">${t.status[plan.status]}</span></p>
      ${this.#feedback('status', plan)}
      ${next.length === 0
        ? html`<p class="muted">${t.noTransitions}</p>`
        : access.allowed
          ? html`<div class="actions">
              ${next.map(
                (s) => html`<button class="button" part="button" type="button" aria-disabled=${this.busy !== '' ? 'true' : 'false'} @click=${() => this.#changeStatus(s)}>
                  ${t.changeStatusTo(t.status[s])}
                </button>`,
              )}
            </div>`
          : this.#reason(access)}
    </section>`;
  }

  #relatives(plan: PlanView): TemplateResult {
    const t = this.t;
    const relatives = plan.relativesSection.relatives;
    const readable = this.#access('relatives.read');
    return html`<section class="section" part="section" aria-labelledby="heading-relatives">
      <h3 id="heading-relatives" tabindex="-1">${t.sections.relatives}</h3>
      ${!readable.allowed
        ? this.#reason(readable)
        : html`${relatives.length === 0 ? html`<p class="muted">${t.relatives.none}</p>` : relatives.map((r) => this.#relative(r))}
          ${this.#addButton('relatives-add', t.relatives.add)}`}
    </section>`;
  }

  #relative(relative: Relative & { id: string }): TemplateResult {
    const t = this.t;
    const r = t.relatives;
    const key = `relative:${relative.id}`;
    const sharing = relative.sharing;
    const inForce = sharingInEffect(sharing, this.now);
    const lang = this.language;
    const sharingContent = sharing
      ? html`<p><strong>${inForce ? r.sharingInForce : r.sharingNotInForce}</strong></p>
          <dl>
            <dt>${t.fields.categories}</dt>
            <dd>${sharing.categories.length ? sharing.categories.map((c) => t.categories[c]).join(', ') : t.empty}</dd>
            ${sharing.validFrom ? html`<dt>${t.fields.validFrom}</dt><dd>${formatDate(sharing.validFrom, lang)}</dd>` : nothing}
            ${sharing.validUntil ? html`<dt>${t.fields.validUntil}</dt><dd>${formatDate(sharing.validUntil, lang)}</dd>` : nothing}
            <dt>${t.fields.recordedAt}</dt>
            <dd>${t.consentForm[sharing.form]}, ${formatDateTime(sharing.recordedAt, lang)}, ${sharing.recordedBy.name}</dd>
          </dl>`
      : html`<p class="muted">${r.noSharing}</p>`;
    const information = relative.information ?? [];
    const informed = relative.informed ?? [];
    const commitments = relative.commitments ?? [];
    const support = relative.support;
    const cancelAccess = this.#access('commitment.cancel');
    const supportAccess = this.#access('relatives.update');
    return html`<section class="sub" part="section" aria-labelledby=${`relative-${relative.id}`}>
      <h4 id=${`relative-${relative.id}`} tabindex="-1">${relative.name}</h4>
      ${this.#mark(key)}
      ${this.#feedback(key, this.plan!)}
      <p>
        ${relative.relationship.text}${relative.child ? html`, ${r.child}` : nothing}${relative.sharesHome ? html`, ${r.sharesHome.toLowerCase()}` : nothing}
        ${relative.protectedIdentity ? html`<br /><strong>${r.protectedIdentity}</strong>` : nothing}
      </p>
      ${this.#section(`${key}:sharing`, r.sharing, sharingContent, { level: 5, headingId: `sharing-${relative.id}`, wrap: false })}
      ${this.#section(
        `${key}:information`,
        r.information,
        information.length
          ? html`<ul>
              ${information.map((i) => html`<li class="item"><span class="pre">${i.what}</span> (${i.how}, ${i.howOften})</li>`)}
            </ul>`
          : html`<p class="muted">${t.empty}</p>`,
        { level: 5, headingId: `information-${relative.id}`, wrap: false },
      )}
      <section class="sub" aria-labelledby=${`informed-${relative.id}`}>
        <h5 id=${`informed-${relative.id}`}>${r.informed}</h5>
        ${informed.length
          ? html`<ul>
              ${informed.map((e) => html`<li class="item">${formatDateTime(e.at, lang)}, ${e.by.name}: <span class="pre">${e.what}</span></li>`)}
            </ul>`
          : html`<p class="muted">${r.notInformed}</p>`}
        ${this.#addButton(`${key}:informed`, r.logInformed)}
      </section>
      <section class="sub" aria-labelledby=${`commitments-${relative.id}`}>
        <h5 id=${`commitments-${relative.id}`}>${r.commitments}</h5>
        ${commitments.length === 0 ? html`<p class="muted">${r.noCommitments}</p>` : nothing}
        ${commitments.map((c) => {
          const status = commitmentStatus(c);
          const cancelId = `${key}:commitment:${c.id}:cancel`;
          return html`<div class="item">
            <h6 id=${`commitment-${relative.id}-${c.id}`} tabindex="-1">${c.what}</h6>
            <p>
              <strong>${t.commitmentStatus[status]}</strong>.${c.kind ? ` ${t.fields.commitmentKind}: ${t.commitmentKind[c.kind].toLowerCase()}.` : ''} ${c.howOften}. ${t.fields.from} ${formatDate(c.from, lang)}${c.until
                ? html`, ${t.fields.until.toLowerCase()} ${formatDate(c.until, lang)}`
                : nothing}.
              ${t.fields.reviewDate} ${formatDate(commitmentReviewDate(c), lang)}.
            </p>
            <details>
              <summary>${r.history}</summary>
              <ol>
                ${c.history.map(
                  (h) => html`<li>
                    ${formatDateTime(h.at, lang)}: ${t.historyStatus[h.status]} (${h.by === 'staff' ? `${r.byStaff}${h.organisationId ? `, ${this.#orgName(h.organisationId)}` : ''}` : r.byRelative})${h.comment
                      ? html`: <span class="pre">${h.comment}</span>`
                      : nothing}
                  </li>`,
                )}
              </ol>
            </details>
            ${status === 'cancelled' ? nothing : cancelAccess.allowed ? this.#addButton(cancelId, r.cancel) : this.#reason(cancelAccess)}
          </div>`;
        })}
        ${this.#addButton(`${key}:propose`, r.propose)}
      </section>
      ${this.#section(
        `${key}:support`,
        r.support,
        html`<p>${support?.offered.length ? support.offered.map((o) => t.support[o]).join(', ') : html`<span class="muted">${t.empty}</span>`}</p>
          ${support?.takenUp?.length
            ? html`<ul>
                ${support.takenUp.map((x) => html`<li>${t.takenUpOn(t.support[x.kind], formatDate(x.at, lang))}</li>`)}
              </ul>`
            : nothing}
          ${support?.referredToConsultantAt ? html`<p>${r.referred(formatDateTime(support.referredToConsultantAt, lang))}</p>` : nothing}`,
        {
          level: 5,
          headingId: `support-${relative.id}`,
          wrap: false,
          extra: html`<h6>${r.requests}</h6>
            ${support?.requests.length
              ? support.requests.map(
                  (q, index) => html`<div class="item">
                    <h6 id=${`request-${relative.id}-${index}`} tabindex="-1">${t.requestKind[q.kind]}, ${formatDateTime(q.at, lang)}</h6>
                    ${q.note ? html`<p class="pre">${q.note}</p>` : nothing}
                    <p>${q.handledAt ? r.handled(formatDateTime(q.handledAt, lang)) : r.open}</p>
                    ${q.handledAt
                      ? nothing
                      : supportAccess.allowed
                        ? html`<button class="button" part="button" type="button" aria-disabled=${this.busy !== '' ? 'true' : 'false'} @click=${() => this.#markHandled(relative, index)}>
                            ${r.markHandled}
                          </button>`
                        : this.#reason(supportAccess)}
                  </div>`,
                )
              : html`<p class="muted">${r.noRequests}</p>`}`,
        },
      )}
      <section class="sub" aria-labelledby=${`home-${relative.id}`}>
        <h5 id=${`home-${relative.id}`}>${r.homeConsent}</h5>
        <p class="muted">${r.homeConsentNote}</p>
        ${relative.homeConsent
          ? html`<p><strong>${relative.homeConsent.consent ? r.homeConsentYes : r.homeConsentNo}</strong>, ${formatDateTime(relative.homeConsent.at, lang)}${relative
                .homeConsent.comment
                ? html`: <span class="pre">${relative.homeConsent.comment}</span>`
                : nothing}</p>
              ${relative.homeConsent.history.length > 1
                ? html`<details>
                    <summary>${r.answerHistory}</summary>
                    <ol>
                      ${relative.homeConsent.history.map((h) => html`<li>${formatDateTime(h.at, lang)}: ${h.consent ? r.homeConsentYes : r.homeConsentNo}</li>`)}
                    </ol>
                  </details>`
                : nothing}`
          : html`<p class="muted">${r.noHomeConsent}</p>`}
      </section>
    </section>`;
  }
}
