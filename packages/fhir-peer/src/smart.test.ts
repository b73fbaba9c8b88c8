import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { smartAuthorize, smartRedeem } from './smart-login.ts';
import { send, testPatient, usePeer } from './test-support.ts';

const CLIENT = 'test-app';
const REDIRECT = 'http://127.0.0.1:9/app';
let clock = Date.now();
const running = usePeer({ smart: { clients: [{ clientId: CLIENT, redirectUris: [REDIRECT] }], now: () => new Date(clock) } });

async function seedPeople() {
  await running.peer.seed([
    { ...testPatient('191212121212'), id: 'pat-1' },
    { resourceType: 'Practitioner', id: 'pract-1', identifier: [{ system: 'urn:oid:1.2.752.29.4.19', value: 'SE2321000099-7P01' }] },
  ]);
}

const ehrScope = 'launch openid fhirUser patient/Patient.read';

async function launchAndAuthorize(extra: { nonce?: string; verifier?: string } = {}) {
  const launch = running.peer.smart!.createLaunch({ practitioner: 'pract-1', patient: 'pat-1' });
  return smartAuthorize({ base: running.base, clientId: CLIENT, redirectUri: REDIRECT, scope: ehrScope, launch, ...extra });
}

describe('SMART App Launch authorisation server', () => {
  it('publishes its configuration with the capabilities of an EHR launch and PKCE S256', async () => {
    const reply = await send(`${running.base}/.well-known/smart-configuration`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.body).toMatchObject({
      issuer: running.base,
      authorization_endpoint: `${running.base}/auth/authorize`,
      token_endpoint: `${running.base}/auth/token`,
      jwks_uri: `${running.base}/auth/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
    for (const capability of ['launch-ehr', 'launch-standalone', 'context-ehr-patient', 'openid', 'fhirUser', 'client-public']) {
      expect(reply.body.capabilities).toContain(capability);
    }
  });

  it('names SMART-on-FHIR and its endpoints in its CapabilityStatement', async () => {
    const reply = await send(`${running.base}/metadata`);
    expect(reply.body.rest[0].security.service[0].coding[0].code).toBe('SMART-on-FHIR');
    const uris = reply.body.rest[0].security.extension[0];
    expect(uris.url).toBe('http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris');
    expect(uris.extension).toEqual([
      { url: 'authorize', valueUri: `${running.base}/auth/authorize` },
      { url: 'token', valueUri: `${running.base}/auth/token` },
    ]);
  });

  it('runs an EHR launch: code, token with the patient, an id token with fhirUser signed by its keys, and the token opens the FHIR API', async () => {
    await seedPeople();
    const authorization = await launchAndAuthorize({ nonce: 'n-123' });
    expect(authorization.error).toBeUndefined();
    expect(authorization.state).toBeTruthy();
    const token = await smartRedeem(running.base, { code: authorization.code!, verifier: authorization.verifier, clientId: CLIENT, redirectUri: REDIRECT });
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', patient: 'pat-1', scope: ehrScope });
    const jwks = (await send(`${running.base}/auth/jwks`)).body;
    const { payload } = await jwtVerify(String(token.body.id_token), createLocalJWKSet(jwks), {
      issuer: running.base,
      audience: CLIENT,
      currentDate: new Date(clock),
    });
    expect(payload).toMatchObject({ sub: 'pract-1', fhirUser: `${running.base}/Practitioner/pract-1`, nonce: 'n-123' });
    const read = await send(`${running.base}/Patient/pat-1`, { headers: { authorization: `Bearer ${String(token.body.access_token)}` } });
    expect(read.status).toBe(200);
    expect((await send(`${running.base}/Patient/pat-1`, { headers: { authorization: 'Bearer not-issued' } })).status).toBe(401);
  });

  it('refuses a wrong code verifier with invalid_grant, and the code is then used up', async () => {
    const authorization = await launchAndAuthorize();
    const wrong = await smartRedeem(running.base, { code: authorization.code!, verifier: 'x'.repeat(43), clientId: CLIENT, redirectUri: REDIRECT });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const right = await smartRedeem(running.base, { code: authorization.code!, verifier: authorization.verifier, clientId: CLIENT, redirectUri: REDIRECT });
    expect(right).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a replayed code and revokes the token it gave', async () => {
    const authorization = await launchAndAuthorize();
    const form = { code: authorization.code!, verifier: authorization.verifier, clientId: CLIENT, redirectUri: REDIRECT };
    const first = await smartRedeem(running.base, form);
    expect(first.status).toBe(200);
    const headers = { authorization: `Bearer ${String(first.body.access_token)}` };
    expect((await send(`${running.base}/Patient/pat-1`, { headers })).status).toBe(200);
    expect(await smartRedeem(running.base, form)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await send(`${running.base}/Patient/pat-1`, { headers })).status).toBe(401);
  });

  it('refuses a code after its short life', async () => {
    const authorization = await launchAndAuthorize();
    clock += 61_000;
    try {
      const late = await smartRedeem(running.base, { code: authorization.code!, verifier: authorization.verifier, clientId: CLIENT, redirectUri: REDIRECT });
      expect(late).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    } finally {
      clock -= 61_000;
    }
  });

  it('refuses another redirect URI at the token endpoint, an unknown client, and other grant types', async () => {
    const authorization = await launchAndAuthorize();
    const other = await smartRedeem(running.base, { code: authorization.code!, verifier: authorization.verifier, clientId: CLIENT, redirectUri: 'http://127.0.0.1:9/other' });
    expect(other).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const unknown = await smartRedeem(running.base, { code: 'x', verifier: authorization.verifier, clientId: 'nobody', redirectUri: REDIRECT });
    expect(unknown).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const grant = await send(`${running.base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=test-app',
    });
    expect(grant).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    const notForm = await send(`${running.base}/auth/token`, { method: 'POST', json: { grant_type: 'authorization_code' } });
    expect(notForm).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('answers an unregistered redirect URI or client with 400 and never redirects to it', async () => {
    const launch = running.peer.smart!.createLaunch({ practitioner: 'pract-1', patient: 'pat-1' });
    const url = new URL(`${running.base}/auth/authorize`);
    url.search = new URLSearchParams({ response_type: 'code', client_id: CLIENT, redirect_uri: 'https://evil.example/cb', scope: ehrScope, state: 's', aud: running.base, launch, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }).toString();
    const reply = await fetch(url, { redirect: 'manual' });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('location')).toBeNull();
    expect(await reply.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('sends back an error when PKCE is missing, aud is not its base, or the launch is unknown', async () => {
    const launch = running.peer.smart!.createLaunch({ practitioner: 'pract-1', patient: 'pat-1' });
    const base = { response_type: 'code', client_id: CLIENT, redirect_uri: REDIRECT, scope: ehrScope, state: 's1', aud: running.base, launch, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' };
    const cases: Record<string, string>[] = [
      { code_challenge_method: 'plain' },
      { aud: 'https://other.example/fhir' },
      { launch: 'unknown' },
      { state: '' },
    ];
    for (const change of cases) {
      const url = new URL(`${running.base}/auth/authorize`);
      url.search = new URLSearchParams({ ...base, ...change }).toString();
      const reply = await fetch(url, { redirect: 'manual' });
      expect(reply.status).toBe(302);
      const back = new URL(reply.headers.get('location')!);
      expect(back.origin + back.pathname).toBe(REDIRECT);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('code')).toBeNull();
    }
  });

  it('approves a standalone launch only for the user set, over HTTP as a test would set it', async () => {
    const scope = 'launch/patient openid fhirUser patient/Patient.read';
    const refused = await smartAuthorize({ base: running.base, clientId: CLIENT, redirectUri: REDIRECT, scope });
    expect(refused.error).toBe('access_denied');
    const set = await send(`${running.base}/auth/standalone`, { method: 'POST', json: { practitioner: 'pract-1', patient: 'pat-1' } });
    expect(set.status).toBe(200);
    const approved = await smartAuthorize({ base: running.base, clientId: CLIENT, redirectUri: REDIRECT, scope });
    const token = await smartRedeem(running.base, { code: approved.code!, verifier: approved.verifier, clientId: CLIENT, redirectUri: REDIRECT });
    expect(token).toMatchObject({ status: 200, body: { patient: 'pat-1' } });
    const launch = await send(`${running.base}/auth/launch`, { method: 'POST', json: { practitioner: '../x' } });
    expect(launch).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('grants only the scopes it supports, names only those, and gives a patient only with launch or launch/patient', async () => {
    await seedPeople();
    await running.peer.seed([{ resourceType: 'Patient', id: 'pat-2', identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: '194003019801' }] }]);
    const redeem = async (scope: string) => {
      const launch = running.peer.smart!.createLaunch({ practitioner: 'pract-1', patient: 'pat-1' });
      const authorization = await smartAuthorize({ base: running.base, clientId: CLIENT, redirectUri: REDIRECT, scope, launch });
      const token = await smartRedeem(running.base, { code: authorization.code!, verifier: authorization.verifier, clientId: CLIENT, redirectUri: REDIRECT });
      expect(token.status).toBe(200);
      return token.body;
    };
    // Write scopes, refresh tokens and unknown scopes are not granted, nor named in the answer.
    const asked = await redeem('launch openid fhirUser patient/Patient.read patient/Patient.write user/*.cruds offline_access system/*.read made-up');
    expect(asked.scope).toBe('launch openid fhirUser patient/Patient.read');
    expect(asked).not.toHaveProperty('refresh_token');
    // Without launch (or launch/patient): no patient in context, and no patient/ scope reaches anything.
    const noContext = await redeem('openid fhirUser patient/Patient.read');
    expect(noContext).not.toHaveProperty('patient');
    expect(noContext.scope).toBe('openid fhirUser patient/Patient.read');
    expect((await send(`${running.base}/Patient/pat-1`, { headers: { authorization: `Bearer ${String(noContext.access_token)}` } })).status).toBe(403);

    const headers = { authorization: `Bearer ${String(asked.access_token)}` };
    // The patient in context, and the user's own Practitioner (fhirUser): yes.
    expect((await send(`${running.base}/Patient/pat-1`, { headers })).status).toBe(200);
    expect((await send(`${running.base}/Practitioner/pract-1`, { headers })).status).toBe(200);
    // Another patient, another resource type, a write: no.
    expect((await send(`${running.base}/Patient/pat-2`, { headers })).status).toBe(403);
    expect((await send(`${running.base}/Organization?_count=1`, { headers })).status).toBe(403);
    const write = await send(`${running.base}/Patient/pat-1`, { method: 'PUT', headers, json: { resourceType: 'Patient', id: 'pat-1' } });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
    // Without fhirUser, not even the user's own Practitioner.
    const withoutUser = await redeem('launch openid patient/Patient.read');
    expect((await send(`${running.base}/Practitioner/pract-1`, { headers: { authorization: `Bearer ${String(withoutUser.access_token)}` } })).status).toBe(403);
    // A user/ read scope reaches every resource of its type.
    const user = await redeem('launch openid fhirUser user/Practitioner.rs');
    expect((await send(`${running.base}/Practitioner?_count=1`, { headers: { authorization: `Bearer ${String(user.access_token)}` } })).status).toBe(200);
  });

  it('answers a CORS preflight for the token endpoint', async () => {
    const reply = await fetch(`${running.base}/auth/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:9', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
  });
});
