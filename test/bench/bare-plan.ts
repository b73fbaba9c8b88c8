// The yardstick for the widget's timing: a bare Lit element that fetches one plan and renders
// its title. Nothing else: no localisation, no states, no styles.
import { LitElement, html } from 'lit';

class BarePlan extends LitElement {
  static override properties = { plan: { state: true } };
  apiBase = '';
  planId = '';
  token = '';
  plan: { title: string | null } | undefined;

  override async connectedCallback() {
    super.connectedCallback();
    const res = await fetch(`${this.apiBase}/api/me/plans/${this.planId}`, { headers: { Authorization: `Bearer ${this.token}` } });
    this.plan = (await res.json()) as { title: string | null };
    await this.updateComplete;
    this.dispatchEvent(new Event('bare-ready'));
  }

  override render() {
    return this.plan ? html`<h2>${this.plan.title}</h2>` : html`<p>…</p>`;
  }
}

customElements.define('bare-plan', BarePlan);
