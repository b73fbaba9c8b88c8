/**
 * Whatever staff, relatives or the individual type, the documents are made: drawing never
 * throws, the result is a tagged PDF a reader opens, and the text reads back as written, in
 * Swedish and the other scripts the font draws. A character the font lacks is drawn as U+FFFD,
 * never dropped silently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawable, renderPdf } from './pdf.ts';
import { meetingDocument, relativeDocument, wholeDocument, type WholePlan } from './plan-document.ts';
import { readPdf, squeeze } from './read-pdf.ts';
import type { RelativePlanView } from '../relatives/me.service.ts';

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

function plan(texts: string[]): WholePlan {
  const [title, goal, need, intervention, measure, name, role, relative, commitment] = texts as [string, string, string, string, string, string, string, string, string];
  return {
    title,
    status: 'active',
    individual: { name },
    coordinator: { name, title: role },
    responsible: { principal: 'region', organisation: role },
    outOfHours: need,
    individualGoals: [goal],
    ownActions: [goal],
    needs: [need],
    parts: [{ principal: 'region', organisation: role, contactPerson: { name }, goals: [goal], interventions: [{ title: intervention, status: 'planned', description: need }] }],
    otherActorMeasures: [{ actor: name, measure }],
    participants: [{ kind: 'invited', name, role }],
    meetings: [{ at: '2027-01-14T09:00:00Z', place: role, notes: measure }],
    followUp: { date: '2027-03-01', by: { name } },
    consent: null,
    relatives: [{ name: relative, relationship: role, child: false, sharesHome: true, sees: ['goals'], commitments: [{ what: commitment, howOften: role, from: '2026-12-01', status: 'requested', reviewDate: '2027-02-01' }], requests: [] }],
    withheld: false,
    revision: 3,
    changedAt: '2026-11-30T08:00:00Z',
  };
}

function relativeView(texts: string[]): RelativePlanView {
  const [title, goal, , , , name, role, relative, commitment] = texts as [string, string, string, string, string, string, string, string, string];
  return {
    planId: '0b7c1f2e-3a4b-4c5d-8e6f-708192a3b4c5',
    title,
    status: 'active',
    individual: { givenName: name },
    coordinator: { name },
    responsible: { principal: 'municipality', organisation: role },
    outOfHours: null,
    me: {
      relativeId: 'r1',
      name: relative,
      relationship: { text: role },
      child: false,
      sharesHome: false,
      sharing: null,
      sharingInEffect: true,
      information: [{ what: goal, how: role, howOften: role }],
      informed: [],
      commitments: [
        {
          id: 'c1',
          what: commitment,
          howOften: role,
          from: '2026-12-01',
          reviewDate: '2027-02-01',
          history: [{ at: '2026-12-01T10:00:00Z', status: 'requested', by: 'staff' }],
          status: 'requested',
          currentReviewDate: '2027-02-01',
          allowedAnswers: ['accept', 'decline'],
        },
      ],
      support: { offered: ['groups'], requests: [] },
      homeConsent: null,
    },
    shared: { categories: ['goals'], goals: { individual: [{ text: goal }], professional: [] } },
  } as unknown as RelativePlanView;
}

const views = [
  (texts: string[]) => wholeDocument(plan(texts), 'sv', MADE),
  (texts: string[]) => meetingDocument(plan(texts), 'en', MADE),
  (texts: string[]) => relativeDocument(relativeView(texts), { revision: 3, changedAt: '2026-11-30T08:00:00Z', madeAt: MADE }, 'sv'),
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
