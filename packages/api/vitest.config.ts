import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'api',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./vitest.setup.ts'],
    // The files share their worker's modules instead of importing the service afresh each (about
    // 2 s a file): every file makes its own databases, peers and app, and nothing of the service
    // keeps state in a module. A quarter less time for the project.
    isolate: false,
    // Database tests run beside the browser tests on two cores: room for a busy machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
