/**
 * Where an item leads: a `SipOpenPlanEvent` by default, or, when the host gives an
 * `href-template`, a real link the host system routes.
 */

export interface OpenTarget {
  planId: string;
  /** The item in the plan to open at (see `SipOpenPlanEvent`). */
  focus?: string;
}

/**
 * Fills `{planId}` and `{focus}` in a host's link template, each value encoded as one URL
 * component. Only a relative link or an http(s) one is made: anything else (a `javascript:`
 * template, an unknown placeholder) gives `undefined`, and the element falls back to a button.
 */
export function fillHref(template: string, target: OpenTarget): string | undefined {
  let unknown = false;
  const filled = template.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    if (name === 'planId') return encodeURIComponent(target.planId);
    if (name === 'focus') return encodeURIComponent(target.focus ?? '');
    unknown = true;
    return '';
  });
  if (unknown || !filled.trim()) return undefined;
  // A scheme is allowed only when it is http or https; a relative path never carries one.
  const scheme = /^\s*([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(filled);
  if (scheme && !/^https?$/i.test(scheme[1]!)) return undefined;
  if (/^\s*\/\//.test(filled) || /[\u0000-\u001f\\]/.test(filled)) return undefined;
  return filled;
}
