import { createRequire } from 'node:module';

// The fs module object sonic-boom writes through (a namespace import could not be patched).
const fs: typeof import('node:fs') = createRequire(import.meta.url)('node:fs');

/**
 * pino flushes an async destination at exit with sonic-boom's flushSync, which (sonic-boom 4,
 * what pino 10 depends on) retries a failed write every 100 ms for ever, whatever the error: with
 * stdout a pipe whose reader is gone (EPIPE) the process never exited, and no signal could stop it
 * (its handlers never ran again). During that flush, a write that fails for good counts as
 * written, so its lines are dropped (they had nowhere to go); EAGAIN and EBUSY are still waited out.
 */
export function dropUnwritableAtExit<D extends { flushSync(): void }>(dest: D): D {
  const flushSync = dest.flushSync.bind(dest);
  dest.flushSync = () => {
    const writeSync = fs.writeSync;
    fs.writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: never[]) => {
      try {
        return writeSync(fd, data as string, ...rest);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EBUSY') throw err;
        return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
      }
    }) as typeof fs.writeSync;
    try {
      flushSync();
    } finally {
      fs.writeSync = writeSync;
    }
  };
  return dest;
}
