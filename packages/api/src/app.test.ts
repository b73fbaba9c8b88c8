import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, describeEachDatabase, expectProblem, type TestApp, usePeers } from './test-support/index.ts';
import { createTestIssuer } from './test-support/tokens.ts';


const peers = usePeers();


describeEachDatabase('the service skeleton', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls, env: { ALLOWED_ORIGINS: 'https://portal.example' } });
  });

  it('answers /health with 200 JSON', async () => {
    const res = await t.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database and every upstream answer', async () => {
    const res = await t.app.request('/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      // Every configured upstream by name: the region's, the municipality's, and Söderviks kommun's own.
      checks: { database: { ok: true }, region: { ok: true }, municipality: { ok: true }, sodervik: { ok: true } },
      // What waits for publication, shown without failing readiness.
      publication: { region: { pending: 0, setAside: 0 }, municipality: { pending: 0, setAside: 0 }, sodervik: { pending: 0, setAside: 0 } },
    });
  });

  it('is not ready, with the reason, when an upstream is down or answers garbage', async () => {
    peers.municipality.setFault('error');
    try {
      const res = await t.app.request('/ready');
      const body = await expectProblem(res, 503);
      expect(body.detail).toMatch(/municipality: answered \/metadata with HTTP 500/);
    } finally {
      peers.municipality.setFault('none');
    }
    peers.region.setFault('garbage');
    try {
      const body = await expectProblem(await t.app.request('/ready'), 503);
      expect(body.detail).toMatch(/^region: /);
    } finally {
      peers.region.setFault('none');
    }
  });

  it('answers an unknown route with a 404 problem', async () => {
    const body = await expectProblem(await t.app.request('/api/nothing-here'), 404);
    expect(body.detail).toContain('/api/nothing-here');
  });

  it('puts a request id of its own on every response, never the one the client sent', async () => {
    const generated = await t.app.request('/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const sent = await t.app.request('/health', { headers: { 'X-Request-Id': 'portal-req-42' } });
    expect(sent.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.headers.get('x-request-id')).not.toBe(generated.headers.get('x-request-id'));
  });

  it('sends secure headers: a locked-down CSP, nosniff, no framing', async () => {
    const res = await t.app.request('/health');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });

  describe('CORS', () => {
    it('allows a listed origin, by name, never *', async () => {
      const res = await t.app.request('/api/session', {
        method: 'OPTIONS',
        headers: { Origin: 'https://portal.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://portal.example');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    });

    it('lets a listed origin send Prefer, so a FHIR client can ask for strict handling', async () => {
      const res = await t.app.request('/fhir/CarePlan', {
        method: 'OPTIONS',
        headers: { Origin: 'https://portal.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization, prefer' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('prefer');
    });

    it('does not allow an origin that is not listed', async () => {
      const res = await t.app.request('/api/session', {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it("gives a listed origin's actual requests their CORS headers, on answers and problems alike, and no origin that is not listed", async () => {
      const token = await t.tokenFor('maria');
      const answers = [
        await t.app.request('/api/me/plans', { headers: { Origin: 'https://portal.example', Authorization: `Bearer ${token}` } }),
        await t.app.request('/api/me/plans', { headers: { Origin: 'https://portal.example' } }),
        await t.app.request('/api/me/plans/not-a-plan/home-consent', {
          method: 'POST',
          headers: { Origin: 'https://portal.example', Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'cors-1' },
          body: '{',
        }),
      ];
      expect(answers.map((res) => res.status)).toEqual([200, 401, 400]);
      for (const res of answers) {
        expect(res.headers.get('access-control-allow-origin')).toBe('https://portal.example');
        expect(res.headers.get('access-control-expose-headers')?.split(',')).toEqual(expect.arrayContaining(['ETag', 'X-Request-Id', 'Retry-After']));
        expect(res.headers.get('vary')).toBe('Origin');
        expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
      const other = await t.app.request('/api/me/plans', { headers: { Origin: 'https://evil.example', Authorization: `Bearer ${token}` } });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('vary')).toBe('Origin');
    });

    it('allows loopback origins in demo mode', async () => {
      const res = await t.app.request('/health', { headers: { Origin: 'http://127.0.0.1:5173' } });
      expect(res.status).toBe(200);
      const api = await t.app.request('/api/session', { headers: { Origin: 'http://localhost:5173' } });
      expect(api.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    });
  });

  describe('bad input gets a clear problem', () => {
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      t.app.request('/dev/token', { method: 'POST', headers, body });

    it('malformed JSON: 400', async () => {
      const body = await expectProblem(await post('{"persona": '), 400);
      expect(body.detail).toMatch(/JSON/i);
    });

    it('an unknown field: 422 naming it', async () => {
      const body = await expectProblem(await post(JSON.stringify({ persona: 'maria', admin: true })), 422);
      expect(body.errors).toContainEqual(expect.objectContaining({ path: '/admin' }));
    });

    it('a wrong type: 422 naming the field', async () => {
      const body = await expectProblem(await post(JSON.stringify({ persona: 42 })), 422);
      expect(body.errors?.[0]?.path).toBe('/persona');
    });

    it('a token lifetime out of range: 422 naming it; in range, the token lives that long', async () => {
      for (const expiresIn of [0, 3601, 1.5]) {
        const body = await expectProblem(await post(JSON.stringify({ persona: 'maria', expiresIn })), 422);
        expect(body.errors?.[0]?.path).toBe('/expiresIn');
      }
      const res = await post(JSON.stringify({ persona: 'region-coordinator', expiresIn: 5 }));
      expect(res.status).toBe(200);
      const token = (await res.json()) as { access_token: string; expires_in: number };
      expect(token.expires_in).toBe(5);
      const claims = JSON.parse(Buffer.from(token.access_token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
      expect(claims.exp - claims.iat).toBe(5);
    });

    it('a body that is not JSON: 415', async () => {
      await expectProblem(await post('persona=maria', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    });

    it('a body over the limit: 413', async () => {
      const huge = JSON.stringify({ persona: 'x'.repeat(t.config.bodyLimitBytes + 10) });
      await expectProblem(await post(huge), 413);
    });

    it('a body over the limit on the FHIR face: 413 as an OperationOutcome', async () => {
      const res = await t.app.request('/fhir/CarePlan/_search', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `patient:identifier=${'x'.repeat(t.config.bodyLimitBytes + 10)}`,
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const outcome = (await res.json()) as { resourceType: string; issue: { code: string }[] };
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]?.code).toBe('too-long');
    });

    it('an unknown persona: 422 naming the field', async () => {
      const body = await expectProblem(await post(JSON.stringify({ persona: 'nobody' })), 422);
      expect(body.errors?.[0]?.path).toBe('/persona');
    });
  });

  describe('a 500', () => {
    it('never carries the internal message, and its log line carries no personal data', async () => {
      const failing = await buildTestApp({ database: ctx.database, peers: peers.urls });
      failing.app.get('/api/test-failure', () => {
        throw new Error('lookup failed for 194003019801');
      });
      // Every path of the API asks for a token first.
      const token = await failing.tokenFor('region-coordinator');
      const res = await failing.app.request('/api/test-failure', { headers: { Authorization: `Bearer ${token}` } });
      const body = await expectProblem(res, 500);
      expect(JSON.stringify(body)).not.toContain('194003019801');
      expect(JSON.stringify(body)).not.toContain('lookup failed');
      const logged = failing.logs.join('');
      expect(logged).toContain('unhandled error');
      expect(logged).not.toContain('194003019801');
    });
  });

  describe('demo mode', () => {
    it('lists personas of every kind', async () => {
      const res = await t.app.request('/dev/personas');
      const { personas } = (await res.json()) as { personas: { id: string; kind: string; organisation?: { id: string }; personnummer?: string; description: string }[] };
      expect(new Set(personas.map((p) => p.kind))).toEqual(new Set(['staff', 'individual', 'relative']));
      for (const p of personas) {
        expect(p.description).toBeTruthy();
        if (p.kind === 'staff') expect(p.organisation?.id).toBeTruthy();
        else expect(p.personnummer).toMatch(/^\d{12}$/);
      }
      // A region and two municipalities.
      expect(new Set(personas.filter((p) => p.kind === 'staff').map((p) => p.organisation?.id)).size).toBe(3);
    });

    it('mints tokens that the same verification accepts', async () => {
      const staff = await t.tokenFor('municipality-coordinator');
      const res = await t.app.request('/api/session', { headers: { Authorization: `Bearer ${staff}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ kind: 'staff', userId: 'SE2120000099-7P01', organisationId: 'SE2120000099-7KM1', role: 'coordinator' });

      const relative = await t.tokenFor('maria');
      const me = await t.app.request('/api/session', { headers: { Authorization: `Bearer ${relative}` } });
      expect(await me.json()).toEqual({ kind: 'citizen' });
    });

    it('serves its public keys', async () => {
      const res = await t.app.request('/dev/jwks.json');
      const jwks = (await res.json()) as { keys: { kty: string; d?: string }[] };
      expect(jwks.keys[0]?.kty).toBe('EC');
      expect(jwks.keys[0]?.d).toBeUndefined();
    });
  });

  describe('authentication', () => {
    it('asks for a token when there is none', async () => {
      const res = await t.app.request('/api/session');
      await expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('refuses a token from an issuer it does not trust', async () => {
      const stranger = await createTestIssuer('https://evil.example');
      const token = await stranger.sign({ sub: 'x', org: 'y', role: 'staff' });
      const res = await t.app.request('/api/session', { headers: { Authorization: `Bearer ${token}` } });
      await expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    });
  });

  describe('OpenAPI', () => {
    it('describes the API as OpenAPI 3.1, from the same schemas', async () => {
      const res = await t.app.request('/openapi.json');
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/api/session', '/dev/token', '/dev/personas']));
      expect(doc.components.schemas).toHaveProperty('TokenRequest');
      expect(doc.components.securitySchemes).toHaveProperty('bearer');
    });

    it('serves human-readable docs from its own origin', async () => {
      const res = await t.app.request('/docs/');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('/docs/assets/swagger-ui-bundle.js');
      const asset = await t.app.request('/docs/assets/swagger-ui-bundle.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');
      await expectProblem(await t.app.request('/docs/assets/..%2Fpackage.json'), 404);
    });
  });
});

describeEachDatabase('demo mode off', (ctx) => {
  it('has no /dev routes', async () => {
    const t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      env: { DEMO_MODE: 'false', STAFF_TOKEN_ISSUER: 'https://idp.example', STAFF_JWKS_URL: 'https://idp.example/jwks' },
    });
    await expectProblem(await t.app.request('/dev/personas'), 404);
    await expectProblem(
      await t.app.request('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"persona":"maria"}' }),
      404,
    );
  });

  it('is off, with no /dev routes, when real settings are given and DEMO_MODE is not', async () => {
    const t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      // DEMO_MODE unset; an identity provider and a public address: a real deployment.
      env: { DEMO_MODE: '', STAFF_TOKEN_ISSUER: 'https://idp.example', STAFF_JWKS_URL: 'https://idp.example/jwks', PUBLIC_URL: 'https://sip.region.example' },
    });
    expect(t.config.demoMode).toBe(false);
    await expectProblem(await t.app.request('/dev/personas'), 404);
    await expectProblem(
      await t.app.request('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"persona":"region-coordinator"}' }),
      404,
    );
  });
});
