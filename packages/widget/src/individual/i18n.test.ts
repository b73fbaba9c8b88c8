import { describe, expect, it } from 'vitest';
import type { Lang } from '../locale.ts';
import { sv, type Messages } from './i18n.ts';
import ar from './lang/ar.ts';
import en from './lang/en.ts';
import fi from './lang/fi.ts';
import lattlast from './lang/sv-x-lattlast.ts';

// Typed: a dictionary that misses a message, or has one of another shape, fails the type check.
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

/** Every message as text: strings as they are, functions called with sample arguments (a number first, then a name). */
function texts(messages: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'function') {
      const args = Array.from({ length: value.length }, (_, i) => (i === 0 ? 2 : 'Astrid'));
      out[path] = String((value as (...a: unknown[]) => unknown)(...args));
    } else if (value && typeof value === 'object') Object.assign(out, texts(value as object, `${path}.`));
    else out[path] = String(value);
  }
  return out;
}

describe("the individual's view's dictionaries", () => {
  it('have the same keys in every language, with functions of the same arity in the same places', () => {
    for (const [lang, messages] of Object.entries(dictionaries)) expect(shape(messages), lang).toEqual(shape(sv));
  });

  it('leave no message empty in any language, and keep English out of the Swedish', () => {
    for (const [lang, messages] of Object.entries(dictionaries)) {
      for (const [path, text] of Object.entries(texts(messages))) {
        expect(text.trim(), `${lang}: ${path}`).not.toBe('');
        expect(text, `${lang}: ${path}`).not.toMatch(/undefined|NaN|\[object/);
        if (lang.startsWith('sv')) expect(text, `${lang}: ${path}`).not.toMatch(/\b(the|and|you|your|plan is|consent)\b/i);
      }
    }
  });

  it('are each written in their own language, not copied from another', () => {
    const swedish = texts(sv);
    for (const [lang, messages] of Object.entries({ 'sv-x-lattlast': lattlast, en, fi, ar })) {
      const own = texts(messages);
      // Most long messages differ from the Swedish (lättläst shares some short plain ones).
      const long = Object.keys(own).filter((k) => own[k]!.length > 40);
      const same = long.filter((k) => own[k] === swedish[k]);
      expect(same.length, `${lang}: ${same.join(', ')}`).toBeLessThan(long.length / (lang === 'sv-x-lattlast' ? 3 : 20));
    }
    // Arabic in Arabic script: no message in Latin letters but the names it is given.
    expect(Object.values(texts(ar)).filter((t) => !/[\u0600-\u06FF]/.test(t) && /[A-Za-z]{4}/.test(t.replaceAll('Astrid', '')))).toEqual([]);
  });

  it('spell out the plan by its legal name in each language', () => {
    expect(sv.sipMeans).toContain('samordnad individuell plan');
    expect(lattlast.sipMeans).toContain('samordnad individuell plan');
    expect(en.sipMeans).toContain('coordinated individual plan');
    expect(fi.plansCount(1)).toBe('Sinulla on 1 yhteensovitettu yksilöllinen suunnitelma (SIP).');
    expect(fi.sipMeans).toContain('yhteensovitettua yksilöllistä suunnitelmaa');
    expect(ar.noPlans).toContain('خطة فردية منسقة (SIP)');
    expect(ar.sipMeans).toContain('خطة فردية منسقة');
  });

  it('count in Arabic with its forms for one, two, three to ten, and more', () => {
    expect(ar.plansCount(1)).toBe('لديك خطة فردية منسقة واحدة (SIP).');
    expect(ar.plansCount(2)).toBe('لديك خطتان فرديتان منسقتان (SIP).');
    expect(ar.plansCount(3)).toBe('لديك 3 خطط فردية منسقة (SIP).');
    expect(ar.plansCount(11)).toBe('لديك 11 خطة فردية منسقة (SIP).');
    expect(ar.announce.logLoaded(5)).toBe('5 أسطر في القائمة.');
    expect(ar.announce.logLoaded(2)).toBe('سطران في القائمة.');
  });

  it('in lättläst svenska, keep every sentence short', () => {
    const sentences = (text: string) => text.split(/(?<=[.?!])\s+/).filter(Boolean);
    const words = (sentence: string) => sentence.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
    const long = Object.entries(texts(lattlast)).flatMap(([path, text]) => sentences(text).filter((s) => words(s) > 15).map((s) => `${path}: ${s}`));
    expect(long).toEqual([]);
    // Shorter on the whole than the plain Swedish.
    const mean = (m: Messages) => {
      const all = Object.values(texts(m)).flatMap(sentences);
      return all.reduce((n, s) => n + words(s), 0) / all.length;
    };
    expect(mean(lattlast)).toBeLessThan(mean(sv));
  });

  it('say in every language that a relative cannot act for the individual here', () => {
    expect(sv.noProxy).toContain('En anhörig kan inte göra det åt dig');
    expect(lattlast.noProxy).toContain('En anhörig får inte göra det åt dig');
    expect(en.noProxy).toContain('A relative cannot do it for you');
    expect(fi.noProxy).toContain('Omainen ei voi tehdä sitä puolestasi');
    expect(ar.noProxy).toContain('لا يستطيع أي قريب أن يفعل ذلك نيابةً عنك');
  });

  it('name each relationship the service knows in every language', () => {
    for (const [lang, messages] of Object.entries(dictionaries)) expect(Object.keys(messages.relationships).sort(), lang).toEqual(Object.keys(sv.relationships).sort());
  });
});
