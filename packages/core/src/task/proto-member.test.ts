import { UnprocessableError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';
import { buildEnvelope } from '../enqueue/build-envelope';
import { defineTask } from './define-task';
import { parseJobInput } from './parse-schema';
import { protoMemberPath } from './proto-member';

const tags = defineTask({
  name: 'tags',
  input: z.object({ tags: z.record(z.string(), z.number()) }),
  handler: (x) => x,
});
const config = defineConfig({ tasks: [tags] });

describe('a "__proto__" member in a job input', () => {
  it("is what zod's record, looseObject and catchall leave out: the handler would not see it", () => {
    const input = JSON.parse('{"tags":{"a":1,"__proto__":2}}');
    expect(parseJobInput(tags.input, input)).toEqual({ success: true, data: { tags: { a: 1 } } });
    const loose = JSON.parse('{"a":1,"__proto__":{"x":1}}');
    expect(z.looseObject({ a: z.number() }).parse(loose)).toEqual({ a: 1 });
    expect(z.object({ a: z.number() }).catchall(z.unknown()).parse(loose)).toEqual({ a: 1 });
  });

  it('is found at any depth, in arrays too, and named by its path', () => {
    expect(protoMemberPath(JSON.parse('{"a":[{"b":1},{"c":{"__proto__":null}}]}'))).toEqual([
      'a',
      '1',
      'c',
      '__proto__',
    ]);
    expect(protoMemberPath(JSON.parse('{"constructor":{"prototype":1},"s":"__proto__"}'))).toBeUndefined();
    expect(protoMemberPath({ __proto__: { inherited: 1 } })).toBeUndefined(); // a prototype, not a member
    for (const v of [null, 1, 'x', [], {}]) expect(protoMemberPath(v)).toBeUndefined();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(protoMemberPath(cyclic)).toBeUndefined();
    // Each object once: two references to it per level made 2^depth visits.
    let shared: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 64; i++) shared = { l: shared, r: shared };
    expect(protoMemberPath(shared)).toBeUndefined();
  });

  it('is refused at enqueue (the ingest and a direct client build the envelope alike), naming it', () => {
    const input = JSON.parse('{"tags":{"a":1,"__proto__":2}}');
    const err = (() => {
      try {
        buildEnvelope(config, { task: 'tags', input });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnprocessableError);
    expect((err as UnprocessableError).toProblem()).toMatchObject({
      status: 422,
      errors: [{ path: 'input.tags.__proto__' }],
    });
    expect(buildEnvelope(config, { task: 'tags', input: { tags: { constructor: 1 } } })).toBeDefined();
  });
});
