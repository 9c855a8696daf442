import { describe, expect, it } from 'vitest';
import { adHocLink } from './ad-hoc-link';

describe('adHocLink (warren forward --from --queue --to)', () => {
  it('AMQP → AMQP queue, same name by default', () => {
    expect(
      adHocLink({ from: ['amqp://a:1', 'amqp://a:2'], queue: 'q', to: ['amqp://b:1'], prefetch: 200 }),
    ).toEqual({
      name: 'q->q',
      source: { urls: ['amqp://a:1', 'amqp://a:2'], queue: 'q' },
      destination: { kind: 'amqp', urls: ['amqp://b:1'], queue: 'q' },
      prefetch: 200,
    });
  });

  it('--publish-channels sets the AMQP destination channels; an SQS target refuses it', () => {
    const l = adHocLink({ from: ['amqp://a'], queue: 'q', to: ['amqp://b'], publishChannels: 1 });
    expect(l.destination).toEqual({ kind: 'amqp', urls: ['amqp://b'], queue: 'q', channels: 1 });
    expect(() =>
      adHocLink({ from: ['amqp://a'], queue: 'q', to: ['https://s/q'], publishChannels: 2 }),
    ).toThrow(/--publish-channels/);
  });

  it('--queue-type is the source type (for a missing DLQ)', () => {
    const l = adHocLink({ from: ['amqp://a'], queue: 'q', to: ['amqp://b'], queueType: 'classic' });
    expect(l.source).toEqual({ urls: ['amqp://a'], queue: 'q', type: 'classic' });
  });

  it('refuses a queue forwarded into itself on the same broker, not another queue or broker', () => {
    expect(() => adHocLink({ from: ['amqp://u:p@a:5672'], queue: 'q', to: ['amqp://a'] })).toThrow(
      /same queue \(q\) on the same broker/,
    );
    expect(() => adHocLink({ from: ['amqp://a'], queue: 'q', to: ['amqp://a'], toQueue: 'q' })).toThrow(
      /same queue/,
    );
    expect(
      adHocLink({ from: ['amqp://a'], queue: 'q', to: ['amqp://a'], toQueue: 'q2' }).destination,
    ).toMatchObject({
      queue: 'q2',
    });
    expect(adHocLink({ from: ['amqp://a'], queue: 'q', to: ['amqp://b'] }).destination).toMatchObject({
      queue: 'q',
    });
    // Two virtual hosts of one broker hold different queues; `/`, `/%2F` and no path are one.
    expect(adHocLink({ from: ['amqp://a/one'], queue: 'q', to: ['amqp://a/two'] }).destination).toMatchObject(
      {
        queue: 'q',
      },
    );
    expect(() => adHocLink({ from: ['amqp://a/%2F'], queue: 'q', to: ['amqp://a'] })).toThrow(/same queue/);
  });

  it('AMQP → SQS queue URL', () => {
    const l = adHocLink({
      from: ['amqp://a'],
      queue: 'q',
      to: ['https://sqs.eu-west-1.amazonaws.com/1/q.fifo'],
    });
    expect(l.destination).toEqual({ kind: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q.fifo' });
  });

  it('rejects mixed or malformed targets', () => {
    expect(() => adHocLink({ from: ['http://x'], queue: 'q', to: ['amqp://b'] })).toThrow(/--from/);
    expect(() => adHocLink({ from: ['amqp://a'], queue: 'q', to: ['amqp://b', 'https://s'] })).toThrow(
      /--to/,
    );
    expect(() => adHocLink({ from: ['amqp://a'], queue: 'q', to: ['https://s'], toQueue: 'x' })).toThrow(
      /AMQP/,
    );
  });
});
