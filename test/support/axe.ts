import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** The WCAG 2.0 and 2.1 A and AA rules. */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** What a test needs of one axe run, reduced in the page: the full results are large. */
export interface AxeFindings {
  violations: { rule: string; help: string; nodes: string[] }[];
  /** Colour contrast axe could not decide, which might hide a failure. */
  undecidedContrast: string[];
  /** Whether axe checked, and passed, a node inside the shadow root of an element of `host`. */
  checkedInside: boolean;
}

export interface AxeOptions {
  tags?: string[];
  /** Selectors to analyse (each may be a shadow path); the whole document when absent. */
  include?: (string | string[])[];
  /** The element whose shadow root must have been looked into. */
  host?: string;
}

declare global {
  interface Window {
    axe?: typeof axe;
  }
}

/**
 * axe-core in the page itself (legacy mode: the page has no frames, and no second blank page is
 * opened to merge results), as `@axe-core/playwright` runs it, but put into each document once
 * and not again on every check of the same document.
 */
export async function runAxe(page: Page, { tags = WCAG_21_AA, include, host = '' }: AxeOptions = {}): Promise<AxeFindings> {
  if (!(await page.evaluate(() => typeof window.axe?.run === 'function'))) {
    await page.evaluate(axe.source);
    await page.evaluate(() => window.axe!.configure({ allowedOrigins: ['<same_origin>'], branding: { application: 'playwright' } }));
  }
  return page.evaluate(
    async ({ tags, include, host }) => {
      const results = await window.axe!.run((include ? { include, exclude: [] } : document) as never, { runOnly: { type: 'tag', values: tags } });
      const target = (t: unknown) => JSON.stringify(t);
      return {
        violations: results.violations.map((v) => ({ rule: v.id, help: v.help, nodes: v.nodes.map((n) => `${target(n.target)}: ${n.failureSummary}`) })),
        undecidedContrast: results.incomplete
          .filter((r) => r.id === 'color-contrast')
          .flatMap((r) => r.nodes.map((n) => `${target(n.target)}: ${n.any.map((c) => c.message).join('; ')}`)),
        // A node in a shadow root is named by a path of selectors: the host's first.
        checkedInside: !!host && results.passes.some((r) => r.nodes.some((n) => n.target.some((t) => Array.isArray(t) && t[0] === host))),
      };
    },
    { tags, include, host },
  );
}
