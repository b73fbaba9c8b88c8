import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testElementBundleBuild } from '../../../../scripts/element-bundle-tests.ts';
import { buildIndividualView, bundleFile, GZIP_BUDGET_BYTES, metadataFile } from '../../build-individual.mjs';
import { buildWidget } from '../../build.mjs';

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
