import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    // TEST_WITHOUT_BROWSER=1 leaves out the files that drive Chromium: the suite's second pass on
    // another Node (scripts/run.mjs) runs every service, process and database test on that Node,
    // while what the browser does is the same whichever Node serves it.
    exclude: ['**/node_modules/**', ...(process.env.TEST_WITHOUT_BROWSER === '1' ? ['**/*.browser.test.ts'] : [])],
    globalSetup: ['./vitest.setup.ts'],
    // Two files at a time, beside the API's: each browser file waits on its service and page as
    // much as it computes. What a page shows after a round trip is waited for, never timed.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // What a page shows after a round trip through the service: on a busy machine that can take
    // more than expect.poll's default second (a call's own timeout still wins).
    expect: { poll: { timeout: 10_000 } },
  },
});
