import { afterAll, beforeAll } from 'vitest';
import { buildTestApp, type TestApp } from './app.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

/** The demo pages never call an upstream: these addresses are never dialled. */
export const noPeers = { region: 'http://127.0.0.1:9/region', municipality: 'http://127.0.0.1:9/municipality' };

/** The CSP directives of a Content-Security-Policy header, by name. */
export function cspDirectives(header: string | null): Map<string, string> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
  );
}

/**
 * A test app on a database of its own for the tests of the enclosing `describe`, in demo mode or,
 * with `demoMode: false`, as in production (staff tokens from an identity provider); the getter
 * answers it once `beforeAll` has run.
 */
export function useDemoApp({ demoMode }: { demoMode: boolean }): () => TestApp {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    t = await buildTestApp({
      database: database.database,
      peers: noPeers,
      ...(demoMode ? {} : { env: { DEMO_MODE: 'false', STAFF_TOKEN_ISSUER: 'https://idp.example', STAFF_JWKS_URL: 'https://idp.example/jwks.json' } }),
    });
  });
  afterAll(async () => {
    await t?.events.close();
    await database?.drop();
  });
  return () => t;
}
