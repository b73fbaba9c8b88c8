import { testElementBundleBuild } from '../../../scripts/element-bundle-tests.ts';
import { buildStaff, bundleFile, GZIP_BUDGET_BYTES, metadataFile } from '../build.mjs';

testElementBundleBuild({
  name: 'staff elements',
  build: buildStaff,
  bundleFile,
  metadataFile,
  budget: GZIP_BUDGET_BYTES,
  packageJson: new URL('../package.json', import.meta.url),
  withoutSchemas: false,
});
