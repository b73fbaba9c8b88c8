import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserServer, type LaunchOptions, type Page } from 'playwright-core';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's one Chromium (started by the e2e project's global setup) takes connections; empty without one. */
    chromiumEndpoint: string;
  }
}

/** Debian's Chromium; never a browser downloaded by a test tool. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium features turned off. Chromium honours only the last `--disable-features` on its command
 * line, and Playwright's own comes first, so this list carries Playwright's (playwright-core's
 * chromiumSwitches) as well as ours: since Chromium 151 every new window, headless too, renders
 * the address bar's popup in a WebUI renderer of its own (`WebUIOmniboxPopup`,
 * `WebUIOmniboxAimPopup`), a process and its CPU for each fresh context a test opens, with nothing
 * to show it in.
 */
const DISABLED_FEATURES = [
  // Playwright's.
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
  // Ours.
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
];

function launchOptions(): LaunchOptions {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install Debian's chromium package (apt-get install chromium)`);
  }
  return {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--disable-features=${DISABLED_FEATURES.join(',')}`,
    ],
  };
}

/**
 * One Chromium for a whole test run, which every browser file connects to (`launchBrowser`): the
 * global setup starts it and closes it after the run.
 */
export async function launchBrowserServer(): Promise<BrowserServer> {
  return chromium.launchServer(launchOptions());
}

/**
 * A browser to open pages in: in a test run, a connection to the run's one Chromium, whose
 * contexts are the caller's own (each page opens a fresh context; closing the connection closes
 * them all); outside one (a benchmark), a Chromium of its own.
 */
export async function launchBrowser(): Promise<Browser> {
  const endpoint = process.env.VITEST ? inject('chromiumEndpoint') : undefined;
  if (endpoint) return chromium.connect(endpoint);
  return chromium.launch(launchOptions());
}

/** Collects console errors and uncaught page errors, so a test can fail on any. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
