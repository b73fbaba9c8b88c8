/**
 * Whatever staff, relatives or the individual type, the documents are made: drawing never
 * throws, the result is a tagged PDF a reader opens, and the text reads back as written, in
 * Swedish and the other scripts the font draws. A character the font lacks is drawn as U+FFFD,
 * never dropped silently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawable, renderPdf } from './pdf.ts';
import { meetingDocument, relativeDocument, wholeDocument } from './plan-document.ts';
import { planFrom, relativeViewFrom } from './fixtures.test-support.ts';
import { readPdf, squeeze } from './read-pdf.ts';

const MADE = new Date('2026-12-01T10:00:00Z');

/** Swedish and other characters people type, all in the font. */
const TYPED = [
  ...'abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0123456789',
  ...'éèêëüÉÜáàíóúñçøæßÆØłżźćśńŁŻŋšđžčŧáÁ',
  ...'–—“”‘’„«»‹›•·°±×÷§¶€£$%&@#*()[]{}<>/\\|!?.,;:\'"+-=_~^`',
  ...'ΩΔπλЖжЯяЁё',
  ' ',
  ' ',
  '\n',
  '\t',
];
const typed = fc.string({ unit: fc.constantFrom(...TYPED), minLength: 1, maxLength: 80 });
/** Any text at all: every code point, lone surrogates, controls, emoji, right-to-left scripts. */
const anything = fc.string({ unit: 'binary', minLength: 0, maxLength: 80 });

const views = [
  (texts: string[]) => wholeDocument(planFrom(texts), 'sv', MADE),
  (texts: string[]) => meetingDocument(planFrom(texts), 'en', MADE),
  (texts: string[]) => relativeDocument(relativeViewFrom(texts), { revision: 3, changedAt: '2026-11-30T08:00:00Z', madeAt: MADE }, 'sv'),
];

describe('plan documents from any text', () => {
  it('draw what people type, in every view, and it reads back as typed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(typed, { minLength: 9, maxLength: 9 }), fc.integer({ min: 0, max: views.length - 1 }), async (texts, view) => {
        const model = views[view]!(texts);
        const pdf = await readPdf(await renderPdf(model, MADE));
        expect(pdf.marked).toBe(true);
        expect(pdf.title).toBe(drawable(model.title));
        const read = squeeze(pdf.text);
        // The texts each view shows: the title, a goal, the relative's commitment.
        for (const text of [texts[0]!, texts[1]!, texts[8]!]) expect(read).toContain(squeeze(text));
      }),
      { numRuns: 12, seed: 20261203, endOnFailure: true },
    );
  }, 600_000);

  it('never fails on any text at all: every view is a tagged PDF in embedded fonts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anything, { minLength: 9, maxLength: 9 }), fc.integer({ min: 0, max: views.length - 1 }), async (texts, view) => {
        const model = views[view]!(texts);
        const pdf = await readPdf(await renderPdf(model, MADE));
        expect(pdf.marked).toBe(true);
        expect(pdf.roles).toContain('H1');
        for (const font of pdf.fonts) expect(font.embedded).toBe(true);
      }),
      { numRuns: 12, seed: 20261203, endOnFailure: true },
    );
  }, 600_000);

  it('draws a character the font lacks as U+FFFD, and drops controls', () => {
    expect(drawable('Hej 漢字 då')).toBe('Hej \uFFFD\uFFFD då');
    expect(drawable('Hej 😀 då')).toBe('Hej 😀 då');
    expect(drawable('a\u0000b\u0007c\td')).toBe('abc d');
    expect(drawable('\uD800x')).toBe('\uFFFDx');
    expect(drawable('e\u0301')).toBe('é');
  });
});
