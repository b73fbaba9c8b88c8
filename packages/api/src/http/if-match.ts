import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context.ts';
import { ProblemError } from './errors.ts';

/**
 * Every update names the version it was based on. Checked before the body is even read:
 * a missing If-Match is a 428 whatever the body holds.
 */
export const requireIfMatch = createMiddleware<AppEnv>(async (c, next) => {
  const value = c.req.header('if-match');
  if (!value || value.trim() === '*') {
    throw new ProblemError('precondition-required', 'Send If-Match with the ETag of the version you read');
  }
  await next();
});
