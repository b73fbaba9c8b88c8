import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from '../http/errors.ts';
import { createTestIssuer, type TestIssuer } from '../test-support/tokens.ts';
import { createTokenVerifier, remoteIssuer, type TokenVerifier } from './tokens.ts';

const staffClaims = { sub: 'SE2321000099-7P01', org: 'SE2321000099-7RG1', role: 'coordinator' };

async function rejection(verifier: TokenVerifier, token: string): Promise<ProblemError> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe('token verification', () => {
  let staffIdp: TestIssuer;
  let citizenIdp: TestIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    staffIdp = await createTestIssuer('https://idp.region.example');
    citizenIdp = await createTestIssuer('https://eid.portal.example', 'RS256');
    verifier = createTokenVerifier([
      { kind: 'staff', issuer: staffIdp.issuer, audience: 'sip-broker-staff', keys: staffIdp.keys },
      { kind: 'citizen', issuer: citizenIdp.issuer, audience: 'sip-broker-citizen', keys: citizenIdp.keys },
    ]);
  });

  it('accepts a staff token and reads organisation and role', async () => {
    const principal = await verifier.verify(await staffIdp.sign(staffClaims));
    expect(principal).toEqual({
      kind: 'staff',
      userId: staffClaims.sub,
      organisationId: staffClaims.org,
      role: 'coordinator',
      issuer: staffIdp.issuer,
    });
  });

  it('accepts a citizen token whose subject is a personnummer', async () => {
    const token = await citizenIdp.sign({ sub: '196807059826' }, { audience: 'sip-broker-citizen' });
    expect(await verifier.verify(token)).toEqual({ kind: 'citizen', personId: '196807059826', issuer: citizenIdp.issuer });
  });

  it('rejects a citizen token whose subject is not a valid personnummer', async () => {
    const token = await citizenIdp.sign({ sub: '196807059827' }, { audience: 'sip-broker-citizen' });
    expect((await rejection(verifier, token)).detail).toMatch(/personnummer/);
  });

  it('rejects the wrong audience', async () => {
    const token = await staffIdp.sign(staffClaims, { audience: 'some-other-api' });
    const error = await rejection(verifier, token);
    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toMatch(/invalid_token/);
  });

  it('rejects a staff issuer signing for the citizen audience', async () => {
    const token = await staffIdp.sign({ sub: '196807059826' }, { audience: 'sip-broker-citizen' });
    expect((await rejection(verifier, token)).status).toBe(401);
  });

  it('rejects an unknown issuer', async () => {
    const stranger = await createTestIssuer('https://evil.example');
    expect((await rejection(verifier, await stranger.sign(staffClaims))).detail).toMatch(/trusted issuer/);
  });

  it('rejects an expired token', async () => {
    const token = await staffIdp.sign(staffClaims, { expiresIn: Math.floor(Date.now() / 1000) - 120 });
    expect((await rejection(verifier, token)).detail).toMatch(/expired/);
  });

  it('rejects alg none', async () => {
    const token = new UnsecuredJWT(staffClaims)
      .setIssuer(staffIdp.issuer)
      .setAudience('sip-broker-staff')
      .setExpirationTime('5m')
      .encode();
    expect((await rejection(verifier, token)).status).toBe(401);
  });

  it('rejects HS256 signed with the public key as the secret', async () => {
    // The classic confusion attack: the issuer's public key, known to anyone, used as an HMAC secret.
    const secret = new TextEncoder().encode(JSON.stringify(staffIdp.jwks.keys[0]));
    const token = await new SignJWT(staffClaims)
      .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
      .setIssuer(staffIdp.issuer)
      .setAudience('sip-broker-staff')
      .setExpirationTime('5m')
      .sign(secret);
    expect((await rejection(verifier, token)).detail).toMatch(/algorithm/);
  });

  it('rejects a bad signature', async () => {
    const token = await staffIdp.sign(staffClaims);
    const [header, payload] = token.split('.');
    const forged = `${header}.${base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))), role: 'auditor' }))}.${token.split('.')[2]}`;
    expect((await rejection(verifier, forged)).detail).toMatch(/signature/);
  });

  it('rejects a staff token without organisation or role', async () => {
    const token = await staffIdp.sign({ sub: staffClaims.sub });
    expect((await rejection(verifier, token)).detail).toMatch(/org or role/);
  });

  it('accepts the longest HSA-id for sub and org', async () => {
    const longest = `SE2321000099-${'A1'.repeat(12)}`;
    const principal = await verifier.verify(await staffIdp.sign({ ...staffClaims, sub: longest, org: 'SE2120000099-K1' }));
    expect(principal).toMatchObject({ kind: 'staff', userId: longest, organisationId: 'SE2120000099-K1' });
  });

  describe.each(['sub', 'org'] as const)('a staff token whose %s is not an HSA-id', (claim) => {
    it.each([
      ['a citizen name', 'citizen:196807059826'],
      ["the broker's own name", 'system:review-due'],
      ['a bare word', 'x'],
      ['a personnummer', '196807059826'],
      ['an HSA-id with a trailing newline', `${staffClaims[claim]}\n`],
      ['an HSA-id with a NUL', `${staffClaims[claim]}\u0000`],
      ['an HSA-id with a NUL inside', `SE2321000099-7\u0000P01`],
      ['an HSA-id with a leading space', ` ${staffClaims[claim]}`],
      ['an HSA-id too long', `SE2321000099-${'A'.repeat(25)}`],
      ['an HSA-id with nine digits', 'SE232100009-7P01'],
      ['an empty string', ''],
      ['a number', 2321000099],
    ])('is refused with 401: %s', async (_what, value) => {
      const token = await staffIdp.sign({ ...staffClaims, [claim]: value });
      const error = await rejection(verifier, token);
      expect(error.status).toBe(401);
      expect(error.detail).toMatch(/HSA-id/);
      expect(error.headers['WWW-Authenticate']).toMatch(/invalid_token/);
    });
  });

  it('rejects something that is not a JWT', async () => {
    expect((await rejection(verifier, 'not-a-token')).status).toBe(401);
  });
});

describe('remote JWKS', () => {
  let idp: TestIssuer;
  let server: ReturnType<typeof createServer>;
  let jwksUrl: string;

  beforeAll(async () => {
    idp = await createTestIssuer('https://idp.remote.example');
    server = createServer((req, res) => {
      res.writeHead(req.url === '/jwks' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(req.url === '/jwks' ? JSON.stringify(idp.jwks) : '{}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('fetches the issuer keys over HTTP and verifies with them', async () => {
    const verifier = createTokenVerifier([remoteIssuer('staff', idp.issuer, 'sip-broker-staff', jwksUrl)]);
    const principal = await verifier.verify(await idp.sign(staffClaims));
    expect(principal.kind).toBe('staff');
  });
});
