export declare const distDir: string;
export declare const mainFile: string;

/** Builds dist/main.js (or into `outDir`, a folder directly in the package) and copies the pages beside it. */
export declare function buildService(options?: { outDir?: string }): Promise<{ path: string; bytes: number; external: string[] }>;
