import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Signing keys of the built-in demo token issuer, kept so that tokens it minted stay
 * valid across restarts. Only used in demo mode, which is refused in production.
 */
export const demoIssuerKeys = pgTable('demo_issuer_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  privateJwk: jsonb('private_jwk').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
