import { afterAll, beforeAll } from 'vitest';
import { startTestPeers, type TestPeers } from './app.ts';

/**
 * The demo world's FHIR test peers (region, municipality, Söderviks kommun) for the whole test file: started before its tests, closed after.
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

/** The resources a FHIR search on a peer finds (up to 1000, one page), as its own HTTP answer gives them. */
export async function searchPeer<T = { resourceType: string; id?: string }>(base: string, query: string): Promise<T[]> {
  const res = await fetch(`${base}/${query}${query.includes('?') ? '&' : '?'}_count=1000`);
  if (res.status !== 200) throw new Error(`search ${query}: HTTP ${res.status}`);
  return (((await res.json()) as { entry?: { resource?: unknown }[] }).entry ?? []).map((e) => e.resource as T);
}
