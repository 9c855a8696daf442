/** Runs one batched script call for many keys: (keys, flattened ARGV) → one reply per key. */
export type BatchCall = (keys: string[], args: string[]) => Promise<unknown>;

interface Item {
  key: string;
  args: string[];
  resolve(reply: unknown): void;
  reject(err: unknown): void;
}

/** Upper bound per call: keeps one script run (it blocks Redis) and its reply small. */
const MAX_BATCH = 128;
/**
 * And on its arguments' length (UTF-16 units, ≤ 3 bytes each, escaped once more in a REST body):
 * Upstash refuses a request over 10 MB as a whole, so jobs with large results that each fit alone
 * failed together. A single larger item still goes, alone.
 */
const MAX_BATCH_CHARS = 1_000_000;

// setImmediate runs after the I/O callbacks of this loop turn, so a burst of confirms or
// deliveries read from one socket chunk lands in one batch; edge runtimes fall back to a timer.
const defer: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/**
 * Coalesces the transitions issued in one event-loop turn into one script call (one round trip,
 * one Redis script start, one write) — what makes three state changes per job affordable.
 * A store failure rejects every transition of that call (none of them is known to be applied).
 */
export class TransitionBatcher {
  private pending: Item[] = [];
  private pendingChars = 0;
  private scheduled = false;

  /**
   * `refusedWhole(err)`: the store refused the call as a whole before running any of it (a REST
   * request over the endpoint's size limit); each transition is then tried again alone.
   */
  constructor(
    private readonly call: BatchCall,
    private readonly refusedWhole: (err: unknown) => boolean = () => false,
  ) {}

  run(key: string, args: string[]): Promise<unknown> {
    let chars = key.length;
    for (const a of args) chars += a.length;
    return new Promise((resolve, reject) => {
      if (this.pendingChars + chars > MAX_BATCH_CHARS) this.flush(); // this one starts the next
      this.pending.push({ key, args, resolve, reject });
      this.pendingChars += chars;
      if (this.pending.length >= MAX_BATCH || this.pendingChars >= MAX_BATCH_CHARS) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        defer(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingChars = 0;
    this.send(batch);
  }

  private send(batch: Item[]): void {
    const keys: string[] = [];
    const args: string[] = [];
    for (const it of batch) {
      keys.push(it.key);
      for (const a of it.args) args.push(a);
    }
    this.call(keys, args).then(
      (replies) => {
        if (!Array.isArray(replies) || replies.length !== batch.length) {
          const err = new Error(`transition script: ${batch.length} keys, unexpected reply`);
          for (const it of batch) it.reject(err);
          return;
        }
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(replies[i]);
      },
      (err) => {
        // One job's write too large for a request alone must not fail the jobs batched with it
        // (a worker dead-letters a job whose write is refused for good): each goes again alone.
        if (batch.length > 1 && this.refusedWhole(err)) for (const it of batch) this.send([it]);
        else for (const it of batch) it.reject(err);
      },
    );
  }
}
