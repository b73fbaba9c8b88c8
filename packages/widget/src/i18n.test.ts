import { describe, expect, it } from 'vitest';
import { resolveLang, sv as core, type Lang, type Messages } from './i18n.ts';
import ar from './lang/ar.ts';
import en from './lang/en.ts';
import fi from './lang/fi.ts';
import lattlast from './lang/sv-x-lattlast.ts';
import { withPlan } from './plan.ts';

/** Swedish in full: the element's messages with its plan view's own. */
const sv = withPlan(core);

const dictionaries: Record<Lang, Messages> = { sv, 'sv-x-lattlast': lattlast, en, fi, ar };

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

/** Every message as text: strings as they are, functions called with sample arguments. */
function texts(messages: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'function') out[path] = String((value as (...a: unknown[]) => unknown)(...Array.from({ length: value.length }, (_, i) => (i === 0 ? '2' : 'Astrid'))));
    else if (value && typeof value === 'object') Object.assign(out, texts(value as object, `${path}.`));
    else out[path] = String(value);
  }
  return out;
}

describe('the dictionaries', () => {
  it('have the same keys, with functions of the same arity in the same places', () => {
    for (const [lang, messages] of Object.entries(dictionaries)) expect(shape(messages), lang).toEqual(shape(sv));
  });

  it('leave no message empty in any language', () => {
    for (const [lang, messages] of Object.entries(dictionaries)) {
      for (const [path, text] of Object.entries(texts(messages))) expect(text.trim(), `${lang}: ${path}`).not.toBe('');
    }
  });

  it('leave no English in the other languages, and no Swedish in Finnish or Arabic', () => {
    const english = texts(en);
    const swedish = texts(sv);
    // Texts that are only what is put in them, and words Swedish and English share.
    const same = new Set(['periodFromUntil', 'informationHow']);
    const shared = new Set(['planStatusLabel', 'statusLabel', 'period', 'relationships.SON']);
    for (const lang of ['sv', 'sv-x-lattlast', 'fi', 'ar'] as const) {
      const left = Object.entries(texts(dictionaries[lang])).filter(
        ([path, text]) => !same.has(path) && !(lang.startsWith('sv') && shared.has(path)) && text === english[path],
      );
      expect(left.map(([path]) => path), lang).toEqual([]);
    }
    for (const lang of ['fi', 'ar'] as const) {
      const left = Object.entries(texts(dictionaries[lang])).filter(([path, text]) => !same.has(path) && text === swedish[path] && !/^[\d\s:.,()–-]*$/.test(text));
      expect(left.map(([path]) => path), lang).toEqual([]);
    }
  });

  it('write Arabic in Arabic script', () => {
    const latinOnly = Object.entries(texts(ar)).filter(
      ([path, text]) => path !== 'periodFromUntil' && !/[\u0600-\u06ff]/.test(text) && /[a-z]{3,}/i.test(text),
    );
    expect(latinOnly.map(([path]) => path)).toEqual([]);
  });

  it('use plural forms', () => {
    expect(sv.plansCount(1)).toBe('Du är anhörig i 1 samordnad individuell plan (SIP).');
    expect(sv.plansCount(2)).toBe('Du är anhörig i 2 samordnade individuella planer (SIP).');
    expect(en.plansCount(1)).toBe('You are a relative in 1 coordinated individual plan (SIP).');
    expect(en.plansCount(3)).toBe('You are a relative in 3 coordinated individual plans (SIPs).');
    expect(ar.plansCount(1)).toContain('خطة فردية منسقة واحدة');
    expect(ar.plansCount(2)).toContain('خطتين فرديتين منسقتين');
    expect(ar.plansCount(5)).toContain('5 خطط فردية منسقة');
    expect(ar.plansCount(11)).toContain('11 خطة فردية منسقة');
  });

  it('write numbers as each language does', () => {
    expect(sv.commentTooLong(2000, 2001)).toContain('2\u00a0000');
    expect(en.commentTooLong(2000, 2001)).toContain('2,000');
    expect(fi.commentTooLong(2000, 2001)).toContain('2\u00a0000');
  });
});

describe('resolveLang', () => {
  it.each([
    ['', 'sv', 'sv-SE', 'ltr'],
    ['sv', 'sv', 'sv-SE', 'ltr'],
    ['sv-FI', 'sv', 'sv-FI', 'ltr'],
    ['sv-x-lattlast', 'sv-x-lattlast', 'sv-SE', 'ltr'],
    ['sv-SE-x-lattlast', 'sv-x-lattlast', 'sv-SE', 'ltr'],
    ['sv-lattlast', 'sv', 'sv-lattlast', 'ltr'],
    ['en', 'en', 'en-GB', 'ltr'],
    ['en-US', 'en', 'en-US', 'ltr'],
    ['EN', 'en', 'en-GB', 'ltr'],
    ['fi', 'fi', 'fi-FI', 'ltr'],
    ['fi-FI', 'fi', 'fi-FI', 'ltr'],
    ['ar', 'ar', 'ar', 'rtl'],
    ['ar-SE', 'ar', 'ar-SE', 'rtl'],
    ['de', 'sv', 'sv-SE', 'ltr'],
    ['en-%%', 'en', 'en-GB', 'ltr'],
    [null, 'sv', 'sv-SE', 'ltr'],
  ])('%s speaks %s, dates in %s, written %s', (tag, lang, locale, dir) => {
    expect(resolveLang(tag)).toEqual({ lang, locale, dir });
  });
});
