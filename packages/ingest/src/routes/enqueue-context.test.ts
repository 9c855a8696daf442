import { describe, expect, it } from 'vitest';
import { forwardedPrefix, originOf } from './enqueue-context';

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
