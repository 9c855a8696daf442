import { describe, expect, it } from 'vitest';
import { ForwardLink } from './link';
import type { LinkSpec } from './types';

const spec = (prefetch?: number): LinkSpec => ({
  name: 'l',
  source: { urls: ['amqp://127.0.0.1:5672'], queue: 'a' },
  destination: { kind: 'amqp', urls: ['amqp://127.0.0.1:5672'], queue: 'b' },
  prefetch,
});

describe('ForwardLink spec', () => {
  it('refuses a prefetch AMQP cannot carry (1..65535) up front, not at every session start', () => {
    for (const bad of [0, -1, 1.5, 65_536, 70_000])
      expect(() => new ForwardLink(spec(bad))).toThrow(
        `link l: prefetch must be an integer from 1 to 65535, got ${bad}`,
      );
    for (const ok of [undefined, 1, 65_535]) expect(() => new ForwardLink(spec(ok))).not.toThrow();
  });
});
