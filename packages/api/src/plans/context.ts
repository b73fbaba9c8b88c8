import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { PlansService, type Actor } from './plans.service.ts';

/** The staff member behind a request that passed `requireAuth('staff')`. */
export function staffActor(c: Context<AppEnv>): Actor {
  const principal = c.get('principal');
  if (principal.kind !== 'staff') throw new Error('staff route reached without a staff principal');
  return { principal, requestId: c.get('requestId') ?? null };
}

/** The plans service on the request's database and clock. */
export function plansService(c: Context<AppEnv>): PlansService {
  const { database, clock, logger, metrics } = c.get('deps');
  return new PlansService(database.db, () => clock.now(), logger, metrics?.writePath);
}
