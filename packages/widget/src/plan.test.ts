/**
 * The plan view's commitments as text, in every language the widget speaks: what kind of help
 * each one is, when staff said so, and nothing about it when they did not. The view is drawn with
 * Lit's own `html` and `nothing`; its templates are read back as text.
 */
import { commitmentKindLabels, commitmentKindSchema, type MyCommitment, type MyPlan } from '@sip/shared';
import { html, nothing, type TemplateResult } from 'lit';
import { describe, expect, it } from 'vitest';
import { sv as core, type Lang, type Messages } from './i18n.ts';
import ar from './lang/ar.ts';
import en from './lang/en.ts';
import fi from './lang/fi.ts';
import lattlast from './lang/sv-x-lattlast.ts';
import type { Localization } from './locale.ts';
import { planView, withPlan, type Kit } from './plan.ts';

const sv = withPlan(core);
const dictionaries: Record<Lang, Messages> = { sv, 'sv-x-lattlast': lattlast, en, fi, ar };


/** What a template puts on the page, as text: markup and event handlers left out. */
function textOf(value: unknown): string {
  if (value === nothing || value === null || value === undefined || value === false || typeof value === 'function') return '';
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (typeof value === 'object' && 'strings' in value) {
    const { strings, values } = value as TemplateResult;
    return strings.reduce((out, s, i) => out + s + (i < values.length ? textOf(values[i]) : ''), '');
  }
  return String(value);
}
const visible = (markup: string) => markup.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();

const commitment = (id: string, what: string, kind?: MyCommitment['kind']): MyCommitment => ({
  id,
  ...(kind ? { kind } : {}),
  what,
  howOften: 'En gång i veckan',
  from: '2026-12-01',
  reviewDate: '2027-03-01',
  history: [{ at: '2026-12-01T10:00:00Z', status: 'requested', by: 'staff' }],
  status: 'requested',
  currentReviewDate: '2027-03-01',
  allowedAnswers: ['accept', 'decline'],
});

function planWith(commitments: MyCommitment[]): MyPlan {
  return {
    planId: '0b7c1f2e-3a4b-4c5d-8e6f-708192a3b4c5',
    title: 'SIP för Astrid',
    status: 'active',
    individual: { givenName: 'Astrid' },
    coordinator: null,
    responsible: null,
    outOfHours: null,
    me: {
      relativeId: 'r1',
      name: 'Maria Nilsson',
      relationship: { text: 'dotter' },
      child: false,
      sharesHome: false,
      sharing: null,
      sharingInEffect: false,
      information: [],
      informed: [],
      commitments,
      support: { offered: [], requests: [] },
      homeConsent: null,
    },
    shared: { categories: [] },
  } as unknown as MyPlan;
}

/** The plan view's text in a language, as a relative reads it. */
function render(plan: MyPlan, t: Messages): string {
  const l = { date: (d: string) => d, time: (d: string) => d, dateTime: (d: string) => d, list: (items: string[]) => items.join(', ') };
  const kit = {
    html,
    nothing,
    t,
    l: l as unknown as Localization<Messages>,
    outcomes: new Map(),
    formErrors: new Map(),
    printing: false,
    withdrawing: undefined,
    confirming: 'withdraw',
    canGoBack: false,
    h: (_depth: number, content: unknown) => html`<h>${content}</h>`,
    staffText: (text: string) => text,
    titleShown: (p: MyPlan) => p.title,
    help: () => nothing,
  } as unknown as Kit;
  return visible(textOf(planView(kit, plan)));
}

describe('the kind of help of a commitment', () => {
  const plan = planWith([commitment('c1', 'Handla mat varje vecka', 'household'), commitment('c2', 'Ringa på kvällarna')]);

  it('is shown with the commitment waiting for an answer, in Swedish in the words staff see', () => {
    const text = render(plan, sv);
    expect(text).toContain('Handla mat varje vecka Typ av hjälp Hushåll och praktisk hjälp Hur ofta');
    expect(sv.commitmentKinds).toEqual(Object.fromEntries(Object.entries(commitmentKindLabels).map(([kind, label]) => [kind, label.sv])));
  });

  it('is left out for a commitment without one', () => {
    const text = render(plan, sv);
    expect(text.match(/Typ av hjälp/g)).toHaveLength(1);
    expect(text).toContain('Ringa på kvällarna Hur ofta');
    expect(render(planWith([commitment('c2', 'Ringa på kvällarna')]), sv)).not.toContain('Typ av hjälp');
  });

  it('is shown whatever the commitment’s status', () => {
    const accepted = { ...commitment('c1', 'Handla mat varje vecka', 'finances'), status: 'accepted' as const, allowedAnswers: ['withdraw' as const] };
    const cancelled = { ...commitment('c3', 'Följa med till tandläkaren', 'accompanying'), status: 'cancelled' as const, allowedAnswers: [] };
    const text = render(planWith([accepted, cancelled]), sv);
    expect(text).toContain('Handla mat varje vecka Typ av hjälp Ekonomi och ärenden');
    expect(text).toContain('Följa med till tandläkaren Typ av hjälp Ledsagning och resor');
  });

  it('is said in every language the widget speaks, each kind in its own words', () => {
    expect(en.commitmentKinds).toEqual(Object.fromEntries(Object.entries(commitmentKindLabels).map(([kind, label]) => [kind, label.en])));
    for (const [lang, t] of Object.entries(dictionaries)) {
      expect(Object.keys(t.commitmentKinds).sort(), lang).toEqual([...commitmentKindSchema.options].sort());
      expect(new Set(Object.values(t.commitmentKinds)).size, lang).toBe(commitmentKindSchema.options.length);
      for (const kind of commitmentKindSchema.options) {
        const text = render(planWith([commitment('c1', 'Handla mat varje vecka', kind), commitment('c2', 'Ringa på kvällarna')]), t);
        expect(text, `${lang}: ${kind}`).toContain(`Handla mat varje vecka ${t.commitmentKind} ${t.commitmentKinds[kind]} ${t.howOften}`);
        expect(text, `${lang}: ${kind}`).toContain(`Ringa på kvällarna ${t.howOften}`);
      }
    }
  });

  it('shows nothing for a kind the widget does not know yet', () => {
    const text = render(planWith([commitment('c1', 'Handla mat varje vecka', 'gardening' as MyCommitment['kind'])]), sv);
    expect(text).not.toContain('Typ av hjälp');
    expect(text).not.toContain('undefined');
  });
});
