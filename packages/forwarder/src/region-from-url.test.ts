import { describe, expect, it } from 'vitest';
import { regionFromUrl } from './redact';

describe('regionFromUrl', () => {
  it('is host:port, a valid region name for the envelope hops, IPv6 hosts included', () => {
    expect(regionFromUrl('amqp://u:p@rmq-1.example:5672/vh')).toBe('rmq-1.example:5672');
    expect(regionFromUrl('amqps://rmq-1.example')).toBe('rmq-1.example:5671');
    expect(regionFromUrl('amqp://u:p@[::1]:5672')).toBe('0::1:5672');
    expect(regionFromUrl('amqp://[2001:db8::1]')).toBe('2001:db8::1:5672');
    const long = regionFromUrl(`amqp://${'a'.repeat(60)}.${'b'.repeat(60)}.example:5672`);
    expect(long).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9._:-]{0,127}$/);
    expect(long.endsWith('.example:5672')).toBe(true);
    expect(regionFromUrl('not a url')).toBe('unknown');
  });
});
