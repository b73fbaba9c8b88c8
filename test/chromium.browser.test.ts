import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';

/**
 * The run's one Chromium as the browser files meet it: a fresh context costs a page's renderer
 * and nothing else, and the features Playwright turns off stay off beside ours.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

it('opens a fresh context with its page alone: no address-bar popup rendered beside it', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.setContent('<p>fresh</p>');
    const cdp = await context.newCDPSession(page);
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] };
    expect(targetInfos.filter((t) => t.type !== 'page').map((t) => t.url)).toEqual([]);
    expect(targetInfos.some((t) => t.type === 'page')).toBe(true);
  } finally {
    await context.close();
  }
});

/** The command lines of the Chromium browser processes on this machine (not their helpers). */
function chromiumCommandLines(): string[][] {
  const lines: string[][] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let args: string[];
    try {
      // Chromium rewrites its process title: the switches may come back joined by spaces.
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/).filter(Boolean);
    } catch {
      continue; // gone meanwhile
    }
    if (/chromium/.test(args[0] ?? '') && args.some((a) => a.includes('WebUIOmniboxPopup')) && !args.some((a) => a.startsWith('--type='))) lines.push(args);
  }
  return lines;
}

it("keeps every feature Playwright turns off in the one --disable-features Chromium honours (its last)", () => {
  const lines = chromiumCommandLines();
  expect(lines.length).toBeGreaterThan(0);
  for (const args of lines) {
    const lists = args.filter((a) => a.startsWith('--disable-features=')).map((a) => a.slice('--disable-features='.length).split(','));
    expect(lists.length).toBeGreaterThan(1);
    const honoured = new Set(lists.at(-1));
    const dropped = lists.slice(0, -1).flat().filter((name) => name && !honoured.has(name));
    expect(dropped).toEqual([]);
  }
});
