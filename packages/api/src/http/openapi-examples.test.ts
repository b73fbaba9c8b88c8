import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestDatabase, noPeers, type TestApp, type TestDatabase } from '../test-support/index.ts';
import { jsonBody, jsonContent } from './openapi.ts';

interface Media {
  schema?: { $ref?: string; example?: unknown; examples?: unknown[] };
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}
interface Operation {
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { content?: Record<string, Media> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, { example?: unknown; examples?: unknown[] }> };
}
interface RouteMedia {
  schema?: unknown;
}
interface RouteDefinition {
  method: string;
  path: string;
  request?: { body?: { content?: Record<string, RouteMedia> } };
  responses?: Record<string, { content?: Record<string, RouteMedia> }>;
}

/** The example a vendor sees for a media type: its own, else its schema's. */
function exampleOf(media: Media, doc: OpenApi): unknown {
  if (media.example !== undefined) return media.example;
  const named = Object.values(media.examples ?? {})[0]?.value;
  if (named !== undefined) return named;
  const schema = media.schema?.$ref ? doc.components?.schemas?.[media.schema.$ref.replace('#/components/schemas/', '')] : media.schema;
  return schema?.example ?? schema?.examples?.[0];
}

/** Where in `example` a field is that the parsed value no longer has: a field the schema does not know. */
function dropped(example: unknown, parsed: unknown, path = ''): string[] {
  if (Array.isArray(example) && Array.isArray(parsed)) return example.flatMap((item, i) => dropped(item, parsed[i], `${path}/${i}`));
  if (example === null || typeof example !== 'object' || parsed === null || typeof parsed !== 'object') return [];
  return Object.entries(example).flatMap(([key, value]) =>
    key in parsed ? dropped(value, (parsed as Record<string, unknown>)[key], `${path}/${key}`) : [`${path}/${key}`],
  );
}

/**
 * Every JSON request body and JSON 2xx response of the operations under `/api/`, as the app's
 * `/openapi.json` lists them: which have no example, and which example the route's own zod schema
 * (from the registry the document is generated from) does not take as it is.
 */
async function exampleProblems(app: OpenAPIHono<never> | TestApp['app']) {
  const doc = (await (await app.request('/openapi.json')).json()) as OpenApi;
  const routes = new Map<string, RouteDefinition>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type === 'route') routes.set(`${definition.route.method} ${definition.route.path}`, definition.route as RouteDefinition);
  }
  const missing: string[] = [];
  const invalid: string[] = [];
  let checked = 0;
  const check = (name: string, media: Media, schema: unknown) => {
    const example = exampleOf(media, doc);
    if (example === undefined) return missing.push(name);
    if (!(schema instanceof z.ZodType)) return invalid.push(`${name}: the route has no zod schema for it`);
    checked += 1;
    const result = schema.safeParse(example);
    if (!result.success) return invalid.push(`${name}: ${result.error.issues.map((i) => `/${i.path.join('/')} ${i.message}`).join('; ')}`);
    for (const path of dropped(example, result.data)) invalid.push(`${name}: ${path} is not in the schema`);
  };
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [method, operation] of Object.entries(operations)) {
      const route = routes.get(`${method} ${path}`);
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        if (type.includes('json')) check(`${method.toUpperCase()} ${path} request body (${type})`, media, route?.request?.body?.content?.[type]?.schema);
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type.includes('json')) check(`${method.toUpperCase()} ${path} ${status} (${type})`, media, route?.responses?.[status]?.content?.[type]?.schema);
        }
      }
    }
  }
  return { missing, invalid, checked };
}

describe('the examples of the OpenAPI document', () => {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    t = await buildTestApp({ database: database.database, peers: noPeers });
  });
  afterAll(async () => {
    await t?.events.close();
    await database?.drop();
  });

  it('every JSON request body and 2xx JSON response under /api/ has one, and its route’s schema takes it as it is', async () => {
    const { missing, invalid, checked } = await exampleProblems(t.app);
    expect(missing).toEqual([]);
    expect(invalid).toEqual([]);
    // The walk reached them all: 22 request bodies and 42 responses when written.
    expect(checked).toBeGreaterThanOrEqual(64);
  });

  it('names an operation without one, one the schema refuses, and a field the schema does not know', async () => {
    const thing = z.object({ id: z.uuid(), count: z.number().int() });
    const app = new OpenAPIHono()
      .openapi(
        createRoute({ method: 'get', path: '/api/things/{id}', responses: { 200: { description: 'A thing', content: { 'application/json': { schema: thing } } } } }),
        (c) => c.json({ id: '0b7c1e4a-2f8d-4c5e-9a61-3d7f2b8e4c10', count: 1 }, 200),
      )
      .openapi(
        createRoute({
          method: 'post',
          path: '/api/things',
          request: jsonBody(thing, { id: 'not-a-uuid', count: 1 }),
          responses: { 201: { description: 'Made', content: jsonContent(thing, { id: '0b7c1e4a-2f8d-4c5e-9a61-3d7f2b8e4c10', count: 1, colour: 'red' }) } },
        }),
        (c) => c.json({ id: '0b7c1e4a-2f8d-4c5e-9a61-3d7f2b8e4c10', count: 1 }, 201),
      );
    app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'Things', version: '1' } });
    const { missing, invalid } = await exampleProblems(app as unknown as TestApp['app']);
    expect(missing).toEqual(['GET /api/things/{id} 200 (application/json)']);
    expect(invalid).toEqual([
      'POST /api/things request body (application/json): /id Invalid UUID',
      'POST /api/things 201 (application/json): /colour is not in the schema',
    ]);
  });
});
