/**
 * The `focus` attribute of `<sip-plan-editor>`: an item to open the plan at, as the work list
 * and the host name it. Ids only, never content.
 */
export type PlanFocus =
  | { kind: 'relative'; relativeId: string }
  | { kind: 'commitment'; relativeId: string; commitmentId: string }
  | { kind: 'request'; relativeId: string; index: number }
  | { kind: 'part'; partId: string }
  | { kind: 'follow-up' }
  | { kind: 'consent' };

const ID = /^[A-Za-z0-9._-]{1,100}$/;

/** The item `value` names, or undefined when it names none the editor knows. */
export function parseFocus(value: string | null | undefined): PlanFocus | undefined {
  if (!value) return undefined;
  const parts = value.trim().split(':');
  const [kind, id, sub, subId, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (kind === 'follow-up' && parts.length === 1) return { kind: 'follow-up' };
  if (kind === 'consent' && parts.length === 1) return { kind: 'consent' };
  if (!id || !ID.test(id)) return undefined;
  if (kind === 'part' && parts.length === 2) return { kind: 'part', partId: id };
  if (kind !== 'relative') return undefined;
  if (parts.length === 2) return { kind: 'relative', relativeId: id };
  if (sub === 'commitment' && subId && ID.test(subId)) return { kind: 'commitment', relativeId: id, commitmentId: subId };
  if (sub === 'request' && subId && /^\d{1,3}$/.test(subId)) return { kind: 'request', relativeId: id, index: Number(subId) };
  return undefined;
}

/** The id of the heading the editor moves focus to for an item. */
export function focusHeadingId(focus: PlanFocus): string {
  switch (focus.kind) {
    case 'relative':
      return `relative-${focus.relativeId}`;
    case 'commitment':
      return `commitment-${focus.relativeId}-${focus.commitmentId}`;
    case 'request':
      return `request-${focus.relativeId}-${focus.index}`;
    case 'part':
      return `part-${focus.partId}`;
    case 'follow-up':
      return 'section-follow-up';
    case 'consent':
      return 'heading-consent';
  }
}
