import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewEnvelope, withHop } from './envelope-splice';

const env = (o: Record<string, unknown>) => Buffer.from(JSON.stringify({ v: 1, id: 'j1', ...o }));

describe('viewEnvelope (top-level splice of hops)', () => {
  it('appends to hops and leaves every other byte as it was', () => {
    const body = Buffer.from('{"v":1,"id":"j1","input":{"hops":["nested"],"s":"a\\"b}"},"hops":["A"],"z":2}');
    const view = viewEnvelope(body)!;
    expect(view.hops).toEqual(['A']);
    expect(withHop(body, view, 'B').toString()).toBe(
      '{"v":1,"id":"j1","input":{"hops":["nested"],"s":"a\\"b}"},"hops":["A","B"],"z":2}',
    );
  });

  it('inserts hops when missing; reads expiresAt; refuses non-envelopes', () => {
    const body = env({ expiresAt: '2030-01-01T00:00:00.000Z', id: 'a\\"b' });
    const view = viewEnvelope(body)!;
    expect(view.expiresAt).toBe('2030-01-01T00:00:00.000Z');
    expect(view.id).toBe('a\\"b');
    expect(JSON.parse(withHop(body, view, 'X').toString()).hops).toEqual(['X']);
    expect(viewEnvelope(Buffer.from('{"v":2,"id":"x"}'))).toBeUndefined();
    expect(viewEnvelope(Buffer.from('[1,2]'))).toBeUndefined();
    expect(viewEnvelope(Buffer.from('{"v":1,"id":"x"'))).toBeUndefined();
    expect(viewEnvelope(Buffer.from('{"v":1,"id":"x"} trailing'))).toBeUndefined();
  });

  it('matches JSON.parse on arbitrary envelopes (property)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.boolean(),
        fc.string(),
        (input, hops, withHops, hop) => {
          const obj: Record<string, unknown> = { v: 1, id: 'job', input };
          if (withHops) obj.hops = hops;
          const body = Buffer.from(JSON.stringify(obj, null, withHops ? 0 : 1));
          const view = viewEnvelope(body);
          expect(view).toBeDefined();
          const out = JSON.parse(withHop(body, view!, hop).toString());
          expect(out).toEqual(JSON.parse(JSON.stringify({ ...obj, hops: [...(withHops ? hops : []), hop] })));
        },
      ),
      { numRuns: 500 },
    );
  });
});
