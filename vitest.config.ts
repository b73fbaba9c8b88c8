import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'test'],
    // The browser and server tests mostly wait on I/O: two files at a time on two cores.
    maxWorkers: 2,
    // After the run, the slowest files (scripts/slowest-files.ts).
    reporters: ['default', './scripts/slowest-files.ts'],
  },
});
