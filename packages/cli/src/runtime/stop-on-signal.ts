import { type ShutdownProcess, STOP_SIGNALS, type StopSignal } from './shutdown';

/** The parts of `process` used here (shutdown's, and `off`); tests pass an EventEmitter. */
export interface SignalProcess extends ShutdownProcess {
  off(event: StopSignal, handler: (sig: NodeJS.Signals) => void): unknown;
}

/** A one-shot command stopped by a signal: main exits with its code (128 + the signal's number). */
export class InterruptedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
export const signalExitCode = (sig: string) => CODES[sig] ?? 1;

/**
 * For a one-shot command that must not be cut off mid-step (`warren dlq replay`): the first
 * SIGINT/SIGTERM/SIGHUP aborts the returned signal (its reason: the signal's name) and says `first`; the
 * command finishes the step in hand and stops. A second one exits at once, saying `again`.
 * Killed outright instead, a replay printed nothing of what it had done and could leave a letter's
 * idempotency key claimed for a job never published.
 */
export function stopOnSignal(
  first: string,
  again: string,
  proc: SignalProcess = process,
): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) {
      console.error(`${sig} again: exiting now; ${again}`);
      return proc.exit(signalExitCode(sig));
    }
    console.error(`${sig}: ${first} (${sig} again to exit at once)`);
    ctl.abort(sig);
  };
  for (const sig of STOP_SIGNALS) proc.on(sig, handler);
  return {
    signal: ctl.signal,
    dispose() {
      for (const sig of STOP_SIGNALS) proc.off(sig, handler);
    },
  };
}
