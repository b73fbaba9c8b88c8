import type { BundleBuildResult } from '../../scripts/element-bundle.mjs';

/** A module the bundle loads on demand (the yearly report's), beside it. */
export interface StaffModule {
  file: string;
  integrity: string;
  bytes: number;
  gzipBytes: number;
}

/** What `buildStaff()` wrote: the metadata in dist/staff.json, and where the bundle is. */
export type StaffBuildResult = BundleBuildResult & { modules: StaffModule[] };

export declare const distDir: string;
export declare const bundleFile: string;
export declare const metadataFile: string;
export declare const GZIP_BUDGET_BYTES: number;
export declare const REPORT_GZIP_BUDGET_BYTES: number;
export declare function reportModuleFile(hash: string): string;

/** Builds dist/sip-staff.js and dist/staff.json (or into `outDir`). */
export declare function buildStaff(options?: { outDir?: string }): Promise<StaffBuildResult>;

export declare const smartLaunchFile: string;
export declare const SMART_GZIP_BUDGET_BYTES: number;

/** Builds the SMART launch app into dist/smart-launch.js (or into `outDir`). */
export declare function buildSmartLaunch(options?: { outDir?: string }): Promise<{ path: string; bytes: number; gzipBytes: number }>;
