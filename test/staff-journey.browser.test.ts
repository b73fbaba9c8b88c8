import type { PlanView } from '@sip/shared';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from './support/service.ts';
import { axeViolations, editorSection as section, staffHostState, startStaffHarness, testPersonnummer, type StaffHarness } from './support/staff-host.ts';

/**
 * One SIP from start to close, as the two coordinators live it, through the staff elements only:
 * the region's coordinator starts it in the health record's page for the person open there, the
 * individual's consent is recorded, the municipality's coordinator opens it in the case system's
 * page on another origin, each edits their own part and sees the other's edits live, the
 * relatives section is filled, the plan is made active, followed up and closed. On the way a
 * conflict is merged without loss, a physician finds the parts not theirs read-only (and the
 * service refuses them too), and the history names every version by its organisation. The API
 * is asked only what the service stored, and for the physician's attempt past the element.
 */

/** How long a change may take to show: a save and a read, or the live stream, on a busy machine. */
const WAIT = { timeout: 10_000 };
const LOAD = { timeout: 20_000 };

const PERSON = testPersonnummer('19470303', 984);
const NAME = 'Sven Testsson';
const REGION = 'Region Norrvik';
const MUNICIPALITY = 'Norrviks kommun';

let h: StaffHarness;

beforeAll(async () => {
  h = await startStaffHarness();
});

afterAll(async () => {
  await h?.close();
});

async function stored(planId: string, persona = 'region-coordinator'): Promise<PlanView> {
  const res = await (await h.staffApi(persona))(`/api/plans/${planId}`);
  expect(res.status).toBe(200);
  return res.body as PlanView;
}

async function versionsOf(planId: string, persona = 'region-coordinator'): Promise<{ revision: number; change: string }[]> {
  const res = await (await h.staffApi(persona))<{ versions: { revision: number; change: string }[] }>(`/api/plans/${planId}/versions`);
  expect(res.status).toBe(200);
  return res.body.versions;
}

const eventsOf = async (page: Page, type: string) => (await staffHostState(page)).events.filter((e) => e.type === type);

/** What the editor's polite live region says. */
const liveRegion = (page: Page) =>
  page.evaluate(() => document.querySelector('sip-plan-editor')!.shadowRoot!.querySelector('[aria-live="polite"]')?.textContent ?? '');

/** The requests of a page that change something in the service. */
function writes(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET' && new URL(r.url()).pathname.startsWith('/api/')) seen.push(r);
  });
  return seen;
}
const writesTo = (seen: Request[], method: string, tail: RegExp) => seen.filter((r) => r.method() === method && tail.test(new URL(r.url()).pathname));

describe('a SIP from start to close, by two coordinators in two systems', () => {
  it('is started, consented to, co-edited live, merged without loss, activated, followed up and closed', async () => {
    const hyphenated = `${PERSON.slice(0, 8)}-${PERSON.slice(8)}`;
    const person = { 'person-id': hyphenated, 'person-name': NAME };

    // 1. The region's coordinator has the person open in the health record, and starts a SIP.
    const region = await h.open({ element: 'sip-plan-list', persona: 'region-coordinator', attributes: person, opensPlans: true, system: 'Journalen' }, { system: 0 });
    const regionWrites = writes(region.page);
    const list = region.page.locator('sip-plan-list');
    await list.getByText(`Det finns ingen SIP för ${NAME}`).waitFor(LOAD);
    await list.getByRole('button', { name: `Starta en SIP för ${NAME}` }).click();
    await list.getByText(`Din organisation: ${REGION}`).waitFor();
    await list.getByLabel('Kommun', { exact: true }).selectOption({ label: MUNICIPALITY });
    await list.getByRole('button', { name: 'Skapa SIP' }).click();
    await list.getByText(`SIP:en för ${NAME} är skapad.`).waitFor();
    const planId = (await eventsOf(region.page, 'sip-plan-created'))[0]!.detail!.planId as string;
    await list.getByRole('button', { name: `Öppna SIP:en för ${NAME}` }).click();
    const a = region.page;
    await a.locator('sip-plan-editor').getByRole('heading', { name: `SIP för ${NAME}`, level: 2 }).waitFor(LOAD);
    expect(await a.locator('sip-plan-editor').getAttribute('plan-id')).toBe(planId);
    expect(await section(a, 'Status').innerText()).toContain('Utkast');
    expect(await axeViolations(a, 'new plan', 'sip-plan-editor')).toEqual([]);

    // 2. The individual's consent to the plan, and what it covers.
    const consent = section(a, 'Individens samtycke');
    await consent.getByRole('button', { name: 'Ändra individens samtycke' }).click();
    await consent.getByLabel('Individen samtycker').check();
    for (const category of ['Mål', 'Behov', 'Insatser', 'Kontaktuppgifter', 'Möten', 'Uppföljning']) await consent.getByRole('checkbox', { name: category, exact: true }).check();
    await consent.getByLabel('Aktörer som får ta del').fill(`${REGION}\n${MUNICIPALITY}`);
    await consent.getByLabel('Gäller till').fill('2028-12-31');
    await consent.getByLabel('Dokumenterat av (obligatoriskt)').fill('Sara Lind');
    await consent.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => consent.innerText(), WAIT).toContain('Individen har samtyckt.');
    expect((await stored(planId)).consent).toMatchObject({
      given: true,
      scope: { information: ['goals', 'needs', 'interventions', 'contacts', 'meetings', 'follow-up'], actors: [REGION, MUNICIPALITY], validUntil: '2028-12-31' },
      recordedBy: { name: 'Sara Lind' },
    });

    // 3. The municipality's coordinator has the same person open in the case system, on another origin.
    const municipality = await h.open(
      { element: 'sip-plan-list', persona: 'municipality-coordinator', attributes: person, opensPlans: true, system: 'Verksamhetssystemet' },
      { system: 1 },
    );
    const municipalityWrites = writes(municipality.page);
    const b = municipality.page;
    await b.locator('sip-plan-list').getByRole('button', { name: `Öppna SIP:en för ${NAME}` }).click(LOAD);
    await b.locator('sip-plan-editor').getByRole('heading', { name: `SIP för ${NAME}`, level: 2 }).waitFor(LOAD);
    expect(await b.locator('sip-plan-editor').getAttribute('plan-id')).toBe(planId);
    await expect.poll(() => a.locator('sip-plan-editor [part~="presence"]').innerText(), WAIT).toContain(MUNICIPALITY);

    // Each edits their own part; each sees the other's appear, marked with who made it.
    const regionPart = section(a, `Regionens del: ${REGION}`);
    await regionPart.getByRole('button', { name: /^Ändra regionens del/ }).click();
    await regionPart.getByLabel('Professionella mål').fill('Stabilt blodsocker');
    await regionPart.getByRole('group', { name: 'Ny: insats' }).getByLabel('Insats (obligatoriskt)').fill('Diabetessköterska: besök varannan vecka');
    await regionPart.getByRole('button', { name: 'Spara' }).click();
    const regionPartThere = section(b, `Regionens del: ${REGION}`);
    await expect.poll(() => regionPartThere.innerText(), WAIT).toContain('Diabetessköterska: besök varannan vecka');
    await expect.poll(() => regionPartThere.innerText(), WAIT).toContain(`Ändrad av ${REGION} just nu`);
    expect(await regionPartThere.innerText()).toContain('Stabilt blodsocker');

    const municipalityPart = section(b, `Kommunens del: ${MUNICIPALITY}`);
    await municipalityPart.getByRole('button', { name: /^Ändra kommunens del/ }).click();
    await municipalityPart.getByLabel('Professionella mål').fill('Klara vardagen hemma');
    await municipalityPart.getByRole('group', { name: 'Ny: insats' }).getByLabel('Insats (obligatoriskt)').fill('Hemtjänst: inköp en gång i veckan');
    await municipalityPart.getByRole('button', { name: 'Spara' }).click();
    const municipalityPartThere = section(a, `Kommunens del: ${MUNICIPALITY}`);
    await expect.poll(() => municipalityPartThere.innerText(), WAIT).toContain('Hemtjänst: inköp en gång i veckan');
    await expect.poll(() => municipalityPartThere.innerText(), WAIT).toContain(`Ändrad av ${MUNICIPALITY} just nu`);
    await expect.poll(() => liveRegion(a), WAIT).toContain(`Kommunens del ändrades av ${MUNICIPALITY}.`);

    const needs = section(a, 'Behov');
    await needs.getByRole('button', { name: 'Ändra behov' }).click();
    await needs.getByLabel('Behov', { exact: true }).fill('Hjälp att ta insulin');
    await needs.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => section(b, 'Behov').innerText(), WAIT).toContain('Hjälp att ta insulin');
    await expect.poll(() => section(b, 'Behov').innerText(), WAIT).toContain(`Ändrad av ${REGION} just nu`);

    let plan = await stored(planId);
    expect(plan.parts.find((p) => p.principal === 'region')!.content).toMatchObject({
      goals: [{ text: 'Stabilt blodsocker' }],
      interventions: [{ title: 'Diabetessköterska: besök varannan vecka', status: 'planned' }],
    });
    expect(plan.parts.find((p) => p.principal === 'municipality')!.content).toMatchObject({
      goals: [{ text: 'Klara vardagen hemma' }],
      interventions: [{ title: 'Hemtjänst: inköp en gång i veckan', status: 'planned' }],
    });

    // 4. The relatives section: a relative added (Save pressed twice: added once), the
    // individual's sharing with her, and a commitment proposed to her.
    const relatives = section(b, 'Närstående');
    await relatives.getByRole('button', { name: 'Lägg till närstående' }).click();
    await relatives.getByLabel('Namn (obligatoriskt)').fill('Lisa Testsson');
    await relatives.getByLabel('Relation till individen (obligatoriskt)').fill('Dotter');
    await relatives.getByLabel('Telefon').fill('+46701740123');
    expect(await axeViolations(b, 'add a relative', 'sip-plan-editor')).toEqual([]);
    await relatives.getByRole('button', { name: 'Spara' }).dblclick();
    const lisa = section(b, 'Lisa Testsson');
    await lisa.waitFor();
    await expect.poll(() => liveRegion(b), WAIT).toContain('Lägg till närstående: sparat.');
    expect(writesTo(municipalityWrites, 'POST', /\/relatives$/)).toHaveLength(1);
    plan = await stored(planId);
    expect(plan.relativesSection.relatives.map((r) => r.name)).toEqual(['Lisa Testsson']);
    const lisaId = plan.relativesSection.relatives[0]!.id;
    expect(plan.relativesSection.relatives[0]).toMatchObject({ relationship: { text: 'Dotter' }, phone: '+46701740123', child: false, sharesHome: false });

    await lisa.getByRole('button', { name: /^Ändra individens samtycke till att dela/ }).click();
    await lisa.getByRole('checkbox', { name: 'Mål', exact: true }).check();
    await lisa.getByRole('checkbox', { name: 'Uppföljning', exact: true }).check();
    await lisa.getByLabel('Dokumenterat av (obligatoriskt)').fill('Karin Ek');
    await lisa.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => lisa.innerText(), WAIT).toContain('Mål, Uppföljning');

    await lisa.getByRole('button', { name: 'Föreslå åtagande' }).click();
    await lisa.getByLabel('Vad (obligatoriskt)').fill('Handla mat på lördagar');
    await lisa.getByLabel('Hur ofta (obligatoriskt)').fill('En gång i veckan');
    await lisa.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => lisa.innerText(), WAIT).toContain('Handla mat på lördagar');
    // The region sees her too, marked as the municipality's doing.
    const lisaThere = section(a, 'Lisa Testsson');
    await expect.poll(() => lisaThere.innerText(), WAIT).toContain('Handla mat på lördagar');
    await expect.poll(() => lisaThere.innerText(), WAIT).toContain(`Ändrad av ${MUNICIPALITY} just nu`);
    const lisaStored = (await stored(planId)).relativesSection.relatives.find((r) => r.id === lisaId)!;
    expect(lisaStored.sharing).toMatchObject({ categories: ['goals', 'follow-up'], recordedBy: { name: 'Karin Ek' } });
    expect(lisaStored.commitments).toEqual([expect.objectContaining({ what: 'Handla mat på lördagar', howOften: 'En gång i veckan', history: [expect.objectContaining({ status: 'requested', by: 'staff' })] })]);

    // 5. Activation. Asked too early, the service says what is missing, in the user's words.
    const status = section(a, 'Status');
    await status.getByRole('button', { name: 'Ändra status till aktiv' }).click();
    const refusal = status.getByRole('alert');
    await refusal.waitFor(WAIT);
    expect(await refusal.innerText()).toBe('SIP-tjänsten sa nej: Planen kan bli aktiv först när en huvudman har det övergripande ansvaret (under Plan och ansvar)');
    expect((await stored(planId)).status).toBe('draft');
    const overview = section(a, 'Plan och ansvar');
    await overview.getByRole('button', { name: 'Ändra plan och ansvar' }).click();
    await overview.getByLabel('Övergripande ansvar').selectOption({ label: 'Kommunen' });
    await overview.getByLabel('Samordnare, namn').fill('Karin Ek');
    await overview.getByRole('button', { name: 'Spara' }).click();
    await overview.getByRole('button', { name: 'Ändra plan och ansvar' }).waitFor(WAIT);
    expect(await overview.innerText()).toContain('Karin Ek');
    // Pressed twice: one change of status.
    const statusPosts = writesTo(regionWrites, 'POST', /\/status$/).length;
    await status.getByRole('button', { name: 'Ändra status till aktiv' }).dblclick();
    await expect.poll(() => status.getByRole('button').allInnerTexts(), WAIT).toEqual(['Ändra status till uppföljd', 'Ändra status till avslutad']);
    expect(writesTo(regionWrites, 'POST', /\/status$/)).toHaveLength(statusPosts + 1);
    await expect(status.getByRole('alert').count()).resolves.toBe(0);
    await expect.poll(() => section(b, 'Status').innerText(), WAIT).toContain('Aktiv');
    expect((await stored(planId)).status).toBe('active');

    // 6. A conflict: both change the needs at once. The municipality saves second, sees both
    // versions side by side, merges them, and nothing either typed is lost.
    const needsHere = section(a, 'Behov');
    const needsThere = section(b, 'Behov');
    await needsHere.getByRole('button', { name: 'Ändra behov' }).click();
    await needsThere.getByRole('button', { name: 'Ändra behov' }).click();
    const regionArea = needsHere.getByLabel('Behov', { exact: true });
    const municipalityArea = needsThere.getByLabel('Behov', { exact: true });
    await regionArea.fill('Hjälp att ta insulin\nHjälp med dosett');
    await municipalityArea.fill('Hjälp att ta insulin\nStöd att laga mat');
    await needsHere.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => needsHere.innerText(), WAIT).toContain('Hjälp med dosett');
    const conflict = needsThere.locator('[part="conflict"]');
    await conflict.waitFor(WAIT);
    const sideBySide = await conflict.innerText();
    expect(sideBySide).toContain(`${REGION} har ändrat detta medan du skrev`);
    expect(sideBySide).toContain('Din version');
    expect(sideBySide).toContain('Gäller nu');
    expect(sideBySide).toContain('Stöd att laga mat');
    expect(sideBySide).toContain('Hjälp med dosett');
    await expect(municipalityArea.inputValue()).resolves.toBe('Hjälp att ta insulin\nStöd att laga mat');
    expect(await axeViolations(b, 'conflict', 'sip-plan-editor')).toEqual([]);
    await municipalityArea.fill(`${await municipalityArea.inputValue()}\nHjälp med dosett`);
    await conflict.getByRole('button', { name: 'Använd min version' }).click();
    await expect.poll(() => needsThere.locator('[part="conflict"]').count(), WAIT).toBe(0);
    await expect.poll(async () => (await stored(planId)).fields.needs?.map((n) => n.text), WAIT).toEqual(['Hjälp att ta insulin', 'Stöd att laga mat', 'Hjälp med dosett']);
    await expect.poll(() => needsHere.innerText(), WAIT).toContain('Stöd att laga mat');

    // 7. A physician of the region: the parts not theirs are read-only, with the reason, and
    // the service refuses a change sent past the element, and keeps the plan as it was.
    const physician = await h.open({ element: 'sip-plan-editor', persona: 'region-physician', attributes: { 'plan-id': planId } }, { system: 0 });
    const p = physician.page;
    await p.locator('sip-plan-editor').getByRole('heading', { name: `SIP för ${NAME}`, level: 2 }).waitFor(LOAD);
    const foreignPart = section(p, `Kommunens del: ${MUNICIPALITY}`);
    expect(await foreignPart.innerText()).toContain('Hemtjänst: inköp en gång i veckan');
    await expect(foreignPart.getByText('Kommunens del redigeras bara av kommunens personal').count()).resolves.toBe(1);
    await expect(foreignPart.getByRole('button').count()).resolves.toBe(0);
    for (const name of ['Behov', 'Uppföljning', 'Status']) {
      await expect(section(p, name).getByRole('button').count(), name).resolves.toBe(0);
      await expect(section(p, name).getByText('Bara SIP-samordnaren ändrar detta').count(), name).resolves.toBe(1);
    }
    const before = await stored(planId);
    const versionsBefore = (await versionsOf(planId)).length;
    const token = await mintToken(h.service.url, 'region-physician');
    const partBefore = before.parts.find((x) => x.principal === 'municipality')!;
    for (const [path, ifMatch, body] of [
      [`/api/plans/${planId}/parts/${partBefore.id}`, `W/"${partBefore.version}"`, { interventions: [{ title: 'Omar lägger till', status: 'planned' }] }],
      [`/api/plans/${planId}`, `W/"${before.version}"`, { needs: [{ text: 'Omar skriver över' }] }],
      [`/api/plans/${planId}/status`, `W/"${before.version}"`, { status: 'closed' }],
    ] as const) {
      const refused = await fetch(`${h.service.url}${path}`, {
        method: path.endsWith('/status') ? 'POST' : 'PATCH',
        headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'If-Match': ifMatch },
        body: JSON.stringify(body),
      });
      expect(refused.status, path).toBe(403);
      expect(refused.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(((await refused.json()) as { status: number }).status).toBe(403);
    }
    const after = await stored(planId);
    expect(after.revision).toBe(before.revision);
    expect(after.parts).toEqual(before.parts);
    expect(after.fields).toEqual(before.fields);
    expect(after.status).toBe('active');
    expect(await versionsOf(planId)).toHaveLength(versionsBefore);

    // 5, continued: the follow-up is dated and done, and the plan is closed.
    const followUp = section(a, 'Uppföljning');
    await followUp.getByRole('button', { name: 'Ändra uppföljning' }).click();
    await followUp.getByLabel('Datum för uppföljning (obligatoriskt)').fill('2027-03-01');
    await followUp.getByLabel('Följs upp av (obligatoriskt)').fill('Sara Lind och Karin Ek');
    await followUp.getByRole('button', { name: 'Spara' }).click();
    await expect.poll(() => followUp.innerText(), WAIT).toContain('Sara Lind och Karin Ek');
    await status.getByRole('button', { name: 'Ändra status till uppföljd' }).click();
    await expect.poll(() => status.getByRole('button').allInnerTexts(), WAIT).toEqual(['Ändra status till aktiv', 'Ändra status till avslutad']);
    await status.getByRole('button', { name: 'Ändra status till avslutad' }).click();
    await expect.poll(() => status.innerText(), WAIT).toContain('Planens status kan inte ändras mer.');
    await expect.poll(() => section(b, 'Status').innerText(), WAIT).toContain('Avslutad');
    // Closed: nothing is offered for editing any more, on either side.
    await expect.poll(() => a.locator('sip-plan-editor').getByRole('button', { name: /^Ändra/ }).count(), WAIT).toBe(0);
    plan = await stored(planId);
    expect(plan.status).toBe('closed');
    expect(plan.fields.followUp).toMatchObject({ date: '2027-03-01', by: { name: 'Sara Lind och Karin Ek' } });
    expect(plan.fields.overallResponsibility).toBe('municipality');

    // 8. The history names every version, by both organisations.
    const history = await h.open({ element: 'sip-plan-history', persona: 'municipality-coordinator', attributes: { 'plan-id': planId } }, { system: 1 });
    const versions = await versionsOf(planId, 'municipality-coordinator');
    const rows = history.page.locator('sip-plan-history tbody tr');
    await expect.poll(() => rows.count(), LOAD).toBe(versions.length);
    const byOrganisation = (org: string) => rows.filter({ hasText: org });
    const statusRows = rows.filter({ hasText: 'Status ändrades' });
    await expect(statusRows.count()).resolves.toBe(3);
    for (const [org, what] of [
      [REGION, 'Planen skapades'],
      [REGION, 'Samtycket registrerades eller ändrades'],
      [REGION, 'En huvudmans del ändrades'],
      [MUNICIPALITY, 'En huvudmans del ändrades'],
      [MUNICIPALITY, 'Närståendedelen ändrades'],
      [MUNICIPALITY, 'Planens uppgifter ändrades'],
      [REGION, 'Status ändrades'],
    ] as const) {
      await expect(byOrganisation(org).filter({ hasText: what }).count(), `${org}: ${what}`).resolves.toBeGreaterThan(0);
    }
    // The relative added (once, for all the double press), the sharing, the commitment.
    expect(versions.filter((v) => v.change === 'relatives.updated')).toHaveLength(3);
    expect(await axeViolations(history.page, 'history')).toEqual([]);

    // The one request that failed is the activation asked too early.
    expect(region.errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    expect(region.errors.filter((e) => /status of 409/.test(e))).toHaveLength(1);
    expect([...municipality.errors, ...physician.errors, ...history.errors]).toEqual([]);
  });
});
