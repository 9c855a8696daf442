import { describe, expect, it } from 'vitest';
import { originOf } from './enqueue-context';

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
