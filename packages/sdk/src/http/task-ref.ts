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
/**
 * The input `T` takes. For a union of tasks (one picked at run time: `tasks[kind]`) it is what
 * each of them takes, their inputs' intersection: either may be the one sent. (Each member's input
 * is put in a parameter position and inferred back, which intersects across members and leaves a
 * task's own union input whole.) As a union of their inputs, one task's input compiled for the
 * other and was the ingest's 422.
 */
export type InputFor<T> = (
  T extends string
    ? (input: unknown) => void
    : (input: InputOf<T>) => void
) extends (input: infer I) => void
  ? I
  : never;
/** The result `T` gives: for a union of tasks, what any of them gives. */
export type OutputFor<T> = T extends string ? unknown : OutputOf<T>;

/**
 * `enqueue`'s arguments after the task: the input may be left out where its type takes undefined
 * (a plain name, a task whose schema is z.undefined() or optional), so `enqueue(tick)` compiles;
 * it is required otherwise.
 */
export type EnqueueArgs<T, O> =
  undefined extends InputFor<T> ? [input?: InputFor<T>, options?: O] : [input: InputFor<T>, options?: O];

/**
 * An item's `input` field: required unless its type takes undefined (a plain name, a task whose
 * schema is z.undefined() or optional). Optional throughout, an item of a task that needs an input
 * compiled without one and was the ingest's 422.
 */
type InputField<I> = undefined extends I ? { input?: I } : { input: I };

/**
 * Checks each item of a batch against its own task: `[{task: sendEmail, input}, {task: 'x', input}]`
 * types each `input` by that item's task (plain names stay untyped). Used as `J & BatchItems<J>`.
 */
export type BatchItems<J extends readonly unknown[]> = {
  [K in keyof J]: J[K] extends { task: infer T extends TaskArg }
    ? Omit<J[K], 'input'> & InputField<InputFor<T>>
    : J[K];
};

/**
 * A task's name carrying its definition's types, without its code: with
 * `import type { sendEmail } from './tasks'`, `taskRef<typeof sendEmail>('email.send')` types
 * `enqueue`'s input and `wait`'s result as the definition does, while a browser or Worker bundle
 * takes none of the task (its handler, its zod schema: hundreds of KB against the client's ~10).
 * As Trigger.dev's `tasks.trigger<typeof task>(id, payload)`. The name is not checked against the
 * type: a wrong one is the ingest's 422 unknown task.
 */
// biome-ignore lint/suspicious/noExplicitAny: any task's input and result types
export function taskRef<T extends TaskRef<any, any>>(name: string): TaskRef<InputOf<T>, OutputOf<T>> {
  if (typeof name !== 'string') throw new TypeError('taskRef: the task name must be a string');
  return { name };
}
