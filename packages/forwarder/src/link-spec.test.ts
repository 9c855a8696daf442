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

  it('refuses a queue forwarded into itself (two regions given one broker), not another vhost or queue', () => {
    const self = (to: string, queue = 'a'): LinkSpec => ({
      name: 'eu->us',
      source: { urls: ['amqp://u:p@rmq:5672'], queue: 'a', region: 'eu' },
      destination: { kind: 'amqp', urls: ['amqp://other:5672', to], queue, region: 'us' },
    });
    expect(() => new ForwardLink(self('amqp://v:w@rmq'))).toThrow(
      'link eu->us: its destination is its source (queue a on amqp://rmq): nothing to forward',
    );
    expect(() => new ForwardLink(self('amqp://rmq/tenant-b'))).not.toThrow();
    expect(() => new ForwardLink(self('amqp://rmq', 'b'))).not.toThrow();
  });
});
