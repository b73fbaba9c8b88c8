/**
 * The plan documents as tools other than the ones they were made and read back with see them:
 * poppler (`pdfinfo`, `pdffonts`, `pdftotext`) and qpdf, from the operating system's packages
 * (`poppler-utils`, `qpdf`; CI installs them). They check the machine-checkable part of PDF/UA
 * (ISO 14289-1) that these tools can see: a well-formed file, the catalogue's language, marked
 * content and structure tree, the title shown by viewers, the PDF/UA identifier in the XMP
 * metadata, tab order by structure on every page, every font embedded with a Unicode map, heading
 * levels that never skip, all content in the structure tree in reading order, and the page
 * furniture (the footer) outside it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planFrom, relativeViewFrom } from './fixtures.test-support.ts';
import { drawable, renderPdf, type DocumentModel } from './pdf.ts';
import { meetingDocument, relativeDocument, wholeDocument, type WholePlan } from './plan-document.ts';
import { squeeze } from './read-pdf.ts';

const MADE = new Date('2026-12-01T10:00:00Z');
const TOOLS = ['pdfinfo', 'pdffonts', 'pdftotext', 'qpdf'];
const missing = TOOLS.filter((tool) => spawnSync(tool, [tool === 'qpdf' ? '--version' : '-v']).error);
if (process.env.CI === 'true' && missing.length) throw new Error(`CI=true: ${missing.join(', ')} must be installed (poppler-utils, qpdf)`);

const TEXTS = [
  'Astrid får bo kvar hemma',
  'Kunna gå till affären själv',
  'Hjälp med dusch två gånger i veckan',
  'Hemsjukvård: såromläggning',
  'Fixartjänst monterar stödhandtag',
  'Åsa Öberg',
  'Distriktssköterska',
  'Maria Andersson',
  'Handlar mat på fredagar',
];

function nearlyEmpty(): WholePlan {
  return {
    ...planFrom(TEXTS),
    title: null,
    coordinator: null,
    responsible: null,
    outOfHours: null,
    individualGoals: [],
    ownActions: [],
    needs: [],
    parts: [],
    otherActorMeasures: [],
    participants: [],
    meetings: [],
    followUp: null,
    relatives: [],
  };
}

const views: [string, () => DocumentModel][] = [
  ['the whole plan, in Swedish', () => wholeDocument(planFrom(TEXTS), 'sv', MADE)],
  ['a nearly empty plan, in English', () => wholeDocument(nearlyEmpty(), 'en', MADE)],
  ['the meeting version', () => meetingDocument(planFrom(TEXTS), 'sv', MADE)],
  ["the relative's version", () => relativeDocument(relativeViewFrom(TEXTS), { revision: 3, changedAt: '2026-11-30T08:00:00Z', madeAt: MADE }, 'sv')],
];

/** Every text a block puts on the page, in reading order. */
function textsOf(model: DocumentModel): string[] {
  return model.blocks.flatMap((block) => {
    switch (block.kind) {
      case 'heading':
      case 'paragraph':
      case 'notes':
        return [block.text];
      case 'list':
        return block.items;
      case 'table':
        return [...block.head, ...block.rows.flat()];
    }
  });
}

type QpdfObjects = Record<string, { value: Record<string, unknown> }>;

const dir = mkdtempSync(join(tmpdir(), 'sip-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (tool: string, args: string[]) => execFileSync(tool, args, { encoding: 'utf8' });

describe.skipIf(missing.length > 0)(`plan documents read by poppler and qpdf${missing.length ? ` [skipped: ${missing.join(', ')} not installed]` : ''}`, () => {
  describe.each(views)('%s', (_, make) => {
    const model = make();
    const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);

    it('is a well-formed file (qpdf --check)', async () => {
      writeFileSync(file, await renderPdf(model, MADE));
      const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
      expect(check.stdout).toContain('No syntax or stream encoding errors found');
    });

    it('has the language, marked content, a structure tree, the title shown, the PDF/UA identifier and tab order by structure', () => {
      const objects = (JSON.parse(run('qpdf', ['--json=2', '--json-key=qpdf', file])) as { qpdf: [unknown, QpdfObjects] }).qpdf[1];
      const object = (ref: unknown) => objects[`obj:${String(ref)}`]!.value;
      const catalog = object((objects.trailer!.value as { '/Root': string })['/Root']);
      expect(catalog['/Lang']).toBe(`u:${model.lang}`);
      expect(object(catalog['/MarkInfo'])['/Marked']).toBe(true);
      expect(object(catalog['/ViewerPreferences'])['/DisplayDocTitle']).toBe(true);
      expect(object(catalog['/StructTreeRoot'])['/Type']).toBe('/StructTreeRoot');
      const xmp = run('qpdf', [`--show-object=${String(catalog['/Metadata']).replace(/ R$/, '')}`, '--filtered-stream-data', file]);
      expect(xmp).toMatch(/<pdfuaid:part>1<\/pdfuaid:part>/);
      const pages = Object.values(objects).filter((o) => o.value?.['/Type'] === '/Page');
      expect(pages.length).toBeGreaterThan(0);
      for (const page of pages) {
        expect(page.value['/Tabs']).toBe('/S');
        // A page with tagged content names its entry in the parent tree (a page of only ruled
        // lines for notes and the footer, all artifacts, has none).
        const content = run('qpdf', [`--show-object=${String(page.value['/Contents']).replace(/ R$/, '')}`, '--filtered-stream-data', file]);
        if (/\/MCID\s+\d+/.test(content)) expect(typeof page.value['/StructParents']).toBe('number');
      }
      expect(pages.some((page) => typeof page.value['/StructParents'] === 'number')).toBe(true);
      const info = run('pdfinfo', [file]);
      expect(info).toMatch(/^Tagged:\s+yes$/m);
      expect(info).toMatch(/^Suspects:\s+no$/m);
      expect(info).toMatch(/^Metadata Stream:\s+yes$/m);
      expect(info.match(/^Title:\s+(.*)$/m)?.[1]).toBe(drawable(model.title));
    });

    it('embeds every font, each with a map to Unicode', () => {
      const rows = run('pdffonts', [file]).trim().split('\n').slice(2);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row, row).toMatch(/\s+yes\s+(yes|no)\s+yes\s+\d+\s+\d+$/);
    });

    it('holds all its content in the structure tree, in reading order, headings never skipping a level, the footer outside it', () => {
      const struct = run('pdfinfo', ['-struct-text', file]);
      const roles = [...struct.matchAll(/^\s*([A-Za-z][A-Za-z0-9]*)(?: \(\w+\))?$/gm)].map((m) => m[1]!);
      expect(roles[0]).toBe('Document');
      const headings = roles.filter((role) => /^H[1-6]$/.test(role)).map((role) => Number(role.slice(1)));
      expect(headings[0]).toBe(1);
      headings.reduce((previous, level) => {
        expect(level, `H${level} after H${previous}`).toBeLessThanOrEqual(previous + 1);
        return level;
      });
      const tagged = squeeze([...struct.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join(''));
      let from = 0;
      for (const text of textsOf(model).map((t) => squeeze(drawable(t))).filter(Boolean)) {
        const at = tagged.indexOf(text, from);
        expect(at, `"${text}" in the structure tree after what comes before it`).toBeGreaterThanOrEqual(0);
        from = at + text.length;
      }
      const footer = squeeze(drawable(model.footer));
      expect(squeeze(run('pdftotext', ['-enc', 'UTF-8', file, '-']))).toContain(footer);
      expect(tagged).not.toContain(footer);
    });
  });
});

describe.skipIf(missing.length > 0)('the kind of help of a commitment, as poppler reads it', () => {
  /** The document's tagged text in reading order, as `pdfinfo -struct-text` reads it, without white space. */
  async function taggedText(model: DocumentModel): Promise<string> {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, await renderPdf(model, MADE));
    return squeeze([...run('pdfinfo', ['-struct-text', file]).matchAll(/"([^"]*)"/g)].map((m) => m[1]).join(''));
  }
  const stamp = { revision: 3, changedAt: '2026-11-30T08:00:00Z', madeAt: MADE };
  const commitment = TEXTS[8]!;

  it('is printed with each commitment that has one, right after what it is, in the whole plan and in Swedish and English', async () => {
    const swedish = await taggedText(wholeDocument(planFrom(TEXTS), 'sv', MADE));
    expect(swedish).toContain(squeeze(`${commitment} Typ av hjälp: Hushåll och praktisk hjälp`));
    // The second commitment was proposed without a kind: nothing is printed for it.
    expect(swedish).toContain(squeeze(`${commitment} (2)`));
    expect(swedish.split(squeeze('Typ av hjälp'))).toHaveLength(2);
    const english = await taggedText(wholeDocument(planFrom(TEXTS), 'en', MADE));
    expect(english).toContain(squeeze(`${commitment} Kind of help: Household and practical help`));
  });

  it("is printed in the relative's version, and nothing is when the commitment has no kind", async () => {
    const view = relativeViewFrom(TEXTS);
    expect(await taggedText(relativeDocument(view, stamp, 'sv'))).toContain(squeeze(`${commitment} Typ av hjälp: Hushåll och praktisk hjälp`));
    const withoutKind = { ...view, me: { ...view.me, commitments: view.me.commitments.map(({ kind: _kind, ...c }) => c) } } as typeof view;
    const text = await taggedText(relativeDocument(withoutKind, stamp, 'en'));
    expect(text).toContain(squeeze(commitment));
    expect(text).not.toContain(squeeze('Kind of help'));
  });
});
