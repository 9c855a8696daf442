import { describe, expect, it } from 'vitest';
import { captureLines } from './capture-lines';
import { createLogger, redactUrlCredentials } from './create-logger';

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

  it('masks passwords holding quotes, backslashes or slashes, raw and inside a JSON log line', () => {
    for (const pw of ['pa"ss', "it's", 'back\\slash', 'pa/ss', 'p@ss/w"d']) {
      expect(redactUrlCredentials(`connect amqp://warren:${pw}@broker:5672 now`)).toBe(
        'connect amqp://warren:[Redacted]@broker:5672 now',
      );
      const { lines, stream } = captureLines();
      createLogger({ stream }).info(
        { url: `amqp://warren:${pw}@broker:5672` },
        `connecting to amqp://u:${pw}@h`,
      );
      const text = JSON.stringify(lines);
      expect(text).toContain('amqp://warren:[Redacted]@broker:5672');
      expect(text).toContain('amqp://u:[Redacted]@h');
    }
  });

  it('leaves a port followed by a path or a quote alone (no password there)', () => {
    for (const s of [
      'GET https://registry.npmjs.org:443/@scope/pkg',
      'http://host:8080/users?email=a@b.example',
      '{"url":"amqp://host:5672","to":"a@b"}',
    ])
      expect(redactUrlCredentials(s)).toBe(s);
  });

  it('masks secrets in URL query strings by their parameter names, leaves other parameters alone', () => {
    const msg =
      'GET https://api.example.com/v1/charges?page=2&api_key=sk_live_9&access_token=ya29.x-y failed; ' +
      'GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AK%2F1&X-Amz-Security-Token=IQo%2Bz&X-Amz-Signature=ab12#f';
    const want =
      'GET https://api.example.com/v1/charges?page=2&api_key=[Redacted]&access_token=[Redacted] failed; ' +
      'GET https://b.s3.amazonaws.com/k?X-Amz-Credential=[Redacted]&X-Amz-Security-Token=[Redacted]&X-Amz-Signature=[Redacted]#f';
    expect(redactUrlCredentials(msg)).toBe(want);
    const { lines, stream } = captureLines();
    createLogger({ stream }).warn({ url: 'https://h/cb?token=t_7"q&x=1' }, msg);
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/sk_live_9|ya29|IQo|ab12|t_7/);
    expect(lines[0]).toMatchObject({ msg: want, url: 'https://h/cb?token=[Redacted]&x=1' });
    for (const s of ['https://h/search?q=token&sort=key', 'https://h/x?tokens=3&keyboard=uk'])
      expect(redactUrlCredentials(s)).toBe(s);
  });

  it('masks URL passwords without a user part (redis://:password@host)', () => {
    expect(redactUrlCredentials('connect redis://:s3cret@cache:6379 and rediss://:p4ss@h')).toBe(
      'connect redis://:[Redacted]@cache:6379 and rediss://:[Redacted]@h',
    );
    const { lines, stream } = captureLines();
    createLogger({ stream }).info({ url: 'redis://:s3cret@cache:6379' }, 'x');
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('redacts secret fields whatever their case (Authorization, X-Api-Key, Password)', () => {
    const { lines, stream } = captureLines();
    createLogger({ stream }).info(
      {
        headers: { Authorization: 'Bearer sk_1', 'X-Api-Key': 'k_2', Cookie: 'c_3' },
        req: { headers: { AUTHORIZATION: 'Bearer sk_4', 'x-api-key': 'k_5' } },
        Password: 'p_6',
        cfg: { Token: 't_7', ApiKey: 'a_8' },
      },
      'x',
    );
    expect(JSON.stringify(lines)).not.toMatch(/sk_1|k_2|c_3|sk_4|k_5|p_6|t_7|a_8/);
    expect(lines[0]).toMatchObject({ headers: { Authorization: '[Redacted]', 'X-Api-Key': '[Redacted]' } });
  });

  it("redacts child bindings too, and leaves the caller's object as it was", () => {
    const { lines, stream } = captureLines();
    const fields = { headers: { Authorization: 'Bearer sk_9' }, keep: 1 };
    createLogger({ stream }).child({ Token: 't_10' }).info(fields, 'x');
    expect(JSON.stringify(lines)).not.toMatch(/sk_9|t_10/);
    expect(lines[0]).toMatchObject({ Token: '[Redacted]', keep: 1 });
    expect(fields.headers.Authorization).toBe('Bearer sk_9');
  });

  it('redacts secrets nested in child bindings (request headers bound once per request)', () => {
    const { lines, stream } = captureLines();
    const req = { method: 'POST', headers: { authorization: 'Bearer sk_11', 'x-api-key': 'k_12' } };
    createLogger({ stream })
      .child({ req })
      .child({ cfg: { password: 'p_13' } })
      .info('x');
    expect(JSON.stringify(lines)).not.toMatch(/sk_11|k_12|p_13/);
    expect(lines[0]).toMatchObject({ req: { method: 'POST', headers: { authorization: '[Redacted]' } } });
  });

  it('redacts secrets an Error carries (an HTTP client error keeps its request config)', () => {
    const { lines, stream } = captureLines();
    const log = createLogger({ stream });
    const err = Object.assign(new Error('Request failed with status code 500'), {
      config: { url: '/x', headers: { Authorization: 'Bearer sk_14' } },
      password: 'p_15',
    });
    log.error({ err }, 'x');
    log.error(err, 'y');
    log.error({ error: err }, 'z');
    expect(JSON.stringify(lines)).not.toMatch(/sk_14|p_15/);
    const config = { url: '/x', headers: { Authorization: '[Redacted]' } };
    for (const line of lines.slice(0, 2))
      expect(line.err).toMatchObject({
        type: 'Error',
        message: 'Request failed with status code 500',
        config,
      });
    expect(lines[2]!.error).toMatchObject({ config });
  });

  it('redacts secrets the errors inside an AggregateError carry (pino prints them as aggregateErrors)', () => {
    const { lines, stream } = captureLines();
    const log = createLogger({ stream });
    const inner = Object.assign(new Error('Request failed with status code 401'), {
      config: { headers: { Authorization: 'Bearer sk_16' } },
    });
    const err = new AggregateError([inner, new Error('plain')], 'every region refused');
    log.error({ err }, 'x');
    log.error(err, 'y');
    expect(JSON.stringify(lines)).not.toMatch(/sk_16/);
    for (const line of lines)
      expect(line.err).toMatchObject({
        type: 'AggregateError',
        message: 'every region refused',
        aggregateErrors: [
          {
            message: 'Request failed with status code 401',
            config: { headers: { Authorization: '[Redacted]' } },
          },
          { message: 'plain' },
        ],
      });
    expect(err.errors[0]).toBe(inner); // the caller's error is left as it was
  });

  it('redacts AWS credentials and OAuth tokens by their usual names, not counts that merely mention tokens', () => {
    const { lines, stream } = captureLines();
    createLogger({ stream }).info(
      {
        credentials: { accessKeyId: 'AKIA1', secretAccessKey: 'sak_16', sessionToken: 'st_17' },
        headers: { 'x-amz-security-token': 'xa_18' },
        oauth: { access_token: 'at_19', refreshToken: 'rt_20', clientSecret: 'cs_21' },
        db: { passwd: 'pw_22' },
        usage: { maxTokens: 512 },
        idempotencyKey: 'order-7',
      },
      'x',
    );
    expect(JSON.stringify(lines)).not.toMatch(/sak_16|st_17|xa_18|at_19|rt_20|cs_21|pw_22/);
    expect(lines[0]).toMatchObject({ usage: { maxTokens: 512 }, idempotencyKey: 'order-7' });
  });

  it('redacts secrets nested deep, and cuts off what is deeper than the walk looks', () => {
    const { lines, stream } = captureLines();
    const log = createLogger({ stream });
    const input = { client: { options: { auth: { headers: { authorization: 'Bearer deep_1' } } } } };
    log.info({ job: { attempt: 1, input } }, 'started');
    let nest: Record<string, unknown> = { token: 'deeper_2', note: 'kept?' };
    for (let i = 0; i < 12; i++) nest = { n: nest };
    log.info({ nest }, 'nested');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/deep_1|deeper_2/);
    expect(lines[0]).toMatchObject({
      job: {
        attempt: 1,
        input: { client: { options: { auth: { headers: { authorization: '[Redacted]' } } } } },
      },
    });
    expect(text).toContain('[Truncated]');
  });
});
