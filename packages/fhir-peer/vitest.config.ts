import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'fhir-peer',
    include: ['src/**/*.test.ts'],
  },
});
