import type { MyCommitment, MyPlan } from '@sip/shared';
import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAxe } from './support/axe.ts';
import {
  commitmentCard,
  eventsOf,
  focusedId,
  giveMariaTwoPlans,
  HELP,
  hostState,
  LIT_GLOBALS,
  startWidgetHarness,
  utcDate,
  type WidgetHarness,
} from './support/widget-host.ts';
import { mintToken } from './support/service.ts';

/**
 * <sip-relative-view> in real Chromium, embedded in a host page on another origin, against the
 * real service in demo mode. The host page runs under a strict CSP with Trusted Types enforced.
 */

describe('<sip-relative-view> in Chromium against the service', () => {
  let harness: WidgetHarness;

  beforeAll(async () => {
    harness = await startWidgetHarness();
    // Maria is a relative in two plans, and sees them listed; everyone else has one, opened directly.
    await giveMariaTwoPlans(harness);
  });

  const axeOn = async (page: Page) => (await runAxe(page)).violations.map((v) => ({ id: v.rule, nodes: v.nodes }));
  afterEach(async () => {
    await harness.closePages();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const myPlan = (persona: string) => harness.myPlan(persona);
  const open = (...args: Parameters<WidgetHarness['open']>) => harness.open(...args);

  const staffApi = (persona: string) => harness.staffApi(persona);

  /** The relative's answer to a commitment, through their own API. */
  async function answerAs(persona: string, planId: string, commitmentId: string, answer: string) {
    const token = await mintToken(harness.service.url, persona);
    const res = await fetch(`${harness.service.url}/api/me/plans/${planId}/commitments/${commitmentId}/answer`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ answer }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const GUNNEL = '195007129827';
  const LARS = '194811239823';
  /** What Lars is asked to do for Gunnel. */
  const FOR_GUNNEL = {
    requested: { what: 'Följa med Gunnel till dagverksamheten', howOften: 'Två dagar i veckan', from: inDays(0), reviewDate: inDays(90) },
    accepted: { what: 'Ta emot hemtjänsten på morgonen', howOften: 'Varje morgon', from: inDays(0), reviewDate: inDays(90) },
    due: { what: 'Hämta ut Gunnels läkemedel på apoteket', howOften: 'Varannan vecka', from: inDays(-83), reviewDate: inDays(7) },
  };
  type LarsCommitment = keyof typeof FOR_GUNNEL;

  /**
   * Gunnel's plan, a draft the municipality drew up before her consent: she consents (naming both
   * principals), shares it with Lars, and the coordinator asks three commitments of him; Lars
   * accepts two, one of which is up for review within days. Once per file, whichever test needs it first.
   */
  let gunnelShared: Promise<{ planId: string; ids: Record<LarsCommitment, string> }> | undefined;
  const shareGunnelsPlanWithLars = () =>
    (gunnelShared ??= (async () => {
      const api = await staffApi('municipality-coordinator');
      const list = await api<{ items: { id: string; individual: { personId: string } }[] }>('/api/plans?limit=100');
      const planId = list.body.items.find((p) => p.individual.personId === GUNNEL)!.id;
      // Before her consent, the plan is shared with nobody: Lars sees his own part only.
      expect(await myPlan('lars')).toMatchObject({ planId, status: 'draft', shared: { categories: [] }, me: { sharing: null, commitments: [] } });
      const recordedBy = { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' };
      const plan = await api(`/api/plans/${planId}`);
      const consent = await api(`/api/plans/${planId}/consent`, {
        method: 'PUT',
        ifMatch: plan.etag,
        body: {
          given: true,
          form: 'written',
          recordedAt: new Date().toISOString(),
          recordedBy,
          scope: { information: ['goals', 'needs', 'interventions', 'contacts', 'follow-up'], actors: ['Region Norrvik', 'Norrviks kommun'], validUntil: inDays(365) },
        },
      });
      expect(consent.status, consent.text).toBe(200);
      const section = await api<{ relatives: { id: string; personId?: string }[] }>(`/api/plans/${planId}/relatives`);
      const lars = section.body.relatives.find((r) => r.personId === LARS)!;
      let etag = section.etag;
      const sharing = await api(`/api/plans/${planId}/relatives/${lars.id}/sharing`, {
        method: 'PUT',
        ifMatch: etag,
        body: { categories: ['goals', 'interventions', 'contacts', 'follow-up'], form: 'written', recordedAt: new Date().toISOString(), recordedBy, validUntil: inDays(365) },
      });
      expect(sharing.status, sharing.text).toBe(200);
      etag = sharing.etag;
      const ids = {} as Record<LarsCommitment, string>;
      for (const [kind, body] of Object.entries(FOR_GUNNEL) as [LarsCommitment, (typeof FOR_GUNNEL)[LarsCommitment]][]) {
        const proposed = await api<{ id: string }>(`/api/plans/${planId}/relatives/${lars.id}/commitments`, { method: 'POST', ifMatch: etag, body });
        expect(proposed.status, proposed.text).toBe(201);
        etag = proposed.etag;
        ids[kind] = proposed.body.id;
      }
      await answerAs('lars', planId, ids.accepted, 'accept');
      await answerAs('lars', planId, ids.due, 'accept');
      return { planId, ids };
    })());

  it('opens my only plan directly, and shows what Astrid shares, by her given name, with what waits for my answer first', async () => {
    const { page, errors } = await open({ persona: 'bengt' });
    const expected = await myPlan('bengt');
    expect(expected.individual).toEqual({ givenName: 'Astrid' });

    // One plan: no list of one, and nothing to go back to.
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    expect(await page.getByRole('button', { name: 'Alla mina planer' }).count()).toBe(0);
    // The one way in: the coordinator, once, with the number as written in Sweden, linked in E.164, and when to call.
    await page.getByText('Karin Ek, Biståndshandläggare, SIP-samordnare').waitFor();
    const coordinatorPhone = page.getByRole('link', { name: '010-174 03 00' });
    expect(await coordinatorPhone.count()).toBe(1);
    expect(await coordinatorPhone.getAttribute('href')).toBe('tel:+46101740300');
    await page.getByText('Telefontid: Vardagar 8–12').first().waitFor();
    expect(await page.getByText('+46101740300').count()).toBe(0);
    await page.getByText('Utanför kontorstid').waitFor();
    // What is shared: goals, who does what, contacts, the next follow-up; Astrid by her given name.
    await page.getByRole('heading', { name: 'Det här är viktigast för Astrid' }).waitFor();
    await page.getByText('Kunna bo kvar hemma med Bengt').waitFor();
    await page.getByText('Astrid har samtyckt till att du ser det här', { exact: false }).waitFor();
    await page.getByText('Du bor tillsammans med Astrid.', { exact: false }).waitFor();
    expect(await page.getByText(/personen/).count()).toBe(0);
    await page.getByRole('heading', { name: 'Vem gör vad' }).waitFor();
    await page.getByText('Hemsjukvård: insulin morgon och kväll').waitFor();
    await page.getByText('Sara Lind, Distriktssköterska, SIP-samordnare').waitFor();
    await page.getByText(utcDate(expected.shared.followUp!.date, 'sv-SE')).first().waitFor();
    // My commitment, waiting for my answer.
    const commitment = expected.me.commitments[0]!;
    const card = commitmentCard(page, commitment.what);
    await card.getByText('Väntar på ditt svar').waitFor();
    // What kind of help it is, as staff proposed it, in the words they chose it by.
    expect(commitment.kind).toBe('contacts');
    expect(await card.locator('dt').first().textContent()).toBe('Typ av hjälp');
    expect(await card.locator('dd').first().textContent()).toBe('Kontakter med vård och myndigheter');
    await card.getByRole('button', { name: 'Tacka ja' }).waitFor();
    await card.getByRole('button', { name: 'Tacka nej' }).waitFor();
    // In Swedish, nothing staff wrote needs a language of its own.
    expect(await page.locator('sip-relative-view').evaluate((el) => el.shadowRoot!.querySelectorAll('.view [lang]').length)).toBe(0);

    // "Att göra" first: what waits for my answer, each leading to its place.
    const todo = page.getByRole('region', { name: 'Att göra' });
    expect(await todo.getByRole('link').allTextContents()).toEqual([`Svara på: ${commitment.what}`, 'Svara om ert gemensamma hem']);
    await todo.getByRole('link', { name: `Svara på: ${commitment.what}` }).click();
    expect(await focusedId(page)).toBe(`title-${commitment.id}`);
    await todo.getByRole('link', { name: 'Svara om ert gemensamma hem' }).click();
    expect(await focusedId(page)).toBe('home-title');

    const state = await hostState(page);
    expect(state.events.filter((e) => e.type === 'sip-ready')).toEqual([
      { type: 'sip-ready', bubbles: true, composed: true, detail: { view: 'plan', planId: expected.planId } },
    ]);
    expect(state.tokenCalls).toEqual([false]);
    // Nothing of the widget's own on window; the token is nowhere but in memory.
    expect(state.newGlobals.filter((name) => !LIT_GLOBALS.includes(name))).toEqual([]);
    const leaks = await page.evaluate((token) => {
      const element = document.querySelector('sip-relative-view')!;
      return {
        cookie: document.cookie,
        storage: localStorage.length + sessionStorage.length,
        inAttributes: [...element.attributes].some((a) => a.value.includes(token)),
        inShadow: element.shadowRoot!.innerHTML.includes(token),
        readable: (element as unknown as { accessToken: unknown }).accessToken,
      };
    }, state.lastToken!);
    expect(leaks).toEqual({ cookie: '', storage: 0, inAttributes: false, inShadow: false, readable: undefined });
    expect(errors).toEqual([]);
  });

  it('accepts, then withdraws after the confirmation dialog; events carry ids and status only; a reload shows it', async () => {
    const before = await myPlan('maria');
    const commitment = before.me.commitments[0]!;
    expect(commitment.status).toBe('requested');
    const { page, errors } = await open({ persona: 'maria', planId: before.planId });
    const card = commitmentCard(page, commitment.what);

    await card.getByRole('textbox', { name: 'Kommentar (frivillig)' }).fill('Jag handlar på lördagar');
    await card.getByRole('button', { name: 'Tacka ja' }).click();
    await card.getByText('Du har tackat ja').waitFor();
    expect(await focusedId(page)).toBe(`state-c-${commitment.id}`);
    await page.getByRole('status').filter({ hasText: `Sparat. Du har tackat ja till: ${commitment.what}.` }).waitFor({ state: 'attached' });

    // A receipt to keep, from the service: what I answered, my comment, when in full, a
    // reference, who has been told, and what happens next. No bare "Sparat 07:03".
    const receipt = card.getByRole('group', { name: 'Kvitto på ditt svar' });
    await receipt.getByText(`Du tackade ja till: ${commitment.what}`).waitFor();
    await receipt.getByText('Jag handlar på lördagar').waitFor();
    await receipt.getByText(/^(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag) \d{1,2} \p{L}+ \d{4} (kl\. )?\d{2}:\d{2}$/u).waitFor();
    const reference = ((await receipt.locator('.reference').textContent()) ?? '').trim();
    expect(reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    await receipt.getByText('Norrviks kommun, Region Norrvik och samordnaren Karin Ek').waitFor();
    await receipt.getByText(/^Åtagandet gäller nu\./).waitFor();
    expect(await card.getByText(/^Sparat \d/).count()).toBe(0);
    expect(await axeOn(page)).toEqual([]);

    // Printed alone: the receipt and the plan it belongs to, nothing else of the plan.
    await page.evaluate(() => (window.print = () => undefined));
    await receipt.getByRole('button', { name: 'Skriv ut kvittot' }).click();
    await page.emulateMedia({ media: 'print' });
    const printed = page.locator('.printed-receipt');
    await printed.getByText(reference).waitFor();
    await printed.getByText('SIP för Astrid Nilsson').waitFor();
    expect(await page.getByRole('heading', { level: 2 }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Skriv ut kvittot' }).isVisible()).toBe(false);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('heading', { level: 2 }).waitFor();
    expect(await printed.count()).toBe(0);

    // The dialog says what happens next; Escape closes it and focus goes back to its button.
    const withdraw = card.getByRole('button', { name: 'Avsluta åtagandet' });
    await withdraw.click();
    const dialog = page.getByRole('dialog', { name: 'Vill du avsluta åtagandet?' });
    await dialog.waitFor();
    await dialog.getByText(/måste planera om/).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe(`withdraw-${commitment.id}`);
    await card.getByText('Du har tackat ja').waitFor();

    // Closed and opened again at once, before the browser has delivered the close event: the
    // late close must not make the open dialog forget which commitment it is about.
    await withdraw.click();
    await dialog.waitFor();
    const reopened = await page.evaluate(async (id) => {
      const root = document.querySelector('sip-relative-view')!.shadowRoot!;
      const cancel = [...root.querySelectorAll<HTMLButtonElement>('dialog button')].find((b) => b.textContent!.includes('Nej, fortsätt som förut'))!;
      cancel.click();
      root.querySelector<HTMLButtonElement>(`[id="withdraw-${id}"]`)!.click();
      await new Promise((resolve) => setTimeout(resolve, 100));
      return root.querySelector('dialog')!.open;
    }, commitment.id);
    expect(reopened).toBe(true);
    await dialog.getByText(commitment.what).waitFor();
    await dialog.getByRole('textbox', { name: 'Vill du säga något om varför? (frivilligt)' }).fill('Jag orkar inte just nu');
    await dialog.getByRole('button', { name: 'Ja, avsluta åtagandet' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByText('Du har avslutat åtagandet').waitFor();
    expect(await focusedId(page)).toBe(`state-c-${commitment.id}`);
    // The withdrawal's receipt: a new reference, and what happens now.
    await receipt.getByText(`Du avslutade: ${commitment.what}`).waitFor();
    await receipt.getByText('Jag orkar inte just nu').waitFor();
    await receipt.getByText('Norrviks kommun planerar om, så att hjälpen blir av på annat sätt.', { exact: false }).waitFor();
    const withdrawal = ((await receipt.locator('.reference').textContent()) ?? '').trim();
    expect(withdrawal).not.toBe(reference);

    const changes = await eventsOf(page, 'sip-consent-change');
    expect(changes).toEqual([
      { type: 'sip-consent-change', bubbles: true, composed: true, detail: { planId: before.planId, kind: 'commitment', itemId: commitment.id, status: 'accepted' } },
      { type: 'sip-consent-change', bubbles: true, composed: true, detail: { planId: before.planId, kind: 'commitment', itemId: commitment.id, status: 'withdrawn' } },
    ]);
    const state = await hostState(page);
    const everything = JSON.stringify(state.events);
    for (const personal of ['Maria', 'Nilsson', 'orkar', commitment.what, state.lastToken!]) expect(everything).not.toContain(personal);

    // Saved for real: a reload shows it, with my answers in the history.
    await page.reload();
    await card.getByText('Du har avslutat åtagandet').waitFor();
    await card.getByText('Dina svar hittills (3)').click();
    await card.getByText('Jag orkar inte just nu').waitFor();
    const after = await myPlan('maria');
    expect(after.me.commitments[0]!.history.map((h) => h.status)).toEqual(['requested', 'accepted', 'withdrawn']);
    // The references on the receipts are kept with the answers, where staff find them too.
    expect(after.me.commitments[0]!.history.map((h) => h.reference ?? null)).toEqual([null, reference, withdrawal]);
    await card.getByText(`(Referens ${reference})`).waitFor();
    const staff = await staffApi('municipality-coordinator');
    expect((await staff(`/api/plans/${before.planId}/relatives`)).text).toContain(withdrawal);
    expect(errors).toEqual([]);
  });

  it('speaks English with lang="en", and records consent to the shared home', async () => {
    const expected = await myPlan('bengt');
    const { page, errors } = await open({ persona: 'bengt', lang: 'en' });

    await page.getByRole('heading', { name: 'Your commitments' }).waitFor();
    await page.getByRole('heading', { name: 'To do' }).waitFor();
    await page.getByText('You live with Astrid.', { exact: false }).waitFor();
    await page.getByRole('heading', { name: 'Who does what' }).waitFor();
    await page.getByRole('button', { name: 'Accept' }).waitFor();
    await page.getByRole('button', { name: 'Print' }).waitFor();
    const card = commitmentCard(page, expected.me.commitments[0]!.what);
    expect([await card.locator('dt').first().textContent(), await card.locator('dd').first().textContent()]).toEqual(['Kind of help', 'Contacts with care and authorities']);
    await page.getByText(utcDate(expected.shared.followUp!.date, 'en-GB')).first().waitFor();
    const text = await page.locator('sip-relative-view').evaluate((el) => el.shadowRoot!.textContent ?? '');
    for (const swedish of ['Tacka ja', 'Mina planer', 'Dina åtaganden', 'Skriv ut', 'Väntar på ditt svar', 'Att göra', 'personen']) expect(text).not.toContain(swedish);
    // What staff wrote stays Swedish, and says so, so a screen reader reads it with a Swedish voice;
    // the widget lays itself out left to right whatever the host page's direction.
    const marks = await page.locator('sip-relative-view').evaluate((el, what) => {
      const root = el.shadowRoot!;
      const heading = [...root.querySelectorAll('h4')].find((h) => h.textContent!.trim() === what)!;
      const base = root.querySelector('[part="base"]')!;
      return {
        commitment: heading.querySelector('[lang]')?.getAttribute('lang') ?? null,
        title: root.querySelector('#plan-title [lang]')?.getAttribute('lang') ?? null,
        base: [base.getAttribute('lang'), base.getAttribute('dir')],
      };
    }, expected.me.commitments[0]!.what);
    expect(marks).toEqual({ commitment: 'sv', title: 'sv', base: ['en', 'ltr'] });

    // What a yes and a no mean in practice, and that the answer can be changed.
    const homeRegion = page.getByRole('region', { name: 'Your shared home' });
    await homeRegion.getByText(/^Yes means that staff come to your home/).waitFor();
    await homeRegion.getByText(/^No means that staff do not work in your home/).waitFor();
    await homeRegion.getByText(/^You can change your answer whenever you want/).waitFor();
    await page.getByRole('radio', { name: 'Yes, I agree' }).check();
    await page.getByRole('button', { name: 'Save my answer' }).click();
    const home = page.locator('#state-home');
    await home.getByText(/You agreed on/).waitFor();
    expect(await focusedId(page)).toBe('state-home');
    const receipt = home.getByRole('group', { name: 'Receipt for your answer' });
    await receipt.getByText('Yes, you agree that your shared home is used for care').waitFor();
    await receipt.getByText(/^Staff may give care in your home\./).waitFor();
    await receipt.getByRole('button', { name: 'Print the receipt' }).waitFor();
    expect(await axeOn(page)).toEqual([]);
    // Answered: nothing waits for me about the home any more.
    expect(await page.getByRole('link', { name: 'Answer about your shared home' }).count()).toBe(0);
    expect(await eventsOf(page, 'sip-consent-change')).toEqual([
      { type: 'sip-consent-change', bubbles: true, composed: true, detail: { planId: expected.planId, kind: 'home-consent', itemId: 'home-consent', status: 'consented' } },
    ]);
    expect((await myPlan('bengt')).me.homeConsent?.consent).toBe(true);

    // The element's own lang wins; without it, the document's.
    await page.locator('sip-relative-view').evaluate((el) => el.removeAttribute('lang'));
    await page.getByRole('heading', { name: 'Dina åtaganden' }).waitFor();
    await page.evaluate(() => (document.documentElement.lang = 'en'));
    await page.getByRole('heading', { name: 'Your commitments' }).waitFor();
    // The nearest ancestor with a lang comes before the document.
    await page.evaluate(() => document.querySelector('main')!.setAttribute('lang', 'sv'));
    await page.getByRole('heading', { name: 'Dina åtaganden' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('starts its headings at heading-level, keeping their outline, at most h6', async () => {
    const plan = await myPlan('bengt');
    const { page, errors } = await open({ persona: 'bengt', planId: plan.planId, headingLevel: '4' });
    await page.locator('#plan-title').waitFor();
    /** The levels of the headings of the open plan, by their depth below its title, and the title's. */
    const outline = () =>
      page.locator('sip-relative-view').evaluate((el) => {
        const levels: Record<string, string[]> = {};
        for (const h of el.shadowRoot!.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
          const depth = h.className;
          levels[depth] = [...new Set([...(levels[depth] ?? []), h.localName])];
        }
        return levels;
      });
    expect(await outline()).toEqual({ d0: ['h4'], d1: ['h5'], d2: ['h6'], d3: ['h6'] });
    expect(await page.getByRole('heading', { level: 4 }).first().textContent()).toContain('SIP för Astrid Nilsson');
    for (const [value, levels] of [
      ['1', ['h1', 'h2', 'h3', 'h4']],
      ['2', ['h2', 'h3', 'h4', 'h5']],
      ['6', ['h6', 'h6', 'h6', 'h6']],
      ['9', ['h6', 'h6', 'h6', 'h6']],
      ['0', ['h1', 'h2', 'h3', 'h4']],
      ['not a number', ['h2', 'h3', 'h4', 'h5']],
      [null, ['h2', 'h3', 'h4', 'h5']],
    ] as const) {
      await page.locator('sip-relative-view').evaluate((el, v) => (v === null ? el.removeAttribute('heading-level') : el.setAttribute('heading-level', v)), value);
      await expect.poll(outline, { message: String(value) }).toEqual({ d0: [levels[0]], d1: [levels[1]], d2: [levels[2]], d3: [levels[3]] });
    }
    expect(errors).toEqual([]);
  });

  it('fetches only the language asked for, once, and shows nothing in another language while it comes', async () => {
    const modules: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { page, errors } = await open(
      { persona: 'erik', lang: 'fi' },
      {
        before: async (p) => {
          p.on('request', (request: Request) => {
            // The languages' modules (the plan view's module comes with the plan, in every language).
            if (/sip-relative-view\.(?!plan\.)[\w-]+\.[0-9a-f]{12}\.js$/.test(request.url())) modules.push(new URL(request.url()).pathname);
          });
          await p.route(/sip-relative-view\.fi\.[0-9a-f]{12}\.js$/, async (route) => {
            await held;
            await route.continue();
          });
        },
      },
    );
    // While Finnish is on its way: a busy, neutral state, no Swedish.
    await expect.poll(() => modules.length).toBe(1);
    const waiting = await page.locator('sip-relative-view').evaluate((el) => {
      const view = el.shadowRoot!.querySelector('.view')!;
      return { busy: view.getAttribute('aria-busy'), text: (view.textContent ?? '').trim() };
    });
    expect(waiting).toEqual({ busy: 'true', text: '' });
    release();
    // Erik's one plan opens directly.
    await page.getByRole('heading', { name: 'Sitoumuksesi' }).waitFor();
    expect(modules).toEqual([expect.stringMatching(/^\/sip-relative-view\.fi\.[0-9a-f]{12}\.js$/)]);
    // A second element in the same language fetches nothing more.
    await page.evaluate(() => {
      const second = document.createElement('sip-relative-view');
      second.setAttribute('api-base', document.querySelector('sip-relative-view')!.getAttribute('api-base')!);
      second.setAttribute('lang', 'fi');
      document.querySelector('main')!.append(second);
    });
    await page.locator('sip-relative-view').nth(1).getByText('Odotetaan kirjautumista …').waitFor();
    expect(modules).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('speaks Swedish, and says so, when the language asked for cannot be had or is not the one built', async () => {
    for (const [how, fulfil] of [
      ['not found', { status: 404, body: '' }],
      ['other bytes than its integrity names', { status: 200, contentType: 'text/javascript', body: 'export default { myPlans: "Omat suunnitelmat" };' }],
    ] as const) {
      const { page, errors } = await open({ persona: 'erik', lang: 'ar' }, { before: (p) => p.route(/sip-relative-view\.ar\.[0-9a-f]{12}\.js$/, (route) => route.fulfill(fulfil)) });
      await page.getByRole('heading', { name: 'Dina åtaganden' }).waitFor();
      await page.getByText('gick inte att hämta. Därför står allt här på svenska.').waitFor();
      const base = await page.locator('sip-relative-view').evaluate((el) => {
        const root = el.shadowRoot!.querySelector('[part="base"]')!;
        return { lang: root.getAttribute('lang'), dir: root.getAttribute('dir'), named: root.querySelector('.message [lang]')?.getAttribute('lang') };
      });
      expect(base, how).toEqual({ lang: 'sv', dir: 'ltr', named: 'ar' });
      expect(errors.filter((e) => !/status of 404|integrity|Failed to find a valid digest/i.test(e)), how).toEqual([]);
    }
  });

  it('follows the document language when the element has none', async () => {
    const { page, errors } = await open({ persona: 'erik', docLang: 'en-GB' });
    await page.getByRole('heading', { name: 'Your commitments' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('asks getAccessToken again when the service refuses the token', async () => {
    const { page, errors } = await open({ persona: 'erik', token: 'invalid-then-valid' });
    await page.getByRole('heading', { level: 2, name: 'SIP för Karl Johansson' }).waitFor();
    const state = await hostState(page);
    expect(state.tokenCalls).toEqual([false, true]);
    expect(state.events.map((e) => e.type)).toEqual(['sip-ready']);
    // The browser reports the refused request itself; nothing else may go wrong.
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('says the session expired when no new token can be had, and recovers when the host signs in again', async () => {
    const { page, errors } = await open({ persona: 'erik', token: 'invalid' });
    await page.getByRole('alert').filter({ hasText: 'Du är utloggad' }).waitFor();
    const state = await hostState(page);
    expect(state.tokenCalls).toEqual([false, true]);
    expect(state.events).toEqual([{ type: 'sip-session-expired', bubbles: true, composed: true, detail: null }]);

    // "Försök igen" asks the host again, rather than reusing the refused token.
    await page.getByRole('alert').getByRole('button', { name: 'Försök igen' }).click();
    await expect.poll(async () => (await hostState(page)).tokenCalls).toEqual([false, true, false, true]);
    await page.getByRole('alert').filter({ hasText: 'Du är utloggad' }).waitFor();

    await page.evaluate(() => window.sip.signIn());
    await page.getByRole('heading', { level: 2, name: 'SIP för Karl Johansson' }).waitFor();
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('takes the token as the accessToken property too, never reading it back, and says when it is refused', async () => {
    const { page, errors } = await open({ persona: 'erik', token: 'property' });
    await page.getByRole('heading', { level: 2, name: 'SIP för Karl Johansson' }).waitFor();
    expect(await page.locator('sip-relative-view').evaluate((el) => (el as unknown as { accessToken: unknown }).accessToken)).toBeUndefined();
    expect(errors).toEqual([]);

    const refused = await open({ persona: 'erik', token: 'property-invalid' });
    await refused.page.getByRole('alert').filter({ hasText: 'Du är utloggad' }).waitFor();
    expect((await hostState(refused.page)).events.map((e) => e.type)).toEqual(['sip-session-expired']);
    // A new token from the host: the element loads again.
    await refused.page.evaluate(() => window.sip.setToken(true));
    await refused.page.getByRole('heading', { level: 2, name: 'SIP för Karl Johansson' }).waitFor();
    expect(refused.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('shows "not saved" when the network fails, and a retry with the same key saves the answer once', async () => {
    const before = await myPlan('erik');
    const commitment = before.me.commitments.find((c) => c.status === 'requested')!;
    const { page, errors } = await open({ persona: 'erik', planId: before.planId });
    const keys: (string | undefined)[] = [];
    page.on('request', (request: Request) => {
      if (request.method() === 'POST' && request.url().endsWith('/answer')) keys.push(request.headers()['idempotency-key']);
    });
    let aborted = false;
    await page.route('**/commitments/*/answer', async (route) => {
      if (route.request().method() === 'POST' && !aborted) {
        aborted = true;
        await route.abort('internetdisconnected');
      } else {
        await route.continue();
      }
    });
    const card = commitmentCard(page, commitment.what);
    await card.getByRole('button', { name: 'Tacka ja' }).click();
    await card.getByText('Inte sparat.').waitFor();
    await card.getByText(/försöka igen: ditt svar sparas bara en gång/).waitFor();
    expect(await focusedId(page)).toBe(`state-c-${commitment.id}`);
    await card.getByText('Väntar på ditt svar').waitFor();

    await card.getByRole('button', { name: 'Försök igen' }).click();
    await card.getByText('Du har tackat ja').waitFor();
    await card.getByRole('group', { name: 'Kvitto på ditt svar' }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const after = (await myPlan('erik')).me.commitments.find((c) => c.id === commitment.id)!;
    expect(after.history.filter((h) => h.by === 'relative').map((h) => h.status)).toEqual(['accepted']);
    expect((await eventsOf(page, 'sip-error')).map((e) => e.detail)).toEqual([{ code: 'network' }]);
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  });

  it('keeps the key when the answer arrived but the reply was lost: the retry saves nothing twice', async () => {
    const before = await myPlan('bengt');
    const { page, errors } = await open({ persona: 'bengt', planId: before.planId });
    let lost = false;
    await page.route('**/requests', async (route) => {
      if (route.request().method() === 'POST' && !lost) {
        lost = true;
        await route.fetch(); // the service saves it ...
        await route.abort('connectionreset'); // ... and the reply never reaches the browser
      } else {
        await route.continue();
      }
    });
    await page.getByRole('textbox', { name: 'Vill du berätta något mer? (frivilligt)' }).fill('Helst på förmiddagen');
    await page.getByRole('button', { name: 'Be anhörigkonsulenten kontakta mig' }).click();
    const state = page.locator('#state-req-contact-consultant');
    await state.getByText('Inte sparat.').waitFor();
    await state.getByRole('button', { name: 'Försök igen' }).click();
    await state.getByRole('group', { name: 'Kvitto på ditt svar' }).waitFor();
    await state.getByText('Att anhörigkonsulenten kontaktar dig').waitFor();
    const requests = (await myPlan('bengt')).me.support?.requests ?? [];
    expect(requests.filter((r) => r.kind === 'contact-consultant').map((r) => r.note)).toEqual(['Helst på förmiddagen']);
    expect(errors.filter((e) => !/ERR_CONNECTION_RESET/.test(e))).toEqual([]);
  });

  it('refuses a comment that is too long with an error summary that leads to the field, sending nothing', async () => {
    const before = await myPlan('bengt');
    const commitment = before.me.commitments[0]!;
    expect(commitment.status).toBe('requested');
    const { page, errors } = await open({ persona: 'bengt', planId: before.planId });
    let posted = 0;
    page.on('request', (request: Request) => {
      if (request.method() === 'POST' && request.url().includes('/api/')) posted++;
    });
    const card = commitmentCard(page, commitment.what);
    const comment = card.getByRole('textbox', { name: 'Kommentar (frivillig)' });
    await comment.fill('x'.repeat(2001));
    await card.getByRole('button', { name: 'Tacka ja' }).click();

    const summary = card.getByRole('alert').filter({ hasText: 'Det finns ett problem' });
    await summary.waitFor();
    expect(await focusedId(page)).toBe(`form-c-${commitment.id}-errors`);
    const link = summary.getByRole('link', { name: /Kommentaren får vara högst 2\s000 tecken. Den är nu 2\s001 tecken./ });
    await link.waitFor();
    expect(await comment.getAttribute('aria-invalid')).toBe('true');
    // The field's own message starts with a visually hidden "Fel:".
    await card.locator('.error-message').filter({ hasText: /^Fel:\s+Kommentaren får vara högst/ }).waitFor();
    await link.click();
    expect(await focusedId(page)).toBe(`comment-${commitment.id}`);
    await card.getByText('Väntar på ditt svar').waitFor();
    expect(posted).toBe(0);
    expect(errors).toEqual([]);
  });

  it('confirms again a commitment that is up for review', async () => {
    const before = await myPlan('erik');
    // Up for review: accepted, with the review date at most 14 days away.
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const due = before.me.commitments.find((c) => c.status === 'accepted' && c.currentReviewDate <= inTwoWeeks)!;
    expect(due).toBeDefined();
    const { page, errors } = await open({ persona: 'erik', planId: before.planId });
    const card = commitmentCard(page, due.what);
    await card.getByText(/Dags att stämma av: kan du fortsätta med det här\?/).waitFor();
    await card.getByRole('button', { name: 'Ja, jag fortsätter' }).click();
    await card.getByRole('group', { name: 'Kvitto på ditt svar' }).waitFor();
    await card.getByText('Du har tackat ja').waitFor();
    const after = (await myPlan('erik')).me.commitments.find((c) => c.id === due.id)!;
    expect(after.history.map((h) => h.status)).toEqual(['requested', 'accepted', 'reconfirmed']);
    // The review date set by the confirmation is the one shown.
    await card.getByText(utcDate(after.currentReviewDate, 'sv-SE')).first().waitFor();
    await card.getByText('Dina svar hittills (3)').waitFor();
    expect((await eventsOf(page, 'sip-consent-change')).map((e) => e.detail)).toEqual([
      { planId: before.planId, kind: 'commitment', itemId: due.id, status: 'reconfirmed' },
    ]);
    expect(errors).toEqual([]);
  });

  it('offers exactly the answers the service lists in allowedAnswers: an accepted commitment not yet due can be withdrawn, not confirmed again', async () => {
    const { planId, ids } = await shareGunnelsPlanWithLars();
    const plan = await myPlan('lars');
    const mine = (kind: LarsCommitment) => plan.me.commitments.find((c) => c.id === ids[kind])!;
    expect(mine('requested')).toMatchObject({ status: 'requested', allowedAnswers: ['accept', 'decline'] });
    expect(mine('accepted')).toMatchObject({ status: 'accepted', allowedAnswers: ['withdraw'] });
    expect(mine('due')).toMatchObject({ status: 'accepted', allowedAnswers: ['reconfirm', 'withdraw'] });

    const labels = { accept: 'Tacka ja', decline: 'Tacka nej', reconfirm: 'Ja, jag fortsätter', withdraw: 'Avsluta åtagandet' };
    /** The answer buttons a commitment's card offers, in the order shown. */
    const offered = async (page: Page, kind: LarsCommitment) => {
      const card = commitmentCard(page, FOR_GUNNEL[kind].what);
      await card.waitFor();
      return (await card.locator('.actions').getByRole('button').allInnerTexts()).map((text) => text.trim());
    };

    const { page, errors } = await open({ persona: 'lars', planId });
    await page.getByRole('heading', { level: 2, name: 'SIP för Gunnel Persson' }).waitFor();
    expect(await offered(page, 'requested')).toEqual([labels.accept, labels.decline]);
    expect(await offered(page, 'accepted')).toEqual([labels.withdraw]);
    expect(await offered(page, 'due')).toEqual([labels.reconfirm, labels.withdraw]);
    // Proposed without a kind of help: the cards say nothing about one.
    for (const kind of Object.keys(FOR_GUNNEL) as LarsCommitment[]) {
      expect(mine(kind).kind).toBeUndefined();
      expect(await commitmentCard(page, FOR_GUNNEL[kind].what).getByText('Typ av hjälp').count(), kind).toBe(0);
      expect(await commitmentCard(page, FOR_GUNNEL[kind].what).locator('dt').first().textContent(), kind).toBe('Hur ofta');
    }
    // Not yet due: withdraw, but no "confirm again", and when it will be asked.
    const accepted = commitmentCard(page, FOR_GUNNEL.accepted.what);
    expect(await accepted.getByRole('button', { name: labels.reconfirm }).count()).toBe(0);
    await accepted.getByText(`Du blir tillfrågad igen från ${utcDate(inDays(90 - 14), 'sv-SE')}.`).waitFor();
    // A withdrawal takes its comment in the dialog: no comment field on the card.
    expect(await accepted.getByRole('textbox').count()).toBe(0);
    await commitmentCard(page, FOR_GUNNEL.due.what).getByText(/Dags att stämma av: kan du fortsätta med det här\?/).waitFor();
    expect(errors).toEqual([]);

    // The service's list is the only word on it: the same commitments, with fewer answers listed,
    // are offered just those, whatever their status and review date.
    const narrowed: Record<LarsCommitment, MyCommitment['allowedAnswers']> = { requested: ['decline'], accepted: [], due: ['withdraw'] };
    const routed = await open(
      { persona: 'lars', planId },
      {
        before: (p) =>
          p.route(`**/api/me/plans/${planId}`, async (route) => {
            const response = await route.fetch();
            const body = (await response.json()) as MyPlan;
            for (const c of body.me.commitments) {
              const kind = (Object.keys(ids) as LarsCommitment[]).find((k) => ids[k] === c.id);
              if (kind) c.allowedAnswers = narrowed[kind];
            }
            await route.fulfill({ response, json: body });
          }),
      },
    );
    await routed.page.getByRole('heading', { level: 2, name: 'SIP för Gunnel Persson' }).waitFor();
    expect(await offered(routed.page, 'requested')).toEqual([labels.decline]);
    expect(await offered(routed.page, 'accepted')).toEqual([]);
    expect(await commitmentCard(routed.page, FOR_GUNNEL.accepted.what).locator('form').count()).toBe(0);
    expect(await offered(routed.page, 'due')).toEqual([labels.withdraw]);
    expect(routed.errors).toEqual([]);
  });

  it('when the individual withdraws her consent to the plan, tells the relative plainly that nothing is shared and that their own part stands', async () => {
    const { planId, ids } = await shareGunnelsPlanWithLars();
    const before = await myPlan('lars');
    expect(before.status).not.toBe('consent_withdrawn');
    expect(before.shared.categories).toEqual(expect.arrayContaining(['goals', 'contacts']));
    const { page, errors } = await open({ persona: 'lars', planId });
    await page.getByText('Fortsätta sjunga i kören').waitFor();
    await page.getByRole('heading', { name: 'Vem gör vad' }).waitFor();

    const api = await staffApi('municipality-coordinator');
    const current = await api<{ consent: Record<string, unknown> }>(`/api/plans/${planId}`);
    const withdrawn = await api<{ status: string }>(`/api/plans/${planId}/consent`, {
      method: 'PUT',
      ifMatch: current.etag,
      body: { ...current.body.consent, revokedAt: new Date().toISOString() },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe('consent_withdrawn');
    const after = await myPlan('lars');
    expect(after).toMatchObject({ status: 'consent_withdrawn', shared: { categories: [] }, me: { sharingInEffect: false } });
    // Lars's own part stands: the same commitments, taking the same answers.
    const ownPart = (p: MyPlan) => p.me.commitments.map((c) => [c.id, c.status, c.allowedAnswers]);
    expect(ownPart(after)).toEqual(ownPart(before));

    await page.reload();
    await page.getByText('Status: Pausad: samtycket är återkallat.', { exact: false }).waitFor();
    const shared = page.getByRole('region', { name: 'Det här får du se av planen' });
    await shared.getByText('Gunnel delar ingenting av planen med dig just nu.', { exact: false }).waitFor();
    await shared.getByText('Gunnel har återkallat sitt samtycke till planen. Din egen del står kvar', { exact: false }).waitFor();
    expect(await page.getByText('Fortsätta sjunga i kören').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Vem gör vad' }).count()).toBe(0);
    const card = commitmentCard(page, FOR_GUNNEL.accepted.what);
    await card.getByText('Du har tackat ja').waitFor();
    await card.getByRole('button', { name: 'Avsluta åtagandet' }).waitFor();
    expect(after.me.commitments.find((c) => c.id === ids.accepted)?.allowedAnswers).toEqual(['withdraw']);
    const violations = (await runAxe(page)).violations.map((v) => v.rule);
    expect(violations).toEqual([]);

    const english = await open({ persona: 'lars', planId, lang: 'en' });
    await english.page.getByText('Status: Paused: consent withdrawn.', { exact: false }).waitFor();
    const sharedEn = english.page.getByRole('region', { name: 'What you can see of the plan' });
    await sharedEn.getByText('Gunnel does not share anything of the plan with you at the moment.', { exact: false }).waitFor();
    await sharedEn.getByText('Gunnel has withdrawn their consent to the plan. Your own part still stands', { exact: false }).waitFor();
    await commitmentCard(english.page, FOR_GUNNEL.accepted.what).getByRole('button', { name: 'Withdraw' }).waitFor();
    expect(errors).toEqual([]);
    expect(english.errors).toEqual([]);
  });

  it('prints without its controls, and reflows at 320 CSS pixels', async () => {
    const { page, errors } = await open({ persona: 'bengt' });
    await page.setViewportSize({ width: 320, height: 640 });
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    const controls = ['Skriv ut', 'Tacka ja', 'Spara mitt svar'];
    for (const name of controls) await page.getByRole('button', { name }).waitFor();

    await page.emulateMedia({ media: 'print' });
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    await page.getByText('Kunna bo kvar hemma med Bengt').waitFor();
    for (const name of controls) {
      expect(await page.getByRole('button', { name }).isVisible(), name).toBe(false);
    }
    expect(await page.getByRole('textbox').first().isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('says so when I am a relative in no plan', async () => {
    const { page, errors } = await open({ persona: 'astrid' });
    await page.getByText('Du finns inte med som anhörig i någon samordnad individuell plan (SIP) just nu.').waitFor();
    expect((await eventsOf(page, 'sip-ready')).map((e) => e.detail)).toEqual([{ view: 'list' }]);
    expect(errors).toEqual([]);
  });

  it('shows a child, in words for a child, what is happening and who to talk to, and asks nothing of them', async () => {
    for (const [lang, texts] of [
      ['sv', { heading: 'Vad händer?', what: 'Kommunen och regionen hjälper Astrid.', talk: 'Vem kan du prata med?', counsellor: 'Skolkuratorn på din skola' }],
      ['en', { heading: 'What is happening?', what: 'The municipality and the region are helping Astrid.', talk: 'Who can you talk to?', counsellor: 'The school counsellor at your school' }],
    ] as const) {
      const { page, errors } = await open({ persona: 'elsa', lang });
      const child = page.getByRole('region', { name: texts.heading });
      await child.getByText(texts.what, { exact: false }).waitFor();
      await child.getByRole('heading', { name: texts.talk }).waitFor();
      await child.getByText(texts.counsellor).waitFor();
      expect(await child.getByRole('link', { name: '116 111' }).getAttribute('href')).toBe('tel:116111');
      expect(await child.getByRole('link', { name: 'bris.se' }).getAttribute('href')).toBe('https://www.bris.se');
      expect(await child.getByRole('link', { name: 'umo.se' }).getAttribute('href')).toBe('https://www.umo.se');
      await child.getByText(/Karin Ek/).waitFor();
      // No adult forms: no free text, no buttons to ask for things, no commitments, no home consent.
      expect(await page.getByRole('textbox').count()).toBe(0);
      expect(await page.getByRole('radio').count()).toBe(0);
      expect(await page.getByRole('heading', { name: lang === 'sv' ? 'Dina åtaganden' : 'Your commitments' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: lang === 'sv' ? 'Be om en bedömning av mina egna behov' : 'Ask for an assessment of my own needs' }).count()).toBe(0);
      expect(await page.getByRole('heading', { name: lang === 'sv' ? 'Att göra' : 'To do' }).count()).toBe(0);
      expect(await axeOn(page)).toEqual([]);
      expect(errors).toEqual([]);
    }
  });

  it("shows the service's reference and the portal's help line with an error, loading or answering", async () => {
    const requestId = '5b0c6f0e-3f7d-4a63-9f1e-8d1c2b7a9e10';
    const problem = { type: 'about:blank', title: 'Internal Server Error', status: 500, requestId };
    for (const [lang, texts] of [
      ['sv', { reference: `Ange referens ${requestId} om du kontaktar oss.`, help: 'Behöver du hjälp? Ring 0771-11 22 33, vardagar 8–17.' }],
      ['en', { reference: `Give the reference ${requestId} if you contact us.`, help: 'Need help? Call 0771-11 22 33, vardagar 8–17.' }],
    ] as const) {
      const { page, errors } = await open(
        { persona: 'maria', lang, help: true },
        { before: (p) => p.route('**/api/me/plans', (route) => route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify(problem) })) },
      );
      const alert = page.getByRole('alert');
      await alert.getByText(texts.reference).waitFor();
      await alert.getByText(texts.help).waitFor();
      expect(await alert.getByRole('link', { name: HELP.phone }).getAttribute('href')).toBe('tel:0771112233');
      await alert.getByText(HELP.text).waitFor();
      expect((await eventsOf(page, 'sip-error')).map((e) => e.detail)).toEqual([{ code: 'server', status: 500, requestId }]);
      expect(await axeOn(page)).toEqual([]);
      expect(errors.filter((e) => !/status of 500/.test(e))).toEqual([]);
    }

    // An answer the service refuses: the reference with the answer not saved, the real service's own.
    const plan = await myPlan('bengt');
    const { page, errors } = await open(
      { persona: 'bengt', planId: plan.planId, help: true },
      { before: (p) => p.route('**/home-consent', (route) => route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify(problem) })) },
    );
    await page.getByRole('radio', { name: 'Nej, jag samtycker inte' }).check();
    await page.getByRole('button', { name: 'Spara mitt svar' }).click();
    const home = page.locator('#state-home');
    await home.getByText('Inte sparat.').waitFor();
    await home.getByText(`Ange referens ${requestId} om du kontaktar oss.`).waitFor();
    await home.getByText('Behöver du hjälp? Ring 0771-11 22 33, vardagar 8–17.').waitFor();
    expect(await axeOn(page)).toEqual([]);
    expect(errors.filter((e) => !/status of 500/.test(e))).toEqual([]);
  });

  it('shows an error when the plans cannot be loaded, and loads them on "Försök igen"', async () => {
    let failed = false;
    const { page, errors } = await open(
      { persona: 'maria' },
      {
        before: (page) =>
          page.route('**/api/me/plans', async (route) => {
            if (!failed) {
              failed = true;
              await route.abort('failed');
            } else {
              await route.continue();
            }
          }),
      },
    );
    const alert = page.getByRole('alert').filter({ hasText: 'Något gick fel' });
    await alert.getByText('Vi får inte kontakt med tjänsten.', { exact: false }).waitFor();
    expect((await eventsOf(page, 'sip-error')).map((e) => e.detail)).toEqual([{ code: 'network' }]);
    await alert.getByRole('button', { name: 'Försök igen' }).click();
    await page.getByRole('button', { name: 'SIP för Astrid Nilsson' }).waitFor();
    expect(errors.filter((e) => !/ERR_FAILED/.test(e))).toEqual([]);
  });

  it("says so with the help line when the plan view's module cannot be had or is not the one built, and opens the plan on \"Försök igen\"", async () => {
    for (const [how, fulfil] of [
      ['not found', { status: 404, body: '' }],
      ['other bytes than its integrity names', { status: 200, contentType: 'text/javascript', body: 'export function planView() {}' }],
    ] as const) {
      let refuse = true;
      const fetched: string[] = [];
      const { page, errors } = await open(
        { persona: 'maria', help: true },
        {
          before: (p) =>
            p.route(/sip-relative-view\.plan\.[0-9a-f]{12}\.js(\?\d+)?$/, async (route) => {
              fetched.push(new URL(route.request().url()).search);
              await (refuse ? route.fulfill(fulfil) : route.continue());
            }),
        },
      );
      // Maria has two plans, listed: the module comes with the first she opens.
      await page.getByRole('button', { name: 'SIP för Astrid Nilsson' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Något gick fel' });
      await alert.getByText('Vi får inte kontakt med tjänsten.', { exact: false }).waitFor();
      await alert.getByText('Behöver du hjälp? Ring 0771-11 22 33, vardagar 8–17.').waitFor();
      await alert.getByText(HELP.text).waitFor();
      await expect.poll(() => focusedId(page), { message: how }).toBe('message');
      expect((await eventsOf(page, 'sip-error')).map((e) => e.detail), how).toEqual([{ code: 'network' }]);
      expect(await axeOn(page), how).toEqual([]);
      // Tried again, at a URL of its own (the page keeps a failed module's failure): the plan opens, focus on its title.
      refuse = false;
      await alert.getByRole('button', { name: 'Försök igen' }).click();
      await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
      await expect.poll(() => focusedId(page), { message: how }).toBe('plan-title');
      expect(fetched, how).toEqual(['', '?1']);
      expect(errors.filter((e) => !/status of 404|integrity|Failed to find a valid digest/i.test(e)), how).toEqual([]);
    }
  });

  it('defines the element once when the module is loaded twice', async () => {
    const { page, errors } = await open({ persona: 'maria', twice: true });
    await page.getByRole('heading', { name: 'Mina planer' }).waitFor();
    const state = await hostState(page);
    expect(state.sameClass).toBe(true);
    expect(state.events.filter((e) => e.type === 'sip-ready')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('has no axe violations on a plan, the list, an error summary and the dialog', async () => {
    const before = await myPlan('bengt');
    const { page, errors } = await open({ persona: 'bengt' });
    const axe = async () => (await runAxe(page)).violations.map((v) => ({ id: v.rule, nodes: v.nodes }));
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    expect(await axe()).toEqual([]);
    const list = await open({ persona: 'maria' });
    await list.page.getByRole('heading', { name: 'Mina planer' }).waitFor();
    expect(await axeOn(list.page)).toEqual([]);

    const card = commitmentCard(page, before.me.commitments[0]!.what);
    await card.getByRole('textbox', { name: 'Kommentar (frivillig)' }).fill('\u0007');
    await card.getByRole('button', { name: 'Tacka ja' }).click();
    await card.getByRole('alert').waitFor();
    expect(await axe()).toEqual([]);

    await card.getByRole('textbox', { name: 'Kommentar (frivillig)' }).fill('');
    await card.getByRole('button', { name: 'Tacka ja' }).click();
    await card.getByRole('button', { name: 'Avsluta åtagandet' }).click();
    await page.getByRole('dialog', { name: 'Vill du avsluta åtagandet?' }).waitFor();
    expect(await axe()).toEqual([]);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });

  it('asks before a decline, and lets the relative change the no to a yes until staff have planned anew', async () => {
    const { planId, ids } = await shareGunnelsPlanWithLars();
    expect((await myPlan('lars')).me.commitments.find((c) => c.id === ids.requested)).toMatchObject({ status: 'requested' });
    const { page, errors } = await open({ persona: 'lars', planId });
    const card = commitmentCard(page, FOR_GUNNEL.requested.what);
    const axe = async () => (await runAxe(page)).violations.map((v) => v.rule);

    // "Tacka nej" opens a dialog; going back changes nothing and returns focus to the button.
    const dialog = page.getByRole('dialog', { name: 'Vill du tacka nej?' });
    await card.getByRole('textbox', { name: 'Kommentar (frivillig)' }).fill('Jag arbetar de dagarna');
    await card.getByRole('button', { name: 'Tacka nej' }).click();
    await dialog.waitFor();
    await dialog.getByText(/Du kan ändra dig och tacka ja/).waitFor();
    await dialog.getByText(FOR_GUNNEL.requested.what).waitFor();
    expect(await dialog.getByRole('textbox').count(), 'the comment was written on the card').toBe(0);
    expect(await axe()).toEqual([]);
    await dialog.getByRole('button', { name: 'Nej, gå tillbaka' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe(`decline-${ids.requested}`);
    expect((await myPlan('lars')).me.commitments.find((c) => c.id === ids.requested)!.status).toBe('requested');

    // Confirmed: declined with the card's comment, and the way back is offered.
    await card.getByRole('button', { name: 'Tacka nej' }).click();
    await dialog.getByRole('button', { name: 'Ja, tacka nej' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByText('Du har tackat nej').first().waitFor();
    expect(await focusedId(page)).toBe(`state-c-${ids.requested}`);
    await card.getByText(/Har du ändrat dig\? Du kan tacka ja så länge/).waitFor();
    expect(await card.getByRole('button', { name: 'Tacka nej' }).count()).toBe(0);
    expect(await axe()).toEqual([]);

    await card.getByRole('button', { name: 'Ändra mig och tacka ja' }).click();
    await card.getByText('Du har tackat ja').first().waitFor();
    const after = (await myPlan('lars')).me.commitments.find((c) => c.id === ids.requested)!;
    expect(after.history.map((h) => [h.status, h.comment ?? null])).toEqual([
      ['requested', null],
      ['declined', 'Jag arbetar de dagarna'],
      ['accepted', null],
    ]);
    expect(after.allowedAnswers).toEqual(['withdraw']);
    expect(errors).toEqual([]);
  });

  it('spells out SIP, never calls a follow-up date that has passed the next one, and has a neutral phrase for an individual with no name', async () => {
    const plan = await myPlan('maria');
    expect(plan.shared.followUp, 'the demo shares a follow-up with Maria').toBeTruthy();
    const withPast = await open(
      { persona: 'maria', planId: plan.planId },
      {
        before: (p) =>
          p.route(`**/api/me/plans/${plan.planId}`, async (route) => {
            const response = await route.fetch();
            const body = (await response.json()) as MyPlan;
            body.shared.followUp = { date: '2020-01-15' };
            // A plan with no name for the individual: a neutral phrase instead.
            body.individual = { givenName: null };
            await route.fulfill({ response, json: body });
          }),
      },
    );
    await withPast.page.getByText(/^SIP betyder samordnad individuell plan/).waitFor();
    await withPast.page.getByRole('heading', { name: 'Uppföljning', exact: true }).waitFor();
    await withPast.page.getByText(/^Uppföljningen var planerad till .*2020\. Samordnaren hör av sig om en ny tid\.$/).waitFor();
    expect(await withPast.page.getByRole('heading', { name: 'Nästa uppföljning' }).count()).toBe(0);
    await withPast.page.getByRole('heading', { name: 'Det här är viktigast för personen som planen gäller' }).waitFor();
    await withPast.page.getByText(/^Personen som planen gäller har samtyckt till att du ser det här/).waitFor();

    // A date ahead is the next one.
    const ahead = await open({ persona: 'maria', planId: plan.planId });
    await ahead.page.getByRole('heading', { name: 'Nästa uppföljning' }).waitFor();
    expect(await ahead.page.getByText(/Uppföljningen var planerad/).count()).toBe(0);
    const list = await open({ persona: 'maria' });
    await list.page.getByText(/^Du är anhörig i \d+ samordnade? individuella? plan(er)? \(SIP\)\.$/).waitFor();
    expect([...withPast.errors, ...ahead.errors, ...list.errors]).toEqual([]);
  });

  it('lets a relative ask to step out of the role, after a confirmation, once, onto the work list', async () => {
    const { planId } = await shareGunnelsPlanWithLars();
    const { page, errors } = await open({ persona: 'lars', planId });
    const section = page.getByRole('region', { name: 'Din roll som anhörig' });
    await section.getByText(/Att vara anhörig i planen är frivilligt/).waitFor();
    const dialog = page.getByRole('dialog', { name: 'Vill du kliva av din roll i planen?' });

    // Going back asks nothing of anyone.
    await section.getByRole('button', { name: 'Jag vill kliva av min roll' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe('leave-role');
    expect((await myPlan('lars')).me.support?.requests ?? []).toEqual([]);

    const axe = async () => (await runAxe(page)).violations.map((v) => v.rule);
    await section.getByRole('button', { name: 'Jag vill kliva av min roll' }).click();
    await dialog.waitFor();
    expect(await axe()).toEqual([]);
    await dialog.getByRole('button', { name: 'Ja, jag vill kliva av' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await section.getByText(/Du bad .* om att få kliva av din roll\./).waitFor();
    await page.getByRole('status').filter({ hasText: 'Sparat. Din begäran är skickad.' }).waitFor({ state: 'attached' });
    // Asked once: no button to ask again while it waits, and the support requests do not list it.
    expect(await section.getByRole('button', { name: 'Jag vill kliva av min roll' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Stöd till dig som anhörig' }).getByText(/kliva av/).count()).toBe(0);
    expect((await myPlan('lars')).me.support?.requests.map((r) => r.kind)).toEqual(['leave-role']);
    expect(await axe()).toEqual([]);

    const api = await staffApi('municipality-coordinator');
    const worklist = await api<{ items: { planId: string; kind: string }[] }>('/api/worklist?limit=100');
    expect(worklist.body.items.filter((i) => i.planId === planId).map((i) => i.kind)).toContain('leave-role-request');
    expect(errors).toEqual([]);
  });
});
