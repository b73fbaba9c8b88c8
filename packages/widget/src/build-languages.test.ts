import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLanguageModules } from '../build-languages.mjs';

describe('the build of the language modules', () => {
  const root = mkdtempSync(join(tmpdir(), 'sip-language-sources-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const target = ['es2022'];

  it('inlines the shared texts a language brings in, so that its module imports nothing; the shared folder is no language', async () => {
    write('shared/lang/common/en.ts', "export const common = { tryAgain: 'Try again, said alike' };\n");
    write('shared/lang/en.ts', "import { common } from './common/en.ts';\nexport default { ...common, own: 'Said here only' };\n");
    const modules = await buildLanguageModules({ root, dir: 'shared/lang', prefix: 'sip-test', target });
    expect(modules.map((m) => m.lang)).toEqual(['en']);
    const text = modules[0]!.body.toString('utf8');
    expect(text).toContain('Try again, said alike');
    expect(text).toContain('Said here only');
    expect(text).not.toMatch(/\bimport\b/);
    const loaded = (await import(`data:text/javascript;base64,${modules[0]!.body.toString('base64')}`)) as { default: unknown };
    expect(loaded.default).toEqual({ tryAgain: 'Try again, said alike', own: 'Said here only' });
  });

  it('refuses a language whose module would still import something when it runs, naming what', async () => {
    write('importing/lang/fi.ts', "import { names } from 'https://example.com/names.js';\nexport default { names };\n");
    await expect(buildLanguageModules({ root, dir: 'importing/lang', prefix: 'sip-test', target })).rejects.toThrow(
      'the fi messages, built, must import nothing, but import:\n  import-statement https://example.com/names.js',
    );
  });
});
