import type { BundleBuildResult } from '../../scripts/element-bundle.mjs';

/** What `buildWidget()` wrote: the metadata in dist/widget.json, and where the bundle is. */
export type WidgetBuildResult = BundleBuildResult;

export declare const distDir: string;
export declare const bundleFile: string;
export declare const metadataFile: string;
export declare const GZIP_BUDGET_BYTES: number;

/** Builds dist/sip-relative-view.js and dist/widget.json (or into `outDir`). */
export declare function buildWidget(options?: { outDir?: string }): Promise<WidgetBuildResult>;
