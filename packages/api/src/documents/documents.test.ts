/**
 * The plan as a document: each view downloaded through the API as its reader would, and read
 * back with PDF.js: the text in reading order, the structure tree's roles, the language, the
 * title (in the info dictionary, the XMP metadata, and shown), embedded fonts only, and the
 * footer. The relative's version holds nothing the individual's consent keeps from that
 * relative; every download is in the access log; refusals are the JSON routes' refusals.
 */
import type { IndividualConsent, PlanView } from '@sip/shared';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { accessLog } from '../db/schema.ts';
import {
  buildTestApp,
  describeEachDatabase,
  etagVersion,
  expectProblem,
  MARIA_RELATIVE,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { readPdf, squeeze, type ReadPdf, type StructNode } from './read-pdf.ts';

const peers = usePeers({ seed: false });
// Each test draws and reads back several whole documents.
vi.setConfig({ testTimeout: 90_000 });

const NOW = '2026-12-01T10:00:00Z';
const INDIVIDUAL = { personId: '194003019801', name: 'Astrid Nilsson' };
const BENGT = { name: 'Bengt Nilsson', relationship: { code: 'HUSB', text: 'make' }, personId: '193805129818', child: false, sharesHome: true };

/** Every field of the plan filled, with Swedish characters and typographic punctuation. */
const FIELDS = {
  title: 'SIP för Astrid – “hemma så länge det går”',
  coordinator: { name: 'Sara Lind', title: 'SIP-samordnare', unit: 'Vårdcentralen Norrvik', phone: '010-123 45 67', phoneHours: 'Vardagar 8–12' },
  overallResponsibility: 'region' as const,
  individualGoals: [{ text: 'Bo kvar hemma i Åsgården' }, { text: 'Kunna gå till affären själv' }],
  needs: [{ text: 'Hjälp med inköp och städning' }],
  individualOwnActions: [{ text: 'Tar mina mediciner själv' }],
  otherActorMeasures: [{ actor: 'Försäkringskassan', measure: 'Utreder bostadstillägg', when: 'Under våren' }],
  meetings: [{ at: '2027-01-14T09:00:00Z', place: 'Vårdcentralen Norrvik, rum 3', notes: 'Tolk på plats' }],
  followUp: { date: '2027-03-01', by: { name: 'Sara Lind', title: 'SIP-samordnare' } },
  outOfHours: 'Ring 1177 Vårdguiden dygnet runt',
};
const REGION_PART = {
  goals: [{ text: 'Stabil blodsockernivå' }],
  interventions: [
    { title: 'Diabetesuppföljning', status: 'decided', performedBy: 'Vårdcentralen', when: 'Var tredje månad', startDate: '2026-12-01', endDate: '2027-02-15' },
    { title: 'Fysioterapi för balansen', status: 'planned' },
  ],
  contactPerson: { name: 'Omar Haddad', title: 'Läkare', phone: '010-765 43 21' },
};
const MUNICIPALITY_PART = {
  goals: [{ text: 'Trygghet i hemmet på kvällarna' }],
  interventions: [{ title: 'Hemtjänst kvällstid', status: 'decided', performedBy: 'Hemtjänsten Norrvik', when: 'Varje kväll' }],
  contactPerson: { name: 'Jonas Berg', title: 'Undersköterska' },
};
/** The consent lets goals, interventions, needs and the follow-up be shared; Maria is let see goals and the follow-up only. */
const CONSENT: { scope: IndividualConsent['scope'] } = {
  scope: {
    information: ['goals', 'interventions', 'contacts', 'needs', 'meetings', 'follow-up'],
    actors: ['Region Norrvik', 'Norrviks kommun'],
    validUntil: '2027-11-20',
    excluded: 'Uppgifter om missbruk',
  },
};
const SHARING = {
  categories: ['goals', 'follow-up'],
  validFrom: '2026-11-20',
  validUntil: '2027-11-20',
  form: 'written',
  recordedAt: '2026-11-20T10:00:00+01:00',
  recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
};
const MARIA_COMMITMENT = { kind: 'household', what: 'Handla mat varje vecka', howOften: 'En gång i veckan', from: '2026-12-01', reviewDate: '2027-02-01' };
const BENGT_COMMITMENT = { what: 'Följa med till vårdcentralen', howOften: 'Vid varje besök', from: '2026-12-01', reviewDate: '2027-06-01' };

/** Texts of the plan Maria may not see: the categories the individual does not share with her, and other people. */
const HIDDEN_FROM_MARIA = [
  'Diabetesuppföljning',
  'Fysioterapi för balansen',
  'Hemtjänst kvällstid',
  'Hjälp med inköp och städning',
  'Omar Haddad',
  'Jonas Berg',
  'rum 3',
  'Tolk på plats',
  'Försäkringskassan',
  'Tar mina mediciner själv',
  'Bengt',
  BENGT_COMMITMENT.what,
  'Uppgifter om missbruk',
  INDIVIDUAL.personId,
  INDIVIDUAL.name,
];

/** The roles of the structure tree, and the nodes of one role. */
function nodes(tree: StructNode[], role: string): StructNode[] {
  const out: StructNode[] = [];
  const walk = (node: StructNode) => {
    if (node.role === role) out.push(node);
    node.children.forEach(walk);
  };
  tree.forEach(walk);
  return out;
}

/** What every document must be: tagged, in its language, titled, with embedded fonts only. */
function expectAccessible(pdf: ReadPdf, lang: 'sv-SE' | 'en-GB', title: string) {
  expect(pdf.marked).toBe(true);
  expect(pdf.language).toBe(lang);
  expect(pdf.title).toBe(title);
  expect(pdf.xmpTitle).toBe(title);
  expect(pdf.xmp).toContain('pdfuaid:part');
  expect(pdf.displayDocTitle).toBe(true);
  expect(pdf.fonts.length).toBeGreaterThan(0);
  for (const font of pdf.fonts) {
    expect(font.embedded, font.name).toBe(true);
    expect(font.name).not.toMatch(/Helvetica|Times|Courier|Symbol|ZapfDingbats/);
  }
  // The title is the first thing read, as the one H1.
  const h1 = nodes(pdf.tree, 'H1');
  expect(h1).toHaveLength(1);
  expect(squeeze(h1[0]!.text)).toBe(squeeze(title));
  expect(squeeze(pdf.text).startsWith(squeeze(title))).toBe(true);
}

/** The texts appear, in this order, in the document's reading order. */
function expectInOrder(text: string, expected: string[]) {
  const haystack = squeeze(text);
  let from = 0;
  for (const piece of expected) {
    const at = haystack.indexOf(squeeze(piece), from);
    expect(at, `"${piece}" after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + squeeze(piece).length;
  }
}

describeEachDatabase('the plan as a document (PDF)', (ctx) => {
  let t: TestApp;
  let region: Awaited<ReturnType<typeof staffClient>>;
  let tokens: { maria: string; bengt: string; erik: string; astrid: string; auditor: string; municipality: string };
  let full: PlanView;
  let sparse: PlanView;

  const get = (token: string, path: string, headers: Record<string, string> = {}) =>
    t.app.request(path, { headers: { Authorization: `Bearer ${token}`, ...headers } });

  async function download(token: string, path: string, headers: Record<string, string> = {}): Promise<{ res: Response; pdf: ReadPdf }> {
    const res = await get(token, path, headers);
    expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 8))).toBe('%PDF-1.7');
    return { res, pdf: await readPdf(bytes) };
  }

  const logged = async (planId: string, action: string) =>
    Number(
      (await ctx.asOwner((db) => db.select({ n: count() }).from(accessLog).where(and(eq(accessLog.planId, planId), eq(accessLog.action, action)))))[0]?.n ?? 0,
    );

  async function relativesWrite(planId: string, method: string, path: string, body: unknown) {
    const version = etagVersion(await region.request(`/api/plans/${planId}/relatives`));
    const res = await region.request(`/api/plans/${planId}/relatives${path}`, { method, ifMatch: version, body });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as { id: string };
  }

  async function patchPart(client: Awaited<ReturnType<typeof staffClient>>, planId: string, principal: 'region' | 'municipality', body: unknown) {
    const plan = (await (await client.request(`/api/plans/${planId}`)).json()) as PlanView;
    const part = plan.parts.find((p) => p.principal === principal)!;
    const res = await client.request(`/api/plans/${planId}/parts/${part.id}`, { method: 'PATCH', ifMatch: part.version, body });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock: { now: () => new Date(NOW) } });
    region = await staffClient(t, 'region-coordinator');
    const municipality = await staffClient(t, 'municipality-coordinator');
    tokens = {
      maria: await t.tokenFor('maria'),
      bengt: await t.tokenFor('bengt'),
      erik: await t.tokenFor('erik'),
      astrid: await t.tokenFor('astrid'),
      auditor: await t.tokenFor('region-auditor'),
      municipality: municipality.token,
    };
    const created = await region.createSharedPlan(FIELDS, CONSENT);
    await patchPart(region, created.id, 'region', REGION_PART);
    await patchPart(municipality, created.id, 'municipality', MUNICIPALITY_PART);
    let version = ((await (await region.request(`/api/plans/${created.id}`)).json()) as PlanView).version;
    for (const participant of [
      { kind: 'invited', name: 'Försäkringskassan', role: 'Handläggare' },
      { kind: 'invited', name: 'Gode mannen Åke Öst', role: 'God man' },
    ]) {
      const res = await region.request(`/api/plans/${created.id}/participants`, { method: 'POST', ifMatch: version, body: participant });
      expect(res.status).toBe(200);
      version = ((await res.json()) as PlanView).version;
    }
    const maria = await relativesWrite(created.id, 'POST', '', MARIA_RELATIVE);
    const bengt = await relativesWrite(created.id, 'POST', '', BENGT);
    await relativesWrite(created.id, 'PUT', `/${maria.id}/sharing`, SHARING);
    await relativesWrite(created.id, 'POST', `/${maria.id}/commitments`, MARIA_COMMITMENT);
    await relativesWrite(created.id, 'POST', `/${bengt.id}/commitments`, BENGT_COMMITMENT);
    await relativesWrite(created.id, 'PUT', `/${maria.id}/support`, { offered: ['conversation', 'respite'], requests: [] });
    full = (await (await region.request(`/api/plans/${created.id}`)).json()) as PlanView;
    sparse = await region.createPlan({ title: undefined });
  }, 120_000);

  describe('the whole plan (staff)', () => {
    it('is a tagged Swedish PDF with every field in reading order, a footer with the version and time, and a download in the access log', async () => {
      const before = await logged(full.id, 'plan.document');
      const { res, pdf } = await download(region.token, `/api/plans/${full.id}/document.pdf`);
      expect(await logged(full.id, 'plan.document')).toBe(before + 1);
      const disposition = res.headers.get('content-disposition')!;
      expect(disposition).toBe(`attachment; filename="sip-whole-${full.id}-v${full.revision}.pdf"`);
      for (const personal of [INDIVIDUAL.personId, 'Astrid', 'Nilsson']) expect(disposition).not.toContain(personal);

      const title = `Samordnad individuell plan (SIP): ${FIELDS.title}`;
      expectAccessible(pdf, 'sv-SE', title);
      for (const role of ['Document', 'Sect', 'H1', 'H2', 'H3', 'P', 'L', 'LI', 'LBody', 'Table', 'TR', 'TH', 'TD']) expect(pdf.roles).toContain(role);
      expectInOrder(pdf.text, [
        title,
        'Hela planen',
        'Om planen',
        `Den enskilde: ${INDIVIDUAL.name}`,
        `Personnummer: ${INDIVIDUAL.personId}`,
        'SIP-samordnare: Sara Lind',
        'Utanför kontorstid: Ring 1177 Vårdguiden dygnet runt',
        'det här är viktigt för mig',
        'Bo kvar hemma i Åsgården',
        'Kunna gå till affären själv',
        'Tar mina mediciner själv',
        'Hjälp med inköp och städning',
        'Huvudmännens delar',
        'Kommun: Norrviks kommun',
        'Trygghet i hemmet på kvällarna',
        'Hemtjänst kvällstid',
        'Region: Region Norrvik',
        'Omar Haddad',
        'Stabil blodsockernivå',
        'Diabetesuppföljning',
        'Beslutad',
        'Fysioterapi för balansen',
        'Planerad',
        'Försäkringskassan',
        'Utreder bostadstillägg',
        'Deltagare',
        'Gode mannen Åke Öst',
        'Möten',
        '14 januari 2027 kl. 10:00',
        'Tolk på plats',
        'Planen följs upp 1 mars 2027 av Sara Lind',
        'Samtycke gäller',
        'Uppgifter om missbruk',
        'Anhöriga',
        'Maria Nilsson',
        'Bengt Nilsson',
        'Frivilliga åtaganden: Maria Nilsson',
        MARIA_COMMITMENT.what,
        'Typ av hjälp: Hushåll och praktisk hjälp',
        'Väntar på svar',
        'Frivilliga åtaganden: Bengt Nilsson',
        BENGT_COMMITMENT.what,
        'Väntar på svar',
      ]);
      // Bengt's commitment was proposed without a kind: the kind is printed for Maria's only.
      expect(squeeze(pdf.text).split(squeeze('Typ av hjälp'))).toHaveLength(2);
      // The tables have their header row as TH, the data as TD.
      const tables = nodes(pdf.tree, 'Table');
      expect(tables.length).toBeGreaterThanOrEqual(5);
      expect(nodes(tables, 'TH').map((n) => n.text)).toEqual(expect.arrayContaining(['Insats', 'Status', 'Vem gör']));
      // The footer is page furniture: an artifact, not content.
      expect(pdf.artifactText).toContain(`Planens version ${full.revision}, ändrad`);
      expect(pdf.artifactText).toContain('Dokumentet skapat 1 december 2026 kl. 11:00 (svensk tid)');
      expect(pdf.artifactText).toContain(`Sida 1 av ${pdf.pages}`);
      expect(squeeze(pdf.text)).not.toContain(squeeze('Sida 1 av'));
    });

    it('in English when asked, by ?lang=en or by Accept-Language', async () => {
      const byQuery = await download(region.token, `/api/plans/${full.id}/document.pdf?lang=en`);
      const title = `Coordinated individual plan (SIP): ${FIELDS.title}`;
      expectAccessible(byQuery.pdf, 'en-GB', title);
      expectInOrder(byQuery.pdf.text, [title, 'The whole plan', 'About the plan', 'what matters to me', 'Bo kvar hemma i Åsgården', 'Decided']);
      expectInOrder(byQuery.pdf.text, ['Voluntary commitments: Maria Nilsson', MARIA_COMMITMENT.what, 'Kind of help: Household and practical help', 'Awaiting answer']);
      expect(byQuery.pdf.artifactText).toContain('Page 1 of');
      const byHeader = await download(region.token, `/api/plans/${full.id}/document.pdf`, { 'Accept-Language': 'en-GB,en;q=0.9,sv;q=0.5' });
      expect(byHeader.pdf.language).toBe('en-GB');
      expect(byHeader.res.headers.get('content-language')).toBe('en-GB');
      const swedish = await download(region.token, `/api/plans/${full.id}/document.pdf`, { 'Accept-Language': 'de-DE, sv;q=0.8' });
      expect(swedish.pdf.language).toBe('sv-SE');
    });

    it('a nearly empty plan still says each section, empty', async () => {
      const { pdf } = await download(region.token, `/api/plans/${sparse.id}/document.pdf`);
      expectAccessible(pdf, 'sv-SE', 'Samordnad individuell plan (SIP)');
      expectInOrder(pdf.text, ['Hela planen', 'SIP-samordnare: Inget angivet.', 'det här är viktigt för mig', 'Inget angivet.', 'Inget samtycke till planen är registrerat.', 'Ingen anhörig deltar i planen.']);
      expect(pdf.roles).toEqual(expect.arrayContaining(['H1', 'H2', 'H3', 'P']));
    });
  });

  describe('the meeting version', () => {
    it('has the participants, the agenda drawn from the plan, and space for notes', async () => {
      const before = await logged(full.id, 'plan.document');
      const { res, pdf } = await download(region.token, `/api/plans/${full.id}/document.pdf?view=meeting`);
      expect(await logged(full.id, 'plan.document')).toBe(before + 1);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="sip-meeting-${full.id}-v${full.revision}.pdf"`);
      const title = `Mötesunderlag: ${FIELDS.title}`;
      expectAccessible(pdf, 'sv-SE', title);
      for (const role of ['H2', 'H3', 'Table', 'TH', 'L', 'LI']) expect(pdf.roles).toContain(role);
      expectInOrder(pdf.text, [
        title,
        'Möte 14 januari 2027 kl. 10:00, Vårdcentralen Norrvik, rum 3.',
        'Deltagare',
        'Försäkringskassan',
        'Gode mannen Åke Öst',
        'Dagordning',
        '1. Mål: hur går det?',
        'Den enskilde: Bo kvar hemma i Åsgården',
        'Region Norrvik: Stabil blodsockernivå',
        '2. Att följa upp',
        'Region Norrvik: Diabetesuppföljning – slutar 15 februari 2027',
        'Region Norrvik: planerad insats att ta ställning till – Fysioterapi för balansen',
        '3. Öppna åtaganden',
        `Maria Nilsson: väntar på svar – ${MARIA_COMMITMENT.what}`,
        `Bengt Nilsson: väntar på svar – ${BENGT_COMMITMENT.what}`,
        '4. Nästa steg',
        'Nästa uppföljning: 1 mars 2027, Sara Lind',
        'Anteckningar',
        'Utrymme för anteckningar',
      ]);
      // Hemtjänst kvällstid has no end: nothing to follow up on it.
      expect(squeeze(pdf.text)).not.toContain(squeeze('Hemtjänst kvällstid – slutar'));
    });

    it('a nearly empty plan: nothing to raise, a follow-up to decide', async () => {
      const { pdf } = await download(region.token, `/api/plans/${sparse.id}/document.pdf?view=meeting&lang=en`);
      expectAccessible(pdf, 'en-GB', 'Meeting papers: Coordinated individual plan (SIP)');
      expectInOrder(pdf.text, ['Participants', 'Agenda', '1. Goals', 'Nothing to raise.', '2. To follow up', 'Nothing to raise.', 'Decide the date of the follow-up', 'Notes']);
    });
  });

  describe("the relative's version", () => {
    it('shows maria what the individual shares with her and her own part, and nothing else; the download is logged', async () => {
      const json = (await (await get(tokens.maria, `/api/me/plans/${full.id}`)).json()) as { shared: { categories: string[] } };
      expect(json.shared.categories.sort()).toEqual(['follow-up', 'goals']);
      const before = await logged(full.id, 'me.document');
      const { res, pdf } = await download(tokens.maria, `/api/me/plans/${full.id}/document.pdf`);
      expect(await logged(full.id, 'me.document')).toBe(before + 1);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="sip-relative-${full.id}-v${full.revision}.pdf"`);
      const title = `Samordnad individuell plan (SIP): ${FIELDS.title}`;
      expectAccessible(pdf, 'sv-SE', title);
      expectInOrder(pdf.text, [
        title,
        'Anhörigversion för Maria Nilsson',
        'Planen för Astrid.',
        'SIP-samordnare: Sara Lind',
        'Det här delar den enskilde med dig',
        'Mål, Uppföljning',
        'Bo kvar hemma i Åsgården',
        'Stabil blodsockernivå',
        'Planen följs upp 1 mars 2027.',
        'Din del',
        'Relation: dotter',
        MARIA_COMMITMENT.what,
        'Typ av hjälp: Hushåll och praktisk hjälp',
        'Väntar på svar',
        'Erbjudet stöd',
        'Samtalsstöd',
        'Avlösning',
      ]);
      const text = squeeze(`${pdf.text} ${pdf.artifactText} ${pdf.title}`);
      for (const hidden of HIDDEN_FROM_MARIA) expect(text, hidden).not.toContain(squeeze(hidden));
    });

    it('shows bengt, with nothing shared, only his own part', async () => {
      const { pdf } = await download(tokens.bengt, `/api/me/plans/${full.id}/document.pdf?lang=en`);
      expectInOrder(pdf.text, ['Relative’s version for Bengt Nilsson', 'does not share more of the plan with you', 'Your part', BENGT_COMMITMENT.what, 'Awaiting answer']);
      const text = squeeze(pdf.text);
      // His commitment has no kind: none is printed.
      expect(text).not.toContain(squeeze('Kind of help'));
      for (const hidden of ['Bo kvar hemma i Åsgården', 'Stabil blodsockernivå', 'Diabetesuppföljning', '1 March 2027', 'Maria', MARIA_COMMITMENT.what, INDIVIDUAL.personId]) {
        expect(text, hidden).not.toContain(squeeze(hidden));
      }
    });

    it('is refused as the JSON route refuses: not a relative in the plan 404, staff 403', async () => {
      for (const path of [`/api/me/plans/${full.id}`, `/api/me/plans/${full.id}/document.pdf`]) {
        await expectProblem(await get(tokens.erik, path), 404);
        await expectProblem(await get(region.token, path), 403);
        await expectProblem(await get(tokens.maria, path.replace(full.id, '00000000-0000-4000-8000-000000000000')), 404);
      }
    });
  });

  describe("the individual's own", () => {
    it('is the whole plan, with what each relative sees; logged as her download', async () => {
      const before = await logged(full.id, 'own.document');
      const { res, pdf } = await download(tokens.astrid, `/api/me/own-plans/${full.id}/document.pdf`);
      expect(await logged(full.id, 'own.document')).toBe(before + 1);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="sip-own-${full.id}-v${full.revision}.pdf"`);
      expectAccessible(pdf, 'sv-SE', `Samordnad individuell plan (SIP): ${FIELDS.title}`);
      expectInOrder(pdf.text, ['Min plan', 'Bo kvar hemma i Åsgården', 'Hemtjänst kvällstid', 'Diabetesuppföljning', 'Samtycke gäller', 'Mina anhöriga och vad de får se', 'Maria Nilsson', 'Mål, Uppföljning', 'Bengt Nilsson', 'Ingenting utöver den egna delen']);
      // Her extract of the access log names the download as a read of her plan.
      const extract = (await (await get(tokens.astrid, `/api/me/own-plans/${full.id}/access-log`)).json()) as { items: { who: string; what: string; kind: string }[] };
      expect(extract.items).toContainEqual(expect.objectContaining({ who: 'me', what: 'plan', kind: 'read' }));
    });

    it('is refused as the JSON route refuses: a relative 404, staff 403', async () => {
      for (const path of [`/api/me/own-plans/${full.id}`, `/api/me/own-plans/${full.id}/document.pdf`]) {
        await expectProblem(await get(tokens.maria, path), 404);
        await expectProblem(await get(region.token, path), 403);
      }
    });
  });

  describe('refusals and bad requests', () => {
    it('answers problem+json: auditors 403, an unknown plan 404, an unknown view or language 422, and logs nothing for them', async () => {
      const before = await logged(full.id, 'plan.document');
      await expectProblem(await get(tokens.auditor, `/api/plans/${full.id}/document.pdf`), 403);
      await expectProblem(await get(region.token, '/api/plans/00000000-0000-4000-8000-000000000000/document.pdf'), 404);
      await expectProblem(await get(region.token, '/api/plans/not-a-plan/document.pdf'), 404);
      await expectProblem(await get(region.token, `/api/plans/${full.id}/document.pdf?view=everything`), 422);
      await expectProblem(await get(region.token, `/api/plans/${full.id}/document.pdf?lang=de`), 422);
      expect(await logged(full.id, 'plan.document')).toBe(before);
    });

    it('shows the municipality only what the consent lets reach it: before consent it has no plan to print', async () => {
      const draft = await region.createPlan({ needs: [{ text: 'Behov som bara regionen ser' }] });
      await expectProblem(await get(tokens.municipality, `/api/plans/${draft.id}`), 404);
      await expectProblem(await get(tokens.municipality, `/api/plans/${draft.id}/document.pdf`), 404);
    });
  });
});
