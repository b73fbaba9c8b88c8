/**
 * Where the yearly report's module (Chart.js and the report's texts) comes from. In the sources:
 * `module.ts`, imported when first needed. The staff build (build.mjs) replaces this module with
 * one that fetches the built report module from beside the bundle, at its versioned URL, checked
 * against its Subresource Integrity: the bundle itself carries no chart library.
 */
import type * as ReportModule from './module.ts';

export type { ReportModule };

export function loadReportModule(): Promise<typeof ReportModule> {
  return import('./module.ts');
}
