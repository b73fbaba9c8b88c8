import { describe, expect, it } from 'vitest';
import { sv, type Messages } from './i18n.ts';
import en from './lang/en.ts';

/** Every key path of a dictionary, with what sits there: text, or a function of so many arguments. */
function shape(messages: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'function') out[path] = `function/${value.length}`;
    else if (value && typeof value === 'object') Object.assign(out, shape(value as object, `${path}.`));
    else out[path] = typeof value;
  }
  return out;
}

describe("the individual's view's dictionaries", () => {
  it('have the same keys, with functions of the same arity in the same places', () => {
    expect(shape(en)).toEqual(shape(sv));
  });

  it('leave no message empty, and keep English out of the Swedish', () => {
    for (const [lang, messages] of Object.entries({ sv, en } satisfies Record<string, Messages>)) {
      for (const [path, kind] of Object.entries(shape(messages))) {
        if (kind !== 'string') continue;
        const value = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], messages) as string;
        expect(value, `${lang}: ${path}`).not.toBe('');
        if (lang === 'sv') expect(value, `sv: ${path}`).not.toMatch(/\b(the|and|you|your|plan is|consent)\b/i);
      }
    }
  });

  it('say that a relative cannot act for the individual here', () => {
    expect(sv.noProxy).toContain('En anhörig kan inte göra det åt dig');
    expect(en.noProxy).toContain('A relative cannot do it for you');
  });
});
