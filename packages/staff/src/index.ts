/**
 * The staff elements, one module: importing it defines each element once. Loading it again
 * (host systems do) leaves the first definitions in place. `<sip-report>` loads its charts'
 * module (Chart.js) from beside this one when it is first used.
 */
// First: how the API's schemas run under a strict CSP.
import './zod-config.ts';
import { SipAccessLog } from './sip-access-log.ts';
import { SipPlanEditor } from './sip-plan-editor.ts';
import { SipPlanHistory } from './sip-plan-history.ts';
import { SipPlanList } from './sip-plan-list.ts';
import { SipReport } from './sip-report.ts';
import { SipWorklist } from './sip-worklist.ts';

const elements = {
  'sip-plan-editor': SipPlanEditor,
  'sip-plan-list': SipPlanList,
  'sip-worklist': SipWorklist,
  'sip-plan-history': SipPlanHistory,
  'sip-access-log': SipAccessLog,
  'sip-report': SipReport,
} as const;
for (const [tag, element] of Object.entries(elements)) if (!customElements.get(tag)) customElements.define(tag, element);

export { SipAccessLog, SipPlanEditor, SipPlanHistory, SipPlanList, SipReport, SipWorklist };
export {
  SipErrorEvent,
  SipOpenPlanEvent,
  SipPlanCreatedEvent,
  SipReadyEvent,
  SipSavedEvent,
  SipSessionExpiredEvent,
} from './events.ts';
export type { SipErrorCode, SipErrorDetail } from './events.ts';
export type { AccessTokenProvider } from './api.ts';

declare global {
  interface HTMLElementTagNameMap {
    'sip-plan-editor': SipPlanEditor;
    'sip-plan-list': SipPlanList;
    'sip-worklist': SipWorklist;
    'sip-plan-history': SipPlanHistory;
    'sip-access-log': SipAccessLog;
    'sip-report': SipReport;
  }
}
