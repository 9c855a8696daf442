/**
 * Cleanups that outlive one suite: worker processes shared by several suites (a Celery worker
 * takes seconds to boot, a tsx worker host about one) are closed once, when the run ends.
 */
const hooks: (() => Promise<void> | void)[] = [];

export function onRunEnd(fn: () => Promise<void> | void): void {
  hooks.push(fn);
}

export async function runEndHooks(): Promise<void> {
  for (const fn of hooks.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {});
}
