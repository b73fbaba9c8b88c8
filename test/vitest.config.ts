import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
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
