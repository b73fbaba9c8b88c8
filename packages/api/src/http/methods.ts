import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Router } from 'hono/router';
import type { RouterRoute } from 'hono/types';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** An app whose router can be asked which routes a path has. */
interface Routed {
  router: Router<[unknown, RouterRoute]>;
}

/**
 * The methods a path has a route for, as the `Allow` header of a 405 lists them: each method
 * some route of that method (not a middleware for all methods) matches, and `HEAD` with `GET`.
 * Empty when the path is not known at all.
 */
export function allowedMethods(app: Routed, path: string): string[] {
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const allowed: string[] = METHODS.filter((method) => {
    const [matches] = app.router.match(method, normalised);
    return matches.some(([[, route]]) => route.method === method);
  });
  if (allowed.includes('GET')) allowed.splice(1, 0, 'HEAD');
  return allowed;
}

/**
 * Whether the request's path is one the app has a route for, with any method: what
 * {@link allowedMethods} finds non-empty. The router has matched the request already; when that
 * match holds a route (not a middleware for all methods) the answer is yes, without asking the
 * router again. Only a request whose method the path does not have (or a path not known at
 * all) has the router asked for the other methods.
 */
export function pathKnown(app: Routed, c: Context): boolean {
  return matchedRoutes(c).some((route) => route.method !== 'ALL') || allowedMethods(app, c.req.path).length > 0;
}
