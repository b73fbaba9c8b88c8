import type { BundleBuildResult } from '../../scripts/element-bundle.mjs';

/** What `buildStaff()` wrote: the metadata in dist/staff.json, and where the bundle is. */
export type StaffBuildResult = BundleBuildResult;

export declare const distDir: string;
export declare const bundleFile: string;
export declare const metadataFile: string;
export declare const GZIP_BUDGET_BYTES: number;

/** Builds dist/sip-staff.js and dist/staff.json (or into `outDir`). */
export declare function buildStaff(options?: { outDir?: string }): Promise<StaffBuildResult>;

export declare const smartLaunchFile: string;
export declare const SMART_GZIP_BUDGET_BYTES: number;

/** Builds the SMART launch app into dist/smart-launch.js (or into `outDir`). */
export declare function buildSmartLaunch(options?: { outDir?: string }): Promise<{ path: string; bytes: number; gzipBytes: number }>;
