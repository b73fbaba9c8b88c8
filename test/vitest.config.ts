import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['../packages/api/vitest.setup.ts'],
    // Files run beside each other and beside the API's (two at a time, see the root config): a
    // browser file mostly waits on its page and its service, so run alone it leaves a core idle.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // What a page shows after a round trip through the service: on a busy machine that can take
    // more than expect.poll's default second (a call's own timeout still wins).
    expect: { poll: { timeout: 10_000 } },
  },
});
