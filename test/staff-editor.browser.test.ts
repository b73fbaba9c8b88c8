import { runAxe } from './support/axe.ts';
import type { PlanView } from '@sip/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from './support/service.ts';
import { startStaffHarness, staffHostState, type StaffHarness, type StaffHostOptions } from './support/staff-host.ts';

/**
 * <sip-plan-editor> in real Chromium, embedded in system pages on two loopback origins under a
 * strict CSP with Trusted Types, against the real service in demo mode: every section, edits
 * saved and read back through the API, the policy's differences between roles, live changes by
 * the other organisation, two systems with the same plan open, conflicts resolved without loss,
 * the keyboard alone, axe in every state, and reflow at 320 px and 200 % zoom.
 */

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let h: StaffHarness;
const ids: Record<'astrid' | 'karl' | 'ingrid', string> = { astrid: '', karl: '', ingrid: '' };

beforeAll(async () => {
  h = await startStaffHarness();
  const api = await h.staffApi('region-coordinator');
  const list = await api('/api/plans?limit=100');
  const items = list.body.items as { id: string; title: string | null }[];
  ids.astrid = items.find((p) => p.title === 'SIP för Astrid Nilsson')!.id;
  ids.karl = items.find((p) => p.title === 'SIP för Karl Johansson')!.id;
  ids.ingrid = items.find((p) => p.title === 'SIP för Ingrid Berg')!.id;
});

afterEach(async () => {
  await h.closePages();
});

afterAll(async () => {
  await h?.close();
});

async function openEditor(
  planId: string,
  persona: string,
  extra: Partial<StaffHostOptions> = {},
  system: 0 | 1 = 0,
  viewport?: { width: number; height: number },
  before?: (page: Page) => Promise<unknown>,
) {
  const opened = await h.open(
    { element: 'sip-plan-editor', persona, attributes: { 'plan-id': planId, ...extra.attributes }, ...(extra.lang ? { lang: extra.lang } : {}), ...(extra.zoom ? { zoom: extra.zoom } : {}) },
    { system, ...(viewport ? { context: { viewport } } : {}), ...(before ? { before } : {}) },
  );
  await opened.page.locator('sip-plan-editor h2').waitFor({ timeout: 20_000 });
  return opened;
}

async function readPlan(persona: string, planId: string): Promise<{ plan: PlanView; etag: string }> {
  const api = await h.staffApi(persona);
  const res = await api(`/api/plans/${planId}`);
  expect(res.status).toBe(200);
  return { plan: res.body as PlanView, etag: res.etag! };
}

const section = (page: Page, heading: string | RegExp) =>
  page.locator('sip-plan-editor section').filter({ has: page.getByRole('heading', { name: heading, exact: typeof heading === 'string' }) }).last();

async function axe(page: Page, what: string) {
  const { violations } = await runAxe(page, { tags: WCAG, include: ['sip-plan-editor'] });
  expect(violations.map((v) => `${what}: ${v.rule} ${v.nodes.join(', ')}`)).toEqual([]);
}

/** Without the live stream: what the service answers a write is all the editor learns. */
const withoutLiveStream = (page: Page) => page.route('**/events', (route) => route.abort());

/** What the editor's polite live region says. */
const liveRegion = (page: Page) =>
  page.evaluate(() => document.querySelector('sip-plan-editor')!.shadowRoot!.querySelector('[aria-live="polite"]')?.textContent ?? '');

/** The focused element inside the editor: its id and its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('sip-plan-editor')!.shadowRoot!.activeElement as HTMLElement | null;
    return { id: el?.id ?? '', tag: el?.localName ?? '', text: (el?.textContent ?? '').replace(/\s+/g, ' ').trim(), label: el?.getAttribute('aria-label') ?? '' };
  });

describe('<sip-plan-editor>', () => {
  it('shows every section of a full plan, in Swedish and in English', async () => {
    const { plan } = await readPlan('region-coordinator', ids.astrid);
    const sv = await openEditor(ids.astrid, 'region-coordinator');
    const svHeadings = [
      'Plan och ansvar',
      'Individens egna mål',
      'Behov',
      'Huvudmännens delar',
      'Regionens del: Region Norrvik',
      'Kommunens del: Norrviks kommun',
      'Det individen gör själv',
      'Andra aktörers insatser',
      'Deltagare',
      'Möten',
      'Uppföljning',
      'Kontakt utanför kontorstid',
      'Individens samtycke',
      'Status',
      'Närstående',
      'Bengt Nilsson',
      'Maria Nilsson',
    ];
    for (const name of svHeadings) await expect(sv.page.getByRole('heading', { name, exact: true }).count(), name).resolves.toBeGreaterThan(0);
    const text = await sv.page.locator('sip-plan-editor .base').innerText();
    expect(text).toContain('Kunna bo kvar hemma med Bengt');
    expect(text).toContain('Hemsjukvård: insulin morgon och kväll');
    expect(text).toContain('Vara kontaktperson för hemtjänsten');
    expect(text).toContain('Väntar på svar');
    expect(text).toContain('Samtycke till hemmet som vårdplats');
    expect(text).toContain(plan.fields.coordinator!.name);
    expect(sv.errors).toEqual([]);
    const ready = (await staffHostState(sv.page)).events.find((e) => e.type === 'sip-ready');
    expect(ready?.detail).toEqual({ planId: ids.astrid, revision: plan.revision });

    const en = await openEditor(ids.astrid, 'region-coordinator', { lang: 'en' });
    for (const name of [
      'Plan and responsibility',
      'The individual’s own goals',
      'Needs',
      'The principals’ parts',
      'The region’s part: Region Norrvik',
      'The municipality’s part: Norrviks kommun',
      'What the individual does themself',
      'Other actors’ measures',
      'Participants',
      'Meetings',
      'Follow-up',
      'Contact out of office hours',
      'The individual’s consent',
      'Status',
      'Relatives',
    ]) {
      await expect(en.page.getByRole('heading', { name, exact: true }).count(), name).resolves.toBeGreaterThan(0);
    }
    expect(await en.page.locator('sip-plan-editor .base').innerText()).toContain('Waiting for an answer');
    expect(en.errors).toEqual([]);
  });

  it('lets a coordinator edit their own part and the plan fields, saved in the service', async () => {
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator');
    const goals = section(page, 'Individens egna mål');
    await goals.getByRole('button', { name: 'Ändra individens egna mål' }).click();
    const area = goals.getByLabel('Individens egna mål', { exact: true });
    await area.fill(`${await area.inputValue()}\nLära sig laga enkel mat`);
    await goals.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => goals.innerText()).toContain('Lära sig laga enkel mat');

    const { plan } = await readPlan('region-coordinator', ids.karl);
    const regionPart = plan.parts.find((p) => p.principal === 'region')!;
    const part = section(page, `Regionens del: Region Norrvik`);
    await part.getByRole('button', { name: /^Ändra regionens del/ }).click();
    await part.getByLabel('Kontaktperson, telefon').fill('+46101740999');
    await part.getByRole('group', { name: 'Ny: insats' }).getByLabel('Insats (obligatoriskt)').fill('Läkemedelsgenomgång');
    await part.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => part.innerText()).toContain('Läkemedelsgenomgång');

    const after = (await readPlan('region-coordinator', ids.karl)).plan;
    expect(after.fields.individualGoals!.map((g) => g.text)).toContain('Lära sig laga enkel mat');
    const partAfter = after.parts.find((p) => p.id === regionPart.id)!;
    expect(partAfter.content.contactPerson?.phone).toBe('+46101740999');
    expect(partAfter.content.interventions!.map((i) => i.title)).toContain('Läkemedelsgenomgång');
    // The interventions mirrored from the health record keep where they came from.
    expect(partAfter.content.interventions!.filter((i) => i.source).length).toBe(regionPart.content.interventions!.filter((i) => i.source).length);
    const saved = (await staffHostState(page)).events.filter((e) => e.type === 'sip-saved');
    expect(saved.map((e) => (e.detail as { section: string }).section)).toEqual(['individual-goals', `part:${regionPart.id}`]);
    expect(errors).toEqual([]);
  });

  it('shows the other principal’s part read-only, with the reason and no edit control', async () => {
    const { page, errors } = await openEditor(ids.astrid, 'region-coordinator');
    const other = section(page, 'Kommunens del: Norrviks kommun');
    await expect(other.getByText('Kommunens del redigeras bara av kommunens personal').count()).resolves.toBe(1);
    await expect(other.getByRole('button').count()).resolves.toBe(0);
    // Astrid's consent does not let meetings reach the region.
    const meetings = section(page, 'Möten');
    await expect(meetings.getByText('Individens samtycke låter inte detta nå din organisation').count()).resolves.toBe(1);
    await expect(meetings.getByRole('button').count()).resolves.toBe(0);
    await axe(page, 'read-only');
    expect(errors).toEqual([]);
  });

  it('gives a physician (staff) their own part but not what only the coordinator changes', async () => {
    const { page, errors } = await openEditor(ids.astrid, 'region-physician');
    await expect(section(page, 'Regionens del: Region Norrvik').getByRole('button', { name: /^Ändra regionens del/ }).count()).resolves.toBe(1);
    for (const name of ['Plan och ansvar', 'Behov', 'Uppföljning', 'Individens samtycke']) {
      const s = section(page, name);
      await expect(s.getByRole('button', { name: /^Ändra/ }).count(), name).resolves.toBe(0);
      await expect(s.getByText('Bara SIP-samordnaren ändrar detta').count(), name).resolves.toBe(1);
    }
    const status = section(page, 'Status');
    await expect(status.getByRole('button').count()).resolves.toBe(0);
    await expect(status.getByText('Bara SIP-samordnaren ändrar detta').count()).resolves.toBe(1);
    // Staff of either principal record what the relatives are told.
    await expect(page.getByRole('button', { name: 'Föreslå åtagande' }).count()).resolves.toBeGreaterThan(0);

    const coordinator = await openEditor(ids.astrid, 'region-coordinator');
    await expect(section(coordinator.page, 'Behov').getByRole('button', { name: 'Ändra behov' }).count()).resolves.toBe(1);
    await expect(section(coordinator.page, 'Status').getByRole('button', { name: /^Ändra status till/ }).count()).resolves.toBeGreaterThan(0);
    expect([...errors, ...coordinator.errors]).toEqual([]);
  });

  it('shows a change the other organisation made, in place and marked, within seconds', async () => {
    const { page, errors } = await openEditor(ids.astrid, 'region-coordinator');
    const needs = section(page, 'Behov');
    // An open form elsewhere is left as it is.
    const goals = section(page, 'Individens egna mål');
    await goals.getByRole('button', { name: 'Ändra individens egna mål' }).click();
    await goals.getByLabel('Individens egna mål', { exact: true }).fill('Mitt utkast');

    const municipality = await h.staffApi('municipality-coordinator');
    const { etag, plan } = await readPlan('municipality-coordinator', ids.astrid);
    const res = await municipality(`/api/plans/${ids.astrid}`, {
      method: 'PATCH',
      ifMatch: etag,
      body: { needs: [...(plan.fields.needs ?? []), { text: 'Hjälp med att komma ut varje dag' }] },
    });
    expect(res.status).toBe(200);
    await expect.poll(() => needs.innerText(), { timeout: 8000 }).toContain('Hjälp med att komma ut varje dag');
    await expect.poll(() => needs.innerText()).toContain('Ändrad av Norrviks kommun just nu');
    await expect.poll(() => liveRegion(page)).toContain('Behov ändrades av Norrviks kommun.');
    await expect(goals.getByLabel('Individens egna mål', { exact: true }).inputValue()).resolves.toBe('Mitt utkast');
    expect(errors).toEqual([]);
  });

  it('shows an edit in one system in the other, on another origin', async () => {
    const a = await openEditor(ids.astrid, 'region-coordinator', {}, 0);
    const b = await openEditor(ids.astrid, 'municipality-coordinator', {}, 1);
    const outOfHours = section(a.page, 'Kontakt utanför kontorstid');
    await outOfHours.getByRole('button', { name: /^Ändra kontakt/ }).click();
    await outOfHours.getByLabel('Vart närstående vänder sig utanför kontorstid').fill('Ring Trygghetsjouren på 0101-740 400');
    await outOfHours.getByRole('button', { name: 'Spara' }).click();
    const there = section(b.page, 'Kontakt utanför kontorstid');
    await expect.poll(() => there.innerText(), { timeout: 8000 }).toContain('Ring Trygghetsjouren på 0101-740 400');
    await expect.poll(() => there.innerText()).toContain('Ändrad av Region Norrvik just nu');
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('follows the plan again after the stream fails, and catches up on what it missed', async () => {
    let failing = true;
    let attempts = 0;
    const { page, errors } = await openEditor(ids.astrid, 'municipality-coordinator', {}, 1, undefined, (p) =>
      p.route('**/events', (route) => {
        attempts++;
        return failing ? route.abort() : route.continue();
      }),
    );
    const { etag } = await readPlan('region-coordinator', ids.astrid);
    const region = await h.staffApi('region-coordinator');
    const res = await region(`/api/plans/${ids.astrid}`, { method: 'PATCH', ifMatch: etag, body: { title: 'SIP för Astrid Nilsson, hemma' } });
    expect(res.status).toBe(200);
    await expect.poll(() => attempts).toBeGreaterThan(1);
    failing = false;
    await expect.poll(() => page.locator('sip-plan-editor h2').innerText(), { timeout: 15_000 }).toBe('SIP för Astrid Nilsson, hemma');
    // Live again: the next change comes by the stream.
    const next = await readPlan('region-coordinator', ids.astrid);
    await region(`/api/plans/${ids.astrid}`, { method: 'PATCH', ifMatch: next.etag, body: { title: 'SIP för Astrid Nilsson' } });
    await expect.poll(() => page.locator('sip-plan-editor h2').innerText(), { timeout: 8000 }).toBe('SIP för Astrid Nilsson');
    await expect.poll(() => section(page, 'Plan och ansvar').innerText()).toContain('Ändrad av Region Norrvik just nu');
    expect(errors.filter((e) => !/ERR_FAILED/.test(e))).toEqual([]);
  });

  it('renews the live stream’s token when it expires, catches up on what it missed, and goes on', async () => {
    let minted = 0;
    let streams = 0;
    let changed: () => void = () => {};
    const changeMade = new Promise<void>((resolve) => (changed = resolve));
    const { page, errors } = await openEditor(ids.karl, 'municipality-coordinator', {}, 1, undefined, async (p) => {
      // The system's first token lives three seconds; the service ends the stream when it expires.
      await p.route('**/dev/token', (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
        return route.continue({ postData: JSON.stringify(minted++ === 0 ? { ...body, expiresIn: 3 } : body) });
      });
      // Every connection after the first waits until a change is made while the stream is down.
      await p.route('**/events', async (route) => {
        if (streams++ > 0) await changeMade;
        return route.continue();
      });
    });
    await expect.poll(() => streams, { timeout: 10_000 }).toBeGreaterThan(1);
    const region = await h.staffApi('region-coordinator');
    let { etag } = await readPlan('region-coordinator', ids.karl);
    expect((await region(`/api/plans/${ids.karl}`, { method: 'PATCH', ifMatch: etag, body: { title: 'SIP för Karl Johansson, medan strömmen var nere' } })).status).toBe(200);
    changed();
    await expect.poll(() => page.locator('sip-plan-editor h2').innerText(), { timeout: 10_000 }).toBe('SIP för Karl Johansson, medan strömmen var nere');
    // The host was asked for a new token once the old one was refused.
    await expect.poll(async () => (await staffHostState(page)).tokenCalls).toContain(true);
    // Live again, with the new token: the next change comes by the stream.
    ({ etag } = await readPlan('region-coordinator', ids.karl));
    expect((await region(`/api/plans/${ids.karl}`, { method: 'PATCH', ifMatch: etag, body: { title: 'SIP för Karl Johansson' } })).status).toBe(200);
    await expect.poll(() => page.locator('sip-plan-editor h2').innerText(), { timeout: 8000 }).toBe('SIP för Karl Johansson');
    await expect.poll(() => section(page, 'Plan och ansvar').innerText()).toContain('Ändrad av Region Norrvik just nu');
    const state = await staffHostState(page);
    expect(state.events.filter((e) => e.type === 'sip-session-expired' || e.type === 'sip-error')).toEqual([]);
    await expect(page.locator('sip-plan-editor [role="alert"]').count()).resolves.toBe(0);
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('says the session expired when the live stream’s token expires and the host has no new one, and keeps the plan shown', async () => {
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator');
    const res = await fetch(`${h.service.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persona: 'region-coordinator', expiresIn: 3 }),
    });
    const { access_token: shortLived } = (await res.json()) as { access_token: string };
    // The host hands over a token that lives three seconds, and none after it.
    await page.evaluate((token) => {
      const editor = document.querySelector('sip-plan-editor') as HTMLElement & { getAccessToken: unknown };
      editor.getAccessToken = ({ renew }: { renew: boolean }) => (renew ? null : token);
    }, shortLived);
    const alert = page.locator('sip-plan-editor [role="alert"]');
    await alert.waitFor({ timeout: 10_000 });
    await expect(alert.innerText()).resolves.toBe('Din inloggning har gått ut. Logga in igen för att fortsätta.');
    await expect.poll(async () => (await staffHostState(page)).events.filter((e) => e.type === 'sip-session-expired').length).toBe(1);
    await expect(page.locator('sip-plan-editor h2').innerText()).resolves.toBe('SIP för Karl Johansson');
    await expect(section(page, 'Behov').getByRole('button', { name: 'Ändra behov' }).count()).resolves.toBe(1);
    await axe(page, 'session expired');
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('reads the plan once after its own save, not again for the change event that save causes', async () => {
    let reads = 0;
    let slowReads = false;
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator', {}, 0, undefined, async (p) => {
      p.on('request', (request) => {
        if (request.method() === 'GET' && new URL(request.url()).pathname === `/api/plans/${ids.karl}`) reads++;
      });
      // On a busy machine the save's read-back can come after the change event the save caused:
      // made so here, every time, by holding the plan's reads back for a second.
      await p.route(`**/api/plans/${ids.karl}`, async (route) => {
        if (slowReads && route.request().method() === 'GET') await new Promise((resolve) => setTimeout(resolve, 1000));
        await route.continue();
      });
    });
    // Loaded, and read again once the stream is open (what happened before it is caught up).
    await expect.poll(() => reads).toBe(2);
    const outOfHours = section(page, 'Kontakt utanför kontorstid');
    await outOfHours.getByRole('button', { name: /^Ändra kontakt/ }).click();
    await outOfHours.getByLabel('Vart närstående vänder sig utanför kontorstid').fill('Ring jouren på 0101-740 500');
    slowReads = true;
    await outOfHours.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => outOfHours.innerText()).toContain('Ring jouren på 0101-740 500');
    slowReads = false;
    // The save's own change event comes by the stream too; the version shown has it already.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(reads).toBe(3);
    // Another organisation's change is read, once.
    const { etag } = await readPlan('municipality-coordinator', ids.karl);
    const municipality = await h.staffApi('municipality-coordinator');
    expect((await municipality(`/api/plans/${ids.karl}`, { method: 'PATCH', ifMatch: etag, body: { outOfHours: 'Ring Trygghetsjouren' } })).status).toBe(200);
    await expect.poll(() => outOfHours.innerText(), { timeout: 8000 }).toContain('Ring Trygghetsjouren');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reads).toBe(4);
    expect(errors).toEqual([]);
  });

  it('keeps what the user typed when someone saved first, shows both, and saves theirs with "use mine"', async () => {
    // Without the live stream, the service's 412 is what tells the editor.
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator', {}, 0, undefined, withoutLiveStream);
    const followUp = section(page, 'Uppföljning');
    await followUp.getByRole('button', { name: 'Ändra uppföljning' }).click();
    await followUp.getByLabel('Följs upp av (obligatoriskt)').fill('Sara Lind och Karin Ek');

    const { etag, plan } = await readPlan('region-coordinator', ids.karl);
    const api = await h.staffApi('region-coordinator');
    const res = await api(`/api/plans/${ids.karl}`, { method: 'PATCH', ifMatch: etag, body: { followUp: { ...plan.fields.followUp!, date: '2027-05-04' } } });
    expect(res.status).toBe(200);

    await followUp.getByRole('button', { name: 'Spara' }).click();
    const conflict = followUp.locator('[part="conflict"]');
    await conflict.waitFor();
    const conflictText = await conflict.innerText();
    expect(conflictText).toContain('Någon annan har ändrat detta');
    expect(conflictText).toContain('Sara Lind och Karin Ek');
    expect(conflictText).toContain('2027-05-04');
    expect(conflictText).toContain('Skiljer sig');
    // The form holds mine on top of the new version: the other's date, my name.
    await expect(followUp.getByLabel('Datum för uppföljning (obligatoriskt)').inputValue()).resolves.toBe('2027-05-04');
    await expect(followUp.getByLabel('Följs upp av (obligatoriskt)').inputValue()).resolves.toBe('Sara Lind och Karin Ek');
    await axe(page, 'conflict');

    await conflict.getByRole('button', { name: 'Använd min version' }).click();
    await expect.poll(() => followUp.innerText()).toContain('Sara Lind och Karin Ek');
    const after = (await readPlan('region-coordinator', ids.karl)).plan;
    expect(after.fields.followUp).toMatchObject({ date: '2027-05-04', by: { name: 'Sara Lind och Karin Ek' } });
    expect(errors.filter((e) => !/ERR_FAILED|status of 412/.test(e))).toEqual([]);
  });

  it('warns in an open form when another organisation changes the same section', async () => {
    const { page, errors } = await openEditor(ids.astrid, 'region-coordinator');
    const own = section(page, 'Det individen gör själv');
    await own.getByRole('button', { name: /^Ändra det individen/ }).click();
    await own.getByLabel('Det individen gör själv', { exact: true }).fill('Går en promenad varje dag\nLöser korsord');
    const { etag, plan } = await readPlan('municipality-coordinator', ids.astrid);
    const municipality = await h.staffApi('municipality-coordinator');
    const res = await municipality(`/api/plans/${ids.astrid}`, {
      method: 'PATCH',
      ifMatch: etag,
      body: { individualOwnActions: [...(plan.fields.individualOwnActions ?? []), { text: 'Ringer sin syster på söndagar' }] },
    });
    expect(res.status).toBe(200);
    const conflict = own.locator('[part="conflict"]');
    await conflict.waitFor({ timeout: 8000 });
    expect(await conflict.innerText()).toContain('Norrviks kommun har ändrat detta medan du skrev');
    expect(await conflict.innerText()).toContain('Ringer sin syster på söndagar');
    await expect.poll(() => liveRegion(page)).toContain('Det individen gör själv: Norrviks kommun har ändrat detta medan du skrev.');
    await conflict.getByRole('button', { name: 'Behåll den nya' }).click();
    await expect.poll(() => own.innerText()).toContain('Ringer sin syster på söndagar');
    expect(await own.innerText()).not.toContain('Löser korsord');
    await expect(focused(page)).resolves.toMatchObject({ id: 'edit-own-actions' });
    expect(errors).toEqual([]);
  });

  it('validates with the API’s schema, errors linked to their fields', async () => {
    const { page, errors } = await openEditor(ids.astrid, 'region-coordinator');
    const followUp = section(page, 'Uppföljning');
    await followUp.getByRole('button', { name: 'Ändra uppföljning' }).click();
    await followUp.getByLabel('Datum för uppföljning (obligatoriskt)').fill('');
    await followUp.getByRole('button', { name: 'Spara' }).click();
    const summary = followUp.locator('[part="error-summary"]');
    await summary.waitFor();
    await expect(focused(page)).resolves.toMatchObject({ id: 'summary-follow-up' });
    const field = followUp.getByLabel('Datum för uppföljning (obligatoriskt)');
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await field.getAttribute('aria-describedby'))!;
    expect(await page.locator(`sip-plan-editor [id="${describedBy}"]`).innerText()).toMatch(/datum för uppföljning/i);
    await axe(page, 'validation errors');
    await summary.getByRole('link').first().click();
    await expect(focused(page)).resolves.toMatchObject({ id: 'field-follow-up-followUp.date' });
    expect(errors).toEqual([]);
  });

  it('points each error at its own item when an item before it is marked for removal', async () => {
    const { plan } = await readPlan('region-coordinator', ids.karl);
    const part = plan.parts.find((p) => p.principal === 'region')!;
    const before = part.content.interventions ?? [];
    const api = await h.staffApi('region-coordinator');
    const added = await api(`/api/plans/${ids.karl}/parts/${part.id}`, {
      method: 'PATCH',
      ifMatch: `W/"${part.version}"`,
      body: { interventions: [...before, { title: 'Testinsats A', status: 'planned' }, { title: 'Testinsats B', status: 'planned' }] },
    });
    expect(added.status).toBe(200);
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator');
    const region = section(page, 'Regionens del: Region Norrvik');
    await region.getByRole('button', { name: /^Ändra regionens del/ }).click();
    const a = region.getByRole('group', { name: `Insats nr ${before.length + 1}` });
    const b = region.getByRole('group', { name: `Insats nr ${before.length + 2}` });
    await expect(a.getByLabel('Insats (obligatoriskt)').inputValue()).resolves.toBe('Testinsats A');
    await a.getByRole('checkbox', { name: 'Ta bort' }).check();
    await b.getByLabel('Insats (obligatoriskt)').fill('');
    await region.getByRole('button', { name: 'Spara' }).click();
    const summary = region.locator('[part="error-summary"]');
    await summary.waitFor();
    await expect(summary.getByRole('link').allInnerTexts()).resolves.toEqual(['Fyll i insats']);
    await expect(b.getByLabel('Insats (obligatoriskt)').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(a.getByLabel('Insats (obligatoriskt)').getAttribute('aria-invalid')).resolves.toBeNull();
    await expect(region.locator('[aria-invalid="true"]').count()).resolves.toBe(1);
    await axe(page, 'list errors');
    await summary.getByRole('link').click();
    const bId = await b.getByLabel('Insats (obligatoriskt)').getAttribute('id');
    await expect(focused(page)).resolves.toMatchObject({ id: bId });
    // Nothing was sent.
    const after = (await readPlan('region-coordinator', ids.karl)).plan.parts.find((p) => p.id === part.id)!;
    expect(after.content.interventions!.map((i) => i.title)).toEqual([...before.map((i) => i.title), 'Testinsats A', 'Testinsats B']);
    expect(errors).toEqual([]);
  });

  it('is used with the keyboard alone: Enter opens, Ctrl+Enter saves, Escape cancels, focus returns', async () => {
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator');
    await axe(page, 'loaded');
    await page.locator('sip-plan-editor').getByRole('button', { name: 'Ändra behov' }).focus();
    // Reached with Tab from the control before it.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toMatchObject({ id: 'edit-needs' });
    await page.keyboard.press('Enter');
    await expect(focused(page)).resolves.toMatchObject({ id: 'field-needs-needs' });
    await axe(page, 'form open');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nHjälp att hålla ordning på posten');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'edit-needs' });
    expect(await section(page, 'Behov').innerText()).toContain('Hjälp att hålla ordning på posten');
    await expect.poll(() => liveRegion(page)).toContain('Behov: sparat.');

    await page.keyboard.press('Enter');
    await page.keyboard.type('x');
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'edit-needs' });
    expect(await section(page, 'Behov').innerText()).not.toContain('posten\nx');
    const after = (await readPlan('region-coordinator', ids.karl)).plan;
    expect(after.fields.needs!.map((n) => n.text)).toContain('Hjälp att hålla ordning på posten');
    expect(errors).toEqual([]);
  });

  it('opens at the item named by focus', async () => {
    const { plan } = await readPlan('region-coordinator', ids.astrid);
    const relative = plan.relativesSection.relatives[0]!;
    const commitment = relative.commitments![0]!;
    const { page, errors } = await openEditor(ids.astrid, 'region-coordinator', { attributes: { focus: `relative:${relative.id}:commitment:${commitment.id}` } });
    await expect.poll(() => focused(page)).toMatchObject({ id: `commitment-${relative.id}-${commitment.id}` });
    const followUp = await openEditor(ids.astrid, 'region-coordinator', { attributes: { focus: 'follow-up' } });
    await expect.poll(() => focused(followUp.page)).toMatchObject({ id: 'section-follow-up' });
    expect([...errors, ...followUp.errors]).toEqual([]);
  });

  it('proposes a commitment to a relative, records the individual’s sharing with them, and ends a commitment', async () => {
    const { plan } = await readPlan('region-physician', ids.astrid);
    const bengt = plan.relativesSection.relatives.find((r) => r.name === 'Bengt Nilsson')!;
    const { page, errors } = await openEditor(ids.astrid, 'region-physician');
    const relative = section(page, 'Bengt Nilsson');
    await relative.getByRole('button', { name: 'Föreslå åtagande' }).click();
    await relative.getByLabel('Typ av åtagande').selectOption({ label: 'Ledsagning och resor' });
    await relative.getByLabel('Vad (obligatoriskt)').fill('Följa med på tandläkarbesök');
    await relative.getByLabel('Hur ofta (obligatoriskt)').fill('Två gånger om året');
    await relative.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => relative.innerText()).toContain('Följa med på tandläkarbesök');
    await expect(focused(page)).resolves.toMatchObject({ id: `edit-relative:${bengt.id}:propose` });

    await relative.getByRole('button', { name: /^Ändra individens samtycke till att dela/ }).click();
    await relative.getByRole('checkbox', { name: 'Behov' }).check();
    await relative.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => relative.innerText()).toContain('Mål, Insatser, Kontaktuppgifter, Uppföljning, Behov');

    // Bengt took up the respite offered him, from yesterday.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await relative.getByRole('button', { name: 'Ändra stöd till den närstående' }).click();
    await relative.getByRole('group', { name: 'Stöd som erbjudits' }).getByRole('checkbox', { name: 'Avlösning' }).check();
    await relative.getByRole('group', { name: 'Tagit emot stödet, från och med' }).getByLabel('Avlösning').fill(yesterday);
    await relative.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => relative.innerText()).toContain('Avlösning: tagit emot från');

    let after = (await readPlan('region-physician', ids.astrid)).plan.relativesSection.relatives.find((r) => r.id === bengt.id)!;
    expect(after.support!.offered).toContain('respite');
    expect(after.support!.takenUp).toEqual([{ kind: 'respite', at: yesterday }]);
    const proposed = after.commitments!.find((c) => c.what === 'Följa med på tandläkarbesök')!;
    expect(proposed).toMatchObject({ kind: 'accompanying', howOften: 'Två gånger om året', history: [{ status: 'requested', by: 'staff' }] });
    expect(await relative.innerText()).toContain('Typ av åtagande: ledsagning och resor.');
    expect(after.sharing!.categories).toContain('needs');

    const commitment = relative.locator('.item').filter({ has: page.getByRole('heading', { name: 'Följa med på tandläkarbesök' }) });
    await commitment.getByRole('button', { name: 'Avsluta åtagandet' }).click();
    await commitment.getByLabel('Kommentar').fill('Bengt hinner inte');
    await commitment.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => commitment.innerText()).toContain('Avslutat');
    after = (await readPlan('region-physician', ids.astrid)).plan.relativesSection.relatives.find((r) => r.id === bengt.id)!;
    expect(after.commitments!.find((c) => c.id === proposed.id)!.history.at(-1)).toMatchObject({ status: 'cancelled', comment: 'Bengt hinner inte' });
    expect(errors).toEqual([]);
  });

  it('opens at a relative’s request and offers to mark it handled', async () => {
    const maria = await mintToken(h.service.url, 'maria');
    const asked = await fetch(`${h.service.url}/api/me/plans/${ids.astrid}/requests`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${maria}`, 'content-type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ kind: 'needs-assessment', note: 'Jag orkar inte längre' }),
    });
    expect(asked.status).toBeLessThan(300);
    const { plan } = await readPlan('municipality-homecare', ids.astrid);
    const relative = plan.relativesSection.relatives.find((r) => r.name === 'Maria Nilsson')!;
    const index = relative.support!.requests.findIndex((r) => !r.handledAt);
    const { page, errors } = await openEditor(ids.astrid, 'municipality-homecare', { attributes: { focus: `relative:${relative.id}:request:${index}` } });
    await expect.poll(() => focused(page)).toMatchObject({ id: `request-${relative.id}-${index}` });
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toMatchObject({ text: 'Markera som hanterad' });
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await readPlan('municipality-homecare', ids.astrid)).plan.relativesSection.relatives.find((r) => r.id === relative.id)!.support!.requests[index]!.handledAt).toBeTruthy();
    await expect.poll(() => section(page, 'Maria Nilsson').innerText()).toContain('Hanterad');
    expect(errors).toEqual([]);
  });

  it('shows the service’s refusal with its reason and keeps what was typed', async () => {
    const { page, errors } = await openEditor(ids.ingrid, 'region-coordinator', {}, 0, undefined, withoutLiveStream);
    const outOfHours = section(page, 'Kontakt utanför kontorstid');
    await outOfHours.getByRole('button', { name: /^Ändra kontakt/ }).click();
    await outOfHours.getByLabel('Vart närstående vänder sig utanför kontorstid').fill('Ring jouren');
    // The plan is closed meanwhile: the service refuses the change (409), in its words.
    const { etag } = await readPlan('region-coordinator', ids.ingrid);
    const api = await h.staffApi('region-coordinator');
    expect((await api(`/api/plans/${ids.ingrid}/status`, { method: 'POST', ifMatch: etag, body: { status: 'closed' } })).status).toBe(200);
    await outOfHours.getByRole('button', { name: 'Spara' }).click();
    const refusal = outOfHours.locator('[role="alert"]');
    await refusal.waitFor();
    // The policy's reason, in the user's words (the plan is read again to tell closed from withdrawn).
    await expect(refusal.innerText()).resolves.toBe('SIP-tjänsten sa nej: Planen är avslutad');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'refusal-out-of-hours' });
    await expect(outOfHours.getByLabel('Vart närstående vänder sig utanför kontorstid').inputValue()).resolves.toBe('Ring jouren');
    await axe(page, 'refused');
    // The plan read again shows why, once the form is closed.
    await page.keyboard.press('Escape');
    await expect.poll(() => outOfHours.innerText()).toContain('Planen är avslutad');
    await expect(outOfHours.getByRole('button').count()).resolves.toBe(0);
    expect(errors.filter((e) => !/ERR_FAILED|status of 4(09|12)/.test(e))).toEqual([]);
  });

  it('moves the plan’s status along its allowed transitions, and adds and removes an invited participant', async () => {
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator');
    const status = section(page, 'Status');
    await expect(status.getByRole('button').allInnerTexts()).resolves.toEqual(['Ändra status till uppföljd', 'Ändra status till avslutad']);
    await status.getByRole('button', { name: 'Ändra status till uppföljd' }).click();
    await expect.poll(() => status.getByRole('button').allInnerTexts()).toEqual(['Ändra status till aktiv', 'Ändra status till avslutad']);
    expect((await readPlan('region-coordinator', ids.karl)).plan.status).toBe('followed_up');
    await expect(focused(page)).resolves.toMatchObject({ id: 'heading-status' });

    const participants = section(page, 'Deltagare');
    await participants.getByRole('button', { name: 'Lägg till deltagare' }).click();
    await participants.getByLabel('Namn (obligatoriskt)').fill('Anna Ström');
    await participants.getByLabel('Roll').fill('Kurator, Försäkringskassan');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => participants.innerText()).toContain('Anna Ström, Kurator, Försäkringskassan');
    const added = (await readPlan('region-coordinator', ids.karl)).plan.participants.find((p) => p.name === 'Anna Ström');
    expect(added).toMatchObject({ kind: 'invited', role: 'Kurator, Försäkringskassan' });
    await participants.getByRole('button', { name: 'Ta bort Anna Ström' }).click();
    await expect.poll(() => participants.innerText()).not.toContain('Anna Ström');
    expect((await readPlan('region-coordinator', ids.karl)).plan.participants.some((p) => p.name === 'Anna Ström')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('keeps a status change and a removal that met a newer version, shows them beside the current plan, and makes them again', async () => {
    const region = await h.staffApi('region-coordinator');
    const municipality = await h.staffApi('municipality-coordinator');
    /** Someone else saves a change to the plan: every version the editor holds is then old. */
    const someoneSaves = async (title: string) => {
      const { etag } = await readPlan('municipality-coordinator', ids.karl);
      expect((await municipality(`/api/plans/${ids.karl}`, { method: 'PATCH', ifMatch: etag, body: { title } })).status).toBe(200);
    };
    let { plan, etag } = await readPlan('region-coordinator', ids.karl);
    expect((await region(`/api/plans/${ids.karl}/participants`, { method: 'POST', ifMatch: etag, body: { kind: 'invited', name: 'Erik Berg', role: 'Skolkurator' } })).status).toBeLessThan(300);
    ({ plan } = await readPlan('region-coordinator', ids.karl));
    const from = plan.status;
    const to = from === 'active' ? 'followed_up' : 'active';
    const toLabel = to === 'active' ? 'aktiv' : 'uppföljd';
    const fromLabel = from === 'active' ? 'Aktiv' : 'Uppföljd';

    // Without the live stream, the service's 412 is what tells the editor.
    const { page, errors } = await openEditor(ids.karl, 'region-coordinator', {}, 0, undefined, withoutLiveStream);
    await someoneSaves('SIP för Karl Johansson, ny');
    const status = section(page, 'Status');
    await status.getByRole('button', { name: `Ändra status till ${toLabel}` }).click();
    const statusConflict = status.locator('[part="conflict"]');
    await statusConflict.waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: 'conflict-status' });
    const statusText = await statusConflict.innerText();
    expect(statusText).toContain('Någon annan sparade en ändring innan din hann sparas. Din ändring är inte gjord.');
    expect(statusText).toContain(`Din ändring\nÄndra status till ${toLabel}`);
    expect(statusText).toContain(`Gäller nu\nStatus: ${fromLabel}`);
    await expect.poll(() => liveRegion(page)).toContain('Din ändring är inte gjord.');
    expect((await readPlan('region-coordinator', ids.karl)).plan.status).toBe(from);
    // The version read again is shown.
    await expect.poll(() => page.locator('sip-plan-editor h2').innerText()).toBe('SIP för Karl Johansson, ny');
    await axe(page, 'status conflict');
    await statusConflict.getByRole('button', { name: 'Gör min ändring igen' }).click();
    await expect.poll(async () => (await readPlan('region-coordinator', ids.karl)).plan.status).toBe(to);
    await expect.poll(() => status.locator('[part="conflict"]').count()).toBe(0);
    await expect.poll(() => focused(page)).toMatchObject({ id: 'heading-status' });

    // A removal: made again once; dropped when the participant is gone meanwhile.
    await someoneSaves('SIP för Karl Johansson');
    const participants = section(page, 'Deltagare');
    await participants.getByRole('button', { name: 'Ta bort Erik Berg' }).click();
    const removal = participants.locator('[part="conflict"]');
    await removal.waitFor();
    expect(await removal.innerText()).toContain('Din ändring\nTa bort Erik Berg');
    expect(await removal.innerText()).toContain('Gäller nu\nErik Berg är deltagare');
    expect((await readPlan('region-coordinator', ids.karl)).plan.participants.some((p) => p.name === 'Erik Berg')).toBe(true);
    await axe(page, 'removal conflict');
    await removal.getByRole('button', { name: 'Gör min ändring igen' }).click();
    await expect.poll(async () => (await readPlan('region-coordinator', ids.karl)).plan.participants.some((p) => p.name === 'Erik Berg')).toBe(false);
    await expect.poll(() => participants.innerText()).not.toContain('Erik Berg');

    ({ etag } = await readPlan('region-coordinator', ids.karl));
    const added = await region(`/api/plans/${ids.karl}/participants`, { method: 'POST', ifMatch: etag, body: { kind: 'invited', name: 'Nils Åberg' } });
    expect(added.status).toBeLessThan(300);
    await page.reload();
    await page.locator('sip-plan-editor h2').waitFor();
    const nils = (await readPlan('region-coordinator', ids.karl)).plan.participants.find((p) => p.name === 'Nils Åberg')!;
    ({ etag } = await readPlan('municipality-coordinator', ids.karl));
    expect((await municipality(`/api/plans/${ids.karl}/participants/${nils.id}`, { method: 'DELETE', ifMatch: etag })).status).toBeLessThan(300);
    await section(page, 'Deltagare').getByRole('button', { name: 'Ta bort Nils Åberg' }).click();
    const gone = section(page, 'Deltagare').locator('[part="conflict"]');
    await gone.waitFor();
    expect(await gone.innerText()).toContain('Gäller nu\nNils Åberg är borttagen.');
    expect(await gone.innerText()).toContain('Det är redan gjort.');
    await expect(gone.getByRole('button', { name: 'Gör min ändring igen' }).count()).resolves.toBe(0);
    await gone.getByRole('button', { name: 'Stäng' }).click();
    await expect.poll(() => section(page, 'Deltagare').locator('[part="conflict"]').count()).toBe(0);
    await expect.poll(() => focused(page)).toMatchObject({ id: 'heading-participants' });
    expect(errors.filter((e) => !/ERR_FAILED|status of 412/.test(e))).toEqual([]);
  });

  it('keeps a request marked handled that met a newer version, and marks that very request when made again', async () => {
    const maria = await mintToken(h.service.url, 'maria');
    const ask = async (kind: string, note: string) => {
      const asked = await fetch(`${h.service.url}/api/me/plans/${ids.astrid}/requests`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${maria}`, 'content-type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ kind, note }),
      });
      expect(asked.status).toBeLessThan(300);
    };
    await ask('contact-consultant', 'Ring mig på eftermiddagen');
    const { plan } = await readPlan('municipality-homecare', ids.astrid);
    const relative = plan.relativesSection.relatives.find((r) => r.name === 'Maria Nilsson')!;
    const index = relative.support!.requests.findLastIndex((r) => !r.handledAt);
    const request = relative.support!.requests[index]!;
    const { page, errors } = await openEditor(ids.astrid, 'municipality-homecare', { lang: 'en', attributes: { focus: `relative:${relative.id}:request:${index}` } }, 1, undefined, withoutLiveStream);
    await expect.poll(() => focused(page)).toMatchObject({ id: `request-${relative.id}-${index}` });
    // Meanwhile the relative asks again: the relatives' section has a newer version.
    await ask('needs-assessment', 'Jag behöver avlösning');
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toMatchObject({ text: 'Mark as handled' });
    await page.keyboard.press('Enter');
    const maria2 = section(page, 'Maria Nilsson');
    const conflict = maria2.locator('[part="conflict"]');
    await conflict.waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ id: `conflict-relative:${relative.id}` });
    const text = await conflict.innerText();
    expect(text).toContain('Someone else saved a change before yours. Your change has not been made.');
    expect(text).toContain('Your change\nMark as handled: Wants to be contacted by the relatives’ consultant');
    expect(text).toContain('In force now\nNot handled');
    expect((await readPlan('municipality-homecare', ids.astrid)).plan.relativesSection.relatives.find((r) => r.id === relative.id)!.support!.requests[index]!.handledAt).toBeUndefined();
    await axe(page, 'request conflict');
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toMatchObject({ text: 'Make my change again' });
    await page.keyboard.press('Enter');
    await expect.poll(() => conflict.count()).toBe(0);
    // The conflict closes as the change is sent, before its answer comes: wait for it to be made.
    const requests = async () => (await readPlan('municipality-homecare', ids.astrid)).plan.relativesSection.relatives.find((r) => r.id === relative.id)!.support!.requests;
    await expect.poll(async () => (await requests()).find((r) => r.at === request.at && r.kind === request.kind)!.handledAt).toBeTruthy();
    const after = await requests();
    // The request that came meanwhile is still open.
    expect(after.find((r) => r.note === 'Jag behöver avlösning')!.handledAt).toBeUndefined();
    expect(errors.filter((e) => !/ERR_FAILED|status of 412/.test(e))).toEqual([]);
  });

  for (const [what, options, viewport] of [
    ['at 320 CSS pixels', {}, { width: 320, height: 800 }],
    ['at 200 % zoom', { zoom: 2 }, { width: 1280, height: 800 }],
  ] as const) {
    it(`reflows ${what} without scrolling sideways`, async () => {
      const { page, errors } = await openEditor(ids.astrid, 'region-coordinator', options, 0, viewport);
      await section(page, 'Uppföljning').getByRole('button', { name: 'Ändra uppföljning' }).click();
      const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(width.scroll).toBeLessThanOrEqual(width.client);
      expect(errors).toEqual([]);
    });
  }
});
