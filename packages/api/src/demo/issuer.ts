import type { Persona } from '@sip/shared';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { demoIssuerKeys } from '../db/schema.ts';
import type { TrustedIssuer } from '../auth/tokens.ts';
import { createStaffTokenMinter, type StaffTokenMinter } from '../auth/token-exchange.ts';

const ALG = 'ES256';
export const DEMO_TOKEN_TTL_SECONDS = 3600;

/** The built-in token issuer of demo mode: mints tokens for the demo personas. */
export interface DemoIssuer {
  readonly issuer: string;
  /** The public keys, as served at `/dev/jwks.json`. */
  readonly jwks: { keys: JWK[] };
  /** Trust entries for the token verifier: the same verification as for real issuers. */
  trusted(audiences: { staff: string; citizen: string }): TrustedIssuer[];
  /** A token for the persona, living `ttlSeconds` (at most, and by default, an hour). */
  mint(persona: Persona, audiences: { staff: string; citizen: string }, ttlSeconds?: number): Promise<string>;
  /** Signs the staff tokens of SMART launches in demo mode, with the same key and as the same issuer. */
  staffMinter(): Promise<StaffTokenMinter>;
}

async function loadOrCreateKey(db: Db): Promise<{ kid: string; publicJwk: JWK; privateJwk: JWK }> {
  const [existing] = await db.select().from(demoIssuerKeys).limit(1);
  if (existing) {
    return { kid: existing.kid, publicJwk: existing.publicJwk as JWK, privateJwk: existing.privateJwk as JWK };
  }
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
  await db.insert(demoIssuerKeys).values({ kid, alg: ALG, publicJwk, privateJwk }).onConflictDoNothing();
  const [stored] = await db.select().from(demoIssuerKeys).limit(1);
  if (!stored) throw new Error('demo issuer key was not stored');
  return { kid: stored.kid, publicJwk: stored.publicJwk as JWK, privateJwk: stored.privateJwk as JWK };
}

export async function createDemoIssuer(db: Db, issuer: string, now: () => Date): Promise<DemoIssuer> {
  const key = await loadOrCreateKey(db);
  const privateKey = await importJWK(key.privateJwk, ALG);
  const jwks = { keys: [key.publicJwk] };
  const keySet = createLocalJWKSet(jwks);
  return {
    issuer,
    jwks,
    trusted: (audiences) => [
      { kind: 'staff', issuer, audience: audiences.staff, keys: keySet },
      { kind: 'citizen', issuer, audience: audiences.citizen, keys: keySet },
    ],
    staffMinter: () => createStaffTokenMinter(issuer, key.privateJwk as JsonWebKey & { alg: string; kid?: string }, now),
    async mint(persona, audiences, ttlSeconds = DEMO_TOKEN_TTL_SECONDS) {
      const iat = Math.floor(now().getTime() / 1000);
      const jwt =
        persona.kind === 'staff'
          ? new SignJWT({ org: persona.organisation?.id, role: persona.role, name: persona.name })
              .setSubject(staffHsaId(persona))
              .setAudience(audiences.staff)
          : new SignJWT({ name: persona.name }).setSubject(persona.personnummer ?? '').setAudience(audiences.citizen);
      return jwt
        .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(iat)
        .setExpirationTime(iat + Math.min(ttlSeconds, DEMO_TOKEN_TTL_SECONDS))
        .setJti(randomUUID())
        .sign(privateKey);
    },
  };
}

function staffHsaId(persona: Persona): string {
  if (!persona.hsaId) throw new Error(`staff persona ${persona.id} has no HSA-id`);
  return persona.hsaId;
}
