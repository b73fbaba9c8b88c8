import { html } from 'lit';
import { SipStaffElement } from './base.ts';

/**
 * @summary Not built yet.
 */
export class SipPlanHistory extends SipStaffElement {
  override render() {
    return html``;
  }
}
