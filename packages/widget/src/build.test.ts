import { testElementBundleBuild } from '../../../scripts/element-bundle-tests.ts';
import { buildWidget, bundleFile, GZIP_BUDGET_BYTES, metadataFile } from '../build.mjs';

testElementBundleBuild({
  name: 'widget',
  build: buildWidget,
  bundleFile,
  metadataFile,
  budget: GZIP_BUDGET_BYTES,
  packageJson: new URL('../package.json', import.meta.url),
  withoutSchemas: true,
});
