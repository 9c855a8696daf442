import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Command, type Redis } from 'ioredis';
import { refuseCommand } from './allow-list';
import { encodeReply, parseCommand } from './encode-reply';

export interface RedisRestAppOptions {
  /** The connection commands run on (MULTI/EXEC blocks are sent on it as one unit). */
  redis: Redis;
  /** Bearer token callers must present. */
  token: string;
  /**
   * Requests over this many bytes are refused with 413, as Upstash refuses a request over its
   * 10 MB limit (its exact reply is not known here: an `{"error"}` body, as for its other
   * refusals), so what is too large in production is too large against this stand-in too.
   */
  maxRequestBytes?: number;
}

/** Upstash's documented request size limit. */
export const UPSTASH_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * A command whose reply stays raw RESP2 with Buffers: ioredis would otherwise reshape some
 * replies (HGETALL into an object), which Upstash never does.
 */
function rawCommand(cmd: (string | number)[]): Command {
  const [name, ...args] = cmd;
  const command = new Command(String(name), args, { replyEncoding: null });
  command.transformReply = ((reply: unknown) => reply) as Command['transformReply'];
  return command;
}

type Entry = { result: unknown } | { error: string };

/** A Redis error reply (the command ran and Redis said no) as opposed to a dead connection. */
const isReplyError = (err: unknown): boolean => (err as { name?: string })?.name === 'ReplyError';
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * An Upstash-REST-compatible endpoint over ioredis, enough for @upstash/redis to run for real
 * against a local Redis: POST `/` (one command), `/pipeline`, `/multi-exec`; bearer auth;
 * `Upstash-Encoding: base64`; RESP2 replies; errors as `{"error": "..."}`. Commands outside
 * ALLOWED_COMMANDS (allow-list.ts) are refused.
 */
export function createRedisRestApp({
  redis,
  token,
  maxRequestBytes = UPSTASH_MAX_REQUEST_BYTES,
}: RedisRestAppOptions): Hono {
  // Digests of equal length, so neither the comparison nor a length check says how long the token is.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(`Bearer ${token}`);
  const app = new Hono();

  app.use('*', async (c, next) => {
    if (!timingSafeEqual(digest(c.req.header('authorization') ?? ''), expected)) {
      return c.json({ error: 'Unauthorized' }, 401);
    }
    await next();
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: maxRequestBytes,
      onError: (c) => c.json({ error: `ERR max request size exceeded (${maxRequestBytes} bytes)` }, 413),
    }),
  );

  const body = async (c: { req: { json(): Promise<unknown> } }): Promise<unknown> =>
    c.req.json().catch(() => undefined);
  const base64 = (c: { req: { header(n: string): string | undefined } }) =>
    c.req.header('upstash-encoding')?.toLowerCase() === 'base64';

  const run = async (raw: unknown, b64: boolean): Promise<Entry> => {
    const parsed = parseCommand(raw);
    if ('error' in parsed) return parsed;
    const refused = refuseCommand(parsed.cmd);
    if (refused) return { error: refused };
    const command = rawCommand(parsed.cmd);
    try {
      redis.sendCommand(command);
      return { result: encodeReply(await command.promise, b64) };
    } catch (err) {
      if (isReplyError(err)) return { error: message(err) };
      throw err;
    }
  };

  app.post('/', async (c) => {
    const entry = await run(await body(c), base64(c));
    return 'error' in entry ? c.json(entry, 400) : c.json(entry);
  });

  app.post('/pipeline', async (c) => {
    const cmds = await body(c);
    if (!Array.isArray(cmds)) return c.json({ error: 'ERR failed to parse pipeline request' }, 400);
    const b64 = base64(c);
    // Issued together: ioredis writes them in order on one connection, replies come back in order.
    return c.json(await Promise.all(cmds.map((cmd) => run(cmd, b64))));
  });

  app.post('/multi-exec', async (c) => {
    const cmds = await body(c);
    if (!Array.isArray(cmds)) return c.json({ error: 'ERR failed to parse multi-exec request' }, 400);
    const multi = redis.multi();
    for (const raw of cmds) {
      const parsed = parseCommand(raw);
      if ('error' in parsed) return c.json(parsed, 400);
      const refused = refuseCommand(parsed.cmd);
      if (refused) return c.json({ error: refused }, 400);
      // ChainableCommander's type omits sendCommand, which Pipeline (what multi() returns) has.
      (multi as unknown as { sendCommand(c: Command): void }).sendCommand(rawCommand(parsed.cmd));
    }
    const b64 = base64(c);
    try {
      const replies = (await multi.exec()) ?? [];
      return c.json(
        replies.map(
          ([err, res]): Entry => (err ? { error: message(err) } : { result: encodeReply(res, b64) }),
        ),
      );
    } catch (err) {
      if (isReplyError(err)) return c.json({ error: message(err) }, 400);
      throw err;
    }
  });

  // Redis unreachable (or any other failure): a 5xx the client raises, never a made-up result.
  // Deliberately no `ERR` prefix: clients (and toStoreError) read that as a Redis reply error.
  app.onError((err, c) => c.json({ error: `Service Unavailable: redis unreachable (${message(err)})` }, 503));
  app.notFound((c) => c.json({ error: 'ERR not found' }, 404));
  return app;
}
