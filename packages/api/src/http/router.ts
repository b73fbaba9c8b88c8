import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { validationProblem } from './errors.ts';

/** A router whose request validation failures become 422 problems naming the field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });
}

export type Router = ReturnType<typeof createRouter>;

