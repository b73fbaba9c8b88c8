/**
 * The human-readable narrative (`Resource.text`) of the resources the SIP is published as:
 * generated from what each resource carries, in Swedish, as the restricted XHTML FHIR allows
 * (a `<div>` in the XHTML namespace holding only `p`, `b`, `ul` and `li`, no attributes). All
 * text is escaped; nothing a user wrote is ever markup. The same resource always gives the same
 * narrative, so publishing an unchanged plan again changes nothing.
 */
import type { Narrative, Period } from '@medplum/fhirtypes';

export const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

/** Characters XML 1.0 does not allow at all (controls other than tab, newline and return; lone surrogates; U+FFFE/U+FFFF). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as XHTML character data: `& < > " '` escaped, characters XML forbids dropped. */
export function escapeXhtml(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** One line of facts: a label and its value; a line without a value is left out. */
export type NarrativeFact = readonly [label: string, value: string | undefined];

/** A headed list; a list without items is left out. */
export interface NarrativeList {
  heading: string;
  items: readonly string[];
}

/**
 * A generated narrative: the title in bold, then one paragraph per fact, then each list. Every
 * string is plain text and is escaped here.
 */
export function generatedNarrative(title: string, facts: readonly NarrativeFact[] = [], lists: readonly NarrativeList[] = []): Narrative {
  const parts = [`<p><b>${escapeXhtml(title)}</b></p>`];
  for (const [label, value] of facts) {
    if (value === undefined || value.trim() === '') continue;
    parts.push(`<p><b>${escapeXhtml(label)}:</b> ${escapeXhtml(value)}</p>`);
  }
  for (const list of lists) {
    const items = list.items.filter((item) => item.trim() !== '');
    if (!items.length) continue;
    parts.push(`<p><b>${escapeXhtml(list.heading)}</b></p><ul>${items.map((item) => `<li>${escapeXhtml(item)}</li>`).join('')}</ul>`);
  }
  return { status: 'generated', div: `<div xmlns="${XHTML_NAMESPACE}">${parts.join('')}</div>` };
}

/** Swedish time, whatever the machine's zone: the same instant always reads the same. */
const stockholm = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A FHIR date as it is (`2026-12-01`), a date-time as Swedish local time (`2026-11-20 10:00`). */
export function dateText(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) return value;
  const instant = Date.parse(value);
  if (Number.isNaN(instant)) return value;
  const parts = Object.fromEntries(stockholm.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The Swedish calendar day of a FHIR date or date-time (`2026-11-01`). */
export function dayText(value: string | undefined): string | undefined {
  return dateText(value)?.slice(0, 10);
}

/** A period in days: `från 2026-12-01 till 2027-06-30`, or only the end it has. */
export function periodText(period: Period | undefined): string | undefined {
  const start = dayText(period?.start);
  const end = dayText(period?.end);
  if (start && end) return `från ${start} till ${end}`;
  if (start) return `från ${start}`;
  if (end) return `till ${end}`;
  return undefined;
}

/** The elements a generated narrative may use. */
const ALLOWED_ELEMENTS = new Set(['div', 'p', 'b', 'ul', 'li']);
const ALLOWED_ENTITY = /^&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;

/**
 * What is wrong with a narrative against FHIR's rules for it, as far as the broker's narratives
 * go: status given, a well-formed `<div>` in the XHTML namespace (txt-1: no scripts, no event
 * attributes, no other markup than the few elements we write) with some text in it (txt-2).
 */
export function narrativeIssues(narrative: Narrative | undefined): string[] {
  if (!narrative) return ['no narrative'];
  const issues: string[] = [];
  if (!['generated', 'extensions', 'additional', 'empty'].includes(narrative.status)) issues.push(`status ${String(narrative.status)} is not a narrative status`);
  const div = narrative.div ?? '';
  const root = `<div xmlns="${XHTML_NAMESPACE}">`;
  if (!div.startsWith(root) || !div.endsWith('</div>')) {
    issues.push(`must be one <div xmlns="${XHTML_NAMESPACE}"> element`);
    return issues;
  }
  if (new RegExp(NOT_XML.source).test(div)) issues.push('holds characters XML does not allow');
  const open: string[] = [];
  let text = '';
  let i = 0;
  while (i < div.length) {
    const c = div[i]!;
    if (c === '<') {
      const end = div.indexOf('>', i);
      if (end < 0) {
        issues.push('an unclosed tag');
        break;
      }
      const tag = div.slice(i + 1, end);
      const isRoot = i === 0;
      const closing = /^\/([a-z0-9]+)$/.exec(tag);
      const opening = /^([a-z0-9]+)(\s+xmlns="[^"]*")?$/.exec(tag);
      if (closing) {
        const name = closing[1]!;
        if (open.pop() !== name) issues.push(`</${name}> closes nothing open`);
        if (open.length === 0 && end !== div.length - 1) issues.push('content after the root </div>');
      } else if (opening) {
        const name = opening[1]!;
        if (!ALLOWED_ELEMENTS.has(name)) issues.push(`<${name}> is not allowed`);
        if (opening[2] && !isRoot) issues.push(`<${name}> carries an attribute`);
        open.push(name);
      } else {
        issues.push(`<${tag}> is not an allowed tag`);
      }
      i = end + 1;
    } else if (c === '&') {
      const entity = ALLOWED_ENTITY.exec(div.slice(i));
      if (!entity) {
        issues.push(`a bare & at ${i}`);
        i += 1;
      } else {
        text += 'x';
        i += entity[0].length;
      }
    } else if (c === '>') {
      issues.push(`a bare > at ${i}`);
      i += 1;
    } else {
      text += c;
      i += 1;
    }
  }
  if (open.length) issues.push(`unclosed ${open.map((n) => `<${n}>`).join(', ')}`);
  if (text.trim() === '') issues.push('holds no text (txt-2)');
  return issues;
}
