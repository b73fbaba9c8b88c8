import { html } from 'lit';
import { SipStaffElement } from './base.ts';

/**
 * @summary Not built yet.
 */
export class SipPlanEditor extends SipStaffElement {
  override render() {
    return html``;
  }
}
