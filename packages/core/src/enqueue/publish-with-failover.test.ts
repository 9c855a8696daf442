import { TransportError, UnavailableError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';
import { MemoryBroker } from '../memory/memory-broker';
import { MemoryResultStore } from '../memory/memory-result-store';
import type { Publisher } from '../ports/publisher';
import type { PublishReport } from '../routing/router';
import { defineTask } from '../task/define-task';
import { createProducer } from './producer';

const config = defineConfig({
  queues: { default: {} },
  tasks: [defineTask({ name: 't.echo', input: z.unknown(), handler: (x) => x })],
});

/** Region a first, then b; records every report. */
function setup(first: Publisher) {
  const second = new MemoryBroker();
  const reports: [string, PublishReport][] = [];
  const events: string[] = [];
  const producer = createProducer({
    config,
    publishers: new Map<string, Publisher>([
      ['a', first],
      ['b', second],
    ]),
    results: new MemoryResultStore(),
    router: { order: () => ['a', 'b'], report: (id, r) => reports.push([id, r]) },
    onEvent: (e) => events.push(e.type === 'publish' ? `${e.type}:${e.region}:${e.ok}` : e.type),
  });
  return { producer, second, reports, events };
}

const failing = (err: unknown): Publisher => ({
  publish: async () => {
    throw err;
  },
  close: async () => {},
});

describe('publishWithFailover: only transport errors count against a region', () => {
  it('a non-transport error (a serialisation RangeError) rejects at once: no report, no next region', async () => {
    const bug = new RangeError('Invalid string length');
    const { producer, second, reports } = setup(failing(bug));
    await expect(producer.enqueue({ task: 't.echo', input: 1 })).rejects.toBe(bug);
    expect(reports).toEqual([]);
    expect(await second.depth('default')).toBe(0);
  });

  it('a recoverable TransportError is reported and the next region takes the job', async () => {
    const { producer, second, reports } = setup(failing(new TransportError('connection lost', true)));
    const out = await producer.enqueue({ task: 't.echo', input: 1 });
    expect(out.response.region).toBe('b');
    expect(reports.map(([id, r]) => [id, r.ok, r.recoverable])).toEqual([
      ['a', false, true],
      ['b', true, undefined],
    ]);
    expect(await second.depth('default')).toBe(1);
  });

  it('a non-recoverable TransportError surfaces as it is: reported, no next region (kombu: only recoverable errors fail over)', async () => {
    const refused = new TransportError('amqp: ACCESS_REFUSED - access to exchange denied', false);
    const { producer, second, reports } = setup(failing(refused));
    await expect(producer.enqueue({ task: 't.echo', input: 1 })).rejects.toBe(refused);
    expect(reports.map(([id, r]) => [id, r.ok, r.recoverable])).toEqual([['a', false, false]]);
    expect(await second.depth('default')).toBe(0);
  });

  it('a non-recoverable error after a recoverable one is still an unknown outcome (503, the first may have landed)', async () => {
    const refused = new TransportError('amqp: PRECONDITION_FAILED', false);
    const third = new MemoryBroker();
    const results = new MemoryResultStore();
    const producer = createProducer({
      config,
      publishers: new Map<string, Publisher>([
        ['a', failing(new TransportError('confirm timed out', true))],
        ['b', failing(refused)],
        ['c', third],
      ]),
      results,
      router: { order: () => ['a', 'b', 'c'], report: () => {} },
    });
    const err = await producer.enqueue({ task: 't.echo', input: 1, idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).cause).toBe(refused);
    expect(await third.depth('default')).toBe(0);
    // The key stays marked unconfirmed, as after any 503: a retry republishes the same id.
    expect(await results.claimIdempotencyKey('k', 'other', 60)).toMatch(/^unconfirmed:/);
  });
});
