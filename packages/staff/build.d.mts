/** What `buildStaff()` wrote: the metadata in dist/widget.json, and where the bundle is. */
export interface StaffBuildResult {
  file: string;
  /** The widget package's version. */
  version: string;
  /** The first 12 hex digits of the bundle's SHA-256. */
  hash: string;
  /** Subresource Integrity of the bundle: `sha384-<base64>`. */
  integrity: string;
  bytes: number;
  gzipBytes: number;
  /** The bundle's absolute path. */
  path: string;
}

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
