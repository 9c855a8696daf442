import { StillnessWatch } from '@warren/core';
import type { Redis } from 'ioredis';

/**
 * The store's connection kept across a Lambda freeze (or a long event-loop block): Redis does not
 * close an idle client, but a NAT on the way forgets the flow, and the first command after the
 * thaw then drew a RST (a 202 whose record was never written: GET answered 404) or nothing until
 * the 10 s command timeout (the request held that long). So the first command after the process
 * stood still waits for a PING first (one round trip, `probeMs` at most); an error or no answer
 * drops the connection, and the command goes out once ioredis is ready again (or `waitMs` passed,
 * when it fails as it would have). Nothing is sent twice: the command itself goes after the check.
 */
export class RedisThawCheck {
  private readonly still = new StillnessWatch();
  private checking: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly probeMs = 1000,
    private readonly waitMs = 3000,
  ) {}

  /** `run` now, or after the check when the process stood still (no await in the steady state). */
  run<T>(command: () => Promise<T>): Promise<T> {
    if (!this.still.stoodStill()) return command();
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
      this.still.clear();
    });
    return this.checking.then(command);
  }

  stop(): void {
    this.still.stop();
  }

  private async check(): Promise<void> {
    const { redis } = this;
    if (redis.status === 'end') return;
    if (redis.status === 'ready') {
      if (await withTimeout(redis.ping(), this.probeMs)) return;
      // No answer: end a socket that will never hear back (ioredis reconnects; a graceful close
      // would wait 2 s for a FIN that is not coming). An error already began the reconnect.
      if (redis.status === 'ready') (redis as unknown as { stream?: { destroy(): void } }).stream?.destroy();
    }
    await nextReady(redis, this.waitMs);
  }
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      () => resolve(true),
      () => resolve(false),
    ).finally(() => clearTimeout(t));
  });
}

/** The next 'ready' (the old connection's close comes first), or `ms` later. */
function nextReady(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      redis.off('ready', done);
      redis.off('end', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    redis.once('ready', done);
    redis.once('end', done);
  });
}
