import type { Metafile } from 'esbuild';

/** A language module built: its file name, bytes and integrity. */
export interface LanguageModule {
  lang: string;
  file: string;
  integrity: string;
  bytes: number;
  gzipBytes: number;
  body: Buffer;
}

/** What a built module still imports when it runs (`<kind> <path>` each); what esbuild bundled is not counted. */
export declare function moduleImports(metafile: Metafile): string[];

/** Each language besides Swedish (`<root>/<dir>/<tag>.ts`) built into a module of its own; fails when one would import anything. */
export declare function buildLanguageModules(options: { root: string; dir: string; prefix: string; target: string[] }): Promise<LanguageModule[]>;

/** A module an element loads on demand built: its file name (`<prefix>.<name>.<hash>.js`), bytes and integrity; fails when it would import anything. */
export declare function buildOnDemandModule(options: {
  root: string;
  entry: string;
  prefix: string;
  name: string;
  what: string;
  target: string[];
  transform?: (code: string) => string;
}): Promise<Omit<LanguageModule, 'lang'>>;
