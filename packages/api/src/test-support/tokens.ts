import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

/** A token issuer for tests: its own key pair, and tokens signed however a test needs. */
export interface TestIssuer {
  issuer: string;
  jwks: { keys: JWK[] };
  keys: ReturnType<typeof createLocalJWKSet>;
  privateKey: CryptoKey;
  sign(claims: JWTPayload, options?: { audience?: string; expiresIn?: string | number; alg?: string; kid?: string }): Promise<string>;
}

export async function createTestIssuer(issuer = 'https://idp.test.example/staff', alg = 'ES256'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg, use: 'sig' };
  const jwks = { keys: [jwk] };
  return {
    issuer,
    jwks,
    keys: createLocalJWKSet(jwks),
    privateKey,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? alg, kid: options.kid ?? 'test-key' })
        .setIssuer(issuer)
        .setAudience(options.audience ?? 'sip-broker-staff')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey),
  };
}
