export interface WidgetBuildName {
  version: string;
  hash: string;
  integrity: string;
}

export const readmePath: string;
export const START: string;
export const END: string;
export const EXAMPLE_ORIGIN: string;
export function buildCurrentWidget(): Promise<WidgetBuildName>;
export function renderSnippet(build: Pick<WidgetBuildName, 'hash' | 'integrity'>): string;
export function snippetIn(readme: string): string;
export function withSnippet(readme: string, snippet: string): string;
