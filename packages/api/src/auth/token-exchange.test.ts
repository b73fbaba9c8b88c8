import { IdentifierSystem } from '@sip/shared';
import { createFhirPeer, smartAuthorize, smartRedeem, type FhirPeer, type PeerServer } from '@sip/fhir-peer';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { exchangedIdTokens } from '../db/schema.ts';
import { demoUpstreamSeed } from '../demo/upstream-seed.ts';
import { organisations, staff } from '../demo/world.ts';
import { buildTestApp, describeEachDatabase, type TestApp, usePeers } from '../test-support/index.ts';
import { ACCESS_TOKEN_TYPE, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from './token-exchange.ts';

const CLIENT = 'sip-broker';
const OTHER_CLIENT = 'other-app';
const REDIRECT = 'http://127.0.0.1:9/smart/app';
const SCOPE = 'launch openid fhirUser patient/Patient.read';
const coordinator = staff.find((s) => s.id === 'region-coordinator')!;

const peers = usePeers();

/** A health record with a SMART server: the demo region's records, and a practitioner without an HSA-id. */
async function startEhr(name: string): Promise<{ peer: FhirPeer; server: PeerServer }> {
  const peer = createFhirPeer({
    name,
    smart: { clients: [{ clientId: CLIENT, redirectUris: [REDIRECT] }, { clientId: OTHER_CLIENT, redirectUris: [REDIRECT] }] },
  });
  await peer.seed([
    ...demoUpstreamSeed('region'),
    { resourceType: 'Practitioner', id: 'pract-no-hsa', identifier: [{ system: 'urn:norrvik:region:staff', value: 'x-17' }], name: [{ family: 'Utan' }] },
  ]);
  return { peer, server: await peer.listen() };
}

describeEachDatabase('the token exchange of a SMART launch', (ctx) => {
  let t: TestApp;
  let ehr: { peer: FhirPeer; server: PeerServer };
  let stranger: { peer: FhirPeer; server: PeerServer };
  let offsetMs = 0;

  beforeAll(async () => {
    ehr = await startEhr('ehr');
    stranger = await startEhr('stranger');
    t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      clock: { now: () => new Date(Date.now() + offsetMs) },
      env: {
        SMART_ISSUERS: JSON.stringify([{ iss: ehr.server.baseUrl, clientId: CLIENT, organisationId: organisations.region.id, role: 'coordinator' }]),
      },
    });
  });
  afterAll(async () => {
    await ehr?.server.close();
    await stranger?.server.close();
  });

  /** An EHR launch at `on`, signed in and redeemed as the app would: the id token and the access token. */
  async function launch(options: { on?: { peer: FhirPeer; server: PeerServer }; practitioner?: string; clientId?: string; scope?: string } = {}) {
    const on = options.on ?? ehr;
    const clientId = options.clientId ?? CLIENT;
    const launchValue = on.peer.smart!.createLaunch({ practitioner: options.practitioner ?? `pract-${coordinator.id}`, patient: 'patient-astrid' });
    const authorization = await smartAuthorize({ base: on.server.baseUrl, clientId, redirectUri: REDIRECT, scope: options.scope ?? SCOPE, launch: launchValue });
    const redeemed = await smartRedeem(on.server.baseUrl, { code: authorization.code!, verifier: authorization.verifier, clientId, redirectUri: REDIRECT });
    expect(redeemed.status).toBe(200);
    return { idToken: String(redeemed.body.id_token), accessToken: String(redeemed.body.access_token) };
  }

  function exchange(fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded') {
    return t.app.request('/token', { method: 'POST', headers: { 'content-type': contentType }, body: new URLSearchParams(fields).toString() });
  }

  const form = (tokens: { idToken: string; accessToken: string }) => ({
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: tokens.idToken,
    subject_token_type: ID_TOKEN_TYPE,
    actor_token: tokens.accessToken,
    actor_token_type: ACCESS_TOKEN_TYPE,
  });

  async function expectOAuthError(res: Response, status: number, error: string, description?: RegExp) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe(error);
    if (description) expect(body.error_description).toMatch(description);
  }

  it("gives a staff token for the launching practitioner's HSA-id, with the organisation and role configured for the health record", async () => {
    const tokens = await launch();
    const res = await exchange(form(tokens));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 3600 });
    const session = await t.app.request('/api/session', { headers: { authorization: `Bearer ${String(body.access_token)}` } });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ kind: 'staff', userId: coordinator.hsaId, organisationId: organisations.region.id, role: 'coordinator' });
    // The Practitioner's name in the record goes with the token, for the plan's history.
    expect(decodeJwt(String(body.access_token)).name).toBe(coordinator.name);
    // The token reaches the plans the region takes part in, as the region's coordinator.
    const plans = await t.app.request('/api/plans', { headers: { authorization: `Bearer ${String(body.access_token)}` } });
    expect(plans.status).toBe(200);
    // Neither token reaches the log.
    const logs = t.logs.join('\n');
    expect(logs).toContain('a SMART launch was exchanged for a staff token');
    for (const secret of [tokens.idToken, tokens.accessToken, String(body.access_token)]) expect(logs).not.toContain(secret);
  });

  it('refuses an id token whose signature is not the health record’s', async () => {
    const tokens = await launch();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(decodeJwt(tokens.idToken)).setProtectedHeader(decodeProtectedHeader(tokens.idToken) as { alg: string }).sign(privateKey);
    await expectOAuthError(await exchange({ ...form(tokens), subject_token: forged }), 400, 'invalid_request', /signature/);
  });

  it('refuses an id token from a health record it does not trust', async () => {
    const tokens = await launch({ on: stranger });
    await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_request', /not from a health record this service trusts/);
  });

  it('refuses an id token for another app (aud)', async () => {
    const tokens = await launch({ clientId: OTHER_CLIENT });
    await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_request', /'aud'/);
  });

  it('refuses an expired id token, and one issued too long ago', async () => {
    const tokens = await launch();
    offsetMs = 2 * 3600 * 1000;
    try {
      await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_request', /expired/);
    } finally {
      offsetMs = 0;
    }
    offsetMs = 20 * 60 * 1000;
    try {
      await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_request', /'iat'/);
    } finally {
      offsetMs = 0;
    }
  });

  it('refuses an id token without fhirUser', async () => {
    const tokens = await launch({ scope: 'launch openid patient/Patient.read' });
    expect(decodeJwt(tokens.idToken).fhirUser).toBeUndefined();
    await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_request', /fhirUser/);
  });

  it('refuses a practitioner who has no HSA-id in the health record', async () => {
    const tokens = await launch({ practitioner: 'pract-no-hsa' });
    await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_request', /no HSA-id/);
  });

  it('refuses an actor token the health record does not accept, and a missing one', async () => {
    const tokens = await launch();
    await expectOAuthError(await exchange({ ...form(tokens), actor_token: 'not-issued-by-the-record' }), 400, 'invalid_request', /refused actor_token/);
    const { actor_token: _a, actor_token_type: _t, ...withoutActor } = form(tokens);
    await expectOAuthError(await exchange(withoutActor), 400, 'invalid_request', /actor_token/);
  });

  it('answers temporarily_unavailable while the health record is down, and the launch can be exchanged once it is back', async () => {
    const tokens = await launch();
    await ehr.peer.setFault('down');
    try {
      await expectOAuthError(await exchange(form(tokens)), 503, 'temporarily_unavailable');
    } finally {
      await ehr.peer.setFault('none');
    }
    expect((await exchange(form(tokens))).status).toBe(200);
  });

  it('exchanges an id token once: a replay is refused with invalid_grant, by any instance of the service', async () => {
    const tokens = await launch();
    expect((await exchange(form(tokens))).status).toBe(200);
    await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_grant', /already been exchanged/);
    // Another instance on the same database refuses it too: the record is in the database.
    const other = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      env: { SMART_ISSUERS: JSON.stringify([{ iss: ehr.server.baseUrl, clientId: CLIENT, organisationId: organisations.region.id, role: 'coordinator' }]) },
    });
    const replayed = await other.app.request('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form(tokens)).toString() });
    await expectOAuthError(replayed, 400, 'invalid_grant');
    // Nothing of the token is stored: a digest only.
    const stored = rowsOf<{ digest: string }>(await ctx.database.db.execute(sql`select digest from exchanged_id_tokens`));
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) {
      expect(row.digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(tokens.idToken).not.toContain(row.digest);
    }
  });

  it('of two exchanges of one id token at the same moment, exactly one gets a token', async () => {
    for (let round = 0; round < 3; round++) {
      const tokens = await launch();
      const answers = await Promise.all([exchange(form(tokens)), exchange(form(tokens)), exchange(form(tokens))]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400, 400]);
      for (const res of answers.filter((r) => r.status === 400)) await expectOAuthError(res, 400, 'invalid_grant');
    }
  });

  it('forgets exchanged id tokens once they have expired', async () => {
    const past = new Date(Date.now() - 60_000);
    await ctx.database.db.insert(exchangedIdTokens).values([
      { digest: 'expired-1', exchangedAt: past, expiresAt: past },
      { digest: 'expired-2', exchangedAt: past, expiresAt: past },
    ]);
    const tokens = await launch();
    expect((await exchange(form(tokens))).status).toBe(200);
    const left = rowsOf<{ digest: string; expires_at: unknown }>(await ctx.database.db.execute(sql`select digest, expires_at from exchanged_id_tokens`));
    expect(left.map((r) => r.digest)).not.toContain('expired-1');
    expect(left.map((r) => r.digest)).not.toContain('expired-2');
    // The one just exchanged stays until its id token expires.
    for (const row of left) expect(new Date(String(row.expires_at)).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers malformed requests with OAuth errors, never a 500', async () => {
    const tokens = await launch();
    const valid = form(tokens);
    await expectOAuthError(await exchange({ ...valid, grant_type: 'authorization_code' }), 400, 'unsupported_grant_type');
    await expectOAuthError(await exchange({ ...valid, subject_token_type: ACCESS_TOKEN_TYPE }), 400, 'invalid_request', /subject_token_type/);
    await expectOAuthError(await exchange({ ...valid, subject_token: 'not.a-jwt' }), 400, 'invalid_request');
    await expectOAuthError(await exchange({ ...valid, subject_token: 'a.b.c' }), 400, 'invalid_request');
    await expectOAuthError(await exchange({ ...valid, requested_token_type: ID_TOKEN_TYPE }), 400, 'invalid_request');
    await expectOAuthError(await exchange({}), 400, 'invalid_request');
    await expectOAuthError(await exchange(valid, 'application/json'), 400, 'invalid_request', /x-www-form-urlencoded/);
    const twice = await t.app.request('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URLSearchParams(valid).toString()}&subject_token=${encodeURIComponent(tokens.idToken)}`,
    });
    await expectOAuthError(twice, 400, 'invalid_request', /more than once/);
    const nul = await t.app.request('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=%00' });
    expect(nul.status).toBeLessThan(500);
  });

  it('never gets a token for a code used twice or redeemed with the wrong PKCE verifier: the health record refuses them', async () => {
    const launchValue = ehr.peer.smart!.createLaunch({ practitioner: `pract-${coordinator.id}`, patient: 'patient-astrid' });
    const authorization = await smartAuthorize({ base: ehr.server.baseUrl, clientId: CLIENT, redirectUri: REDIRECT, scope: SCOPE, launch: launchValue });
    const wrong = await smartRedeem(ehr.server.baseUrl, { code: authorization.code!, verifier: `${authorization.verifier.slice(1)}x`, clientId: CLIENT, redirectUri: REDIRECT });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const again = await smartAuthorize({ base: ehr.server.baseUrl, clientId: CLIENT, redirectUri: REDIRECT, scope: SCOPE, launch: launchValue });
    const redeem = { code: again.code!, verifier: again.verifier, clientId: CLIENT, redirectUri: REDIRECT };
    const first = await smartRedeem(ehr.server.baseUrl, redeem);
    expect(first.status).toBe(200);
    expect(await smartRedeem(ehr.server.baseUrl, redeem)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The replay revoked the access token the code gave: the exchange cannot read the practitioner with it.
    const tokens = { idToken: String(first.body.id_token), accessToken: String(first.body.access_token) };
    await expectOAuthError(await exchange(form(tokens)), 400, 'invalid_request', /refused actor_token/);
  });
});

describeEachDatabase('the token exchange outside demo mode', (ctx) => {
  let t: TestApp;
  let ehr: { peer: FhirPeer; server: PeerServer };

  beforeAll(async () => {
    ehr = await startEhr('ehr-real');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const key = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'exchange-1' };
    t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      env: {
        DEMO_MODE: 'false',
        PUBLIC_URL: 'http://127.0.0.1:8787',
        STAFF_TOKEN_ISSUER: 'https://idp.test.example/staff',
        STAFF_JWKS_URL: 'http://127.0.0.1:9/jwks',
        ORGANISATIONS: JSON.stringify([
          { ...organisations.region, kind: 'region' },
          { ...organisations.municipality, kind: 'municipality' },
        ].map(({ id, name, kind }) => ({ id, name, kind }))),
        SMART_ISSUERS: JSON.stringify([{ iss: ehr.server.baseUrl, clientId: CLIENT, organisationId: organisations.region.id, role: 'staff' }]),
        TOKEN_EXCHANGE_KEY: JSON.stringify(key),
        TOKEN_MAX_LIFETIME_SECONDS: '900',
      },
    });
    expect(t.config.demoMode).toBe(false);
  });
  afterAll(async () => {
    await ehr?.server.close();
  });

  it("signs the staff token with TOKEN_EXCHANGE_KEY as the service's own issuer, which the service then trusts", async () => {
    const launchValue = ehr.peer.smart!.createLaunch({ practitioner: 'pract-region-physician', patient: 'patient-karl' });
    const authorization = await smartAuthorize({ base: ehr.server.baseUrl, clientId: CLIENT, redirectUri: REDIRECT, scope: SCOPE, launch: launchValue });
    const redeemed = await smartRedeem(ehr.server.baseUrl, { code: authorization.code!, verifier: authorization.verifier, clientId: CLIENT, redirectUri: REDIRECT });
    const res = await t.app.request('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: String(redeemed.body.id_token),
        subject_token_type: ID_TOKEN_TYPE,
        actor_token: String(redeemed.body.access_token),
        actor_token_type: ACCESS_TOKEN_TYPE,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const { access_token: token, expires_in: expiresIn } = (await res.json()) as { access_token: string; expires_in: number };
    // No longer than the service takes a token for (TOKEN_MAX_LIFETIME_SECONDS).
    expect(expiresIn).toBe(900);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'http://127.0.0.1:8787/token', aud: 'sip-broker-staff' });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: 'exchange-1' });
    const session = await t.app.request('/api/session', { headers: { authorization: `Bearer ${token}` } });
    expect(await session.json()).toEqual({ kind: 'staff', userId: 'SE2321000099-7P02', organisationId: organisations.region.id, role: 'staff' });
    // Demo mode is off: no demo issuer, no demo launch.
    expect((await t.app.request('/dev/smart')).status).toBe(404);
  });

  it('serves the SMART app for the configured records: the records it may be launched from, under a policy that names them', async () => {
    const config = await t.app.request('/smart/config.json');
    expect(await config.json()).toEqual({
      issuers: [{ iss: ehr.server.baseUrl, clientId: CLIENT }],
      personIdSystems: [IdentifierSystem.personnummer, IdentifierSystem.samordningsnummer],
    });
    const page = await t.app.request('/smart/launch');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    const origin = new URL(ehr.server.baseUrl).origin;
    for (const directive of [`connect-src 'self' ${origin}`, `frame-ancestors 'self' ${origin}`, "script-src 'self'", "require-trusted-types-for 'script'", 'trusted-types lit-html']) {
      expect(csp).toContain(directive);
    }
  });
});
