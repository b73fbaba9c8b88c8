import type { BundleBuildResult } from '../../scripts/element-bundle.mjs';
import type { WidgetModule } from './build.mjs';

/** What `buildIndividualView()` wrote: the metadata in dist/individual-view.json, and where the bundle is. */
export type IndividualViewBuildResult = BundleBuildResult & { modules: WidgetModule[] };

export declare const distDir: string;
export declare const bundleFile: string;
export declare const metadataFile: string;
export declare const GZIP_BUDGET_BYTES: number;

/** Builds dist/sip-individual-view.js and dist/individual-view.json (or into `outDir`). */
export declare function buildIndividualView(options?: { outDir?: string }): Promise<IndividualViewBuildResult>;
