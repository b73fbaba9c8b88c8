import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const widgetDir = fileURLToPath(new URL('..', import.meta.url));
const committed = readFileSync(join(widgetDir, 'custom-elements.json'), 'utf8');

interface Named {
  name: string;
}
interface Manifest {
  modules: { path: string; declarations?: (Named & { tagName?: string; members?: (Named & { attribute?: string })[]; attributes?: Named[]; events?: Named[]; cssParts?: Named[]; cssProperties?: Named[] })[] }[];
}

describe('custom-elements.json', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'sip-cem-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is what the analyzer makes of the sources today', () => {
    const cli = join(widgetDir, 'node_modules', '@custom-elements-manifest', 'analyzer', 'cem.js');
    // The analyzer joins --outdir to its working directory.
    execFileSync(process.execPath, [cli, 'analyze', '--outdir', relative(widgetDir, outdir), '--quiet'], { cwd: widgetDir, stdio: 'pipe' });
    const fresh = readFileSync(join(outdir, 'custom-elements.json'), 'utf8');
    expect(fresh, 'run `npx cem analyze` in packages/widget and commit custom-elements.json').toBe(committed);
    // The analyzer is a process of its own: seconds, more on a machine busy with other test files.
  }, 60_000);

  it('is the package’s customElements', () => {
    const pkg = JSON.parse(readFileSync(join(widgetDir, 'package.json'), 'utf8')) as { customElements?: string };
    expect(pkg.customElements).toBe('custom-elements.json');
  });

  it('lists the public contract of <sip-relative-view>', () => {
    const manifest = JSON.parse(committed) as Manifest;
    const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'sip-relative-view');
    expect(element).toBeDefined();
    const names = (list: Named[] | undefined) => (list ?? []).map((x) => x.name).sort();
    expect(names(element!.attributes)).toEqual(['api-base', 'heading-level', 'help-hours', 'help-phone', 'help-text', 'lang', 'plan-id']);
    expect(names(element!.events)).toEqual(['sip-consent-change', 'sip-error', 'sip-ready', 'sip-session-expired']);
    expect(names(element!.members)).toEqual(['accessToken', 'apiBase', 'getAccessToken', 'headingLevel', 'helpHours', 'helpPhone', 'helpText', 'planId']);
    // The token is a property only, never an attribute.
    expect(element!.members!.filter((m) => m.name.toLowerCase().includes('token')).map((m) => m.attribute)).toEqual([undefined, undefined]);
    expect(names(element!.cssParts)).toEqual(
      ['base', 'button', 'commitment', 'dialog', 'error-summary', 'field', 'heading', 'message', 'outcome', 'plan-button', 'plan-list', 'receipt', 'section', 'status'].sort(),
    );
    const properties = names(element!.cssProperties);
    expect(properties.length).toBeGreaterThanOrEqual(10);
    for (const property of properties) expect(property).toMatch(/^--sip-/);
  });

  it('lists the public contract of <sip-individual-view>: the same as the relatives’ widget’s, in a module of its own', () => {
    const manifest = JSON.parse(committed) as Manifest;
    const module = manifest.modules.find((m) => (m.declarations ?? []).some((d) => d.tagName === 'sip-individual-view'));
    expect(module?.path).toBe('src/individual/sip-individual-view.ts');
    const element = module!.declarations!.find((d) => d.tagName === 'sip-individual-view')!;
    const names = (list: Named[] | undefined) => (list ?? []).map((x) => x.name).sort();
    expect(names(element.attributes)).toEqual(['api-base', 'lang']);
    expect(names(element.events)).toEqual(['sip-change', 'sip-error', 'sip-ready', 'sip-session-expired']);
    expect(names(element.members)).toEqual(['apiBase', 'getAccessToken']);
    expect(element.members!.find((m) => m.name === 'getAccessToken')!.attribute).toBeUndefined();
    expect(names(element.cssParts)).toEqual(
      ['base', 'button', 'dialog', 'error-summary', 'field', 'heading', 'message', 'outcome', 'plan-button', 'plan-list', 'receipt', 'section'].sort(),
    );
    for (const property of names(element.cssProperties)) expect(property).toMatch(/^--sip-/);
  });
});
