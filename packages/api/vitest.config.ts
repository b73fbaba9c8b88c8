import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'api',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./vitest.setup.ts'],
    // Database tests run beside the browser tests on two cores: room for a busy machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
