import type { OwnPlan } from '@sip/shared';
import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  astridsOwnPlan,
  expectAxeClean,
  focusedInView,
  individualEvents,
  sideways,
  startIndividualHarness,
  view,
  type IndividualHarness,
} from './support/individual-host.ts';

/**
 * <sip-individual-view> in real Chromium, embedded in a host page on another origin under a
 * strict CSP with Trusted Types, against the real service in demo mode (its own FHIR upstreams):
 * Astrid, the person her plan is about, reads it whole, narrows what her daughter Maria sees (and
 * Maria's own widget shows less on its next load), reads who has read her plan after a staff
 * read, writes her own goals through a conflict with staff, and withdraws and gives her consent
 * (each pressed twice, sent once); axe (WCAG 2.2 AA) in every state, in Swedish and English,
 * the keyboard alone, and reflow at 320 CSS pixels.
 *
 * One service and one page per language: the checks follow one another on it.
 */

let h: IndividualHarness;
let astrid: { token: string; plan: OwnPlan };

beforeAll(async () => {
  h = await startIndividualHarness();
  astrid = await astridsOwnPlan(h.service.url);
}, 120_000);
afterEach(async () => h?.closePages());
afterAll(async () => h?.close());


/** Astrid's plan in the relatives' widget: opened from the relative's list, or at once when it is their only one. */
async function openAstridsPlanAsRelative(page: Page) {
  const widget = page.locator('sip-relative-view');
  const heading = widget.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' });
  const button = widget.getByRole('button', { name: 'SIP för Astrid Nilsson' });
  await heading.or(button).first().waitFor();
  if (!(await heading.isVisible())) await button.click();
  await heading.waitFor();
}

/** Presses Tab until the element focused in the view has this id; fails after `max` presses. */
async function tabTo(page: Page, id: string, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedInView(page)) === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

describe('<sip-individual-view>, Astrid in her own plan', () => {
  it('opens her one plan directly and shows it whole, says a relative cannot act for her, and reflows at 320 px', async () => {
    const { page, errors } = await h.open(h.urlFor({ persona: 'astrid' }));
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    // A single plan is opened at once: no list to go back to.
    expect(await view(page).getByRole('button', { name: 'Alla mina planer' }).count()).toBe(0);
    for (const heading of ['Det här är viktigt för mig', 'Hit vänder du dig', 'Din plan', 'Ditt samtycke till planen', 'Vad dina anhöriga får se', 'Vem har läst min plan']) {
      await view(page).getByRole('heading', { level: 3, name: heading }).waitFor();
    }
    await view(page).getByText('En anhörig kan inte göra det åt dig i den här tjänsten').waitFor();
    // Each principal's part, her consent in force and each relative's sharing.
    for (const part of astrid.plan.parts) await view(page).getByRole('heading', { level: 4, name: `Det här gör ${part.organisation.name}` }).waitFor();
    await view(page).getByText('Du har sagt ja till att uppgifter delas.').waitFor();
    for (const relative of astrid.plan.relatives) await view(page).getByRole('heading', { level: 4, name: new RegExp(`^${relative.name} \\(`) }).waitFor();
    expect((await individualEvents(page)).filter((e) => e.type === 'sip-ready').map((e) => e.detail)).toEqual([{ view: 'plan', planId: astrid.plan.planId }]);
    await expectAxeClean(page, 'the plan, sv');

    // From the keyboard: every control is reached, and shows where the focus is with the elements' two-tone ring.
    const reached: string[] = [];
    const unmarked: string[] = [];
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.querySelector('sip-individual-view')!.shadowRoot!.activeElement as HTMLElement | null;
        if (!el || document.activeElement?.localName !== 'sip-individual-view') return null;
        const style = getComputedStyle(el);
        return { id: el.id || `${el.localName} ${(el.textContent ?? '').trim().slice(0, 30)}`, marked: style.outlineStyle === 'solid' && parseFloat(style.outlineWidth) >= 2 && style.boxShadow !== 'none' };
      });
      if (!focus) {
        if (reached.length) break;
        continue;
      }
      reached.push(focus.id);
      if (!focus.marked) unmarked.push(focus.id);
    }
    expect(reached).toEqual(expect.arrayContaining(['own-goals', 'own-actions', 'own-save', 'consent-goals', 'consent-until', 'consent-save', 'consent-withdraw', 'log-show']));
    expect(unmarked).toEqual([]);

    await page.setViewportSize({ width: 320, height: 700 });
    expect(await sideways(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('narrows what Maria sees, with the keyboard: a receipt with focus on it, and Maria’s widget shows less on its next load', async () => {
    const maria = astrid.plan.relatives.find((r) => r.name === 'Maria Nilsson')!;
    expect(maria.sharedNow).toContain('goals');
    const ownGoal = astrid.plan.individualGoals[0]!.text;

    // Maria's own widget, open in her portal: Astrid's own goal is shared with her.
    const relative = await h.open(h.relativeUrlFor('maria'));
    await openAstridsPlanAsRelative(relative.page);
    await relative.page.getByText(ownGoal).first().waitFor();

    const { page, errors } = await h.open(h.urlFor({ persona: 'astrid' }));
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    const goals = view(page).locator(`#sharing-${maria.relativeId}-goals`);
    expect(await goals.isChecked()).toBe(true);
    await tabTo(page, `sharing-${maria.relativeId}-goals`);
    await page.keyboard.press('Space');
    expect(await goals.isChecked()).toBe(false);
    await tabTo(page, `sharing-${maria.relativeId}-save`);
    await page.keyboard.press('Enter');

    const receipt = view(page).locator(`#state-sharing-${maria.relativeId} [part="receipt"]`);
    await receipt.waitFor();
    expect(await receipt.innerText()).toContain('Du ändrade vad Maria Nilsson får se.');
    expect(await receipt.innerText()).toMatch(/Referens\s+[0-9A-F]{8}-\d+/);
    expect(await receipt.innerText()).toContain('Nästa gång Maria Nilsson tittar på planen visas bara det du har valt.');
    // Focus goes to what the save did, so a screen reader reads the receipt.
    expect(await focusedInView(page)).toBe(`state-sharing-${maria.relativeId}`);
    const now = view(page).locator(`#state-sharing-${maria.relativeId}`);
    expect(await now.innerText()).not.toMatch(/\bMål\b/);
    expect((await individualEvents(page)).filter((e) => e.type === 'sip-change').map((e) => e.detail)).toEqual([
      { planId: astrid.plan.planId, kind: 'sharing', relativeId: maria.relativeId, status: 'changed' },
    ]);
    await expectAxeClean(page, 'a receipt, sv');

    // Printed alone, with the plan it belongs to, in the view's place.
    await page.evaluate(() => {
      window.print = () => void ((window as unknown as { printed: number }).printed = ((window as unknown as { printed?: number }).printed ?? 0) + 1);
    });
    await receipt.getByRole('button', { name: 'Skriv ut kvittot' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { printed?: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const printed = view(page).locator('.printed-receipt');
    expect(await printed.isVisible()).toBe(true);
    expect(await printed.innerText()).toContain('SIP för Astrid Nilsson');
    expect(await printed.innerText()).toContain('Du ändrade vad Maria Nilsson får se.');
    expect(await view(page).locator('.view').isVisible()).toBe(false);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.emulateMedia({ media: 'screen' });
    await expect.poll(() => printed.count()).toBe(0);

    // Maria loads her widget again: Astrid's own goal is no longer there; the follow-up still is.
    await relative.page.reload();
    await openAstridsPlanAsRelative(relative.page);
    await relative.page.locator('sip-relative-view').getByRole('heading', { name: 'Nästa uppföljning' }).waitFor();
    expect(await relative.page.getByText(ownGoal).count()).toBe(0);
    expect(errors).toEqual([]);
    expect(relative.errors).toEqual([]);
  });

  it('reads who has read her plan, in plain words, after a staff member of the region read it', async () => {
    const staff = await h.staffApi('region-coordinator');
    expect((await staff(`/api/plans/${astrid.plan.planId}`)).status).toBe(200);

    const { page, errors } = await h.open(h.urlFor({ persona: 'astrid' }));
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    await view(page).getByRole('button', { name: 'Visa vem som har läst min plan' }).click();
    const log = view(page).locator('.log');
    await log.waitFor();
    expect(await log.locator('li').first().innerText()).toMatch(/: .+/);
    await log.getByText('Region Norrvik (personal) läste planen.').first().waitFor();
    expect(await focusedInView(page)).toBe('log-result');
    await expectAxeClean(page, 'who has read my plan, sv');
    expect(errors).toEqual([]);
  });

  it('writes her own goals; when staff saved the plan meanwhile, what she wrote stays, the plan’s version is shown, and saving again keeps hers', async () => {
    const { page, errors } = await h.open(h.urlFor({ persona: 'astrid' }));
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    const box = view(page).locator('#own-goals');
    const mine = `${await box.inputValue()}\nTräffa mina barnbarn varje vecka`;
    await box.fill(mine);

    // Meanwhile the coordinator adds a goal she heard at a meeting.
    const staff = await h.staffApi('municipality-coordinator');
    const current = await staff<{ fields: { individualGoals?: { text: string }[] } }>(`/api/plans/${astrid.plan.planId}`);
    const changed = await staff(`/api/plans/${astrid.plan.planId}`, {
      method: 'PATCH',
      ifMatch: current.etag,
      body: { individualGoals: [...(current.body.fields.individualGoals ?? []), { text: 'Promenera varje dag' }] },
    });
    expect(changed.status, changed.text).toBe(200);

    await view(page).getByRole('button', { name: 'Spara det jag har skrivit' }).click();
    const conflict = view(page).locator('.conflict');
    await conflict.getByText('Planen har ändrats medan du skrev').waitFor();
    await conflict.getByText('Promenera varje dag').waitFor();
    expect(await box.inputValue()).toBe(mine);
    expect(await focusedInView(page)).toBe('own-conflict');
    await expectAxeClean(page, 'a conflict on her own words, sv');

    await view(page).getByRole('button', { name: 'Spara det jag har skrivit' }).click();
    await view(page).locator('#state-own-words [part="receipt"]').getByText('Du sparade det du har skrivit.').waitFor();
    expect(await conflict.count()).toBe(0);
    expect(await focusedInView(page)).toBe('state-own-words');
    const saved = await staff<{ fields: { individualGoals?: { text: string }[] } }>(`/api/plans/${astrid.plan.planId}`);
    expect(saved.body.fields.individualGoals?.map((g) => g.text)).toEqual(mine.split('\n').map((l) => l.trim()).filter(Boolean));
    expect(errors.filter((e) => !/status of 412/.test(e))).toEqual([]);
  });

  it('withdraws and gives her consent, each pressed twice and sent once, with a dialog before withdrawing', async () => {
    const { page, errors } = await h.open(h.urlFor({ persona: 'astrid' }));
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    const puts: Request[] = [];
    // Each change is held a moment, so the second press comes while the first is under way.
    await page.route('**/consent', async (route) => {
      if (route.request().method() === 'PUT') {
        puts.push(route.request());
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      await route.continue();
    });

    await view(page).getByRole('button', { name: 'Ta tillbaka mitt samtycke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Vill du ta tillbaka ditt samtycke?' });
    await dialog.waitFor();
    await expectAxeClean(page, 'the withdraw dialog, sv');
    // Cancelled: nothing sent, focus back on the button.
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedInView(page)).toBe('consent-withdraw');
    expect(puts).toHaveLength(0);

    await view(page).getByRole('button', { name: 'Ta tillbaka mitt samtycke' }).click();
    await dialog.getByRole('button', { name: 'Ja, ta tillbaka samtycket' }).dblclick();
    const consentState = view(page).locator('#state-consent');
    await consentState.getByText('Du tog tillbaka ditt samtycke.').waitFor();
    await consentState.getByText('Du har tagit tillbaka ditt samtycke. Inget delas nu.').waitFor();
    expect(await focusedInView(page)).toBe('state-consent');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.postDataJSON()).toEqual({ decision: 'withdraw' });
    await view(page).getByText('Pausad sedan samtycket togs tillbaka').waitFor();
    // Nothing can be shared with a relative while it is withdrawn; what is shared can still be stopped.
    await view(page).getByText('Du kan välja vad dina anhöriga får se när du har samtyckt till planen igen.').waitFor();
    expect(await view(page).getByRole('button', { name: /^Spara det .* får se$/ }).count()).toBe(0);
    await expectAxeClean(page, 'consent withdrawn, sv');

    // Given again, as she ticks it; the button pressed twice.
    for (const category of ['goals', 'needs', 'health-interventions', 'social-interventions', 'contacts']) {
      await view(page).locator(`#consent-${category}`).check();
    }
    await view(page).getByRole('button', { name: 'Ja, jag samtycker' }).dblclick();
    await consentState.getByText('Du sa ja till att uppgifter delas, så som du kryssade för.').waitFor();
    // The plan stays paused until the coordinator starts it again, and the receipt says so.
    await consentState.getByText('Planen är pausad tills din samordnare har startat den igen.').waitFor();
    expect(puts).toHaveLength(2);
    expect(puts[1]!.headers()['idempotency-key']).not.toBe(puts[0]!.headers()['idempotency-key']);
    expect(puts[1]!.postDataJSON()).toMatchObject({ decision: 'give', information: ['goals', 'needs', 'health-interventions', 'social-interventions', 'contacts'] });
    await consentState.getByText('Du har sagt ja till att uppgifter delas.').waitFor();

    // The service holds one withdrawal and one new consent, given by her.
    const staff = await h.staffApi('municipality-coordinator');
    const plan = (await staff<{ consent: { given: boolean; recordedWith?: string; revokedAt?: string } }>(`/api/plans/${astrid.plan.planId}`)).body;
    expect(plan.consent).toMatchObject({ given: true, recordedWith: 'e-id' });
    expect(plan.consent.revokedAt).toBeUndefined();
    expect((await individualEvents(page)).filter((e) => e.type === 'sip-change').map((e) => (e.detail as { status: string }).status)).toEqual(['withdrawn', 'given']);

    // A last day written another way: the error summary, focused, links to the field.
    await view(page).locator('#consent-until').fill('31/12');
    await view(page).getByRole('button', { name: 'Spara ändringen' }).click();
    const summary = view(page).locator('#form-consent-errors');
    await summary.waitFor();
    expect(await focusedInView(page)).toBe('form-consent-errors');
    await expectAxeClean(page, 'an error summary, sv');
    await summary.getByRole('link').click();
    expect(await focusedInView(page)).toBe('consent-until');
    expect(puts).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('in English: the plan, who has read it, stopping a relative’s sharing from the keyboard and its receipt, axe clean, with what staff wrote kept Swedish', async () => {
    expect((await (await h.staffApi('region-coordinator'))(`/api/plans/${astrid.plan.planId}`)).status).toBe(200);
    const { page, errors } = await h.open(h.urlFor({ persona: 'astrid', lang: 'en' }));
    await view(page).getByRole('heading', { level: 3, name: 'This is important to me' }).waitFor();
    await view(page).getByText('A relative cannot do it for you in this service').waitFor();
    expect(await view(page).locator('#plan-title span[lang="sv"]').innerText()).toBe('SIP för Astrid Nilsson');
    await expectAxeClean(page, 'the plan, en');
    await view(page).getByRole('button', { name: 'Show who has read my plan' }).click();
    await view(page).locator('.log').getByText('Region Norrvik (staff) read the plan.').first().waitFor();
    await expectAxeClean(page, 'who has read my plan, en');
    await view(page).getByRole('button', { name: `Stop sharing with Bengt Nilsson` }).click();
    await page.getByRole('dialog', { name: 'Do you want to stop sharing the plan with Bengt Nilsson?' }).waitFor();
    await expectAxeClean(page, 'the stop-sharing dialog, en');
    await page.getByRole('button', { name: 'No, leave it as it is' }).click();
    await expect.poll(() => focusedInView(page)).toMatch(/^sharing-stop-/);
    // Confirmed with the keyboard: Bengt sees nothing from now on, and the receipt says so.
    const bengt = astrid.plan.relatives.find((r) => r.name === 'Bengt Nilsson')!;
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Do you want to stop sharing the plan with Bengt Nilsson?' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedInView(page)).toBe('confirm-yes');
    await page.keyboard.press('Enter');
    const stopped = view(page).locator(`#state-sharing-${bengt.relativeId}`);
    await stopped.getByText('You stopped sharing the plan with Bengt Nilsson.').waitFor();
    await stopped.getByText('Bengt Nilsson may not see anything of the plan.').waitFor();
    expect(await focusedInView(page)).toBe(`state-sharing-${bengt.relativeId}`);
    await expectAxeClean(page, 'a receipt, en');
    await page.setViewportSize({ width: 320, height: 700 });
    expect(await sideways(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows every demo individual their own plan: Karl’s narrower consent, Gunnel’s draft before any consent, Ingrid’s with Södervik; axe clean', async () => {
    for (const [persona, title, state] of [
      ['karl', 'SIP för Karl Johansson', 'Du har sagt ja till att uppgifter delas.'],
      ['gunnel', 'SIP för Gunnel Persson', 'Du har inte lämnat något samtycke ännu.'],
      ['ingrid', 'SIP för Ingrid Berg', 'Du har sagt ja till att uppgifter delas.'],
    ] as const) {
      const { page, errors } = await h.open(h.urlFor({ persona }));
      await view(page).getByRole('heading', { level: 2, name: title }).waitFor();
      await view(page).locator('#state-consent').getByText(state).waitFor();
      if (persona === 'gunnel') await view(page).getByRole('button', { name: 'Ja, jag samtycker' }).waitFor();
      await expectAxeClean(page, `${persona}'s plan, sv`);
      expect(errors, persona).toEqual([]);
    }
  });

  it('says plainly when it waits, has no plan, cannot reach the service or the sign-in has expired, axe clean in both languages', async () => {
    const states: {
      name: string;
      persona: string;
      token?: 'none';
      answer?: (path: string) => { status: number; body?: unknown } | undefined;
      text: Record<'sv' | 'en', string>;
    }[] = [
      { name: 'waiting for the sign-in', persona: 'astrid', token: 'none', text: { sv: 'Väntar på inloggning …', en: 'Waiting for sign-in …' } },
      { name: 'no plan of her own', persona: 'maria', text: { sv: 'Du har ingen samordnad individuell plan (SIP) just nu.', en: 'You do not have a coordinated individual plan (SIP) at the moment.' } },
      {
        name: 'two plans, listed',
        persona: 'astrid',
        answer: (path) =>
          path === '/api/me/plans'
            ? {
                status: 200,
                body: {
                  items: [
                    { planId: astrid.plan.planId, title: 'SIP för Astrid Nilsson', status: 'active', role: 'individual' },
                    { planId: '00000000-0000-4000-8000-000000000002', title: null, status: 'draft', role: 'individual' },
                  ],
                },
              }
            : undefined,
        text: { sv: 'Du har 2 samordnade individuella planer (SIP).', en: 'You have 2 coordinated individual plans (SIP).' },
      },
      { name: 'the service failing', persona: 'astrid', answer: () => ({ status: 500, body: { status: 500, title: 'Internal Server Error' } }), text: { sv: 'Det blev ett fel i tjänsten.', en: 'Something went wrong in the service.' } },
      { name: 'the sign-in expired', persona: 'astrid', answer: () => ({ status: 401 }), text: { sv: 'Din inloggning har gått ut.', en: 'Your sign-in has expired.' } },
    ];
    for (const lang of ['sv', 'en'] as const) {
      for (const state of states) {
        const { page } = await h.open(h.urlFor({ persona: state.persona, lang, ...(state.token ? { token: state.token } : {}) }), {
          before: (p) =>
            p.route('**/api/me/**', async (route) => {
              const answer = state.answer?.(new URL(route.request().url()).pathname);
              if (!answer) return route.continue();
              await route.fulfill({ status: answer.status, contentType: 'application/problem+json', body: JSON.stringify(answer.body ?? {}) });
            }),
        });
        await view(page).getByText(state.text[lang]).waitFor();
        await expectAxeClean(page, `${state.name}, ${lang}`);
        if (state.name === 'two plans, listed') {
          // The list opens a plan; the plan has a way back to the list, and focus returns to its button.
          await view(page).getByRole('button', { name: 'SIP för Astrid Nilsson' }).click();
          await expect.poll(() => focusedInView(page)).toBe('plan-title');
          await view(page).getByRole('button', { name: lang === 'sv' ? 'Alla mina planer' : 'All my plans' }).click();
          await expect.poll(() => focusedInView(page)).toBe(`open-${astrid.plan.planId}`);
        }
      }
    }
    const expired = (await h.open(h.urlFor({ persona: 'astrid' }), { before: (p) => p.route('**/api/me/**', (route) => route.fulfill({ status: 401 })) })).page;
    await view(expired).getByText('Din inloggning har gått ut.').waitFor();
    expect((await individualEvents(expired)).map((e) => e.type)).toContain('sip-session-expired');
  });

  it('is what the /demo portal shows when an individual signs in, loaded only then, beside the relatives’ widget', async () => {
    const { page, errors } = await h.open(`${h.service.url}/demo`);
    const picker = page.getByRole('combobox', { name: 'Person' });
    await expect.poll(() => picker.isEnabled()).toBe(true);
    expect(await page.evaluate(() => customElements.get('sip-individual-view') === undefined)).toBe(true);
    await picker.selectOption({ label: 'Astrid Nilsson' });
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.locator('sip-individual-view').getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    await page.locator('#events code').filter({ hasText: 'sip-ready' }).waitFor();
    await expectAxeClean(page, 'the demo portal with the individual’s view');
    // Both elements on one page, each with its own Lit, each asking for the lit-html policy.
    await picker.selectOption({ label: 'Maria Nilsson' });
    await page.getByRole('button', { name: 'Logga in' }).click();
    await openAstridsPlanAsRelative(page);
    expect(errors).toEqual([]);
  });
});
