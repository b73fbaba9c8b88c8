import { describe, expect, it } from 'vitest';
import { en, resolveLang, sv, type Messages } from './i18n.ts';

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

describe('the dictionaries', () => {
  it('have the same keys, with functions of the same arity in the same places', () => {
    expect(shape(en)).toEqual(shape(sv));
  });

  it('leave no message empty in either language', () => {
    for (const [lang, messages] of Object.entries({ sv, en } satisfies Record<string, Messages>)) {
      for (const [path, kind] of Object.entries(shape(messages))) {
        if (kind !== 'string') continue;
        const value = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], messages);
        expect(value, `${lang}: ${path}`).not.toBe('');
      }
    }
  });

  it('use plural forms', () => {
    expect(sv.plansCount(1)).toBe('Du är anhörig i 1 samordnad individuell plan (SIP).');
    expect(sv.plansCount(2)).toBe('Du är anhörig i 2 samordnade individuella planer (SIP).');
    expect(en.plansCount(1)).toBe('You are a relative in 1 coordinated individual plan (SIP).');
    expect(en.plansCount(3)).toBe('You are a relative in 3 coordinated individual plans (SIPs).');
  });
});

describe('resolveLang', () => {
  it.each([
    ['', 'sv', 'sv-SE'],
    ['sv', 'sv', 'sv-SE'],
    ['sv-FI', 'sv', 'sv-FI'],
    ['en', 'en', 'en-GB'],
    ['en-US', 'en', 'en-US'],
    ['EN', 'en', 'en-GB'],
    ['fi', 'sv', 'sv-SE'],
    [null, 'sv', 'sv-SE'],
  ])('%s speaks %s, dates in %s', (tag, lang, locale) => {
    expect(resolveLang(tag)).toEqual({ lang, locale });
  });
});
