import { Validator } from '@seriousme/openapi-schema-validator';
import { defineTask } from '@warren/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEY_ALL, testIngest } from '../testing-helpers';

/** A tree: zod writes its JSON Schema with `$ref: '#'`, the schema's own root. */
type Tree = { v: number; kids: Tree[] };
const tree: z.ZodType<Tree> = z.lazy(() => z.object({ v: z.number(), kids: z.array(tree) }));
/** A schema with an id, used twice: zod writes it once under `$defs` and refers to it. */
const address = z.object({ street: z.string() }).meta({ id: 'Address' });
const tasks = [
  defineTask({ name: 'geo.route', input: z.object({ from: address, to: address }), handler: () => 1 }),
  defineTask({ name: 'tree.sum', input: tree, handler: () => 1 }),
];

/** /openapi.json as served, checked by an OpenAPI 3.1 validator (it resolves every $ref). */
async function served(config: Parameters<typeof testIngest>[0] = {}) {
  const { app } = testIngest(config);
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  const doc = (await res.json()) as Record<string, unknown> & { 'x-warren-tasks': Record<string, object> };
  return { doc, check: await new Validator().validate(doc) };
}

describe('/openapi.json is a valid OpenAPI 3.1 document', () => {
  it('with and without API keys', async () => {
    expect((await served()).check).toEqual({ valid: true });
    expect((await served({ config: { auth: { keys: [{ key: KEY_ALL }] } } })).check).toEqual({ valid: true });
  });

  it('with task inputs whose JSON Schema refers to parts of itself ($defs, a recursive type)', async () => {
    const { doc, check } = await served({ config: { tasks } });
    expect(check).toEqual({ valid: true });
    // Each input schema, read where it stands in the document (its refs resolved there), still
    // describes its input: what zod accepts, it accepts.
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ ...doc, $id: 'https://ingest.test/openapi.json' });
    const at = (task: string) =>
      ajv.compile({ $ref: `https://ingest.test/openapi.json#/x-warren-tasks/${task}` });
    const route = at('geo.route');
    expect(route({ from: { street: 'a' }, to: { street: 'b' } })).toBe(true);
    expect(route({ from: { street: 'a' }, to: {} })).toBe(false);
    const sum = at('tree.sum');
    expect(sum({ v: 1, kids: [{ v: 2, kids: [] }] })).toBe(true);
    expect(sum({ v: 1, kids: [{ v: 'x', kids: [] }] })).toBe(false);
  });
});
