import { describe, expect, it } from 'vitest';
import { forwardedPrefix, originOf, withScheme } from './enqueue-context';

describe('originOf', () => {
  it('is what URL#origin says, for the URLs a server sees', () => {
    for (const url of [
      'http://127.0.0.1:8787/v1/jobs',
      'https://ingest.example.com/v1/jobs?wait=10s',
      'https://abc.lambda-url.eu-west-1.on.aws/v1/jobs/batch',
      'http://[::1]:8787/v1/jobs',
      'http://x@evil.example/v1/jobs',
      'http://user:pw@host:1/v1',
      'https://host.example',
    ]) {
      expect(originOf(url)).toBe(new URL(url).origin);
    }
  });
});

describe('forwardedPrefix', () => {
  it('takes plain path segments without the trailing slash, and nothing else', () => {
    expect(forwardedPrefix('/prod')).toBe('/prod');
    expect(forwardedPrefix('/api/warren/')).toBe('/api/warren');
    for (const bad of [
      undefined,
      '',
      '/',
      'prod',
      '//evil.example',
      '/a b',
      '/a?x=1',
      '/a#x',
      `/${'a'.repeat(300)}`,
    ])
      expect(forwardedPrefix(bad)).toBe('');
  });
});

describe('withScheme', () => {
  it("takes the caller's http or https from X-Forwarded-Proto, else keeps the connection's", () => {
    expect(withScheme('http://h:1', 'https')).toBe('https://h:1');
    expect(withScheme('http://h', 'HTTPS, http')).toBe('https://h');
    expect(withScheme('https://h', 'http')).toBe('http://h');
    for (const v of [undefined, '', 'javascript', 'wss', ' , https'])
      expect(withScheme('http://h', v)).toBe('http://h');
  });
});
