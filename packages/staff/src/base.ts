/**
 * What every staff element shares: the `api-base` and `lang` attributes, the token only as a
 * property (`getAccessToken`), the API client, the language, and turning a failure into an
 * event for the host.
 */
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { ApiError, normaliseBase, StaffApi, TokenSource, type AccessTokenProvider } from './api.ts';
import { SipErrorEvent, SipSessionExpiredEvent, type SipErrorCode } from './events.ts';
import { langOf, type Lang } from './i18n.ts';

export abstract class SipStaffElement extends LitElement {
  /** The broker's base URL, e.g. `https://sip.example.se`. */
  @property({ attribute: 'api-base' }) accessor apiBase = '';

  /** `sv` (default) or `en`. */
  @property({ reflect: true }) override accessor lang = 'sv';

  /**
   * Gives the element an access token (a staff token of the broker). Set as a property, never
   * an attribute. Called with `{ renew: true }` when the service refused the last one.
   */
  @property({ attribute: false }) accessor getAccessToken: AccessTokenProvider | undefined;

  readonly #tokens = new TokenSource(() => this.getAccessToken);
  #api: StaffApi | undefined;

  protected get language(): Lang {
    return langOf(this.lang);
  }

  /** The API client, or undefined while `api-base` is not an absolute http(s) URL. */
  protected get api(): StaffApi | undefined {
    const base = normaliseBase(this.apiBase);
    if (!base) return undefined;
    if (this.#api?.base !== base) this.#api = new StaffApi(base, this.#tokens);
    return this.#api;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('getAccessToken')) this.#tokens.reset();
    super.willUpdate(changed as never);
  }

  /** Tells the host what failed (a code, a status and a request id; never content). */
  protected reportError(error: unknown): SipErrorCode | 'session-expired' {
    if (error instanceof ApiError) {
      if (error.code === 'session-expired') {
        this.dispatchEvent(new SipSessionExpiredEvent());
        return 'session-expired';
      }
      this.dispatchEvent(
        new SipErrorEvent({
          code: error.code,
          ...(error.status !== undefined ? { status: error.status } : {}),
          ...(error.requestId ? { requestId: error.requestId } : {}),
        }),
      );
      return error.code;
    }
    this.dispatchEvent(new SipErrorEvent({ code: 'server' }));
    return 'server';
  }
}
