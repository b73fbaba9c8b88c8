import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAxe } from './support/axe.ts';
import { mintToken } from './support/service.ts';
import { staffHostState, startStaffHarness, testPersonnummer, type StaffHarness, type StaffHostOptions } from './support/staff-host.ts';

/**
 * The staff lists in real Chromium — <sip-worklist>, <sip-plan-list>, <sip-plan-history> and
 * <sip-access-log> — each embedded in a system page on its own origin under a strict CSP with
 * Trusted Types, against the real service in demo mode.
 */

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** What the browser itself logs for a request a test makes fail on purpose. */
const EXPECTED_NETWORK_ERRORS = /status of (401|403|500|503)/;

const ASTRID = '194003019801';
const KARL = '195202149836';
const INGRID = '194411079827';

type Tag = StaffHostOptions['element'];

describe('the staff lists in Chromium against the service', () => {
  let harness: StaffHarness;

  beforeAll(async () => {
    harness = await startStaffHarness();
  });
  afterEach(async () => {
    await harness.closePages();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const open = async (options: StaffHostOptions, how?: Parameters<StaffHarness['open']>[1]) => {
    const opened = await harness.open(options, how);
    const requests: Request[] = [];
    opened.page.on('request', (r) => requests.push(r));
    return { ...opened, requests };
  };

  const ready = (page: Page) => page.waitForFunction(() => window.sipStaff?.events.some((e) => e.type === 'sip-ready'));
  const eventsOf = async (page: Page, type: string) => (await staffHostState(page)).events.filter((e) => e.type === type);

  async function planIdOf(persona: string, personId: string): Promise<string> {
    const api = await harness.staffApi(persona);
    const list = await api<{ items: { id: string; individual: { personId: string } }[] }>('/api/plans?limit=100');
    return list.body.items.find((p) => p.individual.personId === personId)!.id;
  }

  /** What is focused inside the element's shadow root. */
  function focused(page: Page, tag: Tag) {
    return page.evaluate((t) => {
      const host = document.querySelector(t)!;
      if (document.activeElement !== host) return { inElement: false, id: '', tag: document.activeElement?.localName ?? '', name: '' };
      const el = host.shadowRoot!.activeElement as HTMLElement | null;
      const labels = (el as HTMLInputElement | null)?.labels;
      const name = ((labels && labels.length ? labels[0]!.textContent : el?.textContent) ?? '').replace(/\s+/g, ' ').trim();
      return { inElement: true, id: el?.id ?? '', tag: el?.localName ?? '', name };
    }, tag);
  }

  /** Presses Tab until `wanted`; fails with the path taken. */
  async function tabTo(page: Page, tag: Tag, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, max = 40) {
    const path: string[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page, tag);
      if (wanted(f)) return f;
      path.push(f.id || `${f.tag} "${f.name.slice(0, 30)}"`);
    }
    throw new Error(`Tab never reached ${what}; went ${path.join(' → ')}`);
  }

  async function axe(page: Page) {
    const { violations } = await runAxe(page, { tags: AXE_TAGS });
    return violations.map((v) => `${v.rule}: ${v.nodes.join(', ')}`);
  }

  /** Whether the page scrolls sideways (a table may scroll inside its own region). */
  const pageScrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

  // --- The relatives' answers that put items on the work list ---------------------------------

  /** Maria declines the commitment proposed to her in Astrid's plan, and asks for the relatives' consultant. */
  let mariaAnswered: Promise<{ planId: string; relativeId: string; commitmentId: string }> | undefined;
  const mariaDeclines = () =>
    (mariaAnswered ??= (async () => {
      const planId = await planIdOf('municipality-coordinator', ASTRID);
      const token = await mintToken(harness.service.url, 'maria');
      const me = await fetch(`${harness.service.url}/api/me/plans/${planId}`, { headers: { Authorization: `Bearer ${token}` } });
      const mine = (await me.json()) as { relativeId: string; me: { commitments: { id: string }[] } };
      const commitmentId = mine.me.commitments[0]!.id;
      const answer = await fetch(`${harness.service.url}/api/me/plans/${planId}/commitments/${commitmentId}/answer`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ answer: 'decline' }),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
      const request = await fetch(`${harness.service.url}/api/me/plans/${planId}/requests`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ kind: 'contact-consultant' }),
      });
      expect(request.status, await request.clone().text()).toBe(201);
      const api = await harness.staffApi('municipality-coordinator');
      const section = await api<{ relatives: { id: string; personId?: string }[] }>(`/api/plans/${planId}/relatives`);
      const relativeId = section.body.relatives.find((r) => r.personId === '196807059826')!.id;
      return { planId, relativeId, commitmentId };
    })());

  describe('<sip-worklist>', () => {
    it('shows a declined commitment, and choosing it asks the host to open the plan at that commitment', async () => {
      const { planId, relativeId, commitmentId } = await mariaDeclines();
      const { page, errors } = await open({ element: 'sip-worklist', persona: 'municipality-coordinator' });
      await ready(page);
      const declined = page.locator('sip-worklist').getByRole('heading', { name: /Avböjda åtaganden/ });
      await declined.waitFor();
      const item = page.locator('sip-worklist').getByRole('button', { name: 'Maria Nilsson har tackat nej till ett åtagande' });
      await expect(item.getAttribute('aria-describedby')).resolves.toBeTruthy();
      await page.locator('sip-worklist').getByText('Plan: SIP för Astrid Nilsson').first().waitFor();
      // Karl's follow-up date passed two days ago; the request waits for an answer.
      await page.locator('sip-worklist').getByRole('heading', { name: /Uppföljning att göra/ }).waitFor();
      await page.locator('sip-worklist').getByRole('button', { name: 'Maria Nilsson vill få kontakt med anhörigkonsulent' }).waitFor();

      // Most urgent first: the decline comes before the follow-up, which comes before the request.
      const headings = await page.locator('sip-worklist').locator('h3').allTextContents();
      const at = (re: RegExp) => headings.findIndex((h) => re.test(h));
      expect(at(/Avböjda/)).toBeLessThan(at(/Uppföljning/));
      expect(at(/Uppföljning/)).toBeLessThan(at(/anhörigkonsulent/));

      await item.click();
      expect((await eventsOf(page, 'sip-open-plan')).map((e) => e.detail)).toEqual([{ planId, focus: `relative:${relativeId}:commitment:${commitmentId}` }]);
      await page.locator('sip-worklist').getByRole('button', { name: 'Maria Nilsson vill få kontakt med anhörigkonsulent' }).click();
      await page.locator('sip-worklist').getByRole('button', { name: 'Planen ska följas upp' }).click();
      const karl = await planIdOf('municipality-coordinator', KARL);
      expect((await eventsOf(page, 'sip-open-plan')).map((e) => e.detail).slice(1)).toEqual([
        { planId, focus: `relative:${relativeId}:request:0` },
        { planId: karl, focus: 'follow-up' },
      ]);
      expect(errors).toEqual([]);
    });

    it('with href-template, items are links the host routes, values encoded', async () => {
      const { planId, relativeId, commitmentId } = await mariaDeclines();
      const { page, errors } = await open({ element: 'sip-worklist', persona: 'municipality-coordinator', attributes: { 'href-template': '/case/plans/{planId}?focus={focus}' } });
      await ready(page);
      const link = page.locator('sip-worklist').getByRole('link', { name: 'Maria Nilsson har tackat nej till ett åtagande' });
      expect(await link.getAttribute('href')).toBe(`/case/plans/${planId}?focus=${encodeURIComponent(`relative:${relativeId}:commitment:${commitmentId}`)}`);
      expect(await page.locator('sip-worklist').getByRole('button', { name: /tackat nej/ }).count()).toBe(0);
      expect(errors).toEqual([]);
    });

    it('says when there is nothing to do, and refreshing keeps the focus on the button', async () => {
      const { page, errors } = await open({ element: 'sip-worklist', persona: 'sodervik-coordinator' });
      await ready(page);
      await page.locator('sip-worklist').getByText('Inget att göra just nu.').waitFor();
      await tabTo(page, 'sip-worklist', (f) => f.id === 'refresh', 'the refresh button');
      await page.keyboard.press('Enter');
      await page.locator('sip-worklist').getByText('Listan är uppdaterad.').waitFor();
      expect((await focused(page, 'sip-worklist')).id).toBe('refresh');
      expect(errors).toEqual([]);
    });

    it('with the keyboard alone: Tab reaches each item in order, Enter opens it', async () => {
      await mariaDeclines();
      const { page, errors } = await open({ element: 'sip-worklist', persona: 'municipality-coordinator' });
      await ready(page);
      const first = await tabTo(page, 'sip-worklist', (f) => f.id === 'item-0', 'the first item');
      expect(first.name).toMatch(/Samtycket|tackat nej|avslutat/);
      await page.keyboard.press('Tab');
      expect((await focused(page, 'sip-worklist')).id).toBe('item-1');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      expect(await eventsOf(page, 'sip-open-plan')).toHaveLength(1);
      expect(errors).toEqual([]);
    });
  });

  describe('<sip-plan-list>', () => {
    const rowsOf = (page: Page) => page.locator('sip-plan-list').locator('tbody tr');

    it("lists my organisation's plans and not another municipality's", async () => {
      const { page, errors } = await open({ element: 'sip-plan-list', persona: 'municipality-coordinator' });
      await ready(page);
      const list = page.locator('sip-plan-list');
      await list.getByRole('table', { name: /Planer som din organisation deltar i/ }).waitFor();
      const text = await list.locator('tbody').textContent();
      expect(text).toContain('SIP för Astrid Nilsson');
      expect(text).toContain('SIP för Karl Johansson');
      expect(text).toContain('SIP för Gunnel Persson');
      expect(text).not.toContain('Ingrid');
      expect(text).not.toContain(INGRID.slice(0, 8));
      // Karl's follow-up has passed: said in words, not by colour alone.
      const karl = rowsOf(page).filter({ hasText: 'SIP för Karl Johansson' });
      await karl.getByText('Passerad').waitFor();
      // Each row opens its plan.
      await karl.getByRole('button', { name: 'SIP för Karl Johansson' }).click();
      expect((await eventsOf(page, 'sip-open-plan')).map((e) => e.detail)).toEqual([{ planId: await planIdOf('municipality-coordinator', KARL) }]);
      expect(errors).toEqual([]);
    });

    it('with href-template, each row links to its plan', async () => {
      const { page, errors } = await open({ element: 'sip-plan-list', persona: 'municipality-coordinator', attributes: { 'href-template': '/case/plans/{planId}' } });
      await ready(page);
      const link = page.locator('sip-plan-list').getByRole('link', { name: 'SIP för Karl Johansson' });
      expect(await link.getAttribute('href')).toBe(`/case/plans/${await planIdOf('municipality-coordinator', KARL)}`);
      expect(await page.locator('sip-plan-list').locator('tbody button').count()).toBe(0);
      expect(errors).toEqual([]);
    });

    it('filters by status and by follow-up due, with the keyboard', async () => {
      const { page, errors, requests } = await open({ element: 'sip-plan-list', persona: 'municipality-coordinator' });
      await ready(page);
      const list = page.locator('sip-plan-list');
      await tabTo(page, 'sip-plan-list', (f) => f.id === 'status', 'the status filter');
      // All, then Draft.
      await page.keyboard.press('ArrowDown');
      expect(await list.locator('#status').inputValue()).toBe('draft');
      await tabTo(page, 'sip-plan-list', (f) => f.id === 'apply', 'the filter button');
      await page.keyboard.press('Enter');
      await list.getByRole('table', { name: /1–1 av 1/ }).waitFor();
      expect(await rowsOf(page).allTextContents()).toEqual([expect.stringContaining('SIP för Gunnel Persson')]);
      expect((await focused(page, 'sip-plan-list')).id).toBe('apply');
      expect(requests.some((r) => new URL(r.url()).searchParams.get('status') === 'draft')).toBe(true);

      await list.locator('#status').selectOption('');
      await list.locator('#followUpDue').check();
      const due = page.waitForResponse((r) => new URL(r.url()).searchParams.get('followUpDue') === 'true');
      await list.locator('#apply').click();
      await due;
      await list.locator('[role="status"]', { hasText: /1–1 av 1/ }).waitFor({ state: 'attached' });
      await list.getByRole('table', { name: /1–1 av 1/ }).waitFor();
      await list.locator('tbody tr', { hasText: 'SIP för Karl Johansson' }).waitFor();
      expect(await rowsOf(page).allTextContents()).toEqual([expect.stringContaining('SIP för Karl Johansson')]);
      expect(requests.some((r) => new URL(r.url()).searchParams.get('followUpDue') === 'true')).toBe(true);
      expect(errors).toEqual([]);
    });

    it("pages by the API's next link and back, keeping the focus on the table", async () => {
      // More plans than a page: the region coordinator creates plans until there are 21.
      const api = await harness.staffApi('region-coordinator');
      const existing = await api<{ total: number }>('/api/plans?limit=1');
      for (let i = existing.body.total; i < 21; i++) {
        const created = await api('/api/plans', {
          method: 'POST',
          body: { individual: { personId: testPersonnummer(`193001${String(i + 1).padStart(2, '0')}`, 980 + (i % 20)) }, principals: { region: { id: 'SE2321000099-7RG1' }, municipality: { id: 'SE2120000099-7KM2' } }, title: `Sidplan ${i}` },
        });
        expect(created.status, created.text).toBe(201);
      }
      const { page, errors, requests } = await open({ element: 'sip-plan-list', persona: 'region-coordinator', lang: 'en' });
      await ready(page);
      const list = page.locator('sip-plan-list');
      await list.getByRole('table', { name: /1–20 of \d+/ }).waitFor();
      await list.getByRole('button', { name: 'Next page' }).click();
      await list.getByRole('table', { name: /21–\d+ of \d+/ }).waitFor();
      // Focus moves once the page has rendered: waited for, not read at once.
      await expect.poll(async () => (await focused(page, 'sip-plan-list')).id).toBe('plans-region');
      // The second page is asked for by the first page's `next`, not by an offset.
      const second = requests.find((r) => new URL(r.url()).searchParams.has('after'));
      expect(second).toBeDefined();
      expect(requests.some((r) => new URL(r.url()).searchParams.has('offset'))).toBe(false);
      const secondRows = await rowsOf(page).allTextContents();
      await list.getByRole('button', { name: 'Previous page' }).click();
      await list.getByRole('table', { name: /1–20 of \d+/ }).waitFor();
      await expect.poll(async () => (await focused(page, 'sip-plan-list')).id).toBe('plans-region');
      expect(await rowsOf(page).allTextContents()).not.toEqual(secondRows);
      expect(errors).toEqual([]);
    });

    it('starts a SIP for the person the host system has open, never putting the personnummer in a URL', async () => {
      const person = testPersonnummer('19480808', 983);
      const hyphenated = `${person.slice(0, 8)}-${person.slice(8)}`;
      const { page, errors, requests } = await open({
        element: 'sip-plan-list',
        persona: 'municipality-coordinator',
        attributes: { 'person-id': hyphenated, 'person-name': 'Greta Testsson' },
      });
      await ready(page);
      const list = page.locator('sip-plan-list');
      await list.getByText('Det finns ingen SIP för Greta Testsson').waitFor();
      // With the keyboard: the offer, the form, the other principal.
      await tabTo(page, 'sip-plan-list', (f) => f.id === 'start', 'the offer');
      await page.keyboard.press('Enter');
      await list.locator('#other').waitFor();
      expect((await focused(page, 'sip-plan-list')).id).toBe('new-plan-heading');
      // Sent without the other principal: the form says so, before anything is sent.
      const posts = () => requests.filter((r) => r.method() === 'POST' && r.url().endsWith('/api/plans'));
      await tabTo(page, 'sip-plan-list', (f) => f.id === 'create', 'the create button');
      await page.keyboard.press('Enter');
      await list.locator('#error-summary').waitFor();
      expect((await focused(page, 'sip-plan-list')).id).toBe('error-summary');
      expect(posts()).toHaveLength(0);
      expect(await list.locator('#other').getAttribute('aria-invalid')).toBe('true');
      // Region Norrvik is the only region; my own organisation is the municipality.
      await list.getByText('Din organisation: Norrviks kommun').waitFor();
      await tabTo(page, 'sip-plan-list', (f) => f.id === 'other', 'the other principal');
      await page.keyboard.press('ArrowDown');
      expect(await list.locator('#other option:checked').textContent()).toBe('Region Norrvik');
      await tabTo(page, 'sip-plan-list', (f) => f.id === 'create', 'the create button');
      await page.keyboard.press('Enter');
      await list.getByText('SIP:en för Greta Testsson är skapad.').waitFor();
      expect((await focused(page, 'sip-plan-list')).id).toBe('created');

      const created = await eventsOf(page, 'sip-plan-created');
      expect(created).toHaveLength(1);
      const planId = created[0]!.detail!.planId as string;
      // Read back through the API.
      const api = await harness.staffApi('municipality-coordinator');
      const plan = await api<{ individual: { personId: string; name?: string }; fields: { title?: string }; initiator: string }>(`/api/plans/${planId}`);
      expect(plan.status).toBe(200);
      expect(plan.body).toMatchObject({ individual: { personId: person, name: 'Greta Testsson' }, fields: { title: 'SIP för Greta Testsson' }, initiator: 'municipality' });
      // Sent once, under an Idempotency-Key, with the personnummer in the body.
      expect(posts()).toHaveLength(1);
      expect(await posts()[0]!.headerValue('idempotency-key')).toBeTruthy();
      expect(posts()[0]!.postDataJSON()).toMatchObject({ individual: { personId: person } });
      // Now the plan is there: the offer becomes a way to open it.
      await list.getByRole('button', { name: 'Öppna SIP:en för Greta Testsson' }).waitFor();
      // No URL held the personnummer, in any form.
      const urls = requests.map((r) => r.url());
      expect(urls.length).toBeGreaterThan(3);
      for (const form of [person, hyphenated, person.slice(2), `${person.slice(2, 8)}-${person.slice(8)}`]) {
        expect(urls.filter((u) => u.includes(form) || decodeURIComponent(u).includes(form))).toEqual([]);
      }
      expect(errors).toEqual([]);
    });

    it('explains to an auditor that the list is not for them', async () => {
      const { page, errors } = await open({ element: 'sip-plan-list', persona: 'region-auditor' });
      await page.locator('sip-plan-list').getByRole('alert').getByText('Din roll ger inte tillgång till den').waitFor();
      expect(errors.filter((e) => !EXPECTED_NETWORK_ERRORS.test(e))).toEqual([]);
    });
  });

  describe('<sip-plan-history>', () => {
    it('shows every version with its organisation, and a diff between two in words', async () => {
      const planId = await planIdOf('municipality-coordinator', ASTRID);
      // Astrid writes what matters to her herself, signed in with her e-ID.
      const astrid = await harness.staffApi('astrid');
      const own = await astrid<{ individualGoals: { id?: string; text: string }[] }>(`/api/me/own-plans/${planId}`);
      const wrote = await astrid(`/api/me/own-plans/${planId}/own-goals`, {
        method: 'PUT',
        ifMatch: own.etag,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: { individualGoals: [...own.body.individualGoals, { text: 'Att få gå till kyrkan' }] },
      });
      expect(wrote.status, wrote.text).toBe(200);
      const api = await harness.staffApi('municipality-coordinator');
      const plan = await api<{ fields: { title: string }; individual: { name: string } }>(`/api/plans/${planId}`);
      const patched = await api(`/api/plans/${planId}`, { method: 'PATCH', ifMatch: plan.etag, body: { title: 'SIP för Astrid, ny titel', outOfHours: 'Ring 1177' } });
      expect(patched.status, patched.text).toBe(200);
      const versions = (await api<{ versions: { revision: number }[] }>(`/api/plans/${planId}/versions`)).body.versions;

      const { page, errors, requests } = await open({ element: 'sip-plan-history', persona: 'municipality-coordinator', attributes: { 'plan-id': planId } });
      await ready(page);
      const history = page.locator('sip-plan-history');
      expect(await history.locator('tbody tr').count()).toBe(versions.length);
      const last = history.locator(`tbody tr[data-revision="${versions.at(-1)!.revision}"]`);
      await last.getByText('Norrviks kommun').waitFor();
      // Who, by the name kept with the version, with the HSA-id beside it.
      const who = last.locator('td').nth(2);
      await who.getByText('Karin Ek').waitFor();
      expect((await who.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Karin Ek SE2120000099-7P01');
      await last.getByText('Planens uppgifter ändrades').waitFor();
      // Astrid's own change: by her name, as the individual herself, never by her personnummer.
      const hers = history.locator(`tbody tr[data-revision="${versions.at(-2)!.revision}"]`);
      await hers.getByText('Den enskilde själv').waitFor();
      expect((await hers.locator('td').nth(2).textContent())?.replace(/\s+/g, ' ').trim()).toBe(`${plan.body.individual.name} med e-legitimation`);
      expect(await hers.textContent()).not.toContain(ASTRID);
      expect((await eventsOf(page, 'sip-ready'))[0]!.detail).toEqual({ planId, revision: versions.at(-1)!.revision });

      // The last two versions are chosen; with the keyboard, show what differs.
      await tabTo(page, 'sip-plan-history', (f) => f.id === 'show-diff', 'the compare button');
      await page.keyboard.press('Enter');
      const diff = history.locator('[part="diff"]');
      await diff.getByRole('heading', { name: `Skillnader från version ${versions.at(-2)!.revision} till version ${versions.at(-1)!.revision}` }).waitFor();
      expect((await focused(page, 'sip-plan-history')).id).toBe('diff-heading');
      const title = diff.locator('li', { hasText: 'Titel' });
      await title.getByText('ändrat').waitFor();
      expect(await title.locator('dd').allTextContents()).toEqual([plan.body.fields.title, 'SIP för Astrid, ny titel']);
      const outOfHours = diff.locator('li', { hasText: 'Utanför kontorstid' });
      expect((await outOfHours.textContent())?.replace(/\s+/g, ' ')).toMatch(/tillagt – Ring 1177/);
      expect(requests.some((r) => /\/diff\?from=\d+&to=\d+$/.test(r.url()))).toBe(true);

      // Two versions far apart: the consent recorded, the plan made active, the relatives' commitments.
      await history.locator('#from').selectOption({ index: 0 });
      await history.locator('#show-diff').click();
      await diff.getByRole('heading', { name: /Skillnader från version 1 till/ }).waitFor();
      await diff.getByRole('heading', { name: 'Samtycke' }).waitFor();
      await diff.getByRole('heading', { name: 'Närstående' }).waitFor();
      const status = diff.locator('li', { hasText: /^\s*Status/ }).first();
      expect(await status.locator('dd').allTextContents()).toEqual(['Utkast', 'Aktiv']);
      expect(errors).toEqual([]);
    });

    it('in English, and with the same version twice, says to choose two', async () => {
      const planId = await planIdOf('region-coordinator', KARL);
      const { page, errors } = await open({ element: 'sip-plan-history', persona: 'region-coordinator', lang: 'en', attributes: { 'plan-id': planId } });
      await ready(page);
      const history = page.locator('sip-plan-history');
      await history.getByRole('table', { name: 'Every version of the plan, oldest first' }).waitFor();
      await history.getByText('Region Norrvik').first().waitFor();
      await history.locator('#from').selectOption({ index: 1 });
      await history.locator('#to').selectOption({ index: 1 });
      await history.locator('#show-diff').click();
      await history.getByRole('alert').getByText('Choose two different versions.').waitFor();
      expect(errors).toEqual([]);
    });

    it("tells another municipality's coordinator the plan is not theirs, with the request id", async () => {
      const planId = await planIdOf('municipality-coordinator', ASTRID);
      const { page, errors } = await open({ element: 'sip-plan-history', persona: 'sodervik-coordinator', attributes: { 'plan-id': planId } });
      const alert = page.locator('sip-plan-history').getByRole('alert');
      await alert.getByText('Finns inte, eller så har din organisation inte tillgång till den.').waitFor();
      await alert.getByText(/^Referens: .+/).waitFor();
      expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    });
  });

  describe('<sip-access-log>', () => {
    it('searches, makes an extract and checks the chain for an auditor; no personnummer in any URL', async () => {
      // Something to find: the region's coordinator reads Astrid's plan.
      const astridPlan = await planIdOf('region-coordinator', ASTRID);
      expect((await (await harness.staffApi('region-coordinator'))(`/api/plans/${astridPlan}`)).status).toBe(200);
      const { page, errors, requests } = await open({ element: 'sip-access-log', persona: 'region-auditor' });
      await ready(page);
      const log = page.locator('sip-access-log');
      await log.getByRole('table', { name: /Åtkomster 1–\d+ av \d+/ }).waitFor();

      // Search with the keyboard: by person.
      await tabTo(page, 'sip-access-log', (f) => f.id === 'individual', 'the personnummer field');
      await page.keyboard.type('19400301-9801');
      await tabTo(page, 'sip-access-log', (f) => f.id === 'search', 'the search button');
      const searched = page.waitForResponse((r) => r.url().endsWith('/api/access-log/search') && r.request().postDataJSON()?.individual === ASTRID);
      await page.keyboard.press('Enter');
      await searched;
      await page.waitForFunction(() => document.querySelector('sip-access-log')!.shadowRoot!.activeElement?.id === 'search-region');
      await log.locator('#search-caption').getByText(/Åtkomster 1–\d+ av \d+/).waitFor();
      const people = await log.locator('#search-region tbody tr td:nth-child(5)').allTextContents();
      expect(people.length).toBeGreaterThan(0);
      expect(new Set(people)).toEqual(new Set(['19400301-9801']));
      expect((await focused(page, 'sip-access-log')).id).toBe('search-region');

      // A personnummer that is not one: said at the field, nothing sent.
      const before = requests.length;
      await log.locator('#individual').fill('19400301-9802');
      await log.locator('#search').click();
      await log.locator('#search-errors').getByText('Skriv ett giltigt personnummer').waitFor();
      expect(requests.length).toBe(before);
      await log.locator('#individual').fill('');

      // The extract: every access to Astrid's data in the region.
      await log.locator('#extract-individual').fill(ASTRID);
      await log.locator('#extract').click();
      const extract = log.getByRole('table', { name: /Registerutdrag för 19400301-9801/ });
      await extract.waitFor();
      expect(await extract.locator('tbody tr').count()).toBeGreaterThan(0);
      const sent = requests.find((r) => r.url().endsWith('/api/access-log/extract'))!;
      expect(sent.postDataJSON()).toMatchObject({ individual: ASTRID });
      expect(await extract.locator('tbody tr', { hasText: astridPlan }).count()).toBeGreaterThan(0);

      // The chain.
      await log.getByRole('button', { name: 'Kontrollera loggen' }).click();
      await log.locator('[part="verdict"]').getByText(/Loggen är obruten\. \d+ poster kontrollerades\./).waitFor();

      for (const r of requests) {
        expect(decodeURIComponent(r.url())).not.toContain('19400301');
        expect(decodeURIComponent(r.url())).not.toContain('400301');
      }
      expect(errors).toEqual([]);
    });

    it("pages through a user's accesses with the API's offset, keeping the focus on the table", async () => {
      const planId = await planIdOf('region-coordinator', KARL);
      const api = await harness.staffApi('region-coordinator');
      for (let i = 0; i < 55; i++) expect((await api(`/api/plans/${planId}`)).status).toBe(200);
      const { page, errors, requests } = await open({ element: 'sip-access-log', persona: 'region-auditor', lang: 'en' });
      await ready(page);
      const log = page.locator('sip-access-log');
      await log.locator('#userId').fill('SE2321000099-7P01');
      const searched = page.waitForResponse((r) => r.url().endsWith('/api/access-log/search') && r.request().postDataJSON()?.userId === 'SE2321000099-7P01');
      await log.locator('#search').click();
      await searched;
      await log.getByRole('table', { name: /Accesses 1–50 of \d+/ }).waitFor();
      const users = new Set(await log.locator('#search-region tbody tr td:nth-child(3)').allTextContents());
      expect(users).toEqual(new Set(['SE2321000099-7P01']));
      await log.getByRole('button', { name: 'Next page' }).click();
      await log.getByRole('table', { name: /Accesses 51–\d+ of \d+/ }).waitFor();
      expect((await focused(page, 'sip-access-log')).id).toBe('search-region');
      expect(requests.some((r) => r.url().endsWith('/api/access-log/search') && r.postDataJSON()?.offset === 50)).toBe(true);
      expect(errors).toEqual([]);
    });

    it("searches by plan: that plan's accesses only, and a plan id that is not one is said at the field", async () => {
      const karlPlan = await planIdOf('region-coordinator', KARL);
      const astridPlan = await planIdOf('region-coordinator', ASTRID);
      const api = await harness.staffApi('region-coordinator');
      expect((await api(`/api/plans/${karlPlan}`)).status).toBe(200);
      expect((await api(`/api/plans/${astridPlan}`)).status).toBe(200);
      const { page, errors, requests } = await open({ element: 'sip-access-log', persona: 'region-auditor' });
      await ready(page);
      const log = page.locator('sip-access-log');
      await log.getByLabel('Plan (id)').waitFor();

      // Not a plan id: said at the field, with the focus on the summary, and nothing sent.
      const before = requests.length;
      await log.locator('#planId').fill('karls-plan');
      await log.locator('#search').click();
      await log.locator('#search-errors').getByText(/Skriv planens id/).waitFor();
      expect(await log.locator('#planId').getAttribute('aria-invalid')).toBe('true');
      expect((await focused(page, 'sip-access-log')).id).toBe('search-errors');
      expect(requests.length).toBe(before);

      // Karl's plan, with the keyboard: its accesses only, from the week's start the form has.
      await log.locator('#planId').fill('');
      await log.locator('#userId').focus();
      await tabTo(page, 'sip-access-log', (f) => f.id === 'planId', 'the plan field');
      await page.keyboard.type(karlPlan.toUpperCase());
      const searched = page.waitForResponse((r) => r.url().endsWith('/api/access-log/search') && r.request().postDataJSON()?.planId === karlPlan);
      await page.keyboard.press('Enter');
      await searched;
      await page.waitForFunction(() => document.querySelector('sip-access-log')!.shadowRoot!.activeElement?.id === 'search-region');
      const plans = await log.locator('#search-region tbody tr td:nth-child(8)').allTextContents();
      expect(plans.length).toBeGreaterThan(0);
      expect(new Set(plans)).toEqual(new Set([karlPlan]));
      expect(errors).toEqual([]);
    });

    it('has the plan field in English', async () => {
      const { page, errors } = await open({ element: 'sip-access-log', persona: 'region-auditor', lang: 'en' });
      await ready(page);
      const log = page.locator('sip-access-log');
      await log.getByLabel('Plan (id)').fill('nope');
      await log.locator('#search').click();
      await log.locator('#search-errors').getByText(/Enter the plan’s id/).waitFor();
      await log.getByText('The plan’s id, as in the Plan column.', { exact: false }).waitFor();
      expect(errors).toEqual([]);
    });

    it('explains to a coordinator why the log is not for them', async () => {
      const { page, errors } = await open({ element: 'sip-access-log', persona: 'municipality-coordinator' });
      const alert = page.locator('sip-access-log').getByRole('alert');
      await alert.getByText(/Din roll ger inte tillgång till den/).waitFor();
      await alert.getByText(/^Referens: .+/).waitFor();
      // Nothing to search with.
      expect(await page.locator('sip-access-log').locator('form').count()).toBe(0);
      expect(errors.filter((e) => !EXPECTED_NETWORK_ERRORS.test(e))).toEqual([]);
    });
  });

  describe('accessibility, reflow and CSP in every state', () => {
    const problem = (status: number) => ({
      status,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status, requestId: 'req-test-123' }),
    });

    interface Case {
      name: string;
      options: () => Promise<StaffHostOptions>;
      /** A URL pattern to fail for the error state. */
      fail: string;
      settled: (page: Page) => Promise<unknown>;
    }

    /** Sodervik's coordinator asks for closed plans: there are none. */
    const noClosedPlans = async (page: Page) => {
      await ready(page);
      const list = page.locator('sip-plan-list');
      await list.locator('#status').selectOption('closed');
      await list.locator('#apply').click();
      await list.locator('[part~="empty"]').waitFor();
    };

    /** The new-plan form, sent without the other principal: the error summary and the marked field. */
    const formWithErrors = async (page: Page) => {
      await ready(page);
      const list = page.locator('sip-plan-list');
      await list.locator('#start').click();
      await list.locator('#other').waitFor();
      await list.locator('#create').click();
      await list.locator('#error-summary').waitFor();
    };
    /** Two versions far apart, compared. */
    const diffShown = async (page: Page) => {
      await ready(page);
      const history = page.locator('sip-plan-history');
      await history.locator('#from').selectOption({ index: 0 });
      await history.locator('#show-diff').click();
      await history.locator('[part="diff"]').waitFor();
    };
    /** An extract and the verdict on the chain, besides the search. */
    const extractAndVerdict = async (page: Page) => {
      await ready(page);
      const log = page.locator('sip-access-log');
      await log.locator('#extract-individual').fill(ASTRID);
      await log.locator('#extract').click();
      await log.locator('#extract-result table, #extract-result [part~="empty"]').first().waitFor();
      await log.locator('#verify-button').click();
      await log.locator('[part="verdict"]').waitFor();
    };

    const cases: Case[] = [
      {
        name: 'sip-worklist loaded',
        options: async () => (await mariaDeclines(), { element: 'sip-worklist', persona: 'municipality-coordinator' }),
        fail: '**/api/worklist*',
        settled: ready,
      },
      { name: 'sip-worklist empty', options: async () => ({ element: 'sip-worklist', persona: 'sodervik-coordinator' }), fail: '**/api/worklist*', settled: ready },
      {
        name: 'sip-plan-list loaded, with a person to start a SIP for',
        options: async () => ({
          element: 'sip-plan-list',
          persona: 'municipality-coordinator',
          attributes: { 'person-id': testPersonnummer('19610606', 984), 'person-name': 'Nils Testsson' },
        }),
        fail: '**/api/plans*',
        settled: ready,
      },
      { name: 'sip-plan-list empty', options: async () => ({ element: 'sip-plan-list', persona: 'sodervik-coordinator' }), fail: '**/api/plans*', settled: noClosedPlans },
      {
        name: 'sip-plan-history loaded',
        options: async () => ({ element: 'sip-plan-history', persona: 'municipality-coordinator', attributes: { 'plan-id': await planIdOf('municipality-coordinator', ASTRID) } }),
        fail: '**/versions',
        settled: ready,
      },
      {
        name: 'sip-plan-list new-plan form with errors',
        options: async () => ({ element: 'sip-plan-list', persona: 'region-coordinator', attributes: { 'person-id': testPersonnummer('19620707', 985), 'person-name': 'Olle Testsson' } }),
        fail: '**/api/organisations',
        settled: formWithErrors,
      },
      {
        name: 'sip-plan-history with a diff',
        options: async () => ({ element: 'sip-plan-history', persona: 'region-coordinator', attributes: { 'plan-id': await planIdOf('region-coordinator', KARL) } }),
        fail: '**/diff*',
        settled: diffShown,
      },
      { name: 'sip-access-log loaded', options: async () => ({ element: 'sip-access-log', persona: 'region-auditor' }), fail: '**/api/access-log/search', settled: ready },
      {
        name: 'sip-access-log with an extract and a verdict',
        options: async () => ({ element: 'sip-access-log', persona: 'region-auditor' }),
        fail: '**/api/access-log/search',
        settled: extractAndVerdict,
      },
      {
        name: 'sip-access-log forbidden',
        options: async () => ({ element: 'sip-access-log', persona: 'region-coordinator' }),
        fail: '**/api/access-log/search',
        settled: (page) => page.locator('sip-access-log').getByRole('alert').waitFor(),
      },
    ];

    for (const c of cases) {
      for (const lang of ['sv', 'en'] as const) {
        it(`${c.name} (${lang}): axe, 320 px, zoom 2, no console errors`, async () => {
          const options = { ...(await c.options()), lang };
          const { page, errors } = await open(options);
          await c.settled(page);
          expect(await axe(page)).toEqual([]);
          expect(errors).toEqual(c.name.includes('forbidden') ? [expect.stringMatching(EXPECTED_NETWORK_ERRORS)] : []);

          // The same page made 320 CSS pixels wide, then 640 wide at a zoom of 2 (the host page's
          // own zoom stylesheet, which its CSP allows): the element lays itself out again in each.
          await page.setViewportSize({ width: 320, height: 640 });
          expect(await pageScrollsSideways(page)).toBe(false);
          expect(await axe(page)).toEqual([]);

          await page.setViewportSize({ width: 640, height: 640 });
          await page.addStyleTag({ url: '/zoom.css?zoom=2' });
          expect(await page.evaluate(() => getComputedStyle(document.documentElement).zoom)).toBe('2');
          expect(await pageScrollsSideways(page)).toBe(false);
        });
      }
    }

    const tryAgain = { sv: ['Referens: req-test-123', 'Försök igen'], en: ['Reference: req-test-123', 'Try again'] } as const;
    for (const c of cases.filter((c) => !/forbidden|empty|errors|diff|extract/.test(c.name))) {
      for (const lang of ['sv', 'en'] as const) {
      it(`${c.name} (${lang}): the error state names the request id, passes axe, and tries again`, async () => {
        const options = { ...(await c.options()), lang };
        let fail = true;
        const { page, errors } = await open(options, {
          before: (p) =>
            p.route(c.fail, (route) => (fail && route.request().method() !== 'OPTIONS' ? route.fulfill({ ...problem(503), headers: { 'access-control-allow-origin': '*' } }) : route.continue())),
        });
        const alert = page.locator(options.element).getByRole('alert');
        await alert.getByText(tryAgain[lang][0]).waitFor();
        expect(await axe(page)).toEqual([]);
        fail = false;
        await alert.getByRole('button', { name: tryAgain[lang][1] }).click();
        await ready(page);
        expect(errors.filter((e) => !EXPECTED_NETWORK_ERRORS.test(e))).toEqual([]);
      });
      }
    }
  });
});
