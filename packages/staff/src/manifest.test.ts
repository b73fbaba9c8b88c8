import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const staffDir = fileURLToPath(new URL('..', import.meta.url));
const committed = readFileSync(join(staffDir, 'custom-elements.json'), 'utf8');

interface Named {
  name: string;
}
interface Declaration extends Named {
  tagName?: string;
  members?: (Named & { attribute?: string })[];
  attributes?: Named[];
  events?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

describe('the staff elements’ custom-elements.json', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'sip-staff-cem-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is what the analyzer makes of the sources today', () => {
    const cli = join(staffDir, 'node_modules', '@custom-elements-manifest', 'analyzer', 'cem.js');
    execFileSync(process.execPath, [cli, 'analyze', '--outdir', relative(staffDir, outdir), '--quiet'], { cwd: staffDir, stdio: 'pipe' });
    const fresh = readFileSync(join(outdir, 'custom-elements.json'), 'utf8');
    expect(fresh, 'run `npx cem analyze` in packages/staff and commit custom-elements.json').toBe(committed);
  }, 60_000);

  it('describes the six elements, each with the same contract style as the relatives’ widget', () => {
    const manifest = JSON.parse(committed) as Manifest;
    const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
    expect(elements.map((e) => e.tagName).sort()).toEqual(['sip-access-log', 'sip-plan-editor', 'sip-plan-history', 'sip-plan-list', 'sip-report', 'sip-worklist']);
    const names = (list: Named[] | undefined) => (list ?? []).map((x) => x.name);
    for (const element of elements) {
      const tag = element.tagName!;
      expect(names(element.attributes), tag).toEqual(expect.arrayContaining(['api-base', 'lang']));
      expect(names(element.events), tag).toEqual(expect.arrayContaining(['sip-ready', 'sip-error', 'sip-session-expired']));
      for (const event of names(element.events)) expect(event, tag).toMatch(/^sip-/);
      // The token is a property only, never an attribute.
      const token = (element.members ?? []).filter((m) => m.name.toLowerCase().includes('token'));
      expect(token.map((m) => m.name), tag).toContain('getAccessToken');
      expect(token.map((m) => m.attribute), tag).toEqual(token.map(() => undefined));
      expect(names(element.attributes).some((a) => a.includes('token')), tag).toBe(false);
      expect(names(element.cssParts).length, tag).toBeGreaterThanOrEqual(5);
      const properties = names(element.cssProperties);
      expect(properties.length, tag).toBeGreaterThanOrEqual(5);
      for (const property of properties) expect(property, tag).toMatch(/^--sip-/);
    }
    const editor = elements.find((e) => e.tagName === 'sip-plan-editor')!;
    expect(names(editor.attributes)).toEqual(expect.arrayContaining(['plan-id', 'focus']));
  });
});
