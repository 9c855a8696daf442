/**
 * Waits for `p` at most `ms`, then gives up with a message instead of a hang (a broker that stopped
 * answering never settles its close). Never rejects: closing carries on with the next resource.
 */
export async function settleWithin(p: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), ms);
    timer.unref();
  });
  const outcome = await Promise.race([
    p.then(
      () => 'done',
      (err: unknown) => err,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === 'late') console.error(`${what} did not finish within ${ms} ms; giving up on it`);
  else if (outcome !== 'done') console.error(`${what} failed:`, outcome);
}
