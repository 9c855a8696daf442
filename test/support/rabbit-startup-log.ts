import { readFileSync } from 'node:fs';

/** RabbitMQ logs this once its boot (plugins included) is done: what `rabbitmqctl await_startup` waits for. */
const STARTUP_COMPLETE = 'Server startup complete;';

/** How many times a node's log file holds `line` so far (0 while it has no log). */
function timesLogged(logFile: string, line: string): number {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return 0;
  }
  return text.split(line).length - 1;
}

/** How many boots a node's log file has recorded so far (0 before its first). */
export function startupsLogged(logFile: string): number {
  return timesLogged(logFile, STARTUP_COMPLETE);
}

/** Waits until a node's log holds `line` more than `before` times. */
export async function waitForLogged(
  logFile: string,
  line: string,
  before: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (timesLogged(logFile, line) <= before) {
    if (Date.now() > until) throw new Error(`${what} did not log '${line}' within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until the node's log records one more completed boot than `before`. Reading the log
 * replaces `rabbitmqctl await_startup`, which boots an Erlang VM of its own for each call (~1.2 s
 * of CPU, 0.8-3 s of wall time after the port listens, measured on 2 cores) while the boot lock
 * (rabbit-boot.ts) makes every other file's node wait.
 */
export function waitForStartupLogged(
  logFile: string,
  before: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return waitForLogged(logFile, STARTUP_COMPLETE, before, timeoutMs, what);
}
