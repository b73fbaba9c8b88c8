/**
 * A plan document as a tagged PDF (PDF/UA structure), drawn with pdfkit: the document language
 * and title in the catalogue and the metadata, the title shown by viewers, headings H1–H3,
 * paragraphs, lists (L/LI/Lbl/LBody) and tables (Table/TR/TH/TD) in reading order, and the page
 * furniture (footer, ruled lines for notes) marked as artifacts. The one font is DejaVu Sans,
 * embedded (subset) from the package that ships it: it has every Swedish character and most of
 * what staff type in Latin, Greek and Cyrillic scripts. Nothing is fetched at run time.
 *
 * The renderer knows nothing of plans: it draws a {@link DocumentModel}, built by
 * `plan-document.ts` from the same views the JSON routes answer.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';

/** One block of a document, in reading order. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  /** Space to write by hand: a line saying so, then ruled lines (artifacts). */
  | { kind: 'notes'; text: string; lines: number };

/** What a document says, in which language, and what its footer tells. */
export interface DocumentModel {
  /** BCP 47: `sv-SE` or `en-GB`. */
  lang: string;
  /** The title in the metadata and shown by the viewer; the first heading says it on the page. */
  title: string;
  subject: string;
  blocks: Block[];
  /** Each page's footer, left: which version of the plan, and when the document was made. */
  footer: string;
  /** "Sida 1 av 3": the page number and the count. */
  pageOf: (page: number, pages: number) => string;
}

const require = createRequire(import.meta.url);
const fontPath = (file: string) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`);
/**
 * The two faces, read and parsed once: decoding a face's tables (its metrics for some 6,000
 * glyphs) was most of a document's time when each document parsed its own. Each document embeds
 * the subset it draws.
 */
const REGULAR = fontkit.create(readFileSync(fontPath('DejaVuSans.ttf'))) as fontkit.Font;
const BOLD = fontkit.create(readFileSync(fontPath('DejaVuSans-Bold.ttf'))) as fontkit.Font;
/**
 * Readies the faces for a new document, as if parsed for it alone. A face keeps every glyph it has met,
 * each with the characters it was first met as, which the PDF's text mapping (what a reader gets
 * when copying or reading aloud) is written from: kept from one document into the next, a glyph
 * met first as one character would be read back as it in a later document drawing another. That
 * cache (fontkit 2's own, pinned) is emptied; the decoded tables, which depend on nothing drawn,
 * are kept. Drawing is synchronous from here to `doc.end()`, so no other document meets the faces
 * meanwhile.
 */
function forgetGlyphsMet(): void {
  for (const face of [REGULAR, BOLD]) (face as unknown as { _glyphs: Record<number, unknown> })._glyphs = {};
}

/** U+FFFD, drawn where the font has no glyph for a character. */
const REPLACEMENT = '\uFFFD';
// C0 and C1 controls other than tab, line feed and carriage return.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as the document draws it: composed (NFC), tabs as spaces, controls removed, and each
 * character the font cannot draw as U+FFFD, so the page shows that something is there and a
 * screen reader does not read a wrong letter.
 */
export function drawable(text: string): string {
  const composed = text.replace(LONE_SURROGATE, REPLACEMENT).normalize('NFC').replace(CONTROLS, '').replace(/\t/g, ' ').replace(/\r\n?/g, '\n');
  let out = '';
  for (const char of composed) {
    const code = char.codePointAt(0)!;
    out += code === 0x0a || code === 0x20 || REGULAR.hasGlyphForCodePoint(code) ? char : REPLACEMENT;
  }
  return out;
}

const PAGE = { size: 'A4' as const, margins: { top: 56, bottom: 72, left: 62, right: 62 } };
const SIZES = { 1: 20, 2: 15, 3: 12.5 } as const;
const BODY = 11;
const FOOTER = 8.5;

type Doc = InstanceType<typeof PDFDocument>;
type Struct = ReturnType<Doc['struct']>;

/** Draws the model; resolves with the PDF's bytes. */
export function renderPdf(model: DocumentModel, createdAt: Date): Promise<Buffer> {
  forgetGlyphsMet();
  const doc = new PDFDocument({
    ...PAGE,
    pdfVersion: '1.7',
    // Types lag behind: pdfkit writes the PDF/UA identification into the XMP metadata.
    subset: 'PDF/UA' as never,
    tagged: true,
    lang: model.lang,
    displayTitle: true,
    bufferPages: true,
    // The first font pdfkit sets is this one: no standard font is ever loaded.
    font: REGULAR as unknown as string,
    info: { Title: drawable(model.title), Subject: drawable(model.subject), Creator: 'SIP', Producer: 'SIP', CreationDate: createdAt, ModDate: createdAt },
  });
  doc.registerFont('body', REGULAR as unknown as string);
  doc.registerFont('bold', BOLD as unknown as string);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const root = doc.struct('Document');
  doc.addStructure(root);
  // A section per H2, so that a reader can move by section as well as by heading.
  let section: Struct = root;
  const width = doc.page.width - PAGE.margins.left - PAGE.margins.right;

  for (const block of model.blocks) {
    switch (block.kind) {
      case 'heading': {
        if (block.level === 1) section = root;
        if (block.level === 2) {
          if (section !== root) section.end();
          section = doc.struct('Sect');
          root.add(section);
        }
        doc.moveDown(block.level === 1 ? 0 : 0.6);
        doc.font('bold').fontSize(SIZES[block.level]);
        doc.text(drawable(block.text), PAGE.margins.left, undefined, { width, structParent: section, structType: `H${block.level}` });
        doc.moveDown(0.25);
        break;
      }
      case 'paragraph':
        doc.font('body').fontSize(BODY);
        doc.text(drawable(block.text), PAGE.margins.left, undefined, { width, structParent: section, structType: 'P', paragraphGap: 4 });
        break;
      case 'list': {
        if (block.items.length === 0) break;
        doc.font('body').fontSize(BODY);
        const list = doc.struct('L');
        section.add(list);
        doc.list(block.items.map(drawable), PAGE.margins.left, undefined, { width, structParent: list, bulletRadius: 2, textIndent: 14, paragraphGap: 3 });
        list.end();
        doc.moveDown(0.3);
        break;
      }
      case 'table': {
        doc.font('body').fontSize(BODY - 1);
        const head = block.head.map((text) => ({ text: drawable(text), type: 'TH' as const, scope: 'Column' as const, font: { src: 'bold' } }));
        const rows = block.rows.map((row) => row.map((cell) => drawable(cell)));
        doc.x = PAGE.margins.left;
        doc.table({
          structParent: section,
          width,
          defaultStyle: { padding: 4, border: 0.5, borderColor: '#777777' },
          data: [head, ...rows],
        } as never);
        doc.font('body').fontSize(BODY);
        doc.moveDown(0.6);
        break;
      }
      case 'notes': {
        doc.font('body').fontSize(BODY);
        doc.text(drawable(block.text), PAGE.margins.left, undefined, { width, structParent: section, structType: 'P' });
        const gap = 26;
        for (let i = 0; i < block.lines; i++) {
          if (doc.y + gap > doc.page.height - PAGE.margins.bottom) doc.addPage();
          doc.y += gap;
          doc.markContent('Artifact', { type: 'Layout' });
          doc.moveTo(PAGE.margins.left, doc.y).lineTo(PAGE.margins.left + width, doc.y).lineWidth(0.5).strokeColor('#999999').stroke();
          doc.endMarkedContent();
        }
        doc.moveDown(1);
        break;
      }
    }
  }
  if (section !== root) section.end();

  // The footer on every page, once the count of pages is known: page furniture, not content.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 44;
    doc.markContent('Artifact', { type: 'Pagination', subtype: 'Footer' } as never);
    doc.moveTo(PAGE.margins.left, y - 6).lineTo(PAGE.margins.left + width, y - 6).lineWidth(0.5).strokeColor('#999999').stroke();
    doc.font('body').fontSize(FOOTER).fillColor('#333333');
    const pageOf = drawable(model.pageOf(i - range.start + 1, range.count));
    const pageOfWidth = doc.widthOfString(pageOf);
    doc.text(drawable(model.footer), PAGE.margins.left, y, { width: width - pageOfWidth - 12, lineBreak: true, height: 30 });
    doc.text(pageOf, PAGE.margins.left + width - pageOfWidth, y, { lineBreak: false });
    doc.endMarkedContent();
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
  root.end();
  doc.end();
  return done;
}
