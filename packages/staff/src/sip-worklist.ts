import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { path } from './api.ts';
import { formatDate, formatDateTime, type Lang } from './i18n.ts';
import { SipListElement } from './lists/list-element.ts';
import { listStyles } from './lists/styles.ts';
import { focusOf, groupByUrgency, isRequestKind, keyOf, requestIndexOf, type WorkItem, type WorkKind, type WorklistApiItem } from './lists/worklist.ts';

interface Page<T> {
  items: T[];
  total: number;
}

interface PlanSummary {
  id: string;
  title: string | null;
  followUpDate: string | null;
}

interface WorklistData {
  items: WorkItem[];
  titles: Map<string, string | null>;
  /** Items on the service's list that were not read (more than the element reads at once). */
  notShown: number;
}

type Messages = {
  heading: string;
  refresh: string;
  refreshed: string;
  empty: string;
  count: (n: number) => string;
  notShown: (n: number) => string;
  groups: Record<WorkKind, string>;
  what: Record<WorkKind, (name: string) => string>;
  since: (when: string) => string;
  plan: (title: string) => string;
  untitled: string;
  responsibility: Record<'region' | 'municipality', string>;
  someone: string;
};

const messages = {
  sv: {
    heading: 'Att göra',
    refresh: 'Uppdatera',
    refreshed: 'Listan är uppdaterad.',
    empty: 'Inget att göra just nu.',
    count: (n) => (n === 1 ? '1 sak att göra' : `${n} saker att göra`),
    notShown: (n) => `Ytterligare ${n} saker visas inte här. Hantera de äldsta först och uppdatera sedan.`,
    groups: {
      'consent-withdrawn': 'Samtycket återkallat',
      'consent-expired': 'Samtycket har gått ut',
      'commitment-withdrawn': 'Avslutade åtaganden',
      'commitment-declined': 'Avböjda åtaganden',
      'follow-up-due': 'Uppföljning att göra',
      'commitment-review-due': 'Åtaganden att ompröva',
      'contact-request': 'Vill få kontakt med anhörigkonsulent',
      'needs-assessment-request': 'Vill få en egen behovsbedömning',
      'leave-role-request': 'Vill kliva av anhörigrollen',
    },
    what: {
      'consent-withdrawn': () => 'Den enskilde har återkallat sitt samtycke till planen',
      'consent-expired': () => 'Samtycket till planen har gått ut',
      'commitment-withdrawn': (name) => `${name} har avslutat ett åtagande`,
      'commitment-declined': (name) => `${name} har tackat nej till ett åtagande`,
      'follow-up-due': () => 'Planen ska följas upp',
      'commitment-review-due': (name) => `Dags att ompröva åtagandet med ${name}`,
      'contact-request': (name) => `${name} vill få kontakt med anhörigkonsulent`,
      'needs-assessment-request': (name) => `${name} vill få en egen behovsbedömning`,
      'leave-role-request': (name) => `${name} vill inte längre ha en roll i planen`,
    },
    since: (when) => `Sedan ${when}`,
    plan: (title) => `Plan: ${title}`,
    untitled: 'SIP utan titel',
    responsibility: { region: 'Helhetsansvar: regionen', municipality: 'Helhetsansvar: kommunen' },
    someone: 'En närstående',
  },
  en: {
    heading: 'To do',
    refresh: 'Refresh',
    refreshed: 'The list is up to date.',
    empty: 'Nothing to do right now.',
    count: (n) => (n === 1 ? '1 thing to do' : `${n} things to do`),
    notShown: (n) => `${n} more are not shown here. Deal with the oldest first, then refresh.`,
    groups: {
      'consent-withdrawn': 'Consent withdrawn',
      'consent-expired': 'Consent has run out',
      'commitment-withdrawn': 'Commitments ended',
      'commitment-declined': 'Commitments declined',
      'follow-up-due': 'Follow-ups due',
      'commitment-review-due': 'Commitments to review',
      'contact-request': 'Asking for the relatives’ consultant',
      'needs-assessment-request': 'Asking for their own needs assessment',
      'leave-role-request': 'Asking to step out of the relative role',
    },
    what: {
      'consent-withdrawn': () => 'The individual has withdrawn their consent to the plan',
      'consent-expired': () => 'The consent to the plan has run out',
      'commitment-withdrawn': (name) => `${name} has ended a commitment`,
      'commitment-declined': (name) => `${name} has declined a commitment`,
      'follow-up-due': () => 'The plan is due for follow-up',
      'commitment-review-due': (name) => `Time to review the commitment with ${name}`,
      'contact-request': (name) => `${name} asks to be contacted by the relatives’ consultant`,
      'needs-assessment-request': (name) => `${name} asks for their own needs assessment`,
      'leave-role-request': (name) => `${name} asks to no longer have a role in the plan`,
    },
    since: (when) => `Since ${when}`,
    plan: (title) => `Plan: ${title}`,
    untitled: 'Untitled SIP',
    responsibility: { region: 'Overall responsibility: the region', municipality: 'Overall responsibility: the municipality' },
    someone: 'A relative',
  },
} satisfies Record<Lang, Messages>;

/** How many pages of 100 the element reads at most, of the work list and of the plans. */
const MAX_PAGES = 10;

const when = (since: string, lang: Lang) => (/^\d{4}-\d{2}-\d{2}$/.test(since) ? formatDate(since, lang) : formatDateTime(since, lang));

/**
 * @tag sip-worklist
 * @summary What needs my organisation's attention in its SIPs: relatives who declined or ended
 * a commitment, review dates passed, relatives' requests, follow-ups due and consents withdrawn
 * or run out; most urgent first, each a link to the plan at that item.
 *
 * @attr {string} api-base - The broker's base URL, e.g. `https://sip.example.se`.
 * @attr {string} lang - `sv` (default) or `en`.
 * @attr {string} href-template - Optional, e.g. `/case/plans/{planId}?focus={focus}`: items become
 *   links the host routes, with `{planId}` and `{focus}` filled in and encoded. Without it, buttons
 *   that send `sip-open-plan`.
 * @prop {AccessTokenProvider} getAccessToken - Gives the element a staff access token; a property, never an attribute.
 *
 * @event {SipReadyEvent} sip-ready - The list is loaded. `detail`: `{}`.
 * @event {SipOpenPlanEvent} sip-open-plan - The user chose an item. `detail`: `{ planId, focus }`, focus
 *   `relative:<relativeId>:commitment:<commitmentId>`, `relative:<relativeId>:request:<index>`,
 *   `relative:<relativeId>`, `follow-up` or `consent`.
 * @event {SipErrorEvent} sip-error - Loading failed. `detail`: `{ code, status?, requestId? }`.
 * @event {SipSessionExpiredEvent} sip-session-expired - The token was refused and no new one was given.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The heading.
 * @csspart group - Each group of items of one kind.
 * @csspart item - One item.
 * @csspart link - An item's link (with `href-template`).
 * @csspart button - Every button.
 * @csspart open - An item's button (without `href-template`).
 * @csspart message - Loading, empty and error messages.
 * @csspart error - The error message.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Buttons and links.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring (inner).
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Focus ring (outer).
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 * @cssproperty [--sip-spacing=1rem] - The base spacing.
 */
export class SipWorklist extends SipListElement<WorklistData> {
  static override styles = listStyles;

  #announce = '';

  protected override async fetchData(signal: AbortSignal): Promise<WorklistData> {
    const api = this.api!;
    const all = async <T>(url: string, query: Record<string, string | number> = {}) => {
      const items: T[] = [];
      let total = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const { body } = await api.get<Page<T>>(url, { query: { ...query, limit: 100, offset: page * 100 }, signal });
        items.push(...body.items);
        total = body.total;
        if (items.length >= total || body.items.length === 0) break;
      }
      return { items, total };
    };
    const [worklist, plans, due] = await Promise.all([
      all<WorklistApiItem>('/api/worklist'),
      all<PlanSummary>('/api/plans'),
      all<PlanSummary>('/api/plans', { followUpDue: 'true' }),
    ]);
    const items: WorkItem[] = [
      ...worklist.items.map((i) => ({ ...i })),
      ...due.items.map(
        (p): WorkItem => ({
          planId: p.id,
          kind: 'follow-up-due',
          since: p.followUpDate ?? '',
          relativeId: null,
          relativeName: null,
          commitmentId: null,
          overallResponsibility: null,
        }),
      ),
    ];
    // A request is named in the plan by its place among the relative's requests: read it from the section.
    const withRequests = [...new Set(items.filter((i) => i.relativeId && isRequestKind(i.kind)).map((i) => i.planId))];
    await Promise.all(
      withRequests.map(async (planId) => {
        try {
          const { body } = await api.get<{ relatives: { id: string; support?: { requests?: { kind: string; at: string }[] } }[] }>(
            path`/api/plans/${planId}/relatives`,
            { signal },
          );
          for (const item of items.filter((i) => i.planId === planId)) {
            const index = requestIndexOf(item, body.relatives.find((r) => r.id === item.relativeId)?.support?.requests);
            if (index !== undefined) item.requestIndex = index;
          }
        } catch (error) {
          if (error instanceof DOMException && error.name === 'AbortError') throw error;
          // The item still opens the relative; only its exact place is unknown.
        }
      }),
    );
    return {
      items,
      titles: new Map(plans.items.map((p) => [p.id, p.title])),
      notShown: Math.max(0, worklist.total - worklist.items.length) + Math.max(0, due.total - due.items.length),
    };
  }

  async #refresh(): Promise<void> {
    this.#announce = '';
    await this.reload();
    if (this.load.kind === 'loaded') this.#announce = messages[this.language].refreshed;
    this.requestUpdate();
    await this.focusAfterRender('#refresh');
  }

  override render() {
    const m = messages[this.language];
    const load = this.load;
    const data = load.kind === 'loaded' ? load.data : load.kind === 'loading' ? load.previous : undefined;
    return html`<section class="base" part="base" aria-labelledby="heading">
      <div class="toolbar">
        <h2 id="heading" part="heading">${m.heading}</h2>
        ${load.kind === 'waiting' || (load.kind === 'error' && load.failure.code === 'config')
          ? nothing
          : html`<button id="refresh" type="button" part="button" class="secondary" ?disabled=${load.kind === 'loading'} @click=${() => void this.#refresh()}>
              ${m.refresh}
            </button>`}
      </div>
      <p class="visually-hidden" role="status">${load.kind === 'loaded' ? this.#announce : ''}</p>
      ${load.kind === 'loading' || load.kind === 'waiting' ? this.renderLoading() : nothing}
      ${load.kind === 'error' ? this.renderFailure(load.failure) : nothing} ${data ? this.#renderItems(data, m) : nothing}
    </section>`;
  }

  #renderItems(data: WorklistData, m: Messages): TemplateResult {
    if (data.items.length === 0) return html`<p class="message" part="message empty">${m.empty}</p>`;
    const groups = groupByUrgency(data.items);
    let n = 0;
    return html`<p>${m.count(data.items.length)}</p>
      ${data.notShown > 0 ? html`<p class="muted">${m.notShown(data.notShown)}</p>` : nothing}
      ${groups.map(
        (group) => html`<section part="group" aria-labelledby=${`group-${group.kind}`}>
          <h3 id=${`group-${group.kind}`}>${m.groups[group.kind]} (${group.items.length})</h3>
          <ul class="items">
            ${repeat(
              group.items,
              keyOf,
              (item) => {
                const i = n++;
                const name = item.relativeName || m.someone;
                const title = data.titles.get(item.planId) ?? null;
                return html`<li part="item">
                  ${this.renderOpen({ planId: item.planId, focus: focusOf(item) }, m.what[item.kind](name), { id: `item-${i}`, describedBy: `item-${i}-about` })}
                  <p id=${`item-${i}-about`} class="muted">
                    ${m.plan(title || m.untitled)}.
                    ${item.since ? html`${m.since(when(item.since, this.language))}.` : nothing}
                    ${item.overallResponsibility ? html`${m.responsibility[item.overallResponsibility]}.` : nothing}
                  </p>
                </li>`;
              },
            )}
          </ul>
        </section>`,
      )}`;
  }
}
