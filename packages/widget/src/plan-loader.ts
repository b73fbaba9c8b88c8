/**
 * Where the element's plan view (`plan.ts`) comes from. In the sources: the module itself, for a
 * bundler to split off. The widget's own build (build.mjs) replaces this module with one that
 * fetches the plan view's module from beside the element's, at its versioned URL, checked
 * against its Subresource Integrity, as it fetches a language.
 */
export type PlanModule = typeof import('./plan.ts');

export function loadPlan(): Promise<PlanModule> {
  return import('./plan.ts');
}
