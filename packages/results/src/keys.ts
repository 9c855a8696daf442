/** The one key layout both stores (and `redis-cli`) share. The prefix lets tests isolate runs. */
export interface KeyLayout {
  prefix: string;
  /** Hash with the job record: `<prefix>job:<id>`. */
  job(id: string): string;
  /** String holding the job id that claimed an idempotency key: `<prefix>idem:<key>`. */
  idem(key: string): string;
  /** Pub/sub channel the transition script publishes the terminal state to: `<prefix>done:<id>`. */
  done(id: string): string;
}

export const DEFAULT_PREFIX = 'warren:';
export const DEFAULT_TTL_S = 86_400;

export function keyLayout(prefix = DEFAULT_PREFIX): KeyLayout {
  return {
    prefix,
    job: (id) => `${prefix}job:${id}`,
    idem: (key) => `${prefix}idem:${key}`,
    done: (id) => `${prefix}done:${id}`,
  };
}
