import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { path } from './api.ts';
import { formatDateTime, type Lang } from './i18n.ts';
import { diffInWords, type PatchOperation, type SectionChanges } from './lists/diff.ts';
import { failureOf, SipListElement, type Failure } from './lists/list-element.ts';
import { listStyles } from './lists/styles.ts';

/** One version as `GET /api/plans/{planId}/versions` gives it: who changed it by HSA-id, and by name where the service kept one. */
interface VersionEntry {
  revision: number;
  change: string;
  partId: string | null;
  changedBy: { userId: string; organisationId: string; name?: string | null; organisationName?: string | null; role?: 'staff' | 'individual' | 'relative' };
  changedAt: string;
}

interface HistoryData {
  versions: VersionEntry[];
  organisations: Map<string, string>;
}

type Diff =
  | { kind: 'idle' }
  | { kind: 'loading'; from: number; to: number }
  | { kind: 'error'; failure: Failure }
  | { kind: 'invalid' }
  | { kind: 'loaded'; from: number; to: number; operations: PatchOperation[]; before: unknown; after: unknown };

type Messages = {
  heading: string;
  caption: string;
  columns: { revision: string; when: string; organisation: string; who: string; what: string };
  changes: Record<string, string>;
  part: string;
  empty: string;
  noPlan: string;
  compare: string;
  from: string;
  to: string;
  show: string;
  same: string;
  diffHeading: (from: number, to: number) => string;
  noDiff: string;
  added: string;
  removed: string;
  changed: string;
  before: string;
  after: string;
  version: (n: number) => string;
  unknownOrganisation: (id: string) => string;
  /** In the organisation column when the individual or a relative acted themselves, with their e-ID. */
  citizen: { individual: string; relative: string };
  /** After their name: how they signed in. */
  withEId: string;
};

const messages = {
  sv: {
    heading: 'Planens historik',
    caption: 'Alla versioner av planen, äldsta först',
    columns: { revision: 'Version', when: 'När', organisation: 'Organisation', who: 'Vem', what: 'Vad' },
    changes: {
      'plan.created': 'Planen skapades',
      'plan.updated': 'Planens uppgifter ändrades',
      'plan.synced': 'Hämtat på nytt från journal och akt',
      'part.updated': 'En huvudmans del ändrades',
      'consent.updated': 'Samtycket registrerades eller ändrades',
      'consent.withdrawn': 'Samtycket återkallades',
      'participants.updated': 'Deltagarna ändrades',
      'status.changed': 'Status ändrades',
      'relatives.updated': 'Närståendedelen ändrades',
      'relatives.answered': 'En närstående svarade',
      'worklist.commitment-review-due': 'Ett åtagandes omprövningsdatum passerade',
      'worklist.commitment-declined': 'En närstående tackade nej till ett åtagande',
      'worklist.commitment-withdrawn': 'En närstående avslutade ett åtagande',
      'worklist.contact-request': 'En närstående bad om kontakt med anhörigkonsulent',
      'worklist.needs-assessment-request': 'En närstående bad om en egen behovsbedömning',
      'worklist.leave-role-request': 'En närstående bad att få kliva av anhörigrollen',
    },
    part: 'del',
    empty: 'Planen har inga versioner ännu.',
    noPlan: 'Ingen plan är vald.',
    compare: 'Jämför två versioner',
    from: 'Från version',
    to: 'Till version',
    show: 'Visa skillnader',
    same: 'Välj två olika versioner.',
    diffHeading: (from, to) => `Skillnader från version ${from} till version ${to}`,
    noDiff: 'Inget som visas i planen skiljer sig mellan versionerna.',
    added: 'tillagt',
    removed: 'borttaget',
    changed: 'ändrat',
    before: 'Före',
    after: 'Efter',
    version: (n) => `Version ${n}`,
    unknownOrganisation: (id) => `Organisation ${id}`,
    citizen: { individual: 'Den enskilde själv', relative: 'Närstående' },
    withEId: 'med e-legitimation',
  },
  en: {
    heading: 'History of the plan',
    caption: 'Every version of the plan, oldest first',
    columns: { revision: 'Version', when: 'When', organisation: 'Organisation', who: 'Who', what: 'What' },
    changes: {
      'plan.created': 'The plan was created',
      'plan.updated': 'The plan’s details were changed',
      'plan.synced': 'Read again from the health and social care records',
      'part.updated': 'A principal’s part was changed',
      'consent.updated': 'The consent was recorded or changed',
      'consent.withdrawn': 'The consent was withdrawn',
      'participants.updated': 'The participants were changed',
      'status.changed': 'The status was changed',
      'relatives.updated': 'The relatives section was changed',
      'relatives.answered': 'A relative answered',
      'worklist.commitment-review-due': 'A commitment’s review date passed',
      'worklist.commitment-declined': 'A relative declined a commitment',
      'worklist.commitment-withdrawn': 'A relative ended a commitment',
      'worklist.contact-request': 'A relative asked for the relatives’ consultant',
      'worklist.needs-assessment-request': 'A relative asked for their own needs assessment',
      'worklist.leave-role-request': 'A relative asked to step out of the relative role',
    },
    part: 'part',
    empty: 'The plan has no versions yet.',
    noPlan: 'No plan is chosen.',
    compare: 'Compare two versions',
    from: 'From version',
    to: 'To version',
    show: 'Show differences',
    same: 'Choose two different versions.',
    diffHeading: (from, to) => `Differences from version ${from} to version ${to}`,
    noDiff: 'Nothing shown in the plan differs between the versions.',
    added: 'added',
    removed: 'removed',
    changed: 'changed',
    before: 'Before',
    after: 'After',
    version: (n) => `Version ${n}`,
    unknownOrganisation: (id) => `Organisation ${id}`,
    citizen: { individual: 'The individual themself', relative: 'Relative' },
    withEId: 'with e-ID',
  },
} satisfies Record<Lang, Messages>;

/**
 * @tag sip-plan-history
 * @summary Every version of a SIP: when, by which organisation and whom, and what kind of change;
 * and what differs between two chosen versions, per section and field, in words.
 *
 * @attr {string} api-base - The broker's base URL, e.g. `https://sip.example.se`.
 * @attr {string} lang - `sv` (default) or `en`.
 * @attr {string} plan-id - The plan whose history is shown.
 * @prop {AccessTokenProvider} getAccessToken - Gives the element a staff access token; a property, never an attribute.
 *
 * @event {SipReadyEvent} sip-ready - The versions are loaded. `detail`: `{ planId, revision }` (the newest).
 * @event {SipErrorEvent} sip-error - Loading failed. `detail`: `{ code, status?, requestId? }`.
 * @event {SipSessionExpiredEvent} sip-session-expired - The token was refused and no new one was given.
 *
 * @csspart base - The wrapper around everything.
 * @csspart heading - The heading.
 * @csspart table - The table of versions.
 * @csspart compare - The form that chooses two versions.
 * @csspart field - Every field.
 * @csspart button - Every button.
 * @csspart diff - The differences between two versions.
 * @csspart change - One change.
 * @csspart message - Loading, empty and error messages.
 * @csspart error - Error messages.
 *
 * @cssproperty [--sip-color-text=#0b0c0c] - Text.
 * @cssproperty [--sip-color-background=#ffffff] - Background.
 * @cssproperty [--sip-color-muted=#505a5f] - Secondary text.
 * @cssproperty [--sip-color-border=#6f777b] - Borders and rules.
 * @cssproperty [--sip-color-primary=#1d70b8] - Buttons.
 * @cssproperty [--sip-color-primary-text=#ffffff] - Text on buttons.
 * @cssproperty [--sip-color-danger=#c3310f] - Errors.
 * @cssproperty [--sip-color-focus=#ffdd00] - Focus ring (inner).
 * @cssproperty [--sip-color-focus-contrast=#0b0c0c] - Focus ring (outer).
 * @cssproperty [--sip-radius=0.25rem] - Corner radius.
 * @cssproperty [--sip-spacing=1rem] - The base spacing.
 */
export class SipPlanHistory extends SipListElement<HistoryData> {
  static override styles = listStyles;

  /** The plan whose history is shown. */
  @property({ attribute: 'plan-id' }) accessor planId: string | null = null;

  @state() private accessor diff: Diff = { kind: 'idle' };
  @state() private accessor from = 0;
  @state() private accessor to = 0;

  #diffController: AbortController | undefined;

  protected override reloadOn(): readonly PropertyKey[] {
    return ['planId'];
  }

  protected override readyDetail() {
    const versions = this.load.kind === 'loaded' ? this.load.data.versions : [];
    return { ...(this.planId ? { planId: this.planId } : {}), ...(versions.length ? { revision: versions[versions.length - 1]!.revision } : {}) };
  }

  protected override async fetchData(signal: AbortSignal): Promise<HistoryData> {
    const planId = this.planId?.trim();
    this.#diffController?.abort();
    this.diff = { kind: 'idle' };
    if (!planId) return { versions: [], organisations: new Map() };
    const [versions, organisations] = await Promise.all([
      this.api!.get<{ versions: VersionEntry[] }>(path`/api/plans/${planId}/versions`, { signal }),
      this.api!.get<{ items: { id: string; name: string }[] }>('/api/organisations', { signal }),
    ]);
    const list = versions.body.versions;
    this.to = list[list.length - 1]?.revision ?? 0;
    this.from = list[list.length - 2]?.revision ?? this.to;
    return { versions: list, organisations: new Map(organisations.body.items.map((o) => [o.id, o.name])) };
  }

  async #compare(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const from = Number(data.get('from'));
    const to = Number(data.get('to'));
    this.from = from;
    this.to = to;
    this.#diffController?.abort();
    if (from === to || !this.planId) {
      this.diff = { kind: 'invalid' };
      await this.focusAfterRender('#diff-heading');
      return;
    }
    const controller = new AbortController();
    this.#diffController = controller;
    const signal = controller.signal;
    this.diff = { kind: 'loading', from, to };
    const planId = this.planId;
    try {
      const [diff, before, after] = await Promise.all([
        this.api!.get<{ operations: PatchOperation[] }>(path`/api/plans/${planId}/diff`, { query: { from, to }, signal }),
        this.api!.get<unknown>(path`/api/plans/${planId}/versions/${from}`, { signal }),
        this.api!.get<unknown>(path`/api/plans/${planId}/versions/${to}`, { signal }),
      ]);
      if (signal.aborted) return;
      this.diff = { kind: 'loaded', from, to, operations: diff.body.operations, before: before.body, after: after.body };
    } catch (error) {
      if (signal.aborted || (error instanceof DOMException && error.name === 'AbortError')) return;
      this.diff = { kind: 'error', failure: failureOf(this, error) };
    }
    await this.focusAfterRender('#diff-heading');
  }

  override render() {
    const m = messages[this.language];
    const load = this.load;
    return html`<section class="base" part="base" aria-labelledby="heading">
      <h2 id="heading" part="heading">${m.heading}</h2>
      ${load.kind === 'loading' || load.kind === 'waiting' ? this.renderLoading() : nothing}
      ${load.kind === 'error' ? this.renderFailure(load.failure) : nothing}
      ${load.kind === 'loaded' ? this.#renderHistory(load.data, m) : nothing}
    </section>`;
  }

  /** The name the service kept with the version, with the HSA-id beside it; the HSA-id alone when it kept none. */
  #who(entry: VersionEntry, m: Messages): TemplateResult | string {
    const { name, userId, role } = entry.changedBy;
    // The individual or a relative, signed in with their own e-ID: by name, not by the personnummer in their user id.
    if (role === 'individual' || role === 'relative') return html`${name ?? m.citizen[role]} <span class="muted">${m.withEId}</span>`;
    return name ? html`${name} <span class="muted">${userId}</span>` : userId;
  }

  #renderHistory(data: HistoryData, m: Messages): TemplateResult {
    if (!this.planId?.trim()) return html`<p class="message" part="message">${m.noPlan}</p>`;
    if (data.versions.length === 0) return html`<p class="message" part="message empty">${m.empty}</p>`;
    const lang = this.language;
    const organisation = (entry: VersionEntry) =>
      (entry.changedBy.role === 'individual' || entry.changedBy.role === 'relative' ? m.citizen[entry.changedBy.role] : null) ??
      entry.changedBy.organisationName ?? data.organisations.get(entry.changedBy.organisationId) ?? m.unknownOrganisation(entry.changedBy.organisationId);
    return html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby="versions-caption">
        <table part="table">
          <caption id="versions-caption">${m.caption}</caption>
          <thead>
            <tr>
              <th scope="col">${m.columns.revision}</th>
              <th scope="col">${m.columns.when}</th>
              <th scope="col">${m.columns.organisation}</th>
              <th scope="col">${m.columns.who}</th>
              <th scope="col">${m.columns.what}</th>
            </tr>
          </thead>
          <tbody>
            ${data.versions.map(
              (v) => html`<tr data-revision=${v.revision}>
                <th scope="row">${v.revision}</th>
                <td>${formatDateTime(v.changedAt, lang)}</td>
                <td>${organisation(v)}</td>
                <td>${this.#who(v, m)}</td>
                <td>${m.changes[v.change] ?? v.change}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${data.versions.length > 1 ? this.#renderCompare(data, m) : nothing}`;
  }

  #renderCompare(data: HistoryData, m: Messages): TemplateResult {
    const options = (selected: number) => data.versions.map((v) => html`<option value=${v.revision} ?selected=${v.revision === selected}>${m.version(v.revision)}</option>`);
    return html`<h3 id="compare-heading">${m.compare}</h3>
      <form class="filters" part="compare" aria-labelledby="compare-heading" @submit=${(e: SubmitEvent) => void this.#compare(e)}>
        <div class="field">
          <label for="from">${m.from}</label>
          <select id="from" name="from" part="field">
            ${options(this.from)}
          </select>
        </div>
        <div class="field">
          <label for="to">${m.to}</label>
          <select id="to" name="to" part="field">
            ${options(this.to)}
          </select>
        </div>
        <div class="field">
          <button id="show-diff" type="submit" part="button" ?disabled=${this.diff.kind === 'loading'}>${m.show}</button>
        </div>
      </form>
      ${this.#renderDiff(m)}`;
  }

  #renderDiff(m: Messages): TemplateResult | typeof nothing {
    const diff = this.diff;
    if (diff.kind === 'idle') return nothing;
    if (diff.kind === 'loading') return this.renderLoading();
    if (diff.kind === 'invalid') return html`<p id="diff-heading" class="message error" part="message error" role="alert" tabindex="-1">${m.same}</p>`;
    if (diff.kind === 'error') return html`<div id="diff-heading" tabindex="-1">${this.renderFailure(diff.failure)}</div>`;
    const sections: SectionChanges[] = diffInWords(diff.operations, diff.before, diff.after, this.language);
    return html`<section part="diff" aria-labelledby="diff-heading">
      <h3 id="diff-heading" tabindex="-1">${m.diffHeading(diff.from, diff.to)}</h3>
      ${sections.length === 0 ? html`<p class="message" part="message">${m.noDiff}</p>` : nothing}
      ${sections.map(
        (section) => html`<h4>${section.section}</h4>
          <ul class="items">
            ${section.changes.map(
              (c) => html`<li part="change" data-change=${c.kind}>
                <p><strong>${c.field}</strong>: <span class="change-kind">${m[c.kind]}</span>${c.kind === 'added' ? html` – ${c.after}` : c.kind === 'removed' ? html` – ${c.before}` : nothing}</p>
                ${c.kind === 'changed'
                  ? html`<dl class="side-by-side">
                      <div>
                        <dt>${m.before}</dt>
                        <dd>${c.before}</dd>
                      </div>
                      <div>
                        <dt>${m.after}</dt>
                        <dd>${c.after}</dd>
                      </div>
                    </dl>`
                  : nothing}
              </li>`,
            )}
          </ul>`,
      )}
    </section>`;
  }
}
