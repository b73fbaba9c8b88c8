import { afterAll, beforeAll } from 'vitest';
import { startTestPeers, type TestPeers } from './app.ts';

/**
 * Two FHIR test peers for the whole test file: started before its tests, closed after.
 * The returned object stands for the started peers (use it inside tests and hooks).
 */
export function usePeers(options: { seed?: boolean } = {}): TestPeers {
  let current: TestPeers | undefined;
  beforeAll(async () => {
    current = await startTestPeers(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as TestPeers, {
    get(_target, key) {
      if (!current) throw new Error('the test peers start in beforeAll');
      return current[key as keyof TestPeers];
    },
  });
}
