import type { AddressInfo } from 'node:net';
import { defineConfig } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { captureLines } from '../logs/capture-lines';
import { createLogger } from '../logs/create-logger';
import { createObservability } from '../observe';
import { serveStatus } from '../process/serve-status';

describe('recent failures in /status.json', () => {
  it('mask credentials a job error message carries, as the logs do', async () => {
    const obs = createObservability({
      config: defineConfig({ tasks: [] }),
      logger: createLogger({ stream: captureLines().stream }),
    });
    const job = makeJob({ queue: 'emails' });
    const message =
      'Request cannot be constructed from a URL that includes credentials: https://bob:s3cret@api.example.com/x';
    obs.executorEvents({ type: 'started', job, attempt: 1 });
    obs.executorEvents({
      type: 'failed',
      job,
      attempt: 1,
      error: { type: 'TypeError', message, retryable: false },
      reason: 'non-retriable error',
    });
    const server = await serveStatus(obs, 0, '127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      const text = await (await fetch(`http://127.0.0.1:${port}/status.json`)).text();
      expect(text).not.toContain('s3cret');
      expect(JSON.parse(text).recentFailures[0].error.message).toContain(
        'https://bob:[Redacted]@api.example.com/x',
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
