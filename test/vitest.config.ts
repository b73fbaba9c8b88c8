import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['../packages/api/vitest.setup.ts'],
    // One browser or service process at a time, after the API's files: run two at a time beside
    // them, the browser files took a quarter less time but tests that count what a page does in a
    // given time failed now and then on a busy two-core machine.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // What a page shows after a round trip through the service: on a busy machine that can take
    // more than expect.poll's default second (a call's own timeout still wins).
    expect: { poll: { timeout: 10_000 } },
  },
});
