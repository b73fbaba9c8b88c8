/**
 * Reads a PDF back as a reader would, with PDF.js (its legacy build runs in Node): the text in
 * content order, the structure tree's roles in reading order, the document language, the title
 * in the info dictionary and the XMP metadata, and each font drawn with, whether embedded.
 * For tests: the service itself never reads PDFs.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface StructNode {
  role: string;
  children: StructNode[];
  /** The text of the marked content this node holds directly, in order. */
  text: string;
}

export interface ReadPdf {
  pages: number;
  /** All text of all pages, in content order; each page's text joined by spaces. */
  text: string;
  /** Text inside artifacts (page furniture), apart from the content. */
  artifactText: string;
  /** The structure tree of each page, and all roles met, in reading order. */
  tree: StructNode[];
  roles: string[];
  language: string | null;
  title: string | null;
  xmpTitle: string | null;
  /** The XMP metadata as written. */
  xmp: string | null;
  marked: boolean;
  displayDocTitle: boolean;
  fonts: { name: string; embedded: boolean }[];
}

/** PDF.js's OPS.setFont. */
const SET_FONT = 37;

type ContentItem = { str?: string; type?: string; id?: string; tag?: string };
type RawNode = { role?: string; type?: string; id?: string; children?: RawNode[] };

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), fontExtraProperties: true, disableFontFace: true, useSystemFonts: false, isEvalSupported: false })
    .promise;
  const meta = await pdf.getMetadata();
  const info = meta.info as { Language?: string; Title?: string };
  const markInfo = await pdf.getMarkInfo();
  const viewer = await pdf.getViewerPreferences();
  const texts: string[] = [];
  const artifacts: string[] = [];
  const tree: StructNode[] = [];
  const fonts = new Map<string, boolean>();
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent({ includeMarkedContent: true });
    // Text by marked-content id, and text outside any tagged content (artifacts).
    const byId = new Map<string, string[]>();
    const stack: { id?: string; tag?: string }[] = [];
    const pageText: string[] = [];
    for (const item of content.items as ContentItem[]) {
      if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') {
        stack.push({ ...(item.id ? { id: item.id } : {}), ...(item.tag ? { tag: item.tag } : {}) });
        continue;
      }
      if (item.type === 'endMarkedContent') {
        stack.pop();
        continue;
      }
      if (typeof item.str !== 'string') continue;
      const inArtifact = stack.some((s) => s.tag === 'Artifact');
      if (inArtifact) artifacts.push(item.str);
      else pageText.push(item.str);
      const owner = [...stack].reverse().find((s) => s.id);
      if (owner?.id && !inArtifact) byId.set(owner.id, [...(byId.get(owner.id) ?? []), item.str]);
    }
    texts.push(pageText.join(' '));
    const raw = (await page.getStructTree()) as RawNode | null;
    const convert = (node: RawNode): StructNode => {
      const children = (node.children ?? []).filter((c) => Boolean(c.role)).map(convert);
      const text = (node.children ?? [])
        .filter((c) => c.type === 'content' && c.id)
        .map((c) => (byId.get(c.id!) ?? []).join(' '))
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      return { role: node.role ?? '', children, text };
    };
    if (raw) tree.push(convert(raw));
    const ops = await page.getOperatorList();
    ops.fnArray.forEach((fn, i) => {
      if (fn !== SET_FONT) return;
      const id = (ops.argsArray[i] as [string])[0];
      const font = page.commonObjs.get(id) as { name?: string; missingFile?: boolean };
      fonts.set(font.name ?? id, font.missingFile === false);
    });
  }
  const roles: string[] = [];
  const walk = (node: StructNode) => {
    const kind = node.role;
    if (kind && kind !== 'Root') roles.push(kind);
    node.children.forEach(walk);
  };
  tree.forEach(walk);
  const xmp = meta.metadata ? (meta.metadata as unknown as { getRaw(): string }).getRaw() : null;
  const xmpTitle = meta.metadata ? ((meta.metadata.get('dc:title') as string | null) ?? null) : null;
  await pdf.destroy();
  return {
    pages: texts.length,
    text: texts.join(' '),
    artifactText: artifacts.join(' '),
    tree,
    roles,
    language: info.Language ?? null,
    title: info.Title ?? null,
    xmpTitle,
    xmp,
    marked: markInfo?.Marked === true,
    displayDocTitle: (viewer as { DisplayDocTitle?: boolean } | null)?.DisplayDocTitle === true,
    fonts: [...fonts].map(([name, embedded]) => ({ name, embedded })),
  };
}

/** Text compared as a reader hears it: whitespace ignored (lines break anywhere), composed. */
export const squeeze = (text: string) => text.normalize('NFC').replace(/\s+/g, '');
