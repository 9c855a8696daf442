import { describe, expect, it } from 'vitest';
import { decodeHeaderValue, parseRmqTimestamp, type RmqEvent, rmqMessages, splitQueueKey } from './rmq-event';

// AWS's documented example event for the Amazon MQ (RabbitMQ) trigger, verbatim in shape.
const awsExample: RmqEvent = {
  eventSource: 'aws:rmq',
  eventSourceArn:
    'arn:aws:mq:us-west-2:111122223333:broker:pizzaBroker:b-9bcfa592-423a-4942-879d-eb284b418fc8',
  rmqMessagesByQueue: {
    'pizzaQueue::/': [
      {
        basicProperties: {
          contentType: 'text/plain',
          contentEncoding: null,
          headers: {
            header1: { bytes: [118, 97, 108, 117, 101, 49] },
            header2: { bytes: [118, 97, 108, 117, 101, 50] },
            numberInHeader: 10,
          },
          deliveryMode: 1,
          priority: 34,
          correlationId: null,
          replyTo: null,
          expiration: '60000',
          messageId: null,
          timestamp: 'Jan 1, 1970, 12:33:41 AM',
          type: null,
          userId: 'AIDACKCEVSQ6C2EXAMPLE',
          appId: null,
          clusterId: null,
          bodySize: 80,
        },
        redelivered: false,
        data: 'eyJ0aW1lb3V0IjowLCJkYXRhIjoiQ1pybWYwR3c4T3Y0YnFMUXhENEUifQ==',
      },
    ],
  },
};

describe('aws:rmq event decoding', () => {
  it("decodes AWS's example: queue::vhost, base64 body, byte-array headers, formatted timestamp", () => {
    const [m, ...rest] = rmqMessages(awsExample);
    expect(rest).toEqual([]);
    expect(m!.queue).toBe('pizzaQueue');
    expect(m!.vhost).toBe('/');
    expect(m!.content.toString()).toBe('{"timeout":0,"data":"CZrmf0Gw8Ov4bqLQxD4E"}');
    expect(m!.properties.headers).toEqual({ header1: 'value1', header2: 'value2', numberInHeader: 10 });
    expect(m!.properties.timestamp).toBe(2021); // 00:33:41 UTC on 1 Jan 1970
    expect(m!.properties.messageId).toBeUndefined();
    expect(m!.properties.priority).toBe(34);
  });

  it('splits queue keys at the last "::" (warren queue names may hold colons)', () => {
    expect(splitQueueKey('orders::/')).toEqual({ queue: 'orders', vhost: '/' });
    expect(splitQueueKey('eu:orders::prod')).toEqual({ queue: 'eu:orders', vhost: 'prod' });
    expect(splitQueueKey('plain')).toEqual({ queue: 'plain', vhost: '/' });
  });

  it('decodes nested header values and UTF-8 byte arrays; leaves other values alone', () => {
    const bytes = [...Buffer.from('héllo ✓')];
    expect(decodeHeaderValue({ bytes })).toBe('héllo ✓');
    expect(decodeHeaderValue([{ bytes: [97] }, 2, null])).toEqual(['a', 2, null]);
    expect(decodeHeaderValue({ inner: { bytes: [98] }, n: 1 })).toEqual({ inner: 'b', n: 1 });
    expect(decodeHeaderValue(true)).toBe(true);
  });

  it('parses timestamps with PM, narrow no-break spaces, and rejects garbage', () => {
    expect(parseRmqTimestamp('Nov 26, 2026, 10:41:03 PM')).toBe(Date.UTC(2026, 10, 26, 22, 41, 3) / 1000);
    expect(parseRmqTimestamp('Nov 26, 2026, 10:41:03\u202fAM')).toBe(
      Date.UTC(2026, 10, 26, 10, 41, 3) / 1000,
    );
    expect(parseRmqTimestamp('not a date')).toBeUndefined();
    expect(parseRmqTimestamp(null)).toBeUndefined();
  });
});
