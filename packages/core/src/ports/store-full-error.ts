import { TransportError } from '@warren/protocol';

/**
 * The result store refused a write for memory (Redis at its maxmemory under noeviction: an OOM
 * reply), before applying any of it. Recoverable: memory frees as records expire. But Redis
 * counts a command's arguments against maxmemory before running it, so a write carrying a large
 * value (a job's input) can be refused while small writes pass: the executor then writes the
 * record without the input (see refused-record.ts) rather than handing the job back for good.
 */
export class StoreFullError extends TransportError {
  constructor(message: string, opts: { cause?: unknown; code?: string } = {}) {
    super(message, true, opts);
  }
}
