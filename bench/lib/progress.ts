import cliProgress from 'cli-progress';

export interface Progress {
  /** One bar per long step (jobs done, rounds done...). */
  bar(label: string, total: number): { tick(n?: number): void; stop(): void };
  /** A log line that does not tear the bars apart. */
  log(message: string): void;
  stop(): void;
}

/**
 * Progress bars on stderr (cli-progress MultiBar) so stdout keeps only the table. On a non-TTY
 * (CI, pipes) cli-progress draws nothing; log lines are then printed plainly.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: ' {bar} {percentage}% | {value}/{total} | {label}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    bar(label, total) {
      if (!tty) return { tick() {}, stop() {} };
      const b = multi.create(Math.max(1, total), 0, { label });
      let stopped = false;
      return {
        tick: (n = 1) => b.increment(n),
        stop: () => {
          if (stopped) return;
          stopped = true;
          b.stop();
          multi.remove(b);
        },
      };
    },
    log(message) {
      if (tty) multi.log(`${message}\n`);
      else stream.write(`${message}\n`);
    },
    stop: () => multi.stop(),
  };
}
