import type { BundleBuildResult } from '../../scripts/element-bundle.mjs';

/** A module an element loads on demand (a language besides Swedish), beside it in dist/. */
export interface WidgetModule {
  lang: string;
  file: string;
  integrity: string;
  bytes: number;
  gzipBytes: number;
}

/** The module that shows a plan, beside the relatives' widget in dist/. */
export interface PlanModule {
  part: 'plan';
  lang?: undefined;
  file: string;
  integrity: string;
  bytes: number;
  gzipBytes: number;
}

/** What `buildWidget()` wrote: the metadata in dist/widget.json, and where the bundle is. */
export type WidgetBuildResult = BundleBuildResult & { modules: (WidgetModule | PlanModule)[] };

/** The inputs of the last build's element module, by their minified size, largest first. */
export declare function profile(): { input: string; bytes: number }[];

export declare const distDir: string;
export declare const bundleFile: string;
export declare const metadataFile: string;
export declare const GZIP_BUDGET_BYTES: number;
export declare const PLAN_GZIP_BUDGET_BYTES: number;

/** Builds dist/sip-relative-view.js and dist/widget.json (or into `outDir`). */
export declare function buildWidget(options?: { outDir?: string }): Promise<WidgetBuildResult>;
