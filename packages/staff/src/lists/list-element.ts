/**
 * What the four list elements share beyond `SipStaffElement`: loading in turn (a newer load
 * aborts an older one), the loading, error and signed-out states with the service's request id
 * as a reference, `sip-ready` once the first load is in, and links or buttons that open a plan.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ApiError } from '../api.ts';
import { SipStaffElement } from '../base.ts';
import { SipErrorEvent, SipOpenPlanEvent, SipReadyEvent } from '../events.ts';
import { common } from '../i18n.ts';
import { fillHref, type OpenTarget } from './href.ts';

export type Failure = { code: keyof (typeof common)['sv']['errors']; status?: number; requestId?: string };

export type Load<T> = { kind: 'waiting' } | { kind: 'loading'; previous?: T } | { kind: 'error'; failure: Failure } | { kind: 'loaded'; data: T };

/** The failure an error stands for, told to the host (once) as `sip-error` or `sip-session-expired`. */
export function failureOf(element: SipStaffElement & { report(error: unknown): string }, error: unknown): Failure {
  const code = element.report(error) as Failure['code'];
  if (error instanceof ApiError) {
    return { code, ...(error.status !== undefined ? { status: error.status } : {}), ...(error.requestId ? { requestId: error.requestId } : {}) };
  }
  return { code };
}

export abstract class SipListElement<T> extends SipStaffElement {
  /**
   * When set (e.g. `/case/plans/{planId}?focus={focus}`), items are links the host system routes,
   * `{planId}` and `{focus}` filled in and encoded; without it, buttons that send `sip-open-plan`.
   */
  @property({ attribute: 'href-template' }) accessor hrefTemplate: string | null = null;

  @state() protected accessor load: Load<T> = { kind: 'waiting' };

  #controller: AbortController | undefined;
  #ready = false;
  #scheduled = false;

  /** Reads what the element shows. */
  protected abstract fetchData(signal: AbortSignal): Promise<T>;

  /** The properties whose change means loading again (besides `api-base` and `getAccessToken`). */
  protected reloadOn(): readonly PropertyKey[] {
    return [];
  }

  /** The `sip-ready` detail. */
  protected readyDetail(): { planId?: string; revision?: number } {
    return {};
  }

  report(error: unknown): string {
    return this.reportError(error);
  }

  override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed as never);
    if (['apiBase', 'getAccessToken', ...this.reloadOn()].some((key) => changed.has(key as never))) this.#schedule();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#controller?.abort();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.load.kind !== 'loaded') this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      void this.reload();
    });
  }

  /** Loads again; resolves once the new state is rendered. */
  async reload(): Promise<void> {
    this.#controller?.abort();
    if (!this.api) {
      this.load = { kind: 'error', failure: { code: 'config' } };
      this.dispatchEvent(new SipErrorEvent({ code: 'config' }));
      return;
    }
    if (!this.getAccessToken) {
      this.load = { kind: 'waiting' };
      return;
    }
    const controller = new AbortController();
    this.#controller = controller;
    const previous = this.load.kind === 'loaded' ? this.load.data : this.load.kind === 'loading' ? this.load.previous : undefined;
    this.load = previous === undefined ? { kind: 'loading' } : { kind: 'loading', previous };
    try {
      const data = await this.fetchData(controller.signal);
      if (controller.signal.aborted) return;
      this.load = { kind: 'loaded', data };
      await this.updateComplete;
      if (!this.#ready) {
        this.#ready = true;
        this.dispatchEvent(new SipReadyEvent(this.readyDetail()));
      }
    } catch (error) {
      if (controller.signal.aborted || (error instanceof DOMException && error.name === 'AbortError')) return;
      this.load = { kind: 'error', failure: failureOf(this, error) };
    }
  }

  protected get t() {
    return common[this.language];
  }

  /** The loading message (a live region, so a screen reader hears it). */
  protected renderLoading(): TemplateResult {
    return html`<p class="message" part="message" role="status">${this.t.loading}</p>`;
  }

  /**
   * The error: what happened in words, the request id as a reference, and a way on. `explain`
   * gives an element's own words for a code (a 403 to a non-auditor).
   */
  protected renderFailure(failure: Failure, explain?: (failure: Failure) => string | undefined): TemplateResult {
    const text = explain?.(failure) ?? this.t.errors[failure.code];
    const retry = failure.code !== 'config' && failure.code !== 'forbidden' && failure.code !== 'session-expired';
    return html`<div class="message error" part="message error" role="alert">
      <p>${text}</p>
      ${failure.requestId ? html`<p class="muted">${this.t.reference(failure.requestId)}</p>` : nothing}
      ${retry ? html`<button type="button" part="button" class="secondary" @click=${() => void this.reload()}>${this.t.tryAgain}</button>` : nothing}
    </div>`;
  }

  /** A link (with `href-template`) or a button that opens a plan at an item. */
  protected renderOpen(target: OpenTarget, label: TemplateResult | string, options: { id?: string; describedBy?: string } = {}): TemplateResult {
    const href = this.hrefTemplate ? fillHref(this.hrefTemplate, target) : undefined;
    if (href) {
      return html`<a
        class="item-link"
        part="link"
        id=${options.id ?? nothing}
        href=${href}
        aria-describedby=${options.describedBy ?? nothing}
        data-plan-id=${target.planId}
        data-focus=${target.focus ?? nothing}
        >${label}</a
      >`;
    }
    return html`<button
      type="button"
      class="link"
      part="button open"
      id=${options.id ?? nothing}
      aria-describedby=${options.describedBy ?? nothing}
      data-plan-id=${target.planId}
      data-focus=${target.focus ?? nothing}
      @click=${() => this.dispatchEvent(new SipOpenPlanEvent(target.focus ? { planId: target.planId, focus: target.focus } : { planId: target.planId }))}
    >
      ${label}
    </button>`;
  }

  /** Focuses an element in the shadow root once rendered (after a refresh or a page change). */
  protected async focusAfterRender(selector: string): Promise<void> {
    await this.updateComplete;
    const target = this.renderRoot.querySelector<HTMLElement>(selector);
    target?.focus();
  }
}
