import { fileURLToPath } from 'node:url';

/**
 * Where the service finds the files it reads at run time, all from this module's place: run from
 * its sources this is `src/files.ts`, built (`npm run build`) it is inside `dist/main.js`. Both lie
 * directly in a folder of this package, so `../` is the package either way; the build copies the
 * pages beside `dist/main.js` as they lie beside this module in `src/`. Keep both where they are.
 */
const here = new URL('./', import.meta.url);

/** The database migrations, in this package. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', here));
/** The widget package's build output, beside this package in the workspace. */
export const defaultWidgetDistDir = fileURLToPath(new URL('../../widget/dist/', here));
/** The staff elements' build output, beside this package in the workspace. */
export const defaultStaffDistDir = fileURLToPath(new URL('../../staff/dist/', here));

/** The folder of one of the static pages the service serves, in `src/` (built: in `dist/`), as a file URL. */
export function pageDir(dir: 'widget/demo-page' | 'staff-demo/page' | 'smart/page'): URL {
  return new URL(`${dir}/`, here);
}
