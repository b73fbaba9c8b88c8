/** What the build of an element bundle wrote: the metadata the service serves it by, and where the bundle is. */
export interface BundleBuildResult {
  file: string;
  /** The package's version. */
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

export declare const browserModule: Readonly<Record<string, unknown>>;

export declare function checkedBundle(
  result: { metafile: { inputs: Record<string, unknown> }; outputFiles: { contents: Uint8Array }[] },
  check: { name: string; budget: number; forbidden: (path: string) => boolean; forbiddenWhat: string },
): { body: Buffer; gzipBytes: number };

export declare function describeBundle(bundle: { file: string; version: string; body: Buffer; gzipBytes: number }): Omit<BundleBuildResult, 'path'>;

export declare function writeAtomically(path: string, data: string | Uint8Array): Promise<void>;

export declare function writeBundle(outDir: string, bundle: { file: string; body: Uint8Array; metadataFile?: string; metadata?: unknown }): Promise<string>;
