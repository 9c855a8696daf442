/**
 * What the SDK needs from a task: its name, plus phantom types. `defineTask` results from
 * @warren/core match this structurally, so the HTTP client needs no dependency on core.
 */
export interface TaskRef<TInput = unknown, TOutput = unknown> {
  readonly name: string;
  readonly __types?: { input: TInput; output: TOutput };
}

export type InputOf<T> = T extends TaskRef<infer I, unknown> ? I : never;
export type OutputOf<T> = T extends TaskRef<unknown, infer O> ? O : never;
