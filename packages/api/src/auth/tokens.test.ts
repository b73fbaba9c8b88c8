import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from '../http/errors.ts';
import { createTestIssuer, type TestIssuer } from '../test-support/tokens.ts';
import { createTokenVerifier, DEFAULT_TOKEN_MAX_LIFETIME_SECONDS, remoteIssuer, type TokenVerifier } from './tokens.ts';

const staffClaims = { sub: 'SE2321000099-7P01', org: 'SE2321000099-7RG1', role: 'coordinator' };

async function rejection(verifier: TokenVerifier, token: string): Promise<ProblemError> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token of the issuer's, signed with its key, with the header and times a test sets. */
function signed(
  idp: TestIssuer,
  claims: Record<string, unknown>,
  options: { typ?: unknown; iat?: number | null; exp?: number; audience?: string | string[] } = {},
): Promise<string> {
  const iat = options.iat === undefined ? nowSeconds() : options.iat;
  const jwt = new SignJWT({ ...claims, ...(iat === null ? {} : { iat }) })
    .setProtectedHeader({ alg: idp.jwks.keys[0]!.alg!, kid: 'test-key', ...(options.typ !== undefined ? { typ: options.typ as string } : {}) })
    .setIssuer(idp.issuer)
    .setAudience(options.audience ?? 'sip-broker-staff')
    .setExpirationTime(options.exp ?? nowSeconds() + 300);
  return jwt.sign(idp.privateKey);
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

  it("reads the user's name when the staff token gives a usable one, and leaves out one that is not", async () => {
    expect(await verifier.verify(await staffIdp.sign({ ...staffClaims, name: '  Sara   Lind ' }))).toMatchObject({ name: 'Sara   Lind' });
    for (const name of ['', '   ', 'Sara\u0000Lind', 'Sara\u202eLind', 'x'.repeat(201), 5, ['Sara'], { text: 'Sara' }]) {
      const principal = await verifier.verify(await staffIdp.sign({ ...staffClaims, name }));
      expect(principal).not.toHaveProperty('name');
      expect(principal).toMatchObject({ kind: 'staff', userId: staffClaims.sub });
    }
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

  describe('lifetime', () => {
    it('refuses a token that expires in the year 9999', async () => {
      const token = await signed(staffIdp, staffClaims, { exp: Math.floor(Date.UTC(9999, 11, 31) / 1000) });
      const error = await rejection(verifier, token);
      expect(error.status).toBe(401);
      expect(error.detail).toMatch(/lives longer/);
    });

    it('refuses a token issued a year ahead', async () => {
      const iat = nowSeconds() + 365 * 86_400;
      const error = await rejection(verifier, await signed(staffIdp, staffClaims, { iat, exp: iat + 300 }));
      expect(error.status).toBe(401);
      expect(error.detail).toMatch(/'iat'/);
    });

    it('refuses a token issued a few minutes ahead, beyond the clock tolerance', async () => {
      const iat = nowSeconds() + 120;
      expect((await rejection(verifier, await signed(staffIdp, staffClaims, { iat, exp: iat + 300 }))).status).toBe(401);
    });

    it('accepts a token issued a few seconds ahead, within the clock tolerance', async () => {
      const iat = nowSeconds() + 10;
      expect((await verifier.verify(await signed(staffIdp, staffClaims, { iat, exp: iat + 300 }))).kind).toBe('staff');
    });

    it('refuses a token without iat', async () => {
      const error = await rejection(verifier, await signed(staffIdp, staffClaims, { iat: null }));
      expect(error.status).toBe(401);
      expect(error.detail).toMatch(/'iat'/);
    });

    it('refuses a token older than the longest lifetime, though its exp has not passed', async () => {
      const iat = nowSeconds() - DEFAULT_TOKEN_MAX_LIFETIME_SECONDS - 120;
      expect((await rejection(verifier, await signed(staffIdp, staffClaims, { iat, exp: nowSeconds() + 60 }))).status).toBe(401);
    });

    it('accepts a token of exactly the longest lifetime, and refuses one a minute longer', async () => {
      const iat = nowSeconds();
      expect((await verifier.verify(await signed(staffIdp, staffClaims, { iat, exp: iat + DEFAULT_TOKEN_MAX_LIFETIME_SECONDS }))).kind).toBe('staff');
      const longer = await signed(staffIdp, staffClaims, { iat, exp: iat + DEFAULT_TOKEN_MAX_LIFETIME_SECONDS + 60 });
      expect((await rejection(verifier, longer)).detail).toMatch(/lives longer/);
    });

    it('takes the longest lifetime from its options', async () => {
      const strict = createTokenVerifier([{ kind: 'staff', issuer: staffIdp.issuer, audience: 'sip-broker-staff', keys: staffIdp.keys }], undefined, {
        maxLifetimeSeconds: 600,
      });
      const iat = nowSeconds();
      expect((await strict.verify(await signed(staffIdp, staffClaims, { iat, exp: iat + 600 }))).kind).toBe('staff');
      expect((await rejection(strict, await signed(staffIdp, staffClaims, { iat, exp: iat + 900 }))).detail).toMatch(/at most 600 s/);
    });

    it('gives the expiry with the principal', async () => {
      const exp = nowSeconds() + 240;
      const { principal, expiresAt } = await verifier.authenticate(await signed(staffIdp, staffClaims, { exp }));
      expect(principal.kind).toBe('staff');
      expect(expiresAt).toEqual(new Date(exp * 1000));
    });
  });

  describe('the typ header', () => {
    it.each(['JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/jwt', 'application/at+jwt'])('accepts typ %j', async (typ) => {
      expect((await verifier.verify(await signed(staffIdp, staffClaims, { typ }))).kind).toBe('staff');
    });

    it('accepts a token without typ', async () => {
      expect((await verifier.verify(await signed(staffIdp, staffClaims))).kind).toBe('staff');
    });

    it.each(['dpop+jwt', 'secevent+jwt', 'logout+jwt', 'JOSE', 'application/jwt+other', 'text/jwt', ''])('refuses typ %j', async (typ) => {
      const error = await rejection(verifier, await signed(staffIdp, staffClaims, { typ }));
      expect(error.status).toBe(401);
      expect(error.detail).toMatch(/typ/);
    });
  });

  describe('audiences', () => {
    it('refuses a token that names both the staff and the citizen audience, whichever comes first', async () => {
      for (const audience of [
        ['sip-broker-staff', 'sip-broker-citizen'],
        ['sip-broker-citizen', 'sip-broker-staff'],
      ]) {
        const error = await rejection(verifier, await signed(staffIdp, staffClaims, { audience }));
        expect(error.status).toBe(401);
        expect(error.detail).toMatch(/more than one audience/);
      }
    });

    it('refuses it from the citizen issuer too', async () => {
      const token = await signed(citizenIdp, { sub: '196807059826' }, { audience: ['sip-broker-citizen', 'sip-broker-staff'] });
      expect((await rejection(verifier, token)).status).toBe(401);
    });

    it('refuses both audiences even where only one kind of issuer is trusted', async () => {
      const staffOnly = createTokenVerifier([{ kind: 'staff', issuer: staffIdp.issuer, audience: 'sip-broker-staff', keys: staffIdp.keys }], undefined, {
        audiences: ['sip-broker-staff', 'sip-broker-citizen'],
      });
      const token = await signed(staffIdp, staffClaims, { audience: ['sip-broker-staff', 'sip-broker-citizen'] });
      expect((await rejection(staffOnly, token)).status).toBe(401);
    });

    it('accepts a token that names one audience of this service beside another service’s', async () => {
      const token = await signed(staffIdp, staffClaims, { audience: ['sip-broker-staff', 'https://other-api.example'] });
      expect((await verifier.verify(token)).kind).toBe('staff');
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
