import type { OwnPlan } from '@sip/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sv, type Messages } from '../packages/widget/src/individual/i18n.ts';
import ar from '../packages/widget/src/individual/lang/ar.ts';
import en from '../packages/widget/src/individual/lang/en.ts';
import fi from '../packages/widget/src/individual/lang/fi.ts';
import lattlast from '../packages/widget/src/individual/lang/sv-x-lattlast.ts';
import relativeAr from '../packages/widget/src/lang/ar.ts';
import relativeFi from '../packages/widget/src/lang/fi.ts';
import { astridsOwnPlan, expectAxeClean, focusedInView, sideways, startIndividualHarness, view, type IndividualHarness } from './support/individual-host.ts';

/**
 * <sip-individual-view> in its five languages, in real Chromium, on a host page under a strict
 * CSP with Trusted Types, against the real service in demo mode: each language besides Swedish
 * fetched from beside the module and checked against its integrity; the main states axe clean
 * (WCAG 2.2 AA) in each; Arabic right to left at 320 CSS pixels; what staff wrote kept Swedish;
 * a language that cannot be had, or is not the bytes built, falls back to Swedish and says so;
 * the language follows the host page's `lang`; the /demo portal offers all five for both
 * citizen elements.
 */

let h: IndividualHarness;
let astrid: OwnPlan;

beforeAll(async () => {
  h = await startIndividualHarness();
  astrid = (await astridsOwnPlan(h.service.url)).plan;
  // A staff read, for the list of who has read her plan.
  expect((await (await h.staffApi('region-coordinator'))(`/api/plans/${astrid.planId}`)).status).toBe(200);
}, 300_000);
afterEach(async () => h?.closePages());
afterAll(async () => h?.close());


/** The view's outer element: its lang and dir, the direction it is laid out in, and the language a notice names. */
const base = (page: Page) =>
  view(page).evaluate((el) => {
    const root = el.shadowRoot!.querySelector('[part="base"]')!;
    return {
      lang: root.getAttribute('lang'),
      dir: root.getAttribute('dir'),
      direction: getComputedStyle(root).direction,
      named: root.querySelector('.message--warning [lang]')?.getAttribute('lang') ?? null,
    };
  });

const LANGUAGES = [
  ['sv-x-lattlast', lattlast, 'ltr'],
  ['en', en, 'ltr'],
  ['fi', fi, 'ltr'],
  ['ar', ar, 'rtl'],
] as const satisfies readonly (readonly [string, Messages, 'ltr' | 'rtl'])[];

describe('<sip-individual-view> in every language', () => {
  for (const [lang, t, dir] of LANGUAGES) {
    it(`in ${lang}: the plan, who has read it, the withdraw dialog, an error summary and a receipt, written ${dir}, axe clean`, async () => {
      const modules: string[] = [];
      const { page, errors } = await h.open(h.urlFor({ persona: 'astrid', lang }), {
        before: async (p) => void p.on('request', (r) => /sip-individual-view\.[\w-]+\.[0-9a-f]{12}\.js$/.test(r.url()) && modules.push(new URL(r.url()).pathname)),
      });
      await view(page).getByRole('heading', { level: 3, name: t.ownHeading }).waitFor();
      await view(page).getByText(t.noProxy).waitFor();
      await view(page).getByText(t.consentState['in-force']).waitFor();
      // Only its own language was fetched, once.
      expect(modules).toEqual([expect.stringMatching(new RegExp(`^/sip-individual-view\\.${lang}\\.[0-9a-f]{12}\\.js$`))]);
      expect(await base(page)).toEqual({ lang, dir, direction: dir, named: null });
      // What staff wrote stays Swedish, read left to right; lättläst is Swedish, and needs no mark.
      const title = await view(page)
        .locator('#plan-title')
        .evaluate((el) => {
          const marked = el.querySelector('[lang]');
          return { text: el.textContent?.trim(), lang: marked?.getAttribute('lang') ?? null, direction: getComputedStyle(marked ?? el).direction };
        });
      expect(title).toEqual({ text: 'SIP för Astrid Nilsson', lang: lang === 'sv-x-lattlast' ? null : 'sv', direction: 'ltr' });
      for (const part of astrid.parts) await view(page).getByRole('heading', { level: 4, name: t.partOf(part.organisation.name) }).waitFor();
      await expectAxeClean(page, `the plan, ${lang}`);

      await view(page).getByRole('button', { name: t.logShow }).click();
      await view(page).locator('.log li').first().waitFor();
      expect(await focusedInView(page)).toBe('log-result');
      await expectAxeClean(page, `who has read my plan, ${lang}`);

      await view(page).getByRole('button', { name: t.consentWithdraw }).click();
      await page.getByRole('dialog', { name: t.withdrawConsentTitle }).waitFor();
      await expectAxeClean(page, `the withdraw dialog, ${lang}`);
      await page.keyboard.press('Escape');
      await expect.poll(() => focusedInView(page)).toBe('consent-withdraw');

      await view(page).locator('#consent-until').fill('31/12');
      await view(page).getByRole('button', { name: t.consentSave }).click();
      const summary = view(page).locator('#form-consent-errors');
      await summary.getByText(t.untilInvalid).waitFor();
      expect(await summary.locator('.error-summary-title').innerText()).toBe(t.errorSummaryTitle);
      expect(await focusedInView(page)).toBe('form-consent-errors');
      await expectAxeClean(page, `an error summary, ${lang}`);

      // Her own words saved as they are: a receipt in the language, focused.
      await view(page).getByRole('button', { name: t.ownSave }).click();
      const receipt = view(page).locator('#state-own-words [part="receipt"]');
      await receipt.getByText(t.receipt.ownSaved).waitFor();
      await receipt.getByText(t.next.own).waitFor();
      expect(await focusedInView(page)).toBe('state-own-words');
      await expectAxeClean(page, `a receipt, ${lang}`);

      if (dir === 'rtl') {
        await page.setViewportSize({ width: 320, height: 700 });
        expect(await sideways(page)).toEqual([]);
        await expectAxeClean(page, `a receipt at 320 px, ${lang}`);
      }
      expect(errors).toEqual([]);
    }, 300_000);

    it(`in ${lang}: waiting, no plan, a list of two, the service failing and the sign-in expired, axe clean`, async () => {
      const states: { name: string; persona: string; token?: 'none'; answer?: (path: string) => { status: number; body?: unknown } | undefined; text: string }[] = [
        { name: 'waiting for the sign-in', persona: 'astrid', token: 'none', text: t.waitingForSignIn },
        { name: 'no plan of her own', persona: 'maria', text: t.noPlans },
        {
          name: 'two plans, listed',
          persona: 'astrid',
          answer: (path) =>
            path === '/api/me/plans'
              ? {
                  status: 200,
                  body: {
                    items: [
                      { planId: astrid.planId, title: 'SIP för Astrid Nilsson', status: 'active', role: 'individual' },
                      { planId: '00000000-0000-4000-8000-000000000002', title: null, status: 'draft', role: 'individual' },
                    ],
                  },
                }
              : undefined,
          text: t.plansCount(2),
        },
        { name: 'the service failing', persona: 'astrid', answer: () => ({ status: 500, body: { status: 500, title: 'Internal Server Error' } }), text: t.errors.server },
        { name: 'the sign-in expired', persona: 'astrid', answer: () => ({ status: 401 }), text: t.sessionExpired },
      ];
      for (const state of states) {
        const { page } = await h.open(h.urlFor({ persona: state.persona, lang, ...(state.token ? { token: state.token } : {}) }), {
          before: (p) =>
            p.route('**/api/me/**', async (route) => {
              const answer = state.answer?.(new URL(route.request().url()).pathname);
              if (!answer) return route.continue();
              await route.fulfill({ status: answer.status, contentType: 'application/problem+json', body: JSON.stringify(answer.body ?? {}) });
            }),
        });
        await view(page).getByText(state.text).waitFor();
        expect((await base(page)).dir, state.name).toBe(dir);
        if (state.name === 'two plans, listed') {
          await view(page).getByText(t.planStatus.draft).waitFor();
          await view(page).getByText(t.untitledPlan, { exact: true }).waitFor();
        }
        await expectAxeClean(page, `${state.name}, ${lang}`);
        if (dir === 'rtl') {
          await page.setViewportSize({ width: 320, height: 700 });
          expect(await sideways(page), state.name).toEqual([]);
        }
      }
    }, 300_000);
  }
});

describe('<sip-individual-view> when its language cannot be had, and when the page changes it', () => {
  it('speaks Swedish, and says so, when the language module is missing or not the bytes built', async () => {
    for (const [how, fulfil] of [
      ['not found', { status: 404, body: '' }],
      ['other bytes than its integrity names', { status: 200, contentType: 'text/javascript', body: 'export default { ownHeading: "Tämä on tärkeää" };' }],
    ] as const) {
      const { page, errors } = await h.open(h.urlFor({ persona: 'astrid', lang: 'fi' }), {
        before: (p) => p.route(/sip-individual-view\.fi\.[0-9a-f]{12}\.js$/, (route) => route.fulfill(fulfil)),
      });
      await view(page).getByRole('heading', { level: 3, name: sv.ownHeading }).waitFor();
      await view(page).getByText('gick inte att hämta. Därför står allt här på svenska.').waitFor();
      expect(await base(page), how).toEqual({ lang: 'sv', dir: 'ltr', direction: 'ltr', named: 'fi' });
      expect(await view(page).locator('.message--warning [lang="fi"]').innerText()).toBe('suomi');
      expect(await view(page).getByText('Tämä on tärkeää').count()).toBe(0);
      await expectAxeClean(page, `Finnish not had (${how})`);
      expect(errors.filter((e) => !/status of 404|integrity|Failed to find a valid digest/i.test(e)), how).toEqual([]);
    }
  }, 300_000);

  it("follows the host page's lang: on the element, then the document, fetching each language once", async () => {
    const modules: string[] = [];
    const { page, errors } = await h.open(h.urlFor({ persona: 'astrid' }), {
      before: async (p) => void p.on('request', (r) => /sip-individual-view\.[\w-]+\.[0-9a-f]{12}\.js$/.test(r.url()) && modules.push(new URL(r.url()).pathname)),
    });
    await view(page).getByRole('heading', { level: 3, name: sv.ownHeading }).waitFor();
    expect(modules).toEqual([]);
    const setLang = (value: string | null) => view(page).evaluate((el, v) => (v === null ? el.removeAttribute('lang') : el.setAttribute('lang', v)), value);

    await setLang('fi');
    await view(page).getByRole('heading', { level: 3, name: fi.ownHeading }).waitFor();
    expect(await base(page)).toMatchObject({ lang: 'fi', dir: 'ltr' });
    await setLang('ar');
    await view(page).getByRole('heading', { level: 3, name: ar.ownHeading }).waitFor();
    expect(await base(page)).toMatchObject({ lang: 'ar', dir: 'rtl', direction: 'rtl' });
    await expectAxeClean(page, 'switched to Arabic');
    // Without its own, the element follows the document's.
    await setLang(null);
    await page.evaluate(() => (document.documentElement.lang = 'sv-x-lattlast'));
    await view(page).getByRole('heading', { level: 3, name: lattlast.ownHeading }).waitFor();
    await view(page).getByText(lattlast.noProxy).waitFor();
    await page.evaluate(() => (document.documentElement.lang = 'fi-FI'));
    await view(page).getByRole('heading', { level: 3, name: fi.ownHeading }).waitFor();
    // Finnish was fetched once, however often it was asked for.
    expect(modules.map((m) => m.split('.')[1]).sort()).toEqual(['ar', 'fi', 'sv-x-lattlast']);
    expect(errors).toEqual([]);
  }, 300_000);

  it('the /demo portal offers all five languages for both citizen elements, and switching follows at once', async () => {
    const { page, errors } = await h.open(`${h.service.url}/demo?lang=ar`);
    expect(await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }))).toEqual({ lang: 'ar', dir: 'rtl' });
    await page.getByRole('combobox', { name: 'الشخص' }).waitFor();
    const picker = page.locator('#persona');
    await expect.poll(() => picker.isEnabled()).toBe(true);
    await picker.selectOption({ label: 'Astrid Nilsson' });
    await page.getByRole('button', { name: 'سجّل الدخول' }).click();
    await view(page).getByRole('heading', { level: 3, name: ar.ownHeading }).waitFor();
    expect(await base(page)).toMatchObject({ lang: 'ar', dir: 'rtl' });
    await expectAxeClean(page, 'the demo portal in Arabic with the individual’s view');

    for (const [button, heading, lang] of [
      ['Suomi', fi.ownHeading, 'fi'],
      ['Lättläst', lattlast.ownHeading, 'sv-x-lattlast'],
      ['English', en.ownHeading, 'en'],
      ['Svenska', sv.ownHeading, 'sv'],
    ] as const) {
      await page.getByRole('button', { name: button, exact: true }).click();
      await view(page).getByRole('heading', { level: 3, name: heading }).waitFor();
      expect(await base(page), lang).toMatchObject({ lang, dir: 'ltr' });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    }

    // The relatives' widget, in Finnish and then Arabic, from the same buttons.
    await page.getByRole('button', { name: 'Suomi', exact: true }).click();
    await picker.selectOption({ label: 'Maria Nilsson' });
    await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
    const widget = page.locator('sip-relative-view');
    await widget.getByRole('heading', { name: relativeFi.myPlans }).or(widget.getByRole('heading', { name: relativeFi.commitmentsHeading })).first().waitFor();
    await page.getByRole('button', { name: 'العربية' }).click();
    await widget.getByRole('heading', { name: relativeAr.myPlans }).or(widget.getByRole('heading', { name: relativeAr.commitmentsHeading })).first().waitFor();
    expect(await widget.evaluate((el) => el.shadowRoot!.querySelector('[part="base"]')!.getAttribute('dir'))).toBe('rtl');
    await expectAxeClean(page, 'the demo portal in Arabic with the relatives’ widget');
    expect(errors).toEqual([]);
  }, 300_000);
});
