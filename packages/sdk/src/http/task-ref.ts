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

/** A task definition or a plain task name (untyped input and result). */
export type TaskArg = TaskRef<unknown, unknown> | string;
export type InputFor<T> = T extends string ? unknown : InputOf<T>;
export type OutputFor<T> = T extends string ? unknown : OutputOf<T>;
