import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFhirPeer } from '@sip/fhir-peer';
import { createTestDatabase, createTestIssuer, MUNICIPALITY, planInput, REGION, type TestDatabase, type TestIssuer } from '@sip/api/test-support';

/** What a service in production needs around it, here: a fresh database, an identity provider, two FHIR peers. */
export interface ProductionSetting {
  db: TestDatabase;
  dataDir: string;
  /** The staff identity provider; its JWKS is served over HTTP. */
  issuer: TestIssuer;
  /** Where the access log's checkpoints are written. */
  checkpoints: string;
  /** The environment of a service in production, without its database URLs. */
  env: Record<string, string>;
  /** The database as the service's own role reaches it (`DATABASE_URL`); `db.url` is its owner's. */
  serviceUrl: string;
  close(): Promise<void>;
}

/** Makes a production setting on the Postgres server named by TEST_DATABASE_URL. */
export async function productionSetting(prefix: string): Promise<ProductionSetting> {
  const db = await createTestDatabase('postgres', { as: 'service' });
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const issuer = await createTestIssuer('https://idp.test.example/staff');
  const jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(issuer.jwks));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const region = createFhirPeer({ name: 'region' });
  const municipality = createFhirPeer({ name: 'municipality' });
  const [r, m] = await Promise.all([region.listen(), municipality.listen()]);
  const { privateKey } = generateKeyPairSync('ed25519');
  const checkpoints = join(dataDir, 'checkpoints.jsonl');
  const serviceUrl = new URL(db.url!);
  serviceUrl.username = 'sip_service_test';
  return {
    db,
    dataDir,
    issuer,
    checkpoints,
    serviceUrl: serviceUrl.toString(),
    env: {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      PUBLIC_URL: 'https://sip.example.se',
      STAFF_TOKEN_ISSUER: issuer.issuer,
      STAFF_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      REGION_FHIR_BASE_URL: r.baseUrl,
      MUNICIPALITY_FHIR_BASE_URL: m.baseUrl,
      ORGANISATIONS: JSON.stringify([
        { ...REGION, kind: 'region' },
        { ...MUNICIPALITY, kind: 'municipality' },
      ]),
      ACCESS_LOG_CHECKPOINTS: `file:${checkpoints}`,
      ACCESS_LOG_CHECKPOINT_KEY: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), alg: 'EdDSA', kid: 'cp-1' }),
    },
    async close() {
      await Promise.all([r.close(), m.close(), new Promise((resolve) => jwks.close(resolve))]);
      rmSync(dataDir, { recursive: true, force: true });
      await db.drop();
    },
  };
}

/** A region coordinator, signed in with the identity provider's token, creates a plan: the answer. */
export async function createPlanAsCoordinator(serviceUrl: string, issuer: TestIssuer): Promise<Response> {
  const token = await issuer.sign({ sub: 'SE2321000099-7P01', org: REGION.id, role: 'coordinator' });
  return fetch(`${serviceUrl}/api/plans`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(planInput()),
  });
}
