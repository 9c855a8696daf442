import { describe, expect, it } from 'vitest';
import { bareUrl, redactUrl } from './redact-url';

describe('redactUrl and bareUrl', () => {
  it('masks the password and keeps the user (logs, events)', () => {
    expect(redactUrl('amqp://guest:guest@127.0.0.1:5672')).toBe('amqp://guest:***@127.0.0.1:5672');
    expect(redactUrl('redis://default:s3cr%40t@cache:6379/0')).toBe('redis://default:***@cache:6379/0');
    expect(redactUrl('amqps://broker.example/vh?heartbeat=5')).toBe('amqps://broker.example/vh?heartbeat=5');
  });

  it('drops user, password and query (message provenance)', () => {
    expect(bareUrl('amqp://user:secret@host:5672/vh?heartbeat=5')).toBe('amqp://host:5672/vh');
    expect(bareUrl('amqps://u:p@h')).toBe('amqps://h');
  });

  it('never returns a password from a string that is not a URL', () => {
    expect(redactUrl('amqp://us er:pa ss@host')).not.toContain('pa ss');
    expect(bareUrl('amqp://us er:pa ss@host')).toBe('amqp://host');
  });

  it('never returns a password holding unencoded URL delimiters (/ ? # @), which URL parsing rejects', () => {
    for (const pw of ['pa/ss', 'pa?ss', 'pa#ss', 'p/a@ss#x']) {
      const url = `amqp://warren:${pw}@broker-1:5672/vh`;
      expect(redactUrl(url)).toBe('amqp://warren:***@broker-1:5672/vh');
      expect(bareUrl(url)).toBe('amqp://broker-1:5672/vh');
    }
  });

  it('is safe to map over a list (no second parameter)', () => {
    expect(['amqp://a:b@h1', 'amqp://c:d@h2'].map(redactUrl)).toEqual(['amqp://a:***@h1', 'amqp://c:***@h2']);
  });
});
