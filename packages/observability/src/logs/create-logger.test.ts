import { describe, expect, it } from 'vitest';
import { captureLines } from './capture-lines';
import { createLogger } from './create-logger';

describe('createLogger', () => {
  it('redacts secret fields and URL credentials, keeps job bindings', () => {
    const { lines, stream } = captureLines();
    const log = createLogger({ stream, name: 'ingest' });
    log.child({ jobId: 'j1', task: 't', queue: 'q', region: 'eu', attempt: 2, traceId: 'abc' }).info(
      {
        headers: { authorization: 'Bearer sk_live_1' },
        apiKey: 'k',
        cfg: { password: 'p', token: 't0' },
        url: 'amqp://warren:hunter2@broker-1:5672/vhost',
      },
      'connecting to redis://default:s3cret@cache:6379',
    );
    const line = lines[0]!;
    const text = JSON.stringify(line);
    expect(text).not.toMatch(/sk_live_1|hunter2|s3cret|"p"|t0/);
    expect(line).toMatchObject({
      level: 'info',
      name: 'ingest',
      jobId: 'j1',
      task: 't',
      queue: 'q',
      region: 'eu',
      attempt: 2,
      traceId: 'abc',
      apiKey: '[Redacted]',
      headers: { authorization: '[Redacted]' },
      url: 'amqp://warren:[Redacted]@broker-1:5672/vhost',
      msg: 'connecting to redis://default:[Redacted]@cache:6379',
    });
  });
});
