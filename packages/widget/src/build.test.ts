import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testElementBundleBuild } from '../../../scripts/element-bundle-tests.ts';
import { buildWidget, bundleFile, GZIP_BUDGET_BYTES, metadataFile } from '../build.mjs';
import { sv } from './i18n.ts';
import { sv as planSv } from './plan.ts';
import ar from './lang/ar.ts';
import en from './lang/en.ts';
import fi from './lang/fi.ts';
import lattlast from './lang/sv-x-lattlast.ts';

testElementBundleBuild({
  name: 'widget',
  build: buildWidget,
  bundleFile,
  metadataFile,
  budget: GZIP_BUDGET_BYTES,
  packageJson: new URL('../package.json', import.meta.url),
  withoutSchemas: true,
});

describe('the languages of the widget build', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sip-widget-languages-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  /** Every message of a dictionary as text: strings, and functions called with sample arguments. */
  const textsOf = (messages: object): string[] =>
    Object.values(messages).flatMap((value) =>
      typeof value === 'function'
        ? [String((value as (...a: unknown[]) => unknown)(...Array.from({ length: value.length }, () => '')))]
        : value && typeof value === 'object'
          ? textsOf(value as object)
          : [String(value)],
    );

  /** Every message of a dictionary that is plain text. */
  const plain = (messages: object): string[] =>
    Object.values(messages).flatMap((v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? plain(v as object) : []));

  it("carries Swedish only in the element's module; each other language is a module of its own, named with its integrity", async () => {
    const built = await buildWidget({ outDir });
    const core = readFileSync(join(outDir, bundleFile), 'utf8');
    const swedish = textsOf(sv).join('\n');
    expect(built.modules.flatMap((m) => ('lang' in m ? [m.lang] : [])).sort()).toEqual(['ar', 'en', 'fi', 'sv-x-lattlast']);
    for (const [lang, messages] of Object.entries({ en, fi, ar, 'sv-x-lattlast': lattlast })) {
      const module = built.modules.find((m) => m.lang === lang)!;
      const body = readFileSync(join(outDir, module.file));
      expect(module.file).toMatch(new RegExp(`^sip-relative-view\\.${lang}\\.[0-9a-f]{12}\\.js$`));
      expect(module.integrity).toBe(`sha384-${createHash('sha384').update(body).digest('base64')}`);
      // The element knows the module only by its file name and integrity.
      expect(core).toContain(module.file);
      expect(core).toContain(module.integrity);
      // Its texts are in its module, and none that is not Swedish too in the element's.
      const own = textsOf(messages).filter((text) => text.length >= 12 && !swedish.includes(text) && !/^[\s\d:.,()–-]*$/.test(text));
      expect(own.length, lang).toBeGreaterThan(100);
      const inCore = own.filter((text) => core.includes(text));
      expect(inCore, lang).toEqual([]);
      const text = body.toString('utf8');
      expect(own.filter((t) => !text.includes(t) && !t.includes('\n')).length, lang).toBeLessThan(own.length / 4);
    }
    // Swedish, the default, is in the element's module: every message that is plain text.
    for (const text of plain(sv)) expect(core).toContain(text);
  });

  it('shows a plan from a module of its own, named with its integrity, that brings the Swedish only a plan shows', async () => {
    const built = await buildWidget({ outDir });
    const core = readFileSync(join(outDir, bundleFile), 'utf8');
    const plan = built.modules.find((m) => 'part' in m && m.part === 'plan')!;
    expect(plan.file).toMatch(/^sip-relative-view\.plan\.[0-9a-f]{12}\.js$/);
    const body = readFileSync(join(outDir, plan.file));
    expect(plan.integrity).toBe(`sha384-${createHash('sha384').update(body).digest('base64')}`);
    expect(core).toContain(plan.file);
    expect(core).toContain(plan.integrity);
    const texts = plain(planSv);
    expect(texts.length).toBeGreaterThan(100);
    for (const text of texts) expect(body.toString('utf8')).toContain(text);
    // None of them in the element's module, but what it says too ("Inte sparat.", "Du har tackat ja" in "Sparat. Du har tackat ja till: …").
    const swedish = textsOf(sv).join('\n');
    const own = texts.filter((text) => text.length >= 12 && !swedish.includes(text));
    expect(own.filter((text) => core.includes(text))).toEqual([]);
  });
});
