import { hsaIdSchema, parsePersonId, staffRoleSchema } from '@sip/shared';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ProblemError } from '../http/errors.ts';
import type { Principal } from './principal.ts';

/** Asymmetric algorithms only: `none` and every HMAC algorithm are refused. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface TrustedIssuer {
  kind: Principal['kind'];
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
}

export interface TokenVerifier {
  /** Verifies a bearer token and returns the principal, or throws a 401 ProblemError. */
  verify(token: string): Promise<Principal>;
}

/**
 * A staff token names its user and organisation by HSA-id. What reaches the access log is
 * checked: no other shape, and so never the broker's own (`system:…`) or a citizen's
 * (`citizen:…`) reserved names.
 */
const staffClaims = z.object({
  sub: hsaIdSchema,
  org: hsaIdSchema,
  role: staffRoleSchema,
});

const citizenClaims = z.object({
  sub: z.string().refine((v) => parsePersonId(v)?.value === v, 'sub must be a 12-digit personnummer or samordningsnummer'),
});

function unauthenticated(description: string): ProblemError {
  return new ProblemError('unauthenticated', description, {
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"` },
  });
}

export function remoteIssuer(kind: Principal['kind'], issuer: string, audience: string, jwksUrl: string): TrustedIssuer {
  return { kind, issuer, audience, keys: createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000 }) };
}

/**
 * Verifies access tokens against a fixed list of trusted issuers. The issuer and audience
 * pair picks which keys, and which kind of principal, a token can be; the signature,
 * algorithm, issuer, audience, expiry and not-before are then checked by jose.
 */
export function createTokenVerifier(issuers: TrustedIssuer[], now: () => Date = () => new Date()): TokenVerifier {
  // A verified token is trusted until it expires; a bounded cache spares the signature check.
  const verified = new Map<string, { principal: Principal; expiresAt: number }>();
  const CACHE_MAX = 10_000;
  return {
    async verify(token) {
      const hit = verified.get(token);
      if (hit) {
        if (hit.expiresAt > now().getTime()) return hit.principal;
        verified.delete(token);
      }
      const principal = await verifyUncached(token);
      const exp = (decodeJwt(token).exp ?? 0) * 1000;
      if (verified.size >= CACHE_MAX) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal, expiresAt: exp });
      return principal;
    },
  };

  async function verifyUncached(token: string): Promise<Principal> {
    {
      let unverified: ReturnType<typeof decodeJwt>;
      try {
        unverified = decodeJwt(token);
      } catch {
        throw unauthenticated('The token is not a JWT');
      }
      const audiences = Array.isArray(unverified.aud) ? unverified.aud : [unverified.aud];
      const trusted = issuers.find((i) => i.issuer === unverified.iss && audiences.includes(i.audience));
      if (!trusted) throw unauthenticated('The token is not from a trusted issuer for this service');
      let payload: Record<string, unknown>;
      try {
        const result = await jwtVerify(token, trusted.keys, {
          issuer: trusted.issuer,
          audience: trusted.audience,
          algorithms: ALLOWED_ALGORITHMS,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: 30,
          currentDate: now(),
        });
        payload = result.payload;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired');
        if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
          throw unauthenticated('The token is signed with an algorithm that is not allowed');
        }
        if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
          throw unauthenticated('The token signature does not verify');
        }
        if (error instanceof joseErrors.JWTClaimValidationFailed) {
          throw unauthenticated(`The token claim '${error.claim}' is not valid`);
        }
        if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
          throw new ProblemError('not-ready', 'The token issuer keys could not be fetched');
        }
        throw unauthenticated('The token could not be verified');
      }
      if (trusted.kind === 'staff') {
        const claims = staffClaims.safeParse(payload);
        if (!claims.success) throw unauthenticated('The staff token lacks valid sub, org or role claims (sub and org are HSA-ids)');
        return {
          kind: 'staff',
          userId: claims.data.sub,
          organisationId: claims.data.org,
          role: claims.data.role,
          issuer: trusted.issuer,
        };
      }
      const claims = citizenClaims.safeParse(payload);
      if (!claims.success) throw unauthenticated('The token subject is not a valid personnummer');
      return { kind: 'citizen', personId: claims.data.sub, issuer: trusted.issuer };
    }
  }
}
