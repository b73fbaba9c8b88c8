import type { BundleBuildResult } from '../../scripts/element-bundle.mjs';

/** A module the element loads on demand (a language besides Swedish), beside it in dist/. */
export interface WidgetModule {
  lang: string;
  file: string;
  integrity: string;
  bytes: number;
  gzipBytes: number;
}

/** What `buildWidget()` wrote: the metadata in dist/widget.json, and where the bundle is. */
export type WidgetBuildResult = BundleBuildResult & { modules: WidgetModule[] };

/** The inputs of the last build's element module, by their minified size, largest first. */
export declare function profile(): { input: string; bytes: number }[];

export declare const distDir: string;
export declare const bundleFile: string;
export declare const metadataFile: string;
export declare const GZIP_BUDGET_BYTES: number;

/** Builds dist/sip-relative-view.js and dist/widget.json (or into `outDir`). */
export declare function buildWidget(options?: { outDir?: string }): Promise<WidgetBuildResult>;
