import { hsaIdSchema, parsePersonId, staffRoleSchema } from '@sip/shared';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
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

/** What a verified token establishes: who calls, and until when the token speaks for them. */
export interface Authentication {
  principal: Principal;
  /** The token's `exp`: after it the token is refused, and a live stream opened with it ends. */
  expiresAt: Date;
}

export interface TokenVerifier {
  /** Verifies a bearer token and returns the principal, or throws a 401 ProblemError. */
  verify(token: string): Promise<Principal>;
  /** As {@link verify}, with the token's expiry. */
  authenticate(token: string): Promise<Authentication>;
}

/** The longest lifetime (`exp` − `iat`) a token may have by default: eight hours, a working day. */
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 8 * 3600;
/** How far the issuer's clock may be from ours, in seconds: for `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** The `typ` header values of an access token (RFC 7519 `JWT`, RFC 9068 `at+jwt`), as jose normalises them. */
const ACCEPTED_TYPES = new Set(['application/jwt', 'application/at+jwt']);

export interface TokenVerifierOptions {
  /** The longest lifetime (`exp` − `iat`) and age (now − `iat`) of a token, in seconds. */
  maxLifetimeSeconds?: number;
  /**
   * The service's audiences, of every kind of token: a token naming more than one of them is
   * refused. Default: the audiences of the trusted issuers.
   */
  audiences?: string[];
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

/**
 * The user's name, when the staff token gives one (OpenID Connect `name`): kept with the changes
 * they make, for the plan's history. A name of another shape is left out, not refused.
 */
export const staffNameClaim = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((v) => !/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/u.test(v), 'no control or format characters');

const citizenClaims = z.object({
  sub: z.string().refine((v) => parsePersonId(v)?.value === v, 'sub must be a 12-digit personnummer or samordningsnummer'),
});

/** A `typ` header value as jose compares them: lower case, `application/` added when there is no slash. */
function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

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
 * pair picks which keys, and which kind of principal, a token can be; a token naming more than
 * one of the service's audiences is refused, as it would be both kinds. The signature,
 * algorithm, issuer, audience, expiry, not-before, and the issue time (`iat`: required, not in
 * the future, not older than the longest lifetime) are then checked by jose; then the lifetime
 * (`exp` − `iat`) and the `typ` header (when present: `JWT` or `at+jwt`).
 */
export function createTokenVerifier(
  issuers: TrustedIssuer[],
  now: () => Date = () => new Date(),
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_TOKEN_MAX_LIFETIME_SECONDS;
  const serviceAudiences = new Set(options.audiences ?? issuers.map((i) => i.audience));
  // A verified token is trusted until it expires; a bounded cache spares the signature check.
  const verified = new Map<string, Authentication>();
  const CACHE_MAX = 10_000;
  async function authenticate(token: string): Promise<Authentication> {
    const hit = verified.get(token);
    if (hit) {
      if (hit.expiresAt.getTime() > now().getTime()) return hit;
      verified.delete(token);
    }
    const authentication = await verifyUncached(token);
    if (verified.size >= CACHE_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, authentication);
    return authentication;
  }
  return {
    authenticate,
    async verify(token) {
      return (await authenticate(token)).principal;
    },
  };

  async function verifyUncached(token: string): Promise<Authentication> {
    {
      let unverified: ReturnType<typeof decodeJwt>;
      try {
        unverified = decodeJwt(token);
      } catch {
        throw unauthenticated('The token is not a JWT');
      }
      const audiences = Array.isArray(unverified.aud) ? unverified.aud : [unverified.aud];
      if (new Set(audiences.filter((a) => a !== undefined && serviceAudiences.has(a))).size > 1) {
        throw unauthenticated('The token names more than one audience of this service: a token is for staff or for a citizen, never both');
      }
      const trusted = issuers.find((i) => i.issuer === unverified.iss && audiences.includes(i.audience));
      if (!trusted) throw unauthenticated('The token is not from a trusted issuer for this service');
      let payload: JWTPayload;
      try {
        const result = await jwtVerify(token, trusted.keys, {
          issuer: trusted.issuer,
          audience: trusted.audience,
          algorithms: ALLOWED_ALGORITHMS,
          requiredClaims: ['exp', 'iat', 'sub'],
          maxTokenAge: maxLifetime,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: now(),
        });
        payload = result.payload;
        const typ = result.protectedHeader.typ;
        if (typ !== undefined && !(typeof typ === 'string' && ACCEPTED_TYPES.has(normaliseTyp(typ)))) {
          throw unauthenticated("The token's typ header is not JWT or at+jwt: it is not an access token");
        }
        if (payload.exp! - payload.iat! > maxLifetime) {
          throw unauthenticated(`The token lives longer than this service accepts (exp - iat may be at most ${maxLifetime} s)`);
        }
      } catch (error) {
        if (error instanceof ProblemError) throw error;
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
      const expiresAt = new Date(payload.exp! * 1000);
      if (trusted.kind === 'staff') {
        const claims = staffClaims.safeParse(payload);
        if (!claims.success) throw unauthenticated('The staff token lacks valid sub, org or role claims (sub and org are HSA-ids)');
        return {
          principal: {
            kind: 'staff',
            userId: claims.data.sub,
            organisationId: claims.data.org,
            role: claims.data.role,
            issuer: trusted.issuer,
            ...(staffNameClaim.safeParse(payload.name).success ? { name: staffNameClaim.parse(payload.name) } : {}),
          },
          expiresAt,
        };
      }
      const claims = citizenClaims.safeParse(payload);
      if (!claims.success) throw unauthenticated('The token subject is not a valid personnummer');
      return { principal: { kind: 'citizen', personId: claims.data.sub, issuer: trusted.issuer }, expiresAt };
    }
  }
}
