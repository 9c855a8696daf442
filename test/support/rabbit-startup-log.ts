import { readFileSync } from 'node:fs';

/** RabbitMQ logs this once its boot (plugins included) is done: what `rabbitmqctl await_startup` waits for. */
const STARTUP_COMPLETE = 'Server startup complete;';

/** How many boots a node's log file has recorded so far (0 before its first). */
export function startupsLogged(logFile: string): number {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return 0;
  }
  return text.split(STARTUP_COMPLETE).length - 1;
}

/**
 * Waits until the node's log records one more completed boot than `before`. Reading the log
 * replaces `rabbitmqctl await_startup`, which boots an Erlang VM of its own for each call (~1.2 s
 * of CPU, 0.8-3 s of wall time after the port listens, measured on 2 cores) while the boot lock
 * (rabbit-boot.ts) makes every other file's node wait.
 */
export async function waitForStartupLogged(
  logFile: string,
  before: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (startupsLogged(logFile) <= before) {
    if (Date.now() > until)
      throw new Error(`${what} did not log '${STARTUP_COMPLETE}' within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
