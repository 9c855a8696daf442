import { Writable } from 'node:stream';

/** A stream for `createLogger({ stream })` that keeps every JSON line it gets, parsed: for tests. */
export function captureLines() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, stream };
}
