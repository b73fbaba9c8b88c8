import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testElementBundleBuild } from '../../../../scripts/element-bundle-tests.ts';
import { buildIndividualView, bundleFile, GZIP_BUDGET_BYTES, metadataFile } from '../../build-individual.mjs';
import { buildWidget } from '../../build.mjs';
import { sv } from './i18n.ts';
import ar from './lang/ar.ts';
import en from './lang/en.ts';
import fi from './lang/fi.ts';
import lattlast from './lang/sv-x-lattlast.ts';

testElementBundleBuild({
  name: "individual's view",
  build: buildIndividualView,
  bundleFile,
  metadataFile,
  budget: GZIP_BUDGET_BYTES,
  packageJson: new URL('../../package.json', import.meta.url),
  withoutSchemas: true,
});

describe('the two citizen modules', () => {
  it('are apart: a relatives’ portal never loads the individual’s view, nor the individual’s page the relatives’ widget', async () => {
    const [relative, individual] = await Promise.all([buildWidget(), buildIndividualView()]);
    const relativeBody = readFileSync(relative.path, 'utf8');
    const individualBody = readFileSync(individual.path, 'utf8');
    expect(relativeBody).toContain('"sip-relative-view"');
    expect(relativeBody).not.toContain('sip-individual-view');
    expect(individualBody).toContain('"sip-individual-view"');
    expect(individualBody).not.toContain('"sip-relative-view"');
  });
});

describe("the languages of the individual's view's build", () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sip-individual-languages-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  /** Every message of a dictionary as text: strings, and functions called with sample arguments. */
  const texts = (messages: object): string[] =>
    Object.values(messages).flatMap((value) =>
      typeof value === 'function'
        ? [String((value as (...a: unknown[]) => unknown)(...Array.from({ length: value.length }, () => '')))]
        : value && typeof value === 'object'
          ? texts(value as object)
          : [String(value)],
    );

  it("carries Swedish only in the element's module; each other language is a module of its own that imports nothing, named with its integrity", async () => {
    const built = await buildIndividualView({ outDir });
    const core = readFileSync(join(outDir, bundleFile), 'utf8');
    const swedish = texts(sv).join('\n');
    expect(built.modules.map((m) => m.lang).sort()).toEqual(['ar', 'en', 'fi', 'sv-x-lattlast']);
    const metadata = JSON.parse(readFileSync(join(outDir, metadataFile), 'utf8')) as { modules: { lang: string; file: string; integrity: string }[] };
    expect(metadata.modules.map(({ lang, file, integrity }) => ({ lang, file, integrity }))).toEqual(built.modules.map(({ lang, file, integrity }) => ({ lang, file, integrity })));
    for (const [lang, messages] of Object.entries({ en, fi, ar, 'sv-x-lattlast': lattlast })) {
      const module = built.modules.find((m) => m.lang === lang)!;
      const body = readFileSync(join(outDir, module.file));
      expect(module.file).toMatch(new RegExp(`^sip-individual-view\\.${lang}\\.[0-9a-f]{12}\\.js$`));
      expect(module.file).toContain(createHash('sha256').update(body).digest('hex').slice(0, 12));
      expect(module.integrity).toBe(`sha384-${createHash('sha384').update(body).digest('base64')}`);
      // A module that imports nothing, and gives its messages as its default export.
      expect(body.toString('utf8')).not.toMatch(/\bimport\b/);
      expect(body.toString('utf8')).toMatch(/export\s*\{\s*\w+ as default\s*\}/);
      // The element knows the module only by its file name and integrity.
      expect(core).toContain(module.file);
      expect(core).toContain(module.integrity);
      // Its texts are in its module, and none that is not Swedish too in the element's.
      const own = texts(messages).filter((text) => text.length >= 12 && !swedish.includes(text) && !/^[\s\d:.,()–-]*$/.test(text));
      expect(own.length, lang).toBeGreaterThan(60);
      expect(own.filter((text) => core.includes(text)), lang).toEqual([]);
    }
    // Swedish, the default, is in the element's module: every message that is plain text.
    const plain = (messages: object): string[] =>
      Object.values(messages).flatMap((v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? plain(v as object) : []));
    for (const text of plain(sv)) expect(core).toContain(text);
  });
});
